//! `zhanye bench products`: the product catalog's routes against a running app whose
//! catalog `zhanye generate --demo` (and `--products N`) loaded.
//!
//! Signs in (changing the initial password when the app asks), then one client at a
//! time, `n` requests each: the list (plain pages), a code prefix, a name prefix, a
//! status + risk filter, the detail of products from the list, and the suitable
//! customers of on-sale products; prints p50/p90/p99 of each. Then exports the whole
//! catalog (or `--export-filter`) as CSV and as XLSX, reading each download to the end:
//! rows, bytes, wall time, and with `--server-pid` the server process's peak resident
//! memory above where it was before the download (sampled every 2 ms from
//! `/proc/<pid>/status`).

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Percentiles, fmt};

#[derive(clap::Args, Debug)]
pub struct ProductsArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// Staff code to sign in as (its customers are the suitable ones).
    #[arg(long, default_value = "A0001")]
    code: String,
    /// Its password (the initial one is the 8-digit birth date).
    #[arg(long, default_value = "19820718")]
    password: String,
    /// The password set when the app asks for a change (and tried when `--password`
    /// no longer works because an earlier run changed it).
    #[arg(long, default_value = "Bench2026pw")]
    new_password: String,
    /// Requests per scenario, one at a time.
    #[arg(short = 'n', long, default_value_t = 200)]
    requests: usize,
    /// The query string of the exports (default: the whole catalog).
    #[arg(long, default_value = "")]
    export_filter: String,
    /// The server's process id, to sample its resident memory during the exports.
    #[arg(long)]
    server_pid: Option<u32>,
}

/// One keep-alive connection, requests one at a time.
struct Client {
    addr: SocketAddr,
    host: String,
    token: Option<String>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// An answer: status, headers, body, latency (to the last body byte).
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    elapsed: Duration,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

impl Client {
    async fn new(url: &str) -> Result<Client> {
        let uri: http::Uri = url.trim_end_matches('/').parse().context("bad --url")?;
        let host = uri
            .authority()
            .context("--url needs host:port")?
            .to_string();
        let addr = tokio::net::lookup_host(host.as_str())
            .await?
            .next()
            .context("cannot resolve --url")?;
        Ok(Client {
            addr,
            host,
            token: None,
            sender: None,
        })
    }

    async fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<Answer> {
        if !self.sender.as_ref().is_some_and(|s| s.is_ready()) {
            let stream = tokio::net::TcpStream::connect(self.addr).await?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            self.sender = Some(sender);
        }
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let bytes = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Bytes::from(v.to_string())
            }
            None => Bytes::new(),
        };
        let request = request.body(Full::new(bytes))?;
        let started = Instant::now();
        let sender = self.sender.as_mut().context("connected")?;
        let response = match sender.send_request(request).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            headers,
            body,
            elapsed: started.elapsed(),
        })
    }

    async fn sign_in(&mut self, code: &str, password: &str, new_password: &str) -> Result<()> {
        let login = |password: &str| json!({"code": code, "password": password});
        let mut answer = self
            .call("POST", "/api/auth/login", Some(&login(password)))
            .await?;
        let mut current = password;
        if answer.status != 200 && new_password != password {
            answer = self
                .call("POST", "/api/auth/login", Some(&login(new_password)))
                .await?;
            current = new_password;
        }
        let value = answer.json();
        if answer.status != 200 {
            bail!("cannot sign in as {code}: {} {value}", answer.status);
        }
        self.token = value["access_token"].as_str().map(str::to_owned);
        if value["must_change_password"] == true {
            let change = json!({"old_password": current, "new_password": new_password});
            let changed = self
                .call("POST", "/api/auth/password", Some(&change))
                .await?;
            if changed.status != 200 {
                bail!("cannot change the initial password: {}", changed.status);
            }
            println!("changed {code}'s initial password to {new_password}");
            self.token = changed.json()["access_token"].as_str().map(str::to_owned);
        }
        Ok(())
    }
}

/// `n` GETs of `path(k)` after a few unmeasured ones; prints the percentiles.
async fn scenario(
    client: &mut Client,
    name: &str,
    n: usize,
    path: impl Fn(usize) -> String,
) -> Result<()> {
    for k in 0..n.min(5) {
        client.call("GET", &path(k), None).await?;
    }
    let mut samples = Vec::with_capacity(n);
    let mut errors = 0;
    let mut first_error = None;
    let mut totals = Vec::new();
    for k in 0..n {
        let answer = client.call("GET", &path(k), None).await?;
        if answer.status == 200 {
            samples.push(answer.elapsed);
            if let Some(total) = answer.json()["total"].as_u64() {
                totals.push(total);
            }
        } else {
            errors += 1;
            first_error.get_or_insert_with(|| format!("{} → {}", path(k), answer.status));
        }
    }
    let p = Percentiles::of(&mut samples);
    let matched = match (totals.iter().min(), totals.iter().max()) {
        (Some(min), Some(max)) => format!("  (total {min}..{max})"),
        _ => String::new(),
    };
    println!(
        "{name:<48} {n} requests, {errors} errors  p50 {}  p90 {}  p99 {}  max {}{matched}",
        fmt(p.p50),
        fmt(p.p90),
        fmt(p.p99),
        fmt(p.max)
    );
    if let Some(e) = first_error {
        println!("  first error: {e}");
    }
    Ok(())
}

