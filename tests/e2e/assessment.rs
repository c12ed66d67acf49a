//! ASSESS-1..6 figure by figure: a fixture quarter (2026-07..09) and month (2026-10)
//! built on the demo org, assessed by the scheduled `assessment-cron` component (fired
//! with `zhanye cron fire --at`) and by HQ's run route, every indicator, deduction,
//! score and pay line checked against values computed by hand below; re-runs answer the
//! same bytes and leave no duplicate rows; a run killed half-way resumes to the same
//! results; a published month is frozen; each role sees its own scope; the quarter's
//! rank review promotes, keeps and demotes, and the next month is assessed at the new
//! rank.
//!
//! Demo org: A0001 李明, A0002 王芳 and their lead 0010001 陈刚 (who is a rep too) in team
//! 8 四川南路财富一组; A0003 赵磊 in team 9 四川南路财富二组 of the same branch 4, whose
//! manager is 0010002 周敏; A0004 孙丽 in team 11 of branch 6 (深圳); HQ 0010003 吴强.
//! The assessed staff are the five reps: 0010001, A0001, A0002, A0003, A0004.
//!
//! The app starts without the demo customers (`--no-demo-customers`), so every customer
//! of the assessed staff is one pushed here, and with `--no-cron`, so only the fired
//! events run. Everything else of the fixture months (HOME-1 month figures, check-ins,
//! tasks, contact records) is written by SQL, after removing whatever ingest wrote for
//! those months.
//!
//! The default schemes (demo/0003) used throughout:
//!
//! | rank | net commission target | new effective target | base | commission share |
//! |---|---|---|---|---|
//! | junior | 20000 | 2 | 3000.00 | 20% |
//! | intermediate | 30000 | 3 | 4000.00 | 25% |
//! | senior | 45000 | 4 | 5500.00 | 30% |
//!
//! and for every rank: weights net commission 40%, new effective accounts 20%, tasks
//! done 15% (target 8), contacts 15% (target 20), check-in rate 10% (target 1); caps
//! 1.5, 1.5, 1.2, 1.2, 1; deductions 1 point per working day without a check-in (at
//! most 5), 5 per complaint past its deadline (at most 20), 0.1 per customer not
//! contacted (at most 5); 200.00 per new effective account; 20.00 of pay per point
//! deducted; promote at an average of 90 or more, demote below 60.
//!
//! Working days (Monday to Friday): July 2026 23, August 21, September 22, October 22.

use crate::common::*;
use serde_json::{Value, json};
use zhanye_test_support::{Client, Reply, TestApp};

/// The demo org and staff, none of the demo customers, no schedule running.
fn start() -> TestApp {
    app_builder()
        .arg("--no-demo-customers")
        .arg("--no-cron")
        .start()
}

fn ok(reply: Reply, what: &str) -> Value {
    assert_eq!(reply.status, 200, "{what}: {}", reply.text());
    reply.value()
}

fn get(client: &Client, path: &str) -> Value {
    ok(client.get(path), path)
}

/// A JSON string or number as text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A decimal as text without trailing zeros ("1.050" and "1.05" alike), for figures
/// whose scale is not part of the contract (actuals, targets, rates).
fn dec(value: &Value) -> String {
    let t = text(value);
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        t
    }
}

// ---------------------------------------------------------------------------------
// The fixture.

/// The customers pushed through the trading webhook. Dates that matter:
///
/// | account | owner | status | opened | effective | in October |
/// |---|---|---|---|---|---|
/// | 002100100001 C1 | A0001 | existing | 10-08 | 10-09 | new effective, contacted (complaints) |
/// | 002100100002 C2 | A0001 | existing | 10-08 | 10-15 | new effective, contacted |
/// | 002100100003 C3 | A0001 | existing | 10-20 | 10-31 | new effective (last day), not contacted |
/// | 002100100004 C4 | A0001 | existing | 10-20 | — | not contacted |
/// | 002100100005 C5 | A0001 | existing | 11-05 | 11-05 | neither (opened after October) |
/// | 002100100006 C6 | A0001 | potential | — | — | neither |
/// | 002100100008 C8 | A0001 | existing | 09-28 | — | not contacted (a complaint in September) |
/// | 002100100009 C9 | A0001 | existing | 10-05 | 10-10 | neither: deleted |
/// | 002100200001 D1 | A0002 | existing | 10-02 | 10-02 | new effective, contacted |
/// | 002100200002 D2 | A0002 | existing | 10-03 | — | not contacted |
/// | 002100300001 E1 | A0003 | potential | — | — | neither |
/// | 075500400001 F1 | A0004 | lost | 2019 | — | neither |
/// | 002100010001 L1 | 0010001 | potential | — | — | neither |
///
/// No customer is existing and open before 2026-09-28, so in July and August nobody
/// has a customer to leave uncontacted, and in September only C8, contacted then.
fn push_customers(app: &TestApp) {
    // account, name, owner, status, opened, effective ("-": none)
    const CUSTOMERS: &str = "
        002100100001 张一 A0001 existing 2026-10-08 2026-10-09
        002100100002 张二 A0001 existing 2026-10-08 2026-10-15
        002100100003 张三 A0001 existing 2026-10-20 2026-10-31
        002100100004 张四 A0001 existing 2026-10-20 -
        002100100005 张五 A0001 existing 2026-11-05 2026-11-05
        002100100006 张六 A0001 potential - -
        002100100008 张八 A0001 existing 2026-09-28 -
        002100100009 张九 A0001 existing 2026-10-05 2026-10-10
        002100200001 王一 A0002 existing 2026-10-02 2026-10-02
        002100200002 王二 A0002 existing 2026-10-03 -
        002100300001 赵一 A0003 potential - -
        075500400001 孙一 A0004 lost 2019-05-01 -
        002100010001 陈一 0010001 potential - -";
    let date = |d: &str| if d == "-" { Value::Null } else { json!(d) };
    let records: Vec<Value> = CUSTOMERS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            json!({"account_no": f[0], "name": f[1], "owner_code": f[2], "status": f[3],
                   "open_date": date(f[4]), "effective_date": date(f[5])})
        })
        .collect();
    push_ok(
        app,
        "customers",
        "assessment-customers",
        &Value::Array(records),
    );
    sql(
        app,
        "UPDATE customers SET deleted_at = '2026-10-20T02:00:00Z' WHERE account_no = '002100100009'",
    );
}

/// The HOME-1 month figures of a staff member (amounts in fen).
struct Stats {
    stock_net_profit: i64,
    new_net_profit: i64,
    stock_volume: i64,
    new_volume: i64,
    stock_assets: i64,
    new_assets: i64,
}

fn commission(stock_net_profit: i64, new_net_profit: i64) -> Stats {
    Stats {
        stock_net_profit,
        new_net_profit,
        stock_volume: 0,
        new_volume: 0,
        stock_assets: 0,
        new_assets: 0,
    }
}

