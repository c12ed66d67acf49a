//! Applying the trading partner's customer topics (INTEG-1) once their records have
//! passed the field checks (`zhanye_ingest::topics`). Each apply takes the whole batch:
//! its rows go to the database as one JSON array parameter (read with `j.value ->> N`
//! or `->> 'key'`, cast where a number is meant), account numbers are resolved for
//! all records in one statement, and the rows are written with a few
//! `INSERT … SELECT … FROM json_each(?1)` statements, never one per record. A reference
//! that does not resolve goes into the batch's report and nothing is written; the
//! caller rolls the transaction back when the report is not empty.
//!
//! Whatever changes a customer's owner, dates, loss or month rows keeps
//! `staff_month_stats` exact: the touched customers' contributions are taken away
//! before the change and added back after it ([`stats`](crate::store::stats)).

pub mod account_events;
pub mod customer_relations;
pub mod customers;
pub mod daily_assets;
pub mod fund_transfers;
pub mod monthly_performance;
pub mod trades;

use serde::Serialize;
use zhanye_ingest::Report;
use zhanye_platform::{ApiError, Db, Row};

/// What applying a batch did, record by record.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    /// Records that matched what was stored (or, for numbered records such as
    /// trades, were stored already).
    pub unchanged: usize,
}

impl Applied {
    /// From the batch size and what the store held before it.
    fn counted(records: usize, existing: usize, unchanged: usize) -> Applied {
        Applied {
            created: records.saturating_sub(existing),
            updated: existing.saturating_sub(unchanged),
            unchanged,
        }
    }
}

/// The batch's rows as one JSON array parameter.
fn rows_param(rows: Vec<serde_json::Value>) -> String {
    serde_json::Value::Array(rows).to_string()
}

/// A `json_group_array(…)` column as a list (empty when NULL).
fn list<T: serde::de::DeserializeOwned>(row: &Row, column: usize) -> Result<Vec<T>, ApiError> {
    let text: Option<String> = row.get_at(column)?;
    serde_json::from_str(text.as_deref().unwrap_or("[]"))
        .map_err(|e| ApiError::internal(format!("a JSON list column: {e}")))
}

/// A `json_group_array(j.key)` column: positions in the rows parameter.
fn positions(row: &Row, column: usize) -> Result<Vec<usize>, ApiError> {
    list(row, column)
}

/// A count column (`COUNT`, `SUM`; NULL is 0).
fn count(row: &Row, column: usize) -> Result<usize, ApiError> {
    Ok(row.get_at::<Option<usize>>(column)?.unwrap_or(0))
}

/// Reports each listed position's record: `(index, key)` of the rows in order.
fn report_at(
    report: &mut Report,
    records: &[(usize, &str)],
    at: &[usize],
    field: &str,
    reason: &str,
) {
    for position in at {
        if let Some((index, key)) = records.get(*position) {
            report.add(*index, Some(key), field, reason);
        }
    }
}

/// Reports the records whose account number is unknown (the positions in column 0 of
/// `check`), keyed as `keys` gives them; answers whether there were any, so the batch
/// stops there.
fn refuse_unknown_accounts<'a>(
    check: &Row,
    keys: impl Iterator<Item = (usize, &'a str)>,
    report: &mut Report,
) -> Result<bool, ApiError> {
    let unknown = positions(check, 0)?;
    if unknown.is_empty() {
        return Ok(false);
    }
    let keys: Vec<(usize, &str)> = keys.collect();
    report_at(report, &keys, &unknown, "account_no", "unknown_reference");
    Ok(true)
}

/// Runs a statement that answers one row.
async fn one_row(db: &Db, sql: &str, rows: &str) -> Result<Row, ApiError> {
    db.query_row(sql, zhanye_platform::params![rows])
        .await?
        .ok_or_else(|| ApiError::internal("an aggregate answered no row"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_split_into_created_updated_unchanged() {
        assert_eq!(
            Applied::counted(10, 4, 1),
            Applied {
                created: 6,
                updated: 3,
                unchanged: 1
            }
        );
        assert_eq!(
            serde_json::to_value(Applied::counted(2, 2, 2)).unwrap(),
            serde_json::json!({"created": 0, "updated": 0, "unchanged": 2})
        );
    }
}
