//! The one place that knows which Spin SDK line and WASI version the components are
//! built against: spin-sdk 5.2, WASI 0.2 (`wasi:http/incoming-handler@0.2`,
//! `fermyon:spin@2.0.0` variables, outbound `wasi:http@0.2`), which every released
//! Spin and SpinKube's shim run. Components name none of it: they declare their entry
//! point with [`http_component!`](crate::http_component), take a [`Request`], answer a
//! [`Reply`](crate::Reply), and read variables and send requests through this module.
//! Moving to WASI 0.3 later is a change of this crate (and of `db`/`kv`), not of every
//! component.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use spin_sdk::http::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

use crate::problem::ApiError;
use crate::respond::{ApiResult, Outgoing, Reply};

/// An incoming request as handlers see it: the `http` crate's request, with an absolute
/// URI (`spin-full-url`, as Spin gives it) and a body read on demand.
pub type Request = http::Request<RequestBody>;

/// Declares a component's HTTP entry point: `zhanye_platform::http_component!(route);`
/// where `async fn route(request: Request) -> ApiResult<Reply>`. Errors become
/// problem+json in the request's language; streamed replies are streamed.
#[macro_export]
macro_rules! http_component {
    ($route:path) => {
        #[::spin_sdk::http_component]
        async fn zhanye_http_entry(
            request: ::spin_sdk::http::IncomingRequest,
            response_out: ::spin_sdk::http::ResponseOutparam,
        ) {
            $crate::spin::serve(request, response_out, $route).await
        }
    };
}

/// Runs `route` on the incoming request and sends its answer; what the generated entry
/// point of [`http_component!`](crate::http_component) calls.
pub async fn serve<F>(incoming: IncomingRequest, response_out: ResponseOutparam, route: F)
where
    F: AsyncFnOnce(Request) -> ApiResult<Reply>,
{
    let outgoing = match into_request(incoming) {
        Ok(request) => crate::respond::handle(request, route).await,
        Err(error) => crate::respond::with_safety_headers(crate::respond::respond(
            crate::Lang::default(),
            Err(error),
        )),
    };
    send_response(outgoing, response_out).await;
    crate::after_reply::run_deferred().await;
}

/// The `http` request of a WASI one.
fn into_request(incoming: IncomingRequest) -> Result<Request, ApiError> {
    let headers = incoming.headers().entries();
    let full_url = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("spin-full-url"))
        .and_then(|(_, value)| String::from_utf8(value.clone()).ok());
    let uri = full_url.unwrap_or_else(|| incoming.uri());
    let mut builder = http::Request::builder()
        .method(method_of(&incoming.method()))
        .uri(uri.as_str());
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let body = RequestBody::new(incoming.into_body_stream());
    builder.body(body).map_err(|e| {
        ApiError::malformed(crate::Localized::new(
            "请求格式有误。",
            "The request is malformed.",
        ))
        .with_cause(format!("malformed request: {e}"))
    })
}

fn method_of(method: &Method) -> http::Method {
    match method {
        Method::Get => http::Method::GET,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Patch => http::Method::PATCH,
        Method::Head => http::Method::HEAD,
        Method::Options => http::Method::OPTIONS,
        Method::Connect => http::Method::CONNECT,
        Method::Trace => http::Method::TRACE,
        Method::Other(other) => {
            http::Method::from_bytes(other.as_bytes()).unwrap_or(http::Method::GET)
        }
    }
}

type ChunkResults = Pin<Box<dyn Stream<Item = Result<Vec<u8>, String>>>>;

/// A request body read from the host as the handler asks for it, so a body over a
/// route's limit is refused without being read whole.
pub struct RequestBody {
    chunks: ChunkResults,
}

