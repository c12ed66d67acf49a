//! HOME-1..3 through the built `home` component, against figures worked out by hand
//! from a small fixture pushed through the partner webhooks.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::TestApp;

/// Now in China time (UTC+8), computed here rather than by either database.
fn china_now() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
}

/// Two reps of their own in team T-SHSC-2, so the demo's customers stay out of the sums.
const REP: Staff = Staff::new("A0101", "19910203", "31010119910203001X", "13900000101");
const OTHER: Staff = Staff::new("A0102", "19930405", "310101199304050027", "13900000102");

fn staff(who: Staff, name: &str) -> Value {
    let born = who.initial_password;
    let birth = format!("{}-{}-{}", &born[..4], &born[4..6], &born[6..]);
    json!({"code": who.code, "name": name, "unit_code": "T-SHSC-2", "position": "营销经理",
           "gender": "male", "birth_date": birth, "mobile": who.mobile, "id_number": who.id_number})
}

/// A CUST-3 row whose totals are made of the parts given: assets = normal + margin,
/// volume = normal + collateral, commission = normal + credit (unlike the ingest suite's
/// rows: volume = normal + credit, commission = normal + collateral).
fn month_row_of_parts(
    account: &str,
    month: &str,
    assets: [&str; 2],
    average: &str,
    volume: [&str; 2],
    commission: [&str; 2],
) -> Value {
    let sum = |a: &str, b: &str| {
        let fen = |t: &str| (t.parse::<f64>().unwrap() * 100.0).round() as i64;
        yuan(fen(a) + fen(b))
    };
    json!({"account_no": account, "month": month,
           "total_assets": sum(assets[0], assets[1]), "normal_assets": assets[0], "margin_assets": assets[1],
           "repo_holding": "0", "floating_holding": "0", "quant_holding": "0",
           "daily_average_assets": average,
           "total_volume": sum(volume[0], volume[1]), "normal_volume": volume[0], "collateral_volume": volume[1], "credit_volume": "0",
           "total_commission": sum(commission[0], commission[1]), "normal_commission": commission[0], "collateral_commission": "0", "credit_commission": commission[1]})
}

/// The fixture, for A0101 in 2025:
/// - C1 opened 2010, effective 2010 — stock, rows for July and August;
/// - C2 opened 2025-03, effective 2025-07 — incremental and effective in August;
/// - C3 opened 2025-08, not effective — incremental;
/// - C4 opened 2012, effective 2012, rows for July and August, cancelled on
///   2025-08-20 with 79,000.00 of assets — stock in July, lost in August;
/// - C5 opened 2015, effective 2016, owned by A0102 until moved to A0101.
fn load_fixture(app: &TestApp) {
    push_ok(
        app,
        "staff",
        "home-staff",
        &json!([staff(REP, "钱进"), staff(OTHER, "孙强")]),
    );
    let customer = |no: &str, name: &str, owner: &str, open: &str, effective: Option<&str>| {
        json!({"account_no": no, "name": name, "owner_code": owner, "status": "existing",
               "open_date": open, "effective_date": effective, "mobile": "13700000000"})
    };
    push_ok(
        app,
        "customers",
        "home-customers",
        &json!([
            customer(
                "990000000001",
                "客户一",
                "A0101",
                "2010-05-01",
                Some("2010-06-01")
            ),
            customer(
                "990000000002",
                "客户二",
                "A0101",
                "2025-03-10",
                Some("2025-07-01")
            ),
            customer("990000000003", "客户三", "A0101", "2025-08-05", None),
            customer(
                "990000000004",
                "客户四",
                "A0101",
                "2012-01-01",
                Some("2012-02-01")
            ),
            customer(
                "990000000005",
                "客户五",
                "A0102",
                "2015-06-01",
                Some("2016-01-01")
            ),
        ]),
    );
    push_ok(
        app,
        "monthly-performance",
        "home-months",
        &json!([
            month_row_of_parts(
                "990000000001",
                "2025-07",
                ["450000", "0"],
                "440000",
                ["1000", "0"],
                ["2", "0"]
            ),
            month_row_of_parts(
                "990000000001",
                "2025-08",
                ["400000", "100000"],
                "480000",
                ["20000", "10000"],
                ["50", "10"]
            ),
            month_row_of_parts(
                "990000000002",
                "2025-08",
                ["200000", "0"],
                "150000",
                ["10000", "0"],
                ["20.50", "0"]
            ),
            month_row_of_parts(
                "990000000003",
                "2025-08",
                ["50000", "0"],
                "20000",
                ["5000", "0"],
                ["3.25", "0"]
            ),
            month_row_of_parts(
                "990000000004",
                "2025-07",
                ["85000", "0"],
                "85000",
                ["0", "0"],
                ["0", "0"]
            ),
            month_row_of_parts(
                "990000000004",
                "2025-08",
                ["80000", "0"],
                "90000",
                ["1000", "0"],
                ["1", "0"]
            ),
            month_row_of_parts(
                "990000000005",
                "2025-08",
                ["300000", "0"],
                "300000",
                ["0", "0"],
                ["0", "0"]
            ),
        ]),
    );
    push_ok(
        app,
        "daily-assets",
        "home-assets",
        &json!([
            {"account_no": "990000000004", "date": "2025-08-19", "total_assets": "79000.00", "cash": "100.00"}
        ]),
    );
    push_ok(
        app,
        "account-events",
        "home-events",
        &json!([
            {"event_no": "E-HOME-1", "account_no": "990000000004", "date": "2025-08-20", "kind": "cancelled"}
        ]),
    );
    push_ok(
        app,
        "customer-relations",
        "home-relations",
        &json!([
            {"account_no": "990000000005", "staff_code": "A0101"}
        ]),
    );
}

