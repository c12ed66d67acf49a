//! CUST-1..5, CUST-8 and ORG-4/5 through the built `customers` component, on a small
//! fixture pushed through the partner webhooks: who sees which customer, search,
//! detail and masking, performance, follows, notes, contacts, delegation, transfer,
//! soft delete and export, and the audit log of every write.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, TestApp};

/// The fixture (demo staff: A0001 and A0002 in team 8, A0003 in team 9 — all branch
/// 4 — and A0004 in branch 6):
///
/// | account | name | owner | status | assets |
/// |---|---|---|---|---|
/// | 110000000001 | 张三 | A0001 | existing | 500,000.00 |
/// | 110000000002 | 张伟 | A0001 | existing | 1,200,000.00 |
/// | 110000000003 | 李四 | A0001 | potential | 0 |
/// | 120000000001 | 王五 | A0002 | existing | 300,000.00 |
/// | 130000000001 | 赵六 | A0003 | existing | 0 |
/// | 140000000001 | 孙七 | A0004 | existing | 0 |
fn load_fixture(app: &TestApp) {
    push_ok(
        app,
        "customers",
        "cust-customers",
        &json!([
            {"account_no": "110000000001", "name": "张三", "owner_code": "A0001", "status": "existing",
             "gender": "male", "birth_date": "1980-01-01", "mobile": "13812345678",
             "email": "zhang.san@example.com", "address": "上海市黄浦区四川南路1号",
             "id_number": "310101198001010011", "grade": "金手指", "level": "VIP",
             "risk_tolerance": "steady", "open_date": "2010-05-01", "effective_date": "2010-06-01",
             "tags": ["两融", "高净值"]},
            {"account_no": "110000000002", "name": "张伟", "owner_code": "A0001", "status": "existing",
             "grade": "金算盘", "level": "核心A", "open_date": "2020-03-01", "tags": ["高净值"],
             "mobile": "13900001111"},
            {"account_no": "110000000003", "name": "李四", "owner_code": "A0001", "status": "potential"},
            {"account_no": "120000000001", "name": "王五", "owner_code": "A0002", "status": "existing",
             "open_date": "2018-01-01"},
            {"account_no": "130000000001", "name": "赵六", "owner_code": "A0003", "status": "existing"},
            {"account_no": "140000000001", "name": "孙七", "owner_code": "A0004", "status": "existing"}
        ]),
    );
    push_ok(
        app,
        "monthly-performance",
        "cust-months",
        &json!([
            month_row("110000000001", "2025-08"),
            month_row("110000000001", "2025-06"),
            month_row("110000000002", "2025-08"),
        ]),
    );
    let yesterday = china_day(app, -1);
    let before = china_day(app, -2);
    push_ok(
        app,
        "daily-assets",
        "cust-assets",
        &json!([
            {"account_no": "110000000001", "date": before, "total_assets": "490000.00", "cash": "1000.00"},
            {"account_no": "110000000001", "date": yesterday, "total_assets": "500000.00", "cash": "2000.00"},
            {"account_no": "110000000002", "date": yesterday, "total_assets": "1200000.00", "cash": "0"},
            {"account_no": "120000000001", "date": yesterday, "total_assets": "300000.00", "cash": "0"}
        ]),
    );
    push_ok(
        app,
        "trades",
        "cust-trades",
        &json!([
            {"trade_no": "T1", "account_no": "110000000001", "date": before, "security_code": "600519",
             "security_name": "贵州茅台", "side": "buy", "quantity": 100, "amount": "150000.00", "commission": "15.00"},
            {"trade_no": "T2", "account_no": "110000000002", "date": before, "security_code": "600519",
             "security_name": "贵州茅台", "side": "buy", "quantity": 200, "amount": "300000.00", "commission": "30.00"},
            {"trade_no": "T3", "account_no": "110000000002", "date": yesterday, "security_code": "600519",
             "security_name": "贵州茅台", "side": "sell", "quantity": 200, "amount": "310000.00", "commission": "31.00"},
            {"trade_no": "T4", "account_no": "120000000001", "date": yesterday, "security_code": "000001",
             "security_name": "平安银行", "side": "buy", "quantity": 1000, "amount": "12000.00", "commission": "5.00"}
        ]),
    );
    push_ok(
        app,
        "fund-transfers",
        "cust-transfers",
        &json!([
            {"transfer_no": "F1", "account_no": "110000000001", "date": "2025-08-01", "direction": "in", "amount": "10000.00"}
        ]),
    );
    push_ok(
        app,
        "account-events",
        "cust-events",
        &json!([
            {"event_no": "E1", "account_no": "110000000001", "date": "2025-07-15", "kind": "dividend", "detail": "10派5元"}
        ]),
    );
}

/// The names of a list answer, in order.
fn names(reply: &zhanye_test_support::Reply) -> Vec<String> {
    item_texts(reply, "name")
}

