//! A team's task activity (活动量, TASK-5): for every staff member in normal status in a
//! unit subtree — those with nothing in the period too — what happened to their tasks
//! in the period, in one grouped statement:
//!
//! | count | what | index |
//! |---|---|---|
//! | `created` | tasks set up for them in the period | `tasks_responsible_created` |
//! | `done` | their tasks executed in the period | `tasks_responsible_closed` |
//! | `cancelled` | their tasks cancelled in the period | `tasks_responsible_closed` |
//! | `open` | their tasks still open, planned in the period | `tasks_responsible_open` |
//! | `overdue` | of those, planned before now | `tasks_responsible_open` |
//! | `coworked` | others' tasks executed in the period with them as co-worker | `task_coworkers_staff` |
//!
//! Members are found once by unit range (`staff_unit_path`) and kept (`MATERIALIZED`);
//! each count then walks, member by member (`CROSS JOIN` keeps that order on SQLite; its
//! conditions are in `WHERE`, as PostgreSQL takes no `ON` after it), a range of
//! an index keyed by the member and a time, so the cost follows the team's activity in
//! the period, not the firm's history.

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Value};
use zhanye_staff::org::subtree_range;

use crate::store::Sql;

/// One member's activity in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberActivity {
    pub code: String,
    pub name: String,
    /// 职务.
    pub position: String,
    /// The member's unit (团队) name.
    pub unit_name: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

/// What happened to tasks in a period (see the module's table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: i64,
    pub done: i64,
    pub cancelled: i64,
    pub open: i64,
    pub overdue: i64,
    pub coworked: i64,
}

/// The statement: members of the subtree at `root`, their counts in the stored-time
/// range `[start, end)`, overdue at `now`; by unit, then code.
pub fn activity_sql(root: &str, start: &str, end: &str, now: &str) -> Sql {
    let (low, high) = subtree_range(root);
    Sql {
        text: "WITH members AS MATERIALIZED ( \
                 SELECT s.code, s.name, s.position, s.unit_path FROM staff AS s \
                 WHERE s.unit_path >= ?1 AND s.unit_path < ?2 AND s.status = 'normal'), \
             events (code, created, done, cancelled, open, overdue, coworked) AS ( \
                 SELECT m.code, 1, 0, 0, 0, 0, 0 FROM members AS m \
                 CROSS JOIN tasks AS t WHERE t.responsible_code = m.code \
                     AND t.created_at >= ?3 AND t.created_at < ?4 \
                 UNION ALL \
                 SELECT m.code, 0, CASE WHEN t.status = 'done' THEN 1 ELSE 0 END, \
                     CASE WHEN t.status = 'cancelled' THEN 1 ELSE 0 END, 0, 0, 0 \
                 FROM members AS m \
                 CROSS JOIN tasks AS t WHERE t.responsible_code = m.code AND t.closed_at IS NOT NULL \
                     AND t.closed_at >= ?3 AND t.closed_at < ?4 \
                 UNION ALL \
                 SELECT m.code, 0, 0, 0, 1, CASE WHEN t.planned_at < ?5 THEN 1 ELSE 0 END, 0 \
                 FROM members AS m \
                 CROSS JOIN tasks AS t WHERE t.responsible_code = m.code AND t.status = 'open' \
                     AND t.planned_at >= ?3 AND t.planned_at < ?4 \
                 UNION ALL \
                 SELECT m.code, 0, 0, 0, 0, 0, 1 FROM members AS m \
                 CROSS JOIN task_coworkers AS w WHERE w.staff_code = m.code \
                     AND w.done_at >= ?3 AND w.done_at < ?4), \
             totals AS ( \
                 SELECT code, SUM(created) AS created, SUM(done) AS done, \
                     SUM(cancelled) AS cancelled, SUM(open) AS open, SUM(overdue) AS overdue, \
                     SUM(coworked) AS coworked \
                 FROM events GROUP BY code) \
             SELECT m.code, m.name, m.position, o.name AS unit_name, \
                 COALESCE(a.created, 0) AS created, COALESCE(a.done, 0) AS done, \
                 COALESCE(a.cancelled, 0) AS cancelled, COALESCE(a.open, 0) AS open, \
                 COALESCE(a.overdue, 0) AS overdue, COALESCE(a.coworked, 0) AS coworked \
             FROM members AS m \
             LEFT JOIN totals AS a ON a.code = m.code \
             LEFT JOIN org_units AS o ON o.path = m.unit_path \
             ORDER BY m.unit_path, m.code"
            .to_owned(),
        params: vec![
            Value::from(low),
            Value::from(high),
            Value::from(start),
            Value::from(end),
            Value::from(now),
        ],
    }
}

/// Every member's activity (see [`activity_sql`]).
pub async fn activity(
    db: &Db,
    root: &str,
    start: &str,
    end: &str,
    now: &str,
) -> Result<Vec<MemberActivity>, ApiError> {
    let sql = activity_sql(root, start, end, now);
    db.query(&sql.text, sql.params)
        .await?
        .iter()
        .map(|row| {
            Ok(MemberActivity {
                code: row.get("code")?,
                name: row.get("name")?,
                position: row.get("position")?,
                unit_name: row.get("unit_name")?,
                counts: Counts {
                    created: row.get("created")?,
                    done: row.get("done")?,
                    cancelled: row.get("cancelled")?,
                    open: row.get("open")?,
                    overdue: row.get("overdue")?,
                    coworked: row.get("coworked")?,
                },
            })
        })
        .collect()
}

/// The column sums of `members`.
pub fn totals(members: &[MemberActivity]) -> Counts {
    members.iter().fold(Counts::default(), |mut sum, m| {
        sum.created += m.counts.created;
        sum.done += m.counts.done;
        sum.cancelled += m.counts.cancelled;
        sum.open += m.counts.open;
        sum.overdue += m.counts.overdue;
        sum.coworked += m.counts.coworked;
        sum
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_every_column() {
        let member = |code: &str, n: i64| MemberActivity {
            code: code.into(),
            name: String::new(),
            position: String::new(),
            unit_name: None,
            counts: Counts {
                created: n,
                done: n + 1,
                cancelled: n + 2,
                open: n + 3,
                overdue: n + 4,
                coworked: n + 5,
            },
        };
        let sum = totals(&[member("A0001", 0), member("A0002", 10)]);
        assert_eq!(
            sum,
            Counts {
                created: 10,
                done: 12,
                cancelled: 14,
                open: 16,
                overdue: 18,
                coworked: 20,
            }
        );
        assert_eq!(totals(&[]), Counts::default());
        let sql = activity_sql("/1/2/4/8/", "a", "b", "c");
        assert_eq!(sql.params.len(), 5);
        assert!(sql.text.contains("?5"));
    }
}
