//! TASK-1..5 through the built `tasks` component: a task's life as the 营销任务 screens
//! show it (工作设置 → 工作执行 → 完成), the to-do list with overdue tasks flagged, the
//! history searched by date and customer, cancelling, a lead assigning tasks and
//! reading the team's activity, ORG-4 on every route, refusals of bad input, and the
//! audit log of every write.
//!
//! Demo org: A0001, A0002 and the lead 0010001 in team 8 (四川南路财富一组); A0003 in team
//! 9 of the same branch, whose manager is 0010002; A0004 in another branch; HQ 0010003.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp};

/// One customer per team, pushed as the trading system does.
///
/// | account | name | owner |
/// |---|---|---|
/// | 110000000001 | 张三 | A0001 (team 8) |
/// | 120000000001 | 王五 | A0002 (team 8) |
/// | 130000000001 | 赵六 | A0003 (team 9) |
/// | 140000000001 | 孙七 | A0004 (branch 6) |
fn load_customers(app: &TestApp) {
    push_ok(
        app,
        "customers",
        "task-customers",
        &json!([
            {"account_no": "110000000001", "name": "张三", "owner_code": "A0001", "status": "existing"},
            {"account_no": "120000000001", "name": "王五", "owner_code": "A0002", "status": "existing"},
            {"account_no": "130000000001", "name": "赵六", "owner_code": "A0003", "status": "existing"},
            {"account_no": "140000000001", "name": "孙七", "owner_code": "A0004", "status": "existing"}
        ]),
    );
}

fn text(value: Value) -> String {
    value.as_str().unwrap().to_owned()
}

/// Seconds in an offset written as `'+1 day'`, `'-10 minutes'`, `'+2 hours'`.
fn offset_seconds(offset: &str) -> i64 {
    let (amount, unit) = offset.split_once(' ').unwrap();
    let amount: i64 = amount.trim_start_matches('+').parse().unwrap();
    let unit = match unit.trim_end_matches('s') {
        "second" => 1,
        "minute" => 60,
        "hour" => 3600,
        "day" => 86_400,
        other => panic!("unknown offset unit {other}"),
    };
    amount * unit
}

/// Now moved by `offset` (`'+1 day'`), as stored: RFC 3339 UTC.
fn utc(_app: &TestApp, offset: &str) -> String {
    zhanye_platform::time::rfc3339(unix_now() + offset_seconds(offset))
}

/// Now moved by `offset` as a China-time wall clock (`2026-03-10 15:30`, as the screen
/// takes it) and the same minute as stored.
fn china_clock(_app: &TestApp, offset: &str) -> (String, String) {
    let at = unix_now() + offset_seconds(offset);
    let china = zhanye_platform::time::rfc3339(at + zhanye_platform::time::CHINA_OFFSET_SECONDS);
    let stored = zhanye_platform::time::rfc3339(at);
    (
        china[..16].replace('T', " "),
        format!("{}:00Z", &stored[..16]),
    )
}

/// Sets up a task, asserting 201; answers the task.
fn create(client: &Client, body: &Value) -> Value {
    let reply = client.post_json("/api/tasks", body);
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.value()
}

/// A plan for a customer known by name only, at `planned_at`.
fn plan(name: &str, planned_at: &str) -> Value {
    json!({"customer_name": name, "planned_address": "上海市黄浦区四川南路1号",
           "planned_at": planned_at, "content": format!("拜访{name}")})
}

fn id_of(task: &Value) -> i64 {
    task["id"].as_i64().unwrap()
}

/// The ids of a list answer, in order.
fn ids(reply: &Reply) -> Vec<i64> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

fn execute(client: &Client, id: i64, body: &Value) -> Reply {
    client.post_json(&format!("/api/tasks/{id}/execute"), body)
}

fn cancel(client: &Client, id: i64, body: &Value) -> Reply {
    client.post_json(&format!("/api/tasks/{id}/cancel"), body)
}

/// A valid execution done ten minutes ago.
fn execution(app: &TestApp, coworkers: &[&str]) -> Value {
    json!({"actual_address": "上海市合肥路", "actual_at": china_clock(app, "-10 minutes").0,
           "coworkers": coworkers, "content": "上门拜访"})
}

