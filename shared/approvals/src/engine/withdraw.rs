//! Withdrawing (撤回) a pending request, by its requester.

use serde_json::json;
use zhanye_platform::{ApiError, Db};

use super::{audit_target, changed_meanwhile};
use crate::chain::Actor;
use crate::decision::check_withdrawer;
use crate::kind::{Event, Status, audit_action};
use crate::store::requests;
use crate::view::StoredRequest;

/// `actor` withdraws `request` (read just before) at `now`, with `comment`.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
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
