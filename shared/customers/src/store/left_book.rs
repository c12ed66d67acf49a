//! 客户移出 (ALERT-1 inbox, kind [`LEFT_BOOK`]): the owner a customer leaves is told,
//! whatever moved it — an approved transfer, the partner's new owner, or a branch
//! manager's delete — since from then on the customer is gone from their lists without
//! a word. Each statement runs in the moving transaction, before the move, while the
//! old owner is still on the customer; the alert's detail says why (a machine value
//! the client words, [`Why`]).

use zhanye_platform::time::china_date;
use zhanye_platform::{ApiError, Db, params};

use crate::alerts::LEFT_BOOK;

/// Why a customer left the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// 转让: an approved transfer to another rep.
    Transferred,
    /// The partner's data or a confirmation gave it another owner.
    Reassigned,
    /// Deleted by the branch manager.
    Deleted,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Transferred => "transferred",
            Why::Reassigned => "reassigned",
            Why::Deleted => "deleted",
        }
    }
}

/// The China day of the RFC 3339 instant `now` (today's, should it not parse).
fn day_of(now: &str) -> String {
    let unix = chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| t.timestamp())
        .unwrap_or_else(|_| zhanye_platform::time::now_unix());
    china_date(unix).to_string()
}

/// Customers by id (`ids`, a JSON array) leaving their owner for `new_owner` (none:
/// deleted).
const BY_ID: &str = "\
    INSERT INTO customer_alerts (customer_id, staff_code, kind, day, detail, created_at) \
    SELECT c.id, c.owner_code, CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS TEXT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.id = CAST(j.atom AS BIGINT) \
    WHERE c.owner_code IS NOT NULL AND c.owner_code IS DISTINCT FROM CAST(?2 AS TEXT)";

/// Tells the owners of `customer_ids` who are not `new_owner` that they left.
pub async fn by_id(
    db: &Db,
    customer_ids: &[i64],
    new_owner: Option<&str>,
    why: Why,
    now: &str,
) -> Result<(), ApiError> {
    let ids = serde_json::to_string(customer_ids).unwrap_or_default();
    db.execute(
        BY_ID,
        params![ids, new_owner, LEFT_BOOK, day_of(now), why.as_str(), now],
    )
    .await?;
    Ok(())
}

/// The customers topic's rows (objects by column) that name another owner.
const BY_CUSTOMER_ROW: &str = "\
    INSERT INTO customer_alerts (customer_id, staff_code, kind, day, detail, created_at) \
    SELECT c.id, c.owner_code, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 'account_no' \
    WHERE c.owner_code IS NOT NULL AND j.value ->> 'owner_code' IS NOT NULL \
      AND c.owner_code <> j.value ->> 'owner_code'";

/// Tells the owners the customers topic's `rows` take customers from.
pub async fn by_customer_rows(db: &Db, rows: &str, now: &str) -> Result<(), ApiError> {
    by_rows(db, BY_CUSTOMER_ROW, rows, now).await
}

/// A topic's rows as `statement` reads them: the partner's data gave them another owner.
async fn by_rows(db: &Db, statement: &str, rows: &str, now: &str) -> Result<(), ApiError> {
    let why = Why::Reassigned.as_str();
    db.execute(statement, params![rows, LEFT_BOOK, day_of(now), why, now])
        .await?;
    Ok(())
}

/// The customer-relations topic's rows (`[account_no, staff_code]`).
const BY_RELATION_ROW: &str = "\
    INSERT INTO customer_alerts (customer_id, staff_code, kind, day, detail, created_at) \
    SELECT c.id, c.owner_code, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 0 \
    WHERE c.owner_code IS NOT NULL AND c.owner_code <> j.value ->> 1";

/// Tells the owners the relations topic's `rows` take customers from.
pub async fn by_relation_rows(db: &Db, rows: &str, now: &str) -> Result<(), ApiError> {
    by_rows(db, BY_RELATION_ROW, rows, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_chinas() {
        assert_eq!(day_of("2026-03-10T16:30:00Z"), "2026-03-11");
        assert_eq!(day_of("2026-03-10T15:59:59Z"), "2026-03-10");
    }

    #[test]
    fn statements_bind_every_parameter() {
        for (sql, params) in [(BY_ID, 6), (BY_CUSTOMER_ROW, 5), (BY_RELATION_ROW, 5)] {
            for n in 1..=params {
                assert!(sql.contains(&format!("?{n}")), "?{n} in {sql}");
            }
            assert!(!sql.contains(&format!("?{}", params + 1)), "{sql}");
        }
    }
}
