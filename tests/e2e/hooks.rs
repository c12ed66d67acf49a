//! INTEG-1..3 through the built `hooks` component: signatures and the time window,
//! idempotent redelivery, all-or-nothing batches with a per-record report.

use crate::common::*;
use serde_json::{Value, json};
use std::io::Write;
use zhanye_ingest::signature::sign;
use zhanye_test_support::{Reply, TestApp};

/// A partner delivery: body as sent, its content type and encoding, the signing time.
struct Push<'a> {
    topic: &'a str,
    key: &'a str,
    body: Vec<u8>,
    content_type: &'a str,
    gzip: bool,
    at: i64,
    secret: &'a str,
    partner: &'a str,
}

impl<'a> Push<'a> {
    fn json(topic: &'a str, key: &'a str, records: &Value) -> Self {
        Push {
            topic,
            key,
            body: records.to_string().into_bytes(),
            content_type: "application/json",
            gzip: false,
            at: unix_now(),
            secret: TRADING_SECRET,
            partner: "trading",
        }
    }

    fn send(&self, app: &TestApp) -> Reply {
        self.send_with(app.client())
    }

    fn send_with(&self, client: zhanye_test_support::Client) -> Reply {
        let body = if self.gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&self.body).unwrap();
            encoder.finish().unwrap()
        } else {
            self.body.clone()
        };
        let timestamp = self.at.to_string();
        let mut client = client.with_header("x-timestamp", &timestamp).with_header(
            "x-signature",
            &sign(self.secret.as_bytes(), &timestamp, &body),
        );
        if !self.key.is_empty() {
            client = client.with_header("idempotency-key", self.key);
        }
        if self.gzip {
            client = client.with_header("content-encoding", "gzip");
        }
        client.post(
            &format!("/hooks/{}/{}", self.partner, self.topic),
            self.content_type,
            body,
        )
    }
}

fn north() -> Value {
    json!([
        {"code": "R-NORTH", "name": "华北地区", "kind": "region", "parent_code": "HQ"},
        {"code": "B-BJJR", "name": "北京金融街营业部", "kind": "branch", "parent_code": "R-NORTH"},
        {"code": "T-BJJR-1", "name": "金融街财富一组", "kind": "team", "parent_code": "B-BJJR"}
    ])
}

fn units(app: &TestApp) -> Value {
    sql_value(app, "SELECT COUNT(*) FROM org_units")
}

#[test]
fn signed_batches_apply_once() {
    let app = app();
    let before = units(&app).as_i64().unwrap();
    let push = Push::json("org-units", "batch-0001", &north());
    let first = push.send(&app);
    assert_eq!(first.status, 200, "{}", first.text());
    let v = first.value();
    assert_eq!(v["status"], "applied");
    assert_eq!(v["records"], 3);
    assert_eq!(v["outcome"], json!({"created": 3, "updated": 0}));
    assert_eq!(units(&app), json!(before + 3));
    let path = sql_value(&app, "SELECT path FROM org_units WHERE code = 'T-BJJR-1'");
    let ids = sql_value(
        &app,
        "SELECT '/1/' || (SELECT id FROM org_units WHERE code = 'R-NORTH') || '/' ||
                (SELECT id FROM org_units WHERE code = 'B-BJJR') || '/' ||
                (SELECT id FROM org_units WHERE code = 'T-BJJR-1') || '/'",
    );
    assert_eq!(path, ids);

    // Redelivery: the first answer again, nothing changed.
    let again = push.send(&app);
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(units(&app), json!(before + 3));
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'hook.org-units'"
        ),
        json!(1)
    );
    // The same key for another body is a conflict.
    let other = Push::json(
        "org-units",
        "batch-0001",
        &json!([{"code": "X", "name": "x", "kind": "hq"}]),
    );
    assert_problem(&other.send(&app), 409, "conflict");

    // NDJSON, gzip: an update.
    let mut renamed = Push::json("org-units", "batch-0002", &json!(null));
    let line = json!({"code": "B-BJJR", "name": "北京金融大街营业部", "kind": "branch", "parent_code": "R-NORTH"});
    renamed.body = format!("{line}\n").into_bytes();
    renamed.content_type = "application/x-ndjson";
    renamed.gzip = true;
    let updated = renamed.send(&app);
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(
        updated.value()["outcome"],
        json!({"created": 0, "updated": 1})
    );
    assert_eq!(
        sql_value(&app, "SELECT name FROM org_units WHERE code = 'B-BJJR'"),
        json!("北京金融大街营业部")
    );
}

