//! Key-value stores in Redis, as Spin's runtime config declares them
//! (`[key_value_store.default] type = "redis" url = "redis://…"`): the fixture app's
//! `default` store is put in a Redis database, and every interface that reaches it
//! (`spin:key-value@3.0.0` from the WASI 0.3 `probe`, `fermyon:spin/key-value@2.0.0` and
//! `wasi:keyvalue` from `spin2`) works on the same data, which sits in Redis as Spin's
//! Redis store keeps it: plain bytes under the key itself.
//!
//! Runs against the local Redis at 127.0.0.1:6379 and on `zhanye` only (the harness
//! writes its own runtime config for another runtime). Other suites use databases 1 to
//! 13; each test here has a database of its own (14, 15), emptied before it starts.

use crate::common::{ZHANYE, in_parallel};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use zhanye_test_support::{Client, Runtime, TestApp, fixture_manifest};

/// `redis-cli -n db args…`, its output without the final newline.
fn redis_cli(db: u8, args: &[&str]) -> Vec<u8> {
    let out = Command::new("redis-cli")
        .arg("-n")
        .arg(db.to_string())
        .args(args)
        .output()
        .expect("run redis-cli");
    assert!(
        out.status.success(),
        "redis-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = out.stdout;
    if text.last() == Some(&b'\n') {
        text.pop();
    }
    text
}

/// Writes a runtime config putting the `default` key-value store at `url` into `dir`.
fn redis_runtime_config(dir: &Path, url: &str) -> String {
    let file = dir.join("runtime-config.toml");
    std::fs::write(
        &file,
        format!("[key_value_store.default]\ntype = \"redis\"\nurl = \"{url}\"\n"),
    )
    .expect("write the runtime config");
    file.to_string_lossy().into_owned()
}

/// The fixture app with its `default` key-value store in Redis at `url`, cron off so
/// that only the test writes to the store; `None` (with a note) off `zhanye`.
fn fixture_on_redis(config_dir: &Path, url: &str) -> Option<TestApp> {
    if Runtime::from_env() != Runtime::Zhanye {
        eprintln!("checked on zhanye only: Redis key-value stores from the runtime config");
        return None;
    }
    let config = redis_runtime_config(config_dir, url);
    Some(
        TestApp::builder(ZHANYE, fixture_manifest())
            .env("SPIN_VARIABLE_SECRET_TOKEN", "fixture-secret")
            .arg("--no-cron")
            .arg("--runtime-config-file")
            .arg(&config)
            .start(),
    )
}

fn ok_value(c: &Client, path: &str, body: &str) -> Value {
    let r = c.post(path, "text/plain", body.to_string());
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    r.value()
}

#[test]
fn every_key_value_interface_shares_one_redis_store() {
    const DB: u8 = 14;
    redis_cli(DB, &["FLUSHDB"]);
    let dir = tempfile::tempdir().unwrap();
    let Some(app) = fixture_on_redis(dir.path(), "redis://127.0.0.1:6379/14") else {
        return;
    };
    let c = app.client();

    // Written through spin:key-value@3.0.0, read through 2.0 and wasi:keyvalue, and held
    // in Redis as plain bytes under the key itself.
    assert_eq!(c.get("/probe/kv/colour").status, 404);
    assert_eq!(c.put("/probe/kv/colour", "text/plain", "蓝").status, 204);
    assert_eq!(c.get("/spin2/kv2/colour").text(), "蓝");
    assert_eq!(c.get("/spin2/wkv/colour").text(), "蓝");
    assert_eq!(redis_cli(DB, &["GET", "colour"]), "蓝".as_bytes());
    // ... and what another Redis client writes, the app reads.
    redis_cli(DB, &["SET", "size", "large"]);
    assert_eq!(c.get("/probe/kv/size").text(), "large");
    assert_eq!(
        c.get("/spin2/kv2-exists/size").value(),
        json!({"exists": true})
    );
    assert_eq!(
        c.get("/spin2/wkv-exists/shape").value(),
        json!({"exists": false})
    );

    // Every key of the database is the store's, through each interface.
    let both = json!(["colour", "size"]);
    assert_eq!(c.get("/probe/kv-keys").value()["keys"], both);
    assert_eq!(c.get("/spin2/kv2-keys").value()["keys"], both);
    let page = c.get("/spin2/wkv-keys").value();
    assert_eq!((&page["keys"], &page["cursor"]), (&both, &Value::Null));

    assert_eq!(c.delete("/spin2/kv2/colour").status, 200);
    assert_eq!(c.get("/probe/kv/colour").status, 404);
    assert_eq!(redis_cli(DB, &["EXISTS", "colour"]), b"0");
    assert_eq!(c.delete("/probe/kv/size").status, 204);
    assert_eq!(c.get("/spin2/wkv/size").status, 404);

    // Batches: one MSET; only the keys that exist come back; deleting a missing key
    // is no error.
    let batch = |path: &str, body: Value| {
        let r = c.post_json(path, &body);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.value()
    };
    batch(
        "/spin2/wkv-batch/set",
        json!({"a": "1", "b": "2", "c": "3"}),
    );
    assert_eq!(redis_cli(DB, &["GET", "b"]), b"2");
    assert_eq!(c.get("/spin2/kv2/c").text(), "3");
    assert_eq!(
        batch("/spin2/wkv-batch/get", json!(["a", "c", "missing"])),
        json!({"pairs": [["a", "1"], ["c", "3"]]})
    );
    batch("/spin2/wkv-batch/delete", json!(["a", "b", "missing"]));
    assert_eq!(
        batch("/spin2/wkv-batch/get", json!(["a", "b", "c"])),
        json!({"pairs": [["c", "3"]]})
    );

    // Counters are Redis's own (INCRBY, as Spin's Redis store uses): decimal text,
    // absent counts from zero, and concurrent increments lose nothing.
    let incr = |c: &Client, delta: i64| {
        ok_value(c, &format!("/spin2/wkv-incr/hits?delta={delta}"), "")["value"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(incr(&c, 5), 5);
    assert_eq!(incr(&c, -2), 3);
    assert_eq!(redis_cli(DB, &["GET", "hits"]), b"3");
    assert_eq!(c.get("/probe/kv/hits").text(), "3");
    in_parallel(&app, 4, 10, |c| {
        incr(c, 1);
    });
    assert_eq!(incr(&c, 0), 43);
    // A value that is not a number is an error, not a guess.
    assert_eq!(c.put("/spin2/wkv/word", "text/plain", "abc").status, 200);
    let r = c.post("/spin2/wkv-incr/word", "text/plain", "");
    assert_eq!(r.status, 500, "{}", r.text());
    assert_eq!(r.value()["error"], "other");

    // Compare-and-swap: absent → created; swapped from the value seen; a write between
    // reading and swapping fails it, and the retry handle has seen that write.
    assert_eq!(
        ok_value(&c, "/spin2/wkv-cas/slot", "v1"),
        json!({"swapped": true})
    );
    assert_eq!(
        ok_value(&c, "/spin2/wkv-cas/slot?expect=v1", "v2"),
        json!({"swapped": true})
    );
    assert_eq!(redis_cli(DB, &["GET", "slot"]), b"v2");
    assert_eq!(
        ok_value(&c, "/spin2/wkv-cas/slot?expect=v2&race=other", "v3"),
        json!({"swapped": false, "cas_failed": true, "current": "other"})
    );
    assert_eq!(redis_cli(DB, &["GET", "slot"]), b"other");
    assert_eq!(
        ok_value(&c, "/spin2/wkv-cas/fresh?race=first", "second"),
        json!({"swapped": false, "cas_failed": true, "current": "first"})
    );
    assert_eq!(redis_cli(DB, &["GET", "fresh"]), b"first");
}

#[test]
fn redis_data_outlives_a_restart_of_the_app() {
    const DB: u8 = 15;
    redis_cli(DB, &["FLUSHDB"]);
    let dir = tempfile::tempdir().unwrap();
    let url = "redis://127.0.0.1:6379/15";
    let Some(app) = fixture_on_redis(dir.path(), url) else {
        return;
    };
    let c = app.client();
    assert_eq!(
        c.put("/spin2/kv2/kept", "text/plain", "still here").status,
        200
    );
    assert_eq!(
        ok_value(&c, "/spin2/wkv-incr/visits?delta=7", "")["value"],
        7
    );
    // Stopped, and started again on a fresh state directory: the data was never in it.
    drop(app.stop_keep_state());

    let app = fixture_on_redis(dir.path(), url).expect("zhanye");
    let c = app.client();
    assert_eq!(c.get("/probe/kv/kept").text(), "still here");
    assert_eq!(c.get("/spin2/wkv/kept").text(), "still here");
    assert_eq!(
        ok_value(&c, "/spin2/wkv-incr/visits?delta=1", "")["value"],
        8
    );
    assert!(
        !app.state_dir().join("sqlite_key_value.db").exists(),
        "a Redis store makes no SQLite file"
    );
}

#[test]
fn an_unreachable_redis_fails_the_open_as_other() {
    // Port 1 of the loopback: nothing listens. The app still starts (Spin connects when
    // a guest opens the store); the open fails with `other`, naming the store and server.
    let dir = tempfile::tempdir().unwrap();
    let Some(app) = fixture_on_redis(dir.path(), "redis://127.0.0.1:1/0") else {
        return;
    };
    let c = app.client();
    for path in ["/spin2/kv2/k", "/spin2/wkv/k", "/probe/kv/k"] {
        let r = c.get(path);
        assert_eq!(r.status, 500, "{path}: {}", r.text());
        let v = r.value();
        assert_eq!(v["error"], "other", "{path}: {v}");
        let detail = v["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("\"default\"") && detail.contains("redis://127.0.0.1:1/0"),
            "{path}: {detail}"
        );
    }
}
