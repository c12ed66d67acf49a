//! ASSESS-1..6 through the built `assessment` component, as an API: routing, refusals
//! of bad input, ORG-4 on scores and pay, scheme checks, the run → draft → publish life
//! of a month (and that a published month stays frozen), the cron's scheduled route
//! behind its token, goals and ranks. The figures themselves are checked elsewhere
//! (`assessment.rs`).
//!
//! Demo org: A0001, A0002 and the lead 0010001 in team 8 (四川南路财富一组); A0003 in team
//! 9 of the same branch (4), whose manager is 0010002; A0004 in another region; HQ
//! 0010003. The app has no demo customers, so every assessed figure is zero: in
//! September 2014 (22 working days, no check-ins) each of the five assessed staff
//! scores 0 − 5 (missed check-ins, capped at 5 points) = −5.00 and is paid the junior
//! base 3000.00 − 5 × 20.00 = 2900.00.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp};

/// The cron token the suite starts the app with.
const CRON_TOKEN: &str = "e2e-assessment-cron-token";

/// 2014-10-01 02:00 China time (the 1st), and 2014-10-14 12:00 China time.
const FIRST_OF_OCTOBER_2014: i64 = 1_412_100_000;
const MID_OCTOBER_2014: i64 = 1_413_259_200;

fn app() -> TestApp {
    app_builder()
        .arg("--no-demo-customers")
        .env("SPIN_VARIABLE_ASSESSMENT_CRON_TOKEN", CRON_TOKEN)
        .start()
}

fn detail(reply: &Reply) -> String {
    reply.value()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The current China-time month and the next, `YYYY-MM`.
fn current_and_next_month() -> (String, String) {
    use chrono::Datelike;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let next = match today.month() {
        12 => chrono::NaiveDate::from_ymd_opt(today.year() + 1, 1, 1),
        m => chrono::NaiveDate::from_ymd_opt(today.year(), m + 1, 1),
    }
    .expect("the first of next month");
    (
        today.format("%Y-%m").to_string(),
        next.format("%Y-%m").to_string(),
    )
}

/// Runs a month to the end as HQ, asserting 200.
fn run_month(hq: &Client, month: &str) -> Value {
    let reply = hq.post_json("/api/assessments/runs", &json!({"month": month}));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.value()
}

#[test]
fn routes_methods_and_sign_in() {
    let app = app();
    let rep = signed_in(&app, A0001);
    for path in [
        "/api/assessments/nothing",
        "/api/assessments/team/nothing",
        "/api/assessments/runs/2014-09/more",
        "/api/income/nothing",
    ] {
        assert_problem(&rep.get(path), 404, "not_found");
    }
    for (method, path, allow) in [
        ("POST", "/api/assessments", "GET"),
        ("DELETE", "/api/assessments/trend", "GET"),
        ("POST", "/api/assessments/team", "GET"),
        ("POST", "/api/assessments/team/export", "GET"),
        ("PUT", "/api/assessments/rollup", "GET"),
        ("GET", "/api/assessments/runs", "POST"),
        ("GET", "/api/assessments/runs/scheduled", "POST"),
        ("POST", "/api/assessments/runs/2014-09", "GET"),
        ("GET", "/api/assessments/2014-09/publish", "POST"),
        ("DELETE", "/api/assessments/schemes", "GET, POST"),
        ("POST", "/api/assessments/goals", "GET"),
        ("GET", "/api/assessments/goals/A0001/2014-09", "PUT"),
        ("GET", "/api/assessments/ranks/A0001", "PUT"),
        ("POST", "/api/income", "GET"),
        ("PUT", "/api/income/recent", "GET"),
    ] {
        assert_not_allowed(&rep, method, path, allow);
    }
    let anonymous = app.client();
    for path in [
        "/api/assessments?month=2014-09",
        "/api/assessments/team",
        "/api/income",
        "/api/assessments/schemes",
    ] {
        assert_problem(&anonymous.get(path), 401, "unauthorized");
    }
    assert_problem(
        &anonymous.post_json("/api/assessments/runs", &json!({"month": "2014-09"})),
        401,
        "unauthorized",
    );
}

#[test]
fn months_must_be_well_formed_and_over() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let hq = signed_in(&app, HQ);
    for bad in ["2014-13", "2014-9", "abc", "20149", "2014/09"] {
        for route in ["/api/assessments", "/api/income", "/api/assessments/team"] {
            let client = if route.ends_with("team") { &hq } else { &rep };
            let reply = client.get(&format!("{route}?month={bad}"));
            assert_eq!(
                field_errors(&reply),
                one_error("month", "invalid_format"),
                "{route} {bad}"
            );
        }
    }
    let (current, next) = current_and_next_month();
    for month in [&current, &next] {
        let reply = rep.get(&format!("/api/assessments?month={month}"));
        assert_eq!(field_errors(&reply), one_error("month", "not_ended"));
        assert!(
            detail(&reply).starts_with("考核月份须为已结束的月份"),
            "{}",
            reply.text()
        );
        let reply = english(&rep).get(&format!("/api/income?month={month}"));
        assert_eq!(field_errors(&reply), one_error("month", "not_ended"));
        assert!(
            detail(&reply).contains("must be one that has ended"),
            "{}",
            reply.text()
        );
        let reply = hq.post_json("/api/assessments/runs", &json!({"month": month}));
        assert_eq!(field_errors(&reply), one_error("month", "not_ended"));
    }
    // A month never run: 404 saying so, typed either way.
    for month in ["2014-09", "201409"] {
        let reply = rep.get(&format!("/api/assessments?month={month}"));
        assert_problem(&reply, 404, "not_found");
        assert!(detail(&reply).contains("尚未进行考核"), "{}", reply.text());
    }
    assert_problem(&hq.get("/api/assessments/runs/201409"), 404, "not_found");
    assert_problem(
        &hq.post_json("/api/assessments/2014-09/publish", &json!({})),
        404,
        "not_found",
    );
    assert_eq!(
        field_errors(&rep.get("/api/assessments?month=2014-09&category=lost")),
        one_error("category", "invalid")
    );
    assert_eq!(
        field_errors(&rep.get("/api/assessments/trend?year=14")),
        one_error("year", "invalid_format")
    );
}

