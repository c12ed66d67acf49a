//! Topic `trades`: new trades are stored, move their customers' positions (buys add,
//! sells take away) and last trading day; a trade number already stored is skipped.
//! Four statements per batch whatever its size.

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::trades::TradeRecord;
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, count, one_row, refuse_unknown_accounts, rows_param};

/// Unknown accounts and trades stored already. Rows: `[trade_no, account_no, day,
/// security_code, security_name, side, quantity, amount, commission]`.
const CHECK: &str = "\
    SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), COUNT(t.id) \
    FROM json_each(?1) AS j \
    LEFT JOIN customers AS c ON c.account_no = j.value ->> 1 \
    LEFT JOIN trades AS t ON t.trade_no = j.value ->> 0";

/// The new trades' net quantities per customer and security (before they are stored,
/// so a resent trade moves nothing), under the name the batch gives the security.
const POSITIONS: &str = "\
    INSERT INTO positions (customer_id, security_code, security_name, quantity) \
    SELECT c.id, j.value ->> 3, MAX(j.value ->> 4), \
           CAST(SUM(CASE j.value ->> 5 WHEN 'buy' THEN CAST(j.value ->> 6 AS BIGINT) \
                                       ELSE -CAST(j.value ->> 6 AS BIGINT) END) AS BIGINT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE NOT EXISTS (SELECT 1 FROM trades AS t WHERE t.trade_no = j.value ->> 0) \
    GROUP BY c.id, j.value ->> 3 \
    ON CONFLICT (customer_id, security_code) DO UPDATE SET \
        quantity = positions.quantity + excluded.quantity, security_name = excluded.security_name";

const INSERT: &str = "\
    INSERT INTO trades (trade_no, customer_id, day, security_code, security_name, side, \
                        quantity, amount, commission) \
    SELECT j.value ->> 0, c.id, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
           j.value ->> 5, CAST(j.value ->> 6 AS BIGINT), CAST(j.value ->> 7 AS BIGINT), \
           CAST(j.value ->> 8 AS BIGINT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE true \
    ON CONFLICT (trade_no) DO NOTHING";

const LAST_TRADE_DAY: &str = "\
    UPDATE customers SET last_trade_day = n.day \
    FROM (SELECT j.value ->> 1 AS account_no, MAX(j.value ->> 2) AS day \
          FROM json_each(?1) AS j GROUP BY 1) AS n \
    WHERE customers.account_no = n.account_no \
      AND (customers.last_trade_day IS NULL OR customers.last_trade_day < n.day)";

/// Applies the trades. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[TradeRecord],
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(
        records
            .iter()
            .map(|t| {
                json!([
                    t.trade_no,
                    t.account_no,
                    t.date.to_string(),
                    t.security_code,
                    t.security_name,
                    t.side,
                    t.quantity,
                    t.amount.fen(),
                    t.commission.fen()
                ])
            })
            .collect(),
    );
    let check = one_row(db, CHECK, &rows).await?;
    let keys = records.iter().map(|t| (t.index, t.trade_no.as_str()));
    if refuse_unknown_accounts(&check, keys, report)? {
        return Ok(Applied::default());
    }
    let stored = count(&check, 1)?;
    db.execute(POSITIONS, params![rows.as_str()]).await?;
    let created = db.execute(INSERT, params![rows.as_str()]).await?;
    db.execute(LAST_TRADE_DAY, params![rows.as_str()]).await?;
    Ok(Applied {
        created: usize::try_from(created).unwrap_or(usize::MAX),
        updated: 0,
        unchanged: stored,
    })
}