#[test]
fn a_task_from_set_up_to_history_as_the_seed_shows_it() {
    let app = app_without_demo_customers();
    load_customers(&app);
    let rep = signed_in(&app, A0001);

    // 工作设置, without an account number: the customer is known by name.
    let (tomorrow, tomorrow_stored) = china_clock(&app, "+1 day");
    let seed = create(
        &rep,
        &json!({"account_no": "", "customer_name": "张思", "planned_address": "上海市合肥路1042号",
                "planned_at": tomorrow, "content": "客户见证开户预约"}),
    );
    assert_eq!(seed["status"], "open");
    assert_eq!(seed["overdue"], false);
    assert_eq!(
        seed["customer"],
        json!({"id": null, "account_no": null, "name": "张思"})
    );
    assert_eq!(
        seed["plan"],
        json!({"address": "上海市合肥路1042号", "planned_at": tomorrow_stored, "content": "客户见证开户预约"})
    );
    assert_eq!(
        seed["responsible"],
        json!({"code": "A0001", "name": "李明"})
    );
    assert_eq!(seed["created_by"], json!({"code": "A0001", "name": "李明"}));
    assert_eq!(seed["execution"], Value::Null);
    assert_eq!(seed["history"].as_array().unwrap().len(), 1);
    assert_eq!(seed["history"][0]["event"], "created");

    // With an account number of one of the rep's customers: its name is the customer's,
    // whatever was typed.
    let (in_two_hours, _) = china_clock(&app, "+2 hours");
    let with_account = create(
        &rep,
        &json!({"account_no": "110000000001", "customer_name": "别的名字", "planned_address": "客户家中",
                "planned_at": in_two_hours, "content": "客户预约拜访"}),
    );
    assert_eq!(
        with_account["customer"],
        json!({"id": customer_id(&app, "110000000001"), "account_no": "110000000001", "name": "张三"})
    );

    // An RFC 3339 time an hour ago: overdue from the start.
    let an_hour_ago = utc(&app, "-1 hour");
    let overdue = create(&rep, &plan("钱八", &an_hour_ago));
    assert_eq!(overdue["overdue"], true);
    assert_eq!(overdue["plan"]["planned_at"], an_hour_ago);

    // 待办: by planned time, the overdue one first and flagged.
    let open = rep.get("/api/tasks");
    assert_eq!(
        ids(&open),
        [id_of(&overdue), id_of(&with_account), id_of(&seed)]
    );
    let listed = open.value();
    assert_eq!(listed["status"], "open");
    assert_eq!(listed["total"], 3);
    assert_eq!(listed["overdue"], 1);
    assert_eq!(listed["items"][0]["overdue"], true);
    assert_eq!(listed["items"][1]["overdue"], false);
    assert_eq!(listed["items"][1]["customer_name"], "张三");
    assert_eq!(listed["items"][1]["account_no"], "110000000001");
    assert_eq!(listed["items"][1]["responsible_name"], "李明");
    assert_eq!(
        ids(&rep.get("/api/tasks?page=2&page_size=2")),
        [id_of(&seed)]
    );

    // The 营销工作任务 screen of the task to execute: the plan, nothing done yet.
    let task = id_of(&with_account);
    let shown = rep.get(&format!("/api/tasks/{task}"));
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(shown.value(), with_account);

    // 工作执行 with two co-workers, typed as people type codes.
    let (ten_minutes_ago, ten_minutes_ago_stored) = china_clock(&app, "-10 minutes");
    let done = execute(
        &rep,
        task,
        &json!({"actual_address": "上海市合肥路", "actual_at": ten_minutes_ago,
                "coworkers": ["a0002", "0010001"], "content": "上门拜访"}),
    );
    assert_eq!(done.status, 200, "{}", done.text());
    let done = done.value();
    assert_eq!(done["status"], "done");
    assert_eq!(done["overdue"], false);
    assert_eq!(
        done["plan"], with_account["plan"],
        "the plan stays as it was"
    );
    assert_eq!(done["customer"], with_account["customer"]);
    let executed = &done["execution"];
    assert_eq!(executed["address"], "上海市合肥路");
    assert_eq!(executed["content"], "上门拜访");
    assert_eq!(
        executed["actual_at"], ten_minutes_ago_stored,
        "China-time clock stored in UTC"
    );
    assert_eq!(
        executed["coworkers"],
        json!([{"code": "0010001", "name": "陈刚"}, {"code": "A0002", "name": "王芳"}])
    );
    let events: Vec<String> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| text(h["event"].clone()))
        .collect();
    assert_eq!(events, ["created", "executed"]);
    assert_eq!(done["history"][1]["by"]["code"], "A0001");

    // 完成: gone from the to-dos, in the history.
    assert_eq!(ids(&rep.get("/api/tasks")), [id_of(&overdue), id_of(&seed)]);
    let history = rep.get("/api/tasks?status=done");
    assert_eq!(ids(&history), [task]);
    assert_eq!(
        history.value()["items"][0]["closed_at"],
        done["execution"]["done_at"]
    );
    assert_eq!(history.value()["overdue"], 0);
    assert_eq!(ids(&rep.get("/api/tasks?status=closed")), [task]);
    assert_eq!(
        ids(&rep.get("/api/tasks?status=cancelled")),
        Vec::<i64>::new()
    );

    // Searched by date (the day it was done) and by customer.
    let today = china_day(&app, 0);
    let yesterday = china_day(&app, -1);
    let search = |query: &str| ids(&rep.get(&format!("/api/tasks?status=done&{query}")));
    assert_eq!(search(&format!("from={today}&to={today}")), [task]);
    assert_eq!(search(&format!("from={today}")), [task]);
    assert_eq!(search(&format!("to={yesterday}")), Vec::<i64>::new());
    assert_eq!(
        search(&format!("from={}", china_day(&app, 1))),
        Vec::<i64>::new()
    );
    assert_eq!(search("q=1100"), [task]);
    assert_eq!(search("q=110000000001"), [task]);
    assert_eq!(search("q=12"), Vec::<i64>::new());
    assert_eq!(search("q=%E5%BC%A0"), [task]);
    assert_eq!(search("q=%E6%9D%8E"), Vec::<i64>::new());
    // Any part of the name, the last digits of the account number.
    assert_eq!(search("q=%E4%B8%89"), [task]);
    assert_eq!(search("q=%20%E4%B8%89%20"), [task]);
    assert_eq!(search("q=0001"), [task]);
    assert_eq!(search("q=00000001"), [task]);
    assert_eq!(search("q=0002"), Vec::<i64>::new());
    assert_eq!(search("q=%25"), Vec::<i64>::new());
    // The to-dos search the same way, by planned day.
    assert_eq!(
        ids(&rep.get("/api/tasks?q=%E5%BC%A0%E6%80%9D")),
        [id_of(&seed)]
    );

    // The detail shows plan and execution together, to whoever sees it.
    let again = rep.get(&format!("/api/tasks/{task}")).value();
    assert_eq!(again, done);
    let helper = signed_in(&app, A0002);
    assert_eq!(helper.get(&format!("/api/tasks/{task}")).value(), done);
    assert_eq!(
        ids(&helper.get("/api/tasks?scope=coworked&status=done")),
        [task]
    );
    assert_eq!(ids(&helper.get("/api/tasks")), Vec::<i64>::new());
    // A co-worker sees but does not execute or cancel it.
    assert_problem(
        &execute(&helper, task, &execution(&app, &[])),
        403,
        "forbidden",
    );
    assert_problem(&cancel(&helper, task, &json!({})), 403, "forbidden");

    // Every write is in the audit log.
    assert_eq!(audits(&app, "A0001", "task.create"), 3);
    assert_eq!(audits(&app, "A0001", "task.execute"), 1);
    let detail = text(sql_value(
        &app,
        &format!(
            "SELECT detail FROM audit_log WHERE action = 'task.execute' AND target = '{task}'"
        ),
    ));
    assert!(
        detail.contains("0010001") && detail.contains("A0002"),
        "{detail}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM task_coworkers WHERE task_id = {task}")
        ),
        2
    );
}

