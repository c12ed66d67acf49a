//! Deciding the current step. The approver is checked ([`check_decider`]), then what
//! the decision names (a transfer's new owner, a new customer's owner), then one
//! transaction moves the request on — only if it is still pending at the step it was
//! read at — writes the history row, runs the kind's effect on the last approval, and
//! audits it.

use serde_json::{Value, json};
use zhanye_customers::rules::{StaffFacts, optional_text, staff_refusal};
use zhanye_customers::store::people;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, Db, FieldError, Localized};
use zhanye_staff::StaffCode;

use super::effects::{self, Effect};
use super::file::COMMENT_MAX_CHARS;
use super::{audit_target, changed_meanwhile};
use crate::chain::Actor;
use crate::decision::{Decision, check_decider};
use crate::kind::{Event, Kind, Status, audit_action};
use crate::payload::Payload;
use crate::store::{requests, subjects};
use crate::view::StoredRequest;

/// A decision as submitted, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub decision: Decision,
    pub comment: String,
    /// A transfer's new owner (required to approve one).
    pub new_owner_code: Option<String>,
    /// A new customer's owner (optional; the requester by default).
    pub owner_code: Option<String>,
}

fn code_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl DecisionInput {
    /// Checks a decision on a request of `kind`: `decision` approve or reject, `comment`
    /// at most 500 characters, `new_owner_code` only on transfers and `owner_code` only
    /// on new-customer confirmations.
    pub fn parse(
        kind: Kind,
        decision: &str,
        comment: Option<&str>,
        new_owner_code: Option<&str>,
        owner_code: Option<&str>,
    ) -> Result<DecisionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let decision_text = decision;
        let decision = Decision::parse(decision.trim());
        if decision.is_none() {
            let why = if decision_text_blank(decision_text) {
                reason::REQUIRED
            } else {
                reason::INVALID
            };
            errors.push(FieldError::new("decision", why));
        }
        let comment = optional_text("comment", comment, COMMENT_MAX_CHARS)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let new_owner_code = code_text(new_owner_code);
        if new_owner_code.is_some() && kind != Kind::CustomerTransfer {
            errors.push(FieldError::new("new_owner_code", reason::UNKNOWN_FIELD));
        }
        let owner_code = code_text(owner_code);
        if owner_code.is_some() && kind != Kind::NewCustomer {
            errors.push(FieldError::new("owner_code", reason::UNKNOWN_FIELD));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok(DecisionInput {
                decision,
                comment,
                new_owner_code,
                owner_code,
            }),
            _ => Err(errors),
        }
    }
}

fn decision_text_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// A staff code field naming someone to take a customer: normalised as sign-in does
/// (AUTH-1), looked up, and checked as ORG-5 checks a new owner — in normal status, in
/// `branch`, not `owner_code`.
async fn new_owner(
    db: &Db,
    field: &str,
    text: &str,
    owner_code: &str,
    branch: &str,
) -> Result<StaffFacts, ApiError> {
    let code = StaffCode::parse(text)
        .map_err(|_| ApiError::invalid_field(field, reason::INVALID_FORMAT))?;
    let staff = people::staff(db, code.as_str()).await?;
    match staff_refusal(staff.as_ref(), owner_code, branch, false) {
        Some(why) => Err(ApiError::invalid_field(field, why)),
        None => staff.ok_or_else(|| ApiError::invalid_field(field, "unknown_reference")),
    }
}

/// The branch a request's people must be in: the branch of `unit_path`, or the unit
/// of the chain's last step where there is none.
async fn branch_of(db: &Db, request: &StoredRequest) -> Result<String, ApiError> {
    Ok(match people::branch_of(db, &request.unit_path).await? {
        Some(branch) => branch,
        None => request
            .chain
            .last()
            .map(|step| step.unit_path.clone())
            .unwrap_or_else(|| request.unit_path.clone()),
    })
}

/// What an approval does beyond moving the request on: the effect of the last one, the
/// outcome it records, and the history row's detail.
struct Plan {
    effect: Effect,
    outcome: Option<Value>,
    detail: Option<Value>,
}

