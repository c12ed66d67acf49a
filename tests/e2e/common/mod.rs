//! What the account suites share: an app with demo data, signing in, the SMS sink, and
//! moving stored times into the past (locks, codes) without waiting for them.

#![allow(dead_code)]

use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp, app_manifest};

pub const ZHANYE: &str = env!("CARGO_BIN_EXE_zhanye");
pub const ADMIN_TOKEN: &str = "e2e-admin-token";
/// The signing key the suites start the app with, so they can forge tokens.
pub const SIGNING_KEY: &str = "e2e-signing-key-0123456789abcdef0123456789";

/// The demo staff: code, initial password (birth date), ID number, mobile.
pub const A0001: (&str, &str, &str, &str) =
    ("A0001", "19820718", "310101198207180011", "13800000001");
pub const A0002: (&str, &str, &str, &str) =
    ("A0002", "19900115", "310101199001150022", "13800000002");
pub const A0003: (&str, &str, &str, &str) =
    ("A0003", "19881130", "310101198811300071", "13800000006");
pub const A0004: (&str, &str, &str, &str) =
    ("A0004", "19920608", "440301199206080082", "13800000007");
pub const LEAD: (&str, &str, &str, &str) =
    ("0010001", "19800505", "310101198005050031", "13800000003");
pub const MANAGER: (&str, &str, &str, &str) =
    ("0010002", "19750303", "310101197503030042", "13800000004");
pub const HQ: (&str, &str, &str, &str) =
    ("0010003", "19700101", "310101197001010051", "13800000005");

/// The password every helper sign-in changes to.
pub const NEW_PASSWORD: &str = "Zhanye2026ok";

/// How the suites start the app: demo data, known admin token and signing key.
pub fn app_builder() -> zhanye_test_support::AppBuilder {
    TestApp::builder(ZHANYE, app_manifest())
        .env("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("SPIN_VARIABLE_JWT_SIGNING_KEY", SIGNING_KEY)
        .arg("--demo")
}

/// The app with demo data on fresh state.
pub fn app() -> TestApp {
    app_builder().start()
}

pub fn login(client: &Client, code: &str, password: &str) -> Reply {
    client.post_json(
        "/api/auth/login",
        &json!({"code": code, "password": password}),
    )
}

/// Tokens of a session.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
}

impl Session {
    pub fn from(reply: &Reply) -> Session {
        let v = reply.value();
        Session {
            access: v["access_token"].as_str().expect("access_token").to_owned(),
            refresh: v["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
        }
    }
}

/// Signs in with the initial password and changes it to [`NEW_PASSWORD`]; answers the
/// new session.
pub fn ready(app: &TestApp, who: (&str, &str, &str, &str)) -> Session {
    let client = app.client();
    let first = login(&client, who.0, who.1);
    assert_eq!(first.status, 200, "{}", first.text());
    let first = Session::from(&first);
    let changed = client.clone().bearer(&first.access).post_json(
        "/api/auth/password",
        &json!({"old_password": who.1, "new_password": NEW_PASSWORD}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.value()["must_change_password"], false);
    Session::from(&changed)
}

pub fn as_user(app: &TestApp, session: &Session) -> Client {
    app.client().bearer(&session.access)
}

/// The SMS messages the sink holds for a mobile, newest first.
pub fn sms_to(app: &TestApp, mobile: &str) -> Vec<String> {
    let reply = app
        .client()
        .bearer(ADMIN_TOKEN)
        .get(&format!("/api/dev/sms?to={mobile}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

/// The 6-digit code in the newest SMS to a mobile.
pub fn latest_code(app: &TestApp, mobile: &str) -> String {
    let texts = sms_to(app, mobile);
    let text = texts.first().expect("an SMS");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text:?}"))
        .to_owned()
}

/// Runs SQL on the app's database (to move stored times into the past).
pub fn sql(app: &TestApp, statement: &str) {
    let db = rusqlite::Connection::open(app.state_dir().join("sqlite_db.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    db.execute_batch(statement).unwrap();
}

/// One value from the app's database.
pub fn sql_value(app: &TestApp, query: &str) -> Value {
    let db = rusqlite::Connection::open(app.state_dir().join("sqlite_db.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    db.query_row(query, [], |row| {
        Ok(match row.get_ref(0)? {
            rusqlite::types::ValueRef::Null => Value::Null,
            rusqlite::types::ValueRef::Integer(i) => json!(i),
            rusqlite::types::ValueRef::Real(f) => json!(f),
            rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
            rusqlite::types::ValueRef::Blob(_) => Value::Null,
        })
    })
    .unwrap()
}

/// A count from the app's database.
pub fn count(app: &TestApp, query: &str) -> i64 {
    sql_value(app, query).as_i64().unwrap()
}

/// How many audit-log rows `actor` has for `action`.
pub fn audits(app: &TestApp, actor: &str, action: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE actor = '{actor}' AND action = '{action}'"),
    )
}

/// Asserts an error answer: status, problem+json, machine code.
pub fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{}",
        reply.text()
    );
    assert_eq!(reply.value()["code"], code, "{}", reply.text());
}

/// The demo trading partner's secret (`hook_secret_trading`).
pub const TRADING_SECRET: &str = "demo-trading-secret";

/// Sends `records` to `POST /hooks/trading/{topic}` as a signed JSON batch under the
/// idempotency key `key`.
pub fn push(app: &TestApp, topic: &str, key: &str, records: &Value) -> Reply {
    let body = records.to_string().into_bytes();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = zhanye_ingest::signature::sign(TRADING_SECRET.as_bytes(), &timestamp, &body);
    app.client()
        .with_header("x-timestamp", &timestamp)
        .with_header("x-signature", &signature)
        .with_header("idempotency-key", key)
        .post(&format!("/hooks/trading/{topic}"), "application/json", body)
}

/// Like [`push`], asserting the batch was applied; answers the reply body.
pub fn push_ok(app: &TestApp, topic: &str, key: &str, records: &Value) -> Value {
    let reply = push(app, topic, key, records);
    assert_eq!(reply.status, 200, "{topic}: {}", reply.text());
    reply.json()
}
