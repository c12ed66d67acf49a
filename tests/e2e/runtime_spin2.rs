//! The runtime runs WASI 0.2 Spin apps (spin-sdk 5.2, `wasi:http/incoming-handler@0.2`)
//! as Spin does, proven through the fixture app's `spin2` component: HTTP, outbound HTTP
//! and every Spin 2/3 interface such an app imports (`fermyon:spin@2.0.0`,
//! `spin:sqlite@3.0.0`, `wasi:keyvalue@0.2.0-draft2`, the PostgreSQL packages), with
//! the data shared with the WASI 0.3 `probe` component's Spin 3 interfaces.
//!
//! The answers checked are Spin's own: error variants everywhere, and the texts only
//! where Spin's and ours say the same thing (a model's name, "not permitted"); what
//! only this runtime can answer (no Redis, MQTT or MySQL client, no LLM engine) is
//! checked when `zhanye` serves the app. The PostgreSQL tests run against the local
//! server at 127.0.0.1:5432 (user `postgres`, trust auth), each on a database of its
//! own that it creates with `psql` and drops after.

use crate::common::{fixture_app, in_parallel, local_server};
use serde_json::{Value, json};
use zhanye_test_support::Client;

/// The `{"error": kind, "detail": …}` of a failed host call, which the component
/// answers with 500.
fn failure(c: &Client, path: &str) -> (String, String) {
    let r = c.get(path);
    assert_eq!(r.status, 500, "{path}: {}", r.text());
    let v = r.value();
    (
        v["error"].as_str().unwrap_or_default().to_string(),
        v["detail"].as_str().unwrap_or_default().to_string(),
    )
}

fn failure_kind(c: &Client, path: &str) -> String {
    failure(c, path).0
}

// ---------------------------------------------------------------------------
// HTTP

