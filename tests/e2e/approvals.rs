//! TASK-6 through the built `approvals` component: every kind end to end with its
//! approver chain and data scope — development task books and new-customer
//! confirmations of prospects (CUST-6), expenses, collaboration requests, customer
//! transfers (ORG-5) — with the state history, the audit log, and the refusals: one's
//! own request (403), a second or late decision (409), someone else's request (404),
//! junk input (4xx).

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp};

fn created(reply: Reply) -> Value {
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.value()
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.value()
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap()
}

fn file(client: &Client, kind: &str, payload: Value) -> Reply {
    client.post_json("/api/approvals", &json!({"kind": kind, "payload": payload}))
}

fn decide(client: &Client, request: i64, body: Value) -> Reply {
    client.post_json(&format!("/api/approvals/{request}/decision"), &body)
}

fn approve(client: &Client, request: i64, comment: &str) -> Value {
    ok(decide(
        client,
        request,
        json!({"decision": "approve", "comment": comment}),
    ))
}

fn expense() -> Value {
    json!({"reason": "客户开发", "time": "2026-03-01", "target": "某科技公司",
           "use": "交通与资料", "amount": "1280.50"})
}

fn new_prospect(client: &Client, name: &str) -> i64 {
    id(&created(client.post_json(
        "/api/prospects",
        &json!({"name": name, "mobile": "13912345678", "company": "上海某科技有限公司",
                "source": "客户转介绍"}),
    )))
}

fn development(app: &TestApp, prospect: i64) -> Value {
    json!({"prospect_id": prospect, "goal": "开户并转入 50 万元资产",
           "deadline": china_day(app, 30), "method": "上门拜访", "needs": "两融业务咨询"})
}

/// The history of a request as (step, event, who, comment), and its stored rows.
fn history(app: &TestApp, request: &Value) -> Vec<(Value, String, String, String)> {
    let rows: Vec<(Value, String, String, String)> = request["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["step"].clone(),
                row["event"].as_str().unwrap().to_owned(),
                row["by"]["code"].as_str().unwrap().to_owned(),
                row["comment"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Every row is answered exactly as stored, times included.
    let stored = sql_value(
        app,
        &format!(
            "SELECT json_group_array(json_object('step', step, 'event', event, \
                                                 'actor_code', actor_code, 'comment', comment, \
                                                 'at', at)) \
             FROM (SELECT * FROM approval_events WHERE request_id = {} ORDER BY id) AS e",
            request["id"]
        ),
    );
    let stored: Vec<Value> = serde_json::from_str(stored.as_str().unwrap()).unwrap();
    let stored: Vec<Value> = stored
        .iter()
        .map(|r| {
            json!([
                r["step"],
                r["event"],
                r["actor_code"],
                r["comment"],
                r["at"]
            ])
        })
        .collect();
    let stored = Value::Array(stored);
    let answered: Vec<Value> = request["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!([
                r["step"],
                r["event"],
                r["by"]["code"],
                r["comment"],
                r["at"]
            ])
        })
        .collect();
    assert_eq!(stored, Value::Array(answered));
    let times = texts(&request["history"], "at");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(
        times.iter().all(|t| t.len() == 20 && t.ends_with('Z')),
        "{times:?}"
    );
    rows
}

fn row(step: Value, event: &str, by: &str, comment: &str) -> (Value, String, String, String) {
    (step, event.into(), by.into(), comment.into())
}

fn chain_statuses(request: &Value) -> Vec<String> {
    texts(&request["chain"], "status")
}

/// A second lead, of team T-SHSC-2 (where A0003 works), pushed by the partner.
const OTHER_LEAD: Staff = Staff::new("0010009", "19850615", "310101198506150033", "13900000109");

fn push_other_lead(app: &TestApp) {
    push_ok(
        app,
        "staff",
        "approvals-lead-2",
        &json!([{"code": OTHER_LEAD.code, "name": "钱组长", "unit_code": "T-SHSC-2",
                 "position": "营销经理", "roles": ["lead", "rep"], "gender": "male",
                 "birth_date": "1985-06-15", "mobile": OTHER_LEAD.mobile, "id_number": OTHER_LEAD.id_number}]),
    );
}

