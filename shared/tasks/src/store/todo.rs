//! What HOME shows of a staff member's tasks: the open ones as to-dos (待办, TASK-2),
//! soonest first with the overdue flagged, and the latest finished ones as recent work.

use serde::Serialize;
use zhanye_platform::{ApiError, Db, Row, params};

use crate::status::{TaskStatus, is_overdue};

/// An open task as a to-do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodoTask {
    /// Always `task`, so a to-do list can mix kinds.
    pub kind: &'static str,
    pub id: i64,
    pub customer_id: Option<i64>,
    pub account_no: Option<String>,
    pub customer_name: String,
    pub planned_address: String,
    pub planned_at: String,
    pub content: String,
    pub overdue: bool,
}

/// The first of a staff member's open tasks, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenTasks {
    pub items: Vec<TodoTask>,
    /// Open tasks in all.
    pub total: i64,
    /// Of those, how many are overdue.
    pub overdue: i64,
}

/// The SQL of the to-do rows: `?1` staff code, `?2` limit (`tasks_responsible_open`).
pub const OPEN_ROWS: &str = "SELECT t.id, t.customer_id, t.account_no, t.customer_name, \
         t.planned_address, t.planned_at, t.content FROM tasks AS t \
     WHERE t.responsible_code = ?1 AND t.status = 'open' \
     ORDER BY t.planned_at, t.id LIMIT ?2";

/// The SQL of the to-do counts: `?1` staff code, `?2` now (`tasks_responsible_open`,
/// read from the index alone).
pub const OPEN_COUNTS: &str = "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN t.planned_at < ?2 THEN 1 ELSE 0 END), 0) \
     FROM tasks AS t WHERE t.responsible_code = ?1 AND t.status = 'open'";

/// The first `limit` open tasks of `staff_code` by planned time, with the totals, at
/// `now` (RFC 3339 UTC, as `zhanye_platform::time::now_rfc3339` gives it).
pub async fn open_for(
    db: &Db,
    staff_code: &str,
    now: &str,
    limit: u32,
) -> Result<OpenTasks, ApiError> {
    let (total, overdue) = match db.query_row(OPEN_COUNTS, params![staff_code, now]).await? {
        Some(row) => (row.get_at(0)?, row.get_at(1)?),
        None => (0, 0),
    };
    let items = db
        .query(OPEN_ROWS, params![staff_code, i64::from(limit)])
        .await?
        .iter()
        .map(|row| todo_from_row(row, now))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OpenTasks {
        items,
        total,
        overdue,
    })
}

fn todo_from_row(row: &Row, now: &str) -> Result<TodoTask, ApiError> {
    let planned_at: String = row.get("planned_at")?;
    Ok(TodoTask {
        kind: "task",
        id: row.get("id")?,
        customer_id: row.get("customer_id")?,
        account_no: row.get("account_no")?,
        customer_name: row.get("customer_name")?,
        planned_address: row.get("planned_address")?,
        overdue: is_overdue(TaskStatus::Open, &planned_at, now),
        planned_at,
        content: row.get("content")?,
    })
}

/// A finished task as recent work (历史工作).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinishedTask {
    /// Always `task`.
    pub kind: &'static str,
    pub id: i64,
    pub status: TaskStatus,
    pub customer_id: Option<i64>,
    pub customer_name: String,
    /// When it was done or cancelled.
    pub at: String,
    /// What was done (the execution's content), or the plan's for a cancelled task.
    pub content: String,
}

/// The SQL of recent work: `?1` staff code, `?2` limit (`tasks_responsible_closed`).
pub const RECENT_ROWS: &str = "SELECT t.id, t.status, t.customer_id, t.customer_name, t.closed_at, \
         COALESCE(t.execution_content, t.content) AS content FROM tasks AS t \
     WHERE t.responsible_code = ?1 AND t.closed_at IS NOT NULL \
     ORDER BY t.closed_at DESC, t.id DESC LIMIT ?2";

/// The latest `limit` tasks `staff_code` finished (done or cancelled), newest first.
pub async fn recent_finished(
    db: &Db,
    staff_code: &str,
    limit: u32,
) -> Result<Vec<FinishedTask>, ApiError> {
    db.query(RECENT_ROWS, params![staff_code, i64::from(limit)])
        .await?
        .iter()
        .map(|row| {
            let status: String = row.get("status")?;
            Ok(FinishedTask {
                kind: "task",
                id: row.get("id")?,
                status: TaskStatus::parse(&status)
                    .ok_or_else(|| ApiError::internal(format!("task status `{status}`")))?,
                customer_id: row.get("customer_id")?,
                customer_name: row.get("customer_name")?,
                at: row.get("closed_at")?,
                content: row.get("content")?,
            })
        })
        .collect()
}
