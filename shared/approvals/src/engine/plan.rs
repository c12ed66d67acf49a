//! What an approval names and does, worked out before the deciding transaction: a
//! transfer's new owner or a new customer's owner, checked as ORG-5 checks a new owner;
//! the effect the last approval runs; the outcome and history detail it records.

use serde_json::{Value, json};
use zhanye_customers::rules::{StaffFacts, staff_refusal};
use zhanye_customers::store::people;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, Db, Localized};
use zhanye_staff::StaffCode;

use super::effects::Effect;
use crate::decision::DecisionInput;
use crate::payload::Payload;
use crate::store::subjects;
use crate::view::StoredRequest;

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
pub(super) struct Plan {
    pub effect: Effect,
    pub outcome: Option<Value>,
    pub detail: Option<Value>,
}

impl Plan {
    /// Nothing beyond moving the request on (a rejection).
    pub fn nothing() -> Plan {
        Plan {
            effect: Effect::None,
            outcome: None,
            detail: None,
        }
    }
}

pub(super) async fn plan(
    db: &Db,
    request: &StoredRequest,
    input: &DecisionInput,
) -> Result<Plan, ApiError> {
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
