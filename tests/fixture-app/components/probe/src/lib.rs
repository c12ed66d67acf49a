//! Test-only HTTP component of the fixture app (`tests/fixture-app/spin.toml`).
//!
//! Every sub-path of `/probe/...` exercises one host interface, so the end-to-end
//! tests can check that the `zhanye` runtime behaves like Spin: key-value, SQLite,
//! variables, outbound HTTP, mounted files, standard output and error, traps and the
//! CPU and memory limits.
//! Dispatch is on the `spin-path-info` header the trigger sets, as a Spin app would.
//! Answers are JSON (`application/json`) unless a probe says otherwise.

// This fixture stays on WASI 0.3 (spin-sdk 7) so the runtime's 0.3 support is exercised;
// its macros name `::spin_sdk`, so the renamed dependency goes by that name.
extern crate spin_sdk_wasip3 as spin_sdk;

use fixture_query::decode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Map, Value as Json, json};
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{FullBody, Request};
use spin_sdk::http_service;
use spin_sdk::key_value::{self, Store};
use spin_sdk::sqlite::{self, Connection, Value};
use spin_sdk::variables;

/// The route this component is mounted on; used only when `spin-path-info` is absent.
const ROUTE_PREFIX: &str = "/probe";
/// The key-value key the cron probe counts its hits under (decimal text).
const CRON_HITS_KEY: &str = "cron-hits";

type Reply = http::Response<FullBody<Bytes>>;

/// A probe either answers normally or stops early with an error answer; both are replies.
type Outcome = Result<Reply, Reply>;

#[http_service]
async fn handle(req: Request) -> Reply {
    route(req).await.unwrap_or_else(|reply| reply)
}

async fn route(req: Request) -> Outcome {
    let method = req.method().as_str().to_owned();
    let path = path_info(&req);

    match (method.as_str(), path.as_str()) {
        ("GET", "/headers") => Ok(spin_headers(&req)),
        ("POST", "/sqlite") => sqlite_insert(query_param(&req, "value")).await,
        ("GET", "/sqlite") => sqlite_list().await,
        ("GET", "/sqlite/point") => sqlite_point(query_param(&req, "id")).await,
        ("POST", "/sqlite/tx-rollback") => sqlite_rollback().await,
        ("GET", "/sqlite/denied") => Ok(sqlite_denied().await),
        ("GET", "/kv-keys") => kv_keys().await,
        ("GET", "/kv-denied") => Ok(kv_denied().await),
        ("GET", p) if p.starts_with("/kv-exists/") => {
            kv_exists(&decode(&p["/kv-exists/".len()..], false)).await
        }
        ("GET", p) if p.starts_with("/kv/") => kv_get(&decode(&p["/kv/".len()..], false)).await,
        ("PUT", p) if p.starts_with("/kv/") => {
            let key = decode(&p["/kv/".len()..], false);
            kv_set(&key, req).await
        }
        ("DELETE", p) if p.starts_with("/kv/") => {
            kv_delete(&decode(&p["/kv/".len()..], false)).await
        }
        ("GET", p) if p.starts_with("/var/") => {
            Ok(variable(&decode(&p["/var/".len()..], false)).await)
        }
        ("GET", "/outbound") => outbound(query_param(&req, "url")).await,
        ("GET", "/trap") => panic!("the trap probe was asked to panic"),
        ("GET", "/log") => Ok(log(query_param(&req, "msg"))),
        ("GET", "/spin") => spin_cpu(query_param(&req, "ms")),
        ("GET", "/alloc") => allocate(query_param(&req, "mb")),
        ("POST", "/echo") => echo(req).await,
        ("POST", "/cron-hit") => {
            // Read the caller's body first, so it is never cut off by an early answer.
            body_bytes(req).await?;
            cron_hit().await
        }
        ("GET", "/cron-hits") => cron_hits().await,
        ("GET", "/file") => read_file(query_param(&req, "path")),
        _ => Err(json_reply(404, json!({ "error": "no such probe" }))),
    }
}

// ---------------------------------------------------------------------------
// Request helpers

/// The part of the path below the component's route, as Spin passes it in
/// `spin-path-info`; falls back to the URI path minus the route prefix.
fn path_info(req: &Request) -> String {
    if let Some(info) = req
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
    {
        return info.to_owned();
    }
    let path = req.uri().path();
    path.strip_prefix(ROUTE_PREFIX).unwrap_or(path).to_owned()
}

/// The first query parameter called `name`, percent-decoded.
fn query_param(req: &Request, name: &str) -> Option<String> {
    fixture_query::query_param(req.uri().query()?, name)
}