async fn plan(db: &Db, request: &StoredRequest, input: &DecisionInput) -> Result<Plan, ApiError> {
    let last = request.at_last_step();
    let stored = Payload::from_stored(request.kind(), &request.payload.to_string())
        .ok_or_else(|| ApiError::internal("a stored form does not read as its kind"))?;
    Ok(match stored {
        Payload::CustomerTransfer(_) => {
            let customer_id = request
                .subject_id
                .ok_or_else(|| ApiError::internal("a transfer without its customer"))?;
            let customer = subjects::customer(db, customer_id)
                .await?
                .filter(|c| !c.deleted)
                .ok_or_else(|| {
                    ApiError::conflict().with_detail(Localized::new(
                        "该客户已删除。",
                        "The customer has been deleted.",
                    ))
                })?;
            let owner = customer.owner_code.clone().unwrap_or_default();
            match input.new_owner_code.as_deref() {
                None if last => {
                    return Err(ApiError::invalid_field("new_owner_code", reason::REQUIRED));
                }
                None => Plan {
                    effect: Effect::None,
                    outcome: None,
                    detail: None,
                },
                Some(text) => {
                    let branch = people::branch_of(db, &customer.unit_path)
                        .await?
                        .ok_or_else(|| {
                            ApiError::conflict().with_detail(Localized::new(
                                "该客户不属于任何营业部。",
                                "The customer belongs to no branch.",
                            ))
                        })?;
                    let staff = new_owner(db, "new_owner_code", text, &owner, &branch).await?;
                    Plan {
                        effect: if last {
                            Effect::HandOver {
                                customer_id,
                                from_code: owner,
                                new_owner: staff.code.clone(),
                            }
                        } else {
                            Effect::None
                        },
                        outcome: Some(json!({
                            "new_owner_code": staff.code,
                            "new_owner_name": staff.name,
                        })),
                        detail: Some(json!({"new_owner_code": staff.code})),
                    }
                }
            }
        }
        Payload::NewCustomer(confirmation) => {
            let named = match input.owner_code.as_deref() {
                None => None,
                Some(text) => {
                    let branch = branch_of(db, request).await?;
                    Some(new_owner(db, "owner_code", text, "", &branch).await?)
                }
            };
            // The owner this decision names, else the one an earlier step named, else
            // the requester (who developed the prospect).
            let (owner_code, owner_name) = match &named {
                Some(staff) => (staff.code.clone(), Some(staff.name.clone())),
                None => match request
                    .outcome
                    .as_ref()
                    .and_then(|o| o["owner_code"].as_str())
                {
                    Some(code) => (
                        code.to_owned(),
                        request
                            .outcome
                            .as_ref()
                            .and_then(|o| o["owner_name"].as_str())
                            .map(str::to_owned),
                    ),
                    None => (
                        request.requester_code().to_owned(),
                        request.summary.requester.name.clone(),
                    ),
                },
            };
            let customer = subjects::customer_by_account(db, &confirmation.account_no)
                .await?
                .filter(|c| !c.deleted)
                .ok_or_else(|| {
                    ApiError::conflict().with_detail(Localized::new(
                        "该资金账号的客户已不存在。",
                        "The customer of this account number no longer exists.",
                    ))
                })?;
            Plan {
                effect: if last {
                    Effect::Confirm {
                        prospect_id: confirmation.prospect_id,
                        customer_id: customer.id,
                        owner_code: owner_code.clone(),
                    }
                } else {
                    Effect::None
                },
                outcome: Some(json!({
                    "owner_code": owner_code,
                    "owner_name": owner_name,
                    "customer_id": customer.id,
                    "account_no": customer.account_no,
                })),
                detail: named.map(|staff| json!({"owner_code": staff.code})),
            }
        }
        Payload::Development(book) => Plan {
            effect: if last {
                Effect::Develop {
                    prospect_id: book.prospect_id,
                    developer: request.requester_code().to_owned(),
                }
            } else {
                Effect::None
            },
            outcome: None,
            detail: None,
        },
        Payload::Expense(_) | Payload::Collaboration(_) => Plan {
            effect: Effect::None,
            outcome: None,
            detail: None,
        },
    })
}

/// `actor` decides the current step of `request` (read just before) at `now`.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    request: &StoredRequest,
    input: DecisionInput,
    now: &str,
) -> Result<(), ApiError> {
    check_decider(actor, &request.state()).map_err(|r| r.to_error())?;
    let kind = request.kind();
    let step = request.step;
    let plan = match input.decision {
        Decision::Approve => plan(db, request, &input).await?,
        Decision::Reject => Plan {
            effect: Effect::None,
            outcome: None,
            detail: None,
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.reason)).collect()
    }

    #[test]
    fn decisions_as_submitted() {
        let ok = DecisionInput::parse(
            Kind::CustomerTransfer,
            "approve",
            Some(" 同意 "),
            Some(" a0002 "),
            None,
        )
        .unwrap();
        assert_eq!(ok.decision, Decision::Approve);
        assert_eq!(ok.comment, "同意");
        assert_eq!(ok.new_owner_code.as_deref(), Some("a0002"));
        let owner =
            DecisionInput::parse(Kind::NewCustomer, "approve", None, None, Some("A0002")).unwrap();
        assert_eq!(owner.owner_code.as_deref(), Some("A0002"));
        let long = "意".repeat(501);
        // (kind, decision, comment, new_owner_code, owner_code, refusals)
        type Case<'a> = (
            Kind,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Vec<(&'a str, &'a str)>,
        );
        let table: Vec<Case<'_>> = vec![
            (
                Kind::Expense,
                "maybe",
                None,
                None,
                None,
                vec![("decision", "invalid")],
            ),
            (
                Kind::Expense,
                " ",
                None,
                None,
                None,
                vec![("decision", "required")],
            ),
            (
                Kind::Expense,
                "approve",
                Some(&long),
                Some("A0002"),
                Some("A0002"),
                vec![
                    ("comment", "too_long"),
                    ("new_owner_code", "unknown_field"),
                    ("owner_code", "unknown_field"),
                ],
            ),
            (
                Kind::CustomerTransfer,
                "approve",
                None,
                None,
                Some("A0002"),
                vec![("owner_code", "unknown_field")],
            ),
        ];
        for (i, (kind, decision, comment, new_owner, owner, expected)) in
            table.into_iter().enumerate()
        {
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(f, r)| (f.to_owned(), r.to_owned()))
                .collect();
            assert_eq!(
                reasons(
                    DecisionInput::parse(kind, decision, comment, new_owner, owner).unwrap_err()
                ),
                expected,
                "row {i}"
            );
        }
    }
}
