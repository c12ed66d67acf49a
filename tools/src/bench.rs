//! `zhanye bench`: measures the runtime the way the quality bars are stated.
//!
//! - `zhanye bench http --url U [-c 16] [-d 10]`: a closed-loop load of `c` keep-alive
//!   connections against any running Spin-compatible server; prints requests/s and
//!   latency percentiles.
//! - `zhanye bench suite -f tests/fixture-app/spin.toml`: starts the app in-process on a
//!   free port and runs the standard scenarios (hello, one SQLite point read, one
//!   key-value get), plus the per-request instance overhead measured without the
//!   network.
//! - `zhanye bench accounts --url http://127.0.0.1:3000`: against the app with demo
//!   data, sign-in latency (argon2id included, AUTH) and check-in throughput (CHECKIN):
//!   prepares demo staff `A0001` (changes the initial password once), then loads
//!   `POST /api/auth/login` and `POST /api/checkins`. Start the app with the sign-in
//!   rate limits raised, or one client address is throttled after 30 sign-ins a minute.
//! - `zhanye bench customers` / `zhanye bench t1`: see `bench/customers.rs`.
//! - `zhanye bench mixed`: the read routes people use, mixed, under many connections;
//!   see `bench/mixed.rs`.
//! - `zhanye bench products`: see `bench/products.rs`.
//! - `zhanye bench load`: 2,000 people acting every 5 s (open loop) and the read mix
//!   at 64 connections (saturation), with the server's memory; see `bench/load.rs`.
//! - `zhanye bench attack`: slow-body connections against a running app, and the
//!   health and sign-in latency meanwhile; see `bench/attack.rs`.

mod api;
mod attack;
mod customers;
mod load;
mod mixed;
mod products;

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zhanye_runtime::cli::AppArgs;
use zhanye_runtime::{App, AppOptions, HttpTrigger};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    cmd: BenchCmd,
}

#[derive(clap::Subcommand, Debug)]
enum BenchCmd {
    /// Load one URL of a running server.
    Http {
        #[arg(long)]
        url: String,
        #[arg(short = 'c', long, default_value_t = 16)]
        connections: usize,
        /// Seconds of measured load (after a one-second warm-up).
        #[arg(short = 'd', long, default_value_t = 10)]
        duration: u64,
    },
    /// Sign-in latency and check-in throughput against a running app with demo data.
    Accounts {
        /// Base URL of the app, e.g. http://127.0.0.1:3000.
        #[arg(long)]
        url: String,
        /// Connections of the sign-in load (argon2id is CPU-bound: one per core).
        #[arg(long, default_value_t = 2)]
        sign_in_connections: usize,
        /// Connections of the check-in load.
        #[arg(short = 'c', long, default_value_t = 16)]
        connections: usize,
        #[arg(short = 'd', long, default_value_t = 10)]
        duration: u64,
    },
    /// HOME-1, customer search, detail and performance latency, one client at a time.
    Customers(customers::CustomersArgs),
    /// One day's T+1 delivery (daily assets for every customer, trades) through the
    /// webhooks: wall time and records/s.
    T1(customers::T1Args),
    /// A mix of the read routes people use (home, customer lists and search, detail,
    /// performance, tasks, products) under many keep-alive connections.
    Mixed(mixed::MixedArgs),
    /// Product list, search, detail and suitable-customers latency, one client at a
    /// time; the wall time (and server memory) of a CSV and an XLSX export.
    Products(products::ProductsArgs),
    /// The open-loop load of many people acting every few seconds, then the saturation
    /// run; requests/s, p50/p99, errors and the server's memory.
    Load(load::LoadArgs),
    /// Slow-body connections against a running app; health and sign-in latency
    /// meanwhile.
    Attack(attack::AttackArgs),
    /// Start the fixture app in-process and run the standard scenarios.
    Suite {
        #[command(flatten)]
        app: AppArgs,
        #[arg(short = 'c', long, default_value_t = 16)]
        connections: usize,
        #[arg(short = 'd', long, default_value_t = 10)]
        duration: u64,
        /// Iterations of the in-process instance-overhead measurement.
        #[arg(long, default_value_t = 5000)]
        iterations: usize,
        /// The component that answers `/probe/exact` (the hello component).
        #[arg(long, default_value = "exact")]
        hello_component: String,
    },
}

