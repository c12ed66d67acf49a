//! Every route in the OpenAPI document, fed bad input of many shapes: wrong types,
//! huge and odd strings, junk path segments and query values, broken and deeply
//! nested JSON, with and without a token. Whatever comes in, the answer is never a
//! 5xx, and every refusal is `application/problem+json` with a `code`.

use crate::common::*;
use serde_json::{Map, Value, json};
use zhanye_test_support::{Client, Reply, TestApp, repo_root};

fn document() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap(),
    )
    .unwrap()
}

/// Follows a `$ref` within the document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = reference
                .trim_start_matches("#/")
                .split('/')
                .fold(doc, |node, part| &node[part]);
            resolve(doc, target)
        }
        None => value,
    }
}

/// Values of every JSON type and some awkward strings.
fn junk_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(i64::MIN),
        json!(true),
        json!(""),
        json!(" "),
        json!("x".repeat(10_000)),
        json!("中文\u{0}\u{202e}"),
        json!("'; DROP TABLE staff; --"),
        json!("2025-13-45"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"nested": {"deeper": [1, 2, 3]}}),
    ]
}

/// Junk for path segments and query values (already URL-safe).
const JUNK_TEXT: &[&str] = &[
    "",
    "0",
    "-1",
    "abc",
    "99999999999999999999999",
    "1.5",
    "2025-13",
    "%00",
    "%E4%B8%AD",
    "%27%3B--",
    "%2e%2e",
    "true",
];

/// A plausible value for a schema: the first enum value, else one by type.
fn plausible(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds
            .iter()
            .find(|k| *k != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("integer") => json!(1),
        Some("number") => json!(1.0),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        Some("object") => object_of(doc, schema),
        _ => json!("x"),
    }
}

fn object_of(doc: &Value, schema: &Value) -> Value {
    let mut object = Map::new();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            object.insert(name.clone(), plausible(doc, property));
        }
    }
    Value::Object(object)
}

/// Bodies for an operation: raw junk, then its schema's object with each property in
/// turn replaced by every junk value.
fn bodies(doc: &Value, operation: &Value) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        "",
        "null",
        "[]",
        "{}",
        "{",
        "\"text\"",
        "123",
        "{\"a\":1,\"a\":2}",
    ]
    .iter()
    .map(|b| b.as_bytes().to_vec())
    .collect();
    out.push("[".repeat(10_000).into_bytes());
    out.push("{\"a\":".repeat(5_000).into_bytes());
    out.push(vec![0xff, 0xfe, b'{', 0x80]);
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    if schema.is_object() {
        let base = object_of(doc, resolve(doc, schema));
        out.push(base.to_string().into_bytes());
        if let Some(properties) = base.as_object() {
            for name in properties.keys() {
                for junk in junk_values() {
                    let mut variant = properties.clone();
                    variant.insert(name.clone(), junk);
                    out.push(Value::Object(variant).to_string().into_bytes());
                }
                let mut without = properties.clone();
                without.remove(name);
                out.push(Value::Object(without).to_string().into_bytes());
            }
        }
    }
    out
}

/// Every concrete path to try for a templated one.
fn paths(template: &str) -> Vec<String> {
    if !template.contains('{') {
        return vec![template.to_owned()];
    }
    let mut out = Vec::new();
    for junk in JUNK_TEXT.iter().chain(["1", "trading", "x"].iter()) {
        let filled: Vec<String> = template
            .split('/')
            .map(|part| {
                if part.starts_with('{') {
                    (*junk).to_owned()
                } else {
                    part.to_owned()
                }
            })
            .collect();
        out.push(filled.join("/"));
    }
    out
}

fn query_names(doc: &Value, operation: &Value) -> Vec<String> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(doc, p))
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

fn check(reply: &Reply, what: &str) {
    assert!(
        reply.status < 500,
        "{what} → {}: {}",
        reply.status,
        reply.text()
    );
    if reply.status >= 400 {
        let content_type = reply.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json"),
            "{what} → {} with content type {content_type:?}",
            reply.status
        );
        let body: Value = serde_json::from_str(&reply.text()).unwrap_or(Value::Null);
        assert!(
            body["code"].is_string(),
            "{what} → {}: no code in {}",
            reply.status,
            reply.text()
        );
    }
}

fn send(client: &Client, method: &str, path: &str, body: &[u8]) -> Reply {
    match method {
        "get" => client.get(path),
        "delete" => client.delete(path),
        "put" => client.put(path, "application/json", body.to_vec()),
        _ => client.post(path, "application/json", body.to_vec()),
    }
}

/// Fuzzes every operation as `who`; answers (requests sent, operations covered).
fn fuzz_as(app: &TestApp, who: Staff, admin: bool) -> (usize, usize) {
    let doc = document();
    ready(app, who);
    let (mut sent, mut covered) = (0, 0);
    for (template, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if !["get", "post", "put", "delete"].contains(&method.as_str()) {
                continue;
            }
            // A fresh session per operation: a fuzzed sign-out must not end the rest,
            // nor a lock-out earned by fuzzing the password routes.
            sql(app, "DELETE FROM sign_in_guard");
            let user = if admin && template.starts_with("/api/admin") {
                app.client().bearer(ADMIN_TOKEN)
            } else {
                signed_in_again(app, who)
            };
            let anonymous = app.client();
            covered += 1;
            for path in paths(template) {
                for body in bodies(&doc, operation) {
                    let what = format!(
                        "{} {path} {:?}",
                        method.to_uppercase(),
                        String::from_utf8_lossy(&body[..body.len().min(80)])
                    );
                    check(&send(&user, method, &path, &body), &what);
                    sent += 1;
                }
                check(
                    &send(&anonymous, method, &path, b"{}"),
                    &format!("anonymous {method} {path}"),
                );
                for name in query_names(&doc, operation) {
                    for junk in JUNK_TEXT {
                        let with_query = format!("{path}?{name}={junk}&{name}=2");
                        check(
                            &send(&user, method, &with_query, b"{}"),
                            &format!("{method} {with_query}"),
                        );
                        sent += 1;
                    }
                }
            }
        }
    }
    (sent, covered)
}

#[test]
fn no_route_answers_bad_input_with_a_server_error() {
    let app = app_builder()
        .env("SPIN_VARIABLE_SIGN_IN_LIMIT_PER_ADDRESS", "100000")
        .env("SPIN_VARIABLE_SIGN_IN_LIMIT_PER_CODE", "100000")
        .start();
    for (who, admin) in [(A0003, true), (MANAGER, false)] {
        // A rep (and the admin token), then a branch manager, whose scope reaches further.
        let (sent, operations) = fuzz_as(&app, who, admin);
        assert!(
            operations >= 20,
            "only {operations} operations in the document"
        );
        // Every operation gets at least its eleven raw bodies.
        assert!(
            sent >= 11 * operations,
            "only {sent} requests for {operations} operations"
        );
    }
}
