//! What the last approval of each kind does, inside the deciding transaction: a
//! refusal here (the prospect or customer moved on meanwhile) rolls the decision back
//! with it.

use serde_json::{Value, json};
use zhanye_customers::store::left_book::Why;
use zhanye_customers::store::{owners, transfers};
use zhanye_platform::{ApiError, Db, Localized};

use super::file::already_confirmed;
use crate::store::{prospects, subjects};

/// An effect to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Expenses, collaboration requests, and approvals short of the last step.
    None,
    /// 客户开发任务书: the prospect becomes `developing` under the requester.
    Develop { prospect_id: i64, developer: String },
    /// 新客户确认: the customer takes its owner (its HOME-1 figures with it), the
    /// prospect becomes `confirmed` and links it.
    Confirm {
        prospect_id: i64,
        customer_id: i64,
        owner_code: String,
    },
    /// 转让: the new owner takes the customer and its HOME-1 figures; its delegations end.
    HandOver {
        customer_id: i64,
        from_code: String,
        new_owner: String,
    },
}

impl Effect {
    /// For the audit log.
    pub fn describe(&self) -> Value {
        match self {
            Effect::None => Value::Null,
            Effect::Develop {
                prospect_id,
                developer,
            } => {
                json!({"prospect_id": prospect_id, "status": "developing", "owner_code": developer})
            }
            Effect::Confirm {
                prospect_id,
                customer_id,
                owner_code,
            } => json!({"prospect_id": prospect_id, "status": "confirmed",
                        "customer_id": customer_id, "owner_code": owner_code}),
            Effect::HandOver {
                customer_id,
                from_code,
                new_owner,
            } => json!({"customer_id": customer_id, "from_code": from_code, "to_code": new_owner}),
        }
    }
}

fn prospect_moved_on() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "该潜在客户的状态已变化，请刷新后重试。",
        "The prospect's status has changed meanwhile; refresh and try again.",
    ))
}

fn customer_gone() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "该客户已删除。",
        "The customer has been deleted.",
    ))
}

/// Runs `effect` at `now`. Run it in the deciding transaction.
pub async fn run(db: &Db, effect: &Effect, now: &str) -> Result<(), ApiError> {
    match effect {
        Effect::None => Ok(()),
        Effect::Develop {
            prospect_id,
            developer,
        } => {
            if prospects::develop(db, *prospect_id, developer, now).await? {
                Ok(())
            } else {
                Err(prospect_moved_on())
            }
        }
        Effect::Confirm {
            prospect_id,
            customer_id,
            owner_code,
        } => {
            if subjects::customer(db, *customer_id)
                .await?
                .is_none_or(|c| c.deleted)
            {
                return Err(customer_gone());
            }
            if prospects::confirmed_as(db, *customer_id).await?.is_some() {
                return Err(already_confirmed());
            }
            if !prospects::confirm(db, *prospect_id, *customer_id, now).await? {
                return Err(prospect_moved_on());
            }
            owners::reassign(db, &[*customer_id], owner_code, Why::Reassigned, now).await?;
            Ok(())
        }
        Effect::HandOver {
            customer_id,
            new_owner,
            ..
        } => {
            if subjects::customer(db, *customer_id)
                .await?
                .is_none_or(|c| c.deleted)
            {
                return Err(customer_gone());
            }
            transfers::hand_over(db, *customer_id, new_owner, now).await
        }
    }
}