pub async fn run(args: BenchArgs) -> Result<()> {
    match args.cmd {
        BenchCmd::Http {
            url,
            connections,
            duration,
        } => {
            let report = load(&url, connections, Duration::from_secs(duration)).await?;
            report.print(&url);
            Ok(())
        }
        BenchCmd::Accounts {
            url,
            sign_in_connections,
            connections,
            duration,
        } => {
            accounts(
                &url,
                sign_in_connections,
                connections,
                Duration::from_secs(duration),
            )
            .await
        }
        BenchCmd::Customers(args) => customers::customers(args).await,
        BenchCmd::T1(args) => customers::t1(args).await,
        BenchCmd::Mixed(args) => mixed::mixed(args).await,
        BenchCmd::Products(args) => products::products(args).await,
        BenchCmd::Attack(args) => attack::attack(args).await,
        BenchCmd::Load(args) => load::load(args).await,
        BenchCmd::Suite {
            app,
            connections,
            duration,
            iterations,
            hello_component,
        } => {
            suite(
                app.options()?,
                connections,
                Duration::from_secs(duration),
                iterations,
                &hello_component,
            )
            .await
        }
    }
}

async fn suite(
    opts: AppOptions,
    connections: usize,
    duration: Duration,
    iterations: usize,
    hello_component: &str,
) -> Result<()> {
    let hello_component = hello_component.to_string();
    let app = Arc::new(App::load(&opts)?);
    let trigger = HttpTrigger::new(app.clone())?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let serving = zhanye_runtime::serve(
        "127.0.0.1:0",
        trigger.clone(),
        zhanye_runtime::default_threads(),
        stopped,
    )?;
    let addr = serving.addr;
    trigger.set_origin(format!("http://{addr}"));
    let base = format!("http://{addr}");
    println!(
        "zhanye bench suite: {connections} connections, {duration:?} per scenario, release build expected"
    );

    // Seed the stores the read scenarios read.
    let seed = [
        ("POST", "/probe/sqlite?value=bench"),
        ("PUT", "/probe/kv/bench"),
    ];
    for (method, path) in seed {
        one_request(addr, method, path).await?;
    }

    // Each scenario twice, side by side: on WASI 0.3 components (spin-sdk 7: `exact`,
    // `probe`) and on the WASI 0.2 one (spin-sdk 5.2: `spin2`), over the same stores.
    for (name, path) in [
        ("hello component (WASI 0.3)", "/probe/exact"),
        ("hello component (WASI 0.2)", "/spin2/hello"),
        (
            "one SQLite point read (WASI 0.3)",
            "/probe/sqlite/point?id=1",
        ),
        (
            "one SQLite point read (WASI 0.2)",
            "/spin2/sqlite3/point?id=1",
        ),
        ("one key-value get (WASI 0.3)", "/probe/kv/bench"),
        ("one key-value get (WASI 0.2)", "/spin2/kv2/bench"),
    ] {
        let url = format!("{base}{path}");
        let report = load(&url, connections, duration).await?;
        println!("\n== {name} ==");
        report.print(&url);
    }

    // Instance overhead, measured on one single-threaded runtime (as a serving thread
    // is): the fresh store and instance alone, then a whole in-process request to
    // the hello component (instance, handler call, body) with no socket.
    let (instance, request) = {
        let app = app.clone();
        let trigger = trigger.clone();
        let url = format!("{base}/probe/exact");
        std::thread::spawn(move || -> Result<(Percentiles, Percentiles)> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(overhead(&app, &trigger, &hello_component, &url, iterations))
        })
        .join()
        .map_err(|_| anyhow::anyhow!("overhead thread panicked"))??
    };
    println!("\n== per-request instance overhead (hello component, {iterations} iterations) ==");
    println!(
        "fresh store + instance   p50 {}  p99 {}  max {}",
        fmt(instance.p50),
        fmt(instance.p99),
        fmt(instance.max)
    );
    println!(
        "whole in-process request p50 {}  p99 {}  max {}",
        fmt(request.p50),
        fmt(request.p99),
        fmt(request.max)
    );
    let _ = stop.send(true);
    tokio::task::spawn_blocking(move || serving.wait()).await??;
    Ok(())
}