#[test]
fn a_development_task_book_makes_the_prospect_developing() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let teammate = signed_in(&app, A0002);
    let far_rep = signed_in(&app, A0004);

    // A prospect, in the rep's scope (and the lead's and manager's), mobile masked.
    let prospect = created(rep.post_json(
        "/api/prospects",
        &json!({"name": "王建国", "mobile": "13912345678", "company": "上海某科技有限公司",
                "source": "客户转介绍", "remarks": "朋友介绍"}),
    ));
    assert_eq!(prospect["status"], "potential");
    assert_eq!(prospect["kind"], "individual");
    assert_eq!(prospect["mobile"], "139****5678");
    assert_eq!(prospect["owner"], json!({"code": "A0001", "name": "李明"}));
    let pid = id(&prospect);
    assert_eq!(audits(&app, "A0001", "prospect.create"), 1);
    assert_eq!(ok(rep.get("/api/prospects"))["total"], 1);
    assert_eq!(ok(teammate.get("/api/prospects"))["total"], 0);
    assert_eq!(
        ok(lead.get("/api/prospects?status=potential&q=王"))["total"],
        1
    );
    assert_eq!(ok(lead.get("/api/prospects?q=某科技"))["total"], 1);
    assert_eq!(ok(lead.get("/api/prospects?q=李"))["total"], 0);
    assert_eq!(ok(manager.get("/api/prospects?q=13912345678"))["total"], 1);
    assert_eq!(ok(far_rep.get("/api/prospects"))["total"], 0);
    for outsider in [&teammate, &far_rep] {
        assert_problem(
            &outsider.get(&format!("/api/prospects/{pid}")),
            404,
            "not_found",
        );
    }
    assert_eq!(
        ok(manager.get(&format!("/api/prospects/{pid}")))["approvals"],
        json!([])
    );

    // The task book: one step, the team's lead.
    let book = created(rep.post_json(
        "/api/approvals",
        &json!({"kind": "development", "payload": development(&app, pid), "comment": "请审批"}),
    ));
    let rid = id(&book);
    assert_eq!(book["kind"], "development");
    assert_eq!(book["kind_name"], "客户开发任务书");
    assert_eq!(book["title"], "客户开发任务书：王建国");
    assert_eq!(book["status"], "pending");
    assert_eq!(book["current_step"], 1);
    assert_eq!(book["subject"]["type"], "prospect");
    assert_eq!(book["subject"]["id"], pid);
    assert_eq!(book["requester"], json!({"code": "A0001", "name": "李明"}));
    assert_eq!(book["payload"]["method"], "上门拜访");
    assert_eq!(
        book["chain"],
        json!([{"step": 1, "role": "lead", "unit_path": "/1/2/4/8/", "unit_name": "四川南路财富一组",
                "status": "pending", "decided_by": null, "decided_at": null, "comment": null}])
    );
    assert_eq!(
        book["permissions"],
        json!({"decide": false, "withdraw": true})
    );
    assert_eq!(
        history(&app, &book),
        [row(Value::Null, "submitted", "A0001", "请审批")]
    );
    assert_eq!(audits(&app, "A0001", "approval.submit"), 1);
    // One pending task book per prospect.
    assert_problem(
        &file(&rep, "development", development(&app, pid)),
        409,
        "conflict",
    );

    // It waits in the lead's to-dos, nobody else's.
    let todo = ok(lead.get("/api/approvals"));
    assert_eq!(todo["total"], 1);
    assert_eq!(todo["items"][0]["id"], rid);
    assert_eq!(todo["items"][0]["current_role"], "lead");
    assert_eq!(
        ok(lead.get("/api/approvals?box=todo&kind=expense"))["total"],
        0
    );
    assert_eq!(ok(manager.get("/api/approvals?box=todo"))["total"], 0);
    assert_eq!(ok(rep.get("/api/approvals?box=todo"))["total"], 0);
    assert_eq!(ok(rep.get("/api/approvals?box=mine"))["total"], 1);
    let prospect_page = ok(rep.get(&format!("/api/prospects/{pid}")));
    assert_eq!(prospect_page["approvals"][0]["id"], rid);

    // Another team's lead neither sees nor decides it.
    push_other_lead(&app);
    let other_lead = signed_in(&app, OTHER_LEAD);
    assert_problem(
        &other_lead.get(&format!("/api/approvals/{rid}")),
        404,
        "not_found",
    );
    assert_problem(
        &decide(&other_lead, rid, json!({"decision": "approve"})),
        404,
        "not_found",
    );
    assert_eq!(ok(other_lead.get("/api/approvals"))["total"], 0);
    assert_problem(
        &other_lead.get(&format!("/api/prospects/{pid}")),
        404,
        "not_found",
    );
    // The manager reads it (ORG-4) but it is not theirs to decide.
    let seen = ok(manager.get(&format!("/api/approvals/{rid}")));
    assert_eq!(
        seen["permissions"],
        json!({"decide": false, "withdraw": false})
    );

    let approved = approve(&lead, rid, "同意开发");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["current_step"], Value::Null);
    assert_eq!(chain_statuses(&approved), ["approved"]);
    assert_eq!(approved["chain"][0]["decided_by"]["code"], "0010001");
    assert_eq!(approved["chain"][0]["comment"], "同意开发");
    assert_eq!(approved["decided_at"], approved["history"][1]["at"]);
    assert_eq!(
        history(&app, &approved),
        [
            row(Value::Null, "submitted", "A0001", "请审批"),
            row(json!(1), "approved", "0010001", "同意开发"),
        ]
    );
    assert_eq!(audits(&app, "0010001", "approval.approve"), 1);
    let developing = ok(rep.get(&format!("/api/prospects/{pid}")));
    assert_eq!(developing["status"], "developing");
    assert_eq!(developing["owner"]["code"], "A0001");
    assert_eq!(developing["approvals"][0]["status"], "approved");
    // A second approval changes nothing.
    assert_problem(
        &decide(&lead, rid, json!({"decision": "approve"})),
        409,
        "conflict",
    );
    assert_eq!(ok(lead.get("/api/approvals"))["total"], 0);
    assert_eq!(
        ok(lead.get("/api/approvals?box=done"))["items"][0]["id"],
        rid
    );
    assert_eq!(
        ok(rep.get(&format!("/api/approvals/{rid}")))["history"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A developing prospect takes no second task book.
    assert_problem(
        &file(&rep, "development", development(&app, pid)),
        409,
        "conflict",
    );
}

/// A prospect of `rep`'s developed with the lead's approval.
fn developing_prospect(app: &TestApp, rep: &Client, lead: &Client, name: &str) -> i64 {
    let pid = new_prospect(rep, name);
    let book = created(file(rep, "development", development(app, pid)));
    approve(lead, id(&book), "同意");
    pid
}

#[test]
fn a_confirmed_new_customer_takes_its_owner_and_home_figures() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let new_owner = signed_in(&app, A0002);
    let pid = developing_prospect(&app, &rep, &lead, "王建国");

    // The account opened at the counter, pushed by the trading system without an owner.
    push_ok(
        &app,
        "customers",
        "approvals-new-customer",
        &json!([{"account_no": "310000000001", "name": "王建国", "status": "existing",
                 "open_date": "2020-03-01", "effective_date": "2020-04-01"}]),
    );
    push_ok(
        &app,
        "monthly-performance",
        "approvals-new-customer-months",
        &json!([month_row("310000000001", "2025-08")]),
    );
    let stats = |code: &str| {
        sql_value(
            &app,
            &format!(
                "SELECT (SELECT stock_count || '/' || stock_assets FROM staff_month_stats \
                 WHERE staff_code = '{code}' AND month = 202508)"
            ),
        )
    };
    assert_eq!(stats("A0002"), Value::Null);

    // Refused: an account nobody pushed, a prospect not being developed, someone
    // else's prospect.
    let unknown = file(
        &rep,
        "new_customer",
        json!({"prospect_id": pid, "account_no": "399999999999"}),
    );
    assert_problem(&unknown, 422, "validation_failed");
    assert_eq!(unknown.value()["errors"][0]["field"], "payload.account_no");
    assert_eq!(unknown.value()["errors"][0]["reason"], "unknown_reference");
    let fresh = new_prospect(&rep, "赵先生");
    assert_problem(
        &file(
            &rep,
            "new_customer",
            json!({"prospect_id": fresh, "account_no": "310000000001"}),
        ),
        409,
        "conflict",
    );
    let theirs = file(
        &new_owner,
        "new_customer",
        json!({"prospect_id": pid, "account_no": "310000000001"}),
    );
    assert_problem(&theirs, 422, "validation_failed");
    assert_eq!(theirs.value()["errors"][0]["field"], "payload.prospect_id");

    let confirmation = created(file(
        &rep,
        "new_customer",
        json!({"prospect_id": pid, "account_no": "310000000001"}),
    ));
    let rid = id(&confirmation);
    assert_eq!(confirmation["title"], "新客户确认：王建国（310000000001）");
    let roles = texts(&confirmation["chain"], "role");
    assert_eq!(roles, ["lead", "branch_manager"]);
    assert_eq!(confirmation["chain"][1]["unit_name"], "上海四川南路营业部");

    // The manager's step comes second.
    let early = decide(
        &manager,
        rid,
        json!({"decision": "approve", "owner_code": "A0002"}),
    );
    assert_problem(&early, 403, "forbidden");
    assert_eq!(early.value()["reason"], "not_your_step_yet");
    let step1 = approve(&lead, rid, "开发属实");
    assert_eq!(step1["status"], "pending");
    assert_eq!(step1["current_step"], 2);
    assert_eq!(chain_statuses(&step1), ["approved", "pending"]);
    assert_eq!(ok(manager.get("/api/approvals"))["items"][0]["id"], rid);

    // The owner named must be a staff member of the branch in normal status.
    for (owner, why) in [
        ("A0004", "other_branch"),
        ("Z9", "invalid_format"),
        ("A0999", "unknown_reference"),
    ] {
        let refused = decide(
            &manager,
            rid,
            json!({"decision": "approve", "owner_code": owner}),
        );
        assert_problem(&refused, 422, "validation_failed");
        assert_eq!(refused.value()["errors"][0]["field"], "owner_code");
        assert_eq!(refused.value()["errors"][0]["reason"], why, "{owner}");
    }
    assert_eq!(
        ok(manager.get(&format!("/api/approvals/{rid}")))["current_step"],
        2
    );

    let confirmed = ok(decide(
        &manager,
        rid,
        json!({"decision": "approve", "owner_code": "a0002", "comment": "确认，由王芳服务"}),
    ));
    assert_eq!(confirmed["status"], "approved");
    let cid = confirmed["outcome"]["customer_id"].as_i64().unwrap();
    assert_eq!(
        confirmed["outcome"],
        json!({"owner_code": "A0002", "owner_name": "王芳", "customer_id": cid,
               "account_no": "310000000001"})
    );
    assert_eq!(
        history(&app, &confirmed),
        [
            row(Value::Null, "submitted", "A0001", ""),
            row(json!(1), "approved", "0010001", "开发属实"),
            row(json!(2), "approved", "0010002", "确认，由王芳服务"),
        ]
    );
    assert_eq!(
        confirmed["history"][2]["detail"],
        json!({"owner_code": "A0002"})
    );

    // The customer is the named owner's, with its HOME-1 figures; the prospect links it.
    let customer = ok(new_owner.get(&format!("/api/customers/{cid}")));
    assert_eq!(customer["owner"]["code"], "A0002");
    assert_eq!(stats("A0002"), json!("1/50000000"));
    assert_eq!(stats("A0001"), Value::Null);
    let prospect = ok(rep.get(&format!("/api/prospects/{pid}")));
    assert_eq!(prospect["status"], "confirmed");
    assert_eq!(prospect["customer_id"], cid);
    assert_eq!(audits(&app, "0010002", "approval.approve"), 1);

    // The account is confirmed once: another developed prospect cannot claim it.
    let other = developing_prospect(&app, &rep, &lead, "钱女士");
    assert_problem(
        &file(
            &rep,
            "new_customer",
            json!({"prospect_id": other, "account_no": "310000000001"}),
        ),
        409,
        "conflict",
    );
}

