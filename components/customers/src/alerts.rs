//! ALERT-1 预警 of the caller: the list (unread first) and the acknowledgement with a
//! note. An alert is the caller's own, like a bookmark: no customer scope applies, and
//! someone else's alert is 404 as if it did not exist.

use serde::{Deserialize, Serialize};
use zhanye_customers::alerts;
use zhanye_customers::store::alerts::{self as store, Alert};
use zhanye_customers::store::home::unread_alerts;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::{ApiError, ApiResult, Page, PageQuery, QueryParams, Reply, RequestContext};

use crate::access::BODY_LIMIT;

/// The list's page with the caller's unread alerts of every kind (the home count).
#[derive(Serialize)]
struct Inbox {
    #[serde(flatten)]
    page: Page<Alert>,
    unread: i64,
}

/// `GET /api/alerts?kind=&page=&page_size=`.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let kind = alerts::kind_filter(query.get("kind")).map_err(|e| ApiError::validation(vec![e]))?;
    let code = &ctx.principal().code;
    let page = store::list(&ctx.db, code, kind, page).await?;
    let unread = unread_alerts(&ctx.db, code).await?;
    json::ok(&Inbox { page, unread })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Acknowledgement {
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/alerts/{id}/acknowledge` {note?}: marks the alert read with the note and
/// answers it. Idempotent: a repeat answers the alert as first acknowledged (its time
/// and note kept) and is not audited again, so a double tap is harmless.
pub async fn acknowledge(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let code = &ctx.principal().code;
    if store::find(&ctx.db, code, id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let input: Acknowledgement = read_json(request, BODY_LIMIT).await?;
    let note = alerts::note(input.note.as_deref()).map_err(|e| ApiError::validation(vec![e]))?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if store::acknowledge(tx, code, id, note.as_deref(), &now).await? {
                let detail = serde_json::json!({"note": note});
                tx.audit(
                    code,
                    "alert.acknowledge",
                    Some(&id.to_string()),
                    Some(&detail.to_string()),
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    let alert = store::find(&ctx.db, code, id)
        .await?
        .ok_or_else(|| ApiError::internal("an acknowledged alert is not found"))?;
    json::ok(&alert)
}
