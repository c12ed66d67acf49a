//! One request: filing it with its chain and first history row, reading it whole,
//! moving it on or closing it — each move a conditional `UPDATE` on the status and step
//! it was read at, so two deciders racing cannot both pass.

use serde_json::Value;
use zhanye_platform::{ApiError, Db, Row, params};
use zhanye_staff::Role;

use crate::chain::Step;
use crate::kind::{Event, Kind, Status, SubjectKind};
use crate::view::{ApprovalSummary, HistoryRow, Person, StoredRequest, Subject};

/// The columns of a summary (`r` the request), with its requester's name and its
/// subject; [`SUMMARY_FROM`] joins them.
pub const SUMMARY_COLUMNS: &str = "\
    r.id, r.kind, r.title, r.subject_id, r.status, r.step, r.step_role, r.step_unit, \
    r.requester_code, s.name AS requester_name, r.submitted_at, r.updated_at, r.decided_at, \
    p.name AS prospect_name, p.status AS prospect_status, c.name AS customer_name, c.account_no";

/// The request `r` with its requester and subject, each by primary key.
pub const SUMMARY_FROM: &str = "\
    FROM approval_requests AS r \
    LEFT JOIN staff AS s ON s.code = r.requester_code \
    LEFT JOIN prospects AS p ON r.kind IN ('development', 'new_customer') AND p.id = r.subject_id \
    LEFT JOIN customers AS c ON r.kind = 'customer_transfer' AND c.id = r.subject_id";

fn stored_kind(text: &str) -> Result<Kind, ApiError> {
    Kind::parse(text).ok_or_else(|| ApiError::internal(format!("unknown request kind `{text}`")))
}

fn stored_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| ApiError::internal(format!("unknown role `{text}`")))
}

fn stored_json(text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored JSON: {e}")))
}

fn index(value: i64) -> usize {
    usize::try_from(value).unwrap_or_default()
}

/// A summary from a row of [`SUMMARY_COLUMNS`].
pub fn summary_from_row(row: &Row) -> Result<ApprovalSummary, ApiError> {
    let kind = stored_kind(&row.get::<String>("kind")?)?;
    let status_text: String = row.get("status")?;
    let status = Status::parse(&status_text)
        .ok_or_else(|| ApiError::internal(format!("unknown status `{status_text}`")))?;
    let subject = match (kind.subject(), row.get::<Option<i64>>("subject_id")?) {
        (Some(SubjectKind::Prospect), Some(id)) => Some(Subject {
            kind: SubjectKind::Prospect,
            id,
            name: row.get("prospect_name")?,
            account_no: None,
            status: row.get("prospect_status")?,
        }),
        (Some(SubjectKind::Customer), Some(id)) => Some(Subject {
            kind: SubjectKind::Customer,
            id,
            name: row.get("customer_name")?,
            account_no: row.get("account_no")?,
            status: None,
        }),
        _ => None,
    };
    let pending = status == Status::Pending;
    Ok(ApprovalSummary {
        id: row.get("id")?,
        kind,
        kind_name: kind.name().0,
        title: row.get("title")?,
        subject,
        requester: Person {
            code: row.get("requester_code")?,
            name: row.get("requester_name")?,
        },
        status,
        current_step: pending
            .then(|| row.get::<i64>("step").map(index))
            .transpose()?,
        current_role: row
            .get::<Option<String>>("step_role")?
            .map(|r| stored_role(&r))
            .transpose()?,
        current_unit_path: row.get("step_unit")?,
        submitted_at: row.get("submitted_at")?,
        updated_at: row.get("updated_at")?,
        decided_at: row.get("decided_at")?,
    })
}

/// A request about to be filed.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub kind: Kind,
    pub subject_id: Option<i64>,
    pub title: &'a str,
    pub payload: &'a Value,
    pub requester_code: &'a str,
    /// The requester's unit.
    pub unit_path: &'a str,
    /// At least one step.
    pub chain: &'a [Step],
    /// The requester's comment on filing it.
    pub comment: &'a str,
}

