//! `zhanye bench load`: the quality bars' two load figures against a running app.
//!
//! 1. **Open loop**: `--users` simulated people, each acting every `--interval`
//!    seconds (their first actions spread evenly over one interval), for `-d` seconds:
//!    home, a customer name search, a customer's detail, its 6-month performance, or a
//!    contact record (CUST-5, written by the sessions that serve customers). Requests go
//!    out when they are due whether or not earlier ones were answered (a pool of
//!    keep-alive connections, opened as needed up to `--max-connections`), and latency
//!    counts from when a request was due, so a slow server cannot hide its queue.
//! 2. **Saturation**: the closed-loop read mix of `zhanye bench mixed` at
//!    `--saturation-connections` for `--saturation-duration` seconds (0: skipped).
//!
//! Every `--sample-every` seconds of the open loop a line gives the window's requests/s,
//! p50/p99, errors and the server's resident memory (from `/proc/<--server-pid>`), so a
//! 10-minute run (`-d 600`) is the soak: its lines show whether memory stays flat.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::api::resolve;
use super::mixed::{self, Route, Session, StaffArgs, mix_bits};
use super::{Percentiles, fmt};

#[derive(clap::Args, Debug)]
pub struct LoadArgs {
    #[command(flatten)]
    staff: StaffArgs,
    /// Simulated people online.
    #[arg(long, default_value_t = 2000)]
    users: usize,
    /// Seconds between two actions of one person.
    #[arg(long, default_value_t = 5.0)]
    interval: f64,
    /// Seconds of the open-loop load.
    #[arg(short = 'd', long, default_value_t = 60)]
    duration: u64,
    /// Most connections the open loop opens: under the server's per-address cap (256
    /// by default), since all the simulated people come from this one address.
    #[arg(long, default_value_t = 240)]
    max_connections: usize,
    /// Connections of the saturation run (closed loop).
    #[arg(long, default_value_t = 64)]
    saturation_connections: usize,
    /// Seconds of the saturation run; 0 skips it.
    #[arg(long, default_value_t = 10)]
    saturation_duration: u64,
    /// The server's process id, to sample its resident memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Seconds between two progress lines (and memory samples).
    #[arg(long, default_value_t = 10)]
    sample_every: u64,
    /// HOME-1 month (default: the current one).
    #[arg(long)]
    month: Option<String>,
}

/// What a person does, with its share of the actions (percent).
const OPEN_MIX: &[(Action, u64)] = &[
    (Action::Read(Route::Home), 20),
    (Action::Read(Route::NameSearch), 20),
    (Action::Read(Route::CustomerDetail), 25),
    (Action::Read(Route::Performance), 20),
    (Action::Contact, 15),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Read(Route),
    /// CUST-5 沟通记录: a contact record on one of the session's customers.
    Contact,
}

fn pick(bits: u64) -> Action {
    let total: u64 = OPEN_MIX.iter().map(|(_, w)| w).sum();
    let mut at = bits % total;
    for &(action, weight) in OPEN_MIX {
        if at < weight {
            return action;
        }
        at -= weight;
    }
    unreachable!("the weights cover 0..total")
}

/// When the `event`-th action of the run is due, and whose it is: person `event mod
/// users`, in round `event / users`, each person's first action spread evenly over one
/// interval.
fn due(event: u64, users: u64, interval: Duration) -> (Duration, u64) {
    let person = event % users;
    let round = event / users;
    let offset = interval.mul_f64(person as f64 / users as f64);
    (interval * round as u32 + offset, person)
}

/// The answers of one window (or of the whole run).
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: BTreeMap<String, usize>,
}

impl Tally {
    fn record(&mut self, latency: Duration, outcome: Result<u16, String>) {
        match outcome {
            Ok(status) if (200..300).contains(&status) => self.latencies.push(latency),
            Ok(status) => *self.errors.entry(status.to_string()).or_default() += 1,
            Err(e) => *self.errors.entry(e).or_default() += 1,
        }
    }

    fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    fn errors_text(&self) -> String {
        let parts: Vec<String> = self
            .errors
            .iter()
            .map(|(k, n)| format!("{k} ×{n}"))
            .collect();
        parts.join(", ")
    }
}

/// Kept-alive connections free for the next request.
struct Pool {
    addr: SocketAddr,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
    open: Semaphore,
}

