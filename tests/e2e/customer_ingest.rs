//! INTEG-1..3 for the customer topics through the built `hooks` component: each topic's
//! good batch lands in the store, a bad one is refused whole with its per-record report,
//! a redelivery changes nothing, and HOME-1's per-staff-month figures stay exact.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Reply, TestApp};

/// Reps of their own in team T-SHSC-2, so nothing else lands in their figures.
const R1: &str = "A0201";
const R2: &str = "A0202";
const BULK_REP: &str = "A0203";

fn rep(code: &str, n: u32) -> Value {
    json!({"code": code, "name": format!("测试经理{n}"), "unit_code": "T-SHSC-2",
           "birth_date": "1990-01-01", "mobile": format!("1390000020{n}"),
           "id_number": format!("31010119900101020{n}")})
}

fn load_reps(app: &TestApp) {
    push_ok(
        app,
        "staff",
        "ci-staff",
        &json!([rep(R1, 1), rep(R2, 2), rep(BULK_REP, 3)]),
    );
}

/// Sends a signed body as it is (NDJSON, broken lines …).
fn push_raw(app: &TestApp, topic: &str, key: &str, content_type: &str, body: &str) -> Reply {
    post_signed(
        app,
        &format!("/hooks/trading/{topic}"),
        TRADING_SECRET,
        key,
        content_type,
        body.as_bytes().to_vec(),
    )
}

/// One record error of a refused batch: index, key, field, reason.
type RecordError = (i64, Option<String>, String, String);

/// A refused batch's report.
fn refusal(reply: &Reply) -> Vec<RecordError> {
    assert_problem(reply, 422, "validation_failed");
    let v = reply.value();
    v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_i64().unwrap(),
                e["key"].as_str().map(str::to_owned),
                e["field"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn error(
    index: i64,
    key: &str,
    field: &str,
    reason: &str,
) -> (i64, Option<String>, String, String) {
    (
        index,
        Some(key.to_owned()),
        field.to_owned(),
        reason.to_owned(),
    )
}

fn count(app: &TestApp, table: &str) -> i64 {
    sql_value(app, &format!("SELECT COUNT(*) FROM {table}"))
        .as_i64()
        .unwrap()
}

/// Rows of `table` (keyed by `customer_id`) for the customers whose account number
/// starts with `prefix` (the demo's customers are there too).
fn count_of(app: &TestApp, table: &str, prefix: &str) -> i64 {
    count(
        app,
        &format!(
            "{table} WHERE customer_id IN (SELECT id FROM customers WHERE account_no LIKE '{prefix}%')"
        ),
    )
}

fn customer(no: &str, name: &str, owner: &str, open: &str, effective: Option<&str>) -> Value {
    json!({"account_no": no, "name": name, "owner_code": owner, "open_date": open,
           "effective_date": effective})
}

/// A CUST-3 row, amounts in fen: assets = normal + margin, volume = normal + credit,
/// commission = normal + collateral (unlike home's rows: volume = normal + collateral,
/// commission = normal + credit).
fn month_row_in_fen(
    account: &str,
    month: &str,
    assets: (i64, i64),
    average: i64,
    volume: (i64, i64),
    commission: (i64, i64),
) -> Value {
    json!({"account_no": account, "month": month,
           "total_assets": yuan(assets.0 + assets.1), "normal_assets": yuan(assets.0),
           "margin_assets": yuan(assets.1), "repo_holding": "0", "floating_holding": "0",
           "quant_holding": 0, "daily_average_assets": yuan(average),
           "total_volume": yuan(volume.0 + volume.1), "normal_volume": yuan(volume.0),
           "collateral_volume": "0", "credit_volume": yuan(volume.1),
           "total_commission": yuan(commission.0 + commission.1),
           "normal_commission": yuan(commission.0),
           "collateral_commission": yuan(commission.1), "credit_commission": "0.00"})
}

/// A staff member's `staff_month_stats` row in column order, zeros when there is none.
fn stats(app: &TestApp, code: &str, month: i64) -> [i64; 17] {
    let row = sql_value(
        app,
        &format!(
            "SELECT COALESCE((SELECT '[' || stock_count || ',' || stock_assets || ','
                    || stock_daily_average || ',' || stock_net_profit || ',' || stock_volume
                    || ',' || stock_effective_count || ',' || new_count || ',' || new_assets
                    || ',' || new_net_profit || ',' || new_volume || ',' || new_effective_count
                    || ',' || new_effective_assets || ',' || new_effective_daily_average
                    || ',' || new_effective_net_profit || ',' || new_effective_volume
                    || ',' || lost_count || ',' || lost_assets || ']'
             FROM staff_month_stats WHERE staff_code = '{code}' AND month = {month}),
             '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]')"
        ),
    );
    serde_json::from_str(row.as_str().unwrap()).unwrap()
}