fn stats_sql(code: &str, month: i64, s: &Stats) -> String {
    format!(
        "INSERT INTO staff_month_stats (staff_code, month, stock_count, stock_assets, \
             stock_daily_average, stock_net_profit, stock_volume, new_count, new_assets, \
             new_net_profit, new_volume) \
         VALUES ('{code}', {month}, 3, {}, {}, {}, {}, 2, {}, {}, {});\n",
        s.stock_assets,
        s.stock_assets,
        s.stock_net_profit,
        s.stock_volume,
        s.new_assets,
        s.new_net_profit,
        s.new_volume
    )
}

/// A check-in on every working day of `month` (`2026-10`) but the days in `skip`.
fn checkins_sql(code: &str, month: &str, skip: &[&str]) -> String {
    use chrono::{Datelike, Weekday};
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .expect("a month like 2026-10");
    let rows: Vec<String> = first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .filter(|d| !skip.contains(&d.as_str()))
        .map(|d| format!("('{code}', '{d}', '{d}T01:00:00Z', 'mobile', 'explicit')"))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source) VALUES {};\n",
        rows.join(", ")
    )
}

/// A task of `code` closed at `closed_at` (UTC) with `status` (`done`, `cancelled`) or
/// open when `closed_at` is None.
fn task_sql(code: &str, status: &str, closed_at: Option<&str>) -> String {
    let at = closed_at.unwrap_or("2026-10-20T02:00:00Z");
    let closed = closed_at.map_or("NULL".to_owned(), |t| format!("'{t}'"));
    let done = if status == "done" {
        closed.clone()
    } else {
        "NULL".into()
    };
    let cancelled = if status == "cancelled" {
        closed.clone()
    } else {
        "NULL".into()
    };
    format!(
        "INSERT INTO tasks (customer_name, planned_address, planned_at, responsible_code, unit_path, \
             content, created_by, status, done_at, cancelled_at, closed_at, created_at, updated_at) \
         SELECT '客户', '上海市黄浦区四川南路1号', '{at}', code, unit_path, '客户回访', code, '{status}', \
             {done}, {cancelled}, {closed}, '{at}', '{at}' FROM staff WHERE code = '{code}';\n"
    )
}

/// `n` tasks of `code` done in `month` (`2026-10`), one a day from the 1st at 10:00 China
/// time.
fn done_tasks_sql(code: &str, month: &str, n: u32) -> String {
    (1..=n)
        .map(|day| task_sql(code, "done", Some(&format!("{month}-{day:02}T02:00:00Z"))))
        .collect()
}

/// A contact record of `code` with a customer at `at` (UTC); its month is the China-time
/// month of `at`.
fn contact_sql(code: &str, account: &str, at: &str, kind: &str) -> String {
    let month = (chrono::DateTime::parse_from_rfc3339(at).expect("an RFC 3339 time")
        + chrono::Duration::hours(8))
    .format("%Y%m");
    format!(
        "INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind, \
             topic, created_at) \
         SELECT id, '{code}', '{at}', {month}, \
             'active', '{kind}', '回访', '{at}' FROM customers WHERE account_no = '{account}';\n"
    )
}

/// `n` general contact records of `code` with one customer in `month`, one a day from the
/// 1st at 11:00 China time (a second round from the 1st again past 28).
fn contacts_sql(code: &str, account: &str, month: &str, n: u32) -> String {
    (0..n)
        .map(|i| {
            let at = format!("{month}-{:02}T03:{:02}:00Z", 1 + i % 28, i / 28);
            contact_sql(code, account, &at, "general")
        })
        .collect()
}

