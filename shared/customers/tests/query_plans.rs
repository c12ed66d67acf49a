//! Every list statement of the store, planned by SQLite against the real schema: no
//! path reads the customers table whole (CUST-1 "fast at 3M customers").

mod common;

use chrono::NaiveDate;
use common::scopes;
use zhanye_customers::Month;
use zhanye_customers::store::alerts::{ORDER as ALERT_ORDER, alerts_from};
use zhanye_customers::store::scope::{Sql, readable};
use zhanye_customers::store::search::{Filters, count_sql, page_sql};
use zhanye_customers::store::{contacts::due_from, follows::followed_from};
use zhanye_platform::QueryParams;
use zhanye_query_plans::rusqlite::{self, Connection};
use zhanye_query_plans::{schema, to_sqlite};

fn plan(db: &Connection, sql: &Sql) -> Vec<String> {
    zhanye_query_plans::plan(db, &sql.text, &sql.params)
}

/// A full scan of `customers` (as `c`) that no index narrows.
fn scans_customers(lines: &[String]) -> bool {
    lines
        .iter()
        .any(|l| l == "SCAN c" || l.starts_with("SCAN c USING COVERING INDEX sqlite_autoindex"))
}

#[test]
fn list_pages_and_counts_never_scan_the_customers() {
    let db = schema();
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let queries = [
        "",
        "q=%E5%BC%A0",
        "q=1100",
        "q=%E5%BB%BA%E5%9B%BD",
        "q=%E5%BB%BA%E5%9B%BD&sort=-total_assets",
        "q=12345678",
        "q=110&status=existing",
        "owner=A0001",
        "status=existing",
        "grade=%E9%87%91%E6%89%8B%E6%8C%87&level=VIP",
        "tag=VIP",
        "stock=600519",
        "sort=-total_assets",
        "sort=total_assets&status=lost",
        "sort=open_date",
        "sort=-open_date&tag=x",
    ];
    for delegated in [false, true] {
        for (who, scope) in scopes() {
            for query in queries {
                let filters = Filters::from_params(&QueryParams::parse(Some(query))).unwrap();
                let filter = readable(&scope, today, delegated);
                let page = plan(
                    &db,
                    &page_sql(&scope.code, filter.as_ref(), &filters, 20, 0),
                );
                let count = plan(&db, &count_sql(filter.as_ref(), &filters));
                let context = format!("{who} delegated={delegated} {query}: {page:#?} {count:#?}");
                assert!(!scans_customers(&page), "{context}");
                assert!(!scans_customers(&count), "{context}");
                // Within a scope, the scope's own index finds the rows (never a walk
                // of every customer with a status or a name).
                let expected = match (who, delegated) {
                    ("hq", _) => continue,
                    ("rep", _) | (_, true) => "customers_owner",
                    _ => "customers_unit_live",
                };
                for lines in [&page, &count] {
                    assert!(!lines.iter().any(|l| l.starts_with("SCAN c")), "{context}");
                    // A name or account-number prefix, a tag or a held stock may
                    // narrow further than the scope; all are index lookups too.
                    let narrowed = lines.iter().any(|l| {
                        l.contains(expected)
                            || l.contains("customers_name")
                            || l.contains("sqlite_autoindex_customers")
                            || l.contains("customers_account_tail")
                            || l.contains("customers_owner")
                            || l.contains("SEARCH t USING PRIMARY KEY (tag=?)")
                            || l.contains("positions_security")
                    });
                    assert!(narrowed, "{context}");
                }
            }
        }
    }
    let hq = &scopes()[3].1;
    let everything = plan(
        &db,
        &count_sql(readable(hq, today, false).as_ref(), &Filters::default()),
    );
    // The count is a capped subquery; inside it, one narrow index and nothing else.
    let customer_lines = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.contains(" c "))
            .cloned()
            .collect()
    };
    assert_eq!(
        customer_lines(&everything),
        ["SCAN c USING COVERING INDEX customers_assets"]
    );
    let existing = Filters::from_params(&QueryParams::parse(Some("status=existing"))).unwrap();
    let counted = plan(&db, &count_sql(None, &existing));
    assert_eq!(
        customer_lines(&counted),
        ["SEARCH c USING COVERING INDEX customers_status_live (status=?)"]
    );
}