#[test]
fn customers_are_upserted_with_owner_unit_tags_and_a_masked_id() {
    let app = app();
    let batch = json!([
        {"account_no": "880000000001", "name": "周一", "kind": "individual", "gender": "female",
         "birth_date": "1980-05-06", "mobile": "13812345678", "email": "zhou@example.com",
         "address": "上海市黄浦区四川南路1号", "id_number": "31010119800506002x",
         "status": "existing", "grade": "金算盘", "level": "核心A", "risk_tolerance": "steady",
         "open_date": "2007-09-11", "effective_date": "2008-03-04",
         "assessment_effective_date": "2008-04-01", "tags": ["高净值", "两融"],
         "owner_code": "a0001"},
        {"account_no": "880000000002", "name": "吴二", "kind": "institution"}
    ]);
    let first = push(&app, "customers", "ci-customers-1", &batch);
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(
        first.value()["outcome"],
        json!({"created": 2, "updated": 0, "unchanged": 0})
    );
    let one = sql_value(
        &app,
        "SELECT json_object('name', name, 'kind', kind, 'gender', gender,
                'birth_date', birth_date, 'mobile', mobile, 'status', status, 'grade', grade,
                'level', level, 'risk_tolerance', risk_tolerance, 'owner_code', owner_code,
                'unit_path', unit_path, 'open_date', open_date, 'effective_date', effective_date,
                'assessment_effective_date', assessment_effective_date, 'tags', tags,
                'id_number_masked', id_number_masked,
                'verifier_ok', CASE WHEN id_number_verifier LIKE 'hmac-sha256:%'
                                     AND length(id_number_verifier) = 76 THEN 1 ELSE 0 END)
         FROM customers WHERE account_no = '880000000001'",
    );
    let a0001_path = sql_value(&app, "SELECT unit_path FROM staff WHERE code = 'A0001'");
    assert_eq!(
        serde_json::from_str::<Value>(one.as_str().unwrap()).unwrap(),
        json!({
            "name": "周一",
            "kind": "individual",
            "gender": "female",
            "birth_date": "1980-05-06",
            "mobile": "13812345678",
            "status": "existing",
            "grade": "金算盘",
            "level": "核心A",
            "risk_tolerance": "steady",
            "owner_code": "A0001",
            "unit_path": a0001_path,
            "open_date": "2007-09-11",
            "effective_date": "2008-03-04",
            "assessment_effective_date": "2008-04-01",
            "tags": "高净值,两融",
            "id_number_masked": "310101********002X",
            "verifier_ok": 1
        })
    );
    let two = sql_value(
        &app,
        "SELECT json_object('kind', kind, 'status', status, 'unit_path', unit_path,
                            'owner_code', owner_code, 'tags', tags)
         FROM customers WHERE account_no = '880000000002'",
    );
    assert_eq!(
        serde_json::from_str::<Value>(two.as_str().unwrap()).unwrap(),
        json!({"kind": "institution", "status": "existing", "unit_path": "/",
               "owner_code": null, "tags": ""})
    );
    let tags = "SELECT string_agg(t.tag, '|' ORDER BY t.tag) FROM customer_tags t
                JOIN customers c ON c.id = t.customer_id
                WHERE c.account_no = '880000000001'";
    assert_eq!(sql_value(&app, tags), json!("两融|高净值"));

    // Redelivery: the first answer, nothing changed.
    let updated_at = "SELECT updated_at FROM customers WHERE account_no = '880000000001'";
    let stamp = sql_value(&app, updated_at);
    let again = push(&app, "customers", "ci-customers-1", &batch);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(sql_value(&app, updated_at), stamp);
    assert_eq!(
        count(&app, "customers WHERE account_no LIKE '88000000000_'"),
        2
    );

    // An update: left-out fields are kept, tags replaced; the same record is unchanged.
    let update = json!([
        {"account_no": "880000000001", "name": "周一", "tags": ["两融", "量化"], "level": "VIP"},
        {"account_no": "880000000002", "name": "吴二"}
    ]);
    assert_eq!(
        push_ok(&app, "customers", "ci-customers-2", &update)["outcome"],
        json!({"created": 0, "updated": 1, "unchanged": 1})
    );
    assert_eq!(sql_value(&app, tags), json!("两融|量化"));
    assert_eq!(
        sql_value(
            &app,
            "SELECT level || ' ' || tags || ' ' || grade || ' ' || mobile FROM customers
             WHERE account_no = '880000000001'"
        ),
        json!("VIP 两融,量化 金算盘 13812345678")
    );

    // An owner that is not stored refuses the batch; so does a repeated account.
    let bad = json!([
        {"account_no": "880000000003", "name": "郑三", "owner_code": "A0001"},
        {"account_no": "880000000004", "name": "王四", "owner_code": "A9999"}
    ]);
    assert_eq!(
        refusal(&push(&app, "customers", "ci-customers-3", &bad)),
        [error(1, "880000000004", "owner_code", "unknown_reference")]
    );
    let repeated = json!([
        {"account_no": "880000000003", "name": "郑三"},
        {"account_no": "880000000003", "name": "郑三"}
    ]);
    assert_eq!(
        refusal(&push(&app, "customers", "ci-customers-4", &repeated)),
        [error(1, "880000000003", "account_no", "duplicate")]
    );
    assert_eq!(
        count(&app, "customers WHERE account_no = '880000000003'"),
        0
    );
}