/// The fixture quarter and month. Per member and month (net commission in yuan; every
/// member checks in on every working day of July to September, A0004 never):
///
/// | member | month | net commission | tasks done | contacts |
/// |---|---|---|---|---|
/// | 0010001 | 07, 08, 09, 10 | 20000 | 8 | 20 |
/// | A0001 | 07 | 40000 + 5000 | 10 | 20 |
/// | A0001 | 08 | 30000 | 8 | 24 |
/// | A0001 | 09 | 36000 | 7 + 1 at 23:59:59 on the 30th | 19 + a complaint on the 29th |
/// | A0002 | 07 | 20000 | 6 | 10 |
/// | A0002 | 08 | 15000 | 8 | 20 |
/// | A0002 | 09 | 25000 | 8 | 20 |
/// | A0003 | 07 | 9000 | 2 | 5 |
/// | A0003 | 08 | 18000 | 4 | 10 |
/// | A0003 | 09 | 45000 | 8 | 20 |
/// | A0004 | 07, 08, 09 | — | 0 | 0 |
///
/// October, each member in detail:
///
/// - A0001: net commission 40000.00 + 12500.50 = 52500.50, volume 3000000.00 +
///   500000.00; 9 tasks done (8 from the 1st, 1 at 00:00:00 China time on the 1st);
///   not counted: one done at 00:00 on 1 November, one cancelled, one open. Check-ins
///   on 20 of 22 working days (not 1 and 2 October) and on Saturday the 10th. 27
///   contacts: 23 general with C2 from the 1st to the 23rd, complaints with C1 on the
///   10th (never followed up: past its deadline on the 13th) and the 30th (deadline in
///   November), a complaint with C2 on the 12th followed up on the 13th. With the
///   complaint of 29 September (C8, never followed up, deadline 2 October): 2
///   complaints past deadline in October.
/// - A0002: net commission 18000.00, volume 900000.00; 12 tasks; 10 contacts with D1;
///   check-ins on all 22 working days.
/// - A0003: net commission 34000.00 − 1000.00 = 33000.00, volume 1200000.00; no tasks,
///   no contacts; check-ins on 18 working days (not 1, 2, 5, 6 October).
/// - A0004: net commission −500.00 (a loss); nothing else.
/// - 0010001: net commission 20000.00, volume 1000000.00; 8 tasks; 20 contacts with L1;
///   check-ins on all working days.
fn fixture(app: &TestApp) {
    push_customers(app);
    let mut s = String::from(
        "BEGIN;\nDELETE FROM staff_month_stats WHERE month BETWEEN 202607 AND 202610;\n\
         DELETE FROM checkins WHERE day BETWEEN '2026-07-01' AND '2026-10-31';\n",
    );
    let yuan = |y: i64| y * 100;
    // The quarter.
    for (month, stored) in [
        ("2026-07", 202607),
        ("2026-08", 202608),
        ("2026-09", 202609),
    ] {
        s += &stats_sql("0010001", stored, &commission(yuan(20000), 0));
        s += &done_tasks_sql("0010001", month, 8);
        s += &contacts_sql("0010001", "002100010001", month, 20);
        for code in ["0010001", "A0001", "A0002", "A0003"] {
            s += &checkins_sql(code, month, &[]);
        }
    }
    s += &stats_sql("A0001", 202607, &commission(yuan(40000), yuan(5000)));
    s += &done_tasks_sql("A0001", "2026-07", 10);
    s += &contacts_sql("A0001", "002100100001", "2026-07", 20);
    s += &stats_sql("A0001", 202608, &commission(yuan(30000), 0));
    s += &done_tasks_sql("A0001", "2026-08", 8);
    s += &contacts_sql("A0001", "002100100001", "2026-08", 24);
    s += &stats_sql("A0001", 202609, &commission(yuan(36000), 0));
    s += &done_tasks_sql("A0001", "2026-09", 7);
    // 23:59:59 on 30 September, China time: still September.
    s += &task_sql("A0001", "done", Some("2026-09-30T15:59:59Z"));
    s += &contacts_sql("A0001", "002100100001", "2026-09", 19);
    s += &contact_sql("A0001", "002100100008", "2026-09-29T00:00:00Z", "complaint");

    for (month, stored, net, tasks, contacts) in [
        ("2026-07", 202607, 20000, 6, 10),
        ("2026-08", 202608, 15000, 8, 20),
        ("2026-09", 202609, 25000, 8, 20),
    ] {
        s += &stats_sql("A0002", stored, &commission(yuan(net), 0));
        s += &done_tasks_sql("A0002", month, tasks);
        s += &contacts_sql("A0002", "002100200001", month, contacts);
    }
    for (month, stored, net, tasks, contacts) in [
        ("2026-07", 202607, 9000, 2, 5),
        ("2026-08", 202608, 18000, 4, 10),
        ("2026-09", 202609, 45000, 8, 20),
    ] {
        s += &stats_sql("A0003", stored, &commission(yuan(net), 0));
        s += &done_tasks_sql("A0003", month, tasks);
        s += &contacts_sql("A0003", "002100300001", month, contacts);
    }

    // October.
    s += &stats_sql(
        "A0001",
        202610,
        &Stats {
            stock_net_profit: 4_000_000,
            new_net_profit: 1_250_050,
            stock_volume: 300_000_000,
            new_volume: 50_000_000,
            stock_assets: 1_234_567_890,
            new_assets: 50_000_000,
        },
    );
    s += &done_tasks_sql("A0001", "2026-10", 8);
    s += &task_sql("A0001", "done", Some("2026-09-30T16:00:00Z"));
    s += &task_sql("A0001", "done", Some("2026-10-31T16:00:00Z"));
    s += &task_sql("A0001", "cancelled", Some("2026-10-21T02:00:00Z"));
    s += &task_sql("A0001", "open", None);
    s += &checkins_sql("A0001", "2026-10", &["2026-10-01", "2026-10-02"]);
    s += "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source) \
          VALUES ('A0001', '2026-10-10', '2026-10-10T01:00:00Z', 'mobile', 'explicit');\n";
    s += &contacts_sql("A0001", "002100100002", "2026-10", 23);
    s += &contact_sql("A0001", "002100100001", "2026-10-10T02:00:00Z", "complaint");
    s += &contact_sql("A0001", "002100100002", "2026-10-12T02:00:00Z", "complaint");
    s += &contact_sql("A0001", "002100100002", "2026-10-13T01:00:00Z", "general");
    s += &contact_sql("A0001", "002100100001", "2026-10-30T02:00:00Z", "complaint");

    s += &stats_sql(
        "A0002",
        202610,
        &Stats {
            stock_net_profit: 1_800_000,
            new_net_profit: 0,
            stock_volume: 90_000_000,
            new_volume: 0,
            stock_assets: 800_000_000,
            new_assets: 0,
        },
    );
    s += &done_tasks_sql("A0002", "2026-10", 12);
    s += &contacts_sql("A0002", "002100200001", "2026-10", 10);
    s += &checkins_sql("A0002", "2026-10", &[]);

    s += &stats_sql(
        "A0003",
        202610,
        &Stats {
            stock_net_profit: 3_400_000,
            new_net_profit: -100_000,
            stock_volume: 120_000_000,
            new_volume: 0,
            stock_assets: 2_000_000_000,
            new_assets: 0,
        },
    );
    s += &checkins_sql(
        "A0003",
        "2026-10",
        &["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06"],
    );

    s += &stats_sql("A0004", 202610, &commission(-50_000, 0));

    s += &stats_sql(
        "0010001",
        202610,
        &Stats {
            stock_net_profit: 2_000_000,
            new_net_profit: 0,
            stock_volume: 100_000_000,
            new_volume: 0,
            stock_assets: 500_000_000,
            new_assets: 0,
        },
    );
    s += &done_tasks_sql("0010001", "2026-10", 8);
    s += &contacts_sql("0010001", "002100010001", "2026-10", 20);
    s += &checkins_sql("0010001", "2026-10", &[]);
    s += "COMMIT;";
    sql(app, &s);

    // The fixture as the assessment reads it.
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM checkins WHERE staff_code = 'A0001' AND day LIKE '2026-10-%'"
        ),
        21
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM contact_records WHERE staff_code = 'A0001' AND month = 202610"
        ),
        27
    );
}

/// Fires the scheduled component as the schedule would at `at` (RFC 3339).
fn fire(app: &TestApp, at: &str) {
    let out = app.zhanye(&["cron", "fire", "assessment-cron", "--at", at]);
    assert!(
        out.status.success(),
        "cron fire at {at}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(hq: &Client, body: &Value) -> Reply {
    hq.post_json("/api/assessments/runs", body)
}

fn assessment(client: &Client, month: &str, staff: &str) -> Value {
    get(
        client,
        &format!("/api/assessments?month={month}&staff={staff}"),
    )
}

fn score(client: &Client, month: &str, staff: &str) -> String {
    text(&assessment(client, month, staff)["score"])
}

/// Each indicator as (indicator, actual, target, target source, attainment, points).
fn indicators(view: &Value) -> Vec<[String; 6]> {
    view["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            [
                text(&i["indicator"]),
                dec(&i["actual"]),
                dec(&i["target"]),
                text(&i["target_source"]),
                dec(&i["attainment"]),
                text(&i["points"]),
            ]
        })
        .collect()
}

/// Each deduction as (kind, count, points, reason).
fn deductions(view: &Value) -> Vec<[String; 4]> {
    view["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            [
                text(&d["kind"]),
                text(&d["count"]),
                text(&d["points"]),
                text(&d["reason"]),
            ]
        })
        .collect()
}

/// Each pay line as (kind, label, amount).
fn pay_lines(statement: &Value) -> Vec<[String; 3]> {
    statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| [text(&l["kind"]), text(&l["label"]), text(&l["amount"])])
        .collect()
}

fn rows<const N: usize>(table: &[[&str; N]]) -> Vec<[String; N]> {
    table.iter().map(|r| r.map(str::to_owned)).collect()
}

