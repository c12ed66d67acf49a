//! What the suites share: how they start the app (demo data, the fixture app), the demo
//! staff and signing in, the SMS sink, the database (moving stored times into the past:
//! locks, codes), the partners' signed webhooks, and the helpers several suites repeat.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpListener;
use zhanye_test_support::{AppBuilder, Client, Reply, TestApp, app_manifest, fixture_manifest};

/// The runtime the suites drive.
pub const ZHANYE: &str = env!("CARGO_BIN_EXE_zhanye");
pub const ADMIN_TOKEN: &str = "e2e-admin-token";
/// The signing key the suites start the app with, so they can forge tokens.
pub const SIGNING_KEY: &str = "e2e-signing-key-0123456789abcdef0123456789";

/// A staff member as the suites sign in: code, initial password (the birth date), ID
/// number and mobile (for the SMS codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    pub code: &'static str,
    pub initial_password: &'static str,
    pub id_number: &'static str,
    pub mobile: &'static str,
}

impl Staff {
    pub const fn new(
        code: &'static str,
        initial_password: &'static str,
        id_number: &'static str,
        mobile: &'static str,
    ) -> Staff {
        Staff {
            code,
            initial_password,
            id_number,
            mobile,
        }
    }
}

/// The demo staff.
pub const A0001: Staff = Staff::new("A0001", "19820718", "310101198207180011", "13800000001");
pub const A0002: Staff = Staff::new("A0002", "19900115", "310101199001150022", "13800000002");
pub const A0003: Staff = Staff::new("A0003", "19881130", "310101198811300071", "13800000006");
pub const A0004: Staff = Staff::new("A0004", "19920608", "440301199206080082", "13800000007");
pub const LEAD: Staff = Staff::new("0010001", "19800505", "310101198005050031", "13800000003");
pub const MANAGER: Staff = Staff::new("0010002", "19750303", "310101197503030042", "13800000004");
pub const HQ: Staff = Staff::new("0010003", "19700101", "310101197001010051", "13800000005");

/// The password every helper sign-in changes to.
pub const NEW_PASSWORD: &str = "Zhanye2026ok";

