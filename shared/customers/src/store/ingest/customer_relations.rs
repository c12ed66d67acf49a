//! Topic `customer-relations`: the staff member becomes the customer's owner. As
//! [`owners::reassign`](crate::store::owners::reassign) does for one owner, for a whole
//! batch of owners at once: the customer follows the owner's unit (ORG-4), and its
//! HOME-1 figures of every month move from the old owner to the new one; the old owner
//! is told (客户移出).

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::customer_relations::RelationRecord;
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, one_row, positions, report_at, rows_param};
use crate::store::left_book;
use crate::store::stats::{self, Deltas};

/// Unknown accounts, unknown staff. Rows: `[account_no, staff_code]`.
const CHECK: &str = "\
    SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), \
           json_group_array(j.key) FILTER (WHERE s.code IS NULL) \
    FROM json_each(?1) AS j \
    LEFT JOIN customers AS c ON c.account_no = j.value ->> 0 \
    LEFT JOIN staff AS s ON s.code = j.value ->> 1";

/// The customers whose owner changes.
const MOVING: &str = "\
    SELECT c.id FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 0 \
    WHERE c.owner_code IS DISTINCT FROM j.value ->> 1";

const REASSIGN: &str = "\
    UPDATE customers SET owner_code = r.owner_code, unit_path = s.unit_path, updated_at = ?2 \
    FROM (SELECT j.value ->> 0 AS account_no, j.value ->> 1 AS owner_code \
          FROM json_each(?1) AS j) AS r \
    JOIN staff AS s ON s.code = r.owner_code \
    WHERE customers.account_no = r.account_no AND customers.owner_code IS DISTINCT FROM r.owner_code";

/// Applies the relations. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[RelationRecord],
    now: &str,
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(
        records
            .iter()
            .map(|r| json!([r.account_no, r.staff_code.as_str()]))
            .collect(),
    );
    let check = one_row(db, CHECK, &rows).await?;
    let (unknown_accounts, unknown_staff) = (positions(&check, 0)?, positions(&check, 1)?);
    if !unknown_accounts.is_empty() || !unknown_staff.is_empty() {
        let keys: Vec<(usize, &str)> = records
            .iter()
            .map(|r| (r.index, r.account_no.as_str()))
            .collect();
        report_at(
            report,
            &keys,
            &unknown_accounts,
            "account_no",
            "unknown_reference",
        );
        report_at(
            report,
            &keys,
            &unknown_staff,
            "staff_code",
            "unknown_reference",
        );
        return Ok(Applied::default());
    }
    let moving: Vec<i64> = db
        .query(MOVING, params![rows.as_str()])
        .await?
        .iter()
        .map(|row| row.get_at(0))
        .collect::<Result<_, _>>()?;
    if !moving.is_empty() {
        let mut deltas = Deltas::new();
        stats::contributions(db, &moving, None, -1, &mut deltas).await?;
        left_book::by_relation_rows(db, &rows, now).await?;
        db.execute(REASSIGN, params![rows.as_str(), now]).await?;
        stats::contributions(db, &moving, None, 1, &mut deltas).await?;
        stats::apply(db, &deltas).await?;
    }
    Ok(Applied {
        created: 0,
        updated: moving.len(),
        unchanged: records.len() - moving.len(),
    })
}