#[test]
fn each_role_sees_its_scope_and_writes_only_what_it_serves() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let a1 = customer_id(&app, "110000000001");
    let a2_customer = customer_id(&app, "120000000001");
    let team9 = customer_id(&app, "130000000001");
    let branch6 = customer_id(&app, "140000000001");

    // A rep: their own three, nothing else — list, total and export alike.
    let rep = signed_in(&app, A0001);
    let list = rep.get("/api/customers");
    assert_eq!(names(&list), ["张三", "张伟", "李四"]);
    assert_eq!(list.value()["total"], 3);
    let item = &list.value()["items"][0];
    assert_eq!(item["account_no"], "110000000001");
    assert_eq!(item["owner_code"], "A0001");
    assert_eq!(item["owner_name"], "李明");
    assert_eq!(item["total_assets"], "500000.00");
    assert_eq!(item["tags"], json!(["两融", "高净值"]));
    assert_eq!(item["followed"], false);
    let export = rep.get("/api/customers/export");
    assert_eq!(export.status, 200, "{}", export.text());
    assert_eq!(export.header("x-total-count"), Some("3"));
    let csv = export.text();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].ends_with("资金账号,客户姓名,客户状态,客户等级,客户级别,风险承受能力,归属人员代码,归属人员姓名,总资产,开户日期,手机号码,标签"));
    assert_eq!(
        lines[1],
        "110000000001,张三,existing,金手指,VIP,steady,A0001,李明,500000.00,2010-05-01,138****5678,\"两融,高净值\""
    );
    assert!(!csv.contains("13812345678") && !csv.contains("王五"));
    assert_eq!(audits(&app, "A0001", "customer.export"), 1);

    // Another rep's customer does not exist for them: reads and writes are 404.
    for path in [
        format!("/api/customers/{a2_customer}"),
        format!("/api/customers/{a2_customer}/performance"),
        format!("/api/customers/{a2_customer}/assets"),
        format!("/api/customers/{a2_customer}/notes"),
    ] {
        assert_problem(&rep.get(&path), 404, "not_found");
    }
    assert_problem(
        &rep.put(
            &format!("/api/customers/{a2_customer}/follow"),
            "application/json",
            Vec::new(),
        ),
        404,
        "not_found",
    );
    assert_problem(
        &rep.post_json(
            &format!("/api/customers/{a2_customer}/notes"),
            &json!({"body": "x"}),
        ),
        404,
        "not_found",
    );
    assert_problem(&rep.get("/api/customers/999999"), 404, "not_found");
    assert_problem(&rep.get("/api/customers/abc"), 404, "not_found");

    // The lead reads team 8 (four customers) but writes none of them.
    let lead = signed_in(&app, LEAD);
    assert_eq!(
        names(&lead.get("/api/customers")),
        ["张三", "张伟", "李四", "王五"]
    );
    assert_eq!(
        lead.get(&format!("/api/customers/{a2_customer}")).value()["name"],
        "王五"
    );
    let refused = english(&lead).post_json(
        &format!("/api/customers/{a1}/notes"),
        &json!({"body": "团队长批注"}),
    );
    assert_problem(&refused, 403, "forbidden");
    assert!(
        refused.value()["detail"]
            .as_str()
            .unwrap()
            .contains("do not serve")
    );
    assert_problem(
        &lead.post_json(
            &format!("/api/customers/{a1}/contacts"),
            &json!({"contacted_at": "2025-08-01T10:00:00+08:00", "nature": "active", "kind": "general", "topic": "回访"}),
        ),
        403,
        "forbidden",
    );
    assert_problem(
        &lead.get(&format!("/api/customers/{team9}")),
        404,
        "not_found",
    );
    let lead_view = lead.get(&format!("/api/customers/{a1}")).value();
    assert_eq!(lead_view["permissions"]["write"], false);

    // The branch manager reads branch 4 (five) but not A0004's customer in branch 6.
    let manager = signed_in(&app, MANAGER);
    assert_eq!(manager.get("/api/customers").value()["total"], 5);
    assert_eq!(
        manager.get(&format!("/api/customers/{team9}")).value()["owner"]["code"],
        "A0003"
    );
    assert_problem(
        &manager.get(&format!("/api/customers/{branch6}")),
        404,
        "not_found",
    );
    assert_problem(
        &manager.delete(&format!("/api/customers/{branch6}")),
        404,
        "not_found",
    );

    // HQ reads all six, and writes none.
    let hq = signed_in(&app, HQ);
    assert_eq!(hq.get("/api/customers").value()["total"], 6);
    assert_eq!(
        hq.get(&format!("/api/customers/{branch6}")).value()["name"],
        "孙七"
    );
    assert_problem(
        &hq.post_json(
            &format!("/api/customers/{branch6}/notes"),
            &json!({"body": "x"}),
        ),
        403,
        "forbidden",
    );
    assert_problem(
        &hq.delete(&format!("/api/customers/{branch6}")),
        403,
        "forbidden",
    );
    assert_eq!(
        sql_value(&app, "SELECT COUNT(*) FROM customer_notes"),
        json!(0)
    );
}

#[test]
fn search_filters_sort_and_pages() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let rep = signed_in(&app, A0001);
    let list = |query: &str| names(&rep.get(&format!("/api/customers?{query}")));
    assert_eq!(list("q=%E5%BC%A0"), ["张三", "张伟"]);
    assert_eq!(list("q=%E5%BC%A0%E4%BC%9F"), ["张伟"]);
    assert_eq!(list("q=1100000000"), ["张三", "张伟", "李四"]);
    assert_eq!(list("q=110000000003"), ["李四"]);
    assert_eq!(list("q=12"), Vec::<String>::new());
    assert_eq!(list("status=potential"), ["李四"]);
    assert_eq!(list("grade=%E9%87%91%E6%89%8B%E6%8C%87"), ["张三"]);
    assert_eq!(list("level=%E6%A0%B8%E5%BF%83A"), ["张伟"]);
    assert_eq!(list("tag=%E9%AB%98%E5%87%80%E5%80%BC"), ["张三", "张伟"]);
    assert_eq!(list("tag=%E4%B8%A4%E8%9E%8D&status=existing"), ["张三"]);
    // 张伟 bought 600519 and sold it all: only 张三 still holds it.
    assert_eq!(list("stock=600519"), ["张三"]);
    assert_eq!(list("sort=-total_assets"), ["张伟", "张三", "李四"]);
    assert_eq!(list("sort=total_assets"), ["李四", "张三", "张伟"]);
    assert_eq!(list("sort=-open_date&status=existing"), ["张伟", "张三"]);
    let second = rep.get("/api/customers?sort=-total_assets&page=2&page_size=1");
    assert_eq!(names(&second), ["张三"]);
    assert_eq!(second.value()["total"], 3);
    assert_eq!(second.value()["page_size"], 1);
    let hq = signed_in(&app, HQ);
    assert_eq!(
        names(&hq.get("/api/customers?sort=-total_assets&page_size=3")),
        ["张伟", "张三", "王五"]
    );
    let export = hq.get("/api/customers/export?q=12");
    assert_eq!(export.header("x-total-count"), Some("1"));
    assert!(export.text().contains("120000000001,王五"));

    for (query, field) in [
        ("sort=age", "sort"),
        // White space is a value, not an absent one: only `?sort=` is the default.
        ("sort=%0D", "sort"),
        ("status=%20existing", "status"),
        ("page=%20", "page"),
        ("status=gone", "status"),
        ("page_size=201", "page_size"),
        ("page=0", "page"),
    ] {
        let reply = rep.get(&format!("/api/customers?{query}"));
        assert_problem(&reply, 422, "validation_failed");
        assert_eq!(reply.value()["errors"][0]["field"], field, "{query}");
    }

    // A soft-deleted customer leaves every list and answers 404.
    let zhang_wei = customer_id(&app, "110000000002");
    let manager = signed_in(&app, MANAGER);
    assert_problem(
        &rep.delete(&format!("/api/customers/{zhang_wei}")),
        403,
        "forbidden",
    );
    let deleted = manager.delete(&format!("/api/customers/{zhang_wei}"));
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert_eq!(list(""), ["张三", "李四"]);
    assert_problem(
        &rep.get(&format!("/api/customers/{zhang_wei}")),
        404,
        "not_found",
    );
    assert_problem(
        &manager.delete(&format!("/api/customers/{zhang_wei}")),
        404,
        "not_found",
    );
    assert_eq!(audits(&app, "0010002", "customer.delete"), 1);
    // Its HOME-1 figures left A0001's August: only 张三's row is counted now.
    assert_eq!(
        sql_value(
            &app,
            "SELECT stock_count FROM staff_month_stats WHERE staff_code = 'A0001' AND month = 202508"
        ),
        json!(1)
    );
}

