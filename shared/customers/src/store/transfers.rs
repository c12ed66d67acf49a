//! ORG-5 转让, the customer's side of it. Requests are filed, decided and listed by the
//! approvals engine (`zhanye_approvals`, kind `customer_transfer`, subject the
//! customer, which also withdraws the request when its customer is deleted); what an
//! approved transfer does to the customer is here.

use zhanye_platform::{ApiError, Db};

use crate::store::left_book::Why;
use crate::store::{delegations, owners};

/// An approved transfer: `new_owner` takes the customer (and its HOME-1 figures, see
/// [`owners::reassign`]; the old owner is told); its delegations end. Run it in the deciding transaction.
pub async fn hand_over(
    db: &Db,
    customer_id: i64,
    new_owner: &str,
    now: &str,
) -> Result<(), ApiError> {
    owners::reassign(db, &[customer_id], new_owner, Why::Transferred, now).await?;
    delegations::end_all(db, customer_id, now).await?;
    Ok(())
}
