//! The listening sockets: one single-threaded runtime per core, each accepting on
//! its own SO_REUSEPORT socket of the same address, so a request and its instance
//! stay on one thread (no cross-thread wake-ups); HTTP/1.1 with keep-alive, one task
//! per connection, and a graceful stop that lets in-flight requests finish.

use super::http::{HttpTrigger, incoming_body};
use crate::log_info;
use anyhow::{Context, Result};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
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
    for i in 0..threads.max(1) {
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
                    accept(listener, trigger, stopped).await
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
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
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
                let _ = stream.set_nodelay(true);
                let trigger = trigger.clone();
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let trigger = trigger.clone();
                    async move {
                        let req = req.map(incoming_body);
                        Ok::<_, std::convert::Infallible>(trigger.handle(req, client).await)
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
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