#[test]
fn an_expense_climbs_two_steps_and_is_decided_once() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);

    // The form's rules, field by field.
    for (payload, field, why) in [
        (json!({"amount": "0"}), "payload.amount", "out_of_range"),
        (
            json!({"amount": "-10.00"}),
            "payload.amount",
            "out_of_range",
        ),
        (json!({"amount": 1280.5}), "payload.amount", "invalid_type"),
        (
            json!({"amount": "12.345"}),
            "payload.amount",
            "invalid_format",
        ),
        (
            json!({"amount": "10000000.01"}),
            "payload.amount",
            "out_of_range",
        ),
        (
            json!({"time": "2026-02-30"}),
            "payload.time",
            "invalid_format",
        ),
        (json!({"reason": " "}), "payload.reason", "required"),
        (json!({"tip": "x"}), "payload.tip", "unknown_field"),
    ] {
        let mut form = expense();
        for (key, value) in payload.as_object().unwrap() {
            form[key] = value.clone();
        }
        let refused = file(&rep, "expense", form);
        assert_problem(&refused, 422, "validation_failed");
        assert_eq!(
            refused.value()["errors"],
            json!([{"field": field, "reason": why,
                    "message": refused.value()["errors"][0]["message"]}]),
            "{payload}"
        );
    }

    let filed = created(file(&rep, "expense", expense()));
    let rid = id(&filed);
    assert_eq!(filed["payload"]["amount"], "1280.50");
    assert_eq!(filed["title"], "费用申请：客户开发（1280.50 元）");
    assert_eq!(chain_statuses(&filed), ["pending", "waiting"]);
    assert_eq!(filed["chain"][1]["role"], "branch_manager");
    assert_eq!(filed["chain"][1]["unit_path"], "/1/2/4/");

    // Nobody decides their own request; the manager's step is the second.
    let own = decide(&rep, rid, json!({"decision": "approve"}));
    assert_problem(&own, 403, "forbidden");
    assert_eq!(own.value()["reason"], "own_request");
    assert!(own.value()["detail"].as_str().unwrap().contains("本人"));
    let early = decide(&manager, rid, json!({"decision": "approve"}));
    assert_problem(&early, 403, "forbidden");
    assert_eq!(early.value()["reason"], "not_your_step_yet");

    let step1 = approve(&lead, rid, "情况属实");
    assert_eq!(step1["current_step"], 2);
    assert_eq!(step1["current_role"], "branch_manager");
    assert_eq!(chain_statuses(&step1), ["approved", "pending"]);
    assert_eq!(ok(lead.get("/api/approvals"))["total"], 0);
    assert_eq!(ok(manager.get("/api/approvals"))["total"], 1);

    // The lead's step is done: approving again (step 2 is not theirs) changes nothing.
    assert_problem(
        &decide(&lead, rid, json!({"decision": "approve"})),
        409,
        "conflict",
    );
    assert_problem(
        &decide(&lead, rid, json!({"decision": "reject"})),
        409,
        "conflict",
    );
    let unchanged = ok(rep.get(&format!("/api/approvals/{rid}")));
    assert_eq!(unchanged["current_step"], 2);
    assert_eq!(unchanged["history"].as_array().unwrap().len(), 2);

    // The manager approves from several tabs at once: one decision lands.
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let manager = manager.clone();
                scope.spawn(move || {
                    decide(
                        &manager,
                        rid,
                        json!({"decision": "approve", "comment": "同意"}),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
    for refused in replies.iter().filter(|r| r.status == 409) {
        assert_problem(refused, 409, "conflict");
    }
    let done = ok(rep.get(&format!("/api/approvals/{rid}")));
    assert_eq!(done["status"], "approved");
    assert_eq!(chain_statuses(&done), ["approved", "approved"]);
    assert_eq!(
        history(&app, &done),
        [
            row(Value::Null, "submitted", "A0001", ""),
            row(json!(1), "approved", "0010001", "情况属实"),
            row(json!(2), "approved", "0010002", "同意"),
        ]
    );
    assert_eq!(audits(&app, "0010002", "approval.approve"), 1);
    assert_eq!(audits(&app, "0010001", "approval.approve"), 1);
    assert_eq!(audits(&app, "A0001", "approval.submit"), 1);

    // The boxes.
    assert_eq!(
        ok(manager.get("/api/approvals?box=done"))["items"][0]["id"],
        rid
    );
    assert_eq!(
        ok(lead.get("/api/approvals?box=done&kind=expense"))["total"],
        1
    );
    assert_eq!(
        ok(rep.get("/api/approvals?box=mine&status=approved"))["total"],
        1
    );
    assert_eq!(
        ok(rep.get("/api/approvals?box=mine&status=pending"))["total"],
        0
    );
    assert_eq!(ok(manager.get("/api/approvals"))["total"], 0);
}

#[test]
fn collaboration_requests_go_to_the_requester_s_superior() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let lonely = signed_in(&app, A0003);
    let form =
        json!({"problem": "机构客户需要定制化的量化产品方案", "needs": "研究所提供策略支持"});

    // A rep's goes to their lead; a lead's own to the branch manager; a rep of a team
    // without a lead to the branch manager too.
    let by_rep = created(file(&rep, "collaboration", form.clone()));
    assert_eq!(by_rep["chain"][0]["role"], "lead");
    assert_eq!(by_rep["payload"]["proposal"], "");
    let by_lead = created(file(&lead, "collaboration", form.clone()));
    assert_eq!(by_lead["chain"].as_array().unwrap().len(), 1);
    assert_eq!(by_lead["chain"][0]["role"], "branch_manager");
    let own = decide(&lead, id(&by_lead), json!({"decision": "approve"}));
    assert_problem(&own, 403, "forbidden");
    assert_eq!(own.value()["reason"], "own_request");
    let by_lonely = created(file(&lonely, "collaboration", form.clone()));
    assert_eq!(by_lonely["chain"][0]["role"], "branch_manager");
    assert_eq!(
        ok(manager.get("/api/approvals?kind=collaboration"))["total"],
        2
    );

    // Rejected, it is over: no decision and no withdrawal after.
    let rejected = ok(decide(
        &lead,
        id(&by_rep),
        json!({"decision": "reject", "comment": "请先与研究所沟通"}),
    ));
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(chain_statuses(&rejected), ["rejected"]);
    assert_eq!(
        history(&app, &rejected),
        [
            row(Value::Null, "submitted", "A0001", ""),
            row(json!(1), "rejected", "0010001", "请先与研究所沟通"),
        ]
    );
    assert_eq!(audits(&app, "0010001", "approval.reject"), 1);
    assert_problem(
        &decide(&lead, id(&by_rep), json!({"decision": "approve"})),
        409,
        "conflict",
    );
    assert_problem(
        &rep.post_json(
            &format!("/api/approvals/{}/withdraw", id(&by_rep)),
            &json!({}),
        ),
        409,
        "conflict",
    );
    let approved = approve(&manager, id(&by_lead), "同意协作");
    assert_eq!(approved["status"], "approved");
}

#[test]
fn a_withdrawn_request_cannot_be_decided() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let filed = created(file(&rep, "expense", expense()));
    let rid = id(&filed);
    let withdraw = format!("/api/approvals/{rid}/withdraw");

    // Only the requester withdraws.
    assert_problem(&lead.post_json(&withdraw, &json!({})), 403, "forbidden");
    let withdrawn = ok(rep.post_json(&withdraw, &json!({"comment": "金额填错了"})));
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(chain_statuses(&withdrawn), ["not_reached", "not_reached"]);
    assert_eq!(
        withdrawn["permissions"],
        json!({"decide": false, "withdraw": false})
    );
    assert_eq!(
        history(&app, &withdrawn),
        [
            row(Value::Null, "submitted", "A0001", ""),
            row(Value::Null, "withdrawn", "A0001", "金额填错了"),
        ]
    );
    assert_eq!(audits(&app, "A0001", "approval.withdraw"), 1);
    assert_problem(
        &decide(&lead, rid, json!({"decision": "approve"})),
        409,
        "conflict",
    );
    assert_problem(&rep.post_json(&withdraw, &json!({})), 409, "conflict");
    assert_eq!(ok(lead.get("/api/approvals"))["total"], 0);
    // A withdrawal needs no body.
    let again = id(&created(file(&rep, "expense", expense())));
    let bare = rep.post(
        &format!("/api/approvals/{again}/withdraw"),
        "application/json",
        Vec::new(),
    );
    assert_eq!(ok(bare)["status"], "withdrawn");
}