#[test]
fn a_bad_batch_is_refused_whole_with_a_report() {
    let app = app();
    let before = units(&app);
    let batch = json!([
        {"code": "R-WEST", "name": "西部地区", "kind": "region", "parent_code": "HQ"},
        {"code": "B-CD", "kind": "branch", "parent_code": "R-WEST"},
        {"code": "R-WEST", "name": "重复", "kind": "region", "parent_code": "HQ"},
        {"code": "T-X", "name": "无上级", "kind": "team", "parent_code": "B-NOWHERE"},
        "not a record"
    ]);
    let refused = Push::json("org-units", "bad-1", &batch).send(&app);
    assert_problem(&refused, 422, "validation_failed");
    let v = refused.value();
    assert_eq!(
        v["error_count"], 1,
        "records that are not objects are refused first: {v}"
    );
    assert_eq!(v["records"][0]["index"], 4);

    let batch = json!([
        {"code": "R-WEST", "name": "西部地区", "kind": "region", "parent_code": "HQ"},
        {"code": "B-CD", "kind": "branch", "parent_code": "R-WEST"},
        {"code": "R-WEST", "name": "重复", "kind": "region", "parent_code": "HQ"}
    ]);
    let refused = Push::json("org-units", "bad-2", &batch).send(&app);
    assert_problem(&refused, 422, "validation_failed");
    let v = refused.value();
    assert_eq!(v["error_count"], 2);
    let fields = texts(&v["errors"], "field");
    assert_eq!(fields, ["records[1].name", "records[2].code"]);
    assert_eq!(v["records"][1]["reason"], "duplicate");

    // References are checked against the store: the good first record is not kept.
    let batch = json!([
        {"code": "R-WEST", "name": "西部地区", "kind": "region", "parent_code": "HQ"},
        {"code": "T-X", "name": "无上级", "kind": "team", "parent_code": "B-NOWHERE"},
        {"code": "T-Y", "name": "错层级", "kind": "team", "parent_code": "R-EAST"}
    ]);
    let refused = Push::json("org-units", "bad-3", &batch).send(&app);
    assert_problem(&refused, 422, "validation_failed");
    let v = refused.value();
    let reasons = texts(&v["records"], "reason");
    assert_eq!(reasons, ["unknown_reference", "invalid_kind"]);
    assert_eq!(units(&app), before, "nothing applied");

    // A refused key may be used again once the batch is fixed.
    let fixed = Push::json(
        "org-units",
        "bad-3",
        &json!([{"code": "R-WEST", "name": "西部地区", "kind": "region", "parent_code": "HQ"}]),
    );
    assert_eq!(fixed.send(&app).status, 200);
}