/// A July row for 870000000001 whose assets and commission totals are not their parts.
fn wrong_parts() -> Value {
    let mut wrong = month_row_in_fen("870000000001", "2025-07", (100, 50), 100, (7, 3), (1, 1));
    wrong["total_assets"] = json!("1.49");
    wrong["total_commission"] = json!("0.03");
    wrong
}

#[test]
fn bad_batches_are_refused_whole_with_their_report() {
    let app = app();
    load_reps(&app);
    push_ok(
        &app,
        "customers",
        "ci-refuse-customers",
        &json!([customer("870000000001", "甲", R1, "2010-01-01", None)]),
    );
    let tables = |app: &TestApp| {
        [
            "customer_months",
            "daily_assets",
            "trades",
            "positions",
            "fund_transfers",
            "account_events",
            "staff_month_stats",
        ]
        .map(|t| count(app, t))
    };
    let before = tables(&app);
    let owner = "SELECT owner_code FROM customers WHERE account_no = '870000000001'";

    let good_month = month_row_in_fen("870000000001", "2025-06", (100, 0), 100, (0, 0), (0, 0));
    let cases: Vec<(&str, Value, Vec<RecordError>)> = vec![
        (
            "customer-relations",
            json!([{"account_no": "870000000001", "staff_code": R2},
                   {"account_no": "870000000404", "staff_code": R2},
                   {"account_no": "870000000001", "staff_code": "A9999"}]),
            // The repeated account is refused before the store is asked.
            vec![error(2, "870000000001", "account_no", "duplicate")],
        ),
        (
            "customer-relations",
            json!([{"account_no": "870000000001", "staff_code": "A9999"},
                   {"account_no": "870000000404", "staff_code": R2}]),
            vec![
                error(1, "870000000404", "account_no", "unknown_reference"),
                error(0, "870000000001", "staff_code", "unknown_reference"),
            ],
        ),
        (
            "monthly-performance",
            json!([
                good_month.clone(),
                month_row_in_fen("870000000404", "2025-06", (100, 0), 100, (0, 0), (0, 0))
            ]),
            vec![error(1, "870000000404", "account_no", "unknown_reference")],
        ),
        (
            "monthly-performance",
            json!([good_month.clone(), wrong_parts()]),
            vec![
                error(1, "870000000001", "total_assets", "parts_do_not_add_up"),
                error(1, "870000000001", "total_commission", "parts_do_not_add_up"),
            ],
        ),
        (
            "monthly-performance",
            json!([good_month.clone(), good_month.clone()]),
            vec![error(1, "870000000001/2025-06", "month", "duplicate")],
        ),
        (
            "daily-assets",
            json!([{"account_no": "870000000001", "date": "2025-06-30", "total_assets": "1", "cash": "1"},
                   {"account_no": "870000000404", "date": "2025-06-30", "total_assets": "1", "cash": "1"}]),
            vec![error(1, "870000000404", "account_no", "unknown_reference")],
        ),
        (
            "daily-assets",
            json!([{"account_no": "870000000001", "date": "2025-06-30", "total_assets": "1", "cash": "1"},
                   {"account_no": "870000000001", "date": "2025-06-30", "total_assets": "2", "cash": "2"},
                   {"account_no": "870000000001", "date": "2025-07-01", "total_assets": "1.001", "cash": "１"}]),
            vec![
                error(2, "870000000001", "total_assets", "invalid_format"),
                error(2, "870000000001", "cash", "invalid_format"),
                error(1, "870000000001/2025-06-30", "date", "duplicate"),
            ],
        ),
        (
            "trades",
            json!([{"trade_no": "T-1", "account_no": "870000000001", "date": "2025-06-30",
                    "security_code": "600519", "security_name": "贵州茅台", "side": "buy",
                    "quantity": 100, "amount": "168800", "commission": "5"},
                   {"trade_no": "T-2", "account_no": "870000000404", "date": "2025-06-30",
                    "security_code": "600519", "security_name": "贵州茅台", "side": "buy",
                    "quantity": 100, "amount": "168800", "commission": "5"}]),
            vec![error(1, "T-2", "account_no", "unknown_reference")],
        ),
        (
            "fund-transfers",
            json!([{"transfer_no": "F-1", "account_no": "870000000404", "date": "2025-06-30",
                    "direction": "in", "amount": "100"},
                   {"transfer_no": "F-2", "account_no": "870000000001", "date": "2025-06-30",
                    "direction": "in", "amount": "12.345"}]),
            vec![error(1, "F-2", "amount", "invalid_format")],
        ),
        (
            "fund-transfers",
            json!([{"transfer_no": "F-1", "account_no": "870000000404", "date": "2025-06-30",
                    "direction": "in", "amount": "100"}]),
            vec![error(0, "F-1", "account_no", "unknown_reference")],
        ),
        (
            "account-events",
            json!([{"event_no": "E-1", "account_no": "870000000001", "date": "2025-06-30", "kind": "closed"},
                   {"event_no": "E-2", "account_no": "870000000404", "date": "2025-06-30", "kind": "opened"}]),
            vec![error(1, "E-2", "account_no", "unknown_reference")],
        ),
    ];
    for (n, (topic, batch, expected)) in cases.into_iter().enumerate() {
        let reply = push(&app, topic, &format!("ci-refuse-{n}"), &batch);
        assert_eq!(refusal(&reply), expected, "{topic} case {n}");
        assert_eq!(
            reply.value()["error_count"],
            json!(expected.len()),
            "{topic} case {n}"
        );
    }

    // NDJSON with a malformed line: that line is reported, nothing applied.
    let lines = format!(
        "{}\n{{\"account_no\": \"870000000001\", \"date\": \n{}\n",
        json!({"account_no": "870000000001", "date": "2025-06-29", "total_assets": "1", "cash": "1"}),
        json!({"account_no": "870000000001", "date": "2025-06-30", "total_assets": "1", "cash": "1"}),
    );
    let reply = push_raw(
        &app,
        "daily-assets",
        "ci-refuse-nd",
        "application/x-ndjson",
        &lines,
    );
    assert_problem(&reply, 422, "validation_failed");
    assert_eq!(
        reply.value()["records"],
        json!([{"index": 1, "field": "", "reason": "malformed_json"}])
    );

    assert_eq!(tables(&app), before, "nothing applied");
    assert_eq!(sql_value(&app, owner), json!(R1));
    assert_eq!(
        sql_value(
            &app,
            "SELECT status || ' ' || total_assets FROM customers WHERE account_no = '870000000001'"
        ),
        json!("existing 0")
    );
    // Fixed, the same kind of batch lands (as NDJSON too).
    let lines = format!(
        "{}\n{}\n",
        json!({"account_no": "870000000001", "date": "2025-06-29", "total_assets": "1", "cash": "1"}),
        json!({"account_no": "870000000001", "date": "2025-06-30", "total_assets": 2.5, "cash": "1"}),
    );
    let reply = push_raw(
        &app,
        "daily-assets",
        "ci-refuse-nd",
        "application/x-ndjson",
        &lines,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        sql_value(
            &app,
            "SELECT total_assets || ' ' || assets_day FROM customers WHERE account_no = '870000000001'"
        ),
        json!("250 2025-06-30")
    );
}

