//! Test-only WASI 0.2 HTTP component of the fixture app (`tests/fixture-app/spin.toml`).
//!
//! Built with spin-sdk 5.2, as the app's own components are, so it exports
//! `wasi:http/incoming-handler@0.2` and imports the Spin 2/3 interfaces
//! (`fermyon:spin@2.0.0`, `spin:sqlite@3.0.0`, `wasi:keyvalue@0.2.0-draft2`, ...) the
//! runtime must link for such apps. Every sub-path of `/spin2/...` drives one of them
//! through the SDK's own API, so the end-to-end suite (`tests/e2e/runtime_spin2.rs`) sees
//! exactly what a released Spin would give an app built this way.
//!
//! Dispatch is on the `spin-path-info` header the trigger sets, as a Spin app would.
//! Failures of a host interface answer 500 with `{"error": kind, "detail": text?}`, the
//! kind being the WIT variant's name, so tests can compare with Spin's answers.

use fixture_query::{decode, query_param};
use futures::SinkExt;
use serde_json::{Map, Value as Json, json};
use spin_sdk::http::{
    Fields, IncomingRequest, Method, OutgoingResponse, Request, Response, ResponseOutparam,
};
use spin_sdk::http_component;
use spin_sdk::wit::wasi::keyvalue::{atomics, batch, store as wkv};
use spin_sdk::{key_value, sqlite, sqlite3, variables};

/// The route this component is mounted on; used only when `spin-path-info` is absent.
const ROUTE_PREFIX: &str = "/spin2";

/// A plain answer; the streamed one (`/big`) writes to the outparam itself.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

/// Either a normal answer or an early error answer; both are replies.
type Outcome = Result<Reply, Reply>;

fn text(status: u16, body: impl Into<String>) -> Reply {
    Reply {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.into().into_bytes(),
    }
}

fn json_reply(status: u16, value: Json) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body: value.to_string().into_bytes(),
    }
}

fn bad_request(message: &str) -> Reply {
    json_reply(400, json!({ "error": message }))
}

/// `{"error": kind}` (plus `"detail"` when the variant carries text), answered with 500.
fn failure(kind: &str, detail: Option<&str>) -> Reply {
    let mut object = Map::new();
    object.insert("error".into(), json!(kind));
    if let Some(detail) = detail {
        object.insert("detail".into(), json!(detail));
    }
    json_reply(500, Json::Object(object))
}

// The native two-argument form, so `/big` can stream through the outparam while every
// other route answers a buffered reply.
#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    let path = path_info(&req);
    let query = req
        .path_with_query()
        .and_then(|p| p.split_once('?').map(|(_, q)| q.to_owned()))
        .unwrap_or_default();
    let method = req.method();

    if matches!(method, Method::Get) && path == "/big" {
        return stream_big(query_param(&query, "kib"), out).await;
    }
    let reply = route(method, &path, &query, req)
        .await
        .unwrap_or_else(|reply| reply);
    send_reply(out, reply).await;
}

async fn send_reply(out: ResponseOutparam, reply: Reply) {
    let headers = Fields::from_list(&[(
        "content-type".to_owned(),
        reply.content_type.as_bytes().to_vec(),
    )])
    .expect("content-type is a valid header");
    let response = OutgoingResponse::new(headers);
    response
        .set_status_code(reply.status)
        .expect("the fixture only answers valid status codes");
    if let Err(e) = out.set_with_body(response, reply.body).await {
        eprintln!("spin2: cannot write the answer: {e}");
    }
}

