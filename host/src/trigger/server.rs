//! The listening socket: HTTP/1.1 with keep-alive, one task per connection, and a
//! graceful stop on SIGINT/SIGTERM that lets in-flight requests finish.

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

pub async fn bind(listen: &str) -> Result<TcpListener> {
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen {listen:?} is not host:port"))?;
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

pub async fn serve(
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
    log_info!("stopping: waiting for in-flight requests");
    tokio::select! {
        _ = graceful.shutdown() => log_info!("all connections closed"),
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