#[test]
fn trades_move_positions_once_and_transfers_are_kept() {
    let app = app();
    load_reps(&app);
    push_ok(
        &app,
        "customers",
        "ci-trades-customers",
        &json!([
            customer("860000000001", "乙", R1, "2010-01-01", None),
            customer("860000000002", "丙", R1, "2010-01-01", None)
        ]),
    );
    let trade = |no: &str, account: &str, day: &str, code: &str, side: &str, quantity: i64| {
        json!({"trade_no": no, "account_no": account, "date": day, "security_code": code,
               "security_name": if code == "600519" { "贵州茅台" } else { "中国平安" },
               "side": side, "quantity": quantity, "amount": "1000.00", "commission": "0.50"})
    };
    let first = json!([
        trade("T-001", "860000000001", "2025-06-02", "600519", "buy", 300),
        trade("T-002", "860000000001", "2025-06-03", "600519", "sell", 100),
        trade("T-003", "860000000001", "2025-06-03", "601318", "buy", 500),
        trade("T-004", "860000000002", "2025-06-01", "601318", "buy", 200)
    ]);
    assert_eq!(
        push_ok(&app, "trades", "ci-trades-1", &first)["outcome"],
        json!({"created": 4, "updated": 0, "unchanged": 0})
    );
    let positions = "SELECT string_agg(c.account_no || ':' || p.security_code || ':' || p.security_name || ':' || p.quantity,
                                       ' ' ORDER BY p.customer_id, p.security_code)
                     FROM positions AS p
                     JOIN customers AS c ON c.id = p.customer_id WHERE c.account_no LIKE '86%'";
    assert_eq!(
        sql_value(&app, positions),
        json!(
            "860000000001:600519:贵州茅台:200 860000000001:601318:中国平安:500 860000000002:601318:中国平安:200"
        )
    );
    let last_days = "SELECT string_agg(last_trade_day, ' ' ORDER BY account_no) FROM customers
                     WHERE account_no LIKE '86000000000_'";
    assert_eq!(sql_value(&app, last_days), json!("2025-06-03 2025-06-01"));
    assert_eq!(
        sql_value(
            &app,
            "SELECT amount || ' ' || commission || ' ' || side || ' ' || day FROM trades WHERE trade_no = 'T-002'"
        ),
        json!("100000 50 sell 2025-06-03")
    );

    // Resent under a new key with one new trade: stored ones are skipped and move nothing.
    let second = json!([
        trade("T-003", "860000000001", "2025-06-03", "601318", "buy", 500),
        trade("T-004", "860000000002", "2025-06-01", "601318", "buy", 200),
        trade("T-005", "860000000002", "2025-06-04", "601318", "sell", 50)
    ]);
    assert_eq!(
        push_ok(&app, "trades", "ci-trades-2", &second)["outcome"],
        json!({"created": 1, "updated": 0, "unchanged": 2})
    );
    assert_eq!(
        sql_value(&app, positions),
        json!(
            "860000000001:600519:贵州茅台:200 860000000001:601318:中国平安:500 860000000002:601318:中国平安:150"
        )
    );
    assert_eq!(sql_value(&app, last_days), json!("2025-06-03 2025-06-04"));
    assert_eq!(count_of(&app, "trades", "86"), 5);
    // Redelivery of the same batch under its key: the first answer.
    let replay = push(&app, "trades", "ci-trades-2", &second);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        replay.value()["outcome"],
        json!({"created": 1, "updated": 0, "unchanged": 2})
    );
    assert_eq!(count_of(&app, "trades", "86"), 5);

    let transfers = json!([
        {"transfer_no": "F-001", "account_no": "860000000001", "date": "2025-06-02", "direction": "in", "amount": "50000"},
        {"transfer_no": "F-002", "account_no": "860000000001", "date": "2025-06-05", "direction": "out", "amount": 1234.5}
    ]);
    assert_eq!(
        push_ok(&app, "fund-transfers", "ci-transfers-1", &transfers)["outcome"],
        json!({"created": 2, "updated": 0, "unchanged": 0})
    );
    assert_eq!(
        push_ok(&app, "fund-transfers", "ci-transfers-2", &transfers)["outcome"],
        json!({"created": 0, "updated": 0, "unchanged": 2})
    );
    assert_eq!(
        sql_value(
            &app,
            "SELECT string_agg(transfer_no || ':' || direction || ':' || amount || ':' || day, ' ' ORDER BY transfer_no) \
             FROM fund_transfers WHERE transfer_no LIKE 'F-%'"
        ),
        json!("F-001:in:5000000:2025-06-02 F-002:out:123450:2025-06-05")
    );
}