async fn body_bytes(req: Request) -> Result<Bytes, Reply> {
    req.into_body()
        .bytes()
        .await
        .map_err(|e| json_reply(400, json!({ "error": format!("cannot read body: {e:?}") })))
}

// ---------------------------------------------------------------------------
// Response helpers

fn reply(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Reply {
    let mut builder = http::Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    builder
        .body(FullBody::new(body.into()))
        .expect("status and content type are valid")
}

fn json_reply(status: u16, value: Json) -> Reply {
    reply(status, Some("application/json"), value.to_string())
}

fn empty_reply(status: u16) -> Reply {
    reply(status, None, Bytes::new())
}

fn bad_request(message: &str) -> Reply {
    json_reply(400, json!({ "error": message }))
}

/// `{"error": kind}`, plus `"detail"` when the error variant carries a message.
fn error_json(kind: &str, detail: Option<&str>) -> Json {
    let mut object = Map::new();
    object.insert("error".into(), json!(kind));
    if let Some(detail) = detail {
        object.insert("detail".into(), json!(detail));
    }
    Json::Object(object)
}

// ---------------------------------------------------------------------------
// Headers

/// Every `spin-*` request header plus `host`, as one JSON object.
fn spin_headers(req: &Request) -> Reply {
    let mut object = Map::new();
    for (name, value) in req.headers() {
        let name = name.as_str();
        if !(name.starts_with("spin-") || name == "host") {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match object.get_mut(name) {
            Some(Json::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                object.insert(name.to_owned(), Json::String(value));
            }
        }
    }
    json_reply(200, Json::Object(object))
}

// ---------------------------------------------------------------------------
// SQLite

fn sqlite_kind(error: &sqlite::Error) -> (&'static str, Option<&str>) {
    match error {
        sqlite::Error::NoSuchDatabase => ("no-such-database", None),
        sqlite::Error::AccessDenied => ("access-denied", None),
        sqlite::Error::InvalidConnection => ("invalid-connection", None),
        sqlite::Error::DatabaseFull => ("database-full", None),
        sqlite::Error::Io(message) => ("io", Some(message)),
    }
}

fn sqlite_failure(error: sqlite::Error) -> Reply {
    let (kind, detail) = sqlite_kind(&error);
    json_reply(500, error_json(kind, detail))
}

async fn open_default_db() -> Result<Connection, Reply> {
    Connection::open_default().await.map_err(sqlite_failure)
}

/// Runs one statement to completion and returns its rows.
async fn run(
    db: &Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<Vec<sqlite::RowResult>, Reply> {
    let result = db.execute(sql, params).await.map_err(sqlite_failure)?;
    result.collect().await.map_err(sqlite_failure)
}

async fn ensure_table(db: &Connection) -> Result<(), Reply> {
    run(
        db,
        "CREATE TABLE IF NOT EXISTS probe_rows(id INTEGER PRIMARY KEY, value TEXT NOT NULL)",
        vec![],
    )
    .await
    .map(drop)
}

async fn count_rows(db: &Connection) -> Result<i64, Reply> {
    let rows = run(db, "SELECT COUNT(*) FROM probe_rows", vec![]).await?;
    rows.first()
        .and_then(|row| row.get::<i64>(0))
        .ok_or_else(|| json_reply(500, json!({ "error": "COUNT(*) gave no integer" })))
}

async fn sqlite_insert(value: Option<String>) -> Outcome {
    let value = value.ok_or_else(|| bad_request("missing query parameter `value`"))?;
    let db = open_default_db().await?;
    ensure_table(&db).await?;
    run(
        &db,
        "INSERT INTO probe_rows(value) VALUES (?)",
        vec![Value::Text(value)],
    )
    .await?;
    let last_insert_rowid = db.last_insert_rowid().await;
    let changes = db.changes().await;
    let count = count_rows(&db).await?;
    Ok(json_reply(
        200,
        json!({ "count": count, "last_insert_rowid": last_insert_rowid, "changes": changes }),
    ))
}

fn sqlite_value_json(value: &Value) -> Json {
    match value {
        Value::Integer(i) => json!(i),
        Value::Real(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Blob(b) => json!(b),
        Value::Null => Json::Null,
    }
}

fn sqlite_value_kind(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "integer",
        Value::Real(_) => "real",
        Value::Text(_) => "text",
        Value::Blob(_) => "blob",
        Value::Null => "null",
    }
}

async fn sqlite_list() -> Outcome {
    let db = open_default_db().await?;
    ensure_table(&db).await?;
    let rows: Vec<Json> = run(&db, "SELECT id, value FROM probe_rows ORDER BY id", vec![])
        .await?
        .iter()
        .map(|row| {
            let values: Vec<Json> = row.values.iter().map(sqlite_value_json).collect();
            json!({ "id": values.first(), "value": values.get(1) })
        })
        .collect();

    // One row of every SQLite storage class, to prove the value mapping.
    let typed = run(&db, "SELECT 7, 1.5, 'x', x'010203', NULL", vec![]).await?;
    let values: &[Value] = typed.first().map(|row| &row.values[..]).unwrap_or(&[]);
    let at = |i: usize| values.get(i).map(sqlite_value_json).unwrap_or(Json::Null);
    let blob_len = match values.get(3) {
        Some(Value::Blob(b)) => json!(b.len()),
        _ => Json::Null,
    };
    let types = json!({
        "int": at(0),
        "real": at(1),
        "text": at(2),
        "blob_len": blob_len,
        "null": at(4),
    });
    let kinds: Vec<&str> = values.iter().map(sqlite_value_kind).collect();

    Ok(json_reply(
        200,
        json!({ "rows": rows, "types": types, "kinds": kinds }),
    ))
}

/// One primary-key read and nothing else: the benchmark's SQLite request.
async fn sqlite_point(id: Option<String>) -> Outcome {
    let Some(id) = id.and_then(|i| i.parse::<i64>().ok()) else {
        return Err(json_reply(400, json!({ "error": "id must be an integer" })));
    };
    let db = open_default_db().await?;
    let rows = run(
        &db,
        "SELECT value FROM probe_rows WHERE id = ?",
        vec![Value::Integer(id)],
    )
    .await?;
    match rows.first().and_then(|r| r.values.first()) {
        Some(v) => Ok(json_reply(
            200,
            json!({ "id": id, "value": sqlite_value_json(v) }),
        )),
        None => Err(json_reply(404, json!({ "error": "no such row" }))),
    }
}

async fn sqlite_rollback() -> Outcome {
    let db = open_default_db().await?;
    ensure_table(&db).await?;
    run(&db, "BEGIN", vec![]).await?;
    let inserted = run(
        &db,
        "INSERT INTO probe_rows(value) VALUES (?)",
        vec![Value::Text("rolled back".into())],
    )
    .await;
    // Roll back whether or not the insert worked, so no transaction is left open.
    let rolled_back = run(&db, "ROLLBACK", vec![]).await;
    inserted?;
    rolled_back?;
    let count = count_rows(&db).await?;
    Ok(json_reply(200, json!({ "count": count })))
}

async fn sqlite_denied() -> Reply {
    match Connection::open("other").await {
        Ok(_) => json_reply(200, json!({ "error": null, "opened": true })),
        Err(error) => {
            let (kind, detail) = sqlite_kind(&error);
            json_reply(200, error_json(kind, detail))
        }
    }
}

// ---------------------------------------------------------------------------
// Key-value

fn kv_kind(error: &key_value::Error) -> (&'static str, Option<&str>) {
    match error {
        key_value::Error::StoreTableFull => ("store-table-full", None),
        key_value::Error::NoSuchStore => ("no-such-store", None),
        key_value::Error::AccessDenied => ("access-denied", None),
        key_value::Error::Other(message) => ("other", Some(message)),
    }
}

fn kv_failure(error: key_value::Error) -> Reply {
    let (kind, detail) = kv_kind(&error);
    json_reply(500, error_json(kind, detail))
}

async fn open_default_store() -> Result<Store, Reply> {
    Store::open_default().await.map_err(kv_failure)
}

async fn kv_get(key: &str) -> Outcome {
    let store = open_default_store().await?;
    match store.get(key).await.map_err(kv_failure)? {
        Some(value) => Ok(reply(200, Some("application/octet-stream"), value)),
        None => Err(json_reply(404, json!({ "error": "no such key" }))),
    }
}

async fn kv_set(key: &str, req: Request) -> Outcome {
    let value = body_bytes(req).await?;
    let store = open_default_store().await?;
    store.set(key, &value).await.map_err(kv_failure)?;
    Ok(empty_reply(204))
}

async fn kv_delete(key: &str) -> Outcome {
    let store = open_default_store().await?;
    store.delete(key).await.map_err(kv_failure)?;
    Ok(empty_reply(204))
}

async fn kv_exists(key: &str) -> Outcome {
    let store = open_default_store().await?;
    let exists = store.exists(key).await.map_err(kv_failure)?;
    Ok(json_reply(200, json!({ "exists": exists })))
}

async fn kv_keys() -> Outcome {
    let store = open_default_store().await?;
    let mut keys = store.get_keys().await.collect().await.map_err(kv_failure)?;
    keys.sort();
    Ok(json_reply(200, json!({ "keys": keys })))
}

async fn kv_denied() -> Reply {
    match Store::open("forbidden").await {
        Ok(_) => json_reply(200, json!({ "error": null, "opened": true })),
        Err(error) => {
            let (kind, detail) = kv_kind(&error);
            json_reply(200, error_json(kind, detail))
        }
    }
}

async fn read_counter(store: &Store) -> Result<u64, Reply> {
    let Some(raw) = store.get(CRON_HITS_KEY).await.map_err(kv_failure)? else {
        return Ok(0);
    };
    std::str::from_utf8(&raw)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| {
            json_reply(
                500,
                json!({ "error": "the cron-hits counter is not a number" }),
            )
        })
}

async fn cron_hit() -> Outcome {
    let store = open_default_store().await?;
    let hits = read_counter(&store).await? + 1;
    store
        .set(CRON_HITS_KEY, hits.to_string())
        .await
        .map_err(kv_failure)?;
    Ok(json_reply(200, json!({ "hits": hits })))
}

async fn cron_hits() -> Outcome {
    let store = open_default_store().await?;
    let hits = read_counter(&store).await?;
    Ok(json_reply(200, json!({ "hits": hits })))
}

// ---------------------------------------------------------------------------
// Variables

async fn variable(name: &str) -> Reply {
    match variables::get(name).await {
        Ok(value) => json_reply(200, json!({ "value": value })),
        Err(error) => {
            let (kind, detail) = match &error {
                variables::Error::InvalidName(m) => ("invalid-name", m),
                variables::Error::Undefined(m) => ("undefined", m),
                variables::Error::Provider(m) => ("provider", m),
                variables::Error::Other(m) => ("other", m),
            };
            json_reply(200, error_json(kind, Some(detail)))
        }
    }
}

// ---------------------------------------------------------------------------
// Outbound HTTP

async fn outbound(url: Option<String>) -> Outcome {
    let url = url.ok_or_else(|| bad_request("missing query parameter `url`"))?;
    let failure = |text: String| json_reply(502, json!({ "error": text }));
    let response = spin_sdk::http::get(&url)
        .await
        .map_err(|e| failure(format!("{e:?}")))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .bytes()
        .await
        .map_err(|e| failure(format!("{e:?}")))?;
    Ok(json_reply(
        200,
        json!({ "status": status, "body": String::from_utf8_lossy(&body) }),
    ))
}

// ---------------------------------------------------------------------------
// Standard output and error (Spin logs both per component)

fn log(message: Option<String>) -> Reply {
    let message = message.unwrap_or_else(|| "probe log".into());
    println!("stdout: {message}");
    eprintln!("stderr: {message}");
    json_reply(200, json!({ "logged": message }))
}

// ---------------------------------------------------------------------------
// Limits: CPU and memory

fn number_param(value: Option<String>, name: &str) -> Result<u64, Reply> {
    value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad_request(&format!("query parameter `{name}` must be a whole number")))
}

/// Keeps the CPU busy for `ms` milliseconds of monotonic time.
fn spin_cpu(ms: Option<String>) -> Outcome {
    let ms = number_param(ms, "ms")?;
    let deadline = Duration::from_millis(ms);
    let start = Instant::now();
    let mut turns: u64 = 0;
    while start.elapsed() < deadline {
        turns = std::hint::black_box(turns.wrapping_add(1));
    }
    std::hint::black_box(turns);
    Ok(json_reply(200, json!({ "spun_ms": ms })))
}

/// Allocates `mb` MiB, writing every byte and reading one byte of every page back.
fn allocate(mb: Option<String>) -> Outcome {
    let mb = number_param(mb, "mb")?;
    let len = usize::try_from(mb)
        .ok()
        .and_then(|mb| mb.checked_mul(1 << 20))
        .ok_or_else(|| bad_request("`mb` is too large"))?;
    let block = vec![1u8; len];
    let touched: u64 = block.iter().step_by(4096).map(|&b| u64::from(b)).sum();
    std::hint::black_box((&block, touched));
    Ok(json_reply(200, json!({ "allocated_mb": mb })))
}

// ---------------------------------------------------------------------------
// Echo and files

async fn echo(req: Request) -> Outcome {
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = body_bytes(req).await?;
    Ok(reply(200, content_type.as_deref(), body))
}

/// Reads a path of the component's own file system (its `files` mounts, if any).
fn read_file(path: Option<String>) -> Outcome {
    let path = path.ok_or_else(|| bad_request("missing query parameter `path`"))?;
    match std::fs::read(&path) {
        Ok(contents) => Ok(reply(200, Some("text/plain; charset=utf-8"), contents)),
        Err(error) => Err(json_reply(404, json!({ "error": error.to_string() }))),
    }
}
