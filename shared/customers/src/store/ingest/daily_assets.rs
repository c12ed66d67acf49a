//! Topic `daily-assets`: one snapshot per customer and day, upserted; each customer's
//! newest day in the batch, when it is not older than the stored one, becomes its
//! current total assets and cash. Three statements per batch whatever its size.

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::daily_assets::DailyAssetsRecord;
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, count, one_row, refuse_unknown_accounts, rows_param};

/// Unknown accounts, snapshots already stored, and those stored with the same figures.
/// Rows: `[account_no, day, total_assets, cash]`.
const CHECK: &str = "\
    SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), \
           COUNT(d.day), \
           COUNT(d.day) FILTER (WHERE d.total_assets = CAST(j.value ->> 2 AS BIGINT) \
                                 AND d.cash = CAST(j.value ->> 3 AS BIGINT)) \
    FROM json_each(?1) AS j \
    LEFT JOIN customers AS c ON c.account_no = j.value ->> 0 \
    LEFT JOIN daily_assets AS d ON d.customer_id = c.id AND d.day = j.value ->> 1";

const UPSERT: &str = "\
    INSERT INTO daily_assets (customer_id, day, total_assets, cash) \
    SELECT c.id, j.value ->> 1, CAST(j.value ->> 2 AS BIGINT), CAST(j.value ->> 3 AS BIGINT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 0 \
    WHERE true \
    ON CONFLICT (customer_id, day) DO UPDATE SET \
        total_assets = excluded.total_assets, cash = excluded.cash \
    WHERE daily_assets.total_assets <> excluded.total_assets OR daily_assets.cash <> excluded.cash";

/// Each account's newest day in the batch (a batch holds one snapshot per account and
/// day) onto the customer, unless the customer already has a newer one.
const NEWEST: &str = "\
    UPDATE customers SET total_assets = n.total_assets, cash = n.cash, assets_day = n.day, \
                         updated_at = ?2 \
    FROM (SELECT j.value ->> 0 AS account_no, j.value ->> 1 AS day, \
                 CAST(j.value ->> 2 AS BIGINT) AS total_assets, \
                 CAST(j.value ->> 3 AS BIGINT) AS cash, \
                 ROW_NUMBER() OVER (PARTITION BY j.value ->> 0 ORDER BY j.value ->> 1 DESC) AS newest \
          FROM json_each(?1) AS j) AS n \
    WHERE n.newest = 1 AND customers.account_no = n.account_no \
      AND (customers.assets_day IS NULL OR customers.assets_day <= n.day) \
      AND (customers.assets_day IS DISTINCT FROM n.day OR customers.total_assets <> n.total_assets \
           OR customers.cash <> n.cash)";

/// Applies the snapshots. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[DailyAssetsRecord],
    now: &str,
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(
        records
            .iter()
            .map(|r| {
                json!([
                    r.account_no,
                    r.date.to_string(),
                    r.total_assets.fen(),
                    r.cash.fen()
                ])
            })
            .collect(),
    );
    let check = one_row(db, CHECK, &rows).await?;
    let keys = records.iter().map(|r| (r.index, r.account_no.as_str()));
    if refuse_unknown_accounts(&check, keys, report)? {
        return Ok(Applied::default());
    }
    let applied = Applied::counted(records.len(), count(&check, 1)?, count(&check, 2)?);
    db.execute(UPSERT, params![rows.as_str()]).await?;
    db.execute(NEWEST, params![rows.as_str(), now]).await?;
    Ok(applied)
}
