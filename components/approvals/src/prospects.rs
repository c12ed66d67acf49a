//! 潜在客户 (CUST-6): recording one, listing and reading them within the caller's data
//! scope (ORG-4: their own; a lead's team; a branch manager's branch; HQ all).

use serde::{Deserialize, Serialize};
use zhanye_approvals::Kind;
use zhanye_approvals::prospect::{self, ProspectInput};
use zhanye_approvals::store::prospects::{self as store, Prospect, ProspectFilter};
use zhanye_approvals::store::requests;
use zhanye_approvals::view::ApprovalSummary;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json, read_optional_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{
    ApiError, ApiResult, Localized, PageQuery, QueryParams, Reply, RequestContext,
};

use crate::access::BODY_LIMIT;

/// The longest search text, characters.
const Q_MAX_CHARS: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewProspect {
    name: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    remarks: Option<String>,
}

/// `POST /api/prospects` → 201 with the prospect, owned by the caller.
pub async fn create(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let input: NewProspect = read_json(request, BODY_LIMIT).await?;
    let checked = prospect::new_prospect(&ProspectInput {
        name: &input.name,
        kind: input.kind.as_deref(),
        mobile: input.mobile.as_deref(),
        company: input.company.as_deref(),
        address: input.address.as_deref(),
        source: input.source.as_deref(),
        remarks: input.remarks.as_deref(),
    })
    .map_err(ApiError::validation)?;
    let now = ctx.stamp();
    let actor = ctx.principal();
    let id = ctx
        .db
        .transaction(async |tx| {
            let id = store::insert(tx, &checked, &actor.code, &actor.unit_path, &now).await?;
            let detail = serde_json::json!({"name": checked.name, "kind": checked.kind});
            tx.audit(
                &actor.code,
                "prospect.create",
                Some(&id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(id)
        })
        .await?;
    let created = store::find(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::internal("a new prospect is not found"))?;
    json::created(&created)
}

/// `GET /api/prospects?status=&q=&page=&page_size=`, newest first.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let status = match query.get_non_empty("status") {
        None => None,
        Some(text) => Some(
            prospect::STATUSES
                .into_iter()
                .find(|s| *s == text)
                .ok_or_else(|| ApiError::invalid_field("status", reason::INVALID))?
                .to_owned(),
        ),
    };
    let q = query
        .get_text("q", Q_MAX_CHARS)
        .map_err(|error| ApiError::validation(vec![error]))?
        .map(str::to_owned);
    let narrowing = ProspectFilter { status, q };
    json::ok(&store::list(&ctx.db, ctx.principal(), &narrowing, page).await?)
}

#[derive(Serialize)]
struct ProspectDetail {
    #[serde(flatten)]
    prospect: Prospect,
    /// Its development task books and new-customer confirmations, newest first.
    approvals: Vec<ApprovalSummary>,
}

/// `GET /api/prospects/{id}`: one the caller reads (its owner, or an ORG-4 reader of
/// its unit); 404 otherwise.
pub async fn one(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let found = store::find(&ctx.db, id)
        .await?
        .filter(|p| {
            p.owner_code() == ctx.principal().code || ctx.principal().reads_unit(&p.unit_path)
        })
        .ok_or_else(ApiError::not_found)?;
    let approvals =
        requests::about(&ctx.db, &[Kind::Development, Kind::NewCustomer], found.id).await?;
    json::ok(&ProspectDetail {
        prospect: found,
        approvals,
    })
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Abandonment {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/prospects/{id}/drop` {reason?}: its owner gives the prospect up (放弃).
/// Only a `potential` or `developing` one, and not while a development task book or a
/// new-customer confirmation about it waits for a decision (withdraw that first).
pub async fn abandon(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let found = store::find(&ctx.db, id)
        .await?
        .filter(|p| {
            p.owner_code() == ctx.principal().code || ctx.principal().reads_unit(&p.unit_path)
        })
        .ok_or_else(ApiError::not_found)?;
    if found.owner_code() != ctx.principal().code {
        return Err(ApiError::forbidden().with_detail(Localized::new(
            "只有潜在客户的开发人员可以放弃该客户。",
            "Only the prospect's owner may drop it.",
        )));
    }
    let input: Abandonment = read_optional_json(request, BODY_LIMIT).await?;
    let reason = zhanye_customers::rules::optional_text(
        "reason",
        input.reason.as_deref(),
        zhanye_customers::rules::REASON_MAX_CHARS,
    )
    .map_err(|e| ApiError::validation(vec![e]))?;
    let now = ctx.stamp();
    let actor = ctx.principal();
    ctx.db
        .transaction(async |tx| {
            for kind in [Kind::Development, Kind::NewCustomer] {
                if requests::pending_for(tx, kind, id).await?.is_some() {
                    return Err(ApiError::conflict().with_detail(Localized::new(
                        "该潜在客户有待审批的申请，请先撤回。",
                        "A request about this prospect awaits a decision; withdraw it first.",
                    )));
                }
            }
            if !store::abandon(tx, id, &now).await? {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    "只有潜在或开发中的客户可以放弃。",
                    "Only a potential or developing prospect can be dropped.",
                )));
            }
            let detail = serde_json::json!({"reason": reason, "was": found.status});
            tx.audit(
                &actor.code,
                "prospect.drop",
                Some(&id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    let dropped = store::find(&ctx.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    json::ok(&dropped)
}
