//! The three boxes of `GET /api/approvals`: 待办 (todo: pending requests whose current
//! step the caller may decide), 我的申请 (mine) and 已办 (done: those the caller has
//! approved or rejected a step of). Each is a range of one index:
//!
//! - todo: per approver role the caller holds, `approval_requests_todo` over the
//!   caller's unit subtree (pending requests only, by the current step's role and unit);
//! - mine: `approval_requests_requester`;
//! - done: `approval_events_decided`, then the requests by primary key.

use zhanye_customers::store::scope::Sql;
use zhanye_platform::{ApiError, Db, Page, PageQuery};
use zhanye_staff::Principal;
use zhanye_staff::org::subtree_range;

use crate::chain::Level;
use crate::kind::{Kind, Status};
use crate::store::requests::{SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row};
use crate::view::ApprovalSummary;

/// Which requests a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inbox {
    Todo,
    Mine,
    Done,
}

impl Inbox {
    pub fn parse(text: &str) -> Option<Inbox> {
        match text {
            "todo" => Some(Inbox::Todo),
            "mine" => Some(Inbox::Mine),
            "done" => Some(Inbox::Done),
            _ => None,
        }
    }
}

/// Narrowing a box by kind and status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
}

/// `WHERE …` of a box for `actor`, or `None` when it is empty by construction (the
/// todo box of someone who holds no approver role).
pub fn filter(inbox: Inbox, actor: &Principal, narrowing: Narrowing) -> Option<Sql> {
    let mut sql = Sql::new();
    match inbox {
        Inbox::Todo => {
            let (low, high) = subtree_range(&actor.unit_path);
            let roles: Vec<&str> = [Level::Team, Level::Branch, Level::Hq]
                .into_iter()
                .map(Level::role)
                .filter(|role| actor.roles.has(*role))
                .map(|role| role.as_str())
                .collect();
            if roles.is_empty() {
                return None;
            }
            // The roles are ours, written in: the step's role among them, its unit in
            // the caller's subtree, is one index range per role.
            let roles = roles
                .iter()
                .map(|role| format!("'{role}'"))
                .collect::<Vec<_>>()
                .join(", ");
            sql.push(&format!(
                " WHERE r.status = 'pending' AND r.step_role IN ({roles})"
            ))
            .bind(" AND r.step_unit >= ?", low)
            .bind(" AND r.step_unit < ?", high)
            .bind(" AND r.requester_code <> ?", actor.code.as_str());
        }
        Inbox::Mine => {
            sql.bind(" WHERE r.requester_code = ?", actor.code.as_str());
        }
        Inbox::Done => {
            sql.bind(
                " WHERE r.id IN (SELECT e.request_id FROM approval_events AS e \
                 WHERE e.actor_code = ? AND e.event IN ('approved', 'rejected'))",
                actor.code.as_str(),
            );
        }
    }
    if let Some(kind) = narrowing.kind {
        sql.bind(" AND r.kind = ?", kind.as_str());
    }
    if let Some(status) = narrowing.status {
        sql.bind(" AND r.status = ?", status.as_str());
    }
    Some(sql)
}

/// Counting a box.
pub fn count_sql(filter: &Sql) -> Sql {
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) FROM approval_requests AS r")
        .append(filter);
    sql
}

/// One page of a box: to-dos oldest first (the first filed is the first to decide),
/// the others newest first.
pub fn page_sql(inbox: Inbox, filter: &Sql, page: PageQuery) -> Sql {
    let mut sql = Sql::new();
    sql.push(&format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}"))
        .append(filter)
        .push(match inbox {
            Inbox::Todo => " ORDER BY r.id",
            Inbox::Mine | Inbox::Done => " ORDER BY r.id DESC",
        })
        .bind(" LIMIT ?", i64::from(page.limit()))
        .bind(
            " OFFSET ?",
            i64::try_from(page.offset()).unwrap_or(i64::MAX),
        );
    sql
}

/// One page of a box for `actor`.
pub async fn list(
    db: &Db,
    inbox: Inbox,
    actor: &Principal,
    narrowing: Narrowing,
    page: PageQuery,
) -> Result<Page<ApprovalSummary>, ApiError> {
    let Some(filter) = filter(inbox, actor, narrowing) else {
        return Page::new(Vec::new(), 0, page);
    };
    let count = count_sql(&filter);
    let total: i64 = db
        .query_value(&count.text, count.params)
        .await?
        .unwrap_or(0);
    if total == 0 {
        return Page::new(Vec::new(), 0, page);
    }
    let rows = page_sql(inbox, &filter, page);
    let items = db
        .query(&rows.text, rows.params)
        .await?
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    #[test]
    fn each_box_is_its_filter() {
        let manager = Principal::new(
            "0010002",
            Roles::from_stored("branch_manager,broker_admin"),
            "/1/2/4/",
        );
        let todo = filter(Inbox::Todo, &manager, Narrowing::default()).unwrap();
        assert_eq!(
            todo.text,
            " WHERE r.status = 'pending' AND r.step_role IN ('branch_manager') \
             AND r.step_unit >= ?1 AND r.step_unit < ?2 AND r.requester_code <> ?3"
        );
        assert_eq!(todo.params.len(), 3);
        let lead = Principal::new("0010001", Roles::from_stored("lead,rep"), "/1/2/4/8/");
        let both = Principal::new(
            "0010005",
            Roles::from_stored("lead,branch_manager"),
            "/1/2/4/",
        );
        assert!(
            filter(Inbox::Todo, &both, Narrowing::default())
                .unwrap()
                .text
                .contains("r.step_role IN ('lead', 'branch_manager')")
        );
        let rep = Principal::new("A0001", Roles::from_stored("rep"), "/1/2/4/8/");
        assert_eq!(filter(Inbox::Todo, &rep, Narrowing::default()), None);
        let mine = filter(
            Inbox::Mine,
            &lead,
            Narrowing {
                kind: Some(Kind::Expense),
                status: Some(Status::Approved),
            },
        )
        .unwrap();
        assert_eq!(
            mine.text,
            " WHERE r.requester_code = ?1 AND r.kind = ?2 AND r.status = ?3"
        );
        for inbox in ["todo", "mine", "done"] {
            assert!(Inbox::parse(inbox).is_some());
        }
        assert_eq!(Inbox::parse("all"), None);
    }
}
