//! Every statement of the task store, planned by SQLite against the real schema: each
//! reads through the index it is written for, and none walks the tasks whole.

use zhanye_platform::{Dialect, PageQuery, QueryParams, Value};
use zhanye_query_plans::analyzed_schema as schema;
use zhanye_query_plans::rusqlite::Connection;
use zhanye_tasks::listing::ListQuery;
use zhanye_tasks::store::Sql;
use zhanye_tasks::store::activity::activity_sql;
use zhanye_tasks::store::lists::{Whose, count_sql, page_sql};
use zhanye_tasks::store::todo::{OPEN_COUNTS, OPEN_ROWS, RECENT_ROWS};

fn plan(db: &Connection, sql: &Sql) -> Vec<String> {
    zhanye_query_plans::plan(db, &sql.text, &sql.params)
}

fn text_sql(text: &str, params: Vec<Value>) -> Sql {
    Sql {
        text: text.to_owned(),
        params,
    }
}

/// Asserts that no line scans a table or an index whole (only the statement's own
/// small intermediate results may be walked) and that `index` is used.
fn assert_uses(lines: &[String], index: &str, what: &str) {
    for line in lines {
        let scans_whole = line.starts_with("SCAN ")
            && !["SCAN members", "SCAN events", "SCAN m", "SCAN matching"].contains(&line.as_str())
            && !line.starts_with("SCAN (subquery-");
        assert!(!scans_whole, "{what}: {line}\n{lines:#?}");
    }
    assert!(
        lines.iter().any(|l| l.contains(index)),
        "{what}: {index} not used\n{lines:#?}"
    );
}

fn query(text: &str) -> ListQuery {
    ListQuery::from_params(&QueryParams::parse(Some(text))).unwrap()
}

#[test]
fn lists_read_their_index() {
    let db = schema();
    let now = "2026-03-10T07:30:00Z";
    let page = PageQuery::default();
    // (whose, query, index of the page and the count)
    let cases: &[(Whose<'_>, &str, &str)] = &[
        (Whose::Responsible("A0001"), "", "tasks_responsible_open"),
        (
            Whose::Responsible("A0001"),
            "from=2026-03-01&to=2026-03-31&q=%E5%BC%A0",
            "tasks_responsible_open",
        ),
        (
            Whose::Responsible("A0001"),
            "status=done",
            "tasks_responsible_closed",
        ),
        (
            Whose::Responsible("A0001"),
            "status=closed&from=2026-03-01&q=0021",
            "tasks_responsible_closed",
        ),
        (
            Whose::Responsible("A0001"),
            "status=cancelled&to=2026-03-01",
            "tasks_responsible_closed",
        ),
        (Whose::Unit("/1/2/4/8/"), "", "tasks_unit_open"),
        (
            Whose::Unit("/1/2/4/"),
            "status=closed&from=2026-03-01&to=2026-03-31",
            "tasks_unit_closed",
        ),
        (
            Whose::Coworker("A0002"),
            "status=done",
            "task_coworkers_staff",
        ),
        (
            Whose::Coworker("A0002"),
            "status=closed&from=2026-03-01",
            "task_coworkers_staff",
        ),
        (Whose::AssignedBy("0010001"), "", "tasks_creator_open"),
        (
            Whose::AssignedBy("0010001"),
            "from=2026-03-01&q=%E5%BC%A0",
            "tasks_creator_open",
        ),
        (
            Whose::AssignedBy("0010001"),
            "status=closed&to=2026-03-31",
            "tasks_creator_closed",
        ),
        (
            Whose::AssignedBy("0010001"),
            "status=done",
            "tasks_creator_closed",
        ),
    ];
    for (whose, text, index) in cases {
        let q = query(text);
        let what = format!("{whose:?} {text}");
        assert_uses(
            &plan(&db, &page_sql(*whose, &q, page, Dialect::Sqlite)),
            index,
            &what,
        );
        assert_uses(
            &plan(&db, &count_sql(*whose, &q, now, Dialect::Sqlite)),
            index,
            &what,
        );
    }
    // A region's or the firm's page walks the time index; its count reads the unit
    // range, or the time range when one is asked for.
    // (whose, query, index of the page, index of the count)
    let wide: &[(Whose<'_>, &str, &str, &str)] = &[
        (
            Whose::Unit("/1/"),
            "",
            "tasks_open_by_time",
            "tasks_unit_open",
        ),
        (
            Whose::Unit("/1/2/"),
            "q=%E5%BC%A0",
            "tasks_open_by_time",
            "tasks_unit_open",
        ),
        (
            Whose::Unit("/1/2/"),
            "q=%E5%BC%A0&from=2026-03-01",
            "tasks_open_by_time",
            "tasks_open_by_time",
        ),
        (
            Whose::Unit("/1/"),
            "status=closed",
            "tasks_closed_by_time",
            "tasks_unit_closed",
        ),
        (
            Whose::Unit("/1/2/"),
            "status=done&to=2026-03-01",
            "tasks_closed_by_time",
            "tasks_closed_by_time",
        ),
    ];
    for (whose, text, page_index, count_index) in wide {
        let q = query(text);
        let what = format!("{whose:?} {text}");
        let lines = plan(&db, &page_sql(*whose, &q, page, Dialect::Sqlite));
        assert!(
            lines.iter().any(|l| l.contains(page_index)),
            "{what}: {lines:#?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY")),
            "{what}: {lines:#?}"
        );
        assert_uses(
            &plan(&db, &count_sql(*whose, &q, now, Dialect::Sqlite)),
            count_index,
            &what,
        );
    }
}

