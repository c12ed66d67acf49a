//! Every list statement of the product store, planned by SQLite against the real
//! schema: each filter narrows by an index, and pages in code order need no sort.

use chrono::NaiveDate;
use zhanye_customers::store::scope::Sql;
use zhanye_platform::QueryParams;
use zhanye_products::Filters;
use zhanye_products::RiskLevel;
use zhanye_products::store::catalog::{count_sql, export_page_sql, page_sql};
use zhanye_products::store::suitable::suitable_from;
use zhanye_query_plans::rusqlite::Connection;
use zhanye_query_plans::schema;

fn plan(db: &Connection, sql: &Sql) -> Vec<String> {
    zhanye_query_plans::plan(db, &sql.text, &sql.params)
}

fn filters(query: &str) -> Filters {
    Filters::from_params(&QueryParams::parse(Some(query))).unwrap()
}

/// (query, the index the page and the count must use)
const QUERIES: &[(&str, &str)] = &[
    // The start of a code: a range of the key; its end too: the tail's index.
    ("code=S19", "PRIMARY KEY (code>? AND code<?)"),
    ("code=19108", "products_code_tail"),
    // Any part of the name: the gram's rows, each product by its key.
    ("name=%E6%B5%B7%E9%80%9A", "PRIMARY KEY (gram=?)"),
    ("name=%E5%AF%8C%E5%9B%BD", "PRIMARY KEY (gram=?)"),
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
                    .any(|l| (l.starts_with("SEARCH ")) && l.contains(index)),
                "{query}: {lines:?}"
            );
            assert!(
                !lines.iter().any(|l| l.starts_with("SCAN p")),
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
        "name=%E5%AF%8C%E5%9B%BD",
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
