//! AUTH-1..8 and CHECKIN-1 through the built `auth`, `checkin` and `sms-sink`
//! components, each test on its own app with demo data.

use crate::common::*;
use serde_json::json;
use zhanye_platform::session::{AccessClaims, sign};
use zhanye_staff::{Role, Roles};

#[test]
fn initial_password_forces_a_change_before_anything_else() {
    let app = app();
    let client = app.client();
    let first = login(&client, "  a0001 ", A0001.initial_password);
    assert_eq!(first.status, 200, "{}", first.text());
    let v = first.value();
    assert_eq!(v["must_change_password"], true);
    assert_eq!(v["first_checkin_today"], true);
    assert_eq!(v["checked_in_today"], true);
    assert_eq!(v["message"], "已完成签到");
    assert_eq!(v["staff"]["code"], "A0001");
    assert_eq!(v["token_type"], "Bearer");
    assert!(v["expires_in"].as_i64().unwrap() <= 900);
    let forced = Session::from(&first);
    let user = as_user(&app, &forced);

    // Everything but changing the password and signing out is refused.
    assert_problem(&user.get("/api/auth/me"), 403, "password_change_required");
    assert_problem(&user.get("/api/checkins"), 403, "password_change_required");
    assert_problem(
        &user.post_json("/api/checkins", &json!({})),
        403,
        "password_change_required",
    );

    // AUTH-3 rules, each reported on new_password.
    let rules: &[(&str, &str)] = &[
        ("19820718", "needs_letters_and_digits"),
        ("x19820718", "contains_birth_date"),
        ("abcdefgh", "needs_letters_and_digits"),
        ("abc1234", "too_short"),
        ("a888888b", "too_common"),
    ];
    for (new, reason) in rules {
        let r = user.post_json(
            "/api/auth/password",
            &json!({"old_password": A0001.initial_password, "new_password": new}),
        );
        assert_problem(&r, 422, "validation_failed");
        let errors = r.value()["errors"].as_array().unwrap().clone();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == "new_password" && e["reason"] == *reason),
            "{new}: {errors:?}"
        );
    }
    let wrong_old = user.post_json(
        "/api/auth/password",
        &json!({"old_password": "nope12345", "new_password": NEW_PASSWORD}),
    );
    assert_problem(&wrong_old, 422, "validation_failed");
    assert_eq!(wrong_old.value()["errors"][0]["reason"], "incorrect");

    let changed = user.post_json(
        "/api/auth/password",
        &json!({"old_password": A0001.initial_password, "new_password": NEW_PASSWORD}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.value()["must_change_password"], false);
    let session = Session::from(&changed);

    // The forced session is over; the new one works.
    assert_problem(&user.get("/api/auth/me"), 401, "unauthorized");
    let refreshed = client.post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": forced.refresh}),
    );
    assert_problem(&refreshed, 401, "unauthorized");
    let me = as_user(&app, &session).get("/api/auth/me");
    assert_eq!(me.status, 200, "{}", me.text());
    let me = me.value();
    assert_eq!(me["code"], "A0001");
    assert_eq!(me["name"], "李明");
    assert_eq!(me["kind"], "broker");
    assert_eq!(me["mobile"], "138****0001");
    assert_eq!(me["branch"], "上海四川南路营业部");
    assert_eq!(me["roles"], json!(["rep"]));
    assert_eq!(me["checked_in_today"], true);
    assert!(me["age"].as_i64().unwrap() >= 44);
    assert!(!me.to_string().contains("310101198207180011"));

    // The old password no longer works; the new one does, without a second check-in.
    assert_problem(
        &login(&client, "A0001", A0001.initial_password),
        401,
        "invalid_credentials",
    );
    let again = login(&client, "A0001", NEW_PASSWORD);
    assert_eq!(again.status, 200);
    assert_eq!(again.value()["must_change_password"], false);
    assert_eq!(again.value()["first_checkin_today"], false);
    assert_eq!(again.value()["checked_in_today"], true);

    // Not one of the last 3: back to the first new password after one more change.
    let second = as_user(&app, &Session::from(&again)).post_json(
        "/api/auth/password",
        &json!({"old_password": NEW_PASSWORD, "new_password": "Second2026pw"}),
    );
    assert_eq!(second.status, 200, "{}", second.text());
    let back = as_user(&app, &Session::from(&second)).post_json(
        "/api/auth/password",
        &json!({"old_password": "Second2026pw", "new_password": NEW_PASSWORD}),
    );
    assert_problem(&back, 422, "validation_failed");
    assert_eq!(back.value()["errors"][0]["reason"], "reused");

    // Every write left an audit row; no password is in it.
    let audited = sql_value(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE actor = 'A0001' AND action = 'auth.password_change'",
    );
    assert_eq!(audited, json!(2));
    let leaked = sql_value(
        &app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%{NEW_PASSWORD}%'"),
    );
    assert_eq!(leaked, json!(0));
}

