//! One task as stored, with the names of the people on it, and its co-workers.

use zhanye_platform::{ApiError, Db, Row, params};

use crate::access::Parties;
use crate::status::TaskStatus;

/// A task row with the names of its responsible, creator and canceller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub account_no: Option<String>,
    pub customer_name: String,
    pub planned_address: String,
    pub planned_at: String,
    pub responsible_code: String,
    pub responsible_name: Option<String>,
    pub unit_path: String,
    pub content: String,
    pub created_by: String,
    pub creator_name: Option<String>,
    pub status: TaskStatus,
    pub actual_address: Option<String>,
    pub actual_at: Option<String>,
    pub execution_content: Option<String>,
    pub done_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub canceller_name: Option<String>,
    pub cancel_reason: Option<String>,
    pub closed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns [`TaskRecord::from_row`] reads, over `tasks AS t`; joins the staff names
/// with [`NAME_JOINS`].
pub const COLUMNS: &str = "t.id, t.customer_id, t.account_no, t.customer_name, t.planned_address, \
     t.planned_at, t.responsible_code, r.name AS responsible_name, t.unit_path, t.content, \
     t.created_by, k.name AS creator_name, t.status, t.actual_address, t.actual_at, \
     t.execution_content, t.done_at, t.cancelled_at, t.cancelled_by, x.name AS canceller_name, \
     t.cancel_reason, t.closed_at, t.created_at, t.updated_at";

/// The staff names of [`COLUMNS`], each by primary key.
pub const NAME_JOINS: &str = " LEFT JOIN staff AS r ON r.code = t.responsible_code \
     LEFT JOIN staff AS k ON k.code = t.created_by \
     LEFT JOIN staff AS x ON x.code = t.cancelled_by";

impl TaskRecord {
    pub fn from_row(row: &Row) -> Result<TaskRecord, ApiError> {
        let status: String = row.get("status")?;
        Ok(TaskRecord {
            id: row.get("id")?,
            customer_id: row.get("customer_id")?,
            account_no: row.get("account_no")?,
            customer_name: row.get("customer_name")?,
            planned_address: row.get("planned_address")?,
            planned_at: row.get("planned_at")?,
            responsible_code: row.get("responsible_code")?,
            responsible_name: row.get("responsible_name")?,
            unit_path: row.get("unit_path")?,
            content: row.get("content")?,
            created_by: row.get("created_by")?,
            creator_name: row.get("creator_name")?,
            status: TaskStatus::parse(&status)
                .ok_or_else(|| ApiError::internal(format!("task status `{status}`")))?,
            actual_address: row.get("actual_address")?,
            actual_at: row.get("actual_at")?,
            execution_content: row.get("execution_content")?,
            done_at: row.get("done_at")?,
            cancelled_at: row.get("cancelled_at")?,
            cancelled_by: row.get("cancelled_by")?,
            canceller_name: row.get("canceller_name")?,
            cancel_reason: row.get("cancel_reason")?,
            closed_at: row.get("closed_at")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }

    /// The task as access decides on it, for a viewer who co-works on it or not.
    pub fn parties(&self, viewer_coworks: bool) -> Parties<'_> {
        Parties {
            responsible_code: &self.responsible_code,
            created_by: &self.created_by,
            unit_path: &self.unit_path,
            viewer_coworks,
        }
    }
}

/// The task `id`, if there is one.
pub async fn find(db: &Db, id: i64) -> Result<Option<TaskRecord>, ApiError> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM tasks AS t{NAME_JOINS} WHERE t.id = ?1"),
        params![id],
    )
    .await?
    .map(|row| TaskRecord::from_row(&row))
    .transpose()
}

/// Whether `code` was a co-worker on task `id` (the primary key).
pub async fn is_coworker(db: &Db, id: i64, code: &str) -> Result<bool, ApiError> {
    Ok(db
        .query_value::<i64>(
            "SELECT 1 FROM task_coworkers WHERE task_id = ?1 AND staff_code = ?2",
            params![id, code],
        )
        .await?
        .is_some())
}

/// A staff member named on a task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub code: String,
    /// `None` when no such staff member is on record any more.
    pub name: Option<String>,
}

/// The co-workers (协同人员) of task `id`, by code.
pub async fn coworkers(db: &Db, id: i64) -> Result<Vec<Person>, ApiError> {
    db.query(
        "SELECT w.staff_code, s.name FROM task_coworkers AS w \
         LEFT JOIN staff AS s ON s.code = w.staff_code \
         WHERE w.task_id = ?1 ORDER BY w.staff_code",
        params![id],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(Person {
            code: row.get_at(0)?,
            name: row.get_at(1)?,
        })
    })
    .collect()
}
