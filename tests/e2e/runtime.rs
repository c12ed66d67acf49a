//! The runtime behaves as Spin does, proven through the fixture app's real
//! components: routing, Spin's headers, SQLite, key-value, variables, outbound HTTP,
//! store access rules, files, cron, traps, limits, concurrency and shutdown.

use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};
use zhanye_test_support::{TestApp, fixture_manifest};

const ZHANYE: &str = env!("CARGO_BIN_EXE_zhanye");

fn fixture() -> TestApp {
    TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "fixture-secret")
        .start()
}

#[test]
fn routes_follow_spin_matching_rules() {
    let app = fixture();
    let c = app.client();
    // The exact route beats the `/probe/...` wildcard.
    let r = c.get("/probe/exact");
    assert_eq!((r.status, r.text().as_str()), (200, "exact"));
    assert_eq!(c.get("/exact-only").text(), "exact");
    // The wildcard matches its own prefix and anything below it.
    let h = c.get("/probe/headers?x=1");
    assert_eq!(h.status, 200);
    assert_eq!(h.value()["spin-path-info"], "/headers");
    let root = c.get("/probe");
    assert_eq!(
        root.status, 404,
        "probe itself answers 404 for an unknown probe"
    );
    assert_eq!(root.value()["error"], "no such probe");
    // Nothing matches: the runtime's own 404.
    for path in ["/", "/nope", "/probex", "/exact-only/more"] {
        assert_eq!(c.get(path).status, 404, "{path}");
    }
    if app.runs_locally("the access log") {
        assert!(
            app.wait_for_log("\"GET /nope\" 404", Duration::from_secs(5)),
            "access log line"
        );
    }
}

#[test]
fn components_get_spins_request_headers() {
    let app = fixture();
    let h = app.client().get("/probe/headers?q=%E5%B1%95");
    let v = h.value();
    let addr = app.base_url.trim_start_matches("http://");
    assert_eq!(
        v["spin-full-url"],
        format!("http://{addr}/probe/headers?q=%E5%B1%95")
    );
    assert_eq!(v["spin-path-info"], "/headers");
    assert_eq!(v["spin-matched-route"], "/probe/...");
    assert_eq!(v["spin-raw-component-route"], "/probe/...");
    assert_eq!(v["spin-component-route"], "/probe");
    assert_eq!(v["spin-base-path"], "/");
    let client = v["spin-client-addr"].as_str().unwrap();
    assert!(client.starts_with("127.0.0.1:"), "{client}");
}