/// The names of a list answer, sorted (lists order by name in the database's own
/// collation, which this does not need to know).
fn sorted_names(reply: &zhanye_test_support::Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut names = names(reply);
    names.sort();
    names
}

#[test]
fn search_finds_any_part_of_a_name_and_the_last_digits_of_an_account() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let hq = signed_in(&app, HQ);
    let q = |client: &Client, query: &str| {
        sorted_names(&client.get(&format!("/api/customers?{query}")))
    };
    // A given name, within a scope (the rep's) and firm-wide (HQ, by the name's grams).
    for client in [&rep, &hq] {
        assert_eq!(q(client, "q=%E4%BC%9F"), ["张伟"]);
        assert_eq!(q(client, "q=%E4%B8%89"), ["张三"]);
        assert_eq!(q(client, "q=%20%E5%BC%A0%E4%BC%9F%20"), ["张伟"]);
        // LIKE's wildcards are only characters here.
        assert_eq!(q(client, "q=%25"), Vec::<String>::new());
        assert_eq!(q(client, "q=_"), Vec::<String>::new());
    }
    // The last four digits or more of an account number, and still its start.
    assert_eq!(q(&rep, "q=0001"), ["张三"]);
    assert_eq!(q(&rep, "q=00000003"), ["李四"]);
    assert_eq!(q(&hq, "q=0001"), sorted(["张三", "王五", "赵六", "孙七"]));
    assert_eq!(q(&hq, "q=20000000001"), ["王五"]);
    assert_eq!(q(&hq, "q=1100"), sorted(["张三", "张伟", "李四"]));
    assert_eq!(q(&hq, "q=001"), Vec::<String>::new());
    let counted = hq.get("/api/customers?q=0001&page_size=1");
    assert_eq!(counted.value()["total"], 4, "{}", counted.text());

    // A renamed customer is found by its new name only.
    push_ok(
        &app,
        "customers",
        "cust-rename",
        &json!([{"account_no": "110000000002", "name": "张建国"}]),
    );
    for client in [&rep, &hq] {
        assert_eq!(q(client, "q=%E4%BC%9F"), Vec::<String>::new());
        assert_eq!(q(client, "q=%E5%BB%BA%E5%9B%BD"), ["张建国"]);
        assert_eq!(q(client, "q=%E5%9B%BD"), ["张建国"]);
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM customer_name_grams WHERE name = '张伟'"
        ),
        0
    );

    // One member's book, for their lead; never past the caller's own scope.
    assert_eq!(q(&lead, "owner=A0001"), sorted(["张三", "张建国", "李四"]));
    assert_eq!(q(&lead, "owner=A0001&q=%E5%BB%BA"), ["张建国"]);
    assert_eq!(q(&rep, "owner=A0002"), Vec::<String>::new());
    assert_eq!(q(&hq, "owner=A0002"), ["王五"]);

    // A deleted customer is not found through its grams either.
    let manager = signed_in(&app, MANAGER);
    let id = customer_id(&app, "110000000002");
    assert_eq!(manager.delete(&format!("/api/customers/{id}")).status, 204);
    assert_eq!(q(&hq, "q=%E5%BB%BA%E5%9B%BD"), Vec::<String>::new());
}

fn sorted<const N: usize>(names: [&str; N]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    names.sort();
    names
}