#[test]
fn wrong_passwords_lock_the_code_and_unknown_codes_look_the_same() {
    let app = app();
    let client = app.client();
    for _ in 0..4 {
        let known = login(&client, "A0002", "wrong-pass1");
        let unknown = login(&client, "A9999", "wrong-pass1");
        assert_problem(&known, 401, "invalid_credentials");
        assert_eq!(known.body, unknown.body, "same answer for unknown code");
        assert_eq!(known.status, unknown.status);
    }
    let fifth = login(&client, "A0002", "wrong-pass1");
    assert_problem(&fifth, 423, "account_locked");
    let retry: u64 = fifth.header("retry-after").unwrap().parse().unwrap();
    assert!((890..=900).contains(&retry), "{retry}");
    assert_problem(
        &login(&client, "A9999", "wrong-pass1"),
        423,
        "account_locked",
    );

    // Locked means locked, even with the right password; lower case is the same code.
    assert_problem(
        &login(&client, "A0002", A0002.initial_password),
        423,
        "account_locked",
    );
    assert_problem(
        &login(&client, "a0002", A0002.initial_password),
        423,
        "account_locked",
    );
    let en = english(&client).post_json(
        "/api/auth/login",
        &json!({"code": "A0002", "password": A0002.initial_password}),
    );
    assert_problem(&en, 423, "account_locked");
    assert!(
        en.value()["detail"]
            .as_str()
            .unwrap()
            .contains("15 minutes")
    );

    // Fifteen minutes later (moved, not waited) the right password works and clears
    // the count.
    sql(
        &app,
        &format!(
            "UPDATE sign_in_guard SET locked_until = {} WHERE code = 'A0002'",
            unix_now() - 1
        ),
    );
    let ok = login(&client, "A0002", A0002.initial_password);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM sign_in_guard WHERE code = 'A0002'"
        ),
        json!(0)
    );
    // Malformed codes fail like unknown ones.
    for code in ["B1234", "' OR 1=1 --", "A12x4"] {
        assert_problem(
            &login(&client, code, "whatever1"),
            401,
            "invalid_credentials",
        );
    }
}