impl Pool {
    async fn send(&self, req: http::Request<Full<Bytes>>) -> Result<u16, String> {
        let _slot = self
            .open
            .acquire()
            .await
            .map_err(|_| "pool closed".to_string())?;
        let reused = {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            std::iter::from_fn(|| idle.pop()).find(|s| s.is_ready())
        };
        let mut sender = match reused {
            Some(s) => s,
            None => {
                let stream = tokio::net::TcpStream::connect(self.addr)
                    .await
                    .map_err(|e| format!("connect: {}", e.kind()))?;
                let _ = stream.set_nodelay(true);
                let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(|_| "handshake".to_string())?;
                tokio::spawn(conn);
                sender
            }
        };
        let res = sender
            .send_request(req)
            .await
            .map_err(|_| "connection broke".to_string())?;
        let status = res.status().as_u16();
        res.into_body()
            .collect()
            .await
            .map_err(|_| "body broke".to_string())?;
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sender);
        Ok(status)
    }
}

/// The server's resident memory, in MiB, from `/proc`.
fn rss_mib(pid: Option<u32>) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

fn rss_text(rss: Option<f64>) -> String {
    rss.map_or_else(|| "rss -".to_string(), |m| format!("rss {m:.1} MiB"))
}

pub async fn load(args: LoadArgs) -> Result<()> {
    if args.users == 0 || args.interval <= 0.0 {
        bail!("--users and --interval must be above 0");
    }
    let month = mixed::month_or_current(args.month.clone());
    let sessions = mixed::sessions(&args.staff).await?;
    let (host, addr) = resolve(&args.staff.url).await?;
    // Which sessions may write contact records: those serving the customers they open.
    let pool = Arc::new(Pool {
        addr,
        idle: Mutex::new(Vec::new()),
        open: Semaphore::new(args.max_connections.max(1)),
    });
    let mut writers = Vec::new();
    for s in &sessions {
        let probe = contact_request(&host, s, 0)?;
        writers.push(pool.send(probe).await == Ok(201));
    }
    if !writers.iter().any(|w| *w) {
        println!("note: no session may record contacts; the open loop reads only");
    }
    let sessions = Arc::new(sessions);
    let rate = args.users as f64 / args.interval;
    println!(
        "zhanye bench load: {} users, one action each every {} s (≈{rate:.0} req/s), {} s, as {}; mix {}",
        args.users,
        args.interval,
        args.duration,
        args.staff.codes.join(", "),
        OPEN_MIX
            .iter()
            .map(|(a, w)| format!("{a:?} {w}%"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("before: {}", rss_text(rss_mib(args.server_pid)));

    let interval = Duration::from_secs_f64(args.interval);
    let started = Instant::now();
    let end = started + Duration::from_secs(args.duration);
    let window = Arc::new(Mutex::new(Tally::default()));
    let total = Arc::new(Mutex::new(Tally::default()));
    let sampler = tokio::spawn({
        let window = window.clone();
        let pid = args.server_pid;
        let every = Duration::from_secs(args.sample_every.max(1));
        async move {
            let mut rss = Vec::new();
            let mut at = started + every;
            while at <= end + Duration::from_millis(10) {
                tokio::time::sleep_until(at).await;
                let mut w = std::mem::take(&mut *window.lock().unwrap_or_else(|p| p.into_inner()));
                let n = w.latencies.len();
                let p = Percentiles::of(&mut w.latencies);
                let now_rss = rss_mib(pid);
                rss.extend(now_rss);
                println!(
                    "t={:>4}s  {:>6.0} req/s  p50 {}  p99 {}  errors {}  {}",
                    (at - started).as_secs(),
                    (n + w.error_count()) as f64 / every.as_secs_f64(),
                    fmt(p.p50),
                    fmt(p.p99),
                    w.error_count(),
                    rss_text(now_rss)
                );
                at += every;
            }
            rss
        }
    });

    let mut in_flight = Vec::new();
    for event in 0u64.. {
        let (offset, person) = due(event, args.users as u64, interval);
        let at = started + offset;
        if at >= end {
            break;
        }
        tokio::time::sleep_until(at).await;
        let s = (person % sessions.len() as u64) as usize;
        let bits = mix_bits(person as usize, event / args.users as u64);
        let action = match pick(bits) {
            Action::Contact if !writers[s] => Action::Read(Route::CustomerDetail),
            a => a,
        };
        let req = match action {
            Action::Read(route) => read_request(&host, &sessions[s], route, bits >> 32, &month)?,
            Action::Contact => contact_request(&host, &sessions[s], bits >> 32)?,
        };
        let (pool, window, total) = (pool.clone(), window.clone(), total.clone());
        in_flight.push(tokio::spawn(async move {
            let outcome = pool.send(req).await;
            let latency = at.elapsed();
            window
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .record(latency, outcome.clone());
            total
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .record(latency, outcome);
        }));
        if in_flight.len() >= 4096 {
            in_flight.retain(|t: &tokio::task::JoinHandle<()>| !t.is_finished());
        }
    }
    for t in in_flight {
        let _ = t.await;
    }
    let rss = sampler.await.unwrap_or_default();
    let mut total = std::mem::take(&mut *total.lock().unwrap_or_else(|p| p.into_inner()));
    let answered = total.latencies.len() + total.error_count();
    let p = Percentiles::of(&mut total.latencies);
    println!(
        "\n== open loop: {} users every {} s ==",
        args.users, args.interval
    );
    println!(
        "requests {answered} ({:.0} req/s offered {rate:.0})  errors {}{}",
        answered as f64 / args.duration as f64,
        total.error_count(),
        if total.error_count() > 0 {
            format!(" [{}]", total.errors_text())
        } else {
            String::new()
        }
    );
    println!(
        "latency from due: p50 {}  p90 {}  p99 {}  max {}",
        fmt(p.p50),
        fmt(p.p90),
        fmt(p.p99),
        fmt(p.max)
    );
    if let (Some(lo), Some(hi)) = (
        rss.iter().cloned().reduce(f64::min),
        rss.iter().cloned().reduce(f64::max),
    ) {
        println!(
            "server rss over the run: min {lo:.1} MiB  max {hi:.1} MiB  last {:.1} MiB ({} samples)",
            rss.last().copied().unwrap_or(hi),
            rss.len()
        );
    }

    if args.saturation_duration > 0 {
        let report = mixed::saturation(
            &args.staff.url,
            sessions,
            args.saturation_connections,
            args.saturation_duration,
            month,
        )
        .await?;
        println!(
            "\n== saturation: read mix, {} connections, closed loop ==",
            args.saturation_connections
        );
        report.print(&format!("{} (the read mix of bench mixed)", args.staff.url));
        println!("after: {}", rss_text(rss_mib(args.server_pid)));
        report.check()?;
    }
    Ok(())
}

fn read_request(
    host: &str,
    session: &Session,
    route: Route,
    n: u64,
    month: &str,
) -> Result<http::Request<Full<Bytes>>> {
    Ok(http::Request::get(mixed::path(route, session, n, month))
        .header("host", host)
        .header("authorization", format!("Bearer {}", session.token))
        .body(Full::new(Bytes::new()))?)
}

fn contact_request(host: &str, session: &Session, n: u64) -> Result<http::Request<Full<Bytes>>> {
    let id = session
        .ids
        .get((n % session.ids.len().max(1) as u64) as usize)
        .with_context(|| format!("{} has no customers to record a contact on", session.code))?;
    let body = json!({
        "contacted_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "nature": "active",
        "kind": "general",
        "topic": "bench load",
    });
    Ok(http::Request::post(format!("/api/customers/{id}/contacts"))
        .header("host", host)
        .header("authorization", format!("Bearer {}", session.token))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_acts_once_an_interval_and_the_run_is_in_time_order() {
        let interval = Duration::from_secs(5);
        let users = 4;
        let times: Vec<(Duration, u64)> = (0..12).map(|e| due(e, users, interval)).collect();
        assert!(times.windows(2).all(|w| w[0].0 <= w[1].0), "{times:?}");
        assert_eq!(times[0], (Duration::ZERO, 0));
        assert_eq!(times[1], (Duration::from_millis(1250), 1));
        assert_eq!(times[4], (Duration::from_secs(5), 0));
        assert_eq!(times[9], (Duration::from_millis(11250), 1));
    }

    #[test]
    fn actions_come_in_the_shares_of_their_weights() {
        let draws = 100_000u64;
        let mut counts = BTreeMap::new();
        for k in 0..draws {
            *counts
                .entry(format!("{:?}", pick(mix_bits(7, k))))
                .or_insert(0u64) += 1;
        }
        for (action, weight) in OPEN_MIX {
            let share = counts[&format!("{action:?}")] as f64 * 100.0 / draws as f64;
            assert!(
                (share - *weight as f64).abs() < 1.0,
                "{action:?}: {share:.2}%"
            );
        }
    }
}
