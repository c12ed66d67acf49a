//! What happens to an open task: `POST /api/tasks/{id}/execute` (营销任务执行, TASK-3) by
//! its responsible, and `POST /api/tasks/{id}/cancel` by its responsible or creator.
//! Both leave the plan as it was; a task already done or cancelled is 409 and stays as
//! it is. The status is checked again by the write itself (`WHERE status = 'open'`), so
//! of two racing requests only one changes the task.

use serde::Deserialize;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::{ApiError, ApiResult, Db, FieldError, Reply, RequestContext};
use zhanye_tasks::access::{may_cancel, may_execute, may_not_cancel, not_responsible};
use zhanye_tasks::execution::{self, ExecutionInput, coworker_refusal};
use zhanye_tasks::fields::{REASON_MAX_CHARS, optional_text};
use zhanye_tasks::store::lookups;
use zhanye_tasks::store::records::{self, TaskRecord};
use zhanye_tasks::store::writes;
use zhanye_tasks::when::parse_time;
use zhanye_tasks::{TaskStatus, Transition};

use crate::access::{BODY_LIMIT, TaskAccess};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecutionBody {
    actual_address: String,
    actual_at: String,
    #[serde(default)]
    coworkers: Option<Vec<String>>,
    content: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancellationBody {
    #[serde(default)]
    reason: Option<String>,
}

/// The 409 of a write that found the task no longer open (another request got there
/// first).
async fn already_changed(db: &Db, id: i64, transition: Transition) -> ApiError {
    let status = match records::find(db, id).await {
        Ok(Some(task)) => task.status,
        _ => TaskStatus::Open,
    };
    match status.after(transition) {
        Err(refusal) => refusal,
        Ok(_) => ApiError::conflict(),
    }
}

pub async fn execute(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let task = ctx.visible(id).await?;
    if !may_execute(ctx.principal(), task.parties(false)) {
        return Err(not_responsible());
    }
    task.status.after(Transition::Execute)?;
    let body: ExecutionBody = read_json(request, BODY_LIMIT).await?;
    let coworkers = body.coworkers.unwrap_or_default();
    let created_at = parse_time(&task.created_at)
        .map_err(|_| ApiError::internal(format!("task {id}: created_at unreadable")))?;
    let execution = execution::execution(
        &ExecutionInput {
            actual_address: &body.actual_address,
            actual_at: &body.actual_at,
            coworkers: &coworkers,
            content: &body.content,
        },
        &task.responsible_code,
        created_at,
        ctx.now,
    )
    .map_err(ApiError::validation)?;
    check_coworkers(&ctx, &execution.coworkers).await?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if !writes::execute(tx, id, &execution, &now).await? {
                return Err(already_changed(tx, id, Transition::Execute).await);
            }
            let detail = serde_json::json!({
                "actual_at": execution.actual_at,
                "coworkers": execution.coworkers,
            });
            tx.audit(
                &ctx.principal().code,
                "task.execute",
                Some(&id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    answer(&ctx, id).await
}

/// Every co-worker must be a staff member in normal status (one lookup for all).
async fn check_coworkers(ctx: &RequestContext, codes: &[String]) -> ApiResult<()> {
    let found = lookups::staff_among(&ctx.db, codes).await?;
    let errors: Vec<FieldError> = codes
        .iter()
        .enumerate()
        .filter_map(|(i, code)| {
            let staff = found.iter().find(|s| &s.code == code);
            coworker_refusal(staff).map(|why| FieldError::new(format!("coworkers[{i}]"), why))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

pub async fn cancel(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let task: TaskRecord = ctx.visible(id).await?;
    if !may_cancel(ctx.principal(), task.parties(false)) {
        return Err(may_not_cancel());
    }
    task.status.after(Transition::Cancel)?;
    let body: CancellationBody = read_json(request, BODY_LIMIT).await?;
    let reason = optional_text("reason", body.reason.as_deref(), REASON_MAX_CHARS)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if !writes::cancel(tx, id, &ctx.principal().code, reason.as_deref(), &now).await? {
                return Err(already_changed(tx, id, Transition::Cancel).await);
            }
            let detail = serde_json::json!({ "reason": reason });
            tx.audit(
                &ctx.principal().code,
                "task.cancel",
                Some(&id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    answer(&ctx, id).await
}

/// The task as it is now.
async fn answer(ctx: &RequestContext, id: i64) -> ApiResult<Reply> {
    let task = records::find(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::internal("a changed task is not found"))?;
    json::ok(&ctx.view(&task).await?)
}