#[test]
fn concurrent_failures_are_counted_exactly() {
    let app = app();
    let base = app.client();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..10)
            .map(|_| {
                let client = base.clone();
                scope.spawn(move || login(&client, "A0003", "wrong-pass1").status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let unauthorized = statuses.iter().filter(|s| **s == 401).count();
    let locked = statuses.iter().filter(|s| **s == 423).count();
    assert_eq!((unauthorized, locked), (4, 6), "{statuses:?}");
    assert_eq!(
        sql_value(
            &app,
            "SELECT failed_count FROM sign_in_guard WHERE code = 'A0003'"
        ),
        json!(5)
    );
}

#[test]
fn a_burst_of_sign_ins_is_limited_exactly() {
    let app = app();
    let base = app.client();
    // 60 at once from one address, each for another code (so only the per-address
    // limit of 30 a minute applies): exactly 30 are processed, the rest refused.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..60)
            .map(|i| {
                let client = base.clone();
                scope.spawn(move || login(&client, &format!("Z{i:04}"), "wrong-pass1").status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let processed = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((processed, refused), (30, 30), "{statuses:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_failed'"
        ),
        30
    );
    assert_problem(
        &login(&base, "A0001", A0001.initial_password),
        429,
        "rate_limited",
    );
}

#[test]
fn bursts_of_reset_and_refresh_calls_are_limited_exactly() {
    let app = app();
    let base = app.client();
    // 60 reset requests at once from one address (30 a minute allowed), then 80 refreshes
    // (60 a minute allowed): each limit lets exactly its number through.
    let burst = |calls: usize,
                 call: &(dyn Fn(&zhanye_test_support::Client, usize) -> u16 + Sync)|
     -> Vec<u16> {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..calls)
                .map(|i| {
                    let client = base.clone();
                    scope.spawn(move || call(&client, i))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let tally = |statuses: &[u16], processed: u16| {
        (
            statuses.iter().filter(|s| **s == processed).count(),
            statuses.iter().filter(|s| **s == 429).count(),
        )
    };
    let resets = burst(60, &|client, i| {
        client
            .post_json(
                "/api/auth/reset/request",
                &json!({"code": format!("Z{i:04}"), "id_number": A0002.id_number}),
            )
            .status
    });
    assert_eq!(tally(&resets, 202), (30, 30), "{resets:?}");
    let refreshes = burst(80, &|client, i| {
        client
            .post_json(
                "/api/auth/refresh",
                &json!({"refresh_token": format!("not-a-token-{i}")}),
            )
            .status
    });
    assert_eq!(tally(&refreshes, 401), (60, 20), "{refreshes:?}");
    // The reset limit is the address's, whoever asks next.
    assert_problem(
        &base.post_json(
            "/api/auth/reset/request",
            &json!({"code": "A0002", "id_number": A0002.id_number}),
        ),
        429,
        "rate_limited",
    );
}

#[test]
fn signed_in_json_is_never_stored_nor_sniffed() {
    let app = app();
    let user = signed_in(&app, A0001);
    let customers = user.get("/api/customers");
    assert_eq!(customers.status, 200, "{}", customers.text());
    let id = customers.value()["items"][0]["id"]
        .as_i64()
        .expect("a customer");
    for path in [
        "/api/auth/me".to_owned(),
        "/api/customers".to_owned(),
        format!("/api/customers/{id}"),
    ] {
        let reply = user.get(&path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    // Sign-in answers carry tokens without an `Authorization` header: not stored either.
    let signed = login(&app.client(), "A0002", A0002.initial_password);
    assert_eq!(signed.header("cache-control"), Some("no-store"));
    assert_eq!(signed.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn sms_reset_codes_are_limited_and_set_the_password() {
    let app = app();
    let client = app.client();
    let request = |code: &str, id: &str| {
        client.post_json(
            "/api/auth/reset/request",
            &json!({"code": code, "id_number": id}),
        )
    };

    let sent = request("A0002", A0002.id_number);
    assert_eq!(sent.status, 202, "{}", sent.text());
    let code = latest_code(&app, A0002.mobile, 1);
    assert_eq!(code.len(), 6);
    assert!(sms_to(&app, A0002.mobile)[0].contains("5 分钟"));
    assert_eq!(
        sql_value(
            &app,
            "SELECT status FROM sms_outbox WHERE staff_code = 'A0002'"
        ),
        json!("sent")
    );

    // Same answer for an unknown code or a wrong ID number, and no message.
    let unknown = request("A9999", A0002.id_number);
    let wrong_id = request("A0001", "310101199901010000");
    assert_eq!(unknown.status, 202);
    assert_eq!(unknown.body, sent.body);
    assert_eq!(wrong_id.body, sent.body);
    assert_eq!(
        (
            unknown.header("cache-control"),
            wrong_id.header("cache-control")
        ),
        (sent.header("cache-control"), sent.header("cache-control"))
    );
    // The request path did the same work for both: a send counted, one audit row.
    assert_eq!(audits(&app, "A0002", "auth.reset_code_sent"), 1);
    assert_eq!(audits(&app, "A0001", "auth.reset_code_withheld"), 1);
    assert_eq!(audits(&app, "A9999", "auth.reset_code_withheld"), 1);
    assert!(sms_to(&app, A0001.mobile).is_empty());

    // 60 s between sends, for known and unknown codes alike.
    let soon = request("A0002", A0002.id_number);
    assert_problem(&soon, 429, "rate_limited");
    assert!(soon.header("retry-after").is_some());
    assert_problem(&request("A9999", A0002.id_number), 429, "rate_limited");

    // Shapes are checked before anything else.
    assert_problem(&request("A0002", "123"), 422, "validation_failed");
    let confirm = |sms_code: &str, password: &str| {
        client.post_json(
            "/api/auth/reset/confirm",
            &json!({"code": "A0002", "sms_code": sms_code, "new_password": password}),
        )
    };
    assert_problem(&confirm("12ab56", NEW_PASSWORD), 422, "validation_failed");

    // A valid code with a password that breaks the rules is not spent.
    assert_problem(&confirm(&code, "19900115"), 422, "validation_failed");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_problem(
        &confirm(wrong, NEW_PASSWORD),
        422,
        "invalid_verification_code",
    );
    let done = confirm(&code, NEW_PASSWORD);
    assert_eq!(done.status, 200, "{}", done.text());
    assert_problem(
        &confirm(&code, "Another2026x"),
        422,
        "invalid_verification_code",
    );
    let signed_in = login(&client, "A0002", NEW_PASSWORD);
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.value()["must_change_password"], false);

    // Five wrong tries burn a code.
    resend_gap_passed(&app);
    assert_eq!(request("A0002", A0002.id_number).status, 202);
    let code = latest_code(&app, A0002.mobile, 2);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_problem(
            &confirm(wrong, "Third2026pw"),
            422,
            "invalid_verification_code",
        );
    }
    assert_problem(
        &confirm(&code, "Third2026pw"),
        422,
        "invalid_verification_code",
    );

    // A code is valid for 5 minutes.
    resend_gap_passed(&app);
    assert_eq!(request("A0002", A0002.id_number).status, 202);
    let code = latest_code(&app, A0002.mobile, 3);
    sql(
        &app,
        &format!(
            "UPDATE password_resets SET expires_at = {} WHERE code = 'A0002'",
            unix_now() - 1
        ),
    );
    assert_problem(
        &confirm(&code, "Third2026pw"),
        422,
        "invalid_verification_code",
    );

    // Ten sends a China-time day.
    resend_gap_passed(&app);
    sql(
        &app,
        "UPDATE password_resets SET sends_on_day = 10 WHERE code = 'A0002'",
    );
    let capped = english(&client).post_json(
        "/api/auth/reset/request",
        &json!({"code": "A0002", "id_number": A0002.id_number}),
    );
    assert_problem(&capped, 429, "rate_limited");
    assert!(capped.value()["detail"].as_str().unwrap().contains("limit"));
    // Only matched requests ever reach the outbox, each recorded as sent.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sms_outbox WHERE staff_code <> 'A0002'"
        ),
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sms_outbox WHERE staff_code = 'A0002' AND status = 'sent'"
        ),
        3
    );
}

/// Moves A0002's last SMS send back past the 60 s gap.
fn resend_gap_passed(app: &zhanye_test_support::TestApp) {
    sql(
        app,
        "UPDATE password_resets SET last_sent_at = last_sent_at - 61 WHERE code = 'A0002'",
    );
}

#[test]
fn refresh_tokens_rotate_and_a_reused_one_revokes_the_session() {
    let app = app();
    let session = ready(&app, A0001);
    let client = app.client();
    let rotated = client.post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": session.refresh}),
    );
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let next = Session::from(&rotated);
    assert_ne!(next.refresh, session.refresh);
    assert_eq!(as_user(&app, &next).get("/api/auth/me").status, 200);

    // The spent token again: the whole session ends, its newer tokens too.
    let reused = client.post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": session.refresh}),
    );
    assert_problem(&reused, 401, "unauthorized");
    assert_problem(
        &client.post_json("/api/auth/refresh", &json!({"refresh_token": next.refresh})),
        401,
        "unauthorized",
    );
    assert_problem(
        &as_user(&app, &next).get("/api/auth/me"),
        401,
        "unauthorized",
    );
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.refresh_reuse'"
        ),
        json!(1)
    );
    // Refresh tokens are stored only as digests.
    assert_eq!(
        sql_value(
            &app,
            &format!(
                "SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = '{}'",
                next.refresh
            )
        ),
        json!(0)
    );
}

#[test]
fn signing_out_revokes_the_session() {
    let app = app();
    let session = ready(&app, A0001);
    let user = as_user(&app, &session);
    assert_eq!(user.post_json("/api/auth/logout", &json!({})).status, 204);
    assert_problem(&user.get("/api/auth/me"), 401, "unauthorized");
    assert_problem(
        &app.client().post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": session.refresh}),
        ),
        401,
        "unauthorized",
    );
    // With only the refresh token (the access token expired).
    let other = Session::from(&login(&app.client(), "A0001", NEW_PASSWORD));
    let out = app
        .client()
        .post_json("/api/auth/logout", &json!({"refresh_token": other.refresh}));
    assert_eq!(out.status, 204, "{}", out.text());
    assert_problem(
        &as_user(&app, &other).get("/api/auth/me"),
        401,
        "unauthorized",
    );
    // Signing out works while a password change is forced.
    let forced = Session::from(&login(&app.client(), "A0002", A0002.initial_password));
    assert_eq!(
        as_user(&app, &forced)
            .post_json("/api/auth/logout", &json!({}))
            .status,
        204
    );
}

