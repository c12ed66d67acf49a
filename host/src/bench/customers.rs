//! `zhanye bench customers` and `zhanye bench t1`: the customer-facing figures of
//! quality.md against a running app loaded by `zhanye generate`.
//!
//! - `customers`: signs in (changing the initial password when the app asks), then one
//!   client at a time, `n` requests each: `GET /api/home?month=…`, `GET /api/customers`
//!   by name prefix and as a plain page, `GET /api/customers/{id}` and
//!   `GET /api/customers/{id}/performance?months=6` for customers from the list;
//!   prints p50/p90/p99 of each.
//! - `t1`: one day's T+1 delivery — a daily snapshot for every customer and `--trades`
//!   trades on that day — through the webhooks; prints the wall time and records/s.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{Percentiles, fmt};
use crate::generate::{self, GenerateArgs, Generation, Say};

#[derive(clap::Args, Debug)]
pub struct CustomersArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// Staff code to sign in as (its customers are what the routes answer).
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
    /// HOME-1 month (default: the current one).
    #[arg(long)]
    month: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct T1Args {
    /// Base URL of the app.
    #[arg(long)]
    url: String,
    #[arg(long, env = "ZHANYE_HOOK_SECRET", default_value = generate::DEMO_SECRET, hide_env_values = true)]
    secret: String,
    /// The seed and customer count the app was loaded with.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 3_000_000)]
    customers: u64,
    #[arg(long, default_value_t = 500_000)]
    trades: u64,
    /// The trading day delivered (default: today, China time).
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Batches in flight at once.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    #[arg(long, default_value_t = 20_000)]
    batch_size: usize,
}

/// One keep-alive connection, requests one at a time.
struct Client {
    addr: SocketAddr,
    host: String,
    token: Option<String>,
    sender: Option<SendRequest<Full<Bytes>>>,
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

    /// Sends one request; its status, JSON body and latency.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value, Duration)> {
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
        let sender = self.sender.as_mut().expect("connected");
        let response = match sender.send_request(request).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        let elapsed = started.elapsed();
        Ok((
            status,
            serde_json::from_slice(&body).unwrap_or_default(),
            elapsed,
        ))
    }

    async fn sign_in(&mut self, code: &str, password: &str, new_password: &str) -> Result<()> {
        let login = |password: &str| json!({"code": code, "password": password});
        let (mut status, mut answer, _) = self
            .call("POST", "/api/auth/login", Some(&login(password)))
            .await?;
        let mut current = password;
        if status != 200 && new_password != password {
            (status, answer, _) = self
                .call("POST", "/api/auth/login", Some(&login(new_password)))
                .await?;
            current = new_password;
        }
        if status != 200 {
            bail!("cannot sign in as {code}: {status} {answer}");
        }
        self.token = answer["access_token"].as_str().map(str::to_owned);
        if answer["must_change_password"] == true {
            let change = json!({"old_password": current, "new_password": new_password});
            let (status, changed, _) = self
                .call("POST", "/api/auth/password", Some(&change))
                .await?;
            if status != 200 {
                bail!("cannot change the initial password: {status} {changed}");
            }
            println!("changed {code}'s initial password to {new_password}");
            self.token = changed["access_token"].as_str().map(str::to_owned);
        }
        Ok(())
    }
}

/// Name prefixes searched: common surnames, then surname and a given-name character.
const PREFIXES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "王伟", "李娜", "张敏", "刘洋",
    "陈静", "杨帆", "黄磊", "赵丽", "吴婷", "周杰",
];

