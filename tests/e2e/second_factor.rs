//! The second factor for managers (ASVS L2): TOTP set-up and sign-in, the per-role
//! requirement, one's own sessions with "sign out elsewhere", and unused initial
//! passwords expiring. The codes come from an authenticator of the suite's own (SHA-1
//! and HMAC written out here, checked against RFC 6238's vectors), not from the app's
//! code, so the app is tested against the RFC rather than against itself.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp};

/// SHA-1 (FIPS 180-4), for the suite's authenticator only.
fn sha1(message: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut data = message.to_vec();
    let bits = (message.len() as u64) * 8;
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&bits.to_be_bytes());
    for block in data.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// HMAC-SHA-1 (RFC 2104).
fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..20].copy_from_slice(&sha1(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner = sha1(&inner);
    let outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).chain(inner).collect();
    sha1(&outer)
}

/// The RFC 6238 code of `step`, `digits` long.
fn totp(secret: &[u8], step: i64, digits: u32) -> String {
    let mac = hmac_sha1(secret, &(step as u64).to_be_bytes());
    let offset = (mac[19] & 0x0f) as usize;
    let number = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    format!(
        "{:0width$}",
        number % 10u32.pow(digits),
        width = digits as usize
    )
}

/// RFC 4648 base32 (no padding), as the app hands the secret out.
fn base32_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes() {
        let value = alphabet.iter().position(|a| *a == c).expect("base32") as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// A phone's authenticator app: hands out the code of a step not used before, within
/// the step either side of now the app accepts (waiting when it has run ahead).
struct Authenticator {
    secret: Vec<u8>,
    last_step: Option<i64>,
}

impl Authenticator {
    fn from_base32(secret: &str) -> Authenticator {
        Authenticator {
            secret: base32_decode(secret),
            last_step: None,
        }
    }

    fn next_code(&mut self) -> String {
        loop {
            let now = unix_now();
            let current = now / 30;
            let step = self
                .last_step
                .map_or(current - 1, |last| (last + 1).max(current - 1));
            // A step behind now is still good for the rest of this one, unless the next
            // starts before the app reads the code.
            let close_to_the_edge = step < current && now % 30 >= 27;
            if step <= current + 1 && !close_to_the_edge {
                self.last_step = Some(step);
                return totp(&self.secret, step, 6);
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }

    /// The code of the step last handed out, again (a replay).
    fn last_code(&self) -> String {
        totp(
            &self.secret,
            self.last_step.expect("a code was handed out"),
            6,
        )
    }
}

/// A 6-digit code that is none of the right ones now.
fn wrong_code(auth: &Authenticator) -> String {
    let current = unix_now() / 30;
    let right: Vec<String> = (current - 2..=current + 2)
        .map(|step| totp(&auth.secret, step, 6))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|code| !right.contains(code))
        .unwrap()
}

/// Starts and confirms a second factor for the signed-in `user`; answers its
/// authenticator.
fn enrol(user: &Client) -> Authenticator {
    let started = user.post_json("/api/auth/second-factor/totp", &json!({}));
    assert_eq!(started.status, 200, "{}", started.text());
    let mut auth = Authenticator::from_base32(started.value()["secret"].as_str().unwrap());
    let confirmed = user.post_json(
        "/api/auth/second-factor/totp/confirm",
        &json!({"code": auth.next_code()}),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    assert_eq!(confirmed.value()["state"], "enabled");
    auth
}

/// Signs in with `NEW_PASSWORD`, expecting the second-factor challenge; answers it.
fn challenge_for(app: &TestApp, code: &str) -> String {
    let reply = login(&app.client(), code, NEW_PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.value();
    assert_eq!(v["second_factor"], "totp", "{v}");
    assert!(v.get("access_token").is_none(), "{v}");
    assert_eq!(v["expires_in"], 300);
    v["challenge"].as_str().unwrap().to_owned()
}

fn send_code(app: &TestApp, challenge: &str, code: &str) -> Reply {
    app.client().post_json(
        "/api/auth/login/totp",
        &json!({"challenge": challenge, "code": code}),
    )
}

fn failed_count(app: &TestApp, code: &str) -> i64 {
    sql_value(
        app,
        &format!("SELECT COALESCE(MAX(failed_count), 0) FROM sign_in_guard WHERE code = '{code}'"),
    )
    .as_i64()
    .unwrap()
}

#[test]
fn the_suite_authenticator_meets_rfc_6238() {
    let seed = b"12345678901234567890";
    for (time, expected) in [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_234_567_890, "89005924"),
        (20_000_000_000, "65353130"),
    ] {
        assert_eq!(totp(seed, time / 30, 8), expected, "T = {time}");
    }
    assert_eq!(
        base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        seed.to_vec()
    );
}

#[test]
fn a_manager_enrols_and_signs_in_with_a_code() {
    let app = app();
    let user = signed_in(&app, MANAGER);
    let standing = user.get("/api/auth/second-factor");
    assert_eq!(standing.status, 200, "{}", standing.text());
    assert_eq!(
        standing.value(),
        json!({"state": "off", "eligible": true, "required": false, "enabled_at": null})
    );

    let started = user.post_json("/api/auth/second-factor/totp", &json!({}));
    assert_eq!(started.status, 200, "{}", started.text());
    let v = started.value();
    let secret = v["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "20 bytes in base32");
    assert_eq!(
        v["otpauth_uri"],
        format!(
            "otpauth://totp/Zhanye:0010002?secret={secret}&issuer=Zhanye&algorithm=SHA1&digits=6&period=30"
        )
    );
    assert_eq!(
        user.get("/api/auth/second-factor").value()["state"],
        "pending"
    );
    // Sealed at rest: the stored value is not the secret in any spelling.
    let stored = sql_value(
        &app,
        "SELECT secret_sealed FROM second_factors WHERE staff_code = '0010002'",
    );
    let stored = stored.as_str().unwrap();
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains(&secret));

    // Pending: sign-in still answers tokens.
    let plain = login(&app.client(), MANAGER.code, NEW_PASSWORD);
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert!(plain.value()["access_token"].is_string());

    let mut auth = Authenticator::from_base32(&secret);
    let wrong = user.post_json(
        "/api/auth/second-factor/totp/confirm",
        &json!({"code": wrong_code(&auth)}),
    );
    assert_eq!(field_errors(&wrong), one_error("code", "incorrect"));
    let malformed = user.post_json(
        "/api/auth/second-factor/totp/confirm",
        &json!({"code": "12ab"}),
    );
    assert_eq!(
        field_errors(&malformed),
        one_error("code", "invalid_format")
    );
    let confirmed = user.post_json(
        "/api/auth/second-factor/totp/confirm",
        &json!({"code": auth.next_code()}),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    assert_eq!(confirmed.value()["state"], "enabled");
    assert!(confirmed.value()["enabled_at"].is_string());
    assert_eq!(audits(&app, MANAGER.code, "auth.second_factor_started"), 1);
    assert_eq!(audits(&app, MANAGER.code, "auth.second_factor_enabled"), 1);
    // Enabled: starting over is refused until it is turned off.
    assert_problem(
        &user.post_json("/api/auth/second-factor/totp", &json!({})),
        409,
        "conflict",
    );
    // The wrong confirmation above was counted; confirming cleared nothing.
    assert_eq!(failed_count(&app, MANAGER.code), 1);

    // Sign-in: the right password answers a challenge, not tokens.
    let challenge = challenge_for(&app, MANAGER.code);
    let wrong = send_code(&app, &challenge, &wrong_code(&auth));
    assert_problem(&wrong, 422, "invalid_verification_code");
    assert_eq!(failed_count(&app, MANAGER.code), 2);
    assert_eq!(audits(&app, MANAGER.code, "auth.second_factor_failed"), 2);
    let code = auth.next_code();
    let signed_in = send_code(&app, &challenge, &code);
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let v = signed_in.value();
    assert_eq!(v["staff"]["code"], MANAGER.code);
    assert_eq!(v["must_change_password"], false);
    assert_eq!(v["checked_in_today"], true);
    assert!(v.get("second_factor_enrolment_required").is_none(), "{v}");
    // A right sign-in forgets the failures, as a password sign-in does.
    assert_eq!(failed_count(&app, MANAGER.code), 0);
    let session = Session::from(&signed_in);
    let me = as_user(&app, &session).get("/api/auth/me");
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.value()["second_factor"]["state"], "enabled");
    assert_eq!(me.value()["second_factor_enrolment_required"], false);

    // The challenge is single-use.
    assert_problem(&send_code(&app, &challenge, &code), 401, "unauthorized");
    // A used code does not pass again, not even with a fresh challenge.
    let again = challenge_for(&app, MANAGER.code);
    assert_problem(
        &send_code(&app, &again, &code),
        422,
        "invalid_verification_code",
    );
    assert_problem(
        &send_code(&app, &again, &auth.last_code()),
        422,
        "invalid_verification_code",
    );
    let next = send_code(&app, &again, &auth.next_code());
    assert_eq!(next.status, 200, "{}", next.text());
    // An unknown challenge.
    assert_problem(
        &send_code(&app, "nonsense", &auth.next_code()),
        401,
        "unauthorized",
    );
    let missing = app.client().post_json(
        "/api/auth/login/totp",
        &json!({"challenge": "", "code": ""}),
    );
    assert_eq!(field_errors(&missing).len(), 2);
    // An expired challenge.
    let late = challenge_for(&app, MANAGER.code);
    sql(&app, "UPDATE second_factor_challenges SET expires_at = 0");
    assert_problem(
        &send_code(&app, &late, &auth.next_code()),
        401,
        "unauthorized",
    );
    assert_not_allowed(&app.client(), "GET", "/api/auth/login/totp", "POST");
}

#[test]
fn a_manual_reset_removes_the_second_factor_of_a_lost_phone() {
    let app = app();
    let _ = enrol(&signed_in(&app, MANAGER));
    let hq = signed_in(&app, HQ);
    let reset = hq.post_json("/api/auth/admin/resets", &json!({"code": MANAGER.code}));
    assert_eq!(reset.status, 200, "{}", reset.text());
    let temporary = reset.value()["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM second_factors WHERE staff_code = '0010002'"
        ),
        0
    );
    // The temporary password signs in without a code, and must be changed.
    let back = login(&app.client(), MANAGER.code, &temporary);
    assert_eq!(back.status, 200, "{}", back.text());
    assert_eq!(back.value()["must_change_password"], true);
}

#[test]
fn wrong_codes_lock_the_code_like_wrong_passwords() {
    let app = app();
    let auth = enrol(&signed_in(&app, HQ));
    let challenge = challenge_for(&app, HQ.code);
    for _ in 0..4 {
        assert_problem(
            &send_code(&app, &challenge, &wrong_code(&auth)),
            422,
            "invalid_verification_code",
        );
    }
    let fifth = send_code(&app, &challenge, &wrong_code(&auth));
    assert_problem(&fifth, 423, "account_locked");
    assert!(fifth.header("retry-after").is_some());
    // Locked: the right password is refused too, and the burnt challenge is gone.
    assert_problem(
        &login(&app.client(), HQ.code, NEW_PASSWORD),
        423,
        "account_locked",
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM second_factor_challenges WHERE staff_code = '0010003'"
        ),
        0
    );
}

#[test]
fn turning_it_off_needs_a_code() {
    let app = app();
    let user = signed_in(&app, LEAD);
    let mut auth = enrol(&user);
    let wrong = user.post_json(
        "/api/auth/second-factor/totp/disable",
        &json!({"code": wrong_code(&auth)}),
    );
    assert_eq!(field_errors(&wrong), one_error("code", "incorrect"));
    let off = user.post_json(
        "/api/auth/second-factor/totp/disable",
        &json!({"code": auth.next_code()}),
    );
    assert_eq!(off.status, 200, "{}", off.text());
    assert_eq!(off.value()["state"], "off");
    assert_eq!(audits(&app, LEAD.code, "auth.second_factor_disabled"), 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM second_factors WHERE staff_code = '0010001'"
        ),
        0
    );
    // Off: the password alone signs in again.
    let plain = login(&app.client(), LEAD.code, NEW_PASSWORD);
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert!(plain.value()["access_token"].is_string());
    // Nothing left to turn off.
    assert_problem(
        &user.post_json(
            "/api/auth/second-factor/totp/disable",
            &json!({"code": auth.next_code()}),
        ),
        409,
        "conflict",
    );
}