#[test]
fn forged_expired_and_unsigned_tokens_are_refused() {
    let app = app();
    let session = ready(&app, A0001);
    let claims = |issued: i64| {
        AccessClaims::new(
            "A0001",
            "forged-session",
            Roles::new([Role::Rep]),
            8,
            "/1/2/4/8/",
            false,
            issued,
        )
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let me = |token: &str| app.client().bearer(token).get("/api/auth/me");

    // A token made with the app's key is accepted: the refusals below are about the
    // token, not the set-up.
    assert_eq!(
        me(&sign(&claims(now), SIGNING_KEY.as_bytes()).unwrap()).status,
        200
    );
    assert_problem(
        &me(&sign(&claims(now - 901), SIGNING_KEY.as_bytes()).unwrap()),
        401,
        "unauthorized",
    );
    assert_problem(
        &me(&sign(&claims(now), b"another-key-another-key-another-key!!").unwrap()),
        401,
        "unauthorized",
    );
    let payload = session.access.split('.').nth(1).unwrap();
    // {"alg":"none","typ":"JWT"} base64url.
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    assert_problem(&me(&unsigned), 401, "unauthorized");
    for junk in [
        "",
        "abc",
        "a.b.c",
        &session.access[..session.access.len() - 2],
    ] {
        assert_problem(&me(junk), 401, "unauthorized");
    }
    let no_header = app.client().get("/api/auth/me");
    assert_problem(&no_header, 401, "unauthorized");
    assert_eq!(no_header.header("www-authenticate"), Some("Bearer"));
}

#[test]
fn bad_input_gets_a_problem_never_a_server_error() {
    let app = app();
    let client = app.client();
    let routes = [
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/password",
        "/api/auth/reset/request",
        "/api/auth/reset/confirm",
        "/api/auth/reset/manual",
        "/api/auth/logout",
    ];
    let bodies: &[(&str, &[u8])] = &[
        ("application/json", b"{"),
        ("application/json", b""),
        ("application/json", b"[]"),
        ("application/json", b"null"),
        ("application/json", br#"{"code": 5, "password": true}"#),
        ("application/json", br#"{"code": "A0001"}"#),
        (
            "application/json",
            br#"{"code": null, "id_number": [], "sms_code": {}, "refresh_token": 1}"#,
        ),
        ("application/json", "{\"code\": \"\u{0000}\"}".as_bytes()),
        ("text/plain", b"code=A0001"),
        ("application/json", &[0xff, 0xfe, 0x00]),
    ];
    for route in routes {
        for (content_type, body) in bodies {
            let r = client.post(route, content_type, body.to_vec());
            assert!(
                (400..500).contains(&r.status),
                "{route} {body:?}: {} {}",
                r.status,
                r.text()
            );
            assert_eq!(
                r.header("content-type"),
                Some("application/problem+json"),
                "{route}"
            );
        }
        let big = vec![b' '; 10 * 1024];
        let r = client.post(route, "application/json", big);
        assert!(matches!(r.status, 401 | 413), "{route}: {}", r.status);
    }
    let big = format!(
        r#"{{"code":"A0001","password":"{}"}}"#,
        "x".repeat(8 * 1024)
    );
    assert_problem(
        &client.post("/api/auth/login", "application/json", big),
        413,
        "payload_too_large",
    );
    assert_problem(&client.get("/api/auth/login"), 405, "method_not_allowed");
    assert_problem(&client.get("/api/auth/nope"), 404, "not_found");

    let missing = client.post_json("/api/auth/login", &json!({"code": "A0001"}));
    assert_problem(&missing, 422, "validation_failed");
    assert_eq!(missing.value()["errors"][0]["field"], "password");
    assert_eq!(missing.header("content-language"), Some("zh-CN"));
    let en = client
        .clone()
        .with_header("accept-language", "en-GB")
        .post_json(
            "/api/auth/login",
            &json!({"code": "A0001", "password": "wrong-pass1"}),
        );
    assert_problem(&en, 401, "invalid_credentials");
    assert_eq!(
        en.value()["detail"],
        "The staff code or password is incorrect."
    );
    let zh = login(&client, "A0001", "wrong-pass1");
    assert_eq!(zh.value()["detail"], "工号或密码错误。");
}

#[test]
fn branch_admins_reset_passwords_by_hand_within_their_branch() {
    let app = app();
    let client = app.client();
    let ask = client.post_json(
        "/api/auth/reset/manual",
        &json!({"code": "A0001", "id_number": A0001.id_number}),
    );
    assert_eq!(ask.status, 202, "{}", ask.text());
    let unknown = client.post_json(
        "/api/auth/reset/manual",
        &json!({"code": "A9999", "id_number": A0001.id_number}),
    );
    assert_eq!(unknown.body, ask.body);
    // Asking twice keeps one pending request.
    assert_eq!(
        client
            .post_json(
                "/api/auth/reset/manual",
                &json!({"code": "a0001", "id_number": A0001.id_number})
            )
            .status,
        202
    );

    let manager = as_user(&app, &ready(&app, MANAGER));
    let pending = manager.get("/api/auth/admin/resets");
    assert_eq!(pending.status, 200, "{}", pending.text());
    let v = pending.value();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["code"], "A0001");
    assert_eq!(v["items"][0]["name"], "李明");
    assert_eq!(v["items"][0]["mobile"], "138****0001");

    let csv = manager.get("/api/auth/admin/resets/export");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        ["人员代码,人员姓名,手机号码", "A0001,李明,13800000001"]
    );

    // Reps may not; a branch manager cannot reach another branch's staff.
    let rep = as_user(&app, &ready(&app, A0003));
    assert_problem(&rep.get("/api/auth/admin/resets"), 403, "forbidden");
    assert_problem(
        &rep.post_json("/api/auth/admin/resets", &json!({"code": "A0001"})),
        403,
        "forbidden",
    );
    assert_problem(
        &manager.post_json("/api/auth/admin/resets", &json!({"code": "A0004"})),
        404,
        "not_found",
    );

    let reset = manager.post_json("/api/auth/admin/resets", &json!({"code": "a0001"}));
    assert_eq!(reset.status, 200, "{}", reset.text());
    let temporary = reset.value()["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(manager.get("/api/auth/admin/resets").value()["total"], 0);
    let signed_in = login(&client, "A0001", &temporary);
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.value()["must_change_password"], true);
    assert!(
        !sql_value(&app, "SELECT string_agg(detail, ',') FROM audit_log")
            .to_string()
            .contains(&temporary)
    );

    // HQ reaches everyone but itself: its own password is not reset by hand.
    let hq = as_user(&app, &ready(&app, HQ));
    assert_eq!(
        hq.post_json("/api/auth/admin/resets", &json!({"code": "A0004"}))
            .status,
        200
    );
    assert_problem(
        &hq.post_json("/api/auth/admin/resets", &json!({"code": HQ.code})),
        403,
        "forbidden",
    );
    assert_eq!(login(&client, HQ.code, NEW_PASSWORD).status, 200);
}

#[test]
fn suspending_a_staff_member_ends_their_sessions_at_once() {
    let app = app();
    let rep = ready(&app, A0001);
    let manager = as_user(&app, &ready(&app, MANAGER));
    assert_eq!(as_user(&app, &rep).get("/api/auth/me").status, 200);

    let suspended = manager.post_json(
        "/api/auth/admin/status",
        &json!({"code": "A0001", "status": "suspended"}),
    );
    assert_eq!(suspended.status, 200, "{}", suspended.text());
    assert_eq!(suspended.value()["sessions_revoked"], 1);
    // The access token stops working before it expires; the refresh token too.
    assert_problem(
        &as_user(&app, &rep).get("/api/auth/me"),
        401,
        "unauthorized",
    );
    assert_problem(
        &app.client()
            .post_json("/api/auth/refresh", &json!({"refresh_token": rep.refresh})),
        401,
        "unauthorized",
    );
    // Signing in fails like a wrong password.
    assert_problem(
        &login(&app.client(), "A0001", NEW_PASSWORD),
        401,
        "invalid_credentials",
    );

    // Scope and input.
    let rep3 = as_user(&app, &ready(&app, A0003));
    assert_problem(
        &rep3.post_json(
            "/api/auth/admin/status",
            &json!({"code": "A0002", "status": "suspended"}),
        ),
        403,
        "forbidden",
    );
    assert_problem(
        &manager.post_json(
            "/api/auth/admin/status",
            &json!({"code": "A0004", "status": "suspended"}),
        ),
        404,
        "not_found",
    );
    assert_problem(
        &manager.post_json(
            "/api/auth/admin/status",
            &json!({"code": "A0001", "status": "gone"}),
        ),
        422,
        "validation_failed",
    );
    assert_problem(
        &manager.post_json(
            "/api/auth/admin/status",
            &json!({"code": "0010002", "status": "left"}),
        ),
        403,
        "forbidden",
    );

    let back = manager.post_json(
        "/api/auth/admin/status",
        &json!({"code": "A0001", "status": "normal"}),
    );
    assert_eq!(back.status, 200);
    assert_eq!(login(&app.client(), "A0001", NEW_PASSWORD).status, 200);
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.status' AND target = 'A0001'"
        ),
        json!(2)
    );
}