async fn route(method: Method, path: &str, query: &str, req: IncomingRequest) -> Outcome {
    let param = |name: &str| query_param(query, name);
    // `store`/`db` name the label to open; the granted `default` unless a test asks for
    // another (an ungranted or unknown one, to see the error).
    let store = param("store").unwrap_or_else(|| "default".to_owned());
    let db = param("db").unwrap_or_else(|| "default".to_owned());

    match (method, path) {
        (Method::Get, "/hello") => Ok(text(200, "hello from a WASI 0.2 component")),
        (_, "/echo") => echo(req).await,
        (Method::Get, "/outbound") => Ok(outbound(param("url")).await),
        (Method::Get, "/trap") => panic!("the spin2 trap route was asked to panic"),

        (Method::Get, p) if p.starts_with("/var/") => Ok(variable(&p["/var/".len()..])),

        (Method::Post, "/sqlite2") => sqlite2_insert(&db, param("value")),
        (Method::Get, "/sqlite2") => sqlite2_list(&db),
        (Method::Post, "/sqlite3") => sqlite3_insert(&db, param("value")),
        (Method::Get, "/sqlite3") => sqlite3_list(&db),
        (Method::Get, "/sqlite3/point") => sqlite3_point(&db, param("id")),

        (Method::Get, "/kv2-keys") => kv2_keys(&store),
        (Method::Get, p) if p.starts_with("/kv2-exists/") => {
            kv2_exists(&store, &decode(&p["/kv2-exists/".len()..], false))
        }
        (Method::Get, p) if p.starts_with("/kv2/") => {
            kv2_get(&store, &decode(&p["/kv2/".len()..], false))
        }
        (Method::Put, p) if p.starts_with("/kv2/") => {
            let key = decode(&p["/kv2/".len()..], false);
            let value = body(req).await?;
            kv2_set(&store, &key, &value)
        }
        (Method::Delete, p) if p.starts_with("/kv2/") => {
            kv2_delete(&store, &decode(&p["/kv2/".len()..], false))
        }

        (Method::Get, "/wkv-keys") => wkv_keys(&store, param("cursor").as_deref()),
        (Method::Get, p) if p.starts_with("/wkv-exists/") => {
            wkv_exists(&store, &decode(&p["/wkv-exists/".len()..], false))
        }
        (Method::Get, p) if p.starts_with("/wkv/") => {
            wkv_get(&store, &decode(&p["/wkv/".len()..], false))
        }
        (Method::Put, p) if p.starts_with("/wkv/") => {
            let key = decode(&p["/wkv/".len()..], false);
            let value = body(req).await?;
            wkv_set(&store, &key, &value)
        }
        (Method::Delete, p) if p.starts_with("/wkv/") => {
            wkv_delete(&store, &decode(&p["/wkv/".len()..], false))
        }
        (Method::Post, p) if p.starts_with("/wkv-incr/") => {
            let delta = param("delta")
                .and_then(|d| d.parse::<i64>().ok())
                .unwrap_or(1);
            wkv_increment(&store, &decode(&p["/wkv-incr/".len()..], false), delta)
        }
        (Method::Post, p) if p.starts_with("/wkv-cas/") => {
            let key = decode(&p["/wkv-cas/".len()..], false);
            let value = body(req).await?;
            wkv_cas(&store, &key, param("expect"), param("race"), &value)
        }
        (Method::Post, "/wkv-batch/set") => {
            let body = body(req).await?;
            wkv_set_many(&store, &body)
        }
        (Method::Post, "/wkv-batch/get") => {
            let body = body(req).await?;
            wkv_get_many(&store, &body)
        }
        (Method::Post, "/wkv-batch/delete") => {
            let body = body(req).await?;
            wkv_delete_many(&store, &body)
        }

        (Method::Get, "/llm") => Ok(llm_infer(param("model"))),
        (Method::Get, "/redis") => Ok(redis_open(&address(param("addr"), "redis://127.0.0.1"))),
        (Method::Get, "/mqtt") => Ok(mqtt_open(&address(param("addr"), "mqtt://127.0.0.1"))),
        (Method::Get, "/mysql") => Ok(mysql_open(&address(param("addr"), "mysql://127.0.0.1"))),
        (Method::Get, "/pg") => Ok(pg_open(&address(param("addr"), "postgres://127.0.0.1"))),
        (Method::Get, "/pg3") => Ok(pg3_open(&address(param("addr"), "postgres://127.0.0.1"))),
        (Method::Get, "/pg4") => Ok(pg4_open(&address(param("addr"), "postgres://127.0.0.1"))),
        (Method::Post, "/pg-run") => {
            let body = body(req).await?;
            pg_run(param("v"), param("url"), &body)
        }

        _ => Err(json_reply(404, json!({ "error": "no such route" }))),
    }
}

// ---------------------------------------------------------------------------
// Request helpers

/// The part of the path below the component's route, as Spin passes it in
/// `spin-path-info`; falls back to the URI path minus the route prefix.
fn path_info(req: &IncomingRequest) -> String {
    if let Some(info) = req.headers().get("spin-path-info").first() {
        return String::from_utf8_lossy(info).into_owned();
    }
    let full = req.path_with_query().unwrap_or_default();
    let path = full.split('?').next().unwrap_or_default();
    path.strip_prefix(ROUTE_PREFIX).unwrap_or(path).to_owned()
}

async fn body(req: IncomingRequest) -> Result<Vec<u8>, Reply> {
    req.into_body()
        .await
        .map_err(|e| bad_request(&format!("cannot read the body: {e}")))
}

fn address(addr: Option<String>, fallback: &str) -> String {
    addr.unwrap_or_else(|| fallback.to_owned())
}

// ---------------------------------------------------------------------------
// Plain HTTP

