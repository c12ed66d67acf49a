//! Every list statement of the store, planned by SQLite against the real schema: no
//! path reads the customers table whole (CUST-1 "fast at 3M customers").

use chrono::NaiveDate;
use rusqlite::Connection;
use zhanye_customers::store::scope::Sql;
use zhanye_customers::store::search::{Filters, count_sql, page_sql};
use zhanye_customers::store::{contacts::due_from, follows::followed_from};
use zhanye_customers::{CustomerScope, Month};
use zhanye_platform::{QueryParams, Value};
use zhanye_staff::Roles;

fn schema() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    for script in zhanye_migrations::migrations() {
        db.execute_batch(script.sql).unwrap();
    }
    db
}

fn plan(db: &Connection, sql: &Sql) -> Vec<String> {
    let params: Vec<rusqlite::types::Value> = sql
        .params
        .iter()
        .map(|v| match v {
            Value::Integer(i) => rusqlite::types::Value::Integer(*i),
            Value::Real(r) => rusqlite::types::Value::Real(*r),
            Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
            Value::Null => rusqlite::types::Value::Null,
        })
        .collect();
    let mut statement = db
        .prepare(&format!("EXPLAIN QUERY PLAN {}", sql.text))
        .unwrap_or_else(|e| panic!("{e}: {}", sql.text));
    statement
        .query_map(rusqlite::params_from_iter(params), |row| {
            row.get::<_, String>(3)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A full scan of `customers` (as `c`) that no index narrows.
fn scans_customers(lines: &[String]) -> bool {
    lines
        .iter()
        .any(|l| l == "SCAN c" || l.starts_with("SCAN c USING COVERING INDEX sqlite_autoindex"))
}

fn scopes() -> Vec<(&'static str, CustomerScope)> {
    vec![
        (
            "rep",
            CustomerScope::of("A0001", &Roles::from_stored("rep"), "/1/2/4/8/"),
        ),
        (
            "lead",
            CustomerScope::of("0010001", &Roles::from_stored("lead,rep"), "/1/2/4/8/"),
        ),
        (
            "manager",
            CustomerScope::of("0010002", &Roles::from_stored("branch_manager"), "/1/2/4/"),
        ),
        (
            "hq",
            CustomerScope::of("0010003", &Roles::from_stored("hq_admin"), "/1/"),
        ),
    ]
}

#[test]
fn list_pages_and_counts_never_scan_the_customers() {
    let db = schema();
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let queries = [
        "",
        "q=%E5%BC%A0",
        "q=1100",
        "status=existing",
        "grade=%E9%87%91%E6%89%8B%E6%8C%87&level=VIP",
        "tag=VIP",
        "stock=600519",
        "sort=-total_assets",
        "sort=total_assets&status=lost",
        "sort=open_date",
        "sort=-open_date&tag=x",
    ];
    for (who, scope) in scopes() {
        for query in queries {
            let filters = Filters::from_params(&QueryParams::parse(Some(query))).unwrap();
            let page = plan(&db, &page_sql(&scope, today, &filters, 20, 0));
            assert!(!scans_customers(&page), "{who} {query}: {page:#?}");
            // Counting everything HQ reads walks an index; nothing else may scan.
            let count = plan(&db, &count_sql(&scope, today, &filters));
            assert!(!scans_customers(&count), "{who} {query} count: {count:#?}");
            if who == "hq" && query.is_empty() {
                assert_eq!(count, ["SCAN c USING COVERING INDEX customers_assets"]);
            }
            if who != "hq" {
                assert!(
                    !count.iter().chain(&page).any(|l| l.starts_with("SCAN c")),
                    "{who} {query}: {page:#?} {count:#?}"
                );
            }
        }
    }
}

#[test]
fn due_and_followed_lists_start_from_the_caller() {
    let db = schema();
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let mut due = Sql::new();
    due.push("SELECT c.id")
        .append(&due_from("A0001", today, Month::parse("2026-03").unwrap()));
    let lines = plan(&db, &due);
    assert!(!lines.iter().any(|l| l.starts_with("SCAN c")), "{lines:#?}");
    for (who, scope) in scopes() {
        let mut followed = Sql::new();
        followed
            .push("SELECT c.id")
            .append(&followed_from(&scope, today));
        let lines = plan(&db, &followed);
        assert!(
            lines.iter().any(|l| l.starts_with("SEARCH f")),
            "{who}: {lines:#?}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("SCAN c")),
            "{who}: {lines:#?}"
        );
    }
}
