//! Test-only HTTP component of the fixture app, on `/static/...`. It answers the
//! file at the request's `spin-path-info` from its own file system, which holds only
//! the app's `files` mounts (`assets/` at `/`, and `assets/readme.txt` at
//! `/assets/readme.txt`), or 404.

// This fixture stays on WASI 0.3 (spin-sdk 7) so the runtime's 0.3 support is exercised;
// its macros name `::spin_sdk`, so the renamed dependency goes by that name.
extern crate spin_sdk_wasip3 as spin_sdk;

use bytes::Bytes;
use spin_sdk::http::{FullBody, Request};
use spin_sdk::http_service;

/// The route this component is mounted on; used only when `spin-path-info` is absent.
const ROUTE_PREFIX: &str = "/static";

type Reply = http::Response<FullBody<Bytes>>;

#[http_service]
async fn handle(req: Request) -> Reply {
    if req.method() != http::Method::GET && req.method() != http::Method::HEAD {
        return reply(405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    let path = match req
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
    {
        Some(info) => info.to_owned(),
        None => {
            let path = req.uri().path();
            path.strip_prefix(ROUTE_PREFIX).unwrap_or(path).to_owned()
        }
    };
    if path.is_empty() || path.ends_with('/') {
        return reply(404, "text/plain; charset=utf-8", "not found\n");
    }
    match std::fs::read(&path) {
        Ok(contents) => reply(200, content_type(&path), contents),
        Err(_) => reply(404, "text/plain; charset=utf-8", "not found\n"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        _ => "application/octet-stream",
    }
}

fn reply(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(FullBody::new(body.into()))
        .expect("status and content type are valid")
}