#[test]
fn unsigned_stale_or_unknown_requests_are_refused() {
    let app = app();
    let good = Push::json("org-units", "k-1", &north());
    // The demo's own deliveries (its customers) are there before any of these.
    let deliveries = || sql_value(&app, "SELECT COUNT(*) FROM hook_deliveries");
    let delivered_before = deliveries();

    let mut wrong_secret = Push::json("org-units", "k-1", &north());
    wrong_secret.secret = "guessed";
    assert_problem(&wrong_secret.send(&app), 401, "invalid_signature");
    let mut stale = Push::json("org-units", "k-1", &north());
    stale.at = unix_now() - 301;
    let stale = stale.send(&app);
    assert_problem(&stale, 401, "invalid_signature");
    assert!(stale.value()["detail"].as_str().unwrap().contains("5 分钟"));
    let mut future = Push::json("org-units", "k-1", &north());
    future.at = unix_now() + 301;
    assert_problem(&future.send(&app), 401, "invalid_signature");
    let mut stranger = Push::json("org-units", "k-1", &north());
    stranger.partner = "stranger";
    assert_problem(&stranger.send(&app), 401, "invalid_signature");
    let unsigned = app.client().post(
        "/hooks/trading/org-units",
        "application/json",
        north().to_string(),
    );
    assert_problem(&unsigned, 401, "invalid_signature");

    let mut no_topic = Push::json("customers-of-mars", "k-1", &north());
    no_topic.topic = "customers-of-mars";
    assert_problem(&no_topic.send(&app), 404, "not_found");
    let no_key = Push::json("org-units", "", &north());
    assert_problem(&no_key.send(&app), 422, "validation_failed");
    let mut csv = Push::json("org-units", "k-1", &north());
    csv.content_type = "text/csv";
    assert_problem(&csv.send(&app), 415, "unsupported_media_type");
    let mut broken = Push::json("org-units", "k-1", &north());
    broken.body = b"[{".to_vec();
    assert_problem(&broken.send(&app), 400, "validation_failed");
    let mut huge = Push::json("org-units", "k-1", &north());
    huge.body = vec![b' '; 9 << 20];
    assert_problem(&huge.send(&app), 413, "payload_too_large");
    assert_problem(
        &app.client().get("/hooks/trading/org-units"),
        405,
        "method_not_allowed",
    );

    // None of it changed anything; the good one still goes through.
    assert_eq!(deliveries(), delivered_before);
    assert_eq!(good.send(&app).status, 200);
    assert_eq!(deliveries(), json!(delivered_before.as_i64().unwrap() + 1));
}

#[test]
fn moving_a_team_moves_its_people_and_their_scope() {
    let app = app();
    // A0003 asks the branch for a manual reset, then their team moves away.
    let asked = app.client().post_json(
        "/api/auth/reset/manual",
        &json!({"code": "A0003", "id_number": A0003.id_number}),
    );
    assert_eq!(asked.status, 202);
    // A0003 and the lead of the team that stays are signed in.
    let a0003 = signed_in(&app, A0003);
    let lead = signed_in(&app, LEAD);
    assert_eq!(a0003.get("/api/customers").status, 200);
    // 四川南路财富二组 (A0003's team) moves from the Shanghai branch to Hangzhou.
    let moved = Push::json(
        "org-units",
        "move-1",
        &json!([{"code": "T-SHSC-2", "name": "四川南路财富二组", "kind": "team", "parent_code": "B-HZJF"}]),
    )
    .send(&app);
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(
        sql_value(&app, "SELECT unit_path FROM staff WHERE code = 'A0003'"),
        json!("/1/2/5/9/")
    );
    assert_eq!(
        sql_value(&app, "SELECT path FROM org_units WHERE code = 'T-SHSC-2'"),
        json!("/1/2/5/9/")
    );
    // A0003's token named the old unit path: signed out at once; the lead stays.
    assert_problem(&a0003.get("/api/customers"), 401, "unauthorized");
    assert_eq!(lead.get("/api/customers").status, 200);
    let again = signed_in_again(&app, A0003);
    assert_eq!(
        again.get("/api/auth/me").value()["org"][2]["name"],
        "杭州解放路营业部"
    );
    // Their customers went with them.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM customers WHERE owner_code = 'A0003'"
        ) > 0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM customers WHERE owner_code = 'A0003' AND unit_path <> '/1/2/5/9/'"
        ),
        0
    );

    // The Shanghai branch manager no longer sees A0003; Hangzhou's people are unaffected.
    let manager = as_user(&app, &ready(&app, MANAGER));
    let branch = manager.get("/api/checkins/team").value();
    assert_eq!(branch["members_total"], 4);
    assert_problem(&manager.get("/api/checkins?code=A0003"), 403, "forbidden");
    // The pending request went with them.
    assert_eq!(manager.get("/api/auth/admin/resets").value()["total"], 0);

    // A unit cannot go under itself or change kind.
    let loop_ = Push::json(
        "org-units",
        "move-2",
        &json!([{"code": "R-EAST", "name": "华东地区", "kind": "region", "parent_code": "HQ"},
                {"code": "B-SHSC", "name": "上海四川南路营业部", "kind": "team", "parent_code": "B-HZJF"}]),
    )
    .send(&app);
    assert_problem(&loop_, 422, "validation_failed");
    assert_eq!(loop_.value()["records"][0]["reason"], "immutable");
}