/// The bodies of every view of October, to compare runs byte for byte.
fn october_views(hq: &Client) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<String> = Vec::new();
    for code in ["0010001", "A0001", "A0002", "A0003", "A0004"] {
        paths.push(format!("/api/assessments?month=2026-10&staff={code}"));
        paths.push(format!("/api/income?month=2026-10&staff={code}"));
        paths.push(format!("/api/assessments/trend?year=2026&staff={code}"));
    }
    for level in ["team", "branch", "region"] {
        paths.push(format!(
            "/api/assessments/rollup?month=2026-10&level={level}"
        ));
    }
    for sort in ["score", "net_commission", "volume", "pay"] {
        paths.push(format!("/api/assessments/team?month=2026-10&sort={sort}"));
    }
    paths
        .into_iter()
        .map(|path| {
            let reply = hq.get(&path);
            assert_eq!(reply.status, 200, "{path}: {}", reply.text());
            (path, reply.body)
        })
        .collect()
}

fn assert_same_views(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], what: &str) {
    assert_eq!(before.len(), after.len());
    for ((path, a), (_, b)) in before.iter().zip(after) {
        assert!(
            a == b,
            "{what}: {path} changed\nbefore: {}\nafter:  {}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

/// No month holds a staff member twice, and October's rows are the five assessed, all of
/// one run.
fn assert_no_duplicates(app: &TestApp, run_id: i64) {
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM (SELECT month, staff_code FROM assessment_results \
             GROUP BY month, staff_code HAVING COUNT(*) > 1) AS d"
        ),
        0
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM assessment_results WHERE month = 202610"
        ),
        5
    );
    assert_eq!(
        count(
            app,
            &format!(
                "SELECT COUNT(*) FROM assessment_results WHERE month = 202610 AND run_id = {run_id}"
            )
        ),
        5
    );
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM (SELECT month, staff_code FROM rank_reviews \
             GROUP BY month, staff_code HAVING COUNT(*) > 1) AS d"
        ),
        0
    );
}

fn ranks_table(app: &TestApp) -> String {
    text(&sql_value(
        app,
        "SELECT string_agg(staff_code || ':' || from_month || ':' || rank || ':' || source, ' ' \
             ORDER BY staff_code, from_month) FROM staff_ranks",
    ))
}

// ---------------------------------------------------------------------------------