#[test]
fn a_month_runs_to_a_draft_is_published_and_stays_frozen() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let hq = signed_in(&app, HQ);

    // Only HQ runs a month.
    for client in [&rep, &lead, &manager] {
        let reply = client.post_json("/api/assessments/runs", &json!({"month": "2014-09"}));
        assert_problem(&reply, 403, "forbidden");
    }
    for (body, field) in [
        (json!({"month": "2014-09", "chunk_size": 0}), "chunk_size"),
        (
            json!({"month": "2014-09", "chunk_size": 2001}),
            "chunk_size",
        ),
        (json!({"month": "2014-09", "max_chunks": 0}), "max_chunks"),
    ] {
        let reply = hq.post_json("/api/assessments/runs", &body);
        assert_eq!(
            field_errors(&reply),
            one_error(field, "out_of_range"),
            "{body}"
        );
    }
    assert_eq!(
        field_errors(&hq.post_json(
            "/api/assessments/runs",
            &json!({"month": "2014-09", "force": true})
        )),
        one_error("force", "unknown_field")
    );

    // Two staff per chunk, one chunk per request: still running (202), then resumed to
    // the end (200, draft).
    let first = hq.post_json(
        "/api/assessments/runs",
        &json!({"month": "201409", "chunk_size": 2, "max_chunks": 1}),
    );
    assert_eq!(first.status, 202, "{}", first.text());
    let first = first.value();
    assert_eq!(first["status"], "running");
    assert_eq!(first["done"], false);
    assert_eq!(first["staff_total"], 5);
    assert_eq!(first["staff_done"], 2);
    // While running, the publish is refused.
    assert_problem(
        &hq.post_json("/api/assessments/2014-09/publish", &json!({})),
        409,
        "conflict",
    );
    let done = run_month(&hq, "2014-09");
    assert_eq!(done["status"], "draft");
    assert_eq!(done["done"], true);
    assert_eq!(done["staff_done"], 5);
    assert_eq!(done["run_id"], first["run_id"], "the running run resumed");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM assessment_results WHERE month = 201409"
        ),
        5
    );
    assert!(audits(&app, HQ.code, "assessment.run.start") >= 1);
    assert!(audits(&app, HQ.code, "assessment.run.step") >= 2);

    // The run's state: HQ and branch managers.
    let state = manager.get("/api/assessments/runs/2014-09");
    assert_eq!(state.status, 200, "{}", state.text());
    assert_eq!(state.value()["status"], "draft");
    assert_problem(&rep.get("/api/assessments/runs/2014-09"), 403, "forbidden");
    assert_problem(&lead.get("/api/assessments/runs/2014-09"), 403, "forbidden");

    // The rep's own sheet and statement.
    let sheet = rep.get("/api/assessments?month=201409");
    assert_eq!(sheet.status, 200, "{}", sheet.text());
    let sheet = sheet.value();
    assert_eq!(sheet["month"], "2014-09");
    assert_eq!(sheet["status"], "draft");
    assert_eq!(sheet["staff"]["code"], "A0001");
    assert_eq!(sheet["staff"]["name"], "李明");
    assert_eq!(sheet["staff"]["unit_name"], "四川南路财富一组");
    assert_eq!(sheet["staff"]["rank"], "junior");
    assert_eq!(sheet["staff"]["rank_label"], "初级客户经理");
    assert_eq!(sheet["score"], "-5.00");
    assert_eq!(sheet["deducted"], "5.00");
    assert_eq!(sheet["indicators"].as_array().unwrap().len(), 5);
    assert_eq!(sheet["indicators"][0]["indicator"], "net_commission");
    assert_eq!(sheet["indicators"][0]["label"], "净佣金");
    assert_eq!(sheet["indicators"][0]["target_source"], "scheme");
    assert_eq!(sheet["deductions"][0]["kind"], "missed_checkins");
    assert_eq!(sheet["deductions"][0]["count"], 22);
    assert_eq!(
        sheet["deductions"][0]["reason"],
        "本月22个工作日未签到（封顶5分）"
    );
    assert_eq!(sheet["activity"]["working_days"], 22);
    assert_eq!(sheet["activity"]["checkin_rate"], "0");
    assert_eq!(sheet["figures"]["net_commission"], "0.00");
    // September ends a quarter: the review runs, with one assessed month of three.
    assert_eq!(
        sheet["rank_review"],
        json!({"decision": "not_reviewed", "decision_label": "不参评", "from_rank": "junior",
               "to_rank": "junior", "average": null, "scores": ["-5.00"]})
    );
    let english_sheet = english(&rep).get("/api/assessments?month=2014-09").value();
    assert_eq!(english_sheet["indicators"][0]["label"], "Net commission");
    assert_eq!(
        english_sheet["deductions"][0]["reason"],
        "22 working day(s) without a check-in (capped at 5 points)"
    );
    assert_eq!(
        english_sheet["staff"]["rank_label"],
        "Junior account manager"
    );
    // ASSESS-6 categories narrow the figures.
    let stock = rep
        .get("/api/assessments?month=2014-09&category=stock")
        .value();
    let names: Vec<&String> = stock["figures"].as_object().unwrap().keys().collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with("stock_")),
        "{names:?}"
    );
    let commission = rep
        .get("/api/assessments?month=2014-09&category=commission")
        .value();
    assert!(commission["figures"].get("net_commission").is_some());
    assert!(commission["figures"].get("stock_assets").is_none());

    let income = rep.get("/api/income?month=2014-09");
    assert_eq!(income.status, 200, "{}", income.text());
    let income = income.value();
    assert_eq!(income["total"], "2900.00");
    assert_eq!(
        income["lines"][0],
        json!({"kind": "base", "label": "基本工资", "amount": "3000.00"})
    );
    assert_eq!(income["lines"][1]["kind"], "deduction");
    assert_eq!(income["lines"][1]["amount"], "-100.00");
    let recent = rep.get("/api/income/recent").value();
    assert_eq!(
        recent["items"],
        json!([{"month": "2014-09", "status": "draft", "total": "2900.00"}])
    );
    let trend = rep.get("/api/assessments/trend?year=2014").value();
    assert_eq!(trend["months"].as_array().unwrap().len(), 12);
    assert_eq!(trend["months"][8]["month"], "2014-09");
    assert_eq!(trend["months"][8]["score"], "-5.00");
    assert_eq!(trend["months"][8]["pay_total"], "2900.00");
    assert_eq!(trend["months"][9]["score"], Value::Null);

    // ORG-4: a rep reads only their own score and pay; a lead only the team's.
    for path in [
        "/api/assessments?month=2014-09&staff=A0002",
        "/api/income?month=2014-09&staff=A0002",
        "/api/income/recent?staff=A0002",
        "/api/assessments/trend?year=2014&staff=A0002",
        "/api/assessments/team?month=2014-09",
        "/api/assessments/rollup?month=2014-09",
    ] {
        assert_problem(&rep.get(path), 403, "forbidden");
    }
    assert_eq!(
        lead.get("/api/assessments?month=2014-09&staff=a0001")
            .value()["staff"]["code"],
        "A0001"
    );
    for path in [
        "/api/assessments?month=2014-09&staff=A0003",
        "/api/income?month=2014-09&staff=A0004",
        "/api/assessments/team?month=2014-09&unit=9",
        "/api/assessments/team?month=2014-09&unit=4",
    ] {
        assert_problem(&lead.get(path), 403, "forbidden");
    }
    assert_eq!(
        manager.get("/api/income?month=2014-09&staff=A0003").status,
        200
    );
    assert_problem(
        &manager.get("/api/income?month=2014-09&staff=A0004"),
        403,
        "forbidden",
    );
    assert_problem(
        &manager.get("/api/assessments?month=2014-09&staff=A9999"),
        404,
        "not_found",
    );
    // HQ and the manager have no result (they are not reps): 404.
    assert_problem(&hq.get("/api/assessments?month=2014-09"), 404, "not_found");

    // The team ranking: ties (every score is −5.00) by code.
    assert_eq!(
        codes(&lead.get("/api/assessments/team?month=2014-09")),
        ["0010001", "A0001", "A0002"]
    );
    assert_eq!(
        codes(&manager.get("/api/assessments/team?month=2014-09")),
        ["0010001", "A0001", "A0002", "A0003"]
    );
    assert_eq!(
        codes(&manager.get("/api/assessments/team?month=2014-09&unit=9")),
        ["A0003"]
    );
    let all = hq.get("/api/assessments/team?month=2014-09&sort=pay&page_size=2");
    assert_eq!(codes(&all), ["0010001", "A0001"]);
    let all = all.value();
    assert_eq!(
        (all["total"].clone(), all["sort"].clone()),
        (json!(5), json!("pay"))
    );
    assert_eq!(all["items"][0]["position"], 1);
    assert_eq!(all["items"][0]["score"], "-5.00");
    assert_eq!(all["items"][0]["checkin_rate"], "0");
    assert_eq!(all["unit"]["code"], "HQ");
    assert_eq!(
        codes(&hq.get("/api/assessments/team?month=2014-09&page_size=2&page=3")),
        ["A0004"]
    );
    assert_eq!(
        field_errors(&hq.get("/api/assessments/team?month=2014-09&sort=name")),
        one_error("sort", "invalid")
    );
    assert_eq!(
        field_errors(&hq.get("/api/assessments/team?month=2014-09&unit=x")),
        one_error("unit", "invalid_format")
    );
    assert_problem(
        &hq.get("/api/assessments/team?month=2014-09&unit=999"),
        403,
        "forbidden",
    );

    // The same ranking as a workbook.
    let export = manager.get("/api/assessments/team/export?month=2014-09");
    assert_eq!(export.status, 200, "{}", export.text());
    assert_eq!(
        export.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let disposition = export.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with(
            "attachment; filename=\"assessment-B-SHSC-201409.xlsx\"; filename*=UTF-8''"
        ),
        "{disposition}"
    );
    assert!(export.body.starts_with(b"PK"), "an XLSX is a zip");
    assert_eq!(export.header("x-total-count"), Some("4"));
    assert_eq!(audits(&app, MANAGER.code, "assessment.team.export"), 1);
    assert_problem(
        &rep.get("/api/assessments/team/export?month=2014-09"),
        403,
        "forbidden",
    );

    // Roll-ups: the manager's teams; a lead gets their team whatever level is asked.
    let rollup = manager.get("/api/assessments/rollup?month=2014-09");
    assert_eq!(rollup.status, 200, "{}", rollup.text());
    let rollup = rollup.value();
    assert_eq!(rollup["level"], "team");
    let teams: Vec<(Value, Value)> = rollup["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["unit_code"].clone(), u["staff"].clone()))
        .collect();
    assert_eq!(
        teams,
        [(json!("T-SHSC-1"), json!(3)), (json!("T-SHSC-2"), json!(1))]
    );
    assert_eq!(rollup["items"][0]["average_score"], "-5.00");
    assert_eq!(rollup["items"][0]["pay_total"], "8700.00");
    let regions = hq
        .get("/api/assessments/rollup?month=2014-09&level=region")
        .value();
    assert_eq!(regions["items"].as_array().unwrap().len(), 2);
    assert_eq!(regions["items"][0]["staff"], 4);
    let lead_rollup = lead
        .get("/api/assessments/rollup?month=2014-09&level=branch")
        .value();
    assert_eq!(lead_rollup["level"], "team");
    assert_eq!(lead_rollup["items"].as_array().unwrap().len(), 1);
    assert_eq!(lead_rollup["items"][0]["unit_code"], "T-SHSC-1");
    assert_eq!(
        field_errors(&hq.get("/api/assessments/rollup?month=2014-09&level=hq")),
        one_error("level", "invalid")
    );

    // A draft month re-runs (a new run); then it is published by HQ only.
    let rerun = run_month(&hq, "2014-09");
    assert_eq!(
        rerun["run_id"].as_i64(),
        first["run_id"].as_i64().map(|r| r + 1)
    );
    for client in [&rep, &lead, &manager] {
        assert_problem(
            &client.post_json("/api/assessments/2014-09/publish", &json!({})),
            403,
            "forbidden",
        );
    }
    let published = hq.post_json("/api/assessments/201409/publish", &json!({}));
    assert_eq!(published.status, 200, "{}", published.text());
    assert_eq!(published.value()["status"], "published");
    assert_eq!(published.value()["published_by"], HQ.code);
    assert_eq!(audits(&app, HQ.code, "assessment.publish"), 1);
    assert_eq!(
        rep.get("/api/income?month=2014-09").value()["status"],
        "published"
    );

    // Frozen: no re-run, restarted or not, and no second publish.
    for body in [
        json!({"month": "2014-09"}),
        json!({"month": "2014-09", "restart": true}),
    ] {
        let reply = hq.post_json("/api/assessments/runs", &body);
        assert_problem(&reply, 409, "conflict");
        assert!(detail(&reply).contains("已发布"), "{}", reply.text());
    }
    assert_problem(
        &hq.post_json("/api/assessments/2014-09/publish", &json!({})),
        409,
        "conflict",
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM assessment_results WHERE month = 201409 AND run_id = 2"
        ),
        5
    );
    // A rank set from a published month is refused too.
    let reply = hq.put(
        "/api/assessments/ranks/A0001",
        "application/json",
        json!({"rank": "senior", "from": "2014-09"}).to_string(),
    );
    assert_problem(&reply, 409, "conflict");
}