#[test]
fn a_prospect_is_dropped_by_its_owner_once_nothing_waits_on_it() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let teammate = signed_in(&app, A0002);
    let lead = signed_in(&app, LEAD);
    let far_rep = signed_in(&app, A0004);
    let pid = new_prospect(&rep, "王放弃");
    let drop = format!("/api/prospects/{pid}/drop");

    // Out of scope: 404; readable but not the owner's: 403; nothing changes.
    assert_problem(&far_rep.post_json(&drop, &json!({})), 404, "not_found");
    assert_problem(&teammate.post_json(&drop, &json!({})), 404, "not_found");
    assert_problem(&lead.post_json(&drop, &json!({})), 403, "forbidden");
    assert_problem(&rep.get(&drop), 405, "method_not_allowed");
    assert_problem(
        &rep.post_json("/api/prospects/x/drop", &json!({})),
        404,
        "not_found",
    );
    let too_long = json!({"reason": "长".repeat(201)});
    assert_problem(&rep.post_json(&drop, &too_long), 422, "validation_failed");
    assert_problem(
        &rep.post_json(&drop, &json!({"why": "x"})),
        422,
        "validation_failed",
    );

    // A development task book waiting for the lead holds it.
    let book = id(&created(file(&rep, "development", development(&app, pid))));
    let held = rep.post_json(&drop, &json!({"reason": "客户无意向"}));
    assert_problem(&held, 409, "conflict");
    assert_eq!(
        held.value()["detail"],
        "该潜在客户有待审批的申请，请先撤回。"
    );
    assert_eq!(
        sql_value(
            &app,
            &format!("SELECT status FROM prospects WHERE id = {pid}")
        ),
        "potential"
    );
    ok(rep.post_json(&format!("/api/approvals/{book}/withdraw"), &json!({})));

    // Then its owner drops it, once; the reason is audited.
    let dropped = ok(rep.post_json(&drop, &json!({"reason": "客户无意向"})));
    assert_eq!(dropped["status"], "dropped");
    assert_eq!(ok(rep.get("/api/prospects?status=dropped"))["total"], 1);
    let again = english(&rep).post(&drop, "application/json", Vec::new());
    assert_problem(&again, 409, "conflict");
    assert_eq!(
        again.value()["detail"],
        "Only a potential or developing prospect can be dropped."
    );
    assert_eq!(audits(&app, "A0001", "prospect.drop"), 1);
    let dropped: Value = serde_json::from_str(
        sql_value(
            &app,
            "SELECT detail FROM audit_log WHERE action = 'prospect.drop'",
        )
        .as_str()
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&dropped["reason"], &dropped["was"]),
        (&json!("客户无意向"), &json!("potential"))
    );
    // A dropped prospect takes no development task book.
    assert_eq!(
        file(&rep, "development", development(&app, pid)).status,
        409
    );
}