#[test]
fn a_rep_cannot_enrol() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let standing = rep.get("/api/auth/second-factor");
    assert_eq!(standing.value()["eligible"], false, "{}", standing.text());
    let refused = english(&rep).post_json("/api/auth/second-factor/totp", &json!({}));
    assert_problem(&refused, 403, "forbidden");
    assert!(
        refused.value()["detail"]
            .as_str()
            .unwrap()
            .contains("leads, branch managers and HQ"),
        "{}",
        refused.text()
    );
    assert_problem(
        &rep.post_json(
            "/api/auth/second-factor/totp/confirm",
            &json!({"code": "123456"}),
        ),
        403,
        "forbidden",
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM second_factors"), 0);
    // Signed out: 401.
    assert_problem(
        &app.client()
            .post_json("/api/auth/second-factor/totp", &json!({})),
        401,
        "unauthorized",
    );
}

#[test]
fn a_role_that_requires_it_must_enrol_before_anything_else() {
    let app = app_builder()
        .env(
            "SPIN_VARIABLE_TOTP_REQUIRED_ROLES",
            "branch_manager,hq_admin",
        )
        .start();
    // The password change answers tokens limited to setting up the second factor.
    let first = login(&app.client(), MANAGER.code, MANAGER.initial_password);
    assert_eq!(first.status, 200, "{}", first.text());
    let changed = as_user(&app, &Session::from(&first)).post_json(
        "/api/auth/password",
        &json!({"old_password": MANAGER.initial_password, "new_password": NEW_PASSWORD}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.value()["second_factor_enrolment_required"], true);
    // So does a sign-in.
    let signed = login(&app.client(), MANAGER.code, NEW_PASSWORD);
    assert_eq!(signed.status, 200, "{}", signed.text());
    assert_eq!(signed.value()["second_factor_enrolment_required"], true);
    let session = Session::from(&signed);
    let user = as_user(&app, &session);
    for path in ["/api/checkins", "/api/home", "/api/customers"] {
        assert_problem(&user.get(path), 403, "second_factor_enrolment_required");
    }
    let me = user.get("/api/auth/me");
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.value()["second_factor_enrolment_required"], true);
    assert_eq!(
        me.value()["second_factor"],
        json!({"state": "off", "eligible": true, "required": true, "enabled_at": null})
    );
    assert_eq!(user.get("/api/auth/sessions").status, 200);

    let mut auth = enrol(&user);
    // The limit lifts at the next refresh.
    let refreshed = app.client().post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": session.refresh}),
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    assert!(
        refreshed
            .value()
            .get("second_factor_enrolment_required")
            .is_none()
    );
    let freed = as_user(&app, &Session::from(&refreshed));
    assert_eq!(freed.get("/api/checkins").status, 200);
    assert_eq!(
        freed.get("/api/auth/me").value()["second_factor_enrolment_required"],
        false
    );
    // Required: it cannot be turned off.
    assert_problem(
        &freed.post_json(
            "/api/auth/second-factor/totp/disable",
            &json!({"code": auth.next_code()}),
        ),
        409,
        "conflict",
    );
    // From now on the sign-in asks for the code.
    let challenge = challenge_for(&app, MANAGER.code);
    let done = send_code(&app, &challenge, &auth.next_code());
    assert_eq!(done.status, 200, "{}", done.text());
    assert!(
        done.value()
            .get("second_factor_enrolment_required")
            .is_none()
    );

    // A lead is not required: the usual answer, without the field.
    let lead = ready(&app, LEAD);
    let lead_client = as_user(&app, &lead);
    assert_eq!(lead_client.get("/api/checkins").status, 200);
    let plain = login(&app.client(), LEAD.code, NEW_PASSWORD);
    assert!(
        plain
            .value()
            .get("second_factor_enrolment_required")
            .is_none()
    );
}