#[test]
fn home_reads_the_open_and_closed_ranges() {
    let db = schema();
    let code = Value::Text("A0001".into());
    let now = Value::Text("2026-03-10T07:30:00Z".into());
    let counts = plan(&db, &text_sql(OPEN_COUNTS, vec![code.clone(), now]));
    assert_uses(&counts, "COVERING INDEX tasks_responsible_open", "counts");
    let rows = plan(
        &db,
        &text_sql(OPEN_ROWS, vec![code.clone(), Value::Integer(10)]),
    );
    assert_uses(&rows, "tasks_responsible_open", "rows");
    assert!(!rows.iter().any(|l| l.contains("TEMP B-TREE")), "{rows:#?}");
    let recent = plan(&db, &text_sql(RECENT_ROWS, vec![code, Value::Integer(10)]));
    assert_uses(&recent, "tasks_responsible_closed", "recent");
}

#[test]
fn activity_reads_each_count_by_member_and_time() {
    let db = schema();
    let sql = activity_sql(
        "/1/2/4/",
        "2026-02-28T16:00:00Z",
        "2026-03-31T16:00:00Z",
        "2026-03-10T07:30:00Z",
    );
    let lines = plan(&db, &sql);
    for index in [
        "staff_unit_path",
        "tasks_responsible_created",
        "tasks_responsible_closed",
        "tasks_responsible_open",
        "task_coworkers_staff",
    ] {
        assert_uses(&lines, index, "activity");
    }
}

#[test]
fn statements_bind_every_parameter() {
    let now = "2026-03-10T07:30:00Z";
    for text in [
        "",
        "status=done&from=2026-03-01&to=2026-03-02&q=1",
        "status=closed&q=x",
    ] {
        for whose in [
            Whose::Responsible("A0001"),
            Whose::Unit("/1/"),
            Whose::Coworker("A0001"),
            Whose::AssignedBy("0010001"),
        ] {
            let q = query(text);
            for sql in [
                page_sql(whose, &q, PageQuery::default(), Dialect::Sqlite),
                count_sql(whose, &q, now, Dialect::Sqlite),
            ] {
                assert_eq!(
                    sql.text.matches('?').count(),
                    sql.params.len(),
                    "{}",
                    sql.text
                );
            }
        }
    }
}
