//! Topic `fund-transfers`: new transfers are stored for the customer's timeline; a
//! transfer number already stored is skipped. Two statements per batch.

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::fund_transfers::FundTransferRecord;
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, count, one_row, refuse_unknown_accounts, rows_param};

/// Unknown accounts and transfers stored already. Rows: `[transfer_no, account_no,
/// day, direction, amount]`.
const CHECK: &str = "\
    SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), COUNT(f.id) \
    FROM json_each(?1) AS j \
    LEFT JOIN customers AS c ON c.account_no = j.value ->> 1 \
    LEFT JOIN fund_transfers AS f ON f.transfer_no = j.value ->> 0";

const INSERT: &str = "\
    INSERT INTO fund_transfers (transfer_no, customer_id, day, direction, amount) \
    SELECT j.value ->> 0, c.id, j.value ->> 2, j.value ->> 3, CAST(j.value ->> 4 AS BIGINT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE true \
    ON CONFLICT (transfer_no) DO NOTHING";

/// Applies the transfers. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[FundTransferRecord],
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(
        records
            .iter()
            .map(|t| {
                json!([
                    t.transfer_no,
                    t.account_no,
                    t.date.to_string(),
                    t.direction,
                    t.amount.fen()
                ])
            })
            .collect(),
    );
    let check = one_row(db, CHECK, &rows).await?;
    let keys = records.iter().map(|t| (t.index, t.transfer_no.as_str()));
    if refuse_unknown_accounts(&check, keys, report)? {
        return Ok(Applied::default());
    }
    let stored = count(&check, 1)?;
    let created = db.execute(INSERT, params![rows.as_str()]).await?;
    Ok(Applied {
        created: usize::try_from(created).unwrap_or(usize::MAX),
        updated: 0,
        unchanged: stored,
    })
}
