//! Every list statement of the engine, planned by SQLite against the real schema: the
//! boxes, the to-dos and the prospect lists narrow by an index, never by reading the
//! requests or prospects whole.

use zhanye_approvals::store::lists::{self, Inbox, Narrowing};
use zhanye_approvals::store::prospects::{self, ProspectFilter};
use zhanye_approvals::{Kind, Status};
use zhanye_customers::store::scope::Sql;
use zhanye_platform::PageQuery;
use zhanye_query_plans::rusqlite::Connection;
use zhanye_query_plans::schema;
use zhanye_staff::{Principal, Roles};

fn plan(db: &Connection, sql: &Sql) -> Vec<String> {
    zhanye_query_plans::plan(db, &sql.text, &sql.params)
}

fn actors() -> Vec<(&'static str, Principal)> {
    vec![
        (
            "rep",
            Principal::new("A0001", Roles::from_stored("rep"), "/1/2/4/8/"),
        ),
        (
            "lead",
            Principal::new("0010001", Roles::from_stored("lead,rep"), "/1/2/4/8/"),
        ),
        (
            "manager",
            Principal::new(
                "0010002",
                Roles::from_stored("branch_manager,broker_admin"),
                "/1/2/4/",
            ),
        ),
        (
            "lead and manager",
            Principal::new(
                "0010005",
                Roles::from_stored("lead,branch_manager"),
                "/1/2/4/",
            ),
        ),
        (
            "hq",
            Principal::new("0010003", Roles::from_stored("hq_admin"), "/1/"),
        ),
    ]
}

/// A line that reads a whole table (`r` requests, `p` prospects, `e` events).
fn scans(lines: &[String]) -> Option<&String> {
    lines
        .iter()
        .find(|l| l.starts_with("SCAN r") || l.starts_with("SCAN p") || l.starts_with("SCAN e"))
}

#[test]
fn every_box_narrows_by_an_index() {
    let db = schema();
    let page = PageQuery::default();
    let narrowings = [
        Narrowing::default(),
        Narrowing {
            kind: Some(Kind::Expense),
            status: Some(Status::Pending),
        },
        Narrowing {
            kind: None,
            status: Some(Status::Approved),
        },
    ];
    for (who, actor) in actors() {
        for inbox in [Inbox::Todo, Inbox::Mine, Inbox::Done] {
            for narrowing in narrowings {
                let Some(filter) = lists::filter(inbox, &actor, narrowing) else {
                    assert_eq!((who, inbox), ("rep", Inbox::Todo));
                    continue;
                };
                for sql in [
                    lists::count_sql(&filter),
                    lists::page_sql(inbox, &filter, page),
                ] {
                    let lines = plan(&db, &sql);
                    assert_eq!(scans(&lines), None, "{who} {inbox:?}: {lines:?}");
                    let index = match inbox {
                        Inbox::Todo => "approval_requests_todo",
                        Inbox::Mine => "approval_requests_requester",
                        Inbox::Done => "approval_events_decided",
                    };
                    assert!(
                        lines.iter().any(|l| l.contains(index)),
                        "{who} {inbox:?}: {lines:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn prospect_lists_narrow_by_owner_or_unit() {
    let db = schema();
    for (who, actor) in actors() {
        for narrowing in [
            ProspectFilter::default(),
            ProspectFilter {
                status: Some("developing".into()),
                q: Some("王".into()),
            },
        ] {
            let filter = prospects::filter(&actor, &narrowing);
            let lines = plan(&db, &prospects::page_sql(&filter, PageQuery::default()));
            assert_eq!(scans(&lines), None, "{who}: {lines:?}");
            let index = if who == "rep" {
                "prospects_owner"
            } else {
                "prospects_unit"
            };
            assert!(lines.iter().any(|l| l.contains(index)), "{who}: {lines:?}");
        }
    }
}

#[test]
fn one_request_is_read_by_its_keys() {
    let db = schema();
    let statements = [
        "SELECT id FROM approval_requests WHERE kind = 'expense' AND subject_id = 1 \
         AND status = 'pending' AND subject_id IS NOT NULL",
        "SELECT t.step FROM approval_steps AS t LEFT JOIN org_units AS o ON o.path = t.unit_path \
         WHERE t.request_id = 1 ORDER BY t.step",
        "SELECT e.step FROM approval_events AS e LEFT JOIN staff AS s ON s.code = e.actor_code \
         WHERE e.request_id = 1 ORDER BY e.id",
        "SELECT r.id FROM approval_requests AS r WHERE r.subject_id = 1 AND r.subject_id IS NOT NULL \
         AND r.kind IN (SELECT atom FROM json_each('[\"development\"]')) ORDER BY r.id DESC",
        "SELECT s.code FROM json_each('[\"/1/\"]') AS j JOIN staff AS s ON s.unit_path = j.atom \
         WHERE s.status = 'normal'",
        "SELECT id FROM prospects WHERE customer_id = 1 AND customer_id IS NOT NULL",
    ];
    for statement in statements {
        let sql = Sql {
            text: statement.to_owned(),
            params: Vec::new(),
        };
        let lines = plan(&db, &sql);
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("SCAN") && !l.starts_with("SCAN j")),
            "{statement}: {lines:?}"
        );
    }
}