#[test]
fn requests_are_seen_within_the_data_scope_and_junk_is_refused() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let teammate = signed_in(&app, A0002);
    let far_rep = signed_in(&app, A0004);
    let manager = signed_in(&app, MANAGER);
    let hq = signed_in(&app, HQ);
    let rid = id(&created(file(&rep, "expense", expense())));
    let one = format!("/api/approvals/{rid}");

    // Another rep, near or far: the request does not exist for them.
    for outsider in [&teammate, &far_rep] {
        assert_problem(&outsider.get(&one), 404, "not_found");
        assert_problem(
            &decide(outsider, rid, json!({"decision": "approve"})),
            404,
            "not_found",
        );
        assert_problem(
            &outsider.post_json(&format!("{one}/withdraw"), &json!({})),
            404,
            "not_found",
        );
        assert_eq!(ok(outsider.get("/api/approvals?box=mine"))["total"], 0);
    }
    // HQ reads everything but decides no branch's step.
    assert_eq!(ok(hq.get(&one))["id"], rid);
    let hq_decides = decide(&hq, rid, json!({"decision": "approve"}));
    assert_problem(&hq_decides, 403, "forbidden");
    assert_eq!(hq_decides.value()["reason"], "not_approver");
    assert_eq!(ok(manager.get(&one))["permissions"]["decide"], false);

    // Junk of every shape is a 4xx.
    assert_problem(&app.client().get("/api/approvals"), 401, "unauthorized");
    for query in [
        "box=all",
        "kind=loan",
        "status=open",
        "page=0",
        "page_size=500",
    ] {
        assert_problem(
            &rep.get(&format!("/api/approvals?{query}")),
            422,
            "validation_failed",
        );
    }
    for path in [
        "/api/approvals/abc",
        "/api/approvals/0",
        "/api/approvals/99999",
        "/api/approvals/1/x",
    ] {
        assert_problem(&rep.get(path), 404, "not_found");
    }
    assert_problem(
        &rep.put(&one, "application/json", "{}"),
        405,
        "method_not_allowed",
    );
    assert_problem(
        &rep.get(&format!("{one}/decision")),
        405,
        "method_not_allowed",
    );
    assert_problem(
        &rep.post("/api/approvals", "application/json", "{"),
        400,
        "validation_failed",
    );
    assert_problem(
        &rep.post("/api/approvals", "text/plain", "{}"),
        415,
        "unsupported_media_type",
    );
    for (body, field, why) in [
        (json!({"kind": "expense"}), "payload", "required"),
        (
            json!({"kind": "expense", "payload": []}),
            "payload",
            "invalid_type",
        ),
        (json!({"kind": "loan", "payload": {}}), "kind", "invalid"),
        (
            json!({"kind": "customer_transfer", "payload": {}}),
            "kind",
            "invalid",
        ),
        (json!({"kind": 1, "payload": {}}), "kind", "invalid_type"),
        (
            json!({"kind": "expense", "payload": {}, "x": 1}),
            "x",
            "unknown_field",
        ),
    ] {
        let refused = rep.post_json("/api/approvals", &body);
        assert_problem(&refused, 422, "validation_failed");
        assert_eq!(refused.value()["errors"][0]["field"], field, "{body}");
        assert_eq!(refused.value()["errors"][0]["reason"], why, "{body}");
    }
    let lead = signed_in(&app, LEAD);
    for body in [
        json!({}),
        json!({"decision": 1}),
        json!({"decision": "yes"}),
        json!({"decision": "approve", "new_owner_code": "A0002"}),
    ] {
        assert_problem(&decide(&lead, rid, body), 422, "validation_failed");
    }
    assert_problem(
        &lead.post(
            &format!("{one}/decision"),
            "application/json",
            "{\"decision\":",
        ),
        400,
        "validation_failed",
    );
    for body in [
        json!({"name": ""}),
        json!({"name": "x", "mobile": "123"}),
        json!({"name": "x", "kind": "firm"}),
    ] {
        assert_problem(
            &rep.post_json("/api/prospects", &body),
            422,
            "validation_failed",
        );
    }
    assert_problem(
        &rep.get("/api/prospects?status=rich"),
        422,
        "validation_failed",
    );
    assert_problem(&rep.get("/api/prospects/abc"), 404, "not_found");
    assert_problem(&rep.delete("/api/prospects"), 405, "method_not_allowed");
    // Nothing was decided by any of it.
    assert_eq!(ok(rep.get(&one))["history"].as_array().unwrap().len(), 1);
}