/// A process's resident memory in KiB (`VmRSS`), when it can be read.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Downloads one export to the end and prints its figures.
async fn export(client: &mut Client, format: &str, filter: &str, pid: Option<u32>) -> Result<()> {
    let path = format!("/api/products/export?format={format}&{filter}");
    let baseline = pid.and_then(resident_kib);
    let peak = Arc::new(AtomicU64::new(baseline.unwrap_or(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = pid.map(|pid| {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(kib) = resident_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    });
    let answer = client.call("GET", &path, None).await;
    stop.store(true, Ordering::Relaxed);
    if let Some(sampler) = sampler {
        let _ = sampler.join();
    }
    let answer = answer?;
    if answer.status == 422 {
        // Past the XLSX cap: the refusal is the figure.
        println!(
            "export {format:<5} refused: {}",
            answer.json()["detail"].as_str().unwrap_or_default()
        );
        return Ok(());
    }
    if answer.status != 200 {
        bail!(
            "{path} answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let rows = answer
        .headers
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    let memory = match baseline {
        Some(before) => format!(
            ", server RSS {:.1} MiB before, peak +{:.1} MiB",
            before as f64 / 1024.0,
            peak.load(Ordering::Relaxed).saturating_sub(before) as f64 / 1024.0
        ),
        None => String::new(),
    };
    println!(
        "export {format:<5} {rows} rows, {} bytes, wall {}{memory}",
        answer.body.len(),
        fmt(answer.elapsed)
    );
    Ok(())
}

pub async fn products(args: ProductsArgs) -> Result<()> {
    let mut client = Client::new(&args.url).await?;
    client
        .sign_in(&args.code, &args.password, &args.new_password)
        .await?;
    let n = args.requests;
    let first = client
        .call("GET", "/api/products?page_size=200", None)
        .await?;
    if first.status != 200 {
        bail!("GET /api/products answered {}", first.status);
    }
    let catalog = first.json();
    let items = catalog["items"].as_array().cloned().unwrap_or_default();
    let codes: Vec<String> = items
        .iter()
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect();
    let on_sale: Vec<String> = items
        .iter()
        .filter(|p| p["status"] != "ended")
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect();
    if codes.is_empty() || on_sale.is_empty() {
        bail!("the catalog is empty: load it with zhanye generate --demo [--products N]");
    }
    let total = catalog["total"].as_u64().unwrap_or(0);
    let more = if catalog["total_capped"] == true {
        " or more"
    } else {
        ""
    };
    println!(
        "zhanye bench products: signed in as {}, {total}{more} products, {n} requests per scenario, one client at a time",
        args.code
    );
    let pages = total.div_ceil(20).clamp(1, 50) as usize;
    scenario(
        &mut client,
        "GET /api/products?page=… (plain page)",
        n,
        |k| format!("/api/products?page={}", k % pages + 1),
    )
    .await?;
    scenario(&mut client, "GET /api/products?code=<prefix>", n, |k| {
        let code = &codes[k % codes.len()];
        format!("/api/products?code={}", &code[..code.len().min(3)])
    })
    .await?;
    const NAMES: [&str; 4] = [
        "%E6%B5%B7%E9%80%9A",
        "%E5%AF%8C%E5%9B%BD",
        "%E5%8D%8E%E5%AE%89",
        "%E5%8D%97%E6%96%B9",
    ];
    scenario(&mut client, "GET /api/products?name=<prefix>", n, |k| {
        format!("/api/products?name={}", NAMES[k % NAMES.len()])
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/products?status=…&risk=…",
        n,
        |k| {
            let status = ["on_sale", "issuing", "ended"][k % 3];
            format!("/api/products?status={status}&risk=R{}", k % 5 + 1)
        },
    )
    .await?;
    scenario(&mut client, "GET /api/products/{code}", n, |k| {
        format!("/api/products/{}", codes[k % codes.len()])
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/products/{code}/suitable-customers",
        n,
        |k| {
            format!(
                "/api/products/{}/suitable-customers",
                on_sale[k % on_sale.len()]
            )
        },
    )
    .await?;
    for format in ["csv", "xlsx"] {
        export(&mut client, format, &args.export_filter, args.server_pid).await?;
    }
    Ok(())
}
