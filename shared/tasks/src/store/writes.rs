//! Setting up, executing and cancelling a task. Execution and cancellation change an
//! open task only (`WHERE status = 'open'`), so of two racing requests one wins and
//! the other finds nothing to change. Run each in the transaction that audits it.

use zhanye_platform::{ApiError, Db, params};

use crate::execution::Execution;

/// A task about to be set up.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub customer_id: Option<i64>,
    pub account_no: Option<&'a str>,
    pub customer_name: &'a str,
    pub planned_address: &'a str,
    /// RFC 3339 UTC.
    pub planned_at: &'a str,
    pub responsible_code: &'a str,
    /// The responsible's unit path now.
    pub unit_path: &'a str,
    pub content: &'a str,
    pub created_by: &'a str,
}

/// Sets up an open task; answers its id.
pub async fn create(db: &Db, task: &NewTask<'_>, now: &str) -> Result<i64, ApiError> {
    let inserted_id: i64 = db.query_value(
        "INSERT INTO tasks (customer_id, account_no, customer_name, planned_address, planned_at, \
             responsible_code, unit_path, content, created_by, status, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?10, ?10) RETURNING id",
        params![
            task.customer_id,
            task.account_no,
            task.customer_name,
            task.planned_address,
            task.planned_at,
            task.responsible_code,
            task.unit_path,
            task.content,
            task.created_by,
            now
        ],
    )
    .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    Ok(inserted_id)
}

/// Records the execution of open task `id` and its co-workers; `false` (nothing
/// changed) when the task is not open.
pub async fn execute(db: &Db, id: i64, execution: &Execution, now: &str) -> Result<bool, ApiError> {
    let changed = db
        .execute(
            "UPDATE tasks SET status = 'done', actual_address = ?2, actual_at = ?3, \
                 execution_content = ?4, done_at = ?5, closed_at = ?5, updated_at = ?5 \
             WHERE id = ?1 AND status = 'open'",
            params![
                id,
                execution.actual_address.as_str(),
                execution.actual_at.as_str(),
                execution.content.as_str(),
                now
            ],
        )
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    if !execution.coworkers.is_empty() {
        let codes = serde_json::to_string(&execution.coworkers)
            .map_err(|e| ApiError::internal(format!("co-worker codes as JSON: {e}")))?;
        db.execute(
            "INSERT INTO task_coworkers (task_id, staff_code, done_at) \
             SELECT CAST(?1 AS BIGINT), j.atom, CAST(?2 AS TEXT) FROM json_each(?3) AS j",
            params![id, now, codes],
        )
        .await?;
    }
    Ok(true)
}

/// Cancels open task `id`; `false` (nothing changed) when it is not open.
pub async fn cancel(
    db: &Db,
    id: i64,
    by: &str,
    reason: Option<&str>,
    now: &str,
) -> Result<bool, ApiError> {
    let changed = db
        .execute(
            "UPDATE tasks SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3, \
                 cancel_reason = ?4, closed_at = ?2, updated_at = ?2 \
             WHERE id = ?1 AND status = 'open'",
            params![id, now, by, reason],
        )
        .await?;
    Ok(changed > 0)
}
