//! Topic `monthly-performance` (CUST-3): one row per customer and month, upserted.
//! Each total must be the sum of its parts. The HOME-1 figures of every month in the
//! batch follow: the customers' contributions to that month are taken away before the
//! upsert and added back after it.

use std::collections::BTreeMap;

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::monthly_performance::{AMOUNTS, MonthlyPerformanceRecord};
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, count, one_row, refuse_unknown_accounts, rows_param};
use crate::month::Month;
use crate::performance::MonthlyPerformance;
use crate::store::stats::{self, Deltas};

/// Reports each total that is not the sum of its parts (reason `parts_do_not_add_up`
/// on the total's field); answers whether all add up.
pub fn check_parts(records: &[MonthlyPerformanceRecord], report: &mut Report) -> bool {
    let mut all = true;
    for record in records {
        let figures = MonthlyPerformance::from_columns(record.amounts);
        for field in figures.mismatched_totals() {
            report.add(
                record.index,
                Some(&record.account_no),
                field,
                "parts_do_not_add_up",
            );
            all = false;
        }
    }
    all
}

/// `m.total_assets = CAST(j.value ->> 2 AS BIGINT) AND …` over the 15 amounts.
fn same_amounts() -> String {
    AMOUNTS
        .iter()
        .enumerate()
        .map(|(i, name)| format!("m.{name} = CAST(j.value ->> {} AS BIGINT)", i + 2))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Unknown accounts, rows already stored, and those stored with the same figures.
/// Rows: `[account_no, month (yyyymm), the 15 amounts in fen]`.
fn check_sql() -> String {
    format!(
        "SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), COUNT(m.month), \
                COUNT(m.month) FILTER (WHERE {}) \
         FROM json_each(?1) AS j \
         LEFT JOIN customers AS c ON c.account_no = j.value ->> 0 \
         LEFT JOIN customer_months AS m ON m.customer_id = c.id AND m.month = CAST(j.value ->> 1 AS BIGINT)",
        same_amounts()
    )
}

/// The customers of each month in the batch: `month, [ids]`.
const CUSTOMERS_BY_MONTH: &str = "\
    SELECT CAST(j.value ->> 1 AS BIGINT), json_group_array(c.id) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 0 \
    GROUP BY 1";

fn upsert_sql() -> String {
    let columns = AMOUNTS.join(", ");
    let values: Vec<String> = (0..AMOUNTS.len())
        .map(|i| format!("CAST(j.value ->> {} AS BIGINT)", i + 2))
        .collect();
    let updates: Vec<String> = AMOUNTS
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let changed: Vec<String> = AMOUNTS
        .iter()
        .map(|c| format!("customer_months.{c} <> excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO customer_months (customer_id, month, {columns}) \
         SELECT c.id, CAST(j.value ->> 1 AS BIGINT), {} \
         FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 0 \
         WHERE true \
         ON CONFLICT (customer_id, month) DO UPDATE SET {} WHERE {}",
        values.join(", "),
        updates.join(", "),
        changed.join(" OR ")
    )
}

/// Applies the rows. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[MonthlyPerformanceRecord],
    report: &mut Report,
) -> Result<Applied, ApiError> {
    if !check_parts(records, report) {
        return Ok(Applied::default());
    }
    let rows = rows_param(
        records
            .iter()
            .map(|r| {
                let mut row = vec![json!(r.account_no), json!(Month::of(r.month).stored())];
                row.extend(r.amounts.iter().map(|m| json!(m.fen())));
                serde_json::Value::Array(row)
            })
            .collect(),
    );
    let check = one_row(db, &check_sql(), &rows).await?;
    let keys = records.iter().map(|r| (r.index, r.account_no.as_str()));
    if refuse_unknown_accounts(&check, keys, report)? {
        return Ok(Applied::default());
    }
    let applied = Applied::counted(records.len(), count(&check, 1)?, count(&check, 2)?);

    let mut months: BTreeMap<Month, Vec<i64>> = BTreeMap::new();
    for row in db.query(CUSTOMERS_BY_MONTH, params![rows.as_str()]).await? {
        let month = Month::from_stored(row.get_at(0)?)
            .ok_or_else(|| ApiError::internal("a month out of range"))?;
        let ids: String = row.get_at(1)?;
        let ids: Vec<i64> = serde_json::from_str(&ids)
            .map_err(|e| ApiError::internal(format!("customer ids: {e}")))?;
        months.insert(month, ids);
    }
    let mut deltas = Deltas::new();
    for (month, ids) in &months {
        stats::contributions(db, ids, Some(*month), -1, &mut deltas).await?;
    }
    db.execute(&upsert_sql(), params![rows.as_str()]).await?;
    for (month, ids) in &months {
        stats::contributions(db, ids, Some(*month), 1, &mut deltas).await?;
    }
    stats::apply(db, &deltas).await?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_money::Money;

    #[test]
    fn the_amounts_are_the_stored_columns_in_order() {
        let names: Vec<&str> = MonthlyPerformance::default()
            .columns()
            .iter()
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(names, AMOUNTS);
        let sql = upsert_sql();
        assert!(sql.contains("credit_commission = excluded.credit_commission"));
        assert!(sql.contains("j.value ->> 16 AS") && !sql.contains("j.value ->> 17"));
        assert!(check_sql().contains("m.credit_commission = CAST(j.value ->> 16 AS BIGINT)"));
    }

    #[test]
    fn totals_that_are_not_their_parts_are_reported() {
        let yuan = |text: &str| Money::parse(text).unwrap();
        let mut amounts = [Money::ZERO; 15];
        amounts[0] = yuan("512127.19");
        amounts[1] = yuan("512127.19");
        amounts[7] = yuan("30492");
        amounts[8] = yuan("30492");
        let good = MonthlyPerformanceRecord {
            index: 0,
            account_no: "310000000001".into(),
            month: chrono::NaiveDate::from_ymd_opt(2014, 8, 1).unwrap(),
            amounts,
        };
        let mut report = Report::default();
        assert!(check_parts(std::slice::from_ref(&good), &mut report));
        assert!(report.is_empty());
        let mut bad = good.clone();
        bad.index = 3;
        bad.amounts[2] = yuan("0.01");
        bad.amounts[14] = yuan("1");
        assert!(!check_parts(&[good, bad], &mut report));
        let got: Vec<(usize, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "total_assets", "parts_do_not_add_up"),
                (3, "total_commission", "parts_do_not_add_up"),
            ]
        );
    }
}
