//! What one connection may hold: a cap on connections per client address, and the
//! clock of each connection — how long it has waited for the rest of a request head,
//! or idly for its next request — read by the connection's task to close it when its
//! time is up. While a request is being answered the connection is the request's
//! (the body's and the instance's own limits apply).

use super::limits::ServeLimits;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// Open connections per client address, across all serving threads.
#[derive(Default)]
pub(crate) struct AddressCounts {
    open: Mutex<HashMap<IpAddr, u32>>,
}

/// One counted connection; uncounted when dropped.
pub(crate) struct Counted {
    counts: Arc<AddressCounts>,
    address: IpAddr,
}

impl AddressCounts {
    /// Counts a connection from `address`, or refuses it when that address already
    /// holds `cap` (0: no cap).
    pub(crate) fn admit(self: &Arc<Self>, address: IpAddr, cap: u32) -> Option<Counted> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(address).or_insert(0);
        if cap != 0 && *n >= cap {
            return None;
        }
        *n += 1;
        Some(Counted {
            counts: self.clone(),
            address,
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.address);
            }
        }
    }
}

/// The clock of one connection, shared by its reader, its requests and its task.
pub(crate) struct Activity {
    opened: Instant,
    /// Requests being answered on it (their answers not yet all sent).
    answering: AtomicUsize,
    /// Milliseconds since `opened` when the last answer was sent (or it opened).
    idle_since: AtomicU64,
    /// Whether bytes of a request head have come since then.
    head_started: AtomicBool,
    /// Milliseconds since `opened` of the first of them.
    head_started_at: AtomicU64,
}

/// What the connection's task should do next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Look again at this time.
    CheckAt(Instant),
    /// Its time is up: close it.
    Close,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            opened: Instant::now(),
            answering: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            head_started: AtomicBool::new(false),
            head_started_at: AtomicU64::new(0),
        })
    }

    fn millis(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.opened).as_millis() as u64
    }

    fn at(&self, millis: u64) -> Instant {
        self.opened + Duration::from_millis(millis)
    }

    /// Bytes were read from the client.
    fn read_some(&self) {
        if self.answering.load(Ordering::Acquire) == 0 && !self.head_started.load(Ordering::Acquire)
        {
            self.head_started_at
                .store(self.millis(Instant::now()), Ordering::Release);
            self.head_started.store(true, Ordering::Release);
        }
    }

    /// A whole request head was read: the request is being answered.
    pub(crate) fn request_started(&self) {
        self.answering.fetch_add(1, Ordering::AcqRel);
        self.head_started.store(false, Ordering::Release);
    }

    /// A request's answer was sent (or dropped).
    pub(crate) fn request_done(&self) {
        self.idle_since
            .store(self.millis(Instant::now()), Ordering::Release);
        self.answering.fetch_sub(1, Ordering::AcqRel);
    }

    /// Whether the connection may stay open at `now`, and when to look again.
    pub(crate) fn verdict(&self, now: Instant, limits: &ServeLimits) -> Verdict {
        let deadline = if self.answering.load(Ordering::Acquire) > 0 {
            // The request's own limits apply; look again later.
            return Verdict::CheckAt(now + limits.header_timeout);
        } else if self.head_started.load(Ordering::Acquire) {
            self.at(self.head_started_at.load(Ordering::Acquire)) + limits.header_timeout
        } else {
            self.at(self.idle_since.load(Ordering::Acquire)) + limits.idle_timeout
        };
        if now >= deadline {
            Verdict::Close
        } else {
            Verdict::CheckAt(deadline)
        }
    }
}

/// A connection's transport, telling its [`Activity`] when bytes come in.
pub(crate) struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    pub(crate) fn new(inner: T, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read_some();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ServeLimits {
        ServeLimits {
            header_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_secs(5),
            ..ServeLimits::for_pool(4)
        }
    }

    #[test]
    fn an_address_holds_at_most_its_cap_and_gets_places_back() {
        let counts = Arc::new(AddressCounts::default());
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        let first = counts.admit(a, 2).unwrap();
        let _second = counts.admit(a, 2).unwrap();
        assert!(counts.admit(a, 2).is_none());
        assert!(
            counts.admit(b, 2).is_some(),
            "another address is not affected"
        );
        drop(first);
        assert!(counts.admit(a, 2).is_some());
        assert!(counts.admit(a, 0).is_some(), "0 is no cap");
    }

    #[tokio::test]
    async fn an_idle_connection_has_the_idle_time_and_a_started_head_the_header_time() {
        let limits = limits();
        let activity = Activity::new();
        let opened = activity.opened;
        assert_eq!(
            activity.verdict(opened, &limits),
            Verdict::CheckAt(opened + limits.idle_timeout)
        );
        assert_eq!(
            activity.verdict(opened + limits.idle_timeout, &limits),
            Verdict::Close
        );
        activity.read_some();
        let Verdict::CheckAt(at) = activity.verdict(opened, &limits) else {
            panic!("closed too early")
        };
        assert!(at <= Instant::now() + limits.header_timeout);
        assert!(at < opened + limits.idle_timeout);
    }

    #[tokio::test]
    async fn a_request_being_answered_is_never_closed_and_its_end_restarts_the_idle_time() {
        let limits = limits();
        let activity = Activity::new();
        activity.read_some();
        activity.request_started();
        let late = Instant::now() + Duration::from_secs(3600);
        assert!(matches!(
            activity.verdict(late, &limits),
            Verdict::CheckAt(_)
        ));
        // Body bytes read while answering do not start a head.
        activity.read_some();
        activity.request_done();
        assert!(!activity.head_started.load(Ordering::Acquire));
        let Verdict::CheckAt(at) = activity.verdict(Instant::now(), &limits) else {
            panic!("closed right after answering")
        };
        assert!(at > Instant::now() + limits.header_timeout);
    }
}