#[test]
fn schemes_are_checked_and_saved_by_hq() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let hq = signed_in(&app, HQ);
    let listed = rep.get("/api/assessments/schemes?month=2014-09");
    assert_eq!(listed.status, 200, "{}", listed.text());
    let ranks: Vec<Value> = listed.value()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rank"].clone())
        .collect();
    assert_eq!(ranks.len(), 4, "{ranks:?}");
    assert_eq!(
        field_errors(&rep.get("/api/assessments/schemes?month=2014-99")),
        one_error("month", "invalid_format")
    );

    let scheme = |weight: &str| {
        json!({
            "rank": "junior",
            "valid_from": "2015-01",
            "name": "初级客户经理2015年方案",
            "rules": {
                "indicators": [
                    {"indicator": "net_commission", "weight": "0.5", "cap": "1.5", "target": "20000"},
                    {"indicator": "contacts", "weight": weight, "cap": "1.2", "target": "20"}
                ],
                "deductions": [{"kind": "missed_checkins", "points_each": "1", "cap": "5"}],
                "rank_review": {"promote": "90", "demote": "60"},
                "pay": {"base": "3000.00", "commission_share": "0.20",
                        "bonus_per_new_effective": "200.00", "per_deduction_point": "20.00"}
            }
        })
    };
    assert_problem(
        &rep.post_json("/api/assessments/schemes", &scheme("0.5")),
        403,
        "forbidden",
    );

    // Weights adding up to 90%: refused with the reason, in the caller's language.
    let reply = hq.post_json("/api/assessments/schemes", &scheme("0.4"));
    assert_eq!(field_errors(&reply), one_error("rules", "invalid"));
    assert!(
        detail(&reply).contains("各指标权重之和须为100%，现为90%。"),
        "{}",
        reply.text()
    );
    assert_eq!(
        reply.value()["reasons"],
        json!(["各指标权重之和须为100%，现为90%。"])
    );
    let reply = english(&hq).post_json("/api/assessments/schemes", &scheme("0.4"));
    assert!(
        detail(&reply).contains("The indicators' weights must add up to 100%; they add up to 90%."),
        "{}",
        reply.text()
    );

    // Malformed or unknown parts of the rules are refused on `rules`.
    let mut unknown = scheme("0.5");
    unknown["rules"]["salary"] = json!(1);
    assert_eq!(
        field_errors(&hq.post_json("/api/assessments/schemes", &unknown)),
        one_error("rules", "invalid")
    );
    let mut malformed = scheme("0.5");
    malformed["rules"]["indicators"][0]["indicator"] = json!("happiness");
    assert_eq!(
        field_errors(&hq.post_json("/api/assessments/schemes", &malformed)),
        one_error("rules", "invalid")
    );
    let mut bad_rank = scheme("0.5");
    bad_rank["rank"] = json!("general");
    assert_eq!(
        field_errors(&hq.post_json("/api/assessments/schemes", &bad_rank)),
        one_error("rank", "invalid")
    );

    let saved = hq.post_json("/api/assessments/schemes", &scheme("0.5"));
    assert_eq!(saved.status, 201, "{}", saved.text());
    let saved = saved.value();
    assert_eq!(saved["rank"], "junior");
    assert_eq!(saved["valid_from"], "2015-01");
    assert_eq!(saved["rules"]["indicators"][1]["weight"], "0.5");
    assert_eq!(audits(&app, HQ.code, "assessment.scheme.save"), 1);
    let in_force = rep.get("/api/assessments/schemes?month=2015-03").value();
    let junior = in_force["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rank"] == "junior")
        .unwrap()
        .clone();
    assert_eq!(junior["id"], saved["id"]);
    assert_eq!(
        rep.get("/api/assessments/schemes").value()["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn the_scheduled_run_needs_the_cron_token() {
    let app = app();
    let scheduled = |token: Option<&str>, timestamp: i64| {
        let client = match token {
            Some(token) => app.client().bearer(token),
            None => app.client(),
        };
        client.post_json(
            "/api/assessments/runs/scheduled",
            &json!({"timestamp": timestamp}),
        )
    };
    assert_problem(&scheduled(None, FIRST_OF_OCTOBER_2014), 401, "unauthorized");
    assert_problem(
        &scheduled(Some("wrong-token"), FIRST_OF_OCTOBER_2014),
        401,
        "unauthorized",
    );
    // A signed-in HQ administrator is not the cron.
    let hq = ready(&app, HQ);
    assert_problem(
        &scheduled(Some(&hq.access), FIRST_OF_OCTOBER_2014),
        401,
        "unauthorized",
    );

    let skipped = scheduled(Some(CRON_TOKEN), MID_OCTOBER_2014);
    assert_eq!(skipped.status, 200, "{}", skipped.text());
    assert_eq!(
        skipped.value(),
        json!({"done": true, "skipped": "not_first_of_month"})
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM assessment_months"), 0);

    // On the 1st: the month before is run to its end, by `cron`.
    let first = scheduled(Some(CRON_TOKEN), FIRST_OF_OCTOBER_2014);
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.value();
    assert_eq!(first["done"], true);
    assert_eq!(first["month"], "2014-09");
    assert_eq!(first["status"], "draft");
    assert_eq!(first["started_by"], "cron");
    assert_eq!(audits(&app, "cron", "assessment.run.start"), 1);
    // Again: a draft month is left alone (no automatic re-run).
    let again = scheduled(Some(CRON_TOKEN), FIRST_OF_OCTOBER_2014 + 300).value();
    assert_eq!(again["done"], true);
    assert_eq!(again["run_id"], first["run_id"]);
    assert_eq!(audits(&app, "cron", "assessment.run.start"), 1);

    let bad = app.client().bearer(CRON_TOKEN).post_json(
        "/api/assessments/runs/scheduled",
        &json!({"timestamp": "soon"}),
    );
    assert_eq!(field_errors(&bad), one_error("timestamp", "invalid_type"));

    // An empty token turns the route off.
    let off = app_builder()
        .arg("--no-demo-customers")
        .env("SPIN_VARIABLE_ASSESSMENT_CRON_TOKEN", "")
        .start();
    let reply = off.client().bearer("anything").post_json(
        "/api/assessments/runs/scheduled",
        &json!({"timestamp": FIRST_OF_OCTOBER_2014}),
    );
    assert_problem(&reply, 403, "forbidden");
}

#[test]
fn goals_are_set_by_leads_for_their_team_and_ranks_by_hq() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let hq = signed_in(&app, HQ);
    let put = |client: &Client, path: &str, body: &Value| {
        client.put(path, "application/json", body.to_string())
    };
    let targets = json!({"targets": {"net_commission": "30000", "tasks_done": "10"}});

    let set = put(&lead, "/api/assessments/goals/A0001/2014-Q3", &targets);
    assert_eq!(set.status, 200, "{}", set.text());
    let set = set.value();
    assert_eq!(set["staff_code"], "A0001");
    assert_eq!(set["period"], "2014-Q3");
    let items: Vec<(Value, Value)> = set["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["indicator"].clone(), g["target"].clone()))
        .collect();
    assert_eq!(
        items,
        [
            (json!("net_commission"), json!("30000")),
            (json!("tasks_done"), json!("10"))
        ]
    );
    assert_eq!(set["items"][0]["set_by"], LEAD.code);
    assert_eq!(audits(&app, LEAD.code, "assessment.goals.set"), 1);

    // Refused: a rep; a lead for themselves or outside the team.
    assert_problem(
        &put(&rep, "/api/assessments/goals/A0001/2014-09", &targets),
        403,
        "forbidden",
    );
    assert_problem(
        &put(&rep, "/api/assessments/goals/A0002/2014-09", &targets),
        403,
        "forbidden",
    );
    assert_problem(
        &put(&lead, "/api/assessments/goals/0010001/2014-09", &targets),
        403,
        "forbidden",
    );
    assert_problem(
        &put(&lead, "/api/assessments/goals/A0003/2014-09", &targets),
        403,
        "forbidden",
    );
    assert_problem(
        &put(&manager, "/api/assessments/goals/A0004/2014-09", &targets),
        403,
        "forbidden",
    );
    assert_eq!(
        put(&manager, "/api/assessments/goals/A0003/2014", &targets).status,
        200
    );
    assert_eq!(
        put(&hq, "/api/assessments/goals/A0004/2014-09", &targets).status,
        200
    );
    assert_problem(
        &put(&lead, "/api/assessments/goals/A9999/2014-09", &targets),
        404,
        "not_found",
    );

    // Bad periods and targets.
    assert_eq!(
        field_errors(&put(
            &lead,
            "/api/assessments/goals/A0001/2014-Q5",
            &targets
        )),
        one_error("period", "invalid_format")
    );
    let bad = json!({"targets": {"net_commission": "-5", "happiness": "1"}});
    assert_eq!(
        field_errors(&put(&lead, "/api/assessments/goals/A0001/2014-09", &bad)),
        [
            ("targets.happiness".to_owned(), "unknown_field".to_owned()),
            (
                "targets.net_commission".to_owned(),
                "out_of_range".to_owned()
            )
        ]
    );
    assert_eq!(
        field_errors(&put(
            &lead,
            "/api/assessments/goals/A0001/2014-09",
            &json!({"targets": {}})
        )),
        one_error("targets", "required")
    );

    // Reading: one's own, or in scope.
    let own = rep.get("/api/assessments/goals?period=2014-Q3");
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(own.value()["items"].as_array().unwrap().len(), 2);
    assert_eq!(own.value()["items"][0]["label"], "净佣金");
    assert_problem(
        &rep.get("/api/assessments/goals?staff=A0002"),
        403,
        "forbidden",
    );
    assert_eq!(
        lead.get("/api/assessments/goals?staff=A0001").value()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_problem(
        &lead.get("/api/assessments/goals?staff=A0003"),
        403,
        "forbidden",
    );

    // Ranks: HQ only.
    let body = json!({"rank": "senior", "from": "2014-10"});
    assert_problem(
        &put(&lead, "/api/assessments/ranks/A0001", &body),
        403,
        "forbidden",
    );
    assert_problem(
        &put(&manager, "/api/assessments/ranks/A0001", &body),
        403,
        "forbidden",
    );
    let ranked = put(&hq, "/api/assessments/ranks/A0001", &body);
    assert_eq!(ranked.status, 200, "{}", ranked.text());
    assert_eq!(
        ranked.value(),
        json!({"staff_code": "A0001", "rank": "senior", "rank_label": "高级客户经理", "from": "2014-10"})
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM staff_ranks WHERE staff_code = 'A0001' AND source = 'set'"
        ),
        1
    );
    assert_eq!(audits(&app, HQ.code, "assessment.rank.set"), 1);
    assert_eq!(
        field_errors(&put(
            &hq,
            "/api/assessments/ranks/A0001",
            &json!({"rank": "boss", "from": "2014-10"})
        )),
        one_error("rank", "invalid")
    );
    assert_problem(
        &put(&hq, "/api/assessments/ranks/A9999", &body),
        404,
        "not_found",
    );
}
