//! The app's platform routes through the real components: health, the admin routes
//! that migrate and load demo data under real Spin, and the OpenAPI contract.

use crate::common::ZHANYE;
use serde_json::{Value, json};
use zhanye_test_support::{TestApp, app_manifest, repo_root};

/// The highest migration number in `migrations/`.
fn latest_migration() -> u64 {
    std::fs::read_dir(repo_root().join("migrations"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".sql")?.split('_').next()?.parse().ok()
        })
        .max()
        .expect("at least one migration")
}

#[test]
fn health_reports_version_and_schema_version() {
    let app = TestApp::start(ZHANYE, app_manifest());
    let r = app.client().get("/api/health");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let v = r.value();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["app"], "zhanye");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["schema_version"], latest_migration());

    let wrong = app.client().post_json("/api/health", &json!({}));
    assert_eq!(wrong.status, 405);
    assert_eq!(
        wrong.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(wrong.value()["code"], "method_not_allowed");
}

#[test]
fn admin_routes_are_closed_without_a_token() {
    let app = TestApp::start(ZHANYE, app_manifest());
    if !app.owns_process("an app started without admin_token") {
        return;
    }
    let r = app.client().post_json("/api/admin/migrate", &json!({}));
    assert_eq!(r.status, 403);
    assert_eq!(r.value()["code"], "forbidden");
}

#[test]
fn admin_migrates_an_empty_database_and_loads_demo_data_once() {
    let app = TestApp::builder(ZHANYE, app_manifest())
        .env("SPIN_VARIABLE_ADMIN_TOKEN", "test-admin-token")
        .arg("--no-migrate")
        .start();
    if !app.owns_process("an empty database at start-up") {
        return;
    }
    let anon = app.client();
    // Before migrating, health still answers, with schema version 0.
    assert_eq!(anon.get("/api/health").value()["schema_version"], 0);

    let bad = anon
        .clone()
        .bearer("wrong")
        .post_json("/api/admin/migrate", &json!({}));
    assert_eq!(bad.status, 401);
    assert_eq!(bad.value()["code"], "unauthorized");
    let en = anon
        .clone()
        .with_header("accept-language", "en-US,en;q=0.9")
        .post_json("/api/admin/migrate", &json!({}));
    let zh = anon.post_json("/api/admin/migrate", &json!({}));
    assert_ne!(
        en.value()["detail"],
        zh.value()["detail"],
        "detail follows Accept-Language"
    );

    let admin = app.client().bearer("test-admin-token");
    let first = admin.post_json("/api/admin/migrate", &json!({}));
    assert_eq!(first.status, 200, "{}", first.text());
    let first: Value = first.value();
    assert_eq!(first["schema_version"], latest_migration());
    assert!(!first["applied"].as_array().unwrap().is_empty());
    let again = admin.post_json("/api/admin/migrate", &json!({})).value();
    assert_eq!(again["applied"], json!([]), "migrations apply once");
    assert_eq!(anon_health(&app), latest_migration());

    let demo = admin.post_json("/api/admin/demo", &json!({})).value();
    assert!(!demo["applied"].as_array().unwrap().is_empty());
    assert_eq!(
        admin.post_json("/api/admin/demo", &json!({})).value()["applied"],
        json!([])
    );
    let listed = admin.get("/api/admin/migrations");
    assert_eq!(listed.status, 200, "{}", listed.text());
}

