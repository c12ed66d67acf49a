//! Giving customers a new owner (客户-员工关系 from the partner, an approved transfer):
//! the customer follows the owner's unit for data scope, and the HOME-1 figures of
//! every month move from the old owner to the new one.

use zhanye_platform::{ApiError, Db, params};

use crate::store::left_book::{self, Why};
use crate::store::stats::{self, Deltas};

/// Makes `owner_code` the owner of `customer_ids` (which must exist); the owners they
/// leave are told `why`. Answers how many changed owner. Run it in a transaction.
pub async fn reassign(
    db: &Db,
    customer_ids: &[i64],
    owner_code: &str,
    why: Why,
    now: &str,
) -> Result<usize, ApiError> {
    if customer_ids.is_empty() {
        return Ok(0);
    }
    let ids = serde_json::to_string(customer_ids).unwrap_or_default();
    let moving: Vec<i64> = db
        .query(
            "SELECT c.id FROM json_each(?1) AS j JOIN customers AS c ON c.id = CAST(j.atom AS BIGINT) \
             WHERE c.owner_code IS DISTINCT FROM CAST(?2 AS TEXT)",
            params![ids, owner_code],
        )
        .await?
        .iter()
        .map(|row| row.get_at(0))
        .collect::<Result<_, _>>()?;
    if moving.is_empty() {
        return Ok(0);
    }
    left_book::by_id(db, &moving, Some(owner_code), why, now).await?;
    let mut deltas = Deltas::new();
    stats::contributions(db, &moving, None, -1, &mut deltas).await?;
    let moving_json = serde_json::to_string(&moving).unwrap_or_default();
    db.execute(
        "UPDATE customers SET owner_code = ?2, updated_at = ?3, \
             unit_path = (SELECT unit_path FROM staff WHERE code = ?2) \
         WHERE id IN (SELECT CAST(atom AS BIGINT) FROM json_each(?1))",
        params![moving_json, owner_code, now],
    )
    .await?;
    stats::contributions(db, &moving, None, 1, &mut deltas).await?;
    stats::apply(db, &deltas).await?;
    Ok(moving.len())
}

/// Keeps customers' copied unit path in step when their owner moves to another unit.
/// Run it in the transaction that moved the staff member.
pub async fn follow_owner_unit(
    db: &Db,
    owner_code: &str,
    unit_path: &str,
) -> Result<u64, ApiError> {
    db.execute(
        "UPDATE customers SET unit_path = ?2 WHERE owner_code = ?1 AND unit_path <> ?2",
        params![owner_code, unit_path],
    )
    .await
}

/// Moves the customers under the unit path `old` to the same place under `new`, when
/// their unit moved in the org tree. Run it in the transaction that moved the unit.
pub async fn follow_moved_unit(db: &Db, old: &str, new: &str) -> Result<u64, ApiError> {
    let (low, high) = zhanye_staff::org::subtree_range(old);
    // `low` is `old` itself: `substr(…, length(?1) + 1)` is what follows it.
    db.execute(
        "UPDATE customers SET unit_path = ?3 || substr(unit_path, length(?1) + 1) \
         WHERE unit_path >= ?1 AND unit_path < ?2",
        params![low.as_str(), high.as_str(), new],
    )
    .await
}