/// The id of the session a client's token belongs to.
fn own_session_id(user: &Client) -> String {
    let list = user.get("/api/auth/sessions");
    assert_eq!(list.status, 200, "{}", list.text());
    list.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .expect("the current session is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn ones_own_sessions_and_signing_out_elsewhere() {
    let app = app();
    let first = signed_in(&app, A0001);
    let second = signed_in_again(&app, A0001);
    let third = signed_in_again(&app, A0001);
    let other = signed_in(&app, A0002);

    let list = third.get("/api/auth/sessions");
    assert_eq!(list.status, 200, "{}", list.text());
    let items: Vec<Value> = list.value()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    for item in &items {
        assert!(item["created_at"].is_i64() && item["last_active_at"].is_i64());
        assert!(item["channel"].is_string());
    }
    let second_id = own_session_id(&second);
    let third_id = own_session_id(&third);
    assert_ne!(second_id, third_id);

    // Another's session is not found, and stays.
    let others_id = own_session_id(&other);
    assert_problem(
        &third.delete(&format!("/api/auth/sessions/{others_id}")),
        404,
        "not_found",
    );
    assert_eq!(other.get("/api/auth/me").status, 200);
    assert_problem(
        &third.delete("/api/auth/sessions/nonsense"),
        404,
        "not_found",
    );
    assert_not_allowed(
        &third,
        "GET",
        &format!("/api/auth/sessions/{second_id}"),
        "DELETE",
    );

    // 退出此设备: the second session ends at once.
    let ended = third.delete(&format!("/api/auth/sessions/{second_id}"));
    assert_eq!(ended.status, 204, "{}", ended.text());
    assert_problem(&second.get("/api/auth/me"), 401, "unauthorized");
    assert_problem(
        &third.delete(&format!("/api/auth/sessions/{second_id}")),
        404,
        "not_found",
    );
    assert_eq!(audits(&app, A0001.code, "auth.session_signed_out"), 1);

    // 退出其他所有设备: the first one ends too; this one goes on.
    let elsewhere = third.post_json("/api/auth/sessions/sign-out-others", &json!({}));
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text());
    assert_eq!(elsewhere.value()["signed_out"], 1);
    assert_problem(&first.get("/api/auth/me"), 401, "unauthorized");
    assert_eq!(third.get("/api/auth/me").status, 200);
    let left = third.get("/api/auth/sessions");
    assert_eq!(item_texts(&left, "id"), vec![third_id]);
    assert_eq!(
        audits(&app, A0001.code, "auth.sessions_signed_out_elsewhere"),
        1
    );
    assert_eq!(other.get("/api/auth/me").status, 200);
    assert_not_allowed(&third, "POST", "/api/auth/sessions", "GET");
    assert_problem(&app.client().get("/api/auth/sessions"), 401, "unauthorized");
}