#[test]
fn customer_transfers_run_on_the_engine() {
    let app = app_without_demo_customers();
    push_ok(
        &app,
        "customers",
        "approvals-transfer",
        &json!([
            {"account_no": "110000000009", "name": "周八", "owner_code": "A0001", "status": "existing"},
            {"account_no": "110000000010", "name": "吴九", "owner_code": "A0001", "status": "existing"}
        ]),
    );
    let customer = |account: &str| {
        sql_value(
            &app,
            &format!("SELECT id FROM customers WHERE account_no = '{account}'"),
        )
        .as_i64()
        .unwrap()
    };
    let (zhou, wu) = (customer("110000000009"), customer("110000000010"));
    let owner = signed_in(&app, A0001);
    let manager = signed_in(&app, MANAGER);
    let lead = signed_in(&app, LEAD);

    let asked = created(owner.post_json(
        &format!("/api/customers/{zhou}/transfers"),
        &json!({"reason": "客户迁居"}),
    ));
    let rid = id(&asked);
    assert_eq!(asked["kind"], "customer_transfer");
    assert_eq!(asked["title"], "客户转让：周八");
    assert_eq!(
        asked["subject"],
        json!({"type": "customer", "id": zhou, "name": "周八", "account_no": "110000000009"})
    );
    assert_eq!(
        asked["payload"],
        json!({"reason": "客户迁居", "suggested_code": null})
    );
    assert_eq!(audits(&app, "A0001", "customer.transfer_request"), 1);
    // Transfers are filed on their customer, not on /api/approvals.
    assert_problem(
        &file(&owner, "customer_transfer", json!({"reason": "x"})),
        422,
        "validation_failed",
    );
    let todo = ok(manager.get("/api/approvals"));
    assert_eq!(todo["items"][0]["id"], rid);
    assert_problem(
        &decide(
            &lead,
            rid,
            json!({"decision": "approve", "new_owner_code": "A0002"}),
        ),
        403,
        "forbidden",
    );

    // Deleting the customer withdraws its pending transfer.
    let deleted = manager.delete(&format!("/api/customers/{zhou}"));
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    let withdrawn = ok(owner.get(&format!("/api/approvals/{rid}")));
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(
        history(&app, &withdrawn),
        [
            row(Value::Null, "submitted", "A0001", ""),
            row(Value::Null, "withdrawn", "system", "客户已删除"),
        ]
    );
    // The engine withdrew it, as it records every move: audited under the customer.
    assert_eq!(audits(&app, "system", "customer.transfer_withdraw"), 1);
    assert_eq!(ok(manager.get("/api/approvals"))["total"], 0);
    assert_problem(
        &decide(
            &manager,
            rid,
            json!({"decision": "approve", "new_owner_code": "A0002"}),
        ),
        409,
        "conflict",
    );

    // Rejected through the engine, with the ORG-5 audit name.
    let second = id(&created(owner.post_json(
        &format!("/api/customers/{wu}/transfers"),
        &json!({"reason": "工作量调整", "suggested_code": "A0002"}),
    )));
    let rejected = ok(decide(
        &manager,
        second,
        json!({"decision": "reject", "comment": "暂不调整"}),
    ));
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(audits(&app, "0010002", "customer.transfer_reject"), 1);
    assert_eq!(
        sql_value(
            &app,
            "SELECT target FROM audit_log WHERE action = 'customer.transfer_reject'"
        ),
        json!(wu.to_string())
    );
}
