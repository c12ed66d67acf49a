//! Withdrawing (撤回) a pending request: by its requester, or by the platform when the
//! request's subject is removed.

use serde_json::json;
use zhanye_platform::{ApiError, Db};
use zhanye_staff::Principal;

use super::{audit_target, changed_meanwhile};
use crate::decision::check_withdrawer;
use crate::kind::{Event, Kind, Status, audit_action};
use crate::store::requests;
use crate::view::StoredRequest;

/// `actor` withdraws `request` (read just before) at `now`, with `comment`.
pub async fn withdraw(
    db: &Db,
    actor: &Principal,
    request: &StoredRequest,
    comment: &str,
    now: &str,
) -> Result<(), ApiError> {
    check_withdrawer(actor, &request.state())?;
    let kind = request.kind();
    db.transaction(async |tx| {
        if !requests::close(tx, request.id(), request.step, Status::Withdrawn, None, now).await? {
            return Err(changed_meanwhile());
        }
        requests::add_event(
            tx,
            request.id(),
            None,
            Event::Withdrawn,
            &actor.code,
            comment,
            None,
            now,
        )
        .await?;
        let detail =
            json!({"request_id": request.id(), "kind": kind.as_str(), "step": request.step});
        tx.audit(
            &actor.code,
            audit_action(kind, Event::Withdrawn),
            Some(&audit_target(kind, request.id(), request.subject_id)),
            Some(&detail.to_string()),
        )
        .await
    })
    .await
}

/// The pending request of `kind` about a subject that is going away (a deleted
/// customer's transfer) is withdrawn by `system`, with `reason` in its history and an
/// audit entry. Answers whether there was one. Run it in the transaction that removes
/// the subject, so the request and its subject go together.
pub async fn withdraw_for_removed_subject(
    db: &Db,
    kind: Kind,
    subject_id: i64,
    reason: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let Some(id) = requests::pending_for(db, kind, subject_id).await? else {
        return Ok(false);
    };
    let request = requests::find(db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !requests::close(db, id, request.step, Status::Withdrawn, None, now).await? {
        return Err(changed_meanwhile());
    }
    requests::add_event(db, id, None, Event::Withdrawn, SYSTEM, reason, None, now).await?;
    let detail =
        json!({"request_id": id, "kind": kind.as_str(), "step": request.step, "reason": reason});
    db.audit(
        SYSTEM,
        audit_action(kind, Event::Withdrawn),
        Some(&audit_target(kind, id, Some(subject_id))),
        Some(&detail.to_string()),
    )
    .await?;
    Ok(true)
}

/// Who the history and the audit log name for what the platform does on its own.
const SYSTEM: &str = "system";
