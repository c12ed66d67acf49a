//! A body that says when it is finished with: sent whole, failed, or dropped unsent.
//! An instance lives exactly as long as its answer streams out, and a connection's
//! clock knows when its request is over, by it.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll};

/// `inner`, running `done` once when it is finished with.
pub(crate) struct OnDone<B> {
    inner: B,
    done: Option<Box<dyn FnOnce() + Send>>,
}

impl<B> OnDone<B> {
    pub(crate) fn new(inner: B, done: impl FnOnce() + Send + 'static) -> Self {
        Self {
            inner,
            done: Some(Box::new(done)),
        }
    }

    fn finish(&mut self) {
        if let Some(done) = self.done.take() {
            done();
        }
    }
}

impl<B> Drop for OnDone<B> {
    fn drop(&mut self) {
        self.finish();
    }
}

impl<B: Body<Data = Bytes> + Unpin> Body for OnDone<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.finish();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, Full};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn done_runs_once_whether_the_body_is_sent_or_dropped() {
        let count = Arc::new(AtomicUsize::new(0));
        let counted = |count: &Arc<AtomicUsize>| {
            let count = count.clone();
            move || {
                count.fetch_add(1, Ordering::SeqCst);
            }
        };
        let sent = OnDone::new(Full::new(Bytes::from_static(b"abc")), counted(&count));
        assert_eq!(sent.collect().await.unwrap().to_bytes(), "abc");
        assert_eq!(count.load(Ordering::SeqCst), 1);
        drop(OnDone::new(Full::new(Bytes::new()), counted(&count)));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