#[test]
fn the_newest_daily_snapshot_is_the_customers_current_assets() {
    let app = app();
    load_reps(&app);
    push_ok(
        &app,
        "customers",
        "ci-daily-customers",
        &json!([
            customer("850000000001", "丁", R1, "2010-01-01", None),
            customer("850000000002", "戊", R1, "2010-01-01", None)
        ]),
    );
    let current = "SELECT string_agg(total_assets || '/' || cash || '/' || assets_day, ' ' ORDER BY account_no)
                   FROM customers WHERE account_no LIKE '85000000000_'";
    let days = json!([
        {"account_no": "850000000001", "date": "2025-06-27", "total_assets": "1000.00", "cash": "10.00"},
        {"account_no": "850000000001", "date": "2025-06-30", "total_assets": "1300.00", "cash": "30.00"},
        {"account_no": "850000000001", "date": "2025-06-28", "total_assets": "1200.00", "cash": "20.00"},
        {"account_no": "850000000002", "date": "2025-06-30", "total_assets": 5, "cash": 0.5}
    ]);
    assert_eq!(
        push_ok(&app, "daily-assets", "ci-daily-1", &days)["outcome"],
        json!({"created": 4, "updated": 0, "unchanged": 0})
    );
    assert_eq!(
        sql_value(&app, current),
        json!("130000/3000/2025-06-30 500/50/2025-06-30")
    );
    assert_eq!(count_of(&app, "daily_assets", "85"), 4);

    // An older day is kept but does not replace the current figures; a corrected
    // newest day does; a resent day with the same figures is unchanged.
    let later = json!([
        {"account_no": "850000000001", "date": "2025-06-26", "total_assets": "900.00", "cash": "9.00"},
        {"account_no": "850000000002", "date": "2025-06-30", "total_assets": "6.00", "cash": "0.50"},
        {"account_no": "850000000001", "date": "2025-06-30", "total_assets": "1300.00", "cash": "30.00"}
    ]);
    assert_eq!(
        push_ok(&app, "daily-assets", "ci-daily-2", &later)["outcome"],
        json!({"created": 1, "updated": 1, "unchanged": 1})
    );
    assert_eq!(
        sql_value(&app, current),
        json!("130000/3000/2025-06-30 600/50/2025-06-30")
    );
    assert_eq!(
        sql_value(
            &app,
            "SELECT d.total_assets FROM daily_assets d JOIN customers c ON c.id = d.customer_id
                         WHERE c.account_no = '850000000002' AND d.day = '2025-06-30'"
        ),
        json!(600)
    );
}

