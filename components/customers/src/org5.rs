//! ORG-5: delegation (授权代管) and transfer (转让) of customers.
//!
//! - the owner delegates a customer to a normal rep of the same branch for at most 180
//!   days, and may revoke it; while it runs the delegate serves the customer as the
//!   owner does, but cannot delegate or transfer it;
//! - the owner asks for a transfer, filed with the approvals engine (kind
//!   `customer_transfer`); the branch manager of the customer's branch approves it
//!   there (naming a normal staff member of the branch as the new owner, who takes the
//!   customer's HOME-1 figures) or rejects it. Approval ends any delegation.

use serde::{Deserialize, Serialize};
use zhanye_approvals::engine::{self, Filing};
use zhanye_approvals::payload::{Payload, TransferRequest};
use zhanye_customers::rules::{self, StaffFacts, why};
use zhanye_customers::store::delegations::{self, Delegation};
use zhanye_customers::store::people;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, FieldError, Localized, Reply, RequestContext};
use zhanye_staff::StaffCode;

use crate::access::{BODY_LIMIT, CustomerAccess};

/// A staff code field: normalised as sign-in does (AUTH-1), looked up, and checked
/// against the ORG-5 rule for the customer's branch.
async fn staff_field(
    ctx: &RequestContext,
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
async fn branch(ctx: &RequestContext, unit_path: &str) -> ApiResult<String> {
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
    let ctx = RequestContext::new(&request).await?;
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
    let owner = ctx.principal().code.clone();
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
    let ctx = RequestContext::new(&request).await?;
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
                &ctx.principal().code,
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
    let ctx = RequestContext::new(&request).await?;
    let (given, received) =
        delegations::of_staff(&ctx.db, &ctx.principal().code, ctx.today).await?;
    json::ok(&StaffDelegations { given, received })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTransfer {
    reason: String,
    #[serde(default)]
    suggested_code: Option<String>,
}

/// `POST /api/customers/{id}/transfers`, by the owner: files a `customer_transfer`
/// request with the approvals engine (one pending per customer), decided by the branch
/// manager of the customer's branch through `POST /api/approvals/{id}/decision`.
/// Answers the request as `GET /api/approvals/{id}` does.
pub async fn request_transfer(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let record = ctx.owned(id).await?;
    let input: NewTransfer = read_json(request, BODY_LIMIT).await?;
    let reason = rules::required_text("reason", &input.reason, rules::REASON_MAX_CHARS)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let owner = ctx.principal().code.clone();
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
    let payload = Payload::CustomerTransfer(TransferRequest {
        reason,
        suggested_code: suggested.map(|s| s.code),
    });
    let filing = Filing {
        title: payload.title(Some(&record.name)),
        payload,
        subject_id: Some(record.id),
        anchor_unit_path: record.unit_path.clone(),
        comment: String::new(),
    };
    // The owner files it: the one asking, as `owned` made sure.
    let requester = ctx.principal();
    let now = ctx.stamp();
    let filed = engine::file(&ctx.db, requester, filing, &now).await?;
    let view = engine::visible(&ctx.db, requester, filed)
        .await?
        .view(requester);
    json::created(&view)
}