#[test]
fn the_owner_a_customer_leaves_is_told() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let (a1, a2, a3) = (
        signed_in(&app, A0001),
        signed_in(&app, A0002),
        signed_in(&app, A0003),
    );
    let left = |who: &Client| -> Vec<(String, String)> {
        let inbox = who.get("/api/alerts?kind=left_book");
        assert_eq!(inbox.status, 200, "{}", inbox.text());
        inbox.value()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["customer_name"].as_str().unwrap().to_owned(),
                    a["detail"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // The partner's customer record names another owner; sending the same owner
    // again tells nobody.
    push_ok(
        &app,
        "customers",
        "left-1",
        &json!([{"account_no": "120000000001", "name": "王五", "owner_code": "A0003"},
                {"account_no": "110000000003", "name": "李四", "owner_code": "A0001"}]),
    );
    assert_eq!(left(&a2), [("王五".to_owned(), "reassigned".to_owned())]);
    assert!(left(&a1).is_empty());
    // The partner's customer–staff relation.
    push_ok(
        &app,
        "customer-relations",
        "left-2",
        &json!([{"account_no": "130000000001", "staff_code": "A0001"}]),
    );
    assert_eq!(left(&a3), [("赵六".to_owned(), "reassigned".to_owned())]);
    // The branch manager deletes one: its owner still reads why it went.
    let manager = signed_in(&app, MANAGER);
    let id = customer_id(&app, "110000000002");
    assert_eq!(manager.delete(&format!("/api/customers/{id}")).status, 204);
    assert_eq!(left(&a1), [("张伟".to_owned(), "deleted".to_owned())]);
    // Counted unread on home like every alert.
    let month = china_day(&app, 0)[..7].to_owned();
    assert_eq!(
        a2.get(&format!("/api/home?month={month}")).value()["unread_alerts"],
        1
    );
}

#[test]
fn detail_masks_contact_data_and_unmasking_is_audited() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let id = customer_id(&app, "110000000001");
    let rep = signed_in(&app, A0001);
    let detail = rep.get(&format!("/api/customers/{id}"));
    assert_eq!(detail.status, 200, "{}", detail.text());
    let v = detail.value();
    assert_eq!(v["account_no"], "110000000001");
    assert_eq!(v["kind"], "individual");
    assert_eq!(v["gender"], "male");
    assert!(v["age"].as_i64().unwrap() >= 45);
    assert_eq!(v["status"], "existing");
    assert_eq!(v["grade"], "金手指");
    assert_eq!(v["level"], "VIP");
    assert_eq!(v["risk_tolerance"], "steady");
    assert_eq!(v["owner"], json!({"code": "A0001", "name": "李明"}));
    assert_eq!(v["open_date"], "2010-05-01");
    assert_eq!(v["effective_date"], "2010-06-01");
    assert_eq!(v["total_assets"], "500000.00");
    assert_eq!(v["cash"], "2000.00");
    assert_eq!(v["assets_day"], china_day(&app, -1));
    assert_eq!(v["tags"], json!(["两融", "高净值"]));
    assert_eq!(
        v["contact"],
        json!({"mobile": "138****5678", "email": "z***@example.com",
               "address": "上海市黄浦区****", "id_number": "310101********0011", "masked": true})
    );
    assert_eq!(
        v["holdings"],
        json!([{"security_code": "600519", "security_name": "贵州茅台", "quantity": 100}])
    );
    assert_eq!(
        v["timeline"],
        json!([
            {"date": "2025-08-01", "source": "fund_transfer", "kind": "in", "amount": "10000.00", "detail": ""},
            {"date": "2025-07-15", "source": "account_event", "kind": "dividend", "amount": null, "detail": "10派5元"}
        ])
    );
    assert_eq!(
        v["permissions"],
        json!({"write": true, "unmask": true, "delegate": true, "manage": false})
    );
    assert_eq!(audits(&app, "A0001", "customer.unmask"), 0);

    let whole = rep.get(&format!("/api/customers/{id}?unmask=true")).value();
    assert_eq!(whole["contact"]["mobile"], "13812345678");
    assert_eq!(whole["contact"]["email"], "zhang.san@example.com");
    assert_eq!(whole["contact"]["address"], "上海市黄浦区四川南路1号");
    assert_eq!(whole["contact"]["id_number"], "310101********0011");
    assert_eq!(whole["contact"]["masked"], false);
    assert_eq!(audits(&app, "A0001", "customer.unmask"), 1);
    assert_eq!(
        sql_value(
            &app,
            "SELECT target FROM audit_log WHERE action = 'customer.unmask'"
        ),
        json!(id.to_string())
    );
    // Who only reads the customer may not unmask it.
    let lead = signed_in(&app, LEAD);
    assert_problem(
        &lead.get(&format!("/api/customers/{id}?unmask=true")),
        403,
        "forbidden",
    );
    assert_eq!(audits(&app, "0010001", "customer.unmask"), 0);
    assert_problem(
        &rep.get(&format!("/api/customers/{id}?unmask=yes")),
        422,
        "validation_failed",
    );

    // CUST-3: every month listed newest first, null where there is no row.
    let perf = rep.get(&format!(
        "/api/customers/{id}/performance?month=2025-08&months=3"
    ));
    assert_eq!(perf.status, 200, "{}", perf.text());
    let p = perf.value();
    assert_eq!(p["customer_id"], id);
    assert_eq!(p["account_no"], "110000000001");
    let months = texts(&p["months"], "month");
    assert_eq!(months, ["2025-08", "2025-07", "2025-06"]);
    assert_eq!(p["months"][1]["figures"], Value::Null);
    let august = &p["months"][0]["figures"];
    assert_eq!(august["total_assets"], "500000.00");
    assert_eq!(august["normal_assets"], "400000.00");
    assert_eq!(august["margin_assets"], "60000.00");
    assert_eq!(august["repo_holding"], "40000.00");
    assert_eq!(august["daily_average_assets"], "480000.00");
    assert_eq!(august["total_volume"], "30000.00");
    assert_eq!(august["credit_volume"], "10000.00");
    assert_eq!(august["total_commission"], "60.50");
    assert_eq!(august["collateral_commission"], "10.50");
    assert_eq!(august.as_object().unwrap().len(), 15);
    // The default: six months ending with the current one.
    let six = rep.get(&format!("/api/customers/{id}/performance")).value();
    assert_eq!(six["months"].as_array().unwrap().len(), 6);
    assert_eq!(six["months"][0]["month"], china_day(&app, 0)[..7]);
    for bad in ["months=0", "months=25", "months=x", "month=2025-13"] {
        assert_problem(
            &rep.get(&format!("/api/customers/{id}/performance?{bad}")),
            422,
            "validation_failed",
        );
    }

    // The asset trend, oldest first.
    let trend = rep
        .get(&format!("/api/customers/{id}/assets?days=7"))
        .value();
    assert_eq!(trend["to"], china_day(&app, 0));
    assert_eq!(trend["from"], china_day(&app, -6));
    assert_eq!(
        trend["points"],
        json!([
            {"date": china_day(&app, -2), "total_assets": "490000.00", "cash": "1000.00"},
            {"date": china_day(&app, -1), "total_assets": "500000.00", "cash": "2000.00"}
        ])
    );
    let one = rep
        .get(&format!("/api/customers/{id}/assets?days=1"))
        .value();
    assert_eq!(one["points"], json!([]));
}