/// The HOME-1 fixture, all for R1 in 2025 (amounts in fen):
/// - K1 opened 2010-03-01, effective 2010-04-01 — stock, rows for June, July, August;
/// - K2 potential, then opened 2025-07-10 and effective 2025-08-15 by account events —
///   incremental from July, an effective one in August;
/// - K3 opened 2015, effective 2015, rows June–August, 60,000.00 of assets on 2025-07-30,
///   custody transferred away on 2025-08-05 — stock in June and July, lost in August;
/// - K4 opened 2012, never effective, rows June and July, R2's until customer-relations
///   gives it to R1.
fn load_home_fixture(app: &TestApp) {
    load_reps(app);
    push_ok(
        app,
        "customers",
        "ci-home-customers",
        &json!([
            customer("840000000001", "客户甲", R1, "2010-03-01", Some("2010-04-01")),
            {"account_no": "840000000002", "name": "客户乙", "owner_code": R1, "status": "potential"},
            customer("840000000003", "客户丙", R1, "2015-01-01", Some("2015-02-01")),
            customer("840000000004", "客户丁", R2, "2012-05-01", None),
        ]),
    );
    push_ok(
        app,
        "monthly-performance",
        "ci-home-months",
        &json!([
            month_row_in_fen(
                "840000000001",
                "2025-06",
                (9_000_000, 1_000_000),
                9_000_000,
                (400_000, 100_000),
                (800, 200)
            ),
            month_row_in_fen(
                "840000000001",
                "2025-07",
                (11_000_000, 0),
                10_000_000,
                (600_000, 0),
                (1_200, 0)
            ),
            month_row_in_fen(
                "840000000001",
                "2025-08",
                (12_000_000, 0),
                11_500_000,
                (700_000, 0),
                (1_400, 0)
            ),
            month_row_in_fen(
                "840000000002",
                "2025-07",
                (2_000_000, 0),
                800_000,
                (100_000, 0),
                (300, 0)
            ),
            month_row_in_fen(
                "840000000002",
                "2025-08",
                (5_000_000, 0),
                3_000_000,
                (400_000, 0),
                (850, 0)
            ),
            month_row_in_fen(
                "840000000003",
                "2025-06",
                (7_000_000, 0),
                7_000_000,
                (0, 0),
                (0, 0)
            ),
            month_row_in_fen(
                "840000000003",
                "2025-07",
                (6_500_000, 0),
                6_600_000,
                (200_000, 0),
                (400, 0)
            ),
            month_row_in_fen(
                "840000000003",
                "2025-08",
                (6_000_000, 0),
                6_100_000,
                (50_000, 0),
                (100, 0)
            ),
            month_row_in_fen(
                "840000000004",
                "2025-06",
                (3_000_000, 0),
                3_000_000,
                (10_000, 0),
                (20, 0)
            ),
            month_row_in_fen(
                "840000000004",
                "2025-07",
                (3_100_000, 0),
                3_050_000,
                (0, 0),
                (0, 0)
            ),
        ]),
    );
    push_ok(
        app,
        "daily-assets",
        "ci-home-assets",
        &json!([{"account_no": "840000000003", "date": "2025-07-30", "total_assets": "60000.00", "cash": "500.00"}]),
    );
    push_ok(
        app,
        "account-events",
        "ci-home-events",
        &json!([
            {"event_no": "CI-E1", "account_no": "840000000002", "date": "2025-07-10", "kind": "opened"},
            {"event_no": "CI-E2", "account_no": "840000000002", "date": "2025-08-15", "kind": "effective"},
            {"event_no": "CI-E3", "account_no": "840000000003", "date": "2025-08-05", "kind": "custody_transferred", "detail": "转出"},
            {"event_no": "CI-E4", "account_no": "840000000001", "date": "2025-08-06", "kind": "dividend"}
        ]),
    );
    push_ok(
        app,
        "customer-relations",
        "ci-home-relations",
        &json!([{"account_no": "840000000004", "staff_code": R1}]),
    );
}