/// The method, every `spin-*` request header and the body (as text), as JSON.
async fn echo(req: IncomingRequest) -> Outcome {
    let method = req.method().to_string();
    let mut headers = Map::new();
    for (name, value) in req.headers().entries() {
        if !name.starts_with("spin-") {
            continue;
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        match headers.get_mut(&name) {
            Some(Json::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                headers.insert(name, Json::String(value));
            }
        }
    }
    let body = body(req).await?;
    Ok(json_reply(
        200,
        json!({
            "method": method,
            "headers": headers,
            "body": String::from_utf8_lossy(&body),
        }),
    ))
}

/// GETs `url` through `wasi:http/outgoing-handler@0.2`: its status and body, or 502 with
/// the error's text.
async fn outbound(url: Option<String>) -> Reply {
    let Some(url) = url else {
        return bad_request("missing query parameter `url`");
    };
    let request = Request::get(url).build();
    match spin_sdk::http::send::<_, Response>(request).await {
        Ok(response) => json_reply(
            200,
            json!({
                "status": *response.status(),
                "body": String::from_utf8_lossy(response.body()),
            }),
        ),
        Err(e) => text(502, e.to_string()),
    }
}

/// `kib` KiB written 1 KiB at a time to the streamed body; chunk `i` is all one letter,
/// `a` + i mod 26, so a test can tell a reordered or lost chunk.
async fn stream_big(kib: Option<String>, out: ResponseOutparam) {
    let Some(kib) = kib.and_then(|k| k.parse::<usize>().ok()) else {
        return send_reply(out, bad_request("missing or bad query parameter `kib`")).await;
    };
    let headers = Fields::from_list(&[(
        "content-type".to_owned(),
        b"application/octet-stream".to_vec(),
    )])
    .expect("content-type is a valid header");
    let response = OutgoingResponse::new(headers);
    let mut sink = response.take_body();
    out.set(response);
    for i in 0..kib {
        let chunk = vec![b'a' + (i % 26) as u8; 1024];
        if let Err(e) = sink.send(chunk).await {
            eprintln!("spin2: the streamed body broke at KiB {i}: {e}");
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Variables (fermyon:spin/variables@2.0.0)

fn variable(name: &str) -> Reply {
    match variables::get(name) {
        Ok(value) => text(200, value),
        Err(e) => {
            let (kind, detail) = match &e {
                variables::Error::InvalidName(d) => ("invalid-name", d),
                variables::Error::Undefined(d) => ("undefined", d),
                variables::Error::Provider(d) => ("provider", d),
                variables::Error::Other(d) => ("other", d),
            };
            failure(kind, Some(detail))
        }
    }
}

// ---------------------------------------------------------------------------
// SQLite: fermyon:spin/sqlite@2.0.0 and spin:sqlite/sqlite@3.0.0. Both use the probe
// component's table, so a test sees the same rows through 2.0, 3.0 and the probe's 3.1.

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS probe_rows(id INTEGER PRIMARY KEY, value TEXT NOT NULL)";
const INSERT_ROW: &str = "INSERT INTO probe_rows(value) VALUES (?)";
const LIST_ROWS: &str = "SELECT id, value FROM probe_rows ORDER BY id";
/// One value of every SQLite storage class, to prove the value mapping of each version.
const TYPED_ROW: &str = "SELECT 7, 1.5, 'x', x'010203', NULL";

// The two versions generate distinct but identically shaped types; one macro body keeps
// their handling identical without a trait over generated code.
macro_rules! sqlite_version {
    ($m:ident, $fail:ident, $value_json:ident, $rows_json:ident) => {
        fn $fail(error: $m::Error) -> Reply {
            match error {
                $m::Error::NoSuchDatabase => failure("no-such-database", None),
                $m::Error::AccessDenied => failure("access-denied", None),
                $m::Error::InvalidConnection => failure("invalid-connection", None),
                $m::Error::DatabaseFull => failure("database-full", None),
                $m::Error::Io(detail) => failure("io", Some(&detail)),
            }
        }

        fn $value_json(value: &$m::Value) -> (Json, &'static str) {
            match value {
                $m::Value::Integer(i) => (json!(i), "integer"),
                $m::Value::Real(f) => (json!(f), "real"),
                $m::Value::Text(s) => (json!(s), "text"),
                $m::Value::Blob(b) => (json!(b), "blob"),
                $m::Value::Null => (Json::Null, "null"),
            }
        }

        fn $rows_json(db: &$m::Connection) -> Result<Json, Reply> {
            db.execute(CREATE_TABLE, &[]).map_err($fail)?;
            let rows: Vec<Json> = db
                .execute(LIST_ROWS, &[])
                .map_err($fail)?
                .rows
                .iter()
                .map(|row| {
                    let at = |i: usize| row.values.get(i).map(|v| $value_json(v).0);
                    json!({ "id": at(0), "value": at(1) })
                })
                .collect();
            let typed = db.execute(TYPED_ROW, &[]).map_err($fail)?;
            let (values, kinds): (Vec<Json>, Vec<&str>) = typed
                .rows
                .first()
                .map(|row| row.values.iter().map($value_json).unzip())
                .unwrap_or_default();
            Ok(json!({ "rows": rows, "typed": values, "kinds": kinds }))
        }
    };
}

sqlite_version!(sqlite, sqlite2_failure, sqlite2_value, sqlite2_rows);
sqlite_version!(sqlite3, sqlite3_failure, sqlite3_value, sqlite3_rows);

fn sqlite2_insert(db: &str, value: Option<String>) -> Outcome {
    let value = value.ok_or_else(|| bad_request("missing query parameter `value`"))?;
    let conn = sqlite::Connection::open(db).map_err(sqlite2_failure)?;
    conn.execute(CREATE_TABLE, &[]).map_err(sqlite2_failure)?;
    conn.execute(INSERT_ROW, &[sqlite::Value::Text(value)])
        .map_err(sqlite2_failure)?;
    Ok(json_reply(200, sqlite2_rows(&conn)?))
}

fn sqlite2_list(db: &str) -> Outcome {
    let conn = sqlite::Connection::open(db).map_err(sqlite2_failure)?;
    Ok(json_reply(200, sqlite2_rows(&conn)?))
}

/// 3.0 adds `last-insert-rowid` and `changes`, answered beside the rows.
fn sqlite3_insert(db: &str, value: Option<String>) -> Outcome {
    let value = value.ok_or_else(|| bad_request("missing query parameter `value`"))?;
    let conn = sqlite3::Connection::open(db).map_err(sqlite3_failure)?;
    conn.execute(CREATE_TABLE, &[]).map_err(sqlite3_failure)?;
    conn.execute(INSERT_ROW, &[sqlite3::Value::Text(value)])
        .map_err(sqlite3_failure)?;
    let last_insert_rowid = conn.last_insert_rowid();
    let changes = conn.changes();
    let mut answer = sqlite3_rows(&conn)?;
    answer["last_insert_rowid"] = json!(last_insert_rowid);
    answer["changes"] = json!(changes);
    Ok(json_reply(200, answer))
}

/// One row by its key: the WASI 0.2 side of the runtime benchmark's point read.
fn sqlite3_point(db: &str, id: Option<String>) -> Outcome {
    let Some(id) = id.and_then(|i| i.parse::<i64>().ok()) else {
        return Err(bad_request("id must be an integer"));
    };
    let conn = sqlite3::Connection::open(db).map_err(sqlite3_failure)?;
    let result = conn
        .execute(
            "SELECT value FROM probe_rows WHERE id = ?",
            &[sqlite3::Value::Integer(id)],
        )
        .map_err(sqlite3_failure)?;
    match result.rows.first().and_then(|r| r.values.first()) {
        Some(sqlite3::Value::Text(value)) => {
            Ok(json_reply(200, json!({ "id": id, "value": value })))
        }
        _ => Err(json_reply(404, json!({ "error": "no such row" }))),
    }
}

fn sqlite3_list(db: &str) -> Outcome {
    let conn = sqlite3::Connection::open(db).map_err(sqlite3_failure)?;
    Ok(json_reply(200, sqlite3_rows(&conn)?))
}

// ---------------------------------------------------------------------------
// Key-value: fermyon:spin/key-value@2.0.0

fn kv2_failure(error: key_value::Error) -> Reply {
    match error {
        key_value::Error::StoreTableFull => failure("store-table-full", None),
        key_value::Error::NoSuchStore => failure("no-such-store", None),
        key_value::Error::AccessDenied => failure("access-denied", None),
        key_value::Error::Other(detail) => failure("other", Some(&detail)),
    }
}

fn kv2_open(label: &str) -> Result<key_value::Store, Reply> {
    key_value::Store::open(label).map_err(kv2_failure)
}

fn kv2_get(label: &str, key: &str) -> Outcome {
    match kv2_open(label)?.get(key).map_err(kv2_failure)? {
        Some(value) => Ok(Reply {
            status: 200,
            content_type: "application/octet-stream",
            body: value,
        }),
        None => Err(json_reply(404, json!({ "error": "no such key" }))),
    }
}

fn kv2_set(label: &str, key: &str, value: &[u8]) -> Outcome {
    kv2_open(label)?.set(key, value).map_err(kv2_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

fn kv2_delete(label: &str, key: &str) -> Outcome {
    kv2_open(label)?.delete(key).map_err(kv2_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

fn kv2_exists(label: &str, key: &str) -> Outcome {
    let exists = kv2_open(label)?.exists(key).map_err(kv2_failure)?;
    Ok(json_reply(200, json!({ "exists": exists })))
}

fn kv2_keys(label: &str) -> Outcome {
    let mut keys = kv2_open(label)?.get_keys().map_err(kv2_failure)?;
    keys.sort();
    Ok(json_reply(200, json!({ "keys": keys })))
}

// ---------------------------------------------------------------------------
// Key-value: wasi:keyvalue@0.2.0-draft2 (store, atomics, batch)

fn wkv_failure(error: wkv::Error) -> Reply {
    match error {
        wkv::Error::NoSuchStore => failure("no-such-store", None),
        wkv::Error::AccessDenied => failure("access-denied", None),
        wkv::Error::Other(detail) => failure("other", Some(&detail)),
    }
}

fn wkv_open(label: &str) -> Result<wkv::Bucket, Reply> {
    wkv::open(label).map_err(wkv_failure)
}

fn wkv_get(label: &str, key: &str) -> Outcome {
    match wkv_open(label)?.get(key).map_err(wkv_failure)? {
        Some(value) => Ok(Reply {
            status: 200,
            content_type: "application/octet-stream",
            body: value,
        }),
        None => Err(json_reply(404, json!({ "error": "no such key" }))),
    }
}

fn wkv_set(label: &str, key: &str, value: &[u8]) -> Outcome {
    wkv_open(label)?.set(key, value).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

fn wkv_delete(label: &str, key: &str) -> Outcome {
    wkv_open(label)?.delete(key).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

fn wkv_exists(label: &str, key: &str) -> Outcome {
    let exists = wkv_open(label)?.exists(key).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "exists": exists })))
}

/// One `list-keys` page, as the host gives it (no sorting: the order is the host's).
fn wkv_keys(label: &str, cursor: Option<&str>) -> Outcome {
    let page = wkv_open(label)?.list_keys(cursor).map_err(wkv_failure)?;
    Ok(json_reply(
        200,
        json!({ "keys": page.keys, "cursor": page.cursor }),
    ))
}

fn wkv_increment(label: &str, key: &str, delta: i64) -> Outcome {
    let bucket = wkv_open(label)?;
    let value = atomics::increment(&bucket, key, delta).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "value": value })))
}

/// A compare-and-swap of `key` to `value`: swaps only when the current value is `expect`
/// (absent when `expect` is not given). With `race`, another write of `race` lands
/// between reading and swapping, so the swap must fail with `cas-failed`.
fn wkv_cas(
    label: &str,
    key: &str,
    expect: Option<String>,
    race: Option<String>,
    value: &[u8],
) -> Outcome {
    let bucket = wkv_open(label)?;
    let cas = atomics::Cas::new(&bucket, key).map_err(wkv_failure)?;
    let current = cas.current().map_err(wkv_failure)?;
    let current_text = current.as_deref().map(String::from_utf8_lossy);
    if current_text.as_deref() != expect.as_deref() {
        return Ok(json_reply(
            200,
            json!({ "swapped": false, "current": current_text }),
        ));
    }
    if let Some(race) = race {
        bucket.set(key, race.as_bytes()).map_err(wkv_failure)?;
    }
    match atomics::swap(cas, value) {
        Ok(()) => Ok(json_reply(200, json!({ "swapped": true }))),
        Err(atomics::CasError::CasFailed(retry)) => {
            // The handle the host hands back must see the newer value.
            let latest = retry.current().map_err(wkv_failure)?;
            Ok(json_reply(
                200,
                json!({
                    "swapped": false,
                    "cas_failed": true,
                    "current": latest.as_deref().map(String::from_utf8_lossy),
                }),
            ))
        }
        Err(atomics::CasError::StoreError(e)) => Err(wkv_failure(e)),
    }
}

fn json_body(body: &[u8]) -> Result<Json, Reply> {
    serde_json::from_slice(body).map_err(|e| bad_request(&format!("the body is not JSON: {e}")))
}

fn string_list(body: &[u8]) -> Result<Vec<String>, Reply> {
    serde_json::from_value(json_body(body)?)
        .map_err(|e| bad_request(&format!("the body is not a list of strings: {e}")))
}

/// Body `{"key": "value", ...}`.
fn wkv_set_many(label: &str, body: &[u8]) -> Outcome {
    let Json::Object(pairs) = json_body(body)? else {
        return Err(bad_request("the body must be a JSON object"));
    };
    let pairs: Vec<(String, Vec<u8>)> = pairs
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().as_bytes().to_vec()))
        .collect();
    let bucket = wkv_open(label)?;
    batch::set_many(&bucket, &pairs).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

/// Body `["key", ...]`; answers `{"pairs": [[key, value-or-null], ...]}` in the host's order.
fn wkv_get_many(label: &str, body: &[u8]) -> Outcome {
    let keys = string_list(body)?;
    let bucket = wkv_open(label)?;
    let pairs: Vec<Json> = batch::get_many(&bucket, &keys)
        .map_err(wkv_failure)?
        .into_iter()
        .map(|(k, v)| json!([k, v.as_deref().map(String::from_utf8_lossy)]))
        .collect();
    Ok(json_reply(200, json!({ "pairs": pairs })))
}

/// Body `["key", ...]`.
fn wkv_delete_many(label: &str, body: &[u8]) -> Outcome {
    let keys = string_list(body)?;
    let bucket = wkv_open(label)?;
    batch::delete_many(&bucket, &keys).map_err(wkv_failure)?;
    Ok(json_reply(200, json!({ "ok": true })))
}

// ---------------------------------------------------------------------------
// Capabilities the runtime has no backend for, and PostgreSQL's bare `open`: each
// answers the error it got.

fn llm_infer(model: Option<String>) -> Reply {
    use spin_sdk::llm;
    let model = model.unwrap_or_else(|| "llama2-chat".to_owned());
    match llm::infer(llm::InferencingModel::Other(&model), "Say hello") {
        Ok(result) => json_reply(200, json!({ "text": result.text })),
        Err(llm::Error::ModelNotSupported) => failure("model-not-supported", None),
        Err(llm::Error::RuntimeError(d)) => failure("runtime-error", Some(&d)),
        Err(llm::Error::InvalidInput(d)) => failure("invalid-input", Some(&d)),
    }
}

fn redis_open(address: &str) -> Reply {
    use spin_sdk::redis::{Connection, Error};
    match Connection::open(address) {
        Ok(_) => json_reply(200, json!({ "ok": true })),
        Err(Error::InvalidAddress) => failure("invalid-address", None),
        Err(Error::TooManyConnections) => failure("too-many-connections", None),
        Err(Error::TypeError) => failure("type-error", None),
        Err(Error::Other(d)) => failure("other", Some(&d)),
    }
}

fn mqtt_open(address: &str) -> Reply {
    use spin_sdk::mqtt::{Connection, Error};
    match Connection::open(address, "", "", 30) {
        Ok(_) => json_reply(200, json!({ "ok": true })),
        Err(Error::InvalidAddress) => failure("invalid-address", None),
        Err(Error::TooManyConnections) => failure("too-many-connections", None),
        Err(Error::ConnectionFailed(d)) => failure("connection-failed", Some(&d)),
        Err(Error::Other(d)) => failure("other", Some(&d)),
    }
}

// The spin 2.0 rdbms error variant, shared by `mysql` and `postgres` 2.0.
fn rdbms_failure(error: spin_sdk::mysql::MysqlError) -> Reply {
    use spin_sdk::mysql::MysqlError as E;
    match error {
        E::ConnectionFailed(d) => failure("connection-failed", Some(&d)),
        E::BadParameter(d) => failure("bad-parameter", Some(&d)),
        E::QueryFailed(d) => failure("query-failed", Some(&d)),
        E::ValueConversionFailed(d) => failure("value-conversion-failed", Some(&d)),
        E::Other(d) => failure("other", Some(&d)),
    }
}

fn mysql_open(address: &str) -> Reply {
    match spin_sdk::mysql::Connection::open(address) {
        Ok(_) => json_reply(200, json!({ "ok": true })),
        Err(e) => rdbms_failure(e),
    }
}

fn pg_open(address: &str) -> Reply {
    match spin_sdk::pg::Connection::open(address) {
        Ok(_) => json_reply(200, json!({ "ok": true })),
        Err(e) => rdbms_failure(e),
    }
}

macro_rules! pg_open_version {
    ($name:ident, $m:ident) => {
        fn $name(address: &str) -> Reply {
            use spin_sdk::$m::{Connection, PgError as E};
            match Connection::open(address) {
                Ok(_) => json_reply(200, json!({ "ok": true })),
                Err(E::ConnectionFailed(d)) => failure("connection-failed", Some(&d)),
                Err(E::BadParameter(d)) => failure("bad-parameter", Some(&d)),
                Err(E::QueryFailed(e)) => failure("query-failed", Some(&format!("{e:?}"))),
                Err(E::ValueConversionFailed(d)) => {
                    failure("value-conversion-failed", Some(&d))
                }
                Err(E::Other(d)) => failure("other", Some(&d)),
            }
        }
    };
}

pg_open_version!(pg3_open, pg3);
pg_open_version!(pg4_open, pg4);

// ---------------------------------------------------------------------------
// PostgreSQL for real: `POST /pg-run?v=pg|pg3|pg4&url=…` with a body
// `[{"op": "query"|"execute", "sql": "…", "params": [{"t": type, "v": value}]}, …]`
// runs the steps in order on one connection and answers one result per step:
// `{"columns": [[name, type]…], "rows": [[{"t", "v"}…]…]}`, `{"affected": n}` or
// `{"error": kind, "detail": text, "code": SQLSTATE (4.x)}`.

fn pg_run(version: Option<String>, url: Option<String>, body: &[u8]) -> Outcome {
    let url = url.ok_or_else(|| bad_request("url is required"))?;
    let steps: Vec<Json> = serde_json::from_value(json_body(body)?)
        .map_err(|e| bad_request(&format!("the body is not a list of steps: {e}")))?;
    let results = match version.as_deref() {
        Some("pg") => pg2_steps(&url, &steps),
        Some("pg3") => pg3_steps(&url, &steps),
        Some("pg4") => pg4_steps(&url, &steps),
        _ => return Err(bad_request("v must be pg, pg3 or pg4")),
    }?;
    Ok(json_reply(200, json!(results)))
}

fn step_parts(step: &Json) -> (bool, &str, Vec<Json>) {
    let query = step["op"].as_str() == Some("query");
    let sql = step["sql"].as_str().unwrap_or_default();
    let params = step["params"].as_array().cloned().unwrap_or_default();
    (query, sql, params)
}

/// A column type's variant name, lower case: `DbDataType::Int32` → `int32`.
fn type_name(debug: String) -> String {
    debug.rsplit("::").next().unwrap_or_default().to_lowercase()
}

fn tv(t: &str, v: Json) -> Json {
    json!({ "t": t, "v": v })
}

fn u8s(v: &Json) -> Vec<u8> {
    v.as_array()
        .map(|a| a.iter().map(|b| b.as_u64().unwrap_or(0) as u8).collect())
        .unwrap_or_default()
}

fn nth_i(v: &Json, i: usize) -> i64 {
    v[i].as_i64().unwrap_or(0)
}

fn pg_error_json(kind: &str, detail: &str, code: Option<&str>) -> Json {
    json!({ "error": kind, "detail": detail, "code": code })
}

fn pg2_steps(url: &str, steps: &[Json]) -> Result<Vec<Json>, Reply> {
    use spin_sdk::pg::{Connection, DbValue as D, ParameterValue as P};
    fn err(e: spin_sdk::pg::PgError) -> Json {
        use spin_sdk::pg::PgError as E;
        match e {
            E::ConnectionFailed(d) => pg_error_json("connection-failed", &d, None),
            E::BadParameter(d) => pg_error_json("bad-parameter", &d, None),
            E::QueryFailed(d) => pg_error_json("query-failed", &d, None),
            E::ValueConversionFailed(d) => pg_error_json("value-conversion-failed", &d, None),
            E::Other(d) => pg_error_json("other", &d, None),
        }
    }
    let conn = Connection::open(url).map_err(|e| json_reply(500, err(e)))?;
    let mut out = Vec::new();
    for step in steps {
        let (query, sql, params) = step_parts(step);
        let params: Vec<P> = params
            .iter()
            .map(|p| match p["t"].as_str().unwrap_or_default() {
                "bool" => P::Boolean(p["v"].as_bool().unwrap_or(false)),
                "int8" => P::Int8(p["v"].as_i64().unwrap_or(0) as i8),
                "int16" => P::Int16(p["v"].as_i64().unwrap_or(0) as i16),
                "int32" => P::Int32(p["v"].as_i64().unwrap_or(0) as i32),
                "int64" => P::Int64(p["v"].as_i64().unwrap_or(0)),
                "uint32" => P::Uint32(p["v"].as_u64().unwrap_or(0) as u32),
                "float32" => P::Floating32(p["v"].as_f64().unwrap_or(0.0) as f32),
                "float64" => P::Floating64(p["v"].as_f64().unwrap_or(0.0)),
                "str" => P::Str(p["v"].as_str().unwrap_or_default().to_owned()),
                "binary" => P::Binary(u8s(&p["v"])),
                _ => P::DbNull,
            })
            .collect();
        out.push(if query {
            match conn.query(sql, &params) {
                Ok(rs) => json!({
                    "columns": rs.columns.iter()
                        .map(|c| json!([c.name, type_name(format!("{:?}", c.data_type))]))
                        .collect::<Vec<_>>(),
                    "rows": rs.rows.iter().map(|r| r.iter().map(|v| match v {
                        D::Boolean(b) => tv("bool", json!(b)),
                        D::Int8(i) => tv("int8", json!(i)),
                        D::Int16(i) => tv("int16", json!(i)),
                        D::Int32(i) => tv("int32", json!(i)),
                        D::Int64(i) => tv("int64", json!(i)),
                        D::Floating32(f) => tv("float32", json!(f)),
                        D::Floating64(f) => tv("float64", json!(f)),
                        D::Str(s) => tv("str", json!(s)),
                        D::Binary(b) => tv("binary", json!(b)),
                        D::DbNull => tv("null", Json::Null),
                        _ => tv("unsupported", Json::Null),
                    }).collect::<Vec<_>>()).collect::<Vec<_>>(),
                }),
                Err(e) => err(e),
            }
        } else {
            match conn.execute(sql, &params) {
                Ok(n) => json!({ "affected": n }),
                Err(e) => err(e),
            }
        });
    }
    Ok(out)
}

macro_rules! pg_steps_version {
    ($name:ident, $m:ident, $code:expr, $extra_params:expr, $extra_values:expr) => {
        fn $name(url: &str, steps: &[Json]) -> Result<Vec<Json>, Reply> {
            use spin_sdk::$m::{Connection, DbValue as D, ParameterValue as P, PgError as E};
            fn err(e: E) -> Json {
                match e {
                    E::ConnectionFailed(d) => pg_error_json("connection-failed", &d, None),
                    E::BadParameter(d) => pg_error_json("bad-parameter", &d, None),
                    E::QueryFailed(q) => {
                        let code: fn(&_) -> (String, Option<String>) = $code;
                        let (detail, code) = code(&q);
                        pg_error_json("query-failed", &detail, code.as_deref())
                    }
                    E::ValueConversionFailed(d) => {
                        pg_error_json("value-conversion-failed", &d, None)
                    }
                    E::Other(d) => pg_error_json("other", &d, None),
                }
            }
            let conn = Connection::open(url).map_err(|e| json_reply(500, err(e)))?;
            let extra_params: fn(&str, &Json) -> Option<P> = $extra_params;
            let extra_values: fn(&D) -> Json = $extra_values;
            let mut out = Vec::new();
            for step in steps {
                let (query, sql, params) = step_parts(step);
                let params: Vec<P> = params
                    .iter()
                    .map(|p| {
                        let v = &p["v"];
                        match p["t"].as_str().unwrap_or_default() {
                            "bool" => P::Boolean(v.as_bool().unwrap_or(false)),
                            "int8" => P::Int8(v.as_i64().unwrap_or(0) as i8),
                            "int16" => P::Int16(v.as_i64().unwrap_or(0) as i16),
                            "int32" => P::Int32(v.as_i64().unwrap_or(0) as i32),
                            "int64" => P::Int64(v.as_i64().unwrap_or(0)),
                            "float32" => P::Floating32(v.as_f64().unwrap_or(0.0) as f32),
                            "float64" => P::Floating64(v.as_f64().unwrap_or(0.0)),
                            "str" => P::Str(v.as_str().unwrap_or_default().to_owned()),
                            "binary" => P::Binary(u8s(v)),
                            "date" => P::Date((
                                nth_i(v, 0) as i32,
                                nth_i(v, 1) as u8,
                                nth_i(v, 2) as u8,
                            )),
                            "time" => P::Time((
                                nth_i(v, 0) as u8,
                                nth_i(v, 1) as u8,
                                nth_i(v, 2) as u8,
                                nth_i(v, 3) as u32,
                            )),
                            "datetime" => P::Datetime((
                                nth_i(v, 0) as i32,
                                nth_i(v, 1) as u8,
                                nth_i(v, 2) as u8,
                                nth_i(v, 3) as u8,
                                nth_i(v, 4) as u8,
                                nth_i(v, 5) as u8,
                                nth_i(v, 6) as u32,
                            )),
                            "timestamp" => P::Timestamp(v.as_i64().unwrap_or(0)),
                            t => extra_params(t, v).unwrap_or(P::DbNull),
                        }
                    })
                    .collect();
                out.push(if query {
                    match conn.query(sql, &params) {
                        Ok(rs) => json!({
                            "columns": rs.columns.iter()
                                .map(|c| json!([c.name, type_name(format!("{:?}", c.data_type))]))
                                .collect::<Vec<_>>(),
                            "rows": rs.rows.iter().map(|r| r.iter().map(|v| match v {
                                D::Boolean(b) => tv("bool", json!(b)),
                                D::Int8(i) => tv("int8", json!(i)),
                                D::Int16(i) => tv("int16", json!(i)),
                                D::Int32(i) => tv("int32", json!(i)),
                                D::Int64(i) => tv("int64", json!(i)),
                                D::Floating32(f) => tv("float32", json!(f)),
                                D::Floating64(f) => tv("float64", json!(f)),
                                D::Str(s) => tv("str", json!(s)),
                                D::Binary(b) => tv("binary", json!(b)),
                                D::Date((y, m, d)) => tv("date", json!([y, m, d])),
                                D::Time((h, m, s, ns)) => tv("time", json!([h, m, s, ns])),
                                D::Datetime((y, mo, d, h, mi, s, ns)) => {
                                    tv("datetime", json!([y, mo, d, h, mi, s, ns]))
                                }
                                D::Timestamp(t) => tv("timestamp", json!(t)),
                                D::DbNull => tv("null", Json::Null),
                                other => extra_values(other),
                            }).collect::<Vec<_>>()).collect::<Vec<_>>(),
                        }),
                        Err(e) => err(e),
                    }
                } else {
                    match conn.execute(sql, &params) {
                        Ok(n) => json!({ "affected": n }),
                        Err(e) => err(e),
                    }
                });
            }
            Ok(out)
        }
    };
}

pg_steps_version!(
    pg3_steps,
    pg3,
    |q: &String| (q.clone(), None),
    |_, _| None,
    |_| tv("unsupported", Json::Null)
);

pg_steps_version!(
    pg4_steps,
    pg4,
    |q: &spin_sdk::pg4::QueryError| match q {
        spin_sdk::pg4::QueryError::Text(t) => (t.clone(), None),
        spin_sdk::pg4::QueryError::DbError(d) => (d.message.clone(), Some(d.code.clone())),
    },
    |t, v| {
        use spin_sdk::pg4::ParameterValue as P;
        Some(match t {
            "uuid" => P::Uuid(v.as_str()?.to_owned()),
            "jsonb" => P::Jsonb(v.to_string().into_bytes()),
            "decimal" => P::Decimal(v.as_str()?.to_owned()),
            "interval" => P::Interval(spin_sdk::pg4::Interval {
                micros: v[0].as_i64()?,
                days: v[1].as_i64()? as i32,
                months: v[2].as_i64()? as i32,
            }),
            "array-int32" => P::ArrayInt32(
                v.as_array()?
                    .iter()
                    .map(|i| i.as_i64().map(|i| i as i32))
                    .collect(),
            ),
            "array-str" => P::ArrayStr(
                v.as_array()?
                    .iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => return None,
        })
    },
    |v| {
        use spin_sdk::pg4::DbValue as D;
        match v {
            D::Uuid(u) => tv("uuid", json!(u)),
            D::Jsonb(j) => tv("jsonb", serde_json::from_slice(j).unwrap_or(Json::Null)),
            D::Decimal(d) => tv("decimal", json!(d)),
            D::Interval(i) => tv("interval", json!([i.micros, i.days, i.months])),
            D::ArrayInt32(a) => tv("array-int32", json!(a)),
            D::ArrayStr(a) => tv("array-str", json!(a)),
            D::Unsupported(bytes) => tv("unsupported", json!(bytes)),
            _ => tv("unsupported", Json::Null),
        }
    }
);