#[test]
fn staff_pushed_by_the_trading_system_sign_in_with_their_birth_date() {
    let app = app();
    let rep = ready(&app, A0001);
    let batch = json!([
        {"code": "a0101", "name": "钱进", "unit_code": "T-SHSC-1", "position": "经纪人",
         "birth_date": "1991-02-03", "mobile": "13900000101", "id_number": "31010119910203001x",
         "gender": "male"},
        {"code": "A0001", "name": "李明", "unit_code": "T-SHSC-1", "status": "suspended",
         "birth_date": "1982-07-18", "mobile": "13800000001", "id_number": "310101198207180011"}
    ]);
    let pushed = Push::json("staff", "staff-1", &batch).send(&app);
    assert_eq!(pushed.status, 200, "{}", pushed.text());
    assert_eq!(
        pushed.value()["outcome"],
        json!({"created": 1, "updated": 1})
    );

    // The new member's password is the birth date, to be changed at once.
    let first = login(&app.client(), "A0101", "19910203");
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.value()["must_change_password"], true);
    assert_problem(
        &login(&app.client(), "A0101", "19910204"),
        401,
        "invalid_credentials",
    );
    let session = ready(
        &app,
        Staff::new("A0101", "19910203", "31010119910203001X", "13900000101"),
    );
    let me = as_user(&app, &session).get("/api/auth/me").value();
    assert_eq!(me["name"], "钱进");
    assert_eq!(me["branch"], "上海四川南路营业部");
    assert_eq!(me["mobile"], "139****0101");
    // The ID number is kept only as a verifier, and it verifies.
    let reset = app.client().post_json(
        "/api/auth/reset/request",
        &json!({"code": "A0101", "id_number": "31010119910203001X"}),
    );
    assert_eq!(reset.status, 202);
    sms_once_sent(&app, "13900000101", 1);
    assert_eq!(
        sql_value(
            &app,
            "SELECT id_number_masked FROM staff WHERE code = 'A0101'"
        ),
        json!("310101********001X")
    );

    // Suspended by the trading system: the session ends at once.
    assert_problem(
        &as_user(&app, &rep).get("/api/auth/me"),
        401,
        "unauthorized",
    );

    // An unknown unit refuses the whole batch.
    let bad = json!([
        {"code": "A0102", "name": "孙武", "unit_code": "T-SHSC-1", "birth_date": "1990-01-01",
         "mobile": "13900000102", "id_number": "310101199001010010"},
        {"code": "A0103", "name": "周全", "unit_code": "T-NOWHERE", "birth_date": "1990-01-01",
         "mobile": "13900000103", "id_number": "310101199001010020"}
    ]);
    let refused = Push::json("staff", "staff-2", &bad).send(&app);
    assert_problem(&refused, 422, "validation_failed");
    assert_eq!(refused.value()["records"][0]["field"], "unit_code");
    assert_eq!(refused.value()["records"][0]["reason"], "unknown_reference");
    assert_eq!(
        sql_value(&app, "SELECT COUNT(*) FROM staff WHERE code = 'A0102'"),
        json!(0)
    );
}

#[test]
fn a_batch_cut_off_by_a_crash_is_applied_exactly_once_when_resent() {
    let app = app();
    if !app.owns_process("killing the runtime") {
        return;
    }
    const MEMBERS: usize = 4000;
    let batch: Vec<Value> = (0..MEMBERS)
        .map(|i| {
            json!({"code": format!("A{}", 100_000 + i), "name": format!("批量{i}"),
                   "unit_code": "T-SHSC-1", "birth_date": "1990-01-01",
                   "mobile": format!("139{:08}", i), "id_number": format!("3101011990010{:05}", i)})
        })
        .collect();
    let push = Push::json("staff", "bulk-1", &Value::Array(batch));
    let loaded = |app: &TestApp| {
        sql_value(
            app,
            "SELECT COUNT(*) FROM staff WHERE code >= 'A100000' AND code < 'A200000'",
        )
    };

    // Crash the runtime while the batch is on its way or being applied.
    let client = app.client();
    let cut_off = std::thread::scope(|scope| {
        let sending = scope.spawn(|| push.send_with(client).status);
        std::thread::sleep(std::time::Duration::from_millis(150));
        let state = app.crash_keep_state();
        let status = sending.join().ok();
        (state, status)
    });
    let (app_state, first_status) = cut_off;
    eprintln!("first delivery before the crash: {first_status:?}");

    // Started again on the same state, the resend lands exactly once, whatever the
    // crash cut off.
    let app = app_builder().state_dir(app_state).start();
    // All or nothing survived the crash: never a part of the batch.
    let survived = loaded(&app);
    assert!(
        survived == json!(0) || survived == json!(MEMBERS),
        "{survived}"
    );
    eprintln!("records committed before the crash: {survived}");
    let resent = push.send(&app);
    assert_eq!(resent.status, 200, "{}", resent.text());
    assert_eq!(loaded(&app), json!(MEMBERS));
    let again = push.send(&app);
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(loaded(&app), json!(MEMBERS));
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM hook_deliveries WHERE idempotency_key = 'bulk-1'"
        ),
        json!(1)
    );
}

