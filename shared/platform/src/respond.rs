//! Turning a handler's `Result<Reply, ApiError>` into the response Spin sends.
//!
//! A component's entry point is one line:
//!
//! ```ignore
//! zhanye_platform::http_component!(route);
//!
//! async fn route(request: zhanye_platform::Request) -> Result<Reply, ApiError> { … }
//! ```
//!
//! [`Outgoing`] is an `http::Response` over a [`ReplyBody`] (whole, or streamed for large
//! exports), which [`crate::spin`] sends to the host.

use http::{HeaderValue, header};

use crate::body::ReplyBody;
use crate::lang::Lang;
use crate::problem::ApiError;

/// What handlers build: a response whose body is in memory or streamed.
pub type Reply = http::Response<ReplyBody>;

/// What an `#[http_service]` function returns.
pub type Outgoing = http::Response<ReplyBody>;

/// The result of a handler.
pub type ApiResult<T = Reply> = Result<T, ApiError>;

/// Renders `result`: a reply as is, an error as problem+json in `lang`. Server errors
/// (5xx) are logged to stderr with their cause unless already logged where they arose.
pub fn respond(lang: Lang, result: ApiResult<Reply>) -> Outgoing {
    match result {
        Ok(reply) => reply,
        Err(error) => {
            if error.status.is_server_error() && !error.is_logged() {
                eprintln!("zhanye: answering {error}");
            }
            error.to_response(lang).map(ReplyBody::from)
        }
    }
}

/// Runs `handler` on `request` and renders its result in the request's language (taken
/// from `Accept-Language` before the request is handed over), with the headers every
/// answer carries ([`with_safety_headers`]).
pub async fn handle<B, F>(request: http::Request<B>, handler: F) -> Outgoing
where
    F: AsyncFnOnce(http::Request<B>) -> ApiResult<Reply>,
{
    let lang = Lang::from_headers(request.headers());
    with_safety_headers(respond(lang, handler(request).await))
}

/// Set here, once for every route, so no route can forget them: `nosniff` on every
/// answer (a browser must never read JSON or an upload as script or HTML), and
/// `Cache-Control: no-store` on every JSON answer whose route set no cache policy of its
/// own. JSON is per caller and per moment (the caller's data, or the tokens of a
/// sign-in, which carry no `Authorization` header), so no shared or browser cache may
/// keep it; the routes that set their own policy (documents, static assets) are not JSON.
pub fn with_safety_headers(mut outgoing: Outgoing) -> Outgoing {
    let headers = outgoing.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let media = t.split(';').next().unwrap_or("").trim();
            media.eq_ignore_ascii_case("application/json")
                || media.eq_ignore_ascii_case("application/problem+json")
        });
    if is_json {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    outgoing
}

/// The request path without a trailing `/` (but `/` stays `/`), for matching routes.
pub fn route_path<B>(request: &http::Request<B>) -> &str {
    let path = request.uri().path();
    match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    }
}

/// A path segment naming a stored row by its id: digits only, positive, fitting an i64;
/// anything else names no resource (so the route answers 404, never 422 or 500).
pub fn path_id(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::testing::block_on;
    use http::StatusCode;
    use http_body_util::BodyExt;

    fn body_text(response: Outgoing) -> String {
        let bytes = block_on(response.into_body().collect()).unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    async fn route(request: http::Request<()>) -> ApiResult<Reply> {
        match (request.method().as_str(), route_path(&request)) {
            ("GET", "/api/thing") => json::ok(&serde_json::json!({"ok": true})),
            (_, "/api/thing") => Err(ApiError::method_not_allowed("GET")),
            _ => Err(ApiError::not_found()),
        }
    }

    fn request(method: &str, path: &str, lang: Option<&str>) -> http::Request<()> {
        let mut builder = http::Request::builder().method(method).uri(path);
        if let Some(lang) = lang {
            builder = builder.header(header::ACCEPT_LANGUAGE, lang);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn replies_pass_through() {
        let response = block_on(handle(request("GET", "/api/thing/", None), route));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body_text(response), r#"{"ok":true}"#);
    }

    #[test]
    fn errors_become_problems_in_the_request_language() {
        let response = block_on(handle(request("POST", "/api/thing", Some("en")), route));
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "GET");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let text = body_text(response);
        assert!(text.contains("\"code\":\"method_not_allowed\""), "{text}");
        assert!(text.contains("Method not allowed"), "{text}");

        let response = block_on(handle(request("GET", "/nope", None), route));
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(body_text(response).contains("请求的资源不存在"));
    }

    #[test]
    fn every_answer_is_nosniff_and_json_is_not_stored() {
        let ok = block_on(handle(request("GET", "/api/thing", None), route));
        assert_eq!(ok.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(ok.headers()[header::CACHE_CONTROL], "no-store");
        let problem = block_on(handle(request("GET", "/nope", None), route));
        assert_eq!(problem.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(problem.headers()[header::CACHE_CONTROL], "no-store");

        // A route's own cache policy stays, and answers that are not JSON get none.
        let cached = http::Response::builder()
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .header(header::CACHE_CONTROL, "private, max-age=60")
            .body(ReplyBody::from(bytes::Bytes::from_static(b"{}")))
            .unwrap();
        let cached = with_safety_headers(cached);
        assert_eq!(
            cached.headers()[header::CACHE_CONTROL],
            "private, max-age=60"
        );
        assert_eq!(cached.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let page = http::Response::builder()
            .header(header::CONTENT_TYPE, "text/html")
            .body(ReplyBody::from(bytes::Bytes::from_static(b"<p>")))
            .unwrap();
        let page = with_safety_headers(page);
        assert!(page.headers().get(header::CACHE_CONTROL).is_none());
        assert_eq!(page.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn path_ids() {
        for (text, expected) in [
            ("1", Some(1)),
            ("0042", Some(42)),
            ("999999999999999999", Some(999_999_999_999_999_999)),
            ("0", None),
            ("", None),
            ("-1", None),
            ("+1", None),
            ("1e3", None),
            ("1234567890123456789", None),
            ("１", None),
        ] {
            assert_eq!(path_id(text), expected, "{text}");
        }
    }

    #[test]
    fn route_paths() {
        for (path, expected) in [
            ("/", "/"),
            ("/api/x", "/api/x"),
            ("/api/x/", "/api/x"),
            ("/api/x?q=1", "/api/x"),
        ] {
            assert_eq!(route_path(&request("GET", path, None)), expected);
        }
    }
}
