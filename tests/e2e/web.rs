//! The web client (`web/`) in a real browser: the app starts with demo data, the
//! `web` component serves the built client at `/`, and the Playwright suite in
//! `web/tests` drives headless Chromium (Debian's `chromium`, or `CHROMIUM_PATH`)
//! through the screens, writing 390×844 screenshots to `web/screenshots/`.
//!
//! The component's own contract (content types, caching, the single-page-app fallback,
//! the API's 404 kept for `/api/...`) is checked over HTTP first.

use crate::common::*;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;
use zhanye_test_support::repo_root;

fn chromium() -> PathBuf {
    if let Ok(path) = std::env::var("CHROMIUM_PATH") {
        return PathBuf::from(path);
    }
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if std::path::Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "no Chromium: install Debian's `chromium` (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH"
    );
}

/// `YYYY-MM`, `back` months before the current China-time month.
fn months_ago(back: i32) -> String {
    use chrono::Datelike;
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let index = now.year() * 12 + now.month0() as i32 - back;
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

#[test]
fn the_component_serves_the_client() {
    let app = app();
    let client = app.client();

    let index = client.get("/");
    assert_eq!(index.status, 200, "{}", index.text());
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    assert!(index.header("content-security-policy").is_some());
    let html = index.text();
    assert!(html.contains("<div id=\"app\">"), "{html}");

    // A client route answers the shell (single-page-app fallback).
    let deep = client.get("/customers/42");
    assert_eq!(deep.status, 200);
    assert_eq!(deep.text(), html);

    // Hashed files: their type and a year of caching.
    let script = html
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .expect("a script in index.html");
    let js = client.get(script);
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = js.header("etag").expect("an ETag").to_owned();
    let again = client
        .clone()
        .with_header("if-none-match", &etag)
        .get(script);
    assert_eq!(again.status, 304);

    // The installable app: manifest and service worker.
    let manifest = client.get("/manifest.webmanifest");
    assert_eq!(manifest.status, 200);
    assert_eq!(
        manifest.header("content-type"),
        Some("application/manifest+json")
    );
    assert_eq!(manifest.value()["start_url"], "/");
    let sw = client.get("/sw.js");
    assert_eq!(sw.status, 200);
    assert!(sw.text().contains(script), "the worker precaches the shell");

    // A missing file is a 404, and the API keeps its own 404s and routes.
    assert_eq!(client.get("/assets/missing-0000.js").status, 404);
    let api = client.get("/api/no-such-route");
    assert_problem(&api, 404, "not_found");
    assert_eq!(client.get("/api/health").status, 200);
    assert_eq!(client.post_json("/", &json!({})).status, 405);
}

#[test]
fn browser_suite() {
    let chromium = chromium();
    let app = app();
    // Everyone but A0001 (whose first sign-in the suite makes in the browser) has
    // changed the initial password already.
    for who in [A0002, A0003, LEAD, MANAGER] {
        ready(&app, who);
    }
    // The last two months assessed, for the assessment and income screens.
    let hq = as_user(&app, &ready(&app, HQ));
    for month in [months_ago(1), months_ago(2)] {
        loop {
            let run = hq.post_json("/api/assessments/runs", &json!({ "month": month }));
            if run.status == 200 {
                break;
            }
            assert_eq!(run.status, 202, "{}", run.text());
        }
    }
    let web = repo_root().join("web");
    // ZHANYE_WEB_SPECS (space-separated file filters, e.g. `15-lead`) runs only those
    // files: for working on one screen; unset, the whole suite runs.
    let only = std::env::var("ZHANYE_WEB_SPECS").unwrap_or_default();
    let output = Command::new("npx")
        .args(["playwright", "test"])
        .args(only.split_whitespace())
        .current_dir(&web)
        .env("BASE_URL", &app.base_url)
        .env("CHROMIUM_PATH", &chromium)
        .env("ZHANYE_PASSWORD", NEW_PASSWORD)
        .env("ZHANYE_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("CI", "1")
        .output()
        .expect("run npx playwright test in web/");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}");
    assert!(
        output.status.success(),
        "the browser suite failed ({}); screenshots of failures are in web/test-results\n{stdout}\n{stderr}",
        output.status
    );
}
