//! Test-only HTTP component of the fixture app, mounted on the exact routes
//! `/probe/exact` and `/exact-only`. `/probe/exact` also matches the probe
//! component's wildcard `/probe/...`: answering `exact` there proves that the most
//! specific route wins, as in Spin.

// This fixture stays on WASI 0.3 (spin-sdk 7) so the runtime's 0.3 support is exercised;
// its macros name `::spin_sdk`, so the renamed dependency goes by that name.
extern crate spin_sdk_wasip3 as spin_sdk;

use bytes::Bytes;
use spin_sdk::http::{FullBody, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> http::Response<FullBody<Bytes>> {
    let mut builder = http::Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8");
    // Echo the route the trigger matched, so a failing test can tell which one it was.
    if let Some(route) = req.headers().get("spin-matched-route") {
        builder = builder.header("x-matched-route", route);
    }
    builder
        .body(FullBody::new(Bytes::from_static(b"exact")))
        .expect("status and headers are valid")
}
