//! Reading a request's whole body before its component is instantiated, under the
//! server's size and time limits, so a client that trickles its body (or never sends
//! it) holds a connection and a buffer, not an instance.

use super::http::Body;
use super::limits::ServeLimits;
use bytes::BytesMut;
use http_body::{Body as _, Frame};
use http_body_util::{BodyExt, StreamBody};
use tokio::time::Instant;

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyRefusal {
    /// Longer than the server's limit (413).
    TooLarge,
    /// Not all there within its time (408).
    TooSlow,
    /// The client went away or sent a malformed body (400).
    Broken,
}

/// The body read whole (its trailers kept), as a body again; `started` is when its
/// head was read.
pub(crate) async fn read_whole(
    mut body: Body,
    started: Instant,
    limits: &ServeLimits,
) -> Result<Body, BodyRefusal> {
    if body.is_end_stream() {
        return Ok(body);
    }
    let declared = body.size_hint().exact();
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(BodyRefusal::TooLarge);
    }
    let mut data = BytesMut::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
    let mut trailers = None;
    loop {
        // A declared length buys its transfer time up front; an undeclared one earns
        // it as the bytes arrive.
        let length = declared.unwrap_or(0).max(data.len() as u64);
        let deadline = started + limits.body_allowance(length);
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyRefusal::TooSlow),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyRefusal::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        match frame.into_data() {
            Ok(chunk) => {
                if data.len() + chunk.len() > limits.max_body_bytes {
                    return Err(BodyRefusal::TooLarge);
                }
                data.extend_from_slice(&chunk);
            }
            Err(frame) => {
                if let Ok(t) = frame.into_trailers() {
                    trailers = Some(t);
                }
            }
        }
    }
    let mut frames = vec![Frame::data(data.freeze())];
    frames.extend(trailers.map(Frame::trailers));
    Ok(StreamBody::new(futures::stream::iter(frames.into_iter().map(Ok))).boxed_unsync())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use futures::StreamExt;
    use std::time::Duration;

    fn from_bytes(bytes: &'static [u8]) -> Body {
        http_body_util::Full::new(Bytes::from_static(bytes))
            .map_err(|never| match never {})
            .boxed_unsync()
    }

    fn limits(max: usize, grace_ms: u64) -> ServeLimits {
        ServeLimits {
            max_body_bytes: max,
            body_timeout: Duration::from_millis(grace_ms),
            ..ServeLimits::for_pool(4)
        }
    }

    async fn collected(body: Body) -> Bytes {
        body.collect().await.unwrap().to_bytes()
    }

    #[tokio::test]
    async fn a_whole_body_comes_back_unchanged() {
        let limits = limits(10, 100);
        let read = read_whole(from_bytes(b"hello"), Instant::now(), &limits);
        assert_eq!(
            collected(read.await.unwrap()).await,
            Bytes::from_static(b"hello")
        );
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_unread() {
        let limits = limits(10, 100);
        let read = read_whole(from_bytes(b"0123456789!"), Instant::now(), &limits);
        assert_eq!(read.await.err(), Some(BodyRefusal::TooLarge));
    }

    #[tokio::test]
    async fn a_streamed_body_over_the_limit_is_refused() {
        let chunks = (0..4).map(|_| Ok(Frame::data(Bytes::from_static(b"abcd"))));
        let body: Body = StreamBody::new(futures::stream::iter(chunks)).boxed_unsync();
        let read = read_whole(body, Instant::now(), &limits(10, 100)).await;
        assert_eq!(read.err(), Some(BodyRefusal::TooLarge));
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_is_too_slow() {
        let first = futures::stream::iter([Ok(Frame::data(Bytes::from_static(b"a")))]);
        let body: Body = StreamBody::new(first.chain(futures::stream::pending())).boxed_unsync();
        let started = Instant::now();
        let read = read_whole(body, started, &limits(10, 50)).await;
        assert_eq!(read.err(), Some(BodyRefusal::TooSlow));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