fn home(app: &TestApp, session: &Session, month: &str) -> Value {
    let reply = as_user(app, session).get(&format!("/api/home?month={month}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.value()
}

#[test]
fn home_figures_match_the_hand_computed_fixture() {
    let app = app();
    load_fixture(&app);
    let rep = ready(&app, REP);
    let august = home(&app, &rep, "2025-08");
    assert_eq!(august["month"], "2025-08");
    assert_eq!(
        august["heading"],
        "现在是2025年08月，以下为当前名下客户基本情况。"
    );
    // 存量: C1 and C5 (C4 was lost in August). 500,000 + 300,000; 480,000 + 300,000;
    // 60 + 0; 30,000 + 0; both effective.
    assert_eq!(
        august["stock"],
        json!({"customer_count": 2, "total_assets": "800000.00", "daily_average_assets": "780000.00",
               "net_profit": "60.00", "trading_volume": "30000.00", "effective_accounts": 2})
    );
    // 增量: C2 and C3. 200,000 + 50,000; 20.50 + 3.25; 10,000 + 5,000; only C2 effective.
    assert_eq!(
        august["incremental"],
        json!({"new_customers": 2, "end_assets": "250000.00", "net_profit": "23.75",
               "trading_volume": "15000.00", "converted_effective": 1,
               "effective_end_assets": "200000.00", "effective_daily_average_assets": "150000.00",
               "effective_net_profit": "20.50", "effective_trading_volume": "10000.00"})
    );
    // 流失: C4, with its assets on the day before it was cancelled.
    assert_eq!(
        august["lost"],
        json!({"customer_count": 1, "assets": "79000.00"})
    );

    // July: C1 and C4 (not yet lost); C5 moved over with its history; no July row for it.
    let july = home(&app, &rep, "2025-07");
    assert_eq!(july["stock"]["customer_count"], 2);
    assert_eq!(july["stock"]["total_assets"], "535000.00");
    assert_eq!(july["stock"]["daily_average_assets"], "525000.00");
    assert_eq!(july["incremental"]["new_customers"], 0);
    assert_eq!(july["lost"]["customer_count"], 0);

    // The previous owner keeps nothing of C5.
    let other = ready(&app, OTHER);
    let theirs = home(&app, &other, "2025-08");
    assert_eq!(theirs["stock"]["customer_count"], 0);
    assert_eq!(theirs["stock"]["total_assets"], "0.00");
    // The stored per-month rows agree with a recount from the customer rows.
    assert_eq!(
        sql_value(
            &app,
            "SELECT SUM(stock_count + new_count) FROM staff_month_stats WHERE staff_code = 'A0101' AND month = 202508"
        ),
        json!(4)
    );
}

#[test]
fn the_profile_card_lists_and_empty_states() {
    let app = app();
    load_fixture(&app);
    let rep = ready(&app, REP);
    let page = home(&app, &rep, "2025-08");
    let profile = &page["profile"];
    assert_eq!(profile["code"], "A0101");
    assert_eq!(profile["name"], "钱进");
    assert_eq!(profile["branch"], "上海四川南路营业部");
    assert_eq!(profile["position"], "营销经理");
    assert_eq!(profile["status"], "normal");
    assert_eq!(profile["gender"], "male");
    assert_eq!(profile["mobile"], "139****0101");
    let today = china_now().format("%Y-%m-%d").to_string();
    let today = today.as_str();
    let (y, md) = (today[..4].parse::<i64>().unwrap(), &today[5..]);
    let age = y - 1991 - i64::from(md < "02-03");
    assert_eq!(profile["age"], age);

    let followed = &page["followed_customers"];
    assert_eq!(followed["total"], 0);
    assert_eq!(
        followed["empty_text"],
        "没有记录 (可以在客户明细中添加关注)"
    );
    assert_eq!(page["todos"]["empty_text"], "目前没有待办事项");
    assert_eq!(page["favorite_products"]["total"], 0);
    // C4's cancellation raised one alert (ALERT-1 actual churn) for its owner.
    assert_eq!(page["unread_alerts"], 1);
    assert_eq!(
        sql_value(
            &app,
            "SELECT kind || ' ' || day || ' ' || detail FROM customer_alerts WHERE staff_code = 'A0101'"
        ),
        "actual_churn 2025-08-20 cancelled"
    );

    // Following a customer puts it on the home page.
    let id = sql_value(
        &app,
        "SELECT id FROM customers WHERE account_no = '990000000001'",
    );
    let user = as_user(&app, &rep);
    let followed = user.put(
        &format!("/api/customers/{id}/follow"),
        "application/json",
        "",
    );
    assert!(
        followed.status == 200 || followed.status == 204,
        "{}",
        followed.text()
    );
    let page = home(&app, &rep, "2025-08");
    assert_eq!(page["followed_customers"]["total"], 1);
    assert_eq!(page["followed_customers"]["items"][0]["name"], "客户一");
    assert_eq!(page["followed_customers"]["empty_text"], Value::Null);

    // English when asked.
    let en = english(&user).get("/api/home?month=2025-08");
    assert_eq!(en.value()["todos"]["empty_text"], "Nothing to do right now");
    assert_eq!(
        en.value()["heading"],
        "It is now 2025-08; below are the customers currently under your name."
    );
}

#[test]
fn open_tasks_finished_tasks_and_favourite_products_show_on_home() {
    let app = app();
    load_fixture(&app);
    let rep = ready(&app, REP);
    let user = as_user(&app, &rep);
    let page = home(&app, &rep, "2025-08");
    assert_eq!(page["task_todos"]["total"], 0);
    assert_eq!(page["task_todos"]["overdue"], 0);
    assert_eq!(
        page["task_todos"]["empty_text"],
        "没有待办的营销任务 (可以新建工作)"
    );
    assert_eq!(page["recent_tasks"]["empty_text"], "没有历史任务");
    assert_eq!(page["favorite_products"]["empty_text"], "没有收藏的产品");

    // TASK-2: open tasks are the to-dos, soonest first, the past one flagged overdue.
    // Planned times are China time, relative to now (plans lie within a window of it).
    let at = |shift: chrono::Duration| (china_now() + shift).format("%Y-%m-%dT%H:%M").to_string();
    let mut ids = Vec::new();
    for (name, at) in [
        ("张思", at(chrono::Duration::days(10))),
        ("李四", at(chrono::Duration::days(-2))),
        ("王五", at(chrono::Duration::days(20))),
    ] {
        let created = user.post_json(
            "/api/tasks",
            &json!({"customer_name": name, "planned_address": "上海市合肥路1034号",
                    "planned_at": at, "content": "客户预约拜访"}),
        );
        assert_eq!(created.status, 201, "{}", created.text());
        ids.push(created.value()["id"].as_i64().unwrap());
    }
    let page = home(&app, &rep, "2025-08");
    let todos = &page["task_todos"];
    assert_eq!(
        (todos["total"].as_i64(), todos["overdue"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(todos["empty_text"], Value::Null);
    let names = texts(&todos["items"], "customer_name");
    assert_eq!(names, ["李四", "张思", "王五"]);
    assert_eq!(todos["items"][0]["overdue"], true);
    assert_eq!(todos["items"][1]["overdue"], false);

    // TASK-3/4: the executed task leaves the to-dos for the history.
    let done = user.post_json(
        &format!("/api/tasks/{}/execute", ids[1]),
        &json!({"actual_address": "上海市合肥路", "actual_at": at(chrono::Duration::hours(-1)),
                "content": "上门拜访"}),
    );
    assert_eq!(done.status, 200, "{}", done.text());
    let page = home(&app, &rep, "2025-08");
    assert_eq!(page["task_todos"]["total"], 2);
    assert_eq!(page["task_todos"]["overdue"], 0);
    assert_eq!(page["recent_tasks"]["total"], 1);
    assert_eq!(page["recent_tasks"]["items"][0]["customer_name"], "李四");
    assert_eq!(page["recent_tasks"]["items"][0]["status"], "done");
    assert_eq!(page["recent_tasks"]["items"][0]["content"], "上门拜访");

    // PROD-3: a favourite product shows on home, and leaves it when removed.
    let put = user.put("/api/products/OTC452/favorite", "application/json", "");
    assert!(put.status == 200 || put.status == 204, "{}", put.text());
    let page = home(&app, &rep, "2025-08");
    assert_eq!(page["favorite_products"]["total"], 1);
    assert_eq!(page["favorite_products"]["items"][0]["code"], "OTC452");
    assert_eq!(page["favorite_products"]["items"][0]["name"], "海通海融2号");
    assert_eq!(page["favorite_products"]["empty_text"], Value::Null);
    let other = ready(&app, OTHER);
    assert_eq!(
        home(&app, &other, "2025-08")["favorite_products"]["total"],
        0
    );
    assert_eq!(home(&app, &other, "2025-08")["task_todos"]["total"], 0);
    let removed = user.delete("/api/products/OTC452/favorite");
    assert!(
        removed.status == 200 || removed.status == 204,
        "{}",
        removed.text()
    );
    assert_eq!(home(&app, &rep, "2025-08")["favorite_products"]["total"], 0);
}

#[test]
fn a_branch_manager_sees_transfers_to_decide() {
    let app = app();
    load_fixture(&app);
    let rep = ready(&app, REP);
    let id = sql_value(
        &app,
        "SELECT id FROM customers WHERE account_no = '990000000003'",
    );
    let asked = as_user(&app, &rep).post_json(
        &format!("/api/customers/{id}/transfers"),
        &json!({"reason": "客户搬迁至杭州"}),
    );
    assert!(
        asked.status == 201 || asked.status == 200,
        "{}",
        asked.text()
    );
    let manager = ready(&app, MANAGER);
    let page = home(&app, &manager, "2025-08");
    assert_eq!(page["todos"]["total"], 1);
    assert_eq!(page["todos"]["items"][0]["kind"], "customer_transfer");
    assert_eq!(page["todos"]["items"][0]["subject_name"], "客户三");
    assert_eq!(page["todos"]["items"][0]["requester_code"], "A0101");
    // Another branch's manager would not see it; a rep has no such to-dos.
    let rep_page = home(&app, &rep, "2025-08");
    assert_eq!(rep_page["todos"]["total"], 0);
}

#[test]
fn a_lead_sees_development_task_books_to_approve() {
    let app = app();
    let rep = ready(&app, A0001);
    let user = as_user(&app, &rep);
    let prospect = user.post_json("/api/prospects", &json!({"name": "王建国"}));
    assert_eq!(prospect.status, 201, "{}", prospect.text());
    let deadline = (china_now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let book = user.post_json(
        "/api/approvals",
        &json!({"kind": "development", "payload": {
            "prospect_id": prospect.value()["id"], "goal": "开户并转入资产", "deadline": deadline,
            "method": "上门拜访", "needs": "两融咨询"}}),
    );
    assert_eq!(book.status, 201, "{}", book.text());
    let lead = ready(&app, LEAD);
    let page = home(&app, &lead, "2025-08");
    assert_eq!(page["todos"]["total"], 1);
    let todo = &page["todos"]["items"][0];
    assert_eq!(todo["kind"], "development");
    assert_eq!(todo["id"], book.value()["id"]);
    assert_eq!(todo["title"], "客户开发任务书：王建国");
    assert_eq!(todo["requester_code"], "A0001");
    assert_eq!(todo["requester_name"], "李明");
    assert_eq!(todo["submitted_at"], book.value()["submitted_at"]);
    // It is the lead's step: the branch manager and the requester have nothing to do.
    assert_eq!(
        home(&app, &ready(&app, MANAGER), "2025-08")["todos"]["total"],
        0
    );
    assert_eq!(home(&app, &rep, "2025-08")["todos"]["total"], 0);
}

#[test]
fn bad_months_and_missing_tokens_are_refused() {
    let app = app();
    let rep = ready(&app, A0001);
    let user = as_user(&app, &rep);
    for bad in ["2025-13", "2025-8", "abc", "1899-12"] {
        let reply = user.get(&format!("/api/home?month={bad}"));
        assert_problem(&reply, 422, "validation_failed");
    }
    let future = user.get("/api/home?month=2999-01");
    assert_problem(&future, 422, "validation_failed");
    assert_problem(&app.client().get("/api/home"), 401, "unauthorized");
    let post = user.post_json("/api/home", &json!({}));
    assert_eq!(post.status, 405);
    // Without a month: the current one.
    let now = user.get("/api/home");
    assert_eq!(now.status, 200, "{}", now.text());
    let month = china_now().format("%Y-%m").to_string();
    assert_eq!(now.value()["month"], month);
}
