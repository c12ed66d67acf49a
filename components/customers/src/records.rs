//! What staff record about a customer: CUST-4 follows, CUST-5 notes and contact
//! records. Following needs only to read the customer (it is the caller's own
//! bookmark); notes and contacts need to serve it.

use serde::{Deserialize, Serialize};
use zhanye_customers::rules::{self, ContactInput};
use zhanye_customers::store::{contacts, follows, notes};
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::{ApiError, ApiResult, PageQuery, Reply, RequestContext};

use crate::access::{BODY_LIMIT, CustomerAccess};

#[derive(Serialize)]
struct Following {
    customer_id: i64,
    followed: bool,
}

/// `PUT` (follow) / `DELETE` (unfollow) `/api/customers/{id}/follow`; idempotent, and
/// audited when it changes something.
pub async fn follow(request: Request, id: i64, on: bool) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let record = ctx.readable(id).await?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            let changed = if on {
                follows::follow(tx, &ctx.principal().code, record.id, &now).await?
            } else {
                follows::unfollow(tx, &ctx.principal().code, record.id).await?
            };
            if changed {
                let action = if on {
                    "customer.follow"
                } else {
                    "customer.unfollow"
                };
                tx.audit(
                    &ctx.principal().code,
                    action,
                    Some(&record.id.to_string()),
                    None,
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    json::ok(&Following {
        customer_id: record.id,
        followed: on,
    })
}

/// `GET /api/customers/{id}/notes`, newest first.
pub async fn notes(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    let record = ctx.readable(id).await?;
    json::ok(&notes::list(&ctx.db, record.id, page).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewNote {
    body: String,
}

/// `POST /api/customers/{id}/notes` {body}: a 批注 of at most 500 characters.
pub async fn add_note(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let record = ctx.served(id).await?;
    let input: NewNote = read_json(request, BODY_LIMIT).await?;
    let body = rules::note_body(&input.body).map_err(|e| ApiError::validation(vec![e]))?;
    let now = ctx.stamp();
    let note_id = ctx
        .db
        .transaction(async |tx| {
            let note_id = notes::add(tx, record.id, &ctx.principal().code, &body, &now).await?;
            let detail = serde_json::json!({"note_id": note_id});
            tx.audit(
                &ctx.principal().code,
                "customer.note",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(note_id)
        })
        .await?;
    let note = notes::find(&ctx.db, note_id)
        .await?
        .ok_or_else(|| ApiError::internal("a new note is not found"))?;
    json::created(&note)
}

/// `GET /api/customers/{id}/contacts`, latest contact first.
pub async fn contacts(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    let record = ctx.readable(id).await?;
    json::ok(&contacts::list(&ctx.db, record.id, page).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewContact {
    contacted_at: String,
    nature: String,
    kind: String,
    topic: String,
    #[serde(default)]
    satisfaction: Option<i64>,
    #[serde(default)]
    remarks: Option<String>,
}

/// `POST /api/customers/{id}/contacts`: a 沟通记录; moves the customer's latest contact
/// month up to the record's.
pub async fn add_contact(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let record = ctx.served(id).await?;
    let input: NewContact = read_json(request, BODY_LIMIT).await?;
    let contact = rules::contact(
        &ContactInput {
            contacted_at: &input.contacted_at,
            nature: &input.nature,
            kind: &input.kind,
            topic: &input.topic,
            satisfaction: input.satisfaction,
            remarks: input.remarks.as_deref(),
        },
        ctx.now,
    )
    .map_err(ApiError::validation)?;
    let now = ctx.stamp();
    let contact_id = ctx
        .db
        .transaction(async |tx| {
            let contact_id =
                contacts::add(tx, record.id, &ctx.principal().code, &contact, &now).await?;
            let detail = serde_json::json!({
                "contact_id": contact_id,
                "month": contact.month.to_string(),
                "kind": contact.kind,
            });
            tx.audit(
                &ctx.principal().code,
                "customer.contact",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(contact_id)
        })
        .await?;
    let created = contacts::find(&ctx.db, contact_id)
        .await?
        .ok_or_else(|| ApiError::internal("a new contact record is not found"))?;
    json::created(&created)
}