#[test]
fn component_output_reaches_the_log_and_never_blocks() {
    let app = fixture();
    let c = app.client();
    for i in 0..5 {
        let r = c.get(&format!("/probe/log?msg=line-{i}"));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    if app.runs_locally("the log") {
        assert!(
            app.wait_for_log("line-4", Duration::from_secs(5)),
            "{}",
            app.log()
        );
    }
}

#[test]
fn sqlite_persists_rolls_back_and_converts_types() {
    let app = fixture();
    let c = app.client();
    let first = c.post("/probe/sqlite?value=one", "text/plain", "").value();
    assert_eq!(first["count"], 1);
    assert_eq!(first["changes"], 1);
    let second = c.post("/probe/sqlite?value=two", "text/plain", "").value();
    assert_eq!(second["count"], 2);
    assert_eq!(second["last_insert_rowid"], 2);
    let rolled = c
        .post("/probe/sqlite/tx-rollback", "text/plain", "")
        .value();
    assert_eq!(rolled["count"], 2, "a rolled-back insert is not kept");
    assert_eq!(c.get("/probe/sqlite/point?id=2").value()["value"], "two");
    assert_eq!(c.get("/probe/sqlite/point?id=99").status, 404);
    let all = c.get("/probe/sqlite").value();
    assert_eq!(
        all["rows"],
        json!([{"id":1,"value":"one"},{"id":2,"value":"two"}])
    );
    assert_eq!(
        all["types"],
        json!({"int": 7, "real": 1.5, "text": "x", "blob_len": 3, "null": null})
    );
    // The data is in the state directory's default database, as with Spin.
    if app.runs_locally("the default database's file") {
        assert!(app.state_dir().join("sqlite_db.db").exists());
    }
}

#[test]
fn stores_a_component_does_not_list_are_access_denied() {
    let app = fixture();
    let c = app.client();
    assert_eq!(
        c.get("/probe/sqlite/denied").value()["error"],
        "access-denied"
    );
    assert_eq!(c.get("/probe/kv-denied").value()["error"], "access-denied");
}

#[test]
fn key_value_set_get_delete_exists_keys() {
    let app = fixture();
    let c = app.client();
    assert_eq!(c.get("/probe/kv/greeting").status, 404);
    assert_eq!(
        c.put("/probe/kv/greeting", "text/plain", "你好").status,
        204
    );
    assert_eq!(c.put("/probe/kv/alpha", "text/plain", "a").status, 204);
    let got = c.get("/probe/kv/greeting");
    assert_eq!((got.status, got.text().as_str()), (200, "你好"));
    assert_eq!(c.get("/probe/kv-exists/greeting").value()["exists"], true);
    assert_eq!(
        c.get("/probe/kv-keys").value()["keys"],
        json!(["alpha", "greeting"])
    );
    assert_eq!(c.delete("/probe/kv/greeting").status, 204);
    assert_eq!(c.get("/probe/kv/greeting").status, 404);
    assert_eq!(c.get("/probe/kv-exists/greeting").value()["exists"], false);
    if app.runs_locally("the default key-value store's file") {
        assert!(app.state_dir().join("sqlite_key_value.db").exists());
    }
}

#[test]
fn variables_defaults_templates_env_overrides_and_errors() {
    let app = fixture();
    let c = app.client();
    assert_eq!(c.get("/probe/var/greeting").value()["value"], "hello");
    assert_eq!(
        c.get("/probe/var/composite").value()["value"],
        "hello-world"
    );
    assert_eq!(c.get("/probe/var/token").value()["value"], "fixture-secret");
    assert_eq!(
        c.get("/probe/var/nothing_here").value()["error"],
        "undefined"
    );
    assert_eq!(
        c.get("/probe/var/Not-Valid").value()["error"],
        "invalid-name"
    );
    // App variables that the component does not map are not visible to it.
    assert_eq!(
        c.get("/probe/var/secret_token").value()["error"],
        "undefined"
    );

    if !app.runs_locally("SPIN_VARIABLE_ overrides at start-up") {
        return;
    }
    let overridden = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .env("SPIN_VARIABLE_GREETING", "您好")
        .start();
    let c = overridden.client();
    assert_eq!(c.get("/probe/var/greeting").value()["value"], "您好");
    assert_eq!(c.get("/probe/var/composite").value()["value"], "您好-world");
}

#[test]
fn a_required_variable_without_a_value_stops_start_up() {
    let err = TestApp::builder(ZHANYE, fixture_manifest()).start_failure();
    assert!(err.contains("secret_token"), "{err}");
}

/// A one-shot local HTTP server answering `body` to every request.
fn local_server(body: &'static str) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(false).unwrap();
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
    (format!("http://{addr}/"), handle)
}

#[test]
fn outbound_http_is_limited_to_allowed_hosts() {
    let app = fixture();
    let c = app.client();
    let (url, server) = local_server("from outside");
    let ok = c.get(&format!("/probe/outbound?url={url}"));
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.value(), json!({"status": 200, "body": "from outside"}));
    server.join().unwrap();

    let denied = c.get("/probe/outbound?url=http://example.com/");
    assert_eq!(denied.status, 502);
    let err = denied.value()["error"].as_str().unwrap().to_string();
    assert!(err.contains("HttpRequestDenied"), "{err}");

    // `http://self` reaches this app's own routes without the network.
    let own = c.get("/probe/outbound?url=http://self/probe/exact");
    assert_eq!(own.value(), json!({"status": 200, "body": "exact"}));
    // `http://<component>.spin.internal` goes straight to that component, whatever the path.
    let direct = c.get("/probe/outbound?url=http://exact.spin.internal/any/path");
    assert_eq!(direct.value(), json!({"status": 200, "body": "exact"}));
    let unknown = c.get("/probe/outbound?url=http://nobody.spin.internal/");
    assert_eq!(unknown.value()["status"], 404);
}

#[test]
fn runtime_config_places_the_stores() {
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join("runtime-config.toml");
    std::fs::write(
        &rc,
        "[sqlite_database.default]\ntype = \"spin\"\npath = \"data/app.db\"\n\n[key_value_store.default]\ntype = \"spin\"\npath = \"data/cache.db\"\n",
    )
    .unwrap();
    let app = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("--runtime-config-file")
        .arg(rc.to_str().unwrap())
        .start();
    if !app.runs_locally("runtime config files") {
        return;
    }
    let c = app.client();
    assert_eq!(
        c.post("/probe/sqlite?value=x", "text/plain", "").status,
        200
    );
    assert_eq!(c.put("/probe/kv/k", "text/plain", "v").status, 204);
    assert!(dir.path().join("data/app.db").exists());
    assert!(dir.path().join("data/cache.db").exists());
    assert!(!app.state_dir().join("sqlite_db.db").exists());

    // A store type this runtime does not offer is refused at start-up, by name.
    std::fs::write(&rc, "[key_value_store.default]\ntype = \"dynamodb\"\n").unwrap();
    let err = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("--runtime-config-file")
        .arg(rc.to_str().unwrap())
        .start_failure();
    assert!(err.contains("dynamodb"), "{err}");
}

