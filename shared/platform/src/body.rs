//! [`ReplyBody`]: what a handler answers with, either whole in memory or a stream of
//! chunks produced while the response is being sent (large exports), so that a
//! download of any size holds only one chunk at a time.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Body, Frame, SizeHint};

/// A stream of body chunks. An `Err` ends the response early (the client sees a cut-off
/// download, never a half-valid one passed off as whole); it is logged.
pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>>>>;

/// A response body.
pub enum ReplyBody {
    /// The whole body, already in memory.
    Full(Option<Bytes>),
    /// Chunks produced on demand.
    Stream(ChunkStream),
}

impl ReplyBody {
    /// A streamed body.
    pub fn stream(chunks: impl Stream<Item = Result<Bytes, String>> + 'static) -> ReplyBody {
        ReplyBody::Stream(Box::pin(chunks))
    }

    /// The bytes of a whole body; empty for a stream (which only the sender reads).
    pub fn bytes(&self) -> &[u8] {
        match self {
            ReplyBody::Full(Some(bytes)) => bytes,
            _ => &[],
        }
    }

    /// Whether the body is a stream.
    pub fn is_stream(&self) -> bool {
        matches!(self, ReplyBody::Stream(_))
    }
}

impl AsRef<[u8]> for ReplyBody {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

impl From<Bytes> for ReplyBody {
    fn from(bytes: Bytes) -> Self {
        ReplyBody::Full(Some(bytes))
    }
}

impl From<Vec<u8>> for ReplyBody {
    fn from(bytes: Vec<u8>) -> Self {
        ReplyBody::Full(Some(Bytes::from(bytes)))
    }
}

impl From<String> for ReplyBody {
    fn from(text: String) -> Self {
        ReplyBody::Full(Some(Bytes::from(text)))
    }
}

/// A stream that failed: the reason, for the sender's log.
#[derive(Debug)]
pub struct StreamError(pub String);

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StreamError {}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = StreamError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamError>>> {
        match self.get_mut() {
            ReplyBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            ReplyBody::Stream(stream) => match stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                Poll::Ready(Some(Err(reason))) => {
                    eprintln!("zhanye: a streamed answer stopped: {reason}");
                    Poll::Ready(Some(Err(StreamError(reason))))
                }
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReplyBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Stream(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::block_on;
    use http_body_util::BodyExt;

    #[test]
    fn whole_bodies_are_one_frame() {
        let body = ReplyBody::from(Bytes::from_static(b"hello"));
        assert_eq!(body.bytes(), b"hello");
        assert_eq!(body.size_hint().exact(), Some(5));
        let collected = block_on(body.collect()).unwrap().to_bytes();
        assert_eq!(collected.as_ref(), b"hello");
    }

    #[test]
    fn streams_yield_their_chunks_in_order() {
        let chunks = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"a,")),
            Ok(Bytes::from_static(b"b,")),
            Ok(Bytes::from_static(b"c")),
        ]);
        let body = ReplyBody::stream(chunks);
        assert!(body.is_stream());
        assert!(body.bytes().is_empty());
        let collected = block_on(body.collect()).unwrap().to_bytes();
        assert_eq!(collected.as_ref(), b"a,b,c");
    }

    #[test]
    fn a_failing_stream_ends_in_an_error() {
        let chunks = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"a")),
            Err("database gone".to_owned()),
        ]);
        let result = block_on(ReplyBody::stream(chunks).collect());
        assert_eq!(result.unwrap_err().to_string(), "database gone");
    }
}
