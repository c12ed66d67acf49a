//! `zhanye bench attack`: the slow-body attack on a running app, and what the people
//! using it meanwhile see.
//!
//! Opens `--connections` connections (from `--attackers` loopback addresses in turn,
//! 127.0.0.2 upwards, when the app listens on loopback), each sending the head of
//! `POST /api/auth/login` with `Content-Length: 100` and then one body byte every
//! `--trickle-ms`; a connection the server answers or closes is opened again a trickle
//! later, so the pressure stays up for `--duration` seconds. Meanwhile one client asks `GET /api/health`
//! every 50 ms, and sign-ins (a wrong password for an unknown code: the full argon2id
//! work, from addresses of their own so the sign-in rate limit does not answer first)
//! go every 200 ms, each on a new connection from 127.0.0.1 upwards. Prints the health
//! and sign-in latencies (p50/p99/max) and statuses, and how the attack's connections
//! ended (408, 503, closed).

use anyhow::Result;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::api::resolve;
use super::{Percentiles, fmt};

#[derive(clap::Args, Debug)]
pub struct AttackArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// Slow connections held open at once.
    #[arg(short = 'c', long, default_value_t = 1010)]
    connections: usize,
    /// Loopback addresses the slow connections come from (127.0.0.2 upwards).
    #[arg(long, default_value_t = 1)]
    attackers: u8,
    /// Time between two body bytes of a slow connection, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    trickle_ms: u64,
    /// Seconds the attack lasts (measured after the slow connections are open).
    #[arg(short = 'd', long, default_value_t = 20)]
    duration: u64,
}

/// How the attack's connections ended.
#[derive(Default)]
struct Outcomes {
    opened: AtomicUsize,
    refused_to_connect: AtomicUsize,
    answered: std::sync::Mutex<BTreeMap<u16, usize>>,
    closed_unanswered: AtomicUsize,
}

pub async fn attack(args: AttackArgs) -> Result<()> {
    let (authority, target) = resolve(&args.url).await?;
    let loopback = target.ip().is_loopback() && target.is_ipv4();
    let from = move |base: [u8; 3], n: usize| -> Option<IpAddr> {
        loopback.then(|| IpAddr::V4(Ipv4Addr::new(127, base[1], base[2], (1 + n % 250) as u8)))
    };
    println!(
        "zhanye bench attack: {} slow connections from {} address(es), one byte every {} ms, {} s",
        args.connections, args.attackers, args.trickle_ms, args.duration
    );

    let outcomes = Arc::new(Outcomes::default());
    let stop_at = Instant::now() + Duration::from_secs(args.duration) + Duration::from_secs(2);
    let mut slow = Vec::new();
    for i in 0..args.connections {
        let source = from([127, 0, 0], 1 + i % args.attackers.max(1) as usize);
        let outcomes = outcomes.clone();
        let trickle = Duration::from_millis(args.trickle_ms);
        let host = authority.clone();
        slow.push(tokio::spawn(async move {
            while Instant::now() < stop_at {
                slow_connection(target, source, &host, trickle, stop_at, &outcomes).await;
                // Opened again a trickle later, as a tool holding N connections would.
                tokio::time::sleep(trickle).await;
            }
        }));
    }
    // Let the slow connections open before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let measured_until = Instant::now() + Duration::from_secs(args.duration);

    let health = tokio::spawn({
        let host = authority.clone();
        async move {
            let mut probes = Probes::default();
            while Instant::now() < measured_until {
                probes.record(one_request(target, None, health_request(&host)).await);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            probes
        }
    });
    let sign_in = tokio::spawn({
        let host = authority.clone();
        async move {
            let mut probes = Probes::default();
            let mut n = 0usize;
            while Instant::now() < measured_until {
                let source = from([127, 0, 1], n);
                probes.record(one_request(target, source, sign_in_request(&host, n)).await);
                n += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            probes
        }
    });
    let health = health.await?;
    let sign_in = sign_in.await?;
    for s in slow {
        s.abort();
    }

    health.print("GET /api/health during the attack");
    sign_in.print("POST /api/auth/login (wrong password) during the attack");
    println!("== the attack's connections ==");
    println!(
        "opened {}  refused at connect {}  closed without an answer {}",
        outcomes.opened.load(Ordering::Relaxed),
        outcomes.refused_to_connect.load(Ordering::Relaxed),
        outcomes.closed_unanswered.load(Ordering::Relaxed)
    );
    let answered = outcomes.answered.lock().unwrap_or_else(|p| p.into_inner());
    let answered: Vec<String> = answered.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
    println!("answered [{}]", answered.join(", "));
    Ok(())
}

/// One slow connection: the head, then a byte at a time until the server answers or
/// closes, or the attack ends.
async fn slow_connection(
    target: SocketAddr,
    source: Option<IpAddr>,
    host: &str,
    trickle: Duration,
    stop_at: Instant,
    outcomes: &Outcomes,
) {
    let Ok(mut stream) = connect(target, source).await else {
        outcomes.refused_to_connect.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(200)).await;
        return;
    };
    outcomes.opened.fetch_add(1, Ordering::Relaxed);
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        outcomes.closed_unanswered.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    for _ in 0..100 {
        if Instant::now() >= stop_at {
            return;
        }
        match tokio::time::timeout(trickle, stream.read(&mut buf)).await {
            Err(_) => {
                if stream.write_all(b" ").await.is_err() {
                    break;
                }
            }
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    match status_of(&answer) {
        Some(status) => {
            let mut answered = outcomes.answered.lock().unwrap_or_else(|p| p.into_inner());
            *answered.entry(status).or_insert(0) += 1;
        }
        None => {
            outcomes.closed_unanswered.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn connect(target: SocketAddr, source: Option<IpAddr>) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    if let Some(ip) = source {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = tokio::time::timeout(Duration::from_secs(5), socket.connect(target))
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

fn health_request(host: &str) -> String {
    format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn sign_in_request(host: &str, n: usize) -> String {
    let body = format!(r#"{{"code":"ATTACKPROBE{n:05}","password":"not-the-password-1"}}"#);
    format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// One request on a new connection: its status (None: no answer) and latency from
/// connecting to the end of the answer.
async fn one_request(
    target: SocketAddr,
    source: Option<IpAddr>,
    request: String,
) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let answer = async {
        let mut stream = connect(target, source).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        std::io::Result::Ok(answer)
    };
    match tokio::time::timeout(Duration::from_secs(30), answer).await {
        Ok(Ok(answer)) => (status_of(&answer), started.elapsed()),
        _ => (None, started.elapsed()),
    }
}

fn status_of(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|b| *b == b'\r').next()?;
    std::str::from_utf8(line)
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

/// The latencies and statuses of one kind of probe.
#[derive(Default)]
struct Probes {
    latencies: Vec<Duration>,
    statuses: BTreeMap<String, usize>,
}

impl Probes {
    fn record(&mut self, (status, latency): (Option<u16>, Duration)) {
        self.latencies.push(latency);
        let key = status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
        *self.statuses.entry(key).or_insert(0) += 1;
    }

    fn print(mut self, what: &str) {
        let n = self.latencies.len();
        let p = Percentiles::of(&mut self.latencies);
        println!("== {what} ==");
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{s} ×{n}"))
            .collect();
        println!(
            "requests {n}  statuses [{}]  latency p50 {}  p99 {}  max {}",
            statuses.join(", "),
            fmt(p.p50),
            fmt(p.p99),
            fmt(p.max)
        );
    }
}