#[test]
fn a_wasi_0_2_component_answers_http() {
    let app = fixture_app();
    let c = app.client();

    let hello = c.get("/spin2/hello");
    assert_eq!(hello.status, 200);
    assert_eq!(hello.text(), "hello from a WASI 0.2 component");
    assert!(
        hello
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        hello.headers
    );

    // The request's method, Spin's headers and body reach the component.
    let echo = c.post("/spin2/echo?q=1", "text/plain", "ping");
    assert_eq!(echo.status, 200, "{}", echo.text());
    let v = echo.value();
    assert_eq!(v["method"], "POST");
    assert_eq!(v["body"], "ping");
    let headers = &v["headers"];
    assert_eq!(headers["spin-path-info"], "/echo");
    assert_eq!(headers["spin-matched-route"], "/spin2/...");
    assert_eq!(headers["spin-component-route"], "/spin2");
    assert_eq!(headers["spin-raw-component-route"], "/spin2/...");
    let addr = app.base_url.trim_start_matches("http://");
    assert_eq!(
        headers["spin-full-url"],
        format!("http://{addr}/spin2/echo?q=1")
    );

    // The component's own 404 below its route; the runtime's beside it.
    let missing = c.get("/spin2/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.value()["error"], "no such route");
    assert_eq!(c.get("/spin2x").status, 404);
}

#[test]
fn a_wasi_0_2_component_streams_a_large_answer() {
    let app = fixture_app();
    let kib = 1500;
    let r = app.client().get(&format!("/spin2/big?kib={kib}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), kib * 1024);
    // Chunk i is all `a` + i mod 26: none lost, doubled or reordered.
    for (i, chunk) in r.body.chunks(1024).enumerate() {
        let letter = b'a' + (i % 26) as u8;
        assert!(chunk.iter().all(|b| *b == letter), "KiB {i}");
    }
}

#[test]
fn a_trap_in_a_wasi_0_2_component_is_a_500_and_serving_goes_on() {
    let app = fixture_app();
    let c = app.client();
    for _ in 0..3 {
        assert_eq!(c.get("/spin2/trap").status, 500);
        assert_eq!(c.get("/spin2/hello").status, 200);
    }
}

#[test]
fn outbound_http_from_a_wasi_0_2_component() {
    let app = fixture_app();
    let c = app.client();
    let (url, server) = local_server("from outside");
    let ok = c.get(&format!("/spin2/outbound?url={url}"));
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.value(), json!({"status": 200, "body": "from outside"}));
    server.join().unwrap();

    // Its own app, by a relative URL or `http://self.alt` (allowed by `http://self`),
    // and a WASI 0.3 component's answer at that.
    for url in ["/probe/exact", "http://self.alt/probe/exact"] {
        let own = c.get(&format!("/spin2/outbound?url={url}"));
        assert_eq!(own.status, 200, "{url}: {}", own.text());
        assert_eq!(
            own.value(),
            json!({"status": 200, "body": "exact"}),
            "{url}"
        );
    }

    // A host it does not list is refused with wasi:http's error, not reached.
    let denied = c.get("/spin2/outbound?url=http://example.com/");
    assert_eq!(denied.status, 502);
    assert!(
        denied.text().contains("HttpRequestDenied"),
        "{}",
        denied.text()
    );
}

// ---------------------------------------------------------------------------
// SQLite

#[test]
fn sqlite_2_0_and_3_0_share_the_databases_of_3_1() {
    let app = fixture_app();
    let c = app.client();

    // fermyon:spin/sqlite@2.0.0
    let r = c.post("/spin2/sqlite2?value=two-oh", "text/plain", "");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.value()["rows"], json!([{"id": 1, "value": "two-oh"}]));

    // spin:sqlite@3.0.0 (with last-insert-rowid and changes)
    let r = c.post("/spin2/sqlite3?value=three-oh", "text/plain", "");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.value();
    assert_eq!(v["last_insert_rowid"], 2);
    assert_eq!(v["changes"], 1);

    // spin:sqlite@3.1.0, from the WASI 0.3 probe: the same database.
    let r = c.post("/probe/sqlite?value=three-one", "text/plain", "");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.value()["count"], 3);
    let all = json!([
        {"id": 1, "value": "two-oh"},
        {"id": 2, "value": "three-oh"},
        {"id": 3, "value": "three-one"},
    ]);
    assert_eq!(c.get("/probe/sqlite").value()["rows"], all);
    for path in ["/spin2/sqlite2", "/spin2/sqlite3"] {
        let v = c.get(path).value();
        assert_eq!(v["rows"], all, "{path}");
        // Every storage class maps to its own value case in both versions.
        assert_eq!(
            v["kinds"],
            json!(["integer", "real", "text", "blob", "null"]),
            "{path}"
        );
        assert_eq!(v["typed"], json!([7, 1.5, "x", [1, 2, 3], null]), "{path}");
    }
    // The benchmark's point read, with a bound parameter, on both component kinds.
    for path in ["/spin2/sqlite3/point?id=3", "/probe/sqlite/point?id=3"] {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(r.value(), json!({"id": 3, "value": "three-one"}), "{path}");
    }
    assert_eq!(c.get("/spin2/sqlite3/point?id=4").status, 404);
}