#[test]
fn cancelling_keeps_the_plan_and_done_or_cancelled_is_final() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    let (planned, _) = china_clock(&app, "+1 day");
    let task = create(&rep, &plan("张思", &planned));
    let id = id_of(&task);

    let cancelled = cancel(&rep, id, &json!({"reason": " 客户改期 "}));
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    let cancelled = cancelled.value();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["plan"], task["plan"]);
    assert_eq!(cancelled["customer"], task["customer"]);
    assert_eq!(cancelled["execution"], Value::Null);
    assert_eq!(cancelled["cancellation"]["reason"], "客户改期");
    assert_eq!(cancelled["cancellation"]["by"]["code"], "A0001");
    assert_eq!(cancelled["history"][1]["event"], "cancelled");
    assert_eq!(ids(&rep.get("/api/tasks")), Vec::<i64>::new());
    assert_eq!(ids(&rep.get("/api/tasks?status=cancelled")), [id]);
    assert_eq!(ids(&rep.get("/api/tasks?status=closed")), [id]);

    // Cancelling twice, or executing a cancelled task: 409 in both languages, and the
    // task is as it was.
    let twice = cancel(&rep, id, &json!({"reason": "再次取消"}));
    assert_problem(&twice, 409, "conflict");
    assert_eq!(twice.value()["detail"], "该任务已取消，不能再次取消。");
    assert_eq!(twice.value()["task_status"], "cancelled");
    let english = english(&rep);
    let refused = execute(&english, id, &execution(&app, &["A0002"]));
    assert_problem(&refused, 409, "conflict");
    assert_eq!(
        refused.value()["detail"],
        "The task has been cancelled; it cannot be executed."
    );
    assert_eq!(rep.get(&format!("/api/tasks/{id}")).value(), cancelled);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM task_coworkers"), 0);

    // Executing a done task again, or cancelling it: 409, the execution unchanged.
    let other = id_of(&create(&rep, &plan("钱八", &planned)));
    let done = execute(&rep, other, &execution(&app, &[]));
    assert_eq!(done.status, 200, "{}", done.text());
    let done = done.value();
    let again = execute(
        &english,
        other,
        &json!({"actual_address": "别处", "actual_at": china_clock(&app, "-1 minute").0, "content": "再来一次"}),
    );
    assert_problem(&again, 409, "conflict");
    assert_eq!(
        again.value()["detail"],
        "The task is already done; it cannot be executed again."
    );
    assert_problem(&cancel(&rep, other, &json!({})), 409, "conflict");
    assert_eq!(rep.get(&format!("/api/tasks/{other}")).value(), done);

    assert_eq!(audits(&app, "A0001", "task.cancel"), 1);
    assert_eq!(audits(&app, "A0001", "task.execute"), 1);
}

