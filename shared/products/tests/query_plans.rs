//! Every list statement of the product store, planned by SQLite against the real
//! schema: each filter narrows by an index, and pages in code order need no sort.

use chrono::NaiveDate;
use rusqlite::Connection;
use zhanye_customers::store::scope::Sql;
use zhanye_platform::{QueryParams, Value};
use zhanye_products::Filters;
use zhanye_products::RiskLevel;
use zhanye_products::store::catalog::{count_sql, export_page_sql, page_sql};
use zhanye_products::store::suitable::suitable_from;

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

fn filters(query: &str) -> Filters {
    Filters::from_params(&QueryParams::parse(Some(query))).unwrap()
}

/// (query, the index the page and the count must use)
const QUERIES: &[(&str, &str)] = &[
    ("code=S19", "PRIMARY KEY"),
    ("name=%E6%B5%B7%E9%80%9A", "products_name"),
    ("status=on_sale", "products_status"),
    ("risk=R2", "products_risk"),
    ("category=advisory", "products_category"),
];

#[test]
fn every_filter_narrows_by_its_index() {
    let db = schema();
    for (query, index) in QUERIES {
        let f = filters(query);
        for sql in [page_sql("A0001", &f, 20, 0), count_sql(&f)] {
            let lines = plan(&db, &sql);
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("SEARCH p") && l.contains(index)),
                "{query}: {lines:?}"
            );
        }
    }
}

#[test]
fn pages_and_exports_need_no_sort() {
    let db = schema();
    for query in [
        "",
        "code=S19",
        "status=on_sale",
        "risk=1",
        "category=financial",
    ] {
        let f = filters(query);
        for sql in [
            page_sql("A0001", &f, 20, 40),
            export_page_sql(&f, None, 500),
            export_page_sql(&f, Some("S19108"), 500),
        ] {
            let lines = plan(&db, &sql);
            assert!(
                !lines.iter().any(|l| l.contains("TEMP B-TREE")),
                "{query}: {lines:?}"
            );
        }
    }
    // An export with a name prefix walks the key, not the name range sorted per page.
    let lines = plan(
        &db,
        &export_page_sql(&filters("name=%E6%B5%B7"), Some("S1"), 500),
    );
    assert!(
        !lines.iter().any(|l| l.contains("TEMP B-TREE")),
        "{lines:?}"
    );
}

#[test]
fn suitable_customers_start_from_the_callers_own() {
    let db = schema();
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let mut sql = Sql::new();
    sql.push("SELECT c.id")
        .append(&suitable_from("A0001", today, RiskLevel::Medium))
        .push(" ORDER BY c.name, c.id LIMIT 20");
    let lines = plan(&db, &sql);
    assert!(
        lines.iter().any(|l| l.contains("customers_owner")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l == "SCAN c"), "{lines:?}");
}