#[test]
fn hq_finds_any_part_of_a_name_or_an_account_numbers_end_by_index() {
    let db = schema();
    let page = |query: &str| {
        let filters = Filters::from_params(&QueryParams::parse(Some(query))).unwrap();
        (
            plan(&db, &page_sql("0010003", None, &filters, 20, 0)),
            plan(&db, &count_sql(None, &filters)),
        )
    };
    // A given name: its gram rows, already in name order (no sort of every match).
    let (lines, count) = page("q=%E5%BB%BA%E5%9B%BD");
    let context = format!("{lines:#?} {count:#?}");
    for lines in [&lines, &count] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SEARCH g USING PRIMARY KEY (gram=?)")),
            "{context}"
        );
        assert!(!scans_customers(lines), "{context}");
    }
    // The page's ids come in order (only the page's own twenty rows are sorted after).
    let choosing: Vec<&String> = lines.iter().take_while(|l| *l != "SCAN page").collect();
    assert!(
        !choosing.iter().any(|l| l.contains("TEMP B-TREE")),
        "the page sorts its matches: {context}"
    );
    // Counted on the grams alone: only live customers have them.
    assert!(!count.iter().any(|l| l.contains(" c ")), "{context}");
    // The last digits of an account number: the tail index, or the number's start.
    let (lines, count) = page("q=12345678");
    for lines in [&lines, &count] {
        assert!(!scans_customers(lines), "{lines:#?}");
        assert!(
            lines.iter().any(|l| l.contains("customers_account_tail")),
            "{lines:#?}"
        );
    }
}

#[test]
fn four_digits_or_more_find_an_account_by_its_indexes_in_any_scope() {
    let db = schema();
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let filters = Filters::from_params(&QueryParams::parse(Some("q=12345678"))).unwrap();
    for (who, scope) in scopes() {
        let filter = readable(&scope, today, false);
        for lines in [
            plan(
                &db,
                &page_sql(&scope.code, filter.as_ref(), &filters, 20, 0),
            ),
            plan(&db, &count_sql(filter.as_ref(), &filters)),
        ] {
            // A rep's own few hundred are read through the owner's index; a unit's
            // thousands are not walked: the number's start and end are looked up.
            let by_number = lines.iter().any(|l| l.contains("customers_account_tail"))
                && lines
                    .iter()
                    .any(|l| l.contains("sqlite_autoindex_customers"));
            let by_owner = lines.iter().any(|l| l.contains("customers_owner"));
            assert!(by_number || (who == "rep" && by_owner), "{who}: {lines:#?}");
            assert!(
                !lines.iter().any(|l| l.contains("customers_unit")),
                "{who}: {lines:#?}"
            );
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
        let filter = readable(&scope, today, false);
        let mut followed = Sql::new();
        followed
            .push("SELECT c.id")
            .append(&followed_from(&scope.code, filter.as_ref()));
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

/// ALERT-1: a staff member's alerts, all or of one kind, are found by their code
/// through `customer_alerts_staff`, page and count alike; never a walk of every alert.
#[test]
fn the_alert_list_starts_from_the_staff_member() {
    let db = schema();
    for kind in [None, Some("actual_churn")] {
        let from = alerts_from("A0001", kind);
        let mut page = Sql::new();
        page.push("SELECT a.id").append(&from);
        page.push(" ORDER BY ").push(ALERT_ORDER).push(" LIMIT 20");
        let mut count = Sql::new();
        count.push("SELECT COUNT(*)").append(&from);
        for lines in [plan(&db, &page), plan(&db, &count)] {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("SEARCH a USING") && l.contains("customer_alerts_staff")),
                "{kind:?}: {lines:#?}"
            );
            assert!(
                !lines.iter().any(|l| l.starts_with("SCAN")),
                "{kind:?}: {lines:#?}"
            );
        }
    }
}

/// Counting stops one past the cap, so a search matching millions costs no more than
/// one matching ten thousand.
#[test]
fn counts_stop_past_the_cap() {
    use zhanye_customers::store::search::COUNT_CAP;
    let db = schema();
    db.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050) \
         INSERT INTO customers (account_no, name, status, created_at, updated_at) \
         SELECT printf('%012d', i), '王' || i, 'existing', '', '' FROM n",
    )
    .unwrap();
    // Their names' search grams, as the ingest writes them.
    let mut names = db.prepare("SELECT id, name FROM customers").unwrap();
    let rows: Vec<(i64, String)> = names
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(names);
    let mut add = db
        .prepare("INSERT INTO customer_name_grams (gram, name, customer_id) VALUES (?1, ?2, ?3)")
        .unwrap();
    for (id, name) in &rows {
        for gram in zhanye_platform::grams::grams(name) {
            add.execute(rusqlite::params![gram, name, id]).unwrap();
        }
    }
    drop(add);
    // HQ reads every customer: no scope filter.
    let count = |query: &str| -> i64 {
        let filters = Filters::from_params(&QueryParams::parse(Some(query))).unwrap();
        let sql = count_sql(None, &filters);
        let params: Vec<rusqlite::types::Value> = sql.params.iter().map(to_sqlite).collect();
        db.query_row(&sql.text, rusqlite::params_from_iter(params), |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("q=%E7%8E%8B"), COUNT_CAP as i64 + 1);
    // 王1005 and 王10050: a narrow search is counted exactly.
    assert_eq!(count("q=%E7%8E%8B1005"), 2);
}
