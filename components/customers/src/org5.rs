//! ORG-5: delegation (授权代管) and transfer (转让) of customers.
//!
//! - the owner delegates a customer to a normal rep of the same branch for at most 180
//!   days, and may revoke it; while it runs the delegate serves the customer as the
//!   owner does, but cannot delegate or transfer it;
//! - the owner asks for a transfer; the branch manager of the customer's branch approves
//!   it (naming a normal staff member of the branch as the new owner, who takes the
//!   customer's HOME-1 figures) or rejects it. Approval ends any delegation.

use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use zhanye_customers::rules::{self, Decision, StaffFacts, why};
use zhanye_customers::store::delegations::{self, Delegation};
use zhanye_customers::store::people;
use zhanye_customers::store::transfers::{self, Requests};
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, FieldError, Localized, PageQuery, QueryParams, Reply};
use zhanye_staff::{Role, StaffCode};

use crate::access::{BODY_LIMIT, Ctx, not_manager};

/// A staff code field: normalised as sign-in does (AUTH-1), looked up, and checked
/// against the ORG-5 rule for the customer's branch.
async fn staff_field(
    ctx: &Ctx,
    field: &str,
    text: &str,
    owner_code: &str,
    branch: &str,
    needs_rep: bool,
) -> ApiResult<StaffFacts> {
    let code = StaffCode::parse(text)
        .map_err(|_| ApiError::invalid_field(field, reason::INVALID_FORMAT))?;
    let staff = people::staff(&ctx.db, code.as_str()).await?;
    match rules::staff_refusal(staff.as_ref(), owner_code, branch, needs_rep) {
        Some(why) => Err(ApiError::invalid_field(field, why)),
        None => staff.ok_or_else(|| ApiError::invalid_field(field, why::UNKNOWN_REFERENCE)),
    }
}

/// The branch of a customer's unit path; a customer outside any branch cannot be
/// delegated or transferred.
async fn branch(ctx: &Ctx, unit_path: &str) -> ApiResult<String> {
    people::branch_of(&ctx.db, unit_path).await?.ok_or_else(|| {
        ApiError::conflict().with_detail(Localized::new(
            "该客户不属于任何营业部。",
            "The customer belongs to no branch.",
        ))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDelegation {
    delegate_code: String,
    #[serde(default)]
    starts_on: Option<String>,
    ends_on: String,
    reason: String,
}

/// `POST /api/customers/{id}/delegations`, by the owner.
pub async fn delegate(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let record = ctx.owned(id).await?;
    let input: NewDelegation = read_json(request, BODY_LIMIT).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let period = rules::delegation_period(ctx.today, input.starts_on.as_deref(), &input.ends_on)
        .map_err(|e| errors.extend(e))
        .ok();
    let reason = rules::required_text("reason", &input.reason, rules::REASON_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some((starts_on, ends_on)), Some(reason)) = (period, reason) else {
        return Err(ApiError::validation(errors));
    };
    let owner = ctx.caller.code.clone();
    let branch = branch(&ctx, &record.unit_path).await?;
    let delegate = staff_field(
        &ctx,
        "delegate_code",
        &input.delegate_code,
        &owner,
        &branch,
        true,
    )
    .await?;
    let now = ctx.stamp();
    let delegation_id = ctx
        .db
        .transaction(async |tx| {
            // Checked inside the write transaction, so two requests cannot both pass.
            if delegations::open_for(tx, record.id, ctx.today)
                .await?
                .is_some()
            {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    "该客户已有未结束的授权代管，请先撤销。",
                    "The customer already has a delegation that has not ended; revoke it first.",
                )));
            }
            let delegation_id = delegations::create(
                tx,
                record.id,
                &owner,
                &delegate.code,
                starts_on,
                ends_on,
                &reason,
                ctx.today,
                &now,
            )
            .await?;
            let detail = serde_json::json!({
                "delegation_id": delegation_id,
                "delegate_code": delegate.code,
                "starts_on": starts_on.to_string(),
                "ends_on": ends_on.to_string(),
            });
            tx.audit(
                &owner,
                "customer.delegate",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(delegation_id)
        })
        .await?;
    let created = delegations::find(&ctx.db, record.id, delegation_id)
        .await?
        .ok_or_else(|| ApiError::internal("a new delegation is not found"))?;
    json::created(&created)
}

/// `POST /api/customers/{id}/delegations/{delegation_id}/revoke`, by the owner.
pub async fn revoke(request: Request, id: i64, delegation_id: i64) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let record = ctx.owned(id).await?;
    let delegation = delegations::find(&ctx.db, record.id, delegation_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if delegation.revoked_at.is_some() {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "该授权代管已撤销。",
            "The delegation is already revoked.",
        )));
    }
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if !delegations::revoke(tx, delegation.id, &now).await? {
                return Err(ApiError::conflict());
            }
            let detail = serde_json::json!({
                "delegation_id": delegation.id,
                "delegate_code": delegation.delegate_code,
            });
            tx.audit(
                &ctx.caller.code,
                "customer.delegation_revoke",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    let revoked = delegations::find(&ctx.db, record.id, delegation.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    json::ok(&revoked)
}

#[derive(Serialize)]
struct StaffDelegations {
    given: Vec<Delegation>,
    received: Vec<Delegation>,
}

/// `GET /api/customers/delegations`: the caller's active delegations, given and
/// received.
pub async fn delegations(request: Request) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let (given, received) = delegations::of_staff(&ctx.db, &ctx.caller.code, ctx.today).await?;
    json::ok(&StaffDelegations { given, received })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTransfer {
    reason: String,
    #[serde(default)]
    suggested_code: Option<String>,
}

/// `POST /api/customers/{id}/transfers`, by the owner; one pending per customer.
pub async fn request_transfer(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let record = ctx.owned(id).await?;
    let input: NewTransfer = read_json(request, BODY_LIMIT).await?;
    let reason = rules::required_text("reason", &input.reason, rules::REASON_MAX_CHARS)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let owner = ctx.caller.code.clone();
    let branch = branch(&ctx, &record.unit_path).await?;
    let suggested = match input
        .suggested_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => {
            Some(staff_field(&ctx, "suggested_code", text, &owner, &branch, false).await?)
        }
    };
    let now = ctx.stamp();
    let transfer_id = ctx
        .db
        .transaction(async |tx| {
            // Checked inside the write transaction, so two requests cannot both pass.
            if transfers::pending_for(tx, record.id).await?.is_some() {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    "该客户已有待审批的转让申请。",
                    "The customer already has a pending transfer request.",
                )));
            }
            let transfer_id = transfers::request(
                tx,
                record.id,
                &owner,
                suggested.as_ref().map(|s| s.code.as_str()),
                &record.unit_path,
                &reason,
                &now,
            )
            .await?;
            let detail = serde_json::json!({
                "transfer_id": transfer_id,
                "suggested_code": suggested.as_ref().map(|s| s.code.as_str()),
            });
            tx.audit(
                &owner,
                "customer.transfer_request",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(transfer_id)
        })
        .await?;
    let created = transfers::find(&ctx.db, transfer_id)
        .await?
        .ok_or_else(|| ApiError::internal("a new transfer request is not found"))?;
    json::created(&created)
}