/// The pending request of `kind` about `subject_id`, if any (`approval_requests_one_pending`).
pub async fn pending_for(db: &Db, kind: Kind, subject_id: i64) -> Result<Option<i64>, ApiError> {
    db.query_value(
        "SELECT id FROM approval_requests \
         WHERE kind = ?1 AND subject_id = ?2 AND status = 'pending' AND subject_id IS NOT NULL",
        params![kind.as_str(), subject_id],
    )
    .await
}

/// Files a request: the request at its first step, its chain, and the `submitted` row
/// of its history. Answers its id. Run it in a transaction, after [`pending_for`].
pub async fn insert(db: &Db, new: &NewRequest<'_>, now: &str) -> Result<i64, ApiError> {
    let first = new
        .chain
        .first()
        .ok_or_else(|| ApiError::internal("a request without approvers"))?;
    let id: i64 = db
        .query_value(
            "INSERT INTO approval_requests (kind, subject_id, title, payload, requester_code, \
                                        unit_path, status, step, step_role, step_unit, \
                                        submitted_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 1, ?7, ?8, ?9, ?9) RETURNING id",
            params![
                new.kind.as_str(),
                new.subject_id,
                new.title,
                new.payload.to_string(),
                new.requester_code,
                new.unit_path,
                first.role.as_str(),
                first.unit_path.as_str(),
                now
            ],
        )
        .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    let chain = serde_json::to_string(new.chain).unwrap_or_default();
    db.execute(
        "INSERT INTO approval_steps (request_id, step, role, unit_path) \
         SELECT CAST(?1 AS BIGINT), j.key + 1, j.value ->> 'role', j.value ->> 'unit_path' \
         FROM json_each(?2) AS j",
        params![id, chain],
    )
    .await?;
    add_event(
        db,
        id,
        None,
        Event::Submitted,
        new.requester_code,
        new.comment,
        None,
        now,
    )
    .await?;
    Ok(id)
}

/// Appends a row to a request's history.
#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    db: &Db,
    request_id: i64,
    step: Option<usize>,
    event: Event,
    actor_code: &str,
    comment: &str,
    detail: Option<&Value>,
    now: &str,
) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO approval_events (request_id, step, event, actor_code, at, comment, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            request_id,
            step.and_then(|s| i64::try_from(s).ok()),
            event.as_str(),
            actor_code,
            now,
            comment,
            detail.map(Value::to_string)
        ],
    )
    .await
    .map(|_| ())
}

/// Moves a pending request from step `from` to `next`. Answers whether it was still
/// pending at `from`.
pub async fn advance(
    db: &Db,
    id: i64,
    from: usize,
    next: &Step,
    now: &str,
) -> Result<bool, ApiError> {
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    Ok(db
        .execute(
            "UPDATE approval_requests SET step = step + 1, step_role = ?3, step_unit = ?4, \
                    updated_at = ?5 \
             WHERE id = ?1 AND status = 'pending' AND step = ?2",
            params![id, from, next.role.as_str(), next.unit_path.as_str(), now],
        )
        .await?
        == 1)
}

/// Closes a pending request at step `from` as `status` (approved, rejected or
/// withdrawn), with what the final approval decided. Answers whether it was still
/// pending at `from`.
pub async fn close(
    db: &Db,
    id: i64,
    from: usize,
    status: Status,
    outcome: Option<&Value>,
    now: &str,
) -> Result<bool, ApiError> {
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    Ok(db
        .execute(
            "UPDATE approval_requests SET status = ?3, outcome = COALESCE(?4, outcome), \
                    step_role = NULL, step_unit = NULL, updated_at = ?5, decided_at = ?5 \
             WHERE id = ?1 AND status = 'pending' AND step = ?2",
            params![
                id,
                from,
                status.as_str(),
                outcome.map(Value::to_string),
                now
            ],
        )
        .await?
        == 1)
}

