//! The listening sockets: one single-threaded runtime per core, each accepting on
//! its own SO_REUSEPORT socket of the same address, so a request and its instance
//! stay on one thread (no cross-thread wake-ups); HTTP/1.1 with keep-alive, one task
//! per connection, and a graceful stop that lets in-flight requests finish. Each
//! connection is held to the server's [`ServeLimits`](super::limits::ServeLimits): a cap per client address, a
//! time limit for a request head and for idling between requests.

use super::connections::{Activity, AddressCounts, Verdict, Watched};
use super::http::{HttpTrigger, incoming_body};
use super::limits::RETRY_AFTER_SECONDS;
use super::on_done::OnDone;
use crate::{log_error, log_info};
use anyhow::{Context, Result};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

/// How long in-flight requests get to finish after a stop signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The serving threads of one address.
pub struct Serving {
    /// The address listened on (with the port picked, when 0 was asked for).
    pub addr: SocketAddr,
    threads: Vec<std::thread::JoinHandle<Result<()>>>,
}

impl Serving {
    /// Waits until every serving thread has drained and stopped.
    pub fn wait(self) -> Result<()> {
        for t in self.threads {
            t.join()
                .map_err(|_| anyhow::anyhow!("a serving thread panicked"))??;
        }
        Ok(())
    }
}

/// Serving threads, one per core by default (each with its own runtime).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Starts `threads` serving threads of `trigger` on `listen` (port 0 picks a free
/// port, shared by all); they stop gracefully, letting in-flight requests finish,
/// once `stop` turns true ([`Serving::wait`] waits for that).
pub fn serve(
    listen: &str,
    trigger: Arc<HttpTrigger>,
    threads: usize,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Serving> {
    let mut addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen {listen:?} is not host:port"))?;
    let mut handles = Vec::new();
    let counts = Arc::new(AddressCounts::default());
    for i in 0..threads.max(1) {
        let counts = counts.clone();
        let (bound_tx, bound_rx) = std::sync::mpsc::channel::<Result<SocketAddr>>();
        let trigger = trigger.clone();
        let mut stop = stop.clone();
        let at = addr;
        let handle = std::thread::Builder::new()
            .name(format!("zhanye-http-{i}"))
            .spawn(move || -> Result<()> {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(async move {
                    let listener = match reuseport_listener(at) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = bound_tx.send(Err(e));
                            return Ok(());
                        }
                    };
                    let _ = bound_tx.send(Ok(listener.local_addr()?));
                    let stopped = async move {
                        let _ = stop.wait_for(|s| *s).await;
                    };
                    accept(listener, trigger, counts, stopped).await
                })
            })?;
        handles.push(handle);
        addr = bound_rx
            .recv()
            .context("serving thread ended before binding")??;
    }
    Ok(Serving {
        addr,
        threads: handles,
    })
}

fn reuseport_listener(addr: SocketAddr) -> Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    socket.set_reuseport(true)?;
    socket
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr}"))?;
    Ok(socket.listen(1024)?)
}

async fn accept(
    listener: TcpListener,
    trigger: Arc<HttpTrigger>,
    counts: Arc<AddressCounts>,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let limits = Arc::new(trigger.limits().clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, client) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Running out of file descriptors and the like: back off, keep serving.
                        crate::log_error!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let Some(counted) = counts.admit(client.ip(), limits.max_connections_per_address)
                else {
                    refuse(stream, client);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let activity = Activity::new();
                let io = TokioIo::new(Watched::new(stream, activity.clone()));
                let trigger = trigger.clone();
                let requests = activity.clone();
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let trigger = trigger.clone();
                    let activity = requests.clone();
                    async move {
                        activity.request_started();
                        let head_read = tokio::time::Instant::now();
                        let req = req.map(incoming_body);
                        let res = trigger.handle_incoming(req, client, head_read).await;
                        Ok::<_, std::convert::Infallible>(
                            res.map(|b| OnDone::new(b, move || activity.request_done())),
                        )
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(io, service);
                let conn = graceful.watch(conn);
                let limits = limits.clone();
                tokio::spawn(async move {
                    let _counted = counted;
                    let mut conn = std::pin::pin!(conn);
                    // Closed (by dropping it) when its head or idle time is up.
                    while let Verdict::CheckAt(next) =
                        activity.verdict(tokio::time::Instant::now(), &limits)
                    {
                        tokio::select! {
                            _ = conn.as_mut() => break,
                            _ = tokio::time::sleep_until(next) => {}
                        }
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN_TIMEOUT) => log_info!("gave up waiting after {DRAIN_TIMEOUT:?}"),
    }
    Ok(())
}

/// Answers a connection over its address's cap 503 (if the socket takes it at once)
/// and closes it; logged at most once a minute, since an attack would flood the log.
fn refuse(stream: tokio::net::TcpStream, client: SocketAddr) {
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    static LOGGED_AT: AtomicU64 = AtomicU64::new(0);
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {RETRY_AFTER_SECONDS}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    let _ = stream.try_write(answer.as_bytes());
    let refused = REFUSED.fetch_add(1, Ordering::Relaxed) + 1;
    let minute = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 60);
    if LOGGED_AT.swap(minute, Ordering::Relaxed) != minute {
        log_error!(
            "refused a connection from {client}: over the per-address cap ({refused} refused so far)"
        );
    }
}

/// Resolves on the first SIGINT or SIGTERM.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