/// `GET /api/customers/transfers?status=pending`: a branch manager sees the requests of
/// their branch; anyone else their own.
pub async fn transfers(request: Request) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let status = match query.get_non_empty("status") {
        None => "pending",
        Some(text) => rules::TRANSFER_STATUSES
            .into_iter()
            .find(|s| *s == text)
            .ok_or_else(|| ApiError::invalid_field("status", reason::INVALID))?,
    };
    let whose = if ctx.caller.roles.has(Role::BranchManager) {
        Requests::Within(&ctx.caller.unit_path)
    } else {
        Requests::By(&ctx.caller.code)
    };
    json::ok(&transfers::list(&ctx.db, &whose, status, page).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDecision {
    decision: String,
    #[serde(default)]
    new_owner_code: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

/// `POST /api/customers/transfers/{transfer_id}/decision`, by the branch manager of the
/// customer's branch.
pub async fn decide(request: Request, transfer_id: i64) -> ApiResult<Reply> {
    let ctx = Ctx::new(&request).await?;
    let transfer = transfers::find(&ctx.db, transfer_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    // The request is as visible as its customer.
    let record = ctx.readable(transfer.customer_id).await?;
    if !ctx.manages(&record) {
        return Err(not_manager());
    }
    let input: NewDecision = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    let decision = Decision::parse(input.decision.trim());
    if decision.is_none() {
        errors.push(FieldError::new("decision", reason::INVALID));
    }
    let comment = rules::optional_text(
        "comment",
        input.comment.as_deref(),
        rules::COMMENT_MAX_CHARS,
    )
    .map_err(|e| errors.push(e))
    .unwrap_or_default();
    let new_owner_text = input
        .new_owner_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if decision == Some(Decision::Approve) && new_owner_text.is_none() {
        errors.push(FieldError::new("new_owner_code", reason::REQUIRED));
    }
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    if transfer.status != "pending" {
        return Err(already_decided());
    }
    let owner = record.owner_code.clone().unwrap_or_default();
    let new_owner = match (decision, new_owner_text) {
        (Decision::Approve, Some(text)) => {
            let branch = branch(&ctx, &record.unit_path).await?;
            Some(staff_field(&ctx, "new_owner_code", text, &owner, &branch, false).await?)
        }
        _ => None,
    };
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            let done = match &new_owner {
                Some(staff) => {
                    transfers::approve(tx, &transfer, &staff.code, &ctx.caller.code, &comment, &now)
                        .await?
                }
                None => transfers::reject(tx, &transfer, &ctx.caller.code, &comment, &now).await?,
            };
            if !done {
                return Err(already_decided());
            }
            let action = match decision {
                Decision::Approve => "customer.transfer_approve",
                Decision::Reject => "customer.transfer_reject",
            };
            let detail = serde_json::json!({
                "transfer_id": transfer.id,
                "from_code": owner,
                "to_code": new_owner.as_ref().map(|s| s.code.as_str()),
            });
            tx.audit(
                &ctx.caller.code,
                action,
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    let decided = transfers::find(&ctx.db, transfer.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    json::ok(&decided)
}

fn already_decided() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "该转让申请已处理。",
        "The transfer request has already been decided.",
    ))
}
