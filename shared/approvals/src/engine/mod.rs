//! The engine's moves, each one transaction with its history row and audit entry:
//! [`file`] a request (its chain resolved against the org tree), [`decide`] its current
//! step (the last approval runs the kind's effect in the same transaction), [`withdraw`]
//! it. The `approvals` component calls them for every kind; the `customers` component
//! files transfers through [`file`].

mod decide;
mod effects;
mod file;
mod plan;
mod withdraw;

pub use decide::decide;
pub use file::{Filing, file, file_form};
pub use withdraw::{withdraw, withdraw_for_removed_subject};

use zhanye_platform::{ApiError, Db, Localized};
use zhanye_staff::Principal;

use crate::decision::may_view;
use crate::kind::Kind;
use crate::store::requests;
use crate::view::StoredRequest;

/// A request `actor` may see; 404 when there is none or it is not theirs to see (its
/// existence is never revealed).
pub async fn visible(db: &Db, actor: &Principal, id: i64) -> Result<StoredRequest, ApiError> {
    let request = requests::find(db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if may_view(actor, &request.state()) {
        Ok(request)
    } else {
        Err(ApiError::not_found())
    }
}

/// 409: the request changed between reading it and writing (another decider, a
/// withdrawal).
fn changed_meanwhile() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "该申请已被他人处理，请刷新后重试。",
        "The request was changed by someone else meanwhile; refresh and try again.",
    ))
}

/// What the audit log names: transfers by their customer (as ORG-5 always has), the
/// others by the request.
fn audit_target(kind: Kind, request_id: i64, subject_id: Option<i64>) -> String {
    match (kind, subject_id) {
        (Kind::CustomerTransfer, Some(customer)) => customer.to_string(),
        _ => request_id.to_string(),
    }
}