async fn overhead(
    app: &App,
    trigger: &Arc<HttpTrigger>,
    component: &str,
    url: &str,
    iterations: usize,
) -> Result<(Percentiles, Percentiles)> {
    let mut instance = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        // A fresh store and instance, torn down again (its slot back to the pool).
        app.instantiate_http(component).await?;
        instance.push(started.elapsed());
    }
    let client: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mut request = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let req = http::Request::builder().uri(url).body(
            Empty::<Bytes>::new()
                .map_err(|never| match never {})
                .boxed_unsync(),
        )?;
        let started = Instant::now();
        let res = trigger.handle(req, client).await;
        let _ = res.into_body().collect().await;
        request.push(started.elapsed());
    }
    Ok((
        Percentiles::of(&mut instance),
        Percentiles::of(&mut request),
    ))
}

async fn one_request(addr: SocketAddr, method: &str, path: &str) -> Result<()> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .body(http_body_util::Full::new(Bytes::from_static(b"v")))?;
    let res = sender.send_request(req).await?;
    if !res.status().is_success() {
        bail!("{method} {path} answered {}", res.status());
    }
    Ok(())
}

struct Report {
    /// Answered with a 2xx status, in the measured time.
    requests: usize,
    /// Failed in the measured time: non-2xx answers and transport failures.
    errors: usize,
    /// The non-2xx answers by status.
    statuses: BTreeMap<u16, usize>,
    /// The first failure: the request and what came back.
    first_failure: Option<String>,
    elapsed: Duration,
    latency: Percentiles,
}

impl Report {
    fn print(&self, url: &str) {
        println!("url {url}");
        println!(
            "requests {}  errors {}  throughput {:.0} req/s",
            self.requests,
            self.errors,
            self.requests as f64 / self.elapsed.as_secs_f64()
        );
        println!(
            "latency p50 {}  p90 {}  p99 {}  max {}",
            fmt(self.latency.p50),
            fmt(self.latency.p90),
            fmt(self.latency.p99),
            fmt(self.latency.max)
        );
        if self.errors > 0 {
            let statuses: Vec<String> = self
                .statuses
                .iter()
                .map(|(status, n)| format!("{status} ×{n}"))
                .collect();
            let transport = self.errors - self.statuses.values().sum::<usize>();
            println!(
                "failed: non-2xx answers [{}], transport errors {transport}",
                statuses.join(", ")
            );
        }
        if let Some(failure) = &self.first_failure {
            println!("first failure: {failure}");
        }
    }

    /// Says when answers failed, and refuses a run where most did: its figures would
    /// measure error paths, not the routes.
    fn check(&self) -> Result<()> {
        let answered = self.requests + self.errors;
        if self.errors > 0 {
            println!(
                "WARNING: {} of {answered} requests failed; the figures above count only the 2xx answers",
                self.errors
            );
        }
        if answered == 0 || self.errors * 2 > answered {
            bail!(
                "most requests failed ({} of {answered}): this run measures nothing",
                self.errors
            );
        }
        Ok(())
    }
}

