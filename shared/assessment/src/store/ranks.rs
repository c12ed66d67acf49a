//! Ranks (职级) by month.

use std::collections::HashMap;

use zhanye_customers::month::Month;
use zhanye_platform::{ApiError, Db, params};

use crate::rank::Rank;

/// The rank of each staff member in `[low, high]` in `month` (those without a rank row
/// are [`Rank::Junior`] and are left out).
pub async fn for_range(
    db: &Db,
    low: &str,
    high: &str,
    month: Month,
) -> Result<HashMap<String, Rank>, ApiError> {
    // Ordered by month, so the last row seen per member is the one in force.
    let rows = db
        .query(
            "SELECT staff_code, rank FROM staff_ranks \
             WHERE staff_code BETWEEN ?1 AND ?2 AND from_month <= ?3 \
             ORDER BY staff_code, from_month",
            params![low, high, month.stored()],
        )
        .await?;
    let mut ranks = HashMap::new();
    for row in &rows {
        let code: String = row.get("staff_code")?;
        let rank: String = row.get("rank")?;
        if let Some(rank) = Rank::parse(&rank) {
            ranks.insert(code, rank);
        }
    }
    Ok(ranks)
}

/// One member's rank in `month`.
pub async fn of(db: &Db, staff_code: &str, month: Month) -> Result<Rank, ApiError> {
    Ok(for_range(db, staff_code, staff_code, month)
        .await?
        .remove(staff_code)
        .unwrap_or(Rank::Junior))
}

/// Sets a member's rank from a month on (HQ, or a published review).
pub async fn set(
    db: &Db,
    staff_code: &str,
    from: Month,
    rank: Rank,
    source: &str,
    actor: Option<&str>,
    now: &str,
) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO staff_ranks (staff_code, from_month, rank, source, set_by, set_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (staff_code, from_month) DO UPDATE SET rank = excluded.rank, \
             source = excluded.source, set_by = excluded.set_by, set_at = excluded.set_at",
        params![staff_code, from.stored(), rank.key(), source, actor, now],
    )
    .await
    .map(|_| ())
}