#[test]
fn files_are_mounted_read_only_where_the_manifest_says() {
    let app = fixture();
    let c = app.client();
    let f = c.get("/static/hello.txt");
    assert_eq!(
        (f.status, f.text().trim()),
        (200, "hello from a mounted file")
    );
    assert_eq!(c.get("/static/missing.txt").status, 404);
    // The probe has no files: nothing is mounted for it.
    assert_eq!(c.get("/probe/file?path=/hello.txt").status, 404);
}

#[test]
fn a_trap_is_a_500_and_the_server_keeps_serving() {
    let app = fixture();
    let c = app.client();
    for _ in 0..3 {
        assert_eq!(c.get("/probe/trap").status, 500);
        assert_eq!(c.get("/probe/exact").status, 200);
    }
    if app.runs_locally("the error log") {
        assert!(app.wait_for_log("component \"probe\" failed", Duration::from_secs(5)));
    }
}

#[test]
fn time_and_memory_limits_stop_one_request_only() {
    let app = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("--timeout-ms")
        .arg("800")
        .arg("--max-memory-mb")
        .arg("64")
        .start();
    if !app.runs_locally("limits set by start-up flags") {
        return;
    }
    let c = app.client();
    let started = Instant::now();
    let slow = c.get("/probe/spin?ms=5000");
    assert_eq!(slow.status, 504);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(c.get("/probe/spin?ms=10").value()["spun_ms"], 10);
    assert_eq!(c.get("/probe/alloc?mb=128").status, 500);
    assert_eq!(c.get("/probe/alloc?mb=8").value()["allocated_mb"], 8);
}

#[test]
fn concurrent_requests_all_succeed() {
    let app = fixture();
    let base = app.base_url.clone();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let c = zhanye_test_support::Client::new(&base);
            std::thread::spawn(move || {
                for i in 0..10 {
                    let r = c.post(&format!("/probe/sqlite?value=t{t}-{i}"), "text/plain", "");
                    assert_eq!(r.status, 200, "{}", r.text());
                    let k = format!("/probe/kv/k{t}");
                    assert_eq!(c.put(&k, "text/plain", format!("{i}")).status, 204);
                    assert_eq!(c.get(&k).text(), format!("{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let rows = app.client().get("/probe/sqlite").value();
    assert_eq!(rows["rows"].as_array().unwrap().len(), 160);
}

#[test]
fn cron_components_fire_on_demand_and_on_schedule() {
    let app = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("--no-cron")
        .start();
    if !app.runs_locally("zhanye cron fire") {
        return;
    }
    let c = app.client();
    assert_eq!(c.get("/probe/cron-hits").value()["hits"], 0);
    let out = app.zhanye(&["cron", "fire", "tick"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(c.get("/probe/cron-hits").value()["hits"], 1);
    // A cron component's error is reported, not hidden.
    let failed = app.zhanye(&["cron", "fire", "tick-fail"]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("tick-fail"));
    assert_eq!(c.get("/probe/cron-hits").value()["hits"], 1);
    drop(app);

    // With the schedule running, `*/1 * * * * *` fires every second.
    let scheduled = fixture();
    let c = scheduled.client();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let hits = c.get("/probe/cron-hits").value()["hits"].as_i64().unwrap();
        if hits >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the schedule did not fire twice in 10 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn echo_streams_request_and_response_bodies() {
    let app = fixture();
    let body: Vec<u8> = (0..(3 << 20)).map(|i| (i % 251) as u8).collect();
    let r = app
        .client()
        .post("/probe/echo", "application/octet-stream", body.clone());
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r.body == body, "a 3 MiB body comes back unchanged");
}

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let mut app = fixture();
    if !app.runs_locally("stopping the runtime's process") {
        return;
    }
    let base = app.base_url.clone();
    let in_flight = std::thread::spawn(move || {
        zhanye_test_support::Client::new(&base).get("/probe/spin?ms=1500")
    });
    std::thread::sleep(Duration::from_millis(400));
    let status = app.terminate().expect("exit status");
    let r = in_flight.join().unwrap();
    assert_eq!(r.status, 200, "the in-flight request completed");
    assert_eq!(r.value()["spun_ms"], 1500);
    assert!(status.success(), "graceful exit: {status}");
}

#[test]
fn unknown_manifest_fields_and_bad_routes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    std::fs::write(
        &manifest,
        "spin_manifest_version = 2\n[application]\nname = \"x\"\n[[trigger.http]]\nroute = \"/a\"\ncomponent = \"missing\"\n",
    )
    .unwrap();
    let err = TestApp::builder(ZHANYE, &manifest).start_failure();
    assert!(err.contains("missing"), "{err}");
    std::fs::write(
        &manifest,
        "spin_manifest_version = 2\n[application]\nname = \"x\"\nsurprise = 1\n",
    )
    .unwrap();
    let err = TestApp::builder(ZHANYE, &manifest).start_failure();
    assert!(err.contains("surprise"), "{err}");
}
