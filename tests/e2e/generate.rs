//! `zhanye generate --demo` against a running app: the demo reps get their customers
//! through the trading webhooks, and running it again replays every batch and changes
//! nothing. `zhanye up --demo` does the same before serving.

use crate::common::*;
use serde_json::Value;
use std::process::Command;
use zhanye_test_support::TestApp;

/// What a run could change, in one value.
fn fingerprint(app: &TestApp) -> Value {
    let queries = [
        "SELECT COUNT(*) FROM customers",
        "SELECT SUM(total_assets) FROM customers",
        "SELECT string_agg(owner_code || ':' || n, ',' ORDER BY owner_code) FROM \
             (SELECT owner_code, COUNT(*) AS n FROM customers GROUP BY owner_code) AS o",
        "SELECT COUNT(*) FROM customer_months",
        "SELECT SUM(total_assets) FROM customer_months",
        "SELECT COUNT(*) FROM daily_assets",
        "SELECT COUNT(*) FROM trades",
        "SELECT SUM(quantity) FROM positions",
        "SELECT COUNT(*) FROM fund_transfers",
        "SELECT COUNT(*) FROM account_events",
        "SELECT COUNT(*) FROM customers WHERE status = 'lost' AND lost_date IS NOT NULL",
        "SELECT SUM(stock_count) + SUM(stock_assets) + SUM(new_count) + SUM(new_assets) \
             + SUM(lost_count) + SUM(lost_assets) FROM staff_month_stats",
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM hook_deliveries",
    ];
    Value::Array(queries.iter().map(|q| sql_value(app, q)).collect())
}

/// Runs `zhanye generate --demo` against the app; answers its standard output.
fn generate_demo(app: &TestApp) -> String {
    let out = Command::new(ZHANYE)
        .args(["generate", "--demo", "--url", &app.base_url])
        .env("ZHANYE_HOOK_SECRET", TRADING_SECRET)
        .output()
        .expect("run zhanye generate");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The per-topic summary lines: (topic, records, batches, replayed).
fn summaries(stdout: &str) -> Vec<(String, u64, u64, u64)> {
    stdout
        .lines()
        .filter(|l| l.contains(" batches, ") && !l.starts_with(' '))
        .map(|l| {
            let (topic, rest) = l.split_once(": ").unwrap();
            let numbers: Vec<u64> = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|w| w.parse().ok())
                .collect();
            let records = numbers[0];
            let replayed = *numbers.last().unwrap();
            let batches = numbers[numbers.len() - 2];
            (topic.to_owned(), records, batches, replayed)
        })
        .collect()
}

fn assert_demo_customers(app: &TestApp) {
    let a0001 = sql_value(
        app,
        "SELECT COUNT(*) FROM customers WHERE owner_code = 'A0001'",
    )
    .as_i64()
    .unwrap();
    assert!((140..=160).contains(&a0001), "A0001 has {a0001} customers");
    let with_six_months = sql_value(
        app,
        "SELECT COUNT(*) FROM (SELECT c.id FROM customers c
             JOIN customer_months m ON m.customer_id = c.id
             WHERE c.owner_code = 'A0001' GROUP BY c.id HAVING COUNT(*) = 6) AS d",
    );
    assert_eq!(with_six_months.as_i64(), Some(a0001));
    for (code, low, high) in [("A0002", 50, 70), ("A0003", 30, 50), ("A0004", 30, 50)] {
        let n = sql_value(
            app,
            &format!("SELECT COUNT(*) FROM customers WHERE owner_code = '{code}'"),
        )
        .as_i64()
        .unwrap();
        assert!((low..=high).contains(&n), "{code} has {n} customers");
    }
    // Customers take their owner's place in the tree, and HOME-1 has figures for them.
    assert_eq!(
        sql_value(
            app,
            "SELECT COUNT(*) FROM customers c JOIN staff s ON s.code = c.owner_code
             WHERE c.unit_path <> s.unit_path"
        ),
        0
    );
    let month = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y%m");
    let stock = sql_value(
        app,
        &format!(
            "SELECT stock_count FROM staff_month_stats WHERE staff_code = 'A0001' AND month = {month}"
        ),
    );
    assert!(stock.as_i64().unwrap() > 50, "{stock}");
}

#[test]
fn generate_demo_loads_the_demo_customers_once() {
    let app = app_builder().arg("--no-demo-customers").start();
    assert_eq!(sql_value(&app, "SELECT COUNT(*) FROM customers"), 0);

    let first = summaries(&generate_demo(&app));
    let topics: Vec<&str> = first.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        topics,
        [
            "customers",
            "monthly-performance",
            "daily-assets",
            "trades",
            "fund-transfers",
            "account-events"
        ]
    );
    assert_eq!(first[0].1, 290);
    assert_eq!(first[1].1, 290 * 6);
    assert!(first.iter().all(|s| s.3 == 0), "{first:?}");
    assert_demo_customers(&app);
    let before = fingerprint(&app);

    // A second run replays every batch: nothing changes.
    let second = summaries(&generate_demo(&app));
    assert_eq!(second.len(), first.len());
    for ((topic, records, batches, replayed), earlier) in second.iter().zip(&first) {
        assert_eq!((records, batches), (&earlier.1, &earlier.2), "{topic}");
        assert_eq!(replayed, batches, "{topic}");
    }
    assert_eq!(fingerprint(&app), before);
}

#[test]
fn up_demo_has_the_demo_customers_and_a_rerun_changes_nothing() {
    let app = app();
    assert_demo_customers(&app);
    let before = fingerprint(&app);
    let again = summaries(&generate_demo(&app));
    assert!(again.iter().all(|s| s.2 == s.3), "{again:?}");
    assert_eq!(fingerprint(&app), before);
}
