//! The runtime runs WASI 0.2 Spin apps (spin-sdk 5.2, `wasi:http/incoming-handler@0.2`)
//! as Spin does, proven through the fixture app's `spin2` component: HTTP, outbound HTTP
//! and every Spin 2/3 interface such an app imports (`fermyon:spin@2.0.0`,
//! `spin:sqlite@3.0.0`, `wasi:keyvalue@0.2.0-draft2`, the PostgreSQL packages), with
//! the data shared with the WASI 0.3 `probe` component's Spin 3 interfaces.
//!
//! The answers checked are Spin's own: error variants everywhere, and the texts only
//! where Spin's and ours say the same thing (a model's name, "not permitted"); what
//! only this runtime can answer (no Redis, MQTT, MySQL or PostgreSQL client, no LLM
//! engine) is checked when `zhanye` serves the app.

use crate::common::{fixture_app, local_server};
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
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = app.client();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    incr(&c, 1);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
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
        ("pg", "postgres://127.0.0.1:5432/app"),
        ("pg3", "postgres://u:p@127.0.0.1/app"),
        ("pg4", "postgres://127.0.0.1:5432/app"),
    ] {
        let (kind, detail) = failure(&c, &format!("/spin2/{path}?addr={addr}"));
        assert_eq!(kind, "connection-failed", "{path}: {detail}");
        assert!(detail.contains("not permitted"), "{path}: {detail}");
    }

    // Allowed hosts: this runtime has no client for them, and says so.
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