#[test]
fn unused_initial_passwords_expire() {
    let app = app();
    // Fresh demo data signs in with its initial passwords.
    let fresh = login(&app.client(), A0003.code, A0003.initial_password);
    assert_eq!(fresh.status, 200, "{}", fresh.text());

    sql(
        &app,
        "UPDATE credentials SET changed_at = '2020-01-01T00:00:00Z' WHERE staff_code IN ('A0002', 'A0004')",
    );
    let expired = login(&app.client(), A0002.code, A0002.initial_password);
    assert_problem(&expired, 403, "initial_password_expired");
    assert!(
        expired.value()["detail"]
            .as_str()
            .unwrap()
            .contains("忘记密码")
    );
    let english_reply = login(&english(&app.client()), A0002.code, A0002.initial_password);
    assert_problem(&english_reply, 403, "initial_password_expired");
    assert!(
        english_reply.value()["detail"]
            .as_str()
            .unwrap()
            .contains("Forgot password")
    );
    assert_eq!(audits(&app, A0002.code, "auth.sign_in_password_expired"), 2);
    // No oracle: a wrong password, or a code that does not exist, gets the usual answer.
    assert_problem(
        &login(&app.client(), A0002.code, "Wrong2026pw"),
        401,
        "invalid_credentials",
    );
    assert_problem(
        &login(&app.client(), "A9999", A0002.initial_password),
        401,
        "invalid_credentials",
    );
    // The expiry is no failed attempt: the code is not locked by it.
    for _ in 0..5 {
        assert_problem(
            &login(&app.client(), A0004.code, A0004.initial_password),
            403,
            "initial_password_expired",
        );
    }
    assert_eq!(failed_count(&app, A0004.code), 0);

    // A password the member chose does not expire, however old.
    let ready_session = ready(&app, A0001);
    assert!(!ready_session.access.is_empty());
    sql(
        &app,
        "UPDATE credentials SET changed_at = '2020-01-01T00:00:00Z' WHERE staff_code = 'A0001'",
    );
    let chosen = login(&app.client(), A0001.code, NEW_PASSWORD);
    assert_eq!(chosen.status, 200, "{}", chosen.text());

    // An SMS reset (忘记密码) sets a chosen password: signing in works again.
    let request = app.client().post_json(
        "/api/auth/reset/request",
        &json!({"code": A0002.code, "id_number": A0002.id_number}),
    );
    assert_eq!(request.status, 202, "{}", request.text());
    let sms_code = latest_code(&app, A0002.mobile, 1);
    let confirmed = app.client().post_json(
        "/api/auth/reset/confirm",
        &json!({"code": A0002.code, "sms_code": sms_code, "new_password": NEW_PASSWORD}),
    );
    assert!(confirmed.status < 300, "{}", confirmed.text());
    let back = login(&app.client(), A0002.code, NEW_PASSWORD);
    assert_eq!(back.status, 200, "{}", back.text());
}