/// How the suites start the app: demo data, known admin token and signing key.
pub fn app_builder() -> AppBuilder {
    TestApp::builder(ZHANYE, app_manifest())
        .env("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("SPIN_VARIABLE_JWT_SIGNING_KEY", SIGNING_KEY)
        .arg("--demo")
}

/// The app with demo data on fresh state.
pub fn app() -> TestApp {
    app_builder().start()
}

/// The app with the demo org and staff but none of the demo customers, so a suite's
/// fixture is all there is.
pub fn app_without_demo_customers() -> TestApp {
    app_builder().arg("--no-demo-customers").start()
}

/// The fixture app (`tests/fixture-app`) of the runtime suites.
pub fn fixture_app() -> TestApp {
    TestApp::builder(ZHANYE, fixture_manifest())
        .env("SPIN_VARIABLE_SECRET_TOKEN", "fixture-secret")
        .start()
}

/// A one-shot local HTTP server answering `body` to one request, on a free loopback
/// port: its URL and its thread.
pub fn local_server(body: &'static str) -> (String, std::thread::JoinHandle<()>) {
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
pub fn ready(app: &TestApp, who: Staff) -> Session {
    let client = app.client();
    let first = login(&client, who.code, who.initial_password);
    assert_eq!(first.status, 200, "{}", first.text());
    let first = Session::from(&first);
    let changed = client.clone().bearer(&first.access).post_json(
        "/api/auth/password",
        &json!({"old_password": who.initial_password, "new_password": NEW_PASSWORD}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.value()["must_change_password"], false);
    Session::from(&changed)
}

pub fn as_user(app: &TestApp, session: &Session) -> Client {
    app.client().bearer(&session.access)
}

/// A client signed in as `who`, whose initial password [`ready`] changed.
pub fn signed_in(app: &TestApp, who: Staff) -> Client {
    as_user(app, &ready(app, who))
}

/// A fresh session's client for `who`, signing in with [`NEW_PASSWORD`] (`who` was made
/// [`ready`] before).
pub fn signed_in_again(app: &TestApp, who: Staff) -> Client {
    let reply = login(&app.client(), who.code, NEW_PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.text());
    app.client().bearer(Session::from(&reply).access.as_str())
}

/// `accept-language: en` on a client, for the English error details.
pub fn english(client: &Client) -> Client {
    client.clone().with_header("accept-language", "en")
}

/// The SMS messages the sink holds for a mobile, newest first.
pub fn sms_to(app: &TestApp, mobile: &str) -> Vec<String> {
    let reply = app
        .client()
        .bearer(ADMIN_TOKEN)
        .get(&format!("/api/dev/sms?to={mobile}"));
    item_texts(&reply, "text")
}

/// The SMS texts to a mobile, newest first, once `nth` messages have reached it: reset
/// codes are sent after the answer, so the test waits for them (10 s at most) and then
/// asserts there are exactly `nth`.
pub fn sms_once_sent(app: &TestApp, mobile: &str, nth: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let texts = loop {
        let texts = sms_to(app, mobile);
        if texts.len() >= nth || std::time::Instant::now() > deadline {
            break texts;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(texts.len(), nth, "SMS to {mobile}: {texts:?}");
    texts
}

/// The 6-digit code in the newest SMS to a mobile, once `nth` messages have reached it
/// ([`sms_once_sent`]).
pub fn latest_code(app: &TestApp, mobile: &str, nth: usize) -> String {
    let texts = sms_once_sent(app, mobile, nth);
    let text = texts.first().expect("an SMS");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text:?}"))
        .to_owned()
}

/// Runs SQL on the app's database (to move stored times into the past), through the
/// harness's handle, so it reaches the database whichever runtime serves the app.
pub fn sql(app: &TestApp, statement: &str) {
    app.db().execute(statement);
}

/// One value from the app's database.
pub fn sql_value(app: &TestApp, query: &str) -> Value {
    app.db().value(query)
}

/// A count from the app's database.
pub fn count(app: &TestApp, query: &str) -> i64 {
    app.db().count(query)
}

/// A China-time day relative to today, `YYYY-MM-DD` (the app runs on this machine's
/// clock, whichever database it uses).
pub fn china_day(_app: &TestApp, offset_days: i64) -> String {
    zhanye_platform::time::china_date(unix_now() + offset_days * 86_400).to_string()
}

/// The id of the customer with the account number `account_no`.
pub fn customer_id(app: &TestApp, account_no: &str) -> i64 {
    sql_value(
        app,
        &format!("SELECT id FROM customers WHERE account_no = '{account_no}'"),
    )
    .as_i64()
    .unwrap()
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

/// Now, in seconds since the Unix epoch (a webhook's signing time).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Posts `body` to a partner webhook at `path`, signed now with `secret` as the partner
/// does, under the idempotency key `key`.
pub fn post_signed(
    app: &TestApp,
    path: &str,
    secret: &str,
    key: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Reply {
    let timestamp = unix_now().to_string();
    let signature = zhanye_ingest::signature::sign(secret.as_bytes(), &timestamp, &body);
    app.client()
        .with_header("x-timestamp", &timestamp)
        .with_header("x-signature", &signature)
        .with_header("idempotency-key", key)
        .post(path, content_type, body)
}

/// Sends `records` to `POST /hooks/trading/{topic}` as a signed JSON batch under the
/// idempotency key `key`.
pub fn push(app: &TestApp, topic: &str, key: &str, records: &Value) -> Reply {
    post_signed(
        app,
        &format!("/hooks/trading/{topic}"),
        TRADING_SECRET,
        key,
        "application/json",
        records.to_string().into_bytes(),
    )
}

/// Like [`push`], asserting the batch was applied; answers the reply body.
pub fn push_ok(app: &TestApp, topic: &str, key: &str, records: &Value) -> Value {
    let reply = push(app, topic, key, records);
    assert_eq!(reply.status, 200, "{topic}: {}", reply.text());
    reply.json()
}

/// A CUST-3 row (`monthly-performance`) of fixed figures: assets split
/// normal/margin/repo, volume normal/credit, commission normal/collateral.
pub fn month_row(account: &str, month: &str) -> Value {
    json!({"account_no": account, "month": month,
           "total_assets": "500000.00", "normal_assets": "400000.00", "margin_assets": "60000.00",
           "repo_holding": "40000.00", "floating_holding": "0", "quant_holding": "0",
           "daily_average_assets": "480000.00",
           "total_volume": "30000.00", "normal_volume": "20000.00", "collateral_volume": "0", "credit_volume": "10000.00",
           "total_commission": "60.50", "normal_commission": "50.00", "collateral_commission": "10.50", "credit_commission": "0"})
}

/// An amount in fen as yuan text, two places (`123456` → `"1234.56"`).
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The (field, reason) pairs of a 422.
pub fn field_errors(reply: &Reply) -> Vec<(String, String)> {
    assert_problem(reply, 422, "validation_failed");
    reply.value()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The one (field, reason) pair of a 422, as [`field_errors`] answers it.
pub fn one_error(field: &str, reason: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), reason.to_owned())]
}

/// The text `field` of each element of a JSON array, in order.
pub fn texts(array: &Value, field: &str) -> Vec<String> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[field].as_str().unwrap().to_owned())
        .collect()
}

/// The text `field` of each item of a list answer (`{"items": [...]}`), in order,
/// asserting 200.
pub fn item_texts(reply: &Reply, field: &str) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    texts(&reply.value()["items"], field)
}

/// The `code`s of a list answer's items, in order (asserting 200).
pub fn codes(reply: &Reply) -> Vec<String> {
    item_texts(reply, "code")
}

/// Asserts `method path` (with a `{}` JSON body) is refused 405 with `allow` as the
/// methods the route takes.
pub fn assert_not_allowed(client: &Client, method: &str, path: &str, allow: &str) {
    let reply = client.request(method, path, Some(("application/json", b"{}".to_vec())));
    assert_problem(&reply, 405, "method_not_allowed");
    assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
}

/// Calls `call` `times` times on each of `threads` threads at once, each thread with a
/// client of its own, and waits for them all.
pub fn in_parallel(app: &TestApp, threads: usize, times: usize, call: impl Fn(&Client) + Sync) {
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let client = app.client();
            let call = &call;
            scope.spawn(move || {
                for _ in 0..times {
                    call(&client);
                }
            });
        }
    });
}

/// A TCP connection to `to` from the loopback address `from` (any of 127.0.0.0/8 works
/// on loopback), so a test can play clients with addresses of their own.
pub fn connect_from(from: &str, to: std::net::SocketAddr) -> std::io::Result<std::net::TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    let local: std::net::SocketAddr = format!("{from}:0")
        .parse()
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    socket.bind(&local.into())?;
    socket.connect_timeout(&to.into(), std::time::Duration::from_secs(5))?;
    Ok(socket.into())
}
