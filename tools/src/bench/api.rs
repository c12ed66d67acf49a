//! The bench client of a running app: one keep-alive HTTP/1.1 connection, requests one
//! at a time, signing in as a staff member (changing the initial password when the app
//! asks), and latency scenarios that print p50/p90/p99.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{Percentiles, fmt};

/// The `host:port` of a `--url` and the address it resolves to.
pub async fn resolve(url: &str) -> Result<(String, SocketAddr)> {
    let uri: http::Uri = url.trim_end_matches('/').parse().context("bad --url")?;
    let host = uri
        .authority()
        .context("--url needs host:port")?
        .to_string();
    let addr = tokio::net::lookup_host(host.as_str())
        .await?
        .next()
        .context("cannot resolve --url")?;
    Ok((host, addr))
}

/// One keep-alive connection, requests one at a time.
pub struct Client {
    addr: SocketAddr,
    host: String,
    token: Option<String>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// An answer: status, headers, body, latency (to the last body byte).
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    pub elapsed: Duration,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

impl Client {
    pub async fn new(url: &str) -> Result<Client> {
        let (host, addr) = resolve(url).await?;
        Ok(Client {
            addr,
            host,
            token: None,
            sender: None,
        })
    }

    /// The access token of the signed-in staff member, if signed in.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Sends one request and reads its whole answer.
    pub async fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<Answer> {
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

    /// Signs in as `code`, trying `new_password` when `password` no longer works, and
    /// changes an initial password to `new_password` when the app asks.
    pub async fn sign_in(&mut self, code: &str, password: &str, new_password: &str) -> Result<()> {
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
pub async fn scenario(
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
            first_error.get_or_insert_with(|| {
                let body = String::from_utf8_lossy(&answer.body)
                    .chars()
                    .take(300)
                    .collect::<String>();
                format!("{} → {} {body}", path(k), answer.status)
            });
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
