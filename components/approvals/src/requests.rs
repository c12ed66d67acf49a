//! The requests' routes: filing, the three boxes, one request, deciding, withdrawing.

use serde::Deserialize;
use serde_json::Value;
use zhanye_approvals::decision::{
    COMMENT_MAX_CHARS, DecisionInput, check_decider, check_withdrawer,
};
use zhanye_approvals::engine;
use zhanye_approvals::store::lists::{self, Inbox, Narrowing};
use zhanye_approvals::{Kind, Status};
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json, read_optional_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{
    ApiError, ApiResult, FieldError, PageQuery, QueryParams, Reply, RequestContext,
};

use crate::access::BODY_LIMIT;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRequest {
    kind: String,
    payload: Value,
    #[serde(default)]
    comment: Option<String>,
}

/// `POST /api/approvals` → 201 with the request.
pub async fn file(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let input: NewRequest = read_json(request, BODY_LIMIT).await?;
    let now = ctx.stamp();
    let id = engine::file_form(
        &ctx.db,
        ctx.principal(),
        &input.kind,
        &input.payload,
        input.comment.as_deref(),
        ctx.today,
        &now,
    )
    .await?;
    let filed = engine::visible(&ctx.db, ctx.principal(), id).await?;
    json::created(&filed.view(ctx.principal()))
}

/// `GET /api/approvals?box=todo|mine|done&kind=&status=&page=&page_size=`; `box`
/// defaults to `todo`.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let mut errors: Vec<FieldError> = Vec::new();
    let mut refuse = |field: &str| errors.push(FieldError::new(field, reason::INVALID));
    let inbox = match query.get_non_empty("box") {
        None => Some(Inbox::Todo),
        Some(text) => Inbox::parse(text).or_else(|| {
            refuse("box");
            None
        }),
    };
    let kind = query.get_non_empty("kind").and_then(|text| {
        Kind::parse(text).or_else(|| {
            refuse("kind");
            None
        })
    });
    let status = query.get_non_empty("status").and_then(|text| {
        Status::parse(text).or_else(|| {
            refuse("status");
            None
        })
    });
    let page = PageQuery::from_params(&query)
        .map_err(|e| errors.extend(e.field_errors))
        .ok();
    let (Some(inbox), Some(page)) = (inbox, page) else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let narrowing = Narrowing { kind, status };
    json::ok(&lists::list(&ctx.db, inbox, ctx.principal(), narrowing, page).await?)
}

/// `GET /api/approvals/{id}`.
pub async fn one(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let found = engine::visible(&ctx.db, ctx.principal(), id).await?;
    json::ok(&found.view(ctx.principal()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDecision {
    decision: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    new_owner_code: Option<String>,
    #[serde(default)]
    owner_code: Option<String>,
}

/// `POST /api/approvals/{id}/decision` → 200 with the request as it now stands.
pub async fn decide(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let found = engine::visible(&ctx.db, ctx.principal(), id).await?;
    // Who may decide is answered before what they sent is read.
    check_decider(ctx.principal(), &found.state()).map_err(|refusal| refusal.to_error())?;
    let input: NewDecision = read_json(request, BODY_LIMIT).await?;
    let decision = DecisionInput::parse(
        found.kind(),
        &input.decision,
        input.comment.as_deref(),
        input.new_owner_code.as_deref(),
        input.owner_code.as_deref(),
    )
    .map_err(ApiError::validation)?;
    let now = ctx.stamp();
    engine::decide(&ctx.db, ctx.principal(), &found, decision, &now).await?;
    let decided = engine::visible(&ctx.db, ctx.principal(), id).await?;
    json::ok(&decided.view(ctx.principal()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Withdrawal {
    #[serde(default)]
    comment: Option<String>,
}

/// `POST /api/approvals/{id}/withdraw`, with an optional body `{comment}` → 200 with
/// the request.
pub async fn withdraw(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let found = engine::visible(&ctx.db, ctx.principal(), id).await?;
    check_withdrawer(ctx.principal(), &found.state())?;
    let input: Withdrawal = read_optional_json(request, BODY_LIMIT).await?;
    let comment = zhanye_customers::rules::optional_text(
        "comment",
        input.comment.as_deref(),
        COMMENT_MAX_CHARS,
    )
    .map_err(|e| ApiError::validation(vec![e]))?;
    let now = ctx.stamp();
    engine::withdraw(&ctx.db, ctx.principal(), &found, &comment, &now).await?;
    let withdrawn = engine::visible(&ctx.db, ctx.principal(), id).await?;
    json::ok(&withdrawn.view(ctx.principal()))
}
