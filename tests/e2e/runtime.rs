//! The runtime behaves as Spin does, proven through the fixture app's real
//! components: routing, Spin's headers, SQLite, key-value, variables, outbound HTTP,
//! store access rules, files, cron, traps, limits, concurrency and shutdown; WASI 0.2
//! (spin-sdk 5.2, `spin2`) components beside WASI 0.3 ones (spin-sdk 7, `probe`),
//! self requests as Spin 4.1 makes them, selective deployment (`--component-id`) and
//! `zhanye build` adding the Wasm target a toolchain lacks.

use crate::common::{ZHANYE, fixture_app, local_server};
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use zhanye_test_support::{TestApp, fixture_manifest};

#[test]
fn routes_follow_spin_matching_rules() {
    let app = fixture_app();
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
    let app = fixture_app();
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
    let app = fixture_app();
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
    let app = fixture_app();
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
    let app = fixture_app();
    let c = app.client();
    assert_eq!(
        c.get("/probe/sqlite/denied").value()["error"],
        "access-denied"
    );
    assert_eq!(c.get("/probe/kv-denied").value()["error"], "access-denied");
}

#[test]
fn key_value_set_get_delete_exists_keys() {
    let app = fixture_app();
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
    let app = fixture_app();
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

#[test]
fn outbound_http_is_limited_to_allowed_hosts() {
    let app = fixture_app();
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

    // `http://<component>.spin.internal` goes straight to that component, whatever the path.
    let direct = c.get("/probe/outbound?url=http://exact.spin.internal/any/path");
    assert_eq!(direct.value(), json!({"status": 200, "body": "exact"}));
    // `*.spin.internal` stands for the app's components only: any other is not allowed,
    // as on Spin (an error, not a 404 answer).
    let unknown = c.get("/probe/outbound?url=http://nobody.spin.internal/");
    assert_eq!(unknown.status, 502, "{}", unknown.text());
    let err = unknown.value()["error"].as_str().unwrap().to_string();
    assert!(err.contains("HttpRequestDenied"), "{err}");
    // A component of the app that serves no HTTP cannot answer: Spin traps the caller,
    // zhanye fails the request (the caller can handle the error).
    if app.runs_locally("chaining to a component without HTTP routes") {
        let cron_only = c.get("/probe/outbound?url=http://tick.spin.internal/");
        assert_eq!(cron_only.status, 502, "{}", cron_only.text());
        let err = cron_only.value()["error"].as_str().unwrap().to_string();
        assert!(err.contains("DestinationNotFound"), "{err}");
    }
}

/// The error text of a failed outbound request, whichever fixture made it.
fn outbound_error(r: &zhanye_test_support::Reply) -> String {
    assert_eq!(r.status, 502, "{}", r.text());
    serde_json::from_slice::<serde_json::Value>(&r.body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or_else(|| r.text())
}

#[test]
fn self_requests_follow_spin_4_1() {
    let app = fixture_app();
    let c = app.client();
    // `http://self.alt/…` reaches the app's own routes, WASI 0.3 and 0.2 callers alike.
    let own = c.get("/probe/outbound?url=http://self.alt/probe/exact");
    assert_eq!(own.value(), json!({"status": 200, "body": "exact"}));
    let own = c.get("/spin2/outbound?url=http://self.alt/probe/exact");
    assert_eq!(own.value(), json!({"status": 200, "body": "exact"}));
    // It is routed as an incoming request: the server's own origin, Spin's headers.
    let seen = c.get("/probe/outbound?url=http://self.alt/probe/headers?via=self");
    let seen: serde_json::Value =
        serde_json::from_str(seen.value()["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        seen["spin-full-url"],
        format!("{}/probe/headers?via=self", app.base_url)
    );
    assert_eq!(seen["spin-path-info"], "/headers");
    // A relative URL is a self request too. spin-sdk 5.2 sends it with an empty host…
    let relative = c.get("/spin2/outbound?url=/probe/exact");
    assert_eq!(relative.value(), json!({"status": 200, "body": "exact"}));
    let relative = c.get("/spin2/outbound?url=/spin2/hello");
    assert_eq!(relative.value()["body"], "hello from a WASI 0.2 component");
    // …while a WASI 0.3 request without an authority is refused by wasmtime's
    // `wasi:http` before any host sees it (Spin 4.1 runs the same code).
    let relative = c.get("/probe/outbound?url=/probe/exact");
    assert!(
        outbound_error(&relative).contains("HttpRequestUriInvalid"),
        "{}",
        relative.text()
    );
    // `http://self/…` is no longer special: `self` is no host an entry allows.
    for caller in ["/probe", "/spin2"] {
        let refused = c.get(&format!("{caller}/outbound?url=http://self/probe/exact"));
        let err = outbound_error(&refused);
        assert!(err.contains("HttpRequestDenied"), "{caller}: {err}");
    }
    // The cron component's `http://self.alt` POSTs arrive (it fires every second).
    // Spin's trigger-cron plugin runs apart from the HTTP server and has no self origin.
    if !app.runs_locally("cron components' self requests, answered in-process") {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.get("/probe/cron-hits").value()["hits"].as_i64().unwrap() < 1 {
        assert!(Instant::now() < deadline, "no cron hit through self.alt");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_spin_sdk_5_2_component_is_served_like_a_wasi_0_3_one() {
    let app = fixture_app();
    let c = app.client();
    let hello = c.get("/spin2/hello");
    assert_eq!(
        (hello.status, hello.text().as_str()),
        (200, "hello from a WASI 0.2 component")
    );

    // Spin's request headers, the method and a body that round-trips.
    let body = "展业 ".repeat(100_000);
    let echo = c
        .post("/spin2/echo?q=%E5%B1%95", "text/plain", body.clone())
        .value();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"].as_str().unwrap(), body);
    let h = &echo["headers"];
    assert_eq!(
        h["spin-full-url"],
        format!("{}/spin2/echo?q=%E5%B1%95", app.base_url)
    );
    assert_eq!(h["spin-path-info"], "/echo");
    assert_eq!(h["spin-matched-route"], "/spin2/...");
    assert_eq!(h["spin-component-route"], "/spin2");
    assert_eq!(h["spin-raw-component-route"], "/spin2/...");
    assert_eq!(h["spin-base-path"], "/");
    assert!(
        h["spin-client-addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:"),
        "{h}"
    );

    // A large answer streams through (no length known up front) and arrives whole,
    // in order.
    let kib = 16 * 1024;
    let big = c.get(&format!("/spin2/big?kib={kib}"));
    assert_eq!(big.status, 200);
    assert_eq!(big.header("transfer-encoding"), Some("chunked"));
    assert_eq!(big.header("content-length"), None);
    assert_eq!(big.body.len(), kib * 1024);
    for (i, chunk) in big.body.chunks(1024).enumerate() {
        let letter = b'a' + (i % 26) as u8;
        assert!(
            chunk.iter().all(|&b| b == letter),
            "KiB {i} is out of place"
        );
    }

    // The first bytes of a 64 GiB answer arrive at once: the body goes out as the
    // component writes it, and a client that leaves stops the component.
    let mut stream =
        std::net::TcpStream::connect(app.base_url.trim_start_matches("http://")).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /spin2/big?kib=67108864 HTTP/1.1\r\nhost: fixture\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 16 << 10];
    while received.len() < 256 << 10 {
        let n = stream.read(&mut buf).expect("the answer streams");
        assert!(n > 0, "the answer ended early");
        received.extend_from_slice(&buf[..n]);
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(received.starts_with(b"HTTP/1.1 200"));
    drop(stream);

    // A trap is a 500, and the next requests are served.
    for _ in 0..3 {
        assert_eq!(c.get("/spin2/trap").status, 500);
        assert_eq!(c.get("/spin2/hello").status, 200);
    }
    // Unknown paths of the component are its own 404.
    assert_eq!(c.get("/spin2/nope").status, 404);
    if app.runs_locally("the access and error log") {
        assert!(app.wait_for_log("component \"spin2\" failed", Duration::from_secs(5)));
        assert!(app.wait_for_log("\"GET /spin2/hello\" 200 spin2", Duration::from_secs(5)));
    }
}

#[test]
fn component_id_serves_only_the_chosen_components() {
    let app = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("-c")
        .arg("exact")
        .arg("--component-id")
        .arg("files")
        .start();
    if !app.runs_locally("zhanye up --component-id") {
        return;
    }
    let c = app.client();
    assert_eq!(c.get("/exact-only").text(), "exact");
    assert_eq!(c.get("/probe/exact").text(), "exact");
    assert_eq!(c.get("/static/hello.txt").status, 200);
    // The others' routes are unmatched: the runtime's own 404.
    for path in ["/probe/headers", "/probe", "/spin2/hello"] {
        let r = c.get(path);
        assert_eq!((r.status, r.text().as_str()), (404, "Not Found"), "{path}");
    }
    // The cron components are not selected: their every-second schedule never runs.
    std::thread::sleep(Duration::from_millis(2500));
    let log = app.log();
    assert!(!log.contains("cron tick"), "{log}");
    drop(app);

    // An unknown id is refused by name, with the ids there are.
    let err = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("-c")
        .arg("exact")
        .arg("-c")
        .arg("nope")
        .start_failure();
    assert!(err.contains("\"nope\" not found"), "{err}");
    assert!(err.contains("exact, files, probe"), "{err}");
    // As with `spin up -c`, a selected component that may chain to any component
    // (`http://*.spin.internal`) cannot run without the others.
    let err = TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "t")
        .arg("-c")
        .arg("probe")
        .start_failure();
    assert!(err.contains("wildcard service chaining"), "{err}");
    assert!(err.contains("probe"), "{err}");
}

/// A build-only app whose one build command "compiles" for `wasm32-wasip2` by writing
/// a file, and a `rustup` stand-in that records its calls and lists no Wasm target.
fn target_check_app() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spin.toml"),
        "spin_manifest_version = 2\n[application]\nname = \"t\"\n\
         [component.c]\nsource = \"c.wasm\"\n\
         [component.c.build]\ncommand = \"echo wasm32-wasip2 > built.txt\"\nworkdir = \"w\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("w")).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let rustup = bin.join("rustup");
    std::fs::write(
        &rustup,
        "#!/bin/sh\necho \"$(pwd): $*\" >> \"$(dirname \"$0\")/calls\"\n\
         if [ \"$1 $2\" = \"target list\" ]; then echo x86_64-unknown-linux-gnu; fi\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&rustup, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, bin)
}

#[test]
fn build_adds_the_wasm_target_a_toolchain_lacks_before_compiling() {
    let (dir, bin) = target_check_app();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(ZHANYE)
        .arg("build")
        .arg("-f")
        .arg(dir.path().join("spin.toml"))
        .env("PATH", path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rustup target add wasm32-wasip2"),
        "{stderr}"
    );
    let calls = std::fs::read_to_string(bin.join("calls")).unwrap();
    let workdir = dir.path().join("w").canonicalize().unwrap();
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        [
            format!("{}: target list --installed", workdir.display()),
            format!("{}: target add wasm32-wasip2", workdir.display()),
        ],
        "asked in the workdir, so its rust-toolchain.toml applies"
    );
    assert!(workdir.join("built.txt").exists());

    // Without rustup (nor a rustc that has the target) it stops before compiling and
    // says what to run.
    let (dir, _) = target_check_app();
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(ZHANYE)
        .arg("build")
        .arg("-f")
        .arg(dir.path().join("spin.toml"))
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("`rustup target add wasm32-wasip2`"),
        "{stderr}"
    );
    assert!(!dir.path().join("w/built.txt").exists());
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
    let app = fixture_app();
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
    let app = fixture_app();
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
    let app = fixture_app();
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
    let scheduled = fixture_app();
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
    let app = fixture_app();
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
    let mut app = fixture_app();
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