/// Runs one scenario: `n` GETs of the paths `path(k)` after a few unmeasured ones.
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
        let (status, body, elapsed) = client.call("GET", &path(k), None).await?;
        if status == 200 {
            samples.push(elapsed);
            if let Some(total) = body["total"].as_u64() {
                totals.push(total);
            }
        } else {
            errors += 1;
            first_error.get_or_insert_with(|| format!("{} → {status} {body}", path(k)));
        }
    }
    let p = Percentiles::of(&mut samples);
    let matched = if totals.is_empty() {
        String::new()
    } else {
        let (min, max) = (totals.iter().min(), totals.iter().max());
        format!(
            "  (total {}..{})",
            min.copied().unwrap_or(0),
            max.copied().unwrap_or(0)
        )
    };
    println!(
        "{name:<44} {n} requests, {errors} errors  p50 {}  p90 {}  p99 {}  max {}{matched}",
        fmt(p.p50),
        fmt(p.p90),
        fmt(p.p99),
        fmt(p.max)
    );
    if let Some(e) = first_error {
        println!("  first error: {}", e.chars().take(300).collect::<String>());
    }
    Ok(())
}

pub async fn customers(args: CustomersArgs) -> Result<()> {
    let mut client = Client::new(&args.url).await?;
    client
        .sign_in(&args.code, &args.password, &args.new_password)
        .await?;
    let month = args
        .month
        .unwrap_or_else(|| generate::china_today().format("%Y-%m").to_string());
    let n = args.requests;
    println!(
        "zhanye bench customers: signed in as {}, {n} requests per scenario, one client at a time",
        args.code
    );

    // Customers to open: from the first pages of the list.
    let mut ids = Vec::new();
    for page in 1..=5 {
        let (status, body, _) = client
            .call(
                "GET",
                &format!("/api/customers?page={page}&page_size=50"),
                None,
            )
            .await?;
        if status != 200 {
            bail!("GET /api/customers answered {status}: {body}");
        }
        let items = body["items"].as_array().cloned().unwrap_or_default();
        ids.extend(items.iter().filter_map(|c| c["id"].as_i64()));
        if items.len() < 50 {
            break;
        }
    }
    if ids.is_empty() {
        bail!("{} has no customers in scope", args.code);
    }

    scenario(&mut client, "GET /api/home?month=…", n, |_| {
        format!("/api/home?month={month}")
    })
    .await?;
    scenario(&mut client, "GET /api/customers?q=<name prefix>", n, |k| {
        format!("/api/customers?q={}", percent(PREFIXES[k % PREFIXES.len()]))
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/customers?page=… (plain page)",
        n,
        |k| format!("/api/customers?page={}&page_size=20", k % 10 + 1),
    )
    .await?;
    scenario(&mut client, "GET /api/customers/{id}", n, |k| {
        format!("/api/customers/{}", ids[k % ids.len()])
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/customers/{id}/performance?months=6",
        n,
        |k| format!("/api/customers/{}/performance?months=6", ids[k % ids.len()]),
    )
    .await?;
    Ok(())
}

/// Percent-encodes a query value.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn t1(args: T1Args) -> Result<()> {
    let date = args.date.unwrap_or_else(generate::china_today);
    let generate = GenerateArgs {
        url: args.url.clone(),
        secret: args.secret.clone(),
        seed: args.seed,
        customers: args.customers,
        staff: 100,
        months: 6,
        days: Some(1),
        trades: Some(args.trades),
        only: vec!["daily-assets".into(), "trades".into()],
        demo: false,
        concurrency: args.concurrency,
        batch_size: args.batch_size,
        as_of: None,
    };
    let mut generation = Generation::new(&generate)?;
    generation.world.days = vec![date];
    generation.world.trade_days = vec![date];
    println!(
        "zhanye bench t1: {} daily snapshots and {} trades for {date}, seed {}, {} in flight",
        args.customers, args.trades, args.seed, args.concurrency
    );
    let started = Instant::now();
    let done = generation
        .send(&args.url, &args.secret, args.concurrency, Say::Print)
        .await?;
    let elapsed = started.elapsed();
    let records: u64 = done.iter().map(|(_, s)| s.records).sum();
    println!(
        "T+1 load: {records} records in {:.1} s ({:.0} records/s)",
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64().max(0.001)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::percent("王a1"), "%E7%8E%8Ba1");
    }
}