struct Percentiles {
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

impl Percentiles {
    fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            if samples.is_empty() {
                Duration::ZERO
            } else {
                samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]
            }
        };
        Self {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

fn fmt(d: Duration) -> String {
    format!("{:.3}ms", d.as_secs_f64() * 1000.0)
}

/// One request a load repeats.
#[derive(Clone)]
struct Probe {
    method: http::Method,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Probe {
    fn get() -> Self {
        Probe {
            method: http::Method::GET,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    fn post_json(body: &serde_json::Value, bearer: Option<&str>) -> Self {
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(token) = bearer {
            headers.push(("authorization".into(), format!("Bearer {token}")));
        }
        Probe {
            method: http::Method::POST,
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    fn request(
        &self,
        path: &str,
        host: &str,
    ) -> Result<http::Request<http_body_util::Full<Bytes>>> {
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(path)
            .header("host", host);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        Ok(builder.body(http_body_util::Full::new(self.body.clone()))?)
    }
}

/// Sign-in and check-in figures against a running app with demo data.
async fn accounts(
    base: &str,
    sign_in_connections: usize,
    connections: usize,
    duration: Duration,
) -> Result<()> {
    let base = base.trim_end_matches('/');
    const CODE: &str = "A0001";
    const INITIAL: &str = "19820718";
    const PASSWORD: &str = "Bench2026pw";
    let login = |password: &str| serde_json::json!({"code": CODE, "password": password});
    // Sign in once, changing the initial password if the app is fresh.
    let (status, answer) = exchange(
        base,
        "/api/auth/login",
        &Probe::post_json(&login(PASSWORD), None),
    )
    .await?;
    let token = if status == 200 {
        answer["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    } else {
        let (status, first) = exchange(
            base,
            "/api/auth/login",
            &Probe::post_json(&login(INITIAL), None),
        )
        .await?;
        if status != 200 {
            bail!("cannot sign in as {CODE} (demo data loaded?): {status} {first}");
        }
        let change = serde_json::json!({"old_password": INITIAL, "new_password": PASSWORD});
        let (status, changed) = exchange(
            base,
            "/api/auth/password",
            &Probe::post_json(&change, first["access_token"].as_str()),
        )
        .await?;
        if status != 200 {
            bail!("cannot change the initial password: {status} {changed}");
        }
        changed["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    println!("zhanye bench accounts: {duration:?} per scenario, release build expected");

    let url = format!("{base}/api/auth/login");
    let report = load_probe(
        &url,
        Probe::post_json(&login(PASSWORD), None),
        sign_in_connections,
        duration,
    )
    .await?;
    println!("\n== sign-in (POST /api/auth/login, argon2id) ==");
    report.print(&url);

    let url = format!("{base}/api/checkins");
    let probe = Probe::post_json(&serde_json::json!({"channel": "mobile"}), Some(&token));
    let report = load_probe(&url, probe, connections, duration).await?;
    println!("\n== check-in (POST /api/checkins) ==");
    report.print(&url);
    Ok(())
}

/// One request on a fresh connection; its status and JSON body.
async fn exchange(base: &str, path: &str, probe: &Probe) -> Result<(u16, serde_json::Value)> {
    let uri: http::Uri = base.parse().context("bad --url")?;
    let authority = uri
        .authority()
        .context("--url needs host:port")?
        .to_string();
    let stream = tokio::net::TcpStream::connect(authority.as_str()).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let response = sender
        .send_request(probe.request(path, &authority)?)
        .await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, serde_json::from_slice(&body).unwrap_or_default()))
}

/// Closed-loop load: each connection sends its next request when the last is answered.
async fn load(url: &str, connections: usize, duration: Duration) -> Result<Report> {
    load_probe(url, Probe::get(), connections, duration).await
}

async fn load_probe(
    url: &str,
    probe: Probe,
    connections: usize,
    duration: Duration,
) -> Result<Report> {
    let uri: http::Uri = url.parse().context("bad --url")?;
    let authority = uri.authority().context("--url needs host:port")?.clone();
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let host = authority.to_string();
    let make: RequestMaker = Arc::new(move |_, _| probe.request(&path, &host));
    load_requests(authority.as_str(), make, connections, duration).await
}

/// Makes the `k`-th request of connection `c` of a load.
type RequestMaker =
    Arc<dyn Fn(usize, u64) -> Result<http::Request<http_body_util::Full<Bytes>>> + Send + Sync>;

/// Closed-loop load of the requests `make` gives, against `authority` (host:port). The
/// load runs on its own single-threaded runtime so it does not borrow the server's
/// worker threads.
async fn load_requests(
    authority: &str,
    make: RequestMaker,
    connections: usize,
    duration: Duration,
) -> Result<Report> {
    let addr: SocketAddr = tokio::net::lookup_host(authority)
        .await?
        .next()
        .context("cannot resolve host")?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("load runtime");
        let out = rt.block_on(run_load(addr, make, connections, duration));
        let _ = tx.send(out);
    });
    rx.await.context("load thread died")?
}

/// What one connection of a load measured.
#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    errors: usize,
    statuses: BTreeMap<u16, usize>,
    first_failure: Option<String>,
}

async fn run_load(
    addr: SocketAddr,
    make: RequestMaker,
    connections: usize,
    duration: Duration,
) -> Result<Report> {
    let warmup = Duration::from_secs(1);
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut k = 0u64;
            'outer: while Instant::now() < end {
                let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
                    tally.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let Ok((mut sender, conn)) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
                else {
                    tally.errors += 1;
                    continue;
                };
                tokio::spawn(conn);
                while Instant::now() < end {
                    let req = make(c, k).expect("request");
                    k += 1;
                    let target = req.uri().clone();
                    let sent = Instant::now();
                    // The status and whole body, or nothing when the exchange broke.
                    let answer = match sender.send_request(req).await {
                        Ok(res) => {
                            let status = res.status();
                            res.into_body()
                                .collect()
                                .await
                                .ok()
                                .map(|body| (status, body.to_bytes()))
                        }
                        Err(_) => None,
                    };
                    let ok = answer.as_ref().is_some_and(|(s, _)| s.is_success());
                    if sent >= measure_from {
                        if ok {
                            tally.samples.push(sent.elapsed());
                        } else {
                            tally.errors += 1;
                            if let Some((status, _)) = &answer {
                                *tally.statuses.entry(status.as_u16()).or_default() += 1;
                            }
                            tally.first_failure.get_or_insert_with(|| match &answer {
                                Some((status, body)) => {
                                    let body: String =
                                        String::from_utf8_lossy(body).chars().take(300).collect();
                                    format!("{target} → {status} {body}")
                                }
                                None => format!("{target} → no answer"),
                            });
                        }
                    }
                    if !ok {
                        continue 'outer;
                    }
                }
            }
            tally
        }));
    }
    let mut all = Vec::new();
    let mut report = Report {
        requests: 0,
        errors: 0,
        statuses: BTreeMap::new(),
        first_failure: None,
        elapsed: duration,
        latency: Percentiles::of(&mut []),
    };
    for t in tasks {
        let tally = t.await?;
        all.extend(tally.samples);
        report.errors += tally.errors;
        for (status, n) in tally.statuses {
            *report.statuses.entry(status).or_default() += n;
        }
        if report.first_failure.is_none() {
            report.first_failure = tally.first_failure;
        }
    }
    report.requests = all.len();
    report.latency = Percentiles::of(&mut all);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(requests: usize, statuses: &[(u16, usize)], transport: usize) -> Report {
        let statuses: BTreeMap<u16, usize> = statuses.iter().copied().collect();
        Report {
            requests,
            errors: statuses.values().sum::<usize>() + transport,
            statuses,
            first_failure: None,
            elapsed: Duration::from_secs(1),
            latency: Percentiles::of(&mut []),
        }
    }

    #[test]
    fn a_run_where_most_requests_failed_is_refused() {
        assert!(report(100, &[], 0).check().is_ok());
        // A few failures are reported, not fatal.
        assert!(report(100, &[(500, 3)], 1).check().is_ok());
        assert!(report(40, &[(401, 61)], 0).check().is_err());
        assert!(report(10, &[], 11).check().is_err());
        // Nothing answered at all measures nothing either.
        assert!(report(0, &[], 0).check().is_err());
    }
}