#[test]
fn a_fixture_quarter_and_month_are_assessed_to_the_hand_computed_figures() {
    let app = start();
    if !app.runs_locally("zhanye cron fire") {
        return;
    }
    let hq = signed_in(&app, HQ);
    let lead = signed_in(&app, LEAD);
    let manager = signed_in(&app, MANAGER);
    let a0001 = signed_in(&app, A0001);
    let a0002 = signed_in(&app, A0002);
    fixture(&app);

    // Ranks from July, set by HQ: A0001 intermediate, A0003 senior; the others have no
    // rank row and are junior.
    for (code, rank) in [("A0001", "intermediate"), ("A0003", "senior")] {
        let reply = hq.put(
            &format!("/api/assessments/ranks/{code}"),
            "application/json",
            json!({"rank": rank, "from": "2026-07"}).to_string(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    // Goals: the lead sets A0001's October (net commission 50000, contacts 25) and
    // A0002's fourth quarter (net commission 75000 and 30 tasks: 25000 and 10 a month);
    // the branch manager sets A0003's year (check-in rate 90%, a level: 0.9 every month).
    for (who, code, period, targets) in [
        (
            &lead,
            "A0001",
            "2026-10",
            json!({"net_commission": "50000", "contacts": "25"}),
        ),
        (
            &lead,
            "A0002",
            "2026-Q4",
            json!({"net_commission": "75000", "tasks_done": "30"}),
        ),
        (&manager, "A0003", "2026", json!({"checkin_rate": "0.9"})),
    ] {
        let reply = who.put(
            &format!("/api/assessments/goals/{code}/{period}"),
            "application/json",
            json!({ "targets": targets }).to_string(),
        );
        assert_eq!(reply.status, 200, "{code} {period}: {}", reply.text());
    }

    // July and August run on demand by HQ.
    for month in ["2026-07", "2026-08"] {
        let state = ok(run(&hq, &json!({"month": month})), month);
        assert_eq!(state["done"], true);
        assert_eq!(state["status"], "draft");
        assert_eq!(state["staff_total"], 5);
        assert_eq!(state["staff_done"], 5);
    }

    // A cron event on a day other than the 1st assesses nothing; one at 02:00 China
    // time on 1 October assesses September.
    fire(&app, "2026-10-02T02:00:00+08:00");
    assert_eq!(hq.get("/api/assessments/runs/2026-09").status, 404);
    fire(&app, "2026-10-01T02:00:00+08:00");
    let september = get(&hq, "/api/assessments/runs/2026-09");
    assert_eq!(september["status"], "draft", "{september}");
    assert_eq!(september["started_by"], "cron");
    assert_eq!(september["staff_done"], 5);

    // The quarter's scores (every check-in made in July to September: rate 1 → 10
    // points; no new effective accounts: 0 points):
    //
    // 0010001 (junior, 20000): 20000/20000 = 1 → 40; 8/8 → 15; 20/20 → 15; + 10 = 80.00
    //   each month.
    // A0001 (intermediate, 30000):
    //   07: 45000/30000 = 1.5 → 60; 10/8 = 1.25, capped 1.2 → 18; 20/20 → 15; + 10 = 103.00
    //   08: 30000/30000 → 40; 8/8 → 15; 24/20 = 1.2 → 18; + 10 = 83.00
    //   09: 36000/30000 = 1.2 → 48; 8/8 → 15; 20/20 → 15; + 10 = 88.00
    //   (C8, opened 28 September, was contacted on the 29th: nobody uncontacted.)
    // A0002 (junior, 20000):
    //   07: 20000/20000 → 40; 6/8 = 0.75 → 11.25; 10/20 = 0.5 → 7.5; + 10 = 68.75
    //   08: 15000/20000 = 0.75 → 30; 8/8 → 15; 20/20 → 15; + 10 = 70.00
    //   09: 25000/20000 = 1.25 → 50; 15; 15; + 10 = 90.00
    // A0003 (senior, 45000; the year's check-in goal 0.9: 1/0.9 capped at 1 → 10):
    //   07: 9000/45000 = 0.2 → 8; 2/8 = 0.25 → 3.75; 5/20 = 0.25 → 3.75; + 10 = 25.50
    //   08: 18000/45000 = 0.4 → 16; 4/8 → 7.5; 10/20 → 7.5; + 10 = 41.00
    //   09: 45000/45000 → 40; 15; 15; + 10 = 80.00
    // A0004 (junior): nothing, no check-in: 0 points, 23/21/22 working days missed →
    //   5 points (capped) = −5.00 each month.
    let expected = [
        ("0010001", ["80.00", "80.00", "80.00"]),
        ("A0001", ["103.00", "83.00", "88.00"]),
        ("A0002", ["68.75", "70.00", "90.00"]),
        ("A0003", ["25.50", "41.00", "80.00"]),
        ("A0004", ["-5.00", "-5.00", "-5.00"]),
    ];
    for (code, scores) in expected {
        for (month, expected) in ["2026-07", "2026-08", "2026-09"].into_iter().zip(scores) {
            assert_eq!(score(&hq, month, code), expected, "{code} {month}");
        }
    }
    let quiet = assessment(&hq, "2026-08", "A0004");
    assert_eq!(
        deductions(&quiet),
        rows(&[[
            "missed_checkins",
            "21",
            "5.00",
            "本月21个工作日未签到（封顶5分）"
        ]])
    );

    // The rank review with September (average of the three scores, to two places):
    // 0010001 (80 + 80 + 80)/3 = 80.00 keep; A0001 (103 + 83 + 88)/3 = 91.33 ≥ 90
    // promote to senior; A0002 (68.75 + 70 + 90)/3 = 76.25 keep; A0003 (25.5 + 41 + 80)/3
    // = 48.83 < 60 demote to intermediate; A0004 −5.00 demote, but junior is the lowest.
    for (code, decision, from, to, average, scores) in [
        (
            "0010001",
            "keep",
            "junior",
            "junior",
            "80.00",
            ["80.00", "80.00", "80.00"],
        ),
        (
            "A0001",
            "promote",
            "intermediate",
            "senior",
            "91.33",
            ["103.00", "83.00", "88.00"],
        ),
        (
            "A0002",
            "keep",
            "junior",
            "junior",
            "76.25",
            ["68.75", "70.00", "90.00"],
        ),
        (
            "A0003",
            "demote",
            "senior",
            "intermediate",
            "48.83",
            ["25.50", "41.00", "80.00"],
        ),
        (
            "A0004",
            "demote",
            "junior",
            "junior",
            "-5.00",
            ["-5.00", "-5.00", "-5.00"],
        ),
    ] {
        let review = &assessment(&hq, "2026-09", code)["rank_review"];
        assert_eq!(text(&review["decision"]), decision, "{code}: {review}");
        assert_eq!(text(&review["from_rank"]), from, "{code}");
        assert_eq!(text(&review["to_rank"]), to, "{code}");
        assert_eq!(text(&review["average"]), average, "{code}");
        let got: Vec<String> = review["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(dec)
            .collect();
        let want: Vec<String> = scores.iter().map(|s| dec(&json!(s))).collect();
        assert_eq!(got, want, "{code}");
    }
    // Not the end of a quarter: no review.
    assert_eq!(
        assessment(&hq, "2026-08", "A0001")["rank_review"],
        Value::Null
    );

    // Published, the review moves A0001 and A0003 from October on.
    assert_eq!(
        ranks_table(&app),
        "A0001:202607:intermediate:set A0003:202607:senior:set"
    );
    let published = ok(
        hq.post_json("/api/assessments/2026-09/publish", &json!({})),
        "publish",
    );
    assert_eq!(published["status"], "published");
    assert_eq!(
        ranks_table(&app),
        "A0001:202607:intermediate:set A0001:202610:senior:review \
         A0003:202607:senior:set A0003:202610:intermediate:review"
    );

    // October: a cron event on the last day of October does nothing; the one on
    // 1 November at 02:00 China time assesses October at the new ranks.
    fire(&app, "2026-10-31T02:00:00+08:00");
    assert_eq!(hq.get("/api/assessments/runs/2026-10").status, 404);
    fire(&app, "2026-11-01T02:00:00+08:00");
    let october = get(&hq, "/api/assessments/runs/2026-10");
    assert_eq!(october["status"], "draft", "{october}");
    assert_eq!(october["run_id"], 1);
    // Another event of the same night finds the month done and leaves it.
    fire(&app, "2026-11-01T02:05:00+08:00");
    assert_eq!(get(&hq, "/api/assessments/runs/2026-10")["run_id"], 1);

    // A0001, now senior (net commission target 45000 by default, 4 new effective
    // accounts; base 5500.00, 30%), with the lead's October goals:
    //
    // net commission 52500.50 / 50000 (month goal) = 1.05001 → 0.4 × 1.05001 × 100 = 42.00
    // new effective C1, C2, C3 = 3 / 4 (scheme) = 0.75 → 0.2 × 0.75 × 100 = 15.00
    // tasks 9 / 8 (scheme) = 1.125 → 0.15 × 1.125 × 100 = 16.875 → 16.88
    // contacts 27 / 25 (month goal) = 1.08 → 0.15 × 1.08 × 100 = 16.20
    // check-in rate 20/22 = 0.9091 / 1 → 0.1 × 0.9091 × 100 = 9.09
    // gross 42 + 15 + 16.88 + 16.2 + 9.09 = 99.17
    // deductions: 22 − 20 = 2 days × 1 = 2; 2 complaints × 5 = 10; C3, C4, C8 not
    // contacted: 3 × 0.1 = 0.3; together 12.3
    // score 99.17 − 12.3 = 86.87
    let view = assessment(&a0001, "2026-10", "A0001");
    assert_eq!(view["month"], "2026-10");
    assert_eq!(view["status"], "draft");
    assert_eq!(view["staff"]["code"], "A0001");
    assert_eq!(view["staff"]["name"], "李明");
    assert_eq!(view["staff"]["rank"], "senior");
    assert_eq!(view["staff"]["rank_label"], "高级客户经理");
    assert_eq!(
        indicators(&view),
        rows(&[
            [
                "net_commission",
                "52500.5",
                "50000",
                "month_goal",
                "1.05",
                "42.00"
            ],
            [
                "new_effective_accounts",
                "3",
                "4",
                "scheme",
                "0.75",
                "15.00"
            ],
            ["tasks_done", "9", "8", "scheme", "1.125", "16.88"],
            ["contacts", "27", "25", "month_goal", "1.08", "16.20"],
            ["checkin_rate", "0.9091", "1", "scheme", "0.9091", "9.09"],
        ])
    );
    let labels: Vec<String> = view["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| text(&i["label"]))
        .collect();
    assert_eq!(
        labels,
        [
            "净佣金",
            "新增有效户",
            "完成任务数",
            "客户沟通次数",
            "签到率"
        ]
    );
    assert_eq!(
        deductions(&view),
        rows(&[
            ["missed_checkins", "2", "2.00", "本月2个工作日未签到"],
            ["complaints_overdue", "2", "10.00", "2件客户投诉超期未处理"],
            ["customers_not_contacted", "3", "0.30", "3位客户本月未沟通"],
        ])
    );
    assert_eq!(text(&view["gross"]), "99.17");
    assert_eq!(text(&view["deducted"]), "12.30");
    assert_eq!(text(&view["score"]), "86.87");
    let in_english = assessment(&english(&a0001), "2026-10", "A0001");
    let reasons: Vec<String> = deductions(&in_english)
        .into_iter()
        .map(|d| d[3].clone())
        .collect();
    assert_eq!(
        reasons,
        [
            "2 working day(s) without a check-in",
            "2 complaint(s) open past the deadline",
            "3 customer(s) not contacted this month",
        ]
    );
    assert_eq!(in_english["indicators"][0]["label"], "Net commission");
    // ASSESS-6 categories narrow the HOME-1 figures of the month.
    let figures = |category: &str| {
        assessment(&a0001, "2026-10", &format!("A0001&category={category}"))["figures"].clone()
    };
    assert_eq!(
        figures("commission"),
        json!({"net_commission": "52500.50", "stock_net_profit": "40000.00",
               "new_net_profit": "12500.50", "new_effective_net_profit": "0.00"})
    );
    assert_eq!(
        figures("volume"),
        json!({"volume": "3500000.00", "stock_volume": "3000000.00",
               "new_volume": "500000.00", "new_effective_volume": "0.00"})
    );
    assert_eq!(figures("stock")["stock_assets"], "12345678.90");
    assert_eq!(figures("incremental")["new_assets"], "500000.00");

    // Pay: 5500.00 + 52500.50 × 30% = 15750.15 + 3 × 200.00 = 600.00 − 2 × 20.00 −
    // 10 × 20.00 − 0.3 × 20.00 = 5500 + 15750.15 + 600 − 40 − 200 − 6 = 21604.15.
    let income = get(&a0001, "/api/income?month=2026-10");
    assert_eq!(
        pay_lines(&income),
        rows(&[
            ["base", "基本工资", "5500.00"],
            ["commission", "佣金提成：净佣金52500.50元×30%", "15750.15"],
            [
                "new_account_bonus",
                "新增有效户奖励：3户×200.00元",
                "600.00"
            ],
            ["deduction", "扣减：本月2个工作日未签到（扣2分）", "-40.00"],
            [
                "deduction",
                "扣减：2件客户投诉超期未处理（扣10分）",
                "-200.00"
            ],
            ["deduction", "扣减：3位客户本月未沟通（扣0.3分）", "-6.00"],
        ])
    );
    assert_eq!(text(&income["total"]), "21604.15");
    let income_en = get(&english(&a0001), "/api/income?month=2026-10");
    let labels: Vec<String> = pay_lines(&income_en)
        .into_iter()
        .map(|l| l[1].clone())
        .collect();
    assert_eq!(
        labels,
        [
            "Base pay",
            "Commission: 30% of net commission 52500.50",
            "New effective accounts: 3 × 200.00",
            "Deduction: 2 working day(s) without a check-in (2 points)",
            "Deduction: 2 complaint(s) open past the deadline (10 points)",
            "Deduction: 3 customer(s) not contacted this month (0.3 points)",
        ]
    );

    // A0002, junior (base 3000.00, 20%), with the quarter's goals:
    //
    // net commission 18000 / (75000 / 3 = 25000, quarter goal) = 0.72 → 28.80
    // new effective D1 = 1 / 2 → 0.5 → 10.00
    // tasks 12 / (30 / 3 = 10, quarter goal) = 1.2 → 18.00
    // contacts 10 / 20 → 0.5 → 7.50
    // check-in rate 22/22 = 1 → 10.00
    // gross 74.30; D2 not contacted: 0.1; score 74.20
    // pay 3000.00 + 18000.00 × 20% = 3600.00 + 1 × 200.00 − 0.1 × 20.00 = 6798.00
    let view = assessment(&a0002, "2026-10", "A0002");
    assert_eq!(view["staff"]["rank"], "junior");
    assert_eq!(
        indicators(&view),
        rows(&[
            [
                "net_commission",
                "18000",
                "25000",
                "quarter_goal",
                "0.72",
                "28.80"
            ],
            ["new_effective_accounts", "1", "2", "scheme", "0.5", "10.00"],
            ["tasks_done", "12", "10", "quarter_goal", "1.2", "18.00"],
            ["contacts", "10", "20", "scheme", "0.5", "7.50"],
            ["checkin_rate", "1", "1", "scheme", "1", "10.00"],
        ])
    );
    assert_eq!(
        deductions(&view),
        rows(&[["customers_not_contacted", "1", "0.10", "1位客户本月未沟通"]])
    );
    assert_eq!(text(&view["gross"]), "74.30");
    assert_eq!(text(&view["score"]), "74.20");
    let income = get(&a0002, "/api/income?month=2026-10");
    assert_eq!(
        pay_lines(&income),
        rows(&[
            ["base", "基本工资", "3000.00"],
            ["commission", "佣金提成：净佣金18000.00元×20%", "3600.00"],
            [
                "new_account_bonus",
                "新增有效户奖励：1户×200.00元",
                "200.00"
            ],
            ["deduction", "扣减：1位客户本月未沟通（扣0.1分）", "-2.00"],
        ])
    );
    assert_eq!(text(&income["total"]), "6798.00");

    // A0003, intermediate since the review (30000, 3; base 4000.00, 25%):
    // 33000 / 30000 = 1.1 → 44.00; no accounts, tasks or contacts → 0; check-in rate
    // 18/22 = 0.8182 / 0.9 (year goal) = 0.90911 → 9.09; gross 53.09; 4 days missed → 4;
    // score 49.09. Pay 4000.00 + 33000.00 × 25% = 8250.00 − 4 × 20.00 = 12170.00.
    let view = assessment(&manager, "2026-10", "A0003");
    assert_eq!(view["staff"]["rank"], "intermediate");
    assert_eq!(
        indicators(&view),
        rows(&[
            ["net_commission", "33000", "30000", "scheme", "1.1", "44.00"],
            ["new_effective_accounts", "0", "3", "scheme", "0", "0.00"],
            ["tasks_done", "0", "8", "scheme", "0", "0.00"],
            ["contacts", "0", "20", "scheme", "0", "0.00"],
            [
                "checkin_rate",
                "0.8182",
                "0.9",
                "year_goal",
                "0.9091",
                "9.09"
            ],
        ])
    );
    assert_eq!(
        deductions(&view),
        rows(&[["missed_checkins", "4", "4.00", "本月4个工作日未签到"]])
    );
    assert_eq!(text(&view["score"]), "49.09");
    assert_eq!(
        text(&get(&manager, "/api/income?month=2026-10&staff=A0003")["total"]),
        "12170.00"
    );

    // A0004: a loss month earns no commission line; no check-in: 22 days, capped at 5
    // points; score −5.00; pay 3000.00 − 5 × 20.00 = 2900.00.
    let view = assessment(&hq, "2026-10", "A0004");
    assert_eq!(text(&view["score"]), "-5.00");
    assert_eq!(
        deductions(&view),
        rows(&[[
            "missed_checkins",
            "22",
            "5.00",
            "本月22个工作日未签到（封顶5分）"
        ]])
    );
    let income = get(&hq, "/api/income?month=2026-10&staff=A0004");
    assert_eq!(
        pay_lines(&income),
        rows(&[
            ["base", "基本工资", "3000.00"],
            [
                "deduction",
                "扣减：本月22个工作日未签到（封顶5分）（扣5分）",
                "-100.00"
            ],
        ])
    );
    assert_eq!(text(&income["total"]), "2900.00");

    // 0010001: 40 + 0 + 15 + 15 + 10 = 80.00; pay 3000.00 + 20000.00 × 20% = 7000.00.
    assert_eq!(score(&lead, "2026-10", "0010001"), "80.00");
    assert_eq!(
        text(&get(&lead, "/api/income?month=2026-10")["total"]),
        "7000.00"
    );

    // The lead's team ranking by score: A0001 86.87, 0010001 80.00, A0002 74.20.
    let team = get(&lead, "/api/assessments/team?month=2026-10");
    let ranking: Vec<(String, String, String, String)> = team["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                text(&i["position"]),
                text(&i["code"]),
                text(&i["score"]),
                text(&i["pay_total"]),
            )
        })
        .collect();
    let owned = |r: [&str; 4]| {
        (
            r[0].to_owned(),
            r[1].to_owned(),
            r[2].to_owned(),
            r[3].to_owned(),
        )
    };
    assert_eq!(
        ranking,
        [
            owned(["1", "A0001", "86.87", "21604.15"]),
            owned(["2", "0010001", "80.00", "7000.00"]),
            owned(["3", "A0002", "74.20", "6798.00"]),
        ]
    );
    let first = &team["items"][0];
    assert_eq!(text(&first["net_commission"]), "52500.50");
    assert_eq!(text(&first["volume"]), "3500000.00");
    assert_eq!(first["new_effective"], 3);
    assert_eq!(first["tasks_done"], 9);
    assert_eq!(first["contacts"], 27);
    assert_eq!(dec(&first["checkin_rate"]), "0.9091");
    // By volume: A0001 3500000.00, 0010001 1000000.00, A0002 900000.00; by pay the same
    // as by score.
    let by_volume: Vec<String> =
        get(&lead, "/api/assessments/team?month=2026-10&sort=volume")["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| text(&i["code"]))
            .collect();
    assert_eq!(by_volume, ["A0001", "0010001", "A0002"]);

    // Roll-ups. Per team for the branch manager:
    //   team 8: 3 staff, average (86.87 + 80 + 74.20)/3 = 80.3567 → 80.36, top 86.87,
    //   bottom 74.20, net commission 52500.50 + 20000 + 18000 = 90500.50, volume
    //   3500000 + 1000000 + 900000 = 5400000.00, pay 21604.15 + 7000 + 6798 = 35402.15;
    //   team 9: A0003 alone: 49.09, 33000.00, 1200000.00, 12170.00.
    // Per branch for HQ: branch 4 (teams 8 and 9): 4 staff, (241.07 + 49.09)/4 = 72.54,
    //   top 86.87, bottom 49.09, 123500.50, 6600000.00, 47572.15; branch 6: A0004 alone,
    //   −5.00, −500.00, 0.00, 2900.00. Per region: 华东地区 as branch 4, 华南地区 as branch 6.
    let rollup = |client: &Client, level: &str| -> Vec<[String; 8]> {
        let v = get(
            client,
            &format!("/api/assessments/rollup?month=2026-10&level={level}"),
        );
        let items = v.get("items").unwrap_or(&v).as_array().unwrap().clone();
        items
            .iter()
            .filter(|u| u["staff"].as_i64().unwrap_or(0) > 0)
            .map(|u| {
                [
                    text(&u["unit_code"]),
                    text(&u["staff"]),
                    text(&u["average_score"]),
                    text(&u["top_score"]),
                    text(&u["bottom_score"]),
                    text(&u["net_commission"]),
                    text(&u["volume"]),
                    text(&u["pay_total"]),
                ]
            })
            .collect()
    };
    assert_eq!(
        rollup(&manager, "team"),
        rows(&[
            [
                "T-SHSC-1",
                "3",
                "80.36",
                "86.87",
                "74.20",
                "90500.50",
                "5400000.00",
                "35402.15"
            ],
            [
                "T-SHSC-2",
                "1",
                "49.09",
                "49.09",
                "49.09",
                "33000.00",
                "1200000.00",
                "12170.00"
            ],
        ])
    );
    assert_eq!(
        rollup(&hq, "branch"),
        rows(&[
            [
                "B-SHSC",
                "4",
                "72.54",
                "86.87",
                "49.09",
                "123500.50",
                "6600000.00",
                "47572.15"
            ],
            [
                "B-SZFH", "1", "-5.00", "-5.00", "-5.00", "-500.00", "0.00", "2900.00"
            ],
        ])
    );
    assert_eq!(
        rollup(&hq, "region"),
        rows(&[
            [
                "R-EAST",
                "4",
                "72.54",
                "86.87",
                "49.09",
                "123500.50",
                "6600000.00",
                "47572.15"
            ],
            [
                "R-SOUTH", "1", "-5.00", "-5.00", "-5.00", "-500.00", "0.00", "2900.00"
            ],
        ])
    );
    // A lead's roll-up is their team only.
    assert_eq!(
        rollup(&lead, "team"),
        rows(&[[
            "T-SHSC-1",
            "3",
            "80.36",
            "86.87",
            "74.20",
            "90500.50",
            "5400000.00",
            "35402.15"
        ]])
    );
    // The drill-down: `unit` narrows a roll-up to the units under it. 华南地区 (3) has
    // branches 6 (A0004) and 7 (no one assessed); branch 4's teams are 8 and 9; a unit
    // outside the caller's subtree is refused.
    let under = |client: &Client, query: &str| -> Vec<(String, String)> {
        get(
            client,
            &format!("/api/assessments/rollup?month=2026-10&{query}"),
        )["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (text(&u["unit_code"]), text(&u["staff"])))
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        under(&hq, "level=branch&unit=3"),
        pairs(&[("B-SZFH", "1"), ("B-GZTH", "0")])
    );
    assert_eq!(
        under(&hq, "unit=4"),
        pairs(&[("T-SHSC-1", "3"), ("T-SHSC-2", "1")])
    );
    assert_eq!(
        under(&manager, "level=team&unit=9"),
        pairs(&[("T-SHSC-2", "1")])
    );
    let outside = manager.get("/api/assessments/rollup?month=2026-10&level=team&unit=6");
    assert_problem(&outside, 403, "forbidden");

    // A0001's trend over 2026: July to October assessed (pay as intermediate: 4000.00 +
    // 25% of 45000.00, 30000.00, 36000.00 = 15250.00, 11500.00, 13000.00), the rest empty.
    let trend = get(&a0001, "/api/assessments/trend?year=2026");
    let months = trend
        .get("months")
        .unwrap_or(&trend)
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(months.len(), 12);
    let assessed: Vec<[String; 5]> = months
        .iter()
        .filter(|m| !m["score"].is_null())
        .map(|m| {
            [
                text(&m["month"]),
                text(&m["score"]),
                text(&m["status"]),
                text(&m["pay_total"]),
                text(&m["net_commission"]),
            ]
        })
        .collect();
    assert_eq!(
        assessed,
        rows(&[
            ["2026-07", "103.00", "draft", "15250.00", "45000.00"],
            ["2026-08", "83.00", "draft", "11500.00", "30000.00"],
            ["2026-09", "88.00", "published", "13000.00", "36000.00"],
            ["2026-10", "86.87", "draft", "21604.15", "52500.50"],
        ])
    );

    // Scope (ORG-4): a rep sees only themselves; a lead their team; the branch manager
    // the branch; HQ everyone.
    let a0003 = signed_in(&app, A0003);
    for (who, name, allowed, refused) in [
        (
            &a0002,
            "A0002",
            &["A0002"][..],
            &["A0001", "0010001", "A0003", "A0004"][..],
        ),
        (&a0003, "A0003", &["A0003"][..], &["A0001", "A0002"][..]),
        (
            &lead,
            "lead",
            &["0010001", "A0001", "A0002"][..],
            &["A0003", "A0004"][..],
        ),
        (
            &manager,
            "manager",
            &["0010001", "A0001", "A0002", "A0003"][..],
            &["A0004"][..],
        ),
        (
            &hq,
            "HQ",
            &["0010001", "A0001", "A0002", "A0003", "A0004"][..],
            &[][..],
        ),
    ] {
        for code in allowed {
            for route in ["/api/assessments", "/api/income"] {
                let reply = who.get(&format!("{route}?month=2026-10&staff={code}"));
                assert_eq!(
                    reply.status,
                    200,
                    "{name} → {route} {code}: {}",
                    reply.text()
                );
            }
        }
        for code in refused {
            for route in ["/api/assessments", "/api/income"] {
                let reply = who.get(&format!("{route}?month=2026-10&staff={code}"));
                assert_problem(&reply, 403, "forbidden");
            }
        }
    }
    assert_eq!(a0002.get("/api/assessments/team?month=2026-10").status, 403);
    let team_of = |client: &Client| -> Vec<String> {
        let mut codes: Vec<String> = get(client, "/api/assessments/team?month=2026-10")["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| text(&i["code"]))
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(team_of(&manager), ["0010001", "A0001", "A0002", "A0003"]);
    assert_eq!(
        team_of(&hq),
        ["0010001", "A0001", "A0002", "A0003", "A0004"]
    );
    // HQ is not assessed (not a rep): no result of their own.
    assert_eq!(hq.get("/api/assessments?month=2026-10").status, 404);

    // A re-run (restart) of the draft month answers the same bytes and rewrites every
    // row under the new run.
    let first = october_views(&hq);
    assert_no_duplicates(&app, 1);
    let rerun = ok(
        run(&hq, &json!({"month": "2026-10", "restart": true})),
        "re-run",
    );
    assert_eq!(rerun["done"], true);
    assert_eq!(rerun["run_id"], 2);
    assert_eq!(rerun["staff_done"], 5);
    assert_same_views(&first, &october_views(&hq), "re-run");
    assert_no_duplicates(&app, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM rank_reviews WHERE month = 202609"
        ),
        5
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM rank_reviews WHERE month = 202610"
        ),
        0
    );

    // Published, October is frozen: a late check-in changes nothing, a run is refused
    // (with or without restart), the scheduled event leaves it.
    let published = ok(
        hq.post_json("/api/assessments/2026-10/publish", &json!({})),
        "publish",
    );
    assert_eq!(published["status"], "published");
    let frozen = october_views(&hq);
    sql(
        &app,
        "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source) \
         VALUES ('A0003', '2026-10-01', '2026-10-01T01:00:00Z', 'desktop', 'explicit')",
    );
    for body in [
        json!({"month": "2026-10"}),
        json!({"month": "2026-10", "restart": true}),
    ] {
        assert_problem(&run(&hq, &body), 409, "conflict");
    }
    fire(&app, "2026-11-01T02:10:00+08:00");
    assert_same_views(&frozen, &october_views(&hq), "published");
    assert_eq!(get(&hq, "/api/assessments/runs/2026-10")["run_id"], 2);
    assert_problem(
        &hq.post_json("/api/assessments/2026-10/publish", &json!({})),
        409,
        "conflict",
    );
    // September likewise, though its data is still there to re-run.
    assert_problem(
        &run(&hq, &json!({"month": "2026-09", "restart": true})),
        409,
        "conflict",
    );
    assert_eq!(score(&hq, "2026-09", "A0001"), "88.00");
}

/// A run stopped after two chunks of one staff member, its server killed, resumes on a
/// restarted server where it stopped and ends where a clean run ends.
#[test]
fn a_run_killed_half_way_resumes_to_the_same_results() {
    let app = start();
    if !app.owns_process("killing the runtime") {
        return;
    }
    let session = ready(&app, HQ);
    let hq = as_user(&app, &session);
    fixture(&app);

    let clean = ok(run(&hq, &json!({"month": "2026-10"})), "clean run");
    assert_eq!(clean["done"], true);
    assert_eq!(clean["run_id"], 1);
    let clean_views = october_views(&hq);
    // Junior everyone, the default targets: A0001 scores 0.4 × min(52500.50/20000, 1.5)
    // × 100 = 60 + 0.2 × min(3/2, 1.5) × 100 = 30 + 16.88 + 0.15 × min(27/20, 1.2) × 100
    // = 18 + 9.09 = 133.97 − 12.3 = 121.67.
    assert_eq!(score(&hq, "2026-10", "A0001"), "121.67");

    // A fresh run, two chunks of one member each (0010001, A0001), then the server dies.
    let partial = run(
        &hq,
        &json!({"month": "2026-10", "restart": true, "chunk_size": 1, "max_chunks": 2}),
    );
    assert_eq!(partial.status, 202, "{}", partial.text());
    let partial = partial.value();
    assert_eq!(partial["done"], false);
    assert_eq!(partial["status"], "running");
    assert_eq!(partial["run_id"], 2);
    assert_eq!(partial["staff_done"], 2);
    assert_eq!(partial["chunks"], 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM assessment_results WHERE month = 202610 AND run_id = 2"
        ),
        2
    );
    let state = app.crash_keep_state();

    let app = app_builder()
        .arg("--no-demo-customers")
        .arg("--no-cron")
        .state_dir(state)
        .start();
    let hq = as_user(&app, &session);
    let stopped = get(&hq, "/api/assessments/runs/2026-10");
    assert_eq!(stopped["status"], "running");
    assert_eq!(stopped["staff_done"], 2);
    // Resumed (no restart): the three members left, in one chunk, then finished.
    let resumed = ok(run(&hq, &json!({"month": "2026-10"})), "resume");
    assert_eq!(resumed["done"], true);
    assert_eq!(resumed["run_id"], 2);
    assert_eq!(resumed["staff_total"], 5);
    assert_eq!(resumed["staff_done"], 5);
    assert_eq!(resumed["chunks"], 3);
    assert_same_views(&clean_views, &october_views(&hq), "resumed after a crash");
    assert_no_duplicates(&app, 2);
}