#[test]
fn sqlite_databases_a_component_does_not_list_are_access_denied() {
    let app = fixture_app();
    let c = app.client();
    // Spin checks the component's list before the database exists: an unknown label
    // is `access-denied` too.
    for version in ["sqlite2", "sqlite3"] {
        for db in ["other", "no-such-database-anywhere"] {
            assert_eq!(
                failure_kind(&c, &format!("/spin2/{version}?db={db}")),
                "access-denied",
                "{version} {db}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Key-value

#[test]
fn key_value_2_0_round_trips_and_shares_stores_with_3_0() {
    let app = fixture_app();
    let c = app.client();

    assert_eq!(c.get("/spin2/kv2/colour").status, 404);
    assert_eq!(c.put("/spin2/kv2/colour", "text/plain", "蓝").status, 200);
    assert_eq!(c.get("/spin2/kv2/colour").text(), "蓝");
    assert_eq!(
        c.get("/spin2/kv2-exists/colour").value(),
        json!({"exists": true})
    );
    let keys = c.get("/spin2/kv2-keys").value();
    assert!(
        keys["keys"].as_array().unwrap().contains(&json!("colour")),
        "{keys}"
    );

    // Written through 2.0, read through the WASI 0.3 probe's 3.0, and back.
    assert_eq!(c.get("/probe/kv/colour").text(), "蓝");
    assert_eq!(c.put("/probe/kv/size", "text/plain", "large").status, 204);
    assert_eq!(c.get("/spin2/kv2/size").text(), "large");
    // ... and through wasi:keyvalue, the same store again.
    assert_eq!(c.get("/spin2/wkv/size").text(), "large");

    assert_eq!(c.delete("/spin2/kv2/colour").status, 200);
    assert_eq!(c.get("/spin2/kv2/colour").status, 404);
    assert_eq!(c.get("/probe/kv/colour").status, 404);
    assert_eq!(
        c.get("/spin2/kv2-exists/colour").value(),
        json!({"exists": false})
    );
}

#[test]
fn key_value_stores_a_component_does_not_list_are_access_denied() {
    let app = fixture_app();
    let c = app.client();
    for store in ["other", "no-such-store-anywhere"] {
        for path in [
            format!("/spin2/kv2/k?store={store}"),
            format!("/spin2/kv2-keys?store={store}"),
            format!("/spin2/wkv/k?store={store}"),
            format!("/spin2/wkv-keys?store={store}"),
        ] {
            assert_eq!(failure_kind(&c, &path), "access-denied", "{path}");
        }
    }
}

#[test]
fn wasi_keyvalue_store_reads_writes_and_lists() {
    let app = fixture_app();
    let c = app.client();
    assert_eq!(c.get("/spin2/wkv/fruit").status, 404);
    assert_eq!(c.put("/spin2/wkv/fruit", "text/plain", "pear").status, 200);
    assert_eq!(c.get("/spin2/wkv/fruit").text(), "pear");
    assert_eq!(c.get("/probe/kv/fruit").text(), "pear");
    assert_eq!(
        c.get("/spin2/wkv-exists/fruit").value(),
        json!({"exists": true})
    );

    // One page with every key and no cursor, as Spin answers; a cursor is refused.
    let page = c.get("/spin2/wkv-keys").value();
    assert!(
        page["keys"].as_array().unwrap().contains(&json!("fruit")),
        "{page}"
    );
    assert_eq!(page["cursor"], Value::Null);
    assert_eq!(failure_kind(&c, "/spin2/wkv-keys?cursor=fruit"), "other");

    assert_eq!(c.delete("/spin2/wkv/fruit").status, 200);
    assert_eq!(c.get("/spin2/wkv/fruit").status, 404);
    assert_eq!(
        c.get("/spin2/wkv-exists/fruit").value(),
        json!({"exists": false})
    );
}

#[test]
fn wasi_keyvalue_increment_is_atomic() {
    let app = fixture_app();
    let c = app.client();
    let incr = |c: &Client, delta: i64| {
        let r = c.post(
            &format!("/spin2/wkv-incr/hits?delta={delta}"),
            "text/plain",
            "",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.value()["value"].as_i64().unwrap()
    };
    // A missing key counts from zero.
    assert_eq!(incr(&c, 5), 5);
    assert_eq!(incr(&c, -2), 3);
    // Stored as Spin stores counters: 8 bytes, little-endian.
    assert_eq!(c.get("/spin2/wkv/hits").body, 3i64.to_le_bytes());

    // Concurrent increments lose nothing.
    in_parallel(&app, 8, 10, |c| {
        incr(c, 1);
    });
    assert_eq!(incr(&c, 0), 83);

    // A value that is not a counter is an error, not a guess.
    assert_eq!(c.put("/spin2/wkv/word", "text/plain", "abc").status, 200);
    let r = c.post("/spin2/wkv-incr/word", "text/plain", "");
    assert_eq!(r.status, 500);
    assert_eq!(r.value()["error"], "other");
}

#[test]
fn wasi_keyvalue_compare_and_swap() {
    let app = fixture_app();
    let c = app.client();
    let cas = |path: &str, value: &str| {
        let r = c.post(path, "text/plain", value.to_string());
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.value()
    };
    // Absent → created.
    assert_eq!(cas("/spin2/wkv-cas/slot", "v1"), json!({"swapped": true}));
    assert_eq!(c.get("/spin2/wkv/slot").text(), "v1");
    // Swapped from the value it holds.
    assert_eq!(
        cas("/spin2/wkv-cas/slot?expect=v1", "v2"),
        json!({"swapped": true})
    );
    assert_eq!(c.get("/spin2/wkv/slot").text(), "v2");
    // Another write between reading and swapping: `cas-failed`, and the handle given
    // back for the retry has seen that write.
    assert_eq!(
        cas("/spin2/wkv-cas/slot?expect=v2&race=other", "v3"),
        json!({"swapped": false, "cas_failed": true, "current": "other"})
    );
    assert_eq!(c.get("/spin2/wkv/slot").text(), "other");
    // Created concurrently: a swap that expected no value fails too. (Spin's own
    // SQLite store overwrites here, so only this runtime is held to it.)
    if app.runs_locally("compare-and-swap of an absent key") {
        assert_eq!(
            cas("/spin2/wkv-cas/fresh?race=first", "second"),
            json!({"swapped": false, "cas_failed": true, "current": "first"})
        );
    }
}

#[test]
fn wasi_keyvalue_batch() {
    let app = fixture_app();
    let c = app.client();
    let post = |path: &str, body: Value| {
        let r = c.post_json(path, &body);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.value()
    };
    post(
        "/spin2/wkv-batch/set",
        json!({"a": "1", "b": "2", "c": "3"}),
    );
    assert_eq!(c.get("/probe/kv/b").text(), "2");
    // Only the keys that exist come back, as with Spin's store.
    assert_eq!(
        post("/spin2/wkv-batch/get", json!(["a", "c", "missing"])),
        json!({"pairs": [["a", "1"], ["c", "3"]]})
    );
    post("/spin2/wkv-batch/delete", json!(["a", "b", "missing"]));
    assert_eq!(
        post("/spin2/wkv-batch/get", json!(["a", "b", "c"])),
        json!({"pairs": [["c", "3"]]})
    );
}

// ---------------------------------------------------------------------------
// Variables

#[test]
fn variables_2_0_see_the_components_own_variables() {
    let app = fixture_app();
    let c = app.client();
    assert_eq!(c.get("/spin2/var/greeting").text(), "hello");
    assert_eq!(c.get("/spin2/var/composite").text(), "hello-world");
    // The probe's `token` is not this component's.
    assert_eq!(failure_kind(&c, "/spin2/var/token"), "undefined");
    assert_eq!(failure_kind(&c, "/spin2/var/Not-A-Name"), "invalid-name");
}

// ---------------------------------------------------------------------------
// Capabilities the runtime has no backend for

#[test]
fn llm_answers_as_a_spin_without_an_engine() {
    let app = fixture_app();
    let c = app.client();
    // A model the component does not list is refused, naming it.
    let (kind, detail) = failure(&c, "/spin2/llm?model=all-minilm-l6-v2");
    assert_eq!(kind, "invalid-input");
    assert!(detail.contains("all-minilm-l6-v2"), "{detail}");
    if app.runs_locally("the answer to a listed model") {
        let (kind, detail) = failure(&c, "/spin2/llm?model=llama2-chat");
        assert_eq!(kind, "runtime-error", "{detail}");
    }
}

#[test]
fn databases_and_messaging_refuse_hosts_not_allowed() {
    let app = fixture_app();
    let c = app.client();
    // Redis: `invalid-address`.
    assert_eq!(
        failure_kind(&c, "/spin2/redis?addr=redis://127.0.0.1:6379"),
        "invalid-address"
    );
    // MQTT, MySQL and PostgreSQL (2.0, 3.0, 4.x): `connection-failed`, "not permitted".
    for (path, addr) in [
        ("mqtt", "mqtt://127.0.0.1:1883"),
        ("mysql", "mysql://127.0.0.1:3306/app"),
        ("pg", "postgres://127.0.0.1:5433/app"),
        ("pg3", "postgres://u:p@127.0.0.2/app"),
        ("pg4", "postgres://localhost:5432/app"),
    ] {
        let (kind, detail) = failure(&c, &format!("/spin2/{path}?addr={addr}"));
        assert_eq!(kind, "connection-failed", "{path}: {detail}");
        assert!(detail.contains("not permitted"), "{path}: {detail}");
    }

    // Allowed hosts where nothing listens: this runtime has no client for Redis, MQTT
    // and MySQL, and says so; PostgreSQL connects and fails (the reachable, allowed
    // 127.0.0.1:5432 connects: see the `postgres_*` tests below).
    if app.runs_locally("the answers to allowed hosts") {
        let (kind, detail) = failure(&c, "/spin2/redis?addr=redis://127.0.0.1:1");
        assert_eq!(kind, "other", "{detail}");
        for (path, addr) in [
            ("mqtt", "mqtt://127.0.0.1:1"),
            ("mysql", "mysql://127.0.0.1:1/app"),
            ("pg", "postgres://127.0.0.1:1/app"),
            ("pg3", "host%3D127.0.0.1+port%3D1"),
            ("pg4", "postgres://127.0.0.1:1/app"),
        ] {
            let (kind, detail) = failure(&c, &format!("/spin2/{path}?addr={addr}"));
            assert_eq!(kind, "connection-failed", "{path}: {detail}");
            assert!(!detail.contains("not permitted"), "{path}: {detail}");
        }
    }
}

// ---------------------------------------------------------------------------
// PostgreSQL (2.0, 3.0, 4.x) against the local server

/// A fresh database on the local PostgreSQL, dropped (with its connections) on drop.
struct PgDb {
    name: String,
}

fn psql(sql: &str, database: &str) -> String {
    let out = std::process::Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database])
        .args(["-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
        .output()
        .expect("psql runs (the PostgreSQL client must be installed)");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl PgDb {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "zy_pg_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        psql(&format!("CREATE DATABASE {name}"), "postgres");
        Self { name }
    }

    /// Its address, as the fixture's `url` parameter.
    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }

    fn sql(&self, sql: &str) -> String {
        psql(sql, &self.name)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        psql(
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            "postgres",
        );
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `steps` on one connection of interface `version` (`pg`, `pg3`, `pg4`): one
/// result per step.
fn pg_run(c: &Client, version: &str, url: &str, steps: Value) -> Vec<Value> {
    let path = format!("/spin2/pg-run?v={version}&url={}", encode(url));
    let r = c.post_json(&path, &steps);
    assert_eq!(r.status, 200, "{version}: {}", r.text());
    serde_json::from_value(r.value()).unwrap()
}

fn p(t: &str, v: Value) -> Value {
    json!({ "t": t, "v": v })
}

fn query(sql: &str) -> Value {
    json!({ "op": "query", "sql": sql })
}

fn execute(sql: &str, params: Vec<Value>) -> Value {
    json!({ "op": "execute", "sql": sql, "params": params })
}

/// The parameters and columns every version maps: bool, the integers (`int8` is
/// PostgreSQL's one-byte `"char"`), floats, text, bytes and NULL.
const COMMON_COLUMNS: &str = "b bool, c \"char\", s int2, i int4, l int8, f float4, \
     d float8, t text, v varchar(10), by bytea, n text";

fn common_params() -> Vec<Value> {
    vec![
        p("bool", json!(true)),
        p("int8", json!(65)),
        p("int16", json!(-12345)),
        p("int32", json!(2_000_000_000)),
        p("int64", json!(9_000_000_000_000_000_000i64)),
        p("float32", json!(1.5)),
        p("float64", json!(-2.25)),
        p("str", json!("héllo")),
        p("str", json!("short")),
        p("binary", json!([0, 1, 255])),
        p("null", Value::Null),
    ]
}

fn common_values() -> Vec<Value> {
    vec![
        p("bool", json!(true)),
        p("int8", json!(65)),
        p("int16", json!(-12345)),
        p("int32", json!(2_000_000_000)),
        p("int64", json!(9_000_000_000_000_000_000i64)),
        p("float32", json!(1.5)),
        p("float64", json!(-2.25)),
        p("str", json!("héllo")),
        p("str", json!("short")),
        p("binary", json!([0, 1, 255])),
        p("null", Value::Null),
    ]
}

const COMMON_TYPES: [&str; 11] = [
    "boolean",
    "int8",
    "int16",
    "int32",
    "int64",
    "floating32",
    "floating64",
    "str",
    "str",
    "binary",
    "str",
];

fn column_types(result: &Value) -> Vec<String> {
    result["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("no columns: {result}"))
        .iter()
        .map(|c| c[1].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn postgres_2_0_round_trips_its_types() {
    let app = fixture_app();
    let c = app.client();
    let db = PgDb::new();
    let insert = "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    let results = pg_run(
        &c,
        "pg",
        &db.url(),
        json!([
            execute(&format!("CREATE TABLE t ({COMMON_COLUMNS})"), vec![]),
            execute(insert, common_params()),
            query("SELECT * FROM t"),
            // PostgreSQL has no unsigned integers: Spin refuses them.
            execute("SELECT $1::int8", vec![p("uint32", json!(7))]),
            query("SELECT now()::date AS d"),
        ]),
    );
    assert_eq!(results[0], json!({ "affected": 0 }));
    assert_eq!(results[1], json!({ "affected": 1 }));
    assert_eq!(results[2]["rows"], json!([common_values()]));
    assert_eq!(column_types(&results[2]), COMMON_TYPES);
    assert_eq!(
        results[3]["error"], "value-conversion-failed",
        "{}",
        results[3]
    );
    // A type 2.0 has no value for: `unsupported`, of type `other`.
    assert_eq!(results[4]["rows"], json!([[p("unsupported", Value::Null)]]));
    assert_eq!(column_types(&results[4]), ["other"]);
    // What the guest wrote is what the server holds.
    assert_eq!(
        db.sql("SELECT i, t, encode(by, 'hex') FROM t"),
        "2000000000|héllo|0001ff"
    );
}

/// 3.0 and 4.x add dates and times: `datetime` for `timestamp` (and `timestamptz`, in
/// UTC), `timestamp` parameters in seconds since the epoch.
fn date_time_steps() -> Vec<Value> {
    vec![
        execute(
            "CREATE TABLE dt (d date, tm time, ts timestamp, tz timestamptz)",
            vec![],
        ),
        execute(
            "INSERT INTO dt VALUES ($1, $2, $3, $4)",
            vec![
                p("date", json!([2026, 10, 1])),
                p("time", json!([13, 45, 30, 250_000_000])),
                p("datetime", json!([2026, 10, 1, 2, 3, 4, 123_456_000])),
                p("timestamp", json!(1_790_000_000)),
            ],
        ),
        query("SELECT * FROM dt"),
    ]
}

fn date_time_values() -> Value {
    json!([[
        p("date", json!([2026, 10, 1])),
        p("time", json!([13, 45, 30, 250_000_000])),
        p("datetime", json!([2026, 10, 1, 2, 3, 4, 123_456_000])),
        // 1 790 000 000 s after the epoch: 2026-09-21T14:13:20Z.
        p("datetime", json!([2026, 9, 21, 14, 13, 20, 0])),
    ]])
}

#[test]
fn postgres_3_0_round_trips_its_types_with_dates_and_times() {
    let app = fixture_app();
    let c = app.client();
    let db = PgDb::new();
    let mut steps = vec![
        execute(&format!("CREATE TABLE t ({COMMON_COLUMNS})"), vec![]),
        execute(
            "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            common_params(),
        ),
        query("SELECT * FROM t"),
    ];
    steps.extend(date_time_steps());
    steps.push(query(
        "SELECT 1.5::numeric AS n, 'a'::text AS s WHERE false",
    ));
    let results = pg_run(&c, "pg3", &db.url(), json!(steps));
    assert_eq!(results[1], json!({ "affected": 1 }));
    assert_eq!(results[2]["rows"], json!([common_values()]));
    assert_eq!(column_types(&results[2]), COMMON_TYPES);
    assert_eq!(results[4], json!({ "affected": 1 }));
    assert_eq!(results[5]["rows"], date_time_values());
    assert_eq!(
        column_types(&results[5]),
        ["date", "time", "datetime", "datetime"]
    );
    // No rows: the columns are still there (3.0 has no `decimal`: `other`).
    assert_eq!(results[6]["rows"], json!([]));
    assert_eq!(column_types(&results[6]), ["other", "str"]);
    assert_eq!(db.sql("SELECT d, tm FROM dt"), "2026-10-01|13:45:30.25");
}

#[test]
fn postgres_4_round_trips_uuid_jsonb_and_decimal() {
    let app = fixture_app();
    let c = app.client();
    let db = PgDb::new();
    let mut steps = vec![
        execute(&format!("CREATE TABLE t ({COMMON_COLUMNS})"), vec![]),
        execute(
            "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            common_params(),
        ),
        query("SELECT * FROM t"),
    ];
    steps.extend(date_time_steps());
    steps.extend([
        execute("CREATE TABLE x (u uuid, j jsonb, m numeric(20, 4))", vec![]),
        execute(
            "INSERT INTO x VALUES ($1, $2, $3), ($4, $5, $6)",
            vec![
                p("uuid", json!("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f")),
                p("jsonb", json!({ "a": [1, 2], "b": "c" })),
                p("decimal", json!("12345678901234.5678")),
                p("null", Value::Null),
                p("null", Value::Null),
                p("null", Value::Null),
            ],
        ),
        query("SELECT * FROM x ORDER BY u NULLS LAST"),
        // A parameter that does not convert: `bad-parameter` from a query.
        json!({ "op": "query", "sql": "SELECT $1::uuid", "params": [p("uuid", json!("nope"))] }),
        // Intervals and arrays; a type without a mapping comes back as its raw bytes.
        json!({
            "op": "query",
            "sql": "SELECT $1::interval AS i, $2::int4[] AS a, $3::text[] AS s, \
                    '127.0.0.1'::inet AS addr",
            "params": [
                p("interval", json!([3_600_000_001i64, 2, 14])),
                p("array-int32", json!([1, null, 3])),
                p("array-str", json!(["x", null])),
            ],
        }),
    ]);
    let results = pg_run(&c, "pg4", &db.url(), json!(steps));
    assert_eq!(results[2]["rows"], json!([common_values()]));
    assert_eq!(column_types(&results[2]), COMMON_TYPES);
    assert_eq!(results[5]["rows"], date_time_values());
    assert_eq!(results[7], json!({ "affected": 2 }));
    assert_eq!(
        results[8]["rows"],
        json!([
            [
                p("uuid", json!("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f")),
                p("jsonb", json!({ "a": [1, 2], "b": "c" })),
                p("decimal", json!("12345678901234.5678")),
            ],
            [
                p("null", Value::Null),
                p("null", Value::Null),
                p("null", Value::Null)
            ],
        ])
    );
    assert_eq!(column_types(&results[8]), ["uuid", "jsonb", "decimal"]);
    assert_eq!(results[9]["error"], "bad-parameter", "{}", results[9]);
    assert_eq!(
        results[10]["rows"],
        json!([[
            p("interval", json!([3_600_000_001i64, 2, 14])),
            p("array-int32", json!([1, null, 3])),
            p("array-str", json!(["x", null])),
            // inet's binary form: family, mask bits, is-CIDR, length, address.
            p("unsupported", json!([2, 32, 0, 4, 127, 0, 0, 1])),
        ]])
    );
    assert_eq!(
        column_types(&results[10]),
        ["interval", "arrayint32", "arraystr", "other(\"inet\")"]
    );
    assert_eq!(
        db.sql("SELECT u, j->>'b', m FROM x WHERE u IS NOT NULL"),
        "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f|c|12345678901234.5678"
    );
}

#[test]
fn postgres_transactions_stay_on_one_connection() {
    let app = fixture_app();
    let c = app.client();
    let db = PgDb::new();
    db.sql("CREATE TABLE t (i int)");
    let count = query("SELECT count(*)::int4 AS n FROM t");
    for version in ["pg", "pg3", "pg4"] {
        // Rolled back: the insert is seen inside the transaction only.
        let r = pg_run(
            &c,
            version,
            &db.url(),
            json!([
                execute("BEGIN", vec![]),
                execute("INSERT INTO t VALUES (1)", vec![]),
                count.clone(),
                execute("ROLLBACK", vec![]),
                count.clone(),
            ]),
        );
        assert_eq!(r[2]["rows"], json!([[p("int32", json!(1))]]), "{version}");
        assert_eq!(r[4]["rows"], json!([[p("int32", json!(0))]]), "{version}");
        // Left open by the guest: rolled back when its connection goes back to the pool,
        // and the next guest's statements are not caught in it.
        pg_run(
            &c,
            version,
            &db.url(),
            json!([
                execute("BEGIN", vec![]),
                execute("INSERT INTO t VALUES (2)", vec![])
            ]),
        );
        let r = pg_run(
            &c,
            version,
            &db.url(),
            json!([execute("INSERT INTO t VALUES (3)", vec![]), count.clone()]),
        );
        assert_eq!(r[1]["rows"], json!([[p("int32", json!(1))]]), "{version}");
        assert_eq!(
            db.sql("SELECT string_agg(i::text, ',') FROM t"),
            "3",
            "{version}"
        );
        db.sql("DELETE FROM t");
    }
}

#[test]
fn postgres_errors_are_spins_variants() {
    let app = fixture_app();
    let c = app.client();
    let db = PgDb::new();
    for version in ["pg", "pg3", "pg4"] {
        let r = pg_run(
            &c,
            version,
            &db.url(),
            json!([
                query("SELECT * FROM no_such_table"),
                query("SELECT 1 AS one")
            ]),
        );
        assert_eq!(r[0]["error"], "query-failed", "{version}: {}", r[0]);
        let detail = r[0]["detail"].as_str().unwrap();
        assert!(detail.contains("no_such_table"), "{version}: {detail}");
        if version == "pg4" {
            // 4.x carries the server's SQLSTATE.
            assert_eq!(r[0]["code"], "42P01");
        }
        // The connection goes on after a failed statement.
        assert_eq!(r[1]["rows"], json!([[p("int32", json!(1))]]), "{version}");

        // An allowed, reachable server refusing the connection: `connection-failed`.
        let missing = format!("postgres://postgres@127.0.0.1:5432/{}_missing", db.name);
        let (kind, detail) = failure(&c, &format!("/spin2/{version}?addr={}", encode(&missing)));
        assert_eq!(kind, "connection-failed", "{version}: {detail}");
        assert!(!detail.contains("not permitted"), "{version}: {detail}");
        // `sslmode=require` takes TLS (rustls, webpki roots): the local server's
        // self-signed certificate (or its lack of TLS) fails the connection.
        let tls = format!("{}?sslmode=require", db.url());
        let (kind, detail) = failure(&c, &format!("/spin2/{version}?addr={}", encode(&tls)));
        assert_eq!(kind, "connection-failed", "{version}: {detail}");
        assert!(detail.contains("TLS"), "{version}: {detail}");
        // A server not in `allowed_outbound_hosts` is still refused before connecting.
        let r = c.post_json(
            &format!(
                "/spin2/pg-run?v={version}&url={}",
                encode(&format!("postgres://postgres@localhost:5432/{}", db.name))
            ),
            &json!([]),
        );
        assert_eq!(r.status, 500, "{version}: {}", r.text());
        assert_eq!(r.value()["error"], "connection-failed");
        assert!(
            r.text().contains("not permitted"),
            "{version}: {}",
            r.text()
        );
    }
}