#[test]
fn follows_notes_contacts_and_the_due_list() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let zhang_san = customer_id(&app, "110000000001");
    let zhang_wei = customer_id(&app, "110000000002");
    let rep = signed_in(&app, A0001);

    // Follow twice, one change; the followed list and the list's flag agree.
    for _ in 0..2 {
        let followed = rep.put(
            &format!("/api/customers/{zhang_san}/follow"),
            "application/json",
            Vec::new(),
        );
        assert_eq!(followed.status, 200, "{}", followed.text());
        assert_eq!(
            followed.value(),
            json!({"customer_id": zhang_san, "followed": true})
        );
    }
    assert_eq!(audits(&app, "A0001", "customer.follow"), 1);
    assert_eq!(names(&rep.get("/api/customers/followed")), ["张三"]);
    assert_eq!(
        rep.get("/api/customers?q=%E5%BC%A0%E4%B8%89").value()["items"][0]["followed"],
        true
    );
    assert_eq!(
        rep.get(&format!("/api/customers/{zhang_san}")).value()["followed"],
        true
    );
    // A lead may follow a team member's customer (it changes nothing of it).
    let lead = signed_in(&app, LEAD);
    let lead_follow = lead.put(
        &format!("/api/customers/{zhang_wei}/follow"),
        "application/json",
        Vec::new(),
    );
    assert_eq!(lead_follow.status, 200, "{}", lead_follow.text());
    assert_eq!(names(&lead.get("/api/customers/followed")), ["张伟"]);
    for _ in 0..2 {
        let unfollowed = rep.delete(&format!("/api/customers/{zhang_san}/follow"));
        assert_eq!(unfollowed.value()["followed"], false);
    }
    assert_eq!(audits(&app, "A0001", "customer.unfollow"), 1);
    assert_eq!(rep.get("/api/customers/followed").value()["total"], 0);

    // Notes.
    let note = rep.post_json(
        &format!("/api/customers/{zhang_san}/notes"),
        &json!({"body": "  客户关注两融业务，下周回访  "}),
    );
    assert_eq!(note.status, 201, "{}", note.text());
    assert_eq!(note.value()["body"], "客户关注两融业务，下周回访");
    assert_eq!(note.value()["author_code"], "A0001");
    assert_eq!(note.value()["author_name"], "李明");
    rep.post_json(
        &format!("/api/customers/{zhang_san}/notes"),
        &json!({"body": "第二条"}),
    );
    let notes = rep
        .get(&format!("/api/customers/{zhang_san}/notes"))
        .value();
    assert_eq!(notes["total"], 2);
    assert_eq!(notes["items"][0]["body"], "第二条");
    // The lead reads them.
    assert_eq!(
        lead.get(&format!("/api/customers/{zhang_san}/notes"))
            .value()["total"],
        2
    );
    assert_eq!(audits(&app, "A0001", "customer.note"), 2);
    for body in [
        json!({"body": "批".repeat(501)}),
        json!({"body": " "}),
        json!({"text": "x"}),
        json!({"body": 5}),
    ] {
        assert_problem(
            &rep.post_json(&format!("/api/customers/{zhang_san}/notes"), &body),
            422,
            "validation_failed",
        );
    }
    assert_eq!(
        sql_value(&app, "SELECT COUNT(*) FROM customer_notes"),
        json!(2)
    );

    // The due list: existing customers of A0001 not contacted this month.
    let month = china_day(&app, 0)[..7].to_owned();
    let due = rep.get("/api/customers/contacts/due");
    assert_eq!(due.value()["month"], month);
    assert_eq!(names(&due), ["张三", "张伟"]);
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let contact = rep.post_json(
        &format!("/api/customers/{zhang_san}/contacts"),
        &json!({"contacted_at": now, "nature": "active", "kind": "inquiry",
                "topic": "咨询两融开户条件", "satisfaction": 5, "remarks": "已发送资料"}),
    );
    assert_eq!(contact.status, 201, "{}", contact.text());
    let c = contact.value();
    assert_eq!(
        (c["nature"].clone(), c["kind"].clone()),
        (json!("active"), json!("inquiry"))
    );
    assert_eq!(c["month"], month);
    assert_eq!(c["satisfaction"], 5);
    assert_eq!(c["staff_code"], "A0001");
    assert_eq!(names(&rep.get("/api/customers/contacts/due")), ["张伟"]);
    let stored_month: i64 = month.replace('-', "").parse().unwrap();
    assert_eq!(
        sql_value(
            &app,
            &format!("SELECT last_contact_month FROM customers WHERE id = {zhang_san}")
        ),
        json!(stored_month)
    );
    // An earlier contact does not move the latest contact month back; that month is
    // no longer due, the month before it still is for 张伟.
    let old = rep.post_json(
        &format!("/api/customers/{zhang_san}/contacts"),
        &json!({"contacted_at": "2025-07-31T20:00:00+08:00", "nature": "passive", "kind": "complaint", "topic": "投诉"}),
    );
    assert_eq!(old.status, 201, "{}", old.text());
    assert_eq!(old.value()["month"], "2025-07");
    assert_eq!(
        sql_value(
            &app,
            &format!("SELECT last_contact_month FROM customers WHERE id = {zhang_san}")
        ),
        json!(stored_month)
    );
    assert_eq!(
        names(&rep.get("/api/customers/contacts/due?month=2025-07")),
        ["张伟"]
    );
    assert_eq!(
        names(&rep.get("/api/customers/contacts/due?month=2025-06")),
        ["张三", "张伟"]
    );
    let listed = rep
        .get(&format!("/api/customers/{zhang_san}/contacts"))
        .value();
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["items"][0]["topic"], "咨询两融开户条件");
    assert_eq!(audits(&app, "A0001", "customer.contact"), 2);
    for (body, field) in [
        (
            json!({"contacted_at": "2099-01-01T00:00:00Z", "nature": "active", "kind": "general", "topic": "x"}),
            "contacted_at",
        ),
        (
            json!({"contacted_at": "yesterday", "nature": "active", "kind": "general", "topic": "x"}),
            "contacted_at",
        ),
        (
            json!({"contacted_at": now, "nature": "loud", "kind": "general", "topic": "x"}),
            "nature",
        ),
        (
            json!({"contacted_at": now, "nature": "active", "kind": "gossip", "topic": "x"}),
            "kind",
        ),
        (
            json!({"contacted_at": now, "nature": "active", "kind": "general", "topic": "题".repeat(101)}),
            "topic",
        ),
        (
            json!({"contacted_at": now, "nature": "active", "kind": "general", "topic": "x", "satisfaction": 6}),
            "satisfaction",
        ),
    ] {
        let reply = rep.post_json(&format!("/api/customers/{zhang_san}/contacts"), &body);
        assert_problem(&reply, 422, "validation_failed");
        assert_eq!(reply.value()["errors"][0]["field"], field, "{body}");
    }
    assert_problem(
        &rep.get("/api/customers/contacts/due?month=2025-13"),
        422,
        "validation_failed",
    );
}