/// Records what an approval short of the last one named (the owner a lead proposes).
pub async fn set_outcome(db: &Db, id: i64, outcome: &Value) -> Result<(), ApiError> {
    db.execute(
        "UPDATE approval_requests SET outcome = ?2 WHERE id = ?1",
        params![id, outcome.to_string()],
    )
    .await
    .map(|_| ())
}

/// A request with its chain and history.
pub async fn find(db: &Db, id: i64) -> Result<Option<StoredRequest>, ApiError> {
    let Some(row) = db
        .query_row(
            &format!(
                "SELECT {SUMMARY_COLUMNS}, r.unit_path, r.payload, r.outcome \
                 {SUMMARY_FROM} WHERE r.id = ?1"
            ),
            params![id],
        )
        .await?
    else {
        return Ok(None);
    };
    let summary = summary_from_row(&row)?;
    let steps = db
        .query(
            "SELECT t.step, t.role, t.unit_path, o.name AS unit_name \
             FROM approval_steps AS t LEFT JOIN org_units AS o ON o.path = t.unit_path \
             WHERE t.request_id = ?1 ORDER BY t.step",
            params![id],
        )
        .await?;
    let mut chain = Vec::with_capacity(steps.len());
    let mut unit_names = Vec::with_capacity(steps.len());
    for step in &steps {
        chain.push(Step {
            role: stored_role(&step.get::<String>("role")?)?,
            unit_path: step.get("unit_path")?,
        });
        unit_names.push(step.get("unit_name")?);
    }
    let events = db
        .query(
            "SELECT e.step, e.event, e.actor_code, s.name AS actor_name, e.at, e.comment, e.detail \
             FROM approval_events AS e LEFT JOIN staff AS s ON s.code = e.actor_code \
             WHERE e.request_id = ?1 ORDER BY e.id",
            params![id],
        )
        .await?;
    let mut history = Vec::with_capacity(events.len());
    for event in &events {
        let text: String = event.get("event")?;
        history.push(HistoryRow {
            step: event.get::<Option<i64>>("step")?.map(index),
            event: Event::parse(&text)
                .ok_or_else(|| ApiError::internal(format!("unknown event `{text}`")))?,
            by: Person {
                code: event.get("actor_code")?,
                name: event.get("actor_name")?,
            },
            at: event.get("at")?,
            comment: event.get("comment")?,
            detail: event
                .get::<Option<String>>("detail")?
                .map(|d| stored_json(&d))
                .transpose()?,
        });
    }
    let deciders = history
        .iter()
        .filter(|row| matches!(row.event, Event::Approved | Event::Rejected))
        .map(|row| row.by.code.clone())
        .collect();
    Ok(Some(StoredRequest {
        summary,
        subject_id: row.get("subject_id")?,
        unit_path: row.get("unit_path")?,
        payload: stored_json(&row.get::<String>("payload")?)?,
        outcome: row
            .get::<Option<String>>("outcome")?
            .map(|o| stored_json(&o))
            .transpose()?,
        step: index(row.get("step")?),
        chain,
        unit_names,
        history,
        deciders,
    }))
}

/// The requests of `kinds` about `subject_id`, newest first (`approval_requests_subject`).
pub async fn about(
    db: &Db,
    kinds: &[Kind],
    subject_id: i64,
) -> Result<Vec<ApprovalSummary>, ApiError> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let kinds = serde_json::to_string(&kinds).unwrap_or_default();
    db.query(
        &format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE r.subject_id = ?1 AND r.subject_id IS NOT NULL \
             AND r.kind IN (SELECT atom FROM json_each(?2)) ORDER BY r.id DESC"
        ),
        params![subject_id, kinds],
    )
    .await?
    .iter()
    .map(summary_from_row)
    .collect()
}