impl RequestBody {
    fn new<S, E>(chunks: S) -> RequestBody
    where
        S: Stream<Item = Result<Vec<u8>, E>> + 'static,
        E: std::fmt::Debug,
    {
        struct MapErr<S>(Pin<Box<S>>);
        impl<S, E> Stream for MapErr<S>
        where
            S: Stream<Item = Result<Vec<u8>, E>>,
            E: std::fmt::Debug,
        {
            type Item = Result<Vec<u8>, String>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                self.0
                    .as_mut()
                    .poll_next(cx)
                    .map(|item| item.map(|chunk| chunk.map_err(|e| format!("{e:?}"))))
            }
        }
        RequestBody {
            chunks: Box::pin(MapErr(Box::pin(chunks))),
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = String;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, String>>> {
        self.get_mut()
            .chunks
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|chunk| chunk.map(|bytes| Frame::data(Bytes::from(bytes)))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// The host takes at most this many bytes per blocking write (WASI 0.2's
/// `blocking-write-and-flush` limit).
const WRITE_CHUNK: usize = 4096;

/// Sends `outgoing`: status and headers first, then the body, whole or chunk by chunk
/// as a stream yields it. The body is finished only when every byte went out: a stream
/// that fails drops it unfinished, so the client sees a cut-off answer, never a short
/// one passed off as whole.
async fn send_response(outgoing: Outgoing, response_out: ResponseOutparam) {
    let (parts, mut body) = outgoing.into_parts();
    let entries: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let headers = match Fields::from_list(&entries) {
        Ok(headers) => headers,
        Err(error) => {
            eprintln!("zhanye: answer headers refused by the host: {error:?}");
            Fields::new()
        }
    };
    let response = OutgoingResponse::new(headers);
    if response.set_status_code(parts.status.as_u16()).is_err() {
        eprintln!("zhanye: status {} refused by the host", parts.status);
    }
    let Ok(outgoing_body) = response.body() else {
        eprintln!("zhanye: the answer's body was already taken");
        return;
    };
    response_out.set(response);
    let Ok(stream) = outgoing_body.write() else {
        eprintln!("zhanye: the answer's body stream was already taken");
        return;
    };
    let mut complete = true;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                if let Err(error) = write_all(&stream, &data) {
                    eprintln!("zhanye: the client went away: {error:?}");
                    complete = false;
                    break;
                }
            }
            // Already logged by `ReplyBody`.
            Err(_) => {
                complete = false;
                break;
            }
        }
    }
    drop(stream);
    if complete && let Err(error) = OutgoingBody::finish(outgoing_body, None) {
        eprintln!("zhanye: finishing the answer failed: {error:?}");
    }
    // Unfinished: dropping the body tells the host the answer is incomplete.
}

fn write_all(
    stream: &wasi::io::streams::OutputStream,
    data: &[u8],
) -> Result<(), wasi::io::streams::StreamError> {
    for piece in data.chunks(WRITE_CHUNK) {
        stream.blocking_write_and_flush(piece)?;
    }
    Ok(())
}

/// A Spin variable of the component; `None` when it is not defined.
pub async fn optional_variable(name: &str) -> Result<Option<String>, ApiError> {
    match spin_sdk::variables::get(name) {
        Ok(value) => Ok(Some(value)),
        Err(spin_sdk::variables::Error::Undefined(_)) => Ok(None),
        Err(error) => Err(ApiError::internal(format!(
            "reading variable {name}: {error:?}"
        ))),
    }
}

/// A Spin variable of the component, which must be defined (500, logged, otherwise).
pub async fn variable(name: &str) -> Result<String, ApiError> {
    optional_variable(name)
        .await?
        .ok_or_else(|| ApiError::internal(format!("variable {name} is not defined")))
}

/// An answer to an outbound request: status, headers and the whole body.
pub type OutboundResponse = http::Response<Bytes>;

/// Sends one outbound request (the host must be in the component's
/// `allowed_outbound_hosts`) and reads the whole answer; `Err` says why nothing came
/// back.
pub async fn send(request: http::Request<Bytes>) -> Result<OutboundResponse, String> {
    let (parts, body) = request.into_parts();
    let request = http::Request::from_parts(parts, body.to_vec());
    match spin_sdk::http::send::<_, http::Response<Vec<u8>>>(request).await {
        Ok(response) => Ok(response.map(Bytes::from)),
        Err(error) => Err(error.to_string()),
    }
}