#[test]
fn a_lead_assigns_tasks_and_reads_the_teams_activity() {
    let app = app_without_demo_customers();
    load_customers(&app);
    let rep = signed_in(&app, A0001);
    let member = signed_in(&app, A0002);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let hq = signed_in(&app, HQ);
    let other_team = signed_in(&app, A0003);
    let other_branch = signed_in(&app, A0004);

    // A0001's own: one overdue, one tomorrow, one executed with A0002 helping.
    let overdue = create(&rep, &plan("钱八", &utc(&app, "-1 hour")));
    let tomorrow = create(&rep, &plan("周九", &china_clock(&app, "+1 day").0));
    let visited = create(&rep, &plan("吴十", &china_clock(&app, "+2 hours").0));
    let response = execute(&rep, id_of(&visited), &execution(&app, &["A0002"]));
    assert_eq!(response.status, 200, "{}", response.text());

    // The lead assigns two to A0002 (one for a team customer by account number) and
    // cancels one of them.
    let assigned = create(
        &lead,
        &json!({"account_no": "120000000001", "planned_address": "客户公司", "planned_at": china_clock(&app, "+3 hours").0,
                "responsible_code": "a0002", "content": "陪同拜访"}),
    );
    assert_eq!(
        assigned["responsible"],
        json!({"code": "A0002", "name": "王芳"})
    );
    assert_eq!(
        assigned["created_by"],
        json!({"code": "0010001", "name": "陈刚"})
    );
    assert_eq!(assigned["customer"]["name"], "王五");
    let dropped = create(
        &lead,
        &json!({"customer_name": "郑十一", "planned_address": "营业部", "planned_at": china_clock(&app, "+4 hours").0,
                "responsible_code": "A0002", "content": "开户见证"}),
    );
    assert_eq!(
        ids(&member.get("/api/tasks")),
        [id_of(&assigned), id_of(&dropped)]
    );
    assert_eq!(ids(&lead.get("/api/tasks")), Vec::<i64>::new());

    // Only the responsible executes; the creator may cancel; others who see it may
    // neither; those who do not see it get 404 for everything.
    let task = id_of(&dropped);
    assert_problem(
        &execute(&lead, task, &execution(&app, &[])),
        403,
        "forbidden",
    );
    assert_problem(
        &execute(&manager, task, &execution(&app, &[])),
        403,
        "forbidden",
    );
    assert_problem(&cancel(&manager, task, &json!({})), 403, "forbidden");
    assert_problem(&cancel(&hq, task, &json!({})), 403, "forbidden");
    for (who, client) in [
        ("teammate", &rep),
        ("other team", &other_team),
        ("other branch", &other_branch),
    ] {
        for reply in [
            client.get(&format!("/api/tasks/{task}")),
            execute(client, task, &execution(&app, &[])),
            cancel(client, task, &json!({})),
        ] {
            assert_eq!(reply.status, 404, "{who}: {}", reply.text());
        }
    }
    for client in [&lead, &manager, &hq, &member] {
        assert_eq!(client.get(&format!("/api/tasks/{task}")).status, 200);
    }
    let by_lead = cancel(&lead, task, &json!({"reason": "客户已自行办理"}));
    assert_eq!(by_lead.status, 200, "{}", by_lead.text());
    assert_eq!(by_lead.value()["cancellation"]["by"]["code"], "0010001");

    // Assigning outside the team, to no one, or as a rep.
    let nobody_more = count(&app, "SELECT COUNT(*) FROM tasks");
    for code in ["A0003", "A0004", "A9999", "0010003"] {
        let body = json!({"customer_name": "x", "planned_address": "x", "planned_at": china_clock(&app, "+1 hour").0,
                          "responsible_code": code, "content": "x"});
        assert_eq!(
            field_errors(&lead.post_json("/api/tasks", &body)),
            one_error("responsible_code", "unknown_reference"),
            "{code}"
        );
    }
    let refused = english(&rep).post_json(
        "/api/tasks",
        &json!({"customer_name": "x", "planned_address": "x", "planned_at": china_clock(&app, "+1 hour").0,
                "responsible_code": "A0002", "content": "x"}),
    );
    assert_problem(&refused, 403, "forbidden");
    assert!(text(refused.value()["detail"].clone()).starts_with("Only a team lead"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks"), nobody_more);

    // The team's tasks for the lead and the branch's for the manager; not for a rep.
    let team = lead.get("/api/tasks?scope=team");
    assert_eq!(
        ids(&team),
        [id_of(&overdue), id_of(&assigned), id_of(&tomorrow)]
    );
    assert_eq!(team.value()["overdue"], 1);
    assert_eq!(
        ids(&manager.get("/api/tasks?scope=team&status=closed")),
        [task, id_of(&visited)]
    );
    // HQ's view of the firm pages through the tasks in time order: the same answer.
    assert_eq!(ids(&hq.get("/api/tasks?scope=team")), ids(&team));
    assert_eq!(
        ids(&hq.get("/api/tasks?scope=team&status=closed&page_size=1&page=2")),
        [id_of(&visited)]
    );
    assert_problem(&rep.get("/api/tasks?scope=team"), 403, "forbidden");

    // 活动量 over five days around today.
    let period = format!("from={}&to={}", china_day(&app, -2), china_day(&app, 2));
    let activity = lead.get(&format!("/api/tasks/activity?{period}"));
    assert_eq!(activity.status, 200, "{}", activity.text());
    let activity = activity.value();
    assert_eq!(activity["from"], china_day(&app, -2));
    assert_eq!(
        activity["unit"],
        json!({"code": "T-SHSC-1", "name": "四川南路财富一组", "kind": "team"})
    );
    let rows = |answer: &Value| -> Vec<(String, [i64; 6])> {
        answer["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let n = |k: &str| m[k].as_i64().unwrap();
                (
                    text(m["code"].clone()),
                    [
                        n("created"),
                        n("done"),
                        n("cancelled"),
                        n("open"),
                        n("overdue"),
                        n("coworked"),
                    ],
                )
            })
            .collect()
    };
    let row = |code: &str, counts: [i64; 6]| (code.to_owned(), counts);
    // [created, done, cancelled, open, overdue, co-worked]
    assert_eq!(
        rows(&activity),
        [
            row("0010001", [0, 0, 0, 0, 0, 0]),
            row("A0001", [3, 1, 0, 2, 1, 0]),
            row("A0002", [2, 0, 1, 1, 0, 1]),
        ]
    );
    assert_eq!(
        activity["totals"],
        json!({"created": 5, "done": 1, "cancelled": 1, "open": 3, "overdue": 1, "coworked": 1})
    );
    assert_eq!(activity["members"][1]["name"], "李明");
    assert_eq!(activity["members"][1]["unit_name"], "四川南路财富一组");

    // The branch manager: the branch's staff, themself and team 9 included.
    let branch = manager
        .get(&format!("/api/tasks/activity?{period}"))
        .value();
    assert_eq!(
        rows(&branch),
        [
            row("0010002", [0; 6]),
            row("0010001", [0; 6]),
            row("A0001", [3, 1, 0, 2, 1, 0]),
            row("A0002", [2, 0, 1, 1, 0, 1]),
            row("A0003", [0; 6]),
        ]
    );
    assert_eq!(branch["totals"], activity["totals"]);
    let team9 = manager
        .get(&format!("/api/tasks/activity?{period}&unit=T-SHSC-2"))
        .value();
    assert_eq!(rows(&team9), [row("A0003", [0; 6])]);
    let shenzhen = hq
        .get(&format!("/api/tasks/activity?{period}&unit=B-SZFH"))
        .value();
    assert_eq!(rows(&shenzhen), [row("A0004", [0; 6])]);
    assert_eq!(
        hq.get(&format!("/api/tasks/activity?{period}")).value()["totals"],
        activity["totals"]
    );
    // A period with nothing in it still lists everyone.
    let long_ago = lead
        .get("/api/tasks/activity?from=2020-01-01&to=2020-12-31")
        .value();
    assert_eq!(rows(&long_ago).len(), 3);
    assert_eq!(long_ago["totals"]["created"], 0);
    // The default period is the current month.
    let month = lead.get("/api/tasks/activity").value();
    assert!(text(month["from"].clone()).ends_with("-01"), "{month}");
    assert_eq!(&text(month["from"].clone())[..7], &china_day(&app, 0)[..7]);

    // Refused: a rep; a unit outside the caller's; bad periods.
    assert_problem(&rep.get("/api/tasks/activity"), 403, "forbidden");
    for (query, expected) in [
        ("unit=T-SHSC-2", one_error("unit", "unknown_reference")),
        ("unit=NOPE", one_error("unit", "unknown_reference")),
        ("from=2026-13-01", one_error("from", "invalid_format")),
        (
            "from=2026-03-02&to=2026-03-01",
            one_error("to", "out_of_range"),
        ),
        (
            "from=2024-01-01&to=2025-01-01",
            one_error("to", "out_of_range"),
        ),
    ] {
        assert_eq!(
            field_errors(&lead.get(&format!("/api/tasks/activity?{query}"))),
            expected,
            "{query}"
        );
    }

    // A suspended member is no longer assigned to, nor listed.
    sql(
        &app,
        "UPDATE staff SET status = 'suspended' WHERE code = 'A0002'",
    );
    let body = json!({"customer_name": "x", "planned_address": "x", "planned_at": china_clock(&app, "+1 hour").0,
                      "responsible_code": "A0002", "content": "x"});
    assert_eq!(
        field_errors(&lead.post_json("/api/tasks", &body)),
        one_error("responsible_code", "not_active")
    );
    let after = lead.get(&format!("/api/tasks/activity?{period}")).value();
    assert_eq!(
        rows(&after)
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        ["0010001", "A0001"]
    );

    assert_eq!(audits(&app, "0010001", "task.create"), 2);
    assert_eq!(audits(&app, "0010001", "task.cancel"), 1);
}

/// `(execute, cancel)` of a task's `permissions` as `client` reads it.
fn permissions(client: &Client, id: i64) -> (bool, bool) {
    let reply = client.get(&format!("/api/tasks/{id}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let permissions = &reply.value()["permissions"];
    (
        permissions["execute"].as_bool().unwrap(),
        permissions["cancel"].as_bool().unwrap(),
    )
}

#[test]
fn a_lead_lists_the_tasks_they_assigned_and_each_sees_what_they_may_do() {
    let app = app_without_demo_customers();
    load_customers(&app);
    let rep = signed_in(&app, A0001);
    let member = signed_in(&app, A0002);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);

    // The lead's own task stays on their own list only; the two they set up for A0001
    // and A0002 leave it and are under 我发起的, by planned time.
    let own = create(&lead, &plan("钱八", &china_clock(&app, "+1 hour").0));
    let later = create(
        &lead,
        &json!({"customer_name": "周九", "planned_address": "营业部", "planned_at": china_clock(&app, "+5 hours").0,
                "responsible_code": "A0001", "content": "开户见证"}),
    );
    let sooner = create(
        &lead,
        &json!({"customer_name": "吴十", "planned_address": "客户公司", "planned_at": china_clock(&app, "+2 hours").0,
                "responsible_code": "A0002", "content": "陪同拜访"}),
    );
    // A rep's own task is nobody's assignment.
    let by_rep = create(&rep, &plan("郑十一", &china_clock(&app, "+3 hours").0));
    assert_eq!(ids(&lead.get("/api/tasks")), [id_of(&own)]);
    let assigned = lead.get("/api/tasks?scope=assigned");
    assert_eq!(ids(&assigned), [id_of(&sooner), id_of(&later)]);
    assert_eq!(assigned.value()["scope"], "assigned");
    assert_eq!(assigned.value()["total"], 2);
    assert_eq!(assigned.value()["items"][0]["responsible_code"], "A0002");
    assert_eq!(ids(&rep.get("/api/tasks")), [id_of(&by_rep), id_of(&later)]);
    for client in [&rep, &member, &manager] {
        assert_eq!(
            ids(&client.get("/api/tasks?scope=assigned")),
            Vec::<i64>::new()
        );
    }
    assert_eq!(
        ids(&lead.get("/api/tasks?scope=assigned&q=%E5%91%A8")),
        [id_of(&later)]
    );

    // Who may do what, as each reads the task: the responsible executes and cancels,
    // the creator only cancels, the branch manager neither.
    let task = id_of(&later);
    assert_eq!(permissions(&rep, task), (true, true));
    assert_eq!(permissions(&lead, task), (false, true));
    assert_eq!(permissions(&manager, task), (false, false));
    assert_eq!(permissions(&lead, id_of(&own)), (true, true));
    // The detail offers nothing the server then refuses.
    assert_problem(
        &execute(&lead, task, &execution(&app, &[])),
        403,
        "forbidden",
    );
    let done = execute(&rep, task, &execution(&app, &[]));
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(
        done.value()["permissions"],
        json!({"execute": false, "cancel": false})
    );
    assert_eq!(permissions(&lead, task), (false, false));

    // Done, it moves to the history of 我发起的; cancelling the other moves it too.
    let by_lead = cancel(&lead, id_of(&sooner), &json!({"reason": "客户改期"}));
    assert_eq!(by_lead.status, 200, "{}", by_lead.text());
    assert_eq!(
        ids(&lead.get("/api/tasks?scope=assigned")),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&lead.get("/api/tasks?scope=assigned&status=closed")),
        [id_of(&sooner), task]
    );
    assert_eq!(
        ids(&lead.get("/api/tasks?scope=assigned&status=done")),
        [task]
    );
    assert_problem(&lead.get("/api/tasks?scope=mine"), 422, "validation_failed");
}

#[test]
fn customers_outside_the_scope_and_bad_input_are_refused() {
    let app = app_without_demo_customers();
    load_customers(&app);
    let rep = signed_in(&app, A0001);
    let english = english(&rep);
    let planned = china_clock(&app, "+1 day").0;
    let with_account = |account: &str| json!({"account_no": account, "planned_address": "x", "planned_at": planned, "content": "x"});

    // Another rep's customer is refused exactly like an account that does not exist.
    let foreign = rep.post_json("/api/tasks", &with_account("130000000001"));
    let unknown = rep.post_json("/api/tasks", &with_account("999999999999"));
    assert_eq!(
        field_errors(&foreign),
        one_error("account_no", "unknown_reference")
    );
    assert_eq!(foreign.value(), unknown.value());
    assert_eq!(
        field_errors(&rep.post_json("/api/tasks", &with_account("120000000001"))),
        one_error("account_no", "unknown_reference")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks"), 0);
    // The lead reads A0002's customer, so may name it; not team 9's.
    let lead = signed_in(&app, LEAD);
    create(&lead, &with_account("120000000001"));
    assert_eq!(
        field_errors(&lead.post_json("/api/tasks", &with_account("130000000001"))),
        one_error("account_no", "unknown_reference")
    );

    // Missing and malformed fields, each named.
    let cases: Vec<(Value, Vec<(String, String)>)> = vec![
        (json!({}), one_error("planned_address", "required")),
        (
            json!({"planned_address": "x", "planned_at": planned, "content": "x"}),
            one_error("customer_name", "required"),
        ),
        (
            json!({"customer_name": "x", "planned_address": " ", "planned_at": "10/09/2014 15:32", "content": ""}),
            vec![
                ("planned_address".into(), "required".into()),
                ("planned_at".into(), "invalid_format".into()),
                ("content".into(), "required".into()),
            ],
        ),
        (
            json!({"customer_name": "x", "planned_address": "x", "planned_at": "2020-01-01 10:00", "content": "x"}),
            one_error("planned_at", "out_of_range"),
        ),
        (
            json!({"customer_name": "x", "planned_address": "x", "planned_at": planned, "content": "容".repeat(1001)}),
            one_error("content", "too_long"),
        ),
        (
            json!({"customer_name": "x", "planned_address": 5, "planned_at": planned, "content": "x"}),
            one_error("planned_address", "invalid_type"),
        ),
        (
            json!({"customer_name": "x", "planned_address": "x", "planned_at": planned, "content": "x", "extra": 1}),
            one_error("extra", "unknown_field"),
        ),
        (
            json!({"customer_name": "x", "planned_address": "x", "planned_at": planned, "content": "x", "responsible_code": "B12"}),
            one_error("responsible_code", "invalid_format"),
        ),
    ];
    for (body, expected) in cases {
        let reply = english.post_json("/api/tasks", &body);
        assert_eq!(field_errors(&reply), expected, "{body}");
        let problem = reply.value();
        assert_eq!(
            problem["detail"],
            "Some of the submitted data is invalid; check it and try again."
        );
        assert!(problem["errors"][0]["message"].is_string());
    }
    // A bidi override would show this name as "abcexe.jpg": refused, and said why.
    let bidi = english.post_json(
        "/api/tasks",
        &json!({"customer_name": "abc\u{202e}gpj.exe", "planned_address": "x", "planned_at": planned, "content": "x"}),
    );
    assert_problem(&bidi, 422, "validation_failed");
    assert_eq!(
        field_errors(&bidi),
        one_error("customer_name", "misleading_character")
    );
    assert_eq!(
        bidi.value()["errors"][0]["message"],
        "contains an invisible direction-control or zero-width character"
    );
    let zero_width = rep.post_json(
        "/api/tasks",
        &json!({"customer_name": "张三", "planned_address": "x", "planned_at": planned, "content": "拜\u{200b}访"}),
    );
    assert_eq!(
        field_errors(&zero_width),
        one_error("content", "misleading_character")
    );
    assert_eq!(
        zero_width.value()["errors"][0]["message"],
        "含有不可见的方向控制或零宽字符"
    );
    let chinese = rep.post_json("/api/tasks", &json!({}));
    assert_problem(&chinese, 422, "validation_failed");
    assert_eq!(chinese.header("content-language"), Some("zh-CN"));
    assert!(!text(chinese.value()["detail"].clone()).is_ascii());
    // Junk bodies.
    assert_problem(
        &rep.post("/api/tasks", "application/json", "not json"),
        400,
        "validation_failed",
    );
    assert_problem(
        &rep.post("/api/tasks", "application/json", "[]"),
        422,
        "validation_failed",
    );
    assert_problem(
        &rep.post("/api/tasks", "text/plain", "{}"),
        415,
        "unsupported_media_type",
    );
    assert_problem(
        &rep.post("/api/tasks", "application/json", vec![b'x'; 20_000]),
        413,
        "payload_too_large",
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tasks"), 1);

    // Executions with bad co-workers and times change nothing.
    let task = id_of(&create(&rep, &plan("张思", &planned)));
    let bad_executions: Vec<(Value, Vec<(String, String)>)> = vec![
        (
            execution(&app, &["A9999"]),
            one_error("coworkers[0]", "unknown_reference"),
        ),
        (
            execution(&app, &["A0002", "A0001"]),
            one_error("coworkers[1]", "is_responsible"),
        ),
        (
            execution(&app, &["A0002", "a0002"]),
            one_error("coworkers[1]", "duplicate"),
        ),
        (
            execution(&app, &["nobody"]),
            one_error("coworkers[0]", "invalid_format"),
        ),
        (
            json!({"actual_address": "x", "actual_at": china_clock(&app, "+1 hour").0, "content": "x"}),
            one_error("actual_at", "in_the_future"),
        ),
        (
            json!({"actual_address": "", "actual_at": "yesterday", "content": "x"}),
            vec![
                ("actual_address".into(), "required".into()),
                ("actual_at".into(), "invalid_format".into()),
            ],
        ),
        (
            json!({"actual_address": "x", "actual_at": planned, "content": "x", "coworkers": "A0002"}),
            one_error("coworkers", "invalid_type"),
        ),
    ];
    for (body, expected) in bad_executions {
        assert_eq!(
            field_errors(&execute(&english, task, &body)),
            expected,
            "{body}"
        );
    }
    sql(
        &app,
        "UPDATE staff SET status = 'left' WHERE code = 'A0003'",
    );
    assert_eq!(
        field_errors(&execute(&rep, task, &execution(&app, &["A0003"]))),
        one_error("coworkers[0]", "not_active")
    );
    assert_problem(&execute(&rep, task, &json!([])), 422, "validation_failed");
    assert_eq!(
        rep.get(&format!("/api/tasks/{task}")).value()["status"],
        "open"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM task_coworkers"), 0);
    assert_eq!(
        field_errors(&cancel(&rep, task, &json!({"reason": "因".repeat(201)}))),
        one_error("reason", "too_long")
    );
    assert_eq!(audits(&app, "A0001", "task.execute"), 0);
    assert_eq!(audits(&app, "A0001", "task.cancel"), 0);

    // Lists with bad parameters.
    for (query, field, reason) in [
        ("status=pending", "status", "invalid"),
        ("scope=everyone", "scope", "invalid"),
        ("from=2026-3-1", "from", "invalid_format"),
        ("from=2026-03-02&to=2026-03-01", "to", "out_of_range"),
        ("page_size=500", "page_size", "out_of_range"),
    ] {
        assert_eq!(
            field_errors(&rep.get(&format!("/api/tasks?{query}"))),
            one_error(field, reason),
            "{query}"
        );
    }

    // Paths and methods, as the other components answer them.
    for path in [
        "/api/tasks/abc",
        "/api/tasks/0",
        "/api/tasks/99999",
        "/api/tasks/-1",
        "/api/tasks/1/other",
        "/api/tasks/activity/x",
    ] {
        assert_problem(&rep.get(path), 404, "not_found");
    }
    for (method, path, allow) in [
        ("DELETE", "/api/tasks", "GET, POST"),
        ("PUT", "/api/tasks/activity", "GET"),
        ("POST", &format!("/api/tasks/{task}") as &str, "GET"),
        ("GET", &format!("/api/tasks/{task}/execute"), "POST"),
        ("DELETE", &format!("/api/tasks/{task}/cancel"), "POST"),
    ] {
        assert_not_allowed(&rep, method, path, allow);
    }
    assert_problem(&app.client().get("/api/tasks"), 401, "unauthorized");
    assert_problem(
        &app.client().post_json("/api/tasks", &plan("x", &planned)),
        401,
        "unauthorized",
    );
}