#[test]
fn a_delegate_serves_the_customer_until_the_delegation_is_revoked() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let id = customer_id(&app, "110000000001");
    let owner = signed_in(&app, A0001);
    let delegate = signed_in(&app, A0002);
    assert_problem(
        &delegate.get(&format!("/api/customers/{id}")),
        404,
        "not_found",
    );

    let path = format!("/api/customers/{id}/delegations");
    let ends_on = china_day(&app, 10);
    for (body, field, why) in [
        (
            json!({"delegate_code": "A0004", "ends_on": ends_on, "reason": "休假"}),
            "delegate_code",
            "other_branch",
        ),
        (
            json!({"delegate_code": "0010002", "ends_on": ends_on, "reason": "休假"}),
            "delegate_code",
            "not_a_rep",
        ),
        (
            json!({"delegate_code": "A0001", "ends_on": ends_on, "reason": "休假"}),
            "delegate_code",
            "is_owner",
        ),
        (
            json!({"delegate_code": "A9999", "ends_on": ends_on, "reason": "休假"}),
            "delegate_code",
            "unknown_reference",
        ),
        (
            json!({"delegate_code": "A0002", "ends_on": china_day(&app, 180), "reason": "休假"}),
            "ends_on",
            "out_of_range",
        ),
        (
            json!({"delegate_code": "A0002", "ends_on": ends_on, "reason": " "}),
            "reason",
            "required",
        ),
    ] {
        let reply = owner.post_json(&path, &body);
        assert_problem(&reply, 422, "validation_failed");
        assert_eq!(reply.value()["errors"][0]["field"], field, "{body}");
        assert_eq!(reply.value()["errors"][0]["reason"], why, "{body}");
    }
    // The lead reads the customer but may not delegate it.
    let lead = signed_in(&app, LEAD);
    assert_problem(
        &lead.post_json(
            &path,
            &json!({"delegate_code": "A0002", "ends_on": ends_on, "reason": "休假"}),
        ),
        403,
        "forbidden",
    );

    let made = owner.post_json(
        &path,
        &json!({"delegate_code": "a0002", "ends_on": ends_on, "reason": "休假两周"}),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let d = made.value();
    assert_eq!(d["delegate_code"], "A0002");
    assert_eq!(d["delegate_name"], "王芳");
    assert_eq!(d["starts_on"], china_day(&app, 0));
    assert_eq!(d["ends_on"], ends_on);
    assert_eq!(audits(&app, "A0001", "customer.delegate"), 1);
    assert_problem(
        &owner.post_json(
            &path,
            &json!({"delegate_code": "A0003", "ends_on": ends_on, "reason": "x"}),
        ),
        409,
        "conflict",
    );

    // The delegate now reads and writes it like the owner, but cannot pass it on.
    let seen = delegate.get(&format!("/api/customers/{id}"));
    assert_eq!(seen.status, 200, "{}", seen.text());
    assert_eq!(seen.value()["delegated_to_you"], true);
    assert_eq!(
        seen.value()["permissions"],
        json!({"write": true, "unmask": true, "delegate": false, "manage": false})
    );
    assert_eq!(names(&delegate.get("/api/customers")), ["张三", "王五"]);
    let note = delegate.post_json(
        &format!("/api/customers/{id}/notes"),
        &json!({"body": "代管期间已联系"}),
    );
    assert_eq!(note.status, 201, "{}", note.text());
    assert_eq!(
        names(&delegate.get("/api/customers/contacts/due")),
        ["张三", "王五"]
    );
    assert_problem(
        &delegate.post_json(
            &path,
            &json!({"delegate_code": "A0003", "ends_on": ends_on, "reason": "x"}),
        ),
        403,
        "forbidden",
    );
    assert_problem(
        &delegate.post_json(
            &format!("/api/customers/{id}/transfers"),
            &json!({"reason": "x"}),
        ),
        403,
        "forbidden",
    );
    let given = owner.get("/api/customers/delegations").value();
    assert_eq!(given["given"].as_array().unwrap().len(), 1);
    assert_eq!(given["received"], json!([]));
    let received = delegate.get("/api/customers/delegations").value();
    assert_eq!(received["received"][0]["account_no"], "110000000001");

    // Revoked, it is gone for the delegate at once.
    let delegation = d["id"].as_i64().unwrap();
    let revoke = format!("/api/customers/{id}/delegations/{delegation}/revoke");
    assert_problem(&delegate.post_json(&revoke, &json!({})), 403, "forbidden");
    let revoked = owner.post(&revoke, "application/json", Vec::new());
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert!(revoked.value()["revoked_at"].is_string());
    assert_problem(
        &owner.post(&revoke, "application/json", Vec::new()),
        409,
        "conflict",
    );
    assert_eq!(audits(&app, "A0001", "customer.delegation_revoke"), 1);
    assert_problem(
        &delegate.get(&format!("/api/customers/{id}")),
        404,
        "not_found",
    );
    assert_problem(
        &delegate.post_json(&format!("/api/customers/{id}/notes"), &json!({"body": "x"})),
        404,
        "not_found",
    );
    assert_eq!(names(&delegate.get("/api/customers")), ["王五"]);
    assert_eq!(
        delegate.get("/api/customers/delegations").value()["received"],
        json!([])
    );
    // A delegation starting later does not lend the customer yet.
    let later = owner.post_json(
        &path,
        &json!({"delegate_code": "A0002", "starts_on": china_day(&app, 2), "ends_on": ends_on, "reason": "出差"}),
    );
    assert_eq!(later.status, 201, "{}", later.text());
    assert_problem(
        &delegate.get(&format!("/api/customers/{id}")),
        404,
        "not_found",
    );
}

