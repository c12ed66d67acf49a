//! ORG-5 转让, the customer's side of it. Requests are filed, decided and listed by the
//! approvals engine (`zhanye_approvals`, kind `customer_transfer`, subject the
//! customer); what an approved transfer does to the customer, and what deleting a
//! customer does to its pending request, is here.

use zhanye_platform::{ApiError, Db, params};

use crate::store::{delegations, owners};

/// An approved transfer: `new_owner` takes the customer (and its HOME-1 figures, see
/// [`owners::reassign`]); its delegations end. Run it in the deciding transaction.
pub async fn hand_over(
    db: &Db,
    customer_id: i64,
    new_owner: &str,
    now: &str,
) -> Result<(), ApiError> {
    owners::reassign(db, &[customer_id], new_owner, now).await?;
    delegations::end_all(db, customer_id, now).await?;
    Ok(())
}

/// A deleted customer's pending transfer request is withdrawn (by `system`, with the
/// reason in its history). Answers how many were. Run it in the deleting transaction.
pub async fn withdraw_pending(db: &Db, customer_id: i64, now: &str) -> Result<u64, ApiError> {
    // The request's one-pending index finds it; the history row goes first, while it
    // is still pending.
    db.execute(
        "INSERT INTO approval_events (request_id, step, event, actor_code, at, comment) \
         SELECT id, NULL, 'withdrawn', 'system', CAST(?2 AS TEXT), '客户已删除' FROM approval_requests \
         WHERE kind = 'customer_transfer' AND subject_id = ?1 AND status = 'pending' \
           AND subject_id IS NOT NULL",
        params![customer_id, now],
    )
    .await?;
    db.execute(
        "UPDATE approval_requests SET status = 'withdrawn', step_role = NULL, step_unit = NULL, \
                updated_at = ?2, decided_at = ?2 \
         WHERE kind = 'customer_transfer' AND subject_id = ?1 AND status = 'pending' \
           AND subject_id IS NOT NULL",
        params![customer_id, now],
    )
    .await
}
