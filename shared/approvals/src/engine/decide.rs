//! Deciding the current step. The approver is checked ([`check_decider`]), then what
//! the decision names ([`plan`]), then one transaction moves the request on — only if
//! it is still pending at the step it was read at — writes the history row, runs the
//! kind's effect on the last approval, and audits it.

use serde_json::{Value, json};
use zhanye_platform::{ApiError, Db};
use zhanye_staff::Principal;

use super::effects::{self, Effect};
use super::plan::{Plan, plan};
use super::{audit_target, changed_meanwhile};
use crate::decision::{Decision, DecisionInput, check_decider};
use crate::kind::{Event, Kind, Status, audit_action};
use crate::store::requests;
use crate::view::StoredRequest;

/// `actor` decides the current step of `request` (read just before) at `now`.
pub async fn decide(
    db: &Db,
    actor: &Principal,
    request: &StoredRequest,
    input: DecisionInput,
    now: &str,
) -> Result<(), ApiError> {
    check_decider(actor, &request.state()).map_err(|r| r.to_error())?;
    let kind = request.kind();
    let step = request.step;
    let plan = match input.decision {
        Decision::Approve => plan(db, request, &input).await?,
        Decision::Reject => Plan::nothing(),
    };
    db.transaction(async |tx| {
        let (event, moved) = match input.decision {
            Decision::Reject => (
                Event::Rejected,
                requests::close(tx, request.id(), step, Status::Rejected, None, now).await?,
            ),
            Decision::Approve if request.at_last_step() => (
                Event::Approved,
                requests::close(
                    tx,
                    request.id(),
                    step,
                    Status::Approved,
                    plan.outcome.as_ref(),
                    now,
                )
                .await?,
            ),
            Decision::Approve => {
                let next = &request.chain[step];
                let moved = requests::advance(tx, request.id(), step, next, now).await?;
                if moved && let Some(outcome) = &plan.outcome {
                    requests::set_outcome(tx, request.id(), outcome).await?;
                }
                (Event::Approved, moved)
            }
        };
        if !moved {
            return Err(changed_meanwhile());
        }
        requests::add_event(
            tx,
            request.id(),
            Some(step),
            event,
            &actor.code,
            &input.comment,
            plan.detail.as_ref(),
            now,
        )
        .await?;
        effects::run(tx, &plan.effect, now).await?;
        let detail = match (&plan.effect, kind) {
            (
                Effect::HandOver {
                    from_code,
                    new_owner,
                    ..
                },
                _,
            ) => json!({
                "request_id": request.id(),
                "from_code": from_code,
                "to_code": new_owner,
            }),
            (_, Kind::CustomerTransfer) => json!({
                "request_id": request.id(),
                "from_code": request.requester_code(),
                "to_code": Value::Null,
            }),
            (effect, _) => json!({
                "request_id": request.id(),
                "kind": kind.as_str(),
                "step": step,
                "closes": event == Event::Rejected || request.at_last_step(),
                "effect": effect.describe(),
            }),
        };
        tx.audit(
            &actor.code,
            audit_action(kind, event),
            Some(&audit_target(kind, request.id(), request.subject_id)),
            Some(&detail.to_string()),
        )
        .await
    })
    .await
}