#[test]
fn a_member_moved_by_the_trading_system_takes_their_customers_along() {
    let app = app();
    let owned = "SELECT COUNT(*) FROM customers WHERE owner_code = 'A0002'";
    let in_team_9 =
        "SELECT COUNT(*) FROM customers WHERE owner_code = 'A0002' AND unit_path = '/1/2/4/9/'";
    let customers = count(&app, owned);
    assert!(customers > 0, "A0002 serves demo customers");
    assert_eq!(count(&app, in_team_9), 0);
    // 王芳 moves from 四川南路财富一组 to 二组.
    let moved = Push::json(
        "staff",
        "move-a0002",
        &json!([{"code": "A0002", "name": "王芳", "unit_code": "T-SHSC-2", "position": "客户经理",
                 "birth_date": "1990-01-15", "mobile": "13800000002",
                 "id_number": "310101199001150022", "gender": "female"}]),
    )
    .send(&app);
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(
        moved.value()["outcome"],
        json!({"created": 0, "updated": 1})
    );
    assert_eq!(count(&app, in_team_9), customers);
    // The new team's lead reads them; nobody else's customers moved.
    let lead_of_team_8 = signed_in(&app, LEAD);
    let owners: Vec<Value> = lead_of_team_8.get("/api/customers?page_size=100").value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["owner_code"].clone())
        .collect();
    assert!(owners.contains(&json!("A0001")), "{owners:?}");
    assert!(!owners.contains(&json!("A0002")), "{owners:?}");
}

#[test]
fn a_member_demoted_by_the_trading_system_is_signed_out_at_once() {
    let app = app();
    let hq = signed_in(&app, HQ);
    let lead = signed_in(&app, LEAD);
    let all = hq.get("/api/customers").value()["total"].clone();
    assert!(
        all.as_i64().unwrap() > 100,
        "HQ reads every customer: {all}"
    );
    // 吴强 is no longer HQ: the trading system sends him as a plain rep.
    let as_rep = json!([{"code": "0010003", "name": "吴强", "unit_code": "HQ",
        "position": "客户经理", "roles": ["rep"], "birth_date": "1970-01-01",
        "mobile": "13800000005", "id_number": HQ.id_number, "gender": "male"}]);
    let demoted = Push::json("staff", "demote-0010003", &as_rep).send(&app);
    assert_eq!(demoted.status, 200, "{}", demoted.text());
    // His old token reads nothing any more, not after its 15 minutes: at once.
    assert_problem(&hq.get("/api/customers"), 401, "unauthorized");
    assert_problem(&hq.get("/api/auth/me"), 401, "unauthorized");
    // Signed in again, he is a rep and reads only his own (none).
    let rep = signed_in_again(&app, HQ);
    assert_eq!(rep.get("/api/auth/me").value()["roles"], json!(["rep"]));
    assert_eq!(rep.get("/api/customers").value()["total"], 0);
    // Sent again unchanged, nothing ends: his new session goes on; others never ended.
    let same = Push::json("staff", "demote-0010003-again", &as_rep).send(&app);
    assert_eq!(same.status, 200, "{}", same.text());
    assert_eq!(rep.get("/api/auth/me").status, 200);
    assert_eq!(lead.get("/api/customers").status, 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sessions WHERE staff_code = '0010003' AND revoke_reason = 'roles_changed'"
        ),
        1
    );
}
