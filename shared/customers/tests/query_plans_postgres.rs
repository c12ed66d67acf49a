//! The store's list statements planned by PostgreSQL on 100,000 customers: a rep's,
//! a lead's and a branch manager's lists, HQ's searches and sorts, and the due and
//! followed lists never read the customers table whole (CUST-1 on the managed store).

mod common;

use chrono::NaiveDate;
use common::scopes;
use zhanye_customers::Month;
use zhanye_customers::store::scope::{Sql, readable};
use zhanye_customers::store::search::{Filters, count_sql, page_sql};
use zhanye_customers::store::{contacts::due_from, follows::followed_from};
use zhanye_platform::QueryParams;
use zhanye_query_plans::postgres::{PgPlanner, scans};

#[test]
fn no_list_path_scans_the_customers_at_100k() {
    let mut pg = PgPlanner::with_customers("customers", 100_000);
    let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let queries = [
        "",
        "q=%E7%8E%8B",
        "q=0000001",
        "q=%E4%BC%9F%E5%BB%BA",
        "q=%E7%8E%8B%E4%BC%9F%E5%BB%BA",
        "q=%E4%BC%9F%E5%BB%BA&sort=-total_assets",
        "q=12345678",
        "owner=A0001",
        "status=existing",
        "grade=%E9%87%91%E6%89%8B%E6%8C%87&level=VIP",
        "tag=VIP",
        "stock=600019",
        "sort=-total_assets",
        "sort=total_assets&status=lost",
        "sort=open_date",
        "sort=-open_date&tag=x",
    ];
    let mut plan = |sql: &Sql| pg.plan(&sql.text, &sql.params);
    for delegated in [false, true] {
        for (who, scope) in scopes() {
            for query in queries {
                let filters = Filters::from_params(&QueryParams::parse(Some(query))).unwrap();
                let filter = readable(&scope, today, delegated);
                let page = plan(&page_sql(&scope.code, filter.as_ref(), &filters, 20, 0));
                let count = plan(&count_sql(filter.as_ref(), &filters));
                let context = format!("{who} delegated={delegated} {query}: {page:#?} {count:#?}");
                assert!(!scans(&page, "customers"), "{context}");
                assert!(!scans(&count, "customers"), "{context}");
            }
        }
    }
    let month = Month::parse("2026-03").unwrap();
    let mut due = Sql::new();
    due.push("SELECT c.id")
        .append(&due_from("A0001", today, month));
    let lines = plan(&due);
    assert!(!scans(&lines, "customers"), "{lines:#?}");
    for delegated in [false, true] {
        for (who, scope) in scopes() {
            let filter = readable(&scope, today, delegated);
            let mut followed = Sql::new();
            followed
                .push("SELECT c.id")
                .append(&followed_from(&scope.code, filter.as_ref()));
            let lines = plan(&followed);
            assert!(
                !scans(&lines, "customers"),
                "{who} delegated={delegated}: {lines:#?}"
            );
        }
    }
}
