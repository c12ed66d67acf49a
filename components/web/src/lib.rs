//! The web client (`web/`), served at `/` (route `/...`; the API's more specific routes
//! win). Its built files are embedded at build time (see `build.rs`):
//!
//! - each file with its content type, a strong ETag (`If-None-Match` → 304) and, for
//!   text, a gzip copy sent to clients that accept it;
//! - hashed files under `/assets/` are cached for a year (`immutable`); the shell
//!   (`index.html`, `sw.js`, the manifest) is revalidated on every load (`no-cache`);
//! - any other path without a file extension answers `index.html`, so the client's
//!   own routes (`/customers/42`) survive a reload (single-page-app fallback);
//! - unknown paths under `/api/` and `/hooks/` answer the API's 404 problem+json, never
//!   the page; anything but GET and HEAD is 405.

use bytes::Bytes;
use zhanye_platform::{ApiResult, ReplyBody, Request};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    etag: &'static str,
    body: &'static [u8],
    gzip: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

type Reply = zhanye_platform::Reply;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const DAY: &str = "public, max-age=86400";
/// Everything the client loads comes from this origin; Vant sets inline styles.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; \
manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    Ok(handle(&request))
}

fn handle(request: &Request) -> Reply {
    let head = request.method() == http::Method::HEAD;
    if request.method() != http::Method::GET && !head {
        return http::Response::builder()
            .status(405)
            .header(http::header::ALLOW, "GET, HEAD")
            .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(ReplyBody::from(Bytes::from_static(b"method not allowed\n")))
            .expect("valid response");
    }
    let path = request_path(request);
    if is_api(&path) {
        return api_not_found(request);
    }
    let Some(asset) = find(&path) else {
        return http::Response::builder()
            .status(404)
            .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(http::header::CACHE_CONTROL, REVALIDATE)
            .body(ReplyBody::from(Bytes::from_static(b"not found\n")))
            .expect("valid response");
    };
    serve(request, asset, head)
}

/// The path inside the route (`spin-path-info`; the whole path for `/...`).
fn request_path(request: &Request) -> String {
    let path = request
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| request.uri().path().to_owned());
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

fn is_api(path: &str) -> bool {
    ["/api", "/hooks"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

/// The file at `path`, or `index.html` for a client route (no extension).
fn find(path: &str) -> Option<&'static Asset> {
    let wanted = if path == "/" { "/index.html" } else { path };
    if let Some(asset) = ASSETS.iter().find(|a| a.path == wanted) {
        return Some(asset);
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return None;
    }
    ASSETS.iter().find(|a| a.path == "/index.html")
}

fn cache_policy(asset: &Asset) -> &'static str {
    if asset.path.starts_with("/assets/") {
        IMMUTABLE
    } else if asset.path.ends_with(".html")
        || asset.path == "/sw.js"
        || asset.path.ends_with(".webmanifest")
    {
        REVALIDATE
    } else {
        DAY
    }
}

fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn accepts_gzip(request: &Request) -> bool {
    header(request, "accept-encoding")
        .split(',')
        .map(|part| part.trim())
        .any(|part| {
            let mut pieces = part.split(';');
            let coding = pieces.next().unwrap_or_default().trim();
            let refused =
                pieces.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

fn not_modified(request: &Request, etag: &str) -> bool {
    header(request, "if-none-match")
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

fn serve(request: &Request, asset: &'static Asset, head: bool) -> Reply {
    let mut reply = http::Response::builder()
        .header(http::header::CACHE_CONTROL, cache_policy(asset))
        .header(http::header::ETAG, asset.etag)
        .header(http::header::VARY, "accept-encoding")
        .header("x-content-type-options", "nosniff");
    if asset.content_type.starts_with("text/html") {
        reply = reply
            .header("content-security-policy", CSP)
            .header("referrer-policy", "same-origin")
            .header("x-frame-options", "DENY");
    }
    if not_modified(request, asset.etag) {
        return reply
            .status(304)
            .body(ReplyBody::from(Bytes::new()))
            .expect("valid response");
    }
    reply = reply
        .status(200)
        .header(http::header::CONTENT_TYPE, asset.content_type);
    let body = match asset.gzip {
        Some(packed) if accepts_gzip(request) => {
            reply = reply.header(http::header::CONTENT_ENCODING, "gzip");
            packed
        }
        _ => asset.body,
    };
    reply = reply.header(http::header::CONTENT_LENGTH, body.len());
    let body = if head {
        Bytes::new()
    } else {
        Bytes::from_static(body)
    };
    reply.body(ReplyBody::from(body)).expect("valid response")
}

/// The API's 404 (problem+json, in the caller's language), for paths no API route has.
fn api_not_found(request: &Request) -> Reply {
    let english = header(request, "accept-language")
        .split(',')
        .next()
        .is_some_and(|lang| lang.trim().to_ascii_lowercase().starts_with("en"));
    let (title, detail) = if english {
        ("Not found", "There is no such resource.")
    } else {
        ("未找到", "没有这个资源。")
    };
    let body = format!(
        "{{\"type\":\"urn:zhanye:problem:not_found\",\"title\":\"{title}\",\"status\":404,\"code\":\"not_found\",\"detail\":\"{detail}\"}}"
    );
    http::Response::builder()
        .status(404)
        .header(http::header::CONTENT_TYPE, "application/problem+json")
        .body(ReplyBody::from(Bytes::from(body)))
        .expect("valid response")
}