#[test]
fn home_figures_follow_owners_dates_losses_and_months() {
    let app = app();
    load_home_fixture(&app);

    // June: stock K1, K3, K4 (K2 not yet opened).
    //   count 3; assets 10,000,000 + 7,000,000 + 3,000,000 = 20,000,000;
    //   daily average 9,000,000 + 7,000,000 + 3,000,000 = 19,000,000;
    //   net commission 1,000 + 0 + 20 = 1,020; volume 500,000 + 0 + 10,000 = 510,000;
    //   effective K1, K3 = 2.
    assert_eq!(
        stats(&app, R1, 202506),
        [
            3, 20_000_000, 19_000_000, 1_020, 510_000, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        ]
    );
    // July: stock K1, K3 (lost only in August), K4:
    //   assets 11,000,000 + 6,500,000 + 3,100,000 = 20,600,000;
    //   daily average 10,000,000 + 6,600,000 + 3,050,000 = 19,650,000;
    //   net commission 1,200 + 400 + 0 = 1,600; volume 600,000 + 200,000 + 0 = 800,000;
    //   effective 2. Incremental K2 (opened 2025-07-10, effective only in August):
    //   1, 2,000,000, 300, 100,000, not effective.
    assert_eq!(
        stats(&app, R1, 202507),
        [
            3, 20_600_000, 19_650_000, 1_600, 800_000, 2, 1, 2_000_000, 300, 100_000, 0, 0, 0, 0,
            0, 0, 0
        ]
    );
    // August: stock K1 only (K3 lost on the 5th, K4 has no August row):
    //   1, 12,000,000, 11,500,000, 1,400, 700,000, effective 1.
    //   Incremental K2, effective since the 15th: 1, 5,000,000, 850, 400,000 and as an
    //   effective one 1, 5,000,000, 3,000,000, 850, 400,000.
    //   Lost K3 with its assets on the day: 1, 6,000,000.
    assert_eq!(
        stats(&app, R1, 202508),
        [
            1, 12_000_000, 11_500_000, 1_400, 700_000, 1, 1, 5_000_000, 850, 400_000, 1, 5_000_000,
            3_000_000, 850, 400_000, 1, 6_000_000
        ]
    );
    // R2 gave K4 away: nothing left in any month.
    for month in [202506, 202507, 202508] {
        assert_eq!(stats(&app, R2, month), [0; 17], "{month}");
    }
    assert_eq!(
        sql_value(
            &app,
            "SELECT status || ' ' || lost_date || ' ' || lost_assets FROM customers WHERE account_no = '840000000003'"
        ),
        json!("lost 2025-08-05 6000000")
    );
    assert_eq!(
        sql_value(
            &app,
            "SELECT unit_path = (SELECT unit_path FROM staff WHERE code = 'A0201') FROM customers WHERE account_no = '840000000004'"
        ),
        json!(1)
    );
    assert_eq!(count_of(&app, "account_events", "84"), 4);

    // Redelivering every batch under its key changes nothing.
    let snapshot =
        |app: &TestApp| [202506, 202507, 202508].map(|m| (stats(app, R1, m), stats(app, R2, m)));
    let before = snapshot(&app);
    load_home_fixture(&app);
    assert_eq!(snapshot(&app), before);
    assert_eq!(count_of(&app, "account_events", "84"), 4);

    // The same events and relation under new keys: stored events are skipped, the owner
    // is unchanged; the figures stay.
    assert_eq!(
        push_ok(
            &app,
            "account-events",
            "ci-home-events-again",
            &json!([{"event_no": "CI-E3", "account_no": "840000000003", "date": "2025-08-05", "kind": "custody_transferred"}])
        )["outcome"],
        json!({"created": 0, "updated": 0, "unchanged": 1})
    );
    assert_eq!(
        push_ok(
            &app,
            "customer-relations",
            "ci-home-relations-again",
            &json!([{"account_no": "840000000004", "staff_code": R1}])
        )["outcome"],
        json!({"created": 0, "updated": 0, "unchanged": 1})
    );
    assert_eq!(snapshot(&app), before);

    // A corrected July row for K1 moves July's stock figures by the difference only.
    let corrected = month_row_in_fen(
        "840000000001",
        "2025-07",
        (11_500_000, 0),
        10_000_000,
        (600_000, 0),
        (1_200, 0),
    );
    assert_eq!(
        push_ok(
            &app,
            "monthly-performance",
            "ci-home-fix",
            &json!([corrected])
        )["outcome"],
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    assert_eq!(stats(&app, R1, 202507)[1], 20_600_000 + 500_000);
    // The customer comes back (status existing): the August loss is undone, and K3's
    // August row counts as stock again: 1 + 1 customers, 12,000,000 + 6,000,000.
    push_ok(
        &app,
        "customers",
        "ci-home-back",
        &json!([{"account_no": "840000000003", "name": "客户丙", "status": "existing"}]),
    );
    let august = stats(&app, R1, 202508);
    assert_eq!(
        (august[0], august[1], august[15], august[16]),
        (2, 18_000_000, 0, 0)
    );
}

#[test]
fn a_monthly_performance_batch_cut_off_by_a_crash_lands_exactly_once() {
    let app = app();
    if !app.owns_process("killing the runtime") {
        return;
    }
    load_reps(&app);
    const CUSTOMERS: usize = 20_000;
    let account = |i: usize| format!("83{:010}", i);
    let customers: Vec<Value> = (0..CUSTOMERS)
        .map(|i| {
            customer(
                &account(i),
                &format!("批量客户{i}"),
                BULK_REP,
                "2010-01-01",
                Some("2010-02-01"),
            )
        })
        .collect();
    assert_eq!(
        push_ok(
            &app,
            "customers",
            "ci-bulk-customers",
            &Value::Array(customers)
        )["outcome"],
        json!({"created": CUSTOMERS, "updated": 0, "unchanged": 0})
    );
    // Row i: assets 1,000.00 + i fen, daily average 900.00, volume 10.00, commission 0.10.
    let rows: Vec<Value> = (0..CUSTOMERS)
        .map(|i| {
            month_row_in_fen(
                &account(i),
                "2025-06",
                (100_000 + i as i64, 0),
                90_000,
                (1_000, 0),
                (10, 0),
            )
        })
        .collect();
    let body = Value::Array(rows);
    let stored = |app: &TestApp| count_of(app, "customer_months", "83");

    let client = app.client();
    let cut_off = std::thread::scope(|scope| {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let bytes = body.to_string().into_bytes();
        let signature =
            zhanye_ingest::signature::sign(TRADING_SECRET.as_bytes(), &timestamp, &bytes);
        let sending = scope.spawn(move || {
            client
                .with_header("x-timestamp", &timestamp)
                .with_header("x-signature", &signature)
                .with_header("idempotency-key", "ci-bulk-months")
                .post(
                    "/hooks/trading/monthly-performance",
                    "application/json",
                    bytes,
                )
                .status
        });
        // The whole delivery takes about a second: this lands while it is applied.
        std::thread::sleep(std::time::Duration::from_millis(400));
        let state = app.crash_keep_state();
        (state, sending.join().ok())
    });
    let (state, first_status) = cut_off;
    eprintln!("first delivery before the crash: {first_status:?}");

    let app = app_builder().state_dir(state).start();
    let survived = stored(&app);
    assert!(survived == 0 || survived == CUSTOMERS as i64, "{survived}");
    eprintln!("rows committed before the crash: {survived}");
    let started = std::time::Instant::now();
    let resent = push(&app, "monthly-performance", "ci-bulk-months", &body);
    eprintln!("resent in {:?}", started.elapsed());
    assert_eq!(resent.status, 200, "{}", resent.text());
    let outcome = &resent.value()["outcome"];
    assert_eq!(
        outcome,
        &json!({"created": CUSTOMERS, "updated": 0, "unchanged": 0})
    );
    assert_eq!(stored(&app), CUSTOMERS as i64);
    let again = push(&app, "monthly-performance", "ci-bulk-months", &body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(stored(&app), CUSTOMERS as i64);
    // Stock, all effective: 20,000 customers; assets 20,000 × 100,000 + (0 + … + 19,999)
    // = 2,000,000,000 + 199,990,000 = 2,199,990,000; daily average 20,000 × 90,000 =
    // 1,800,000,000; commission 20,000 × 10 = 200,000; volume 20,000 × 1,000 = 20,000,000.
    assert_eq!(
        stats(&app, BULK_REP, 202506),
        [
            20_000,
            2_199_990_000,
            1_800_000_000,
            200_000,
            20_000_000,
            20_000,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0
        ]
    );
}

/// The T+1 bar: one 20,000-record batch of daily assets (and of trades) for 20,000
/// existing customers, timed. Run with `--ignored`.
#[test]
#[ignore]
fn t1_batches_are_timed() {
    let app = app();
    load_reps(&app);
    const N: usize = 20_000;
    let account = |i: usize| format!("82{:010}", i);
    let customers: Vec<Value> = (0..N)
        .map(|i| {
            customer(
                &account(i),
                &format!("客户{i}"),
                BULK_REP,
                "2010-01-01",
                None,
            )
        })
        .collect();
    let started = std::time::Instant::now();
    push_ok(&app, "customers", "t1-customers", &Value::Array(customers));
    eprintln!("customers: {N} in {:?}", started.elapsed());
    let days: Vec<Value> = (0..N)
        .map(|i| {
            json!({"account_no": account(i), "date": "2025-06-30",
                        "total_assets": format!("{}.{:02}", 10_000 + i, i % 100), "cash": "100.00"})
        })
        .collect();
    let started = std::time::Instant::now();
    let applied = push_ok(&app, "daily-assets", "t1-days", &Value::Array(days));
    let elapsed = started.elapsed();
    eprintln!(
        "daily-assets: {N} in {elapsed:?} ({:.0} records/s)",
        N as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(applied["outcome"]["created"], json!(N));
    let trades: Vec<Value> = (0..N)
        .map(|i| {
            json!({"trade_no": format!("T1-{i}"), "account_no": account(i), "date": "2025-06-30",
                        "security_code": format!("60{:04}", i % 500), "security_name": "证券",
                        "side": "buy", "quantity": 100, "amount": "1000.00", "commission": "0.30"})
        })
        .collect();
    let started = std::time::Instant::now();
    let applied = push_ok(&app, "trades", "t1-trades", &Value::Array(trades));
    let elapsed = started.elapsed();
    eprintln!(
        "trades: {N} in {elapsed:?} ({:.0} records/s)",
        N as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(applied["outcome"]["created"], json!(N));
    assert_eq!(count_of(&app, "daily_assets", "82"), N as i64);
}
