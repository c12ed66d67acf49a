//! Sends batches to `POST {url}/hooks/trading/<topic>` as a partner does: NDJSON, gzip,
//! `X-Timestamp` + `X-Signature` (signed when sent), a deterministic `Idempotency-Key`.
//! Several batches are in flight at once, each worker on its own keep-alive connection;
//! a failed connection or a 5xx is retried (the key makes a resend harmless).

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::records::Batch;

/// Where batches go.
pub struct Target {
    pub addr: SocketAddr,
    pub host: String,
    pub secret: Vec<u8>,
}

impl Target {
    /// From a base URL such as `http://127.0.0.1:3000`.
    pub async fn from_url(url: &str, secret: &str) -> Result<Target> {
        let uri: http::Uri = url.trim_end_matches('/').parse().context("bad --url")?;
        if uri.scheme_str().is_some_and(|s| s != "http") {
            bail!("--url must be http://host:port");
        }
        let authority = uri.authority().context("--url needs host:port")?.clone();
        let addr = tokio::net::lookup_host(authority.as_str())
            .await
            .with_context(|| format!("cannot resolve {authority}"))?
            .next()
            .with_context(|| format!("cannot resolve {authority}"))?;
        Ok(Target {
            addr,
            host: authority.to_string(),
            secret: secret.as_bytes().to_vec(),
        })
    }
}

/// What one topic's load did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sent {
    pub records: u64,
    pub batches: u64,
    pub replayed: u64,
    pub elapsed: Duration,
}

/// Makes batch number `n` (off the async threads).
pub type Maker = Arc<dyn Fn(usize) -> Batch + Send + Sync>;

/// Sends batches `0..count` of `topic` with `concurrency` in flight; `progress` gets
/// the running record count every two seconds.
pub async fn topic(
    target: Arc<Target>,
    topic: &'static str,
    count: usize,
    concurrency: usize,
    make: Maker,
    progress: impl Fn(u64, Duration) + Send + 'static,
) -> Result<Sent> {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let records = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let ticker = {
        let records = records.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            tick.tick().await;
            loop {
                tick.tick().await;
                progress(records.load(Ordering::Relaxed), started.elapsed());
            }
        })
    };
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1).min(count.max(1)) {
        let (target, next, records, failed, make) = (
            target.clone(),
            next.clone(),
            records.clone(),
            failed.clone(),
            make.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut conn = None;
            let mut sent = Sent::default();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count || failed.load(Ordering::Relaxed) {
                    return Ok(sent);
                }
                let make = make.clone();
                let batch = tokio::task::spawn_blocking(move || make(n)).await?;
                if batch.records == 0 {
                    continue;
                }
                match send(&mut conn, &target, topic, &batch).await {
                    Ok(replayed) => {
                        sent.batches += 1;
                        sent.records += batch.records;
                        sent.replayed += u64::from(replayed);
                        records.fetch_add(batch.records, Ordering::Relaxed);
                    }
                    Err(e) => {
                        failed.store(true, Ordering::Relaxed);
                        return Err(e.context(format!("{topic} batch {n} ({})", batch.key)));
                    }
                }
            }
        }));
    }
    let mut total = Sent::default();
    let mut first_error = None;
    for w in workers {
        match w.await? {
            Ok(s) => {
                total.records += s.records;
                total.batches += s.batches;
                total.replayed += s.replayed;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    ticker.abort();
    if let Some(e) = first_error {
        return Err(e);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

type Conn = SendRequest<Full<Bytes>>;

async fn connect(target: &Target) -> Result<Conn> {
    let stream = tokio::net::TcpStream::connect(target.addr)
        .await
        .with_context(|| format!("cannot connect to {}", target.addr))?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Whether the status is worth a resend.
fn transient(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Sends one batch until it is applied (or replayed); answers whether it was a replay.
async fn send(
    conn: &mut Option<Conn>,
    target: &Target,
    topic: &str,
    batch: &Batch,
) -> Result<bool> {
    const ATTEMPTS: u32 = 6;
    let body = Bytes::from(batch.gzip.clone());
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
        }
        let sender = match conn {
            Some(c) if c.is_ready() => c,
            _ => match connect(target).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    last = format!("{e:#}");
                    *conn = None;
                    continue;
                }
            },
        };
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = zhanye_ingest::signature::sign(&target.secret, &timestamp, &body);
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("/hooks/trading/{topic}"))
            .header("host", &target.host)
            .header("content-type", "application/x-ndjson")
            .header("content-encoding", "gzip")
            .header("x-timestamp", &timestamp)
            .header("x-signature", &signature)
            .header("idempotency-key", &batch.key)
            .body(Full::new(body.clone()))?;
        let response = match sender.send_request(request).await {
            Ok(r) => r,
            Err(e) => {
                last = format!("{e}");
                *conn = None;
                continue;
            }
        };
        let status = response.status().as_u16();
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes() == b"true");
        let answer = match response.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                last = format!("{e}");
                *conn = None;
                continue;
            }
        };
        if (200..300).contains(&status) {
            return Ok(replayed);
        }
        let text = String::from_utf8_lossy(&answer);
        let text: String = text.chars().take(2_000).collect();
        if transient(status) {
            last = format!("{status} {text}");
            continue;
        }
        bail!("answered {status}: {text}");
    }
    bail!("gave up after {ATTEMPTS} attempts: {last}")
}