#[test]
fn an_approved_transfer_moves_the_customer_and_its_home_figures() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let id = customer_id(&app, "110000000001");
    let stats = |code: &str| {
        sql_value(
            &app,
            &format!(
                "SELECT (SELECT stock_count || '/' || stock_assets FROM staff_month_stats \
                 WHERE staff_code = '{code}' AND month = 202508)"
            ),
        )
    };
    // 张三 (opened 2010) and 张伟 (opened 2020) are both stock in August 2025, 500,000.00
    // each: 2 customers, 100,000,000 fen.
    assert_eq!(stats("A0001"), json!("2/100000000"));
    assert_eq!(stats("A0002"), Value::Null);

    let owner = signed_in(&app, A0001);
    let asked = owner.post_json(
        &format!("/api/customers/{id}/transfers"),
        &json!({"reason": "客户迁居，就近服务", "suggested_code": "A0002"}),
    );
    assert_eq!(asked.status, 201, "{}", asked.text());
    // Filed with the approvals engine: one step, the branch manager of the branch.
    let transfer = asked.value();
    assert_eq!(transfer["kind"], "customer_transfer");
    assert_eq!(transfer["status"], "pending");
    assert_eq!(transfer["payload"]["suggested_code"], "A0002");
    assert_eq!(transfer["subject"]["account_no"], "110000000001");
    assert_eq!(transfer["chain"][0]["role"], "branch_manager");
    assert_problem(
        &owner.post_json(
            &format!("/api/customers/{id}/transfers"),
            &json!({"reason": "again"}),
        ),
        409,
        "conflict",
    );
    assert_problem(
        &owner.post_json(
            &format!("/api/customers/{id}/transfers"),
            &json!({"reason": "x", "suggested_code": "A0004"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(
        owner
            .get("/api/approvals?box=mine&kind=customer_transfer")
            .value()["total"],
        1
    );
    let manager = signed_in(&app, MANAGER);
    let pending = manager
        .get("/api/approvals?box=todo&kind=customer_transfer&status=pending")
        .value();
    assert_eq!(pending["total"], 1);
    assert_eq!(pending["items"][0]["subject"]["name"], "张三");
    assert_eq!(pending["items"][0]["requester"]["code"], "A0001");

    let tid = transfer["id"].as_i64().unwrap();
    // The customer says its transfer is pending, to whoever reads it.
    let pending_transfer = |client: &Client| {
        client.get(&format!("/api/customers/{id}")).value()["pending_transfer"].clone()
    };
    assert_eq!(pending_transfer(&owner), json!(tid));
    assert_eq!(pending_transfer(&manager), json!(tid));
    let decision = format!("/api/approvals/{tid}/decision");
    // The lead reads the customer but does not decide; the other rep does not see it.
    assert_problem(
        &signed_in(&app, LEAD).post_json(
            &decision,
            &json!({"decision": "approve", "new_owner_code": "A0002"}),
        ),
        403,
        "forbidden",
    );
    let new_owner = signed_in(&app, A0002);
    assert_problem(
        &new_owner.post_json(
            &decision,
            &json!({"decision": "approve", "new_owner_code": "A0002"}),
        ),
        404,
        "not_found",
    );
    for (body, field) in [
        (json!({"decision": "approve"}), "new_owner_code"),
        (json!({"decision": "maybe"}), "decision"),
        (
            json!({"decision": "approve", "new_owner_code": "A0004"}),
            "new_owner_code",
        ),
        (
            json!({"decision": "approve", "new_owner_code": "A0001"}),
            "new_owner_code",
        ),
    ] {
        let reply = manager.post_json(&decision, &body);
        assert_problem(&reply, 422, "validation_failed");
        assert_eq!(reply.value()["errors"][0]["field"], field, "{body}");
    }
    let approved = manager.post_json(
        &decision,
        &json!({"decision": "approve", "new_owner_code": "A0002", "comment": "同意"}),
    );
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!(approved.value()["status"], "approved");
    assert_eq!(approved.value()["outcome"]["new_owner_code"], "A0002");
    assert_eq!(pending_transfer(&manager), Value::Null);
    // The owner it left is told why (客户移出), the new one is not.
    let moved = owner.get("/api/alerts?kind=left_book");
    assert_eq!(
        item_texts(&moved, "detail"),
        ["transferred"],
        "{}",
        moved.text()
    );
    assert_eq!(
        new_owner.get("/api/alerts?kind=left_book").value()["total"],
        0
    );
    assert_eq!(
        approved.value()["chain"][0]["decided_by"]["code"],
        "0010002"
    );
    assert_problem(
        &manager.post_json(&decision, &json!({"decision": "reject"})),
        409,
        "conflict",
    );

    // The new owner sees and serves it; the old one no longer sees it.
    let seen = new_owner.get(&format!("/api/customers/{id}")).value();
    assert_eq!(seen["owner"]["code"], "A0002");
    assert_eq!(seen["permissions"]["write"], true);
    assert_eq!(names(&new_owner.get("/api/customers")), ["张三", "王五"]);
    assert_problem(
        &owner.get(&format!("/api/customers/{id}")),
        404,
        "not_found",
    );
    assert_eq!(names(&owner.get("/api/customers")), ["张伟", "李四"]);
    // HOME-1 figures moved with it.
    assert_eq!(stats("A0001"), json!("1/50000000"));
    assert_eq!(stats("A0002"), json!("1/50000000"));
    assert_eq!(
        sql_value(
            &app,
            "SELECT stock_count FROM staff_month_stats WHERE staff_code = 'A0002' AND month = 202506"
        ),
        json!(1)
    );
    assert_eq!(audits(&app, "A0001", "customer.transfer_request"), 1);
    assert_eq!(audits(&app, "0010002", "customer.transfer_approve"), 1);
    assert_eq!(
        manager
            .get("/api/approvals?box=todo&kind=customer_transfer")
            .value()["total"],
        0
    );
    let decided = manager
        .get("/api/approvals?box=done&kind=customer_transfer&status=approved")
        .value();
    assert_eq!(decided["items"][0]["id"], tid);
    assert_eq!(
        manager.get(&format!("/api/approvals/{tid}")).value()["outcome"]["new_owner_name"],
        "王芳"
    );

    // Requests sent at once: one is filed, the others are told one is pending.
    let wei = customer_id(&app, "110000000002");
    let replies: Vec<zhanye_test_support::Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let owner = owner.clone();
                scope.spawn(move || {
                    owner.post_json(
                        &format!("/api/customers/{wei}/transfers"),
                        &json!({"reason": "工作量"}),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409]);
    let asked = replies.iter().find(|r| r.status == 201).unwrap();
    // A rejection leaves the owner as it was.
    let tid = asked.value()["id"].as_i64().unwrap();
    let rejected = manager.post_json(
        &format!("/api/approvals/{tid}/decision"),
        &json!({"decision": "reject", "comment": "暂不调整"}),
    );
    assert_eq!(rejected.value()["status"], "rejected");
    assert_eq!(
        owner.get(&format!("/api/customers/{wei}")).value()["owner"]["code"],
        "A0001"
    );
    assert_eq!(audits(&app, "0010002", "customer.transfer_reject"), 1);
}

#[test]
fn routes_refuse_what_they_do_not_serve() {
    let app = app_without_demo_customers();
    let rep = signed_in(&app, A0001);
    assert_problem(&app.client().get("/api/customers"), 401, "unauthorized");
    assert_problem(
        &rep.post_json("/api/customers", &json!({})),
        405,
        "method_not_allowed",
    );
    assert_problem(
        &rep.get("/api/customers/1/follow"),
        405,
        "method_not_allowed",
    );
    assert_problem(&rep.get("/api/customers/1/unknown"), 404, "not_found");
    assert_problem(&rep.get("/api/customers/0"), 404, "not_found");
    assert_problem(
        &rep.get("/api/customers/99999999999999999999"),
        404,
        "not_found",
    );
    assert_problem(
        &rep.get("/api/customers/transfers/x/decision"),
        404,
        "not_found",
    );
    // Transfers are listed and decided under /api/approvals now.
    assert_problem(&rep.get("/api/customers/transfers"), 404, "not_found");
    assert_problem(
        &rep.post_json("/api/customers/transfers/1/decision", &json!({})),
        404,
        "not_found",
    );
    assert_eq!(rep.get("/api/customers").value()["total"], 0);
}

/// ALERT-1: the owner's alerts (from account events) listed unread first, by kind, and
/// acknowledged with a note: audited once, a repeat answering the first, the home count
/// dropping; someone else's alert is 404 as if it did not exist.
#[test]
fn alerts_are_listed_unread_first_and_acknowledged_with_a_note() {
    let app = app_without_demo_customers();
    load_fixture(&app);
    let (d3, d2, d1) = (
        china_day(&app, -3),
        china_day(&app, -2),
        china_day(&app, -1),
    );
    push_ok(
        &app,
        "account-events",
        "alert-events",
        &json!([
            {"event_no": "AL-1", "account_no": "110000000001", "date": d3, "kind": "cancelled"},
            {"event_no": "AL-2", "account_no": "110000000002", "date": d2, "kind": "dividend"},
            {"event_no": "AL-3", "account_no": "110000000001", "date": d1, "kind": "ipo_win"},
            {"event_no": "AL-4", "account_no": "120000000001", "date": d1, "kind": "dividend"}
        ]),
    );
    let rep = signed_in(&app, A0001);
    let inbox = rep.get("/api/alerts");
    assert_eq!(inbox.status, 200, "{}", inbox.text());
    let page = inbox.value();
    assert_eq!(
        (page["total"].clone(), page["unread"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(
        (page["page"].clone(), page["page_size"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(
        item_texts(&inbox, "detail"),
        ["ipo_win", "dividend", "cancelled", "dividend"]
    );
    assert_eq!(
        item_texts(&inbox, "kind"),
        [
            "equity_event",
            "equity_event",
            "actual_churn",
            "equity_event"
        ]
    );
    let first = &page["items"][0];
    assert_eq!(first["customer_id"], customer_id(&app, "110000000001"));
    assert_eq!(first["account_no"], "110000000001");
    assert_eq!(first["customer_name"], "张三");
    assert_eq!(first["day"], json!(d1));
    assert_eq!(first["read_at"], Value::Null);
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();

    // By kind; an unknown kind is refused, not answered as an empty inbox.
    let churn = rep.get("/api/alerts?kind=actual_churn");
    assert_eq!(item_texts(&churn, "detail"), ["cancelled"]);
    assert_eq!(
        (
            churn.value()["total"].clone(),
            churn.value()["unread"].clone()
        ),
        (json!(1), json!(4))
    );
    assert_eq!(rep.get("/api/alerts?kind=equity_event").value()["total"], 3);
    let unknown = rep.get("/api/alerts?kind=churn");
    assert_problem(&unknown, 422, "validation_failed");
    assert_eq!(field_errors(&unknown), one_error("kind", "invalid"));
    // Paged.
    let second = rep.get("/api/alerts?page=2&page_size=2");
    assert_eq!(item_texts(&second, "detail"), ["cancelled", "dividend"]);

    // The home count before.
    let month = china_day(&app, 0)[..7].to_owned();
    let home = |who: &zhanye_test_support::Client| {
        who.get(&format!("/api/home?month={month}")).value()["unread_alerts"].clone()
    };
    assert_eq!(home(&rep), 4);

    // Someone else's alert: 404, and nothing changes.
    let other = signed_in(&app, A0002);
    assert_eq!(other.get("/api/alerts").value()["total"], 1);
    let refused = other.post_json(
        &format!("/api/alerts/{}/acknowledge", ids[0]),
        &json!({"note": "x"}),
    );
    assert_problem(&refused, 404, "not_found");
    assert_problem(
        &rep.post_json("/api/alerts/99999999/acknowledge", &json!({})),
        404,
        "not_found",
    );

    // Refused notes.
    let ack = format!("/api/alerts/{}/acknowledge", ids[0]);
    let long = rep.post_json(&ack, &json!({"note": "字".repeat(201)}));
    assert_problem(&long, 422, "validation_failed");
    assert_eq!(field_errors(&long), one_error("note", "too_long"));
    let hidden = rep.post_json(&ack, &json!({"note": "ok\u{202e}txt"}));
    assert_eq!(
        field_errors(&hidden),
        one_error("note", "misleading_character")
    );
    assert_problem(
        &rep.post_json(&ack, &json!({"memo": "x"})),
        422,
        "validation_failed",
    );
    assert_eq!(home(&rep), 4);

    // Acknowledged with a note, audited; a repeat answers the first and is not audited.
    let done = rep.post_json(&ack, &json!({"note": " 已电话联系 "}));
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.value()["note"], "已电话联系");
    let read_at = done.value()["read_at"].clone();
    assert!(read_at.is_string(), "{}", done.text());
    let again = rep.post_json(&ack, &json!({"note": "second"}));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.value()["note"], "已电话联系");
    assert_eq!(again.value()["read_at"], read_at);
    assert_eq!(audits(&app, "A0001", "alert.acknowledge"), 1);
    assert_eq!(
        sql_value(
            &app,
            "SELECT target FROM audit_log WHERE action = 'alert.acknowledge'"
        ),
        json!(ids[0].to_string())
    );
    // Without a note too.
    let bare = rep.post_json(&format!("/api/alerts/{}/acknowledge", ids[2]), &json!({}));
    assert_eq!(bare.status, 200, "{}", bare.text());
    assert_eq!(bare.value()["note"], Value::Null);

    // The read ones go last; the home count drops.
    let inbox = rep.get("/api/alerts");
    assert_eq!(
        item_texts(&inbox, "detail"),
        ["dividend", "dividend", "ipo_win", "cancelled"]
    );
    assert_eq!(inbox.value()["unread"], 2);
    assert_eq!(home(&rep), 2);
    assert_eq!(home(&other), 1);

    // The routes' methods.
    assert_not_allowed(&rep, "POST", "/api/alerts", "GET");
    assert_not_allowed(&rep, "GET", &ack, "POST");
    assert_problem(&rep.get("/api/alerts/x/acknowledge"), 404, "not_found");
    // English problems.
    let en = english(&rep).get("/api/alerts?kind=churn");
    assert_problem(&en, 422, "validation_failed");
    assert_ne!(en.value()["detail"], unknown.value()["detail"]);
}