fn anon_health(app: &TestApp) -> u64 {
    app.client().get("/api/health").value()["schema_version"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_host_verbs_migrate_and_load_demo_data() {
    let app = TestApp::builder(ZHANYE, app_manifest())
        .arg("--no-migrate")
        .start();
    if !app.runs_locally("the zhanye verbs") {
        return;
    }
    assert_eq!(anon_health(&app), 0);
    let out = app.zhanye(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(anon_health(&app), latest_migration());
    let out = app.zhanye(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(log.contains("loaded demo data"), "{log}");
    let again = app.zhanye(&["demo"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("loaded demo data"));
}

/// Every route in spin.toml is documented in the OpenAPI document, and every
/// documented path is served by some route.
#[test]
fn openapi_documents_every_route() {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(app_manifest()).unwrap()).unwrap();
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let routes: Vec<String> = manifest["trigger"]["http"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["route"].as_str().map(String::from))
        .collect();
    assert!(!routes.is_empty());
    // `{param}` in OpenAPI is `:param` in a Spin route.
    let as_route = |p: &str| {
        p.split('/')
            .map(|s| {
                if s.starts_with('{') && s.ends_with('}') {
                    format!(":{}", &s[1..s.len() - 1])
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let served_by = |path: &str, route: &str| match route.strip_suffix("/...") {
        Some(prefix) => path == prefix || path.starts_with(&format!("{prefix}/")),
        None => as_route(path) == route,
    };
    for route in &routes {
        assert!(
            paths.iter().any(|p| served_by(p, route)),
            "route {route} in spin.toml is not documented in openapi/openapi.json"
        );
    }
    for path in &paths {
        assert!(
            routes.iter().any(|r| served_by(path, r)),
            "openapi path {path} is served by no route in spin.toml"
        );
        for (method, op) in doc["paths"][path].as_object().unwrap() {
            assert!(
                op["responses"].is_object(),
                "{method} {path} documents its responses"
            );
        }
    }
}

#[test]
fn demo_secrets_are_warned_about_outside_the_demo() {
    let app = TestApp::start(ZHANYE, app_manifest());
    if !app.runs_locally("the runtime's start-up log") {
        return;
    }
    assert!(
        app.wait_for_log(
            "still have their demo values",
            std::time::Duration::from_secs(5)
        ),
        "{}",
        app.log()
    );
    assert!(app.log().contains("jwt_signing_key"), "{}", app.log());
    assert!(app.log().contains("hook_secret_issuer"), "{}", app.log());
    assert!(app.log().contains("assessment_cron_token"), "{}", app.log());

    // With real secrets set, and in the demo, there is nothing to warn about.
    let real = TestApp::builder(ZHANYE, app_manifest())
        .env(
            "SPIN_VARIABLE_JWT_SIGNING_KEY",
            "a-real-key-of-more-than-32-bytes-0123456789",
        )
        .env("SPIN_VARIABLE_SMS_GATEWAY_TOKEN", "a-real-gateway-token")
        .env("SPIN_VARIABLE_HOOK_SECRET_TRADING", "a-real-partner-secret")
        .env("SPIN_VARIABLE_HOOK_SECRET_ISSUER", "a-real-issuer-secret")
        .env(
            "SPIN_VARIABLE_PII_KEY",
            "a-real-pii-key-of-more-than-32-bytes-0123",
        )
        .env("SPIN_VARIABLE_ASSESSMENT_CRON_TOKEN", "a-real-cron-token")
        .start();
    let demo = TestApp::builder(ZHANYE, app_manifest())
        .arg("--demo")
        .start();
    assert_eq!(real.client().get("/api/health").status, 200);
    assert_eq!(demo.client().get("/api/health").status, 200);
    assert!(!real.log().contains("demo values"), "{}", real.log());
    assert!(!demo.log().contains("demo values"), "{}", demo.log());
}

/// What a component of the app may import: WASI 0.2 and the Spin 2/3 interfaces that
/// every released Spin (3.x, 4.0, 4.1) and SpinKube's shim provide. Nothing of WASI 0.3.
fn runs_on_released_spin(import: &str) -> bool {
    let Some((package, version)) = import.rsplit_once('@') else {
        return false;
    };
    if package.starts_with("wasi:") {
        return version.starts_with("0.2.");
    }
    matches!(
        (package, version),
        ("fermyon:spin/key-value" | "fermyon:spin/variables", "2.0.0")
            | ("spin:sqlite/sqlite", "3.0.0")
            | ("spin:postgres/postgres", "4.0.0")
            | ("fermyon:spin-cron/cron-types", "2.0.0")
    )
}

/// The top-level imports and exports of a component binary (nested components and
/// core modules left out).
fn interfaces_of(wasm: &[u8]) -> (Vec<String>, Vec<String>) {
    use wasmparser::{Encoding, Parser, Payload};
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a valid component binary") {
            Payload::Version { encoding, .. } => {
                assert!(
                    depth > 0 || encoding == Encoding::Component,
                    "not a component"
                );
                depth += 1;
            }
            Payload::End(_) => depth -= 1,
            Payload::ComponentImportSection(section) if depth == 1 => {
                for import in section {
                    let import = import.expect("an import");
                    // Types a world uses at its top level (the cron world's `metadata`,
                    // `error`) are imported as types: they bind no host function.
                    if !matches!(import.ty, wasmparser::ComponentTypeRef::Type(_)) {
                        imports.push(import.name.name.to_string());
                    }
                }
            }
            Payload::ComponentExportSection(section) if depth == 1 => {
                for export in section {
                    exports.push(export.expect("an export").name.name.to_string());
                }
            }
            _ => {}
        }
    }
    (imports, exports)
}

/// Every component of `spin.toml`, as built, is a WASI 0.2 Spin component: HTTP ones
/// export `wasi:http/incoming-handler@0.2.x`, cron ones the trigger-cron plugin's
/// `fermyon:spin-cron@2.0.0` world, and none imports anything a released Spin lacks.
#[test]
fn every_component_is_a_wasi_0_2_spin_component() {
    let manifest_path = app_manifest();
    zhanye_test_support::ensure_built(ZHANYE.as_ref(), &manifest_path);
    let manifest: toml::Table = std::fs::read_to_string(&manifest_path)
        .unwrap()
        .parse()
        .unwrap();
    let triggers = |kind: &str| -> std::collections::BTreeSet<String> {
        manifest["trigger"]
            .get(kind)
            .and_then(|t| t.as_array())
            .map(|ts| {
                ts.iter()
                    .map(|t| t["component"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (http, cron) = (triggers("http"), triggers("cron"));
    assert!(!cron.is_empty(), "the app has a cron component");
    let mut problems = Vec::new();
    let mut checked = 0;
    for (id, component) in manifest["component"].as_table().unwrap() {
        let source = component["source"].as_str().unwrap();
        let wasm = std::fs::read(repo_root().join(source))
            .unwrap_or_else(|e| panic!("component {id}: {source}: {e}"));
        let (imports, exports) = interfaces_of(&wasm);
        for import in imports.iter().filter(|i| !runs_on_released_spin(i)) {
            problems.push(format!("{id} imports {import}"));
        }
        let wanted = if http.contains(id) {
            "wasi:http/incoming-handler@0.2."
        } else if cron.contains(id) {
            "handle-cron-event"
        } else {
            continue;
        };
        if !exports.iter().any(|e| e.starts_with(wanted)) {
            problems.push(format!("{id} does not export {wanted}…: {exports:?}"));
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        http.len() + cron.len(),
        "every triggered component checked"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