#[test]
fn the_roster_lists_whom_an_admin_oversees() {
    let app = app();
    let manager = signed_in(&app, MANAGER);
    let roster = |client: &zhanye_test_support::Client, query: &str| {
        client.get(&format!("/api/auth/admin/staff?{query}"))
    };
    // The branch, team by team and code by code; A0004 of another branch is not in it.
    let all = roster(&manager, "");
    assert_eq!(
        codes(&all),
        ["0010002", "0010001", "A0001", "A0002", "A0003"]
    );
    assert_eq!(all.value()["total"], 5);
    let first = &all.value()["items"][2];
    assert_eq!(
        (
            &first["name"],
            &first["roles"],
            &first["unit"]["id"],
            &first["status"],
            &first["status_label"]
        ),
        (
            &json!("李明"),
            &json!(["rep"]),
            &json!(8),
            &json!("normal"),
            &json!("正常")
        )
    );
    assert!(
        first["unit"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let hq = signed_in(&app, HQ);
    assert_eq!(roster(&hq, "page_size=3").value()["total"], 7);
    assert!(codes(&roster(&hq, "q=A0004")).contains(&"A0004".to_owned()));

    // The start of a code in any case, any part of a name, spaces around ignored.
    assert_eq!(
        codes(&roster(&manager, "q=a00")),
        ["A0001", "A0002", "A0003"]
    );
    assert_eq!(codes(&roster(&manager, "q=%E8%8A%B3")), ["A0002"]);
    assert_eq!(codes(&roster(&manager, "q=%20%E7%8E%8B%20")), ["A0002"]);
    assert_eq!(codes(&roster(&manager, "q=001000")), ["0010002", "0010001"]);
    assert_eq!(codes(&roster(&manager, "q=%25")), Vec::<String>::new());

    // A status as it changes, labelled in the caller's language.
    let suspended = manager.post_json(
        "/api/auth/admin/status",
        &json!({"code": "A0002", "status": "suspended"}),
    );
    assert_eq!(suspended.status, 200, "{}", suspended.text());
    let only = roster(&english(&manager), "status=suspended");
    assert_eq!(codes(&only), ["A0002"]);
    assert_eq!(only.value()["items"][0]["status_label"], "suspended");
    assert_eq!(
        roster(&manager, "status=normal").value()["total"],
        4,
        "the others stay normal"
    );

    // Reps may not list; wrong filters are named.
    assert_problem(&roster(&signed_in(&app, A0003), ""), 403, "forbidden");
    for (query, field, reason) in [
        ("status=gone", "status", "invalid"),
        ("status=%20normal", "status", "invalid"),
        ("page=0", "page", "out_of_range"),
    ] {
        assert_eq!(
            field_errors(&roster(&manager, query)),
            one_error(field, reason),
            "{query}"
        );
    }
    let long = format!("q={}", "%E7%8E%8B".repeat(65));
    assert_eq!(
        field_errors(&roster(&manager, &long)),
        one_error("q", "too_long")
    );
    assert_not_allowed(&manager, "POST", "/api/auth/admin/staff", "GET");
}

/// Waits (10 s at most) until `query` counts `expected`.
fn eventually_counts(app: &zhanye_test_support::TestApp, query: &str, expected: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count(app, query) != expected {
        assert!(
            std::time::Instant::now() < deadline,
            "{query} never counted {expected}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_reset_code_promised_before_a_failure_is_still_sent() {
    // The gateway refuses every message: the code is stored, and so is its message.
    let app = app_builder()
        .env("SPIN_VARIABLE_SMS_SINK_ENABLED", "false")
        .start();
    let client = app.client();
    let request = |code: &str, id: &str| {
        client.post_json(
            "/api/auth/reset/request",
            &json!({"code": code, "id_number": id}),
        )
    };
    assert_eq!(request("A0002", A0002.id_number).status, 202);
    assert_eq!(request("A0001", "310101199901010000").status, 202);
    eventually_counts(
        &app,
        "SELECT COUNT(*) FROM sms_outbox WHERE staff_code = 'A0002' AND status = 'failed'",
        1,
    );
    // The withheld entry of the unmatched request is gone unsent; the message stays.
    eventually_counts(
        &app,
        "SELECT COUNT(*) FROM sms_queue WHERE purpose = 'withheld'",
        0,
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM sms_queue WHERE owner = 'A0002'"),
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sms_queue WHERE sealed LIKE '%13800000002%' OR sealed LIKE '%展业%'"
        ),
        0,
        "the message is kept sealed"
    );

    // The runtime dies; it comes back with the gateway working. A minute on (the
    // entry's clock moved back through the harness), the next sign-in sends it.
    let state = app.crash_keep_state();
    let app = app_builder().state_dir(state).start();
    sql(
        &app,
        "UPDATE sms_queue SET queued_at = queued_at - 120, claimed_at = claimed_at - 120",
    );
    assert!(sms_to(&app, A0002.mobile).is_empty());
    assert_eq!(
        login(&app.client(), A0001.code, A0001.initial_password).status,
        200
    );
    let code = latest_code(&app, A0002.mobile, 1);
    eventually_counts(&app, "SELECT COUNT(*) FROM sms_queue", 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sms_outbox WHERE staff_code = 'A0002' AND status = 'sent'"
        ),
        1
    );
    // The code it carried is the one the request stored.
    let done = app.client().post_json(
        "/api/auth/reset/confirm",
        &json!({"code": "A0002", "sms_code": code, "new_password": NEW_PASSWORD}),
    );
    assert_eq!(done.status, 200, "{}", done.text());
}
