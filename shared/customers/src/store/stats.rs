//! HOME-1 figures per staff member and month (`staff_month_stats`), kept as deltas:
//! before a change, [`contributions`] of the customers it touches are taken away; after
//! it, their new contributions are added; [`apply`] writes the sum in one statement.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;
use zhanye_platform::{ApiError, Db, params};

use crate::home::{
    CustomerFacts, MonthFigures, STATS_COLUMNS, StatsDelta, lost_contribution, month_contribution,
};
use crate::month::Month;

/// Deltas by (staff code, month).
pub type Deltas = BTreeMap<(String, Month), StatsDelta>;

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| zhanye_platform::time::parse_date(&t))
}

/// Adds to `deltas` (times `sign`, ±1) what the given customers add to their owners'
/// months now; `only_month` limits it to the CUST-3 rows of one month and leaves out
/// lost contributions (a month-row change does not touch them).
pub async fn contributions(
    db: &Db,
    customer_ids: &[i64],
    only_month: Option<Month>,
    sign: i64,
    deltas: &mut Deltas,
) -> Result<(), ApiError> {
    if customer_ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(customer_ids).unwrap_or_default();
    let month_filter = only_month.map(Month::stored);
    let rows = db
        .query(
            "SELECT c.id, c.owner_code, c.open_date, c.effective_date, c.lost_date, c.lost_assets, \
                    m.month, m.total_assets, m.daily_average_assets, m.total_volume, m.total_commission \
             FROM json_each(?1) AS j \
             JOIN customers AS c ON c.id = CAST(j.atom AS BIGINT) \
             LEFT JOIN customer_months AS m \
               ON m.customer_id = c.id AND (CAST(?2 AS BIGINT) IS NULL OR m.month = CAST(?2 AS BIGINT)) \
             WHERE c.owner_code IS NOT NULL AND c.deleted_at IS NULL \
             ORDER BY c.id",
            params![ids, month_filter],
        )
        .await?;
    let mut last_customer = None;
    for row in &rows {
        let id: i64 = row.get_at(0)?;
        let owner: String = row.get_at(1)?;
        let facts = CustomerFacts {
            open_date: date(row.get_at(2)?),
            effective_date: date(row.get_at(3)?),
            lost_date: date(row.get_at(4)?),
            lost_assets: row.get_at(5)?,
        };
        let mut add = |month: Month, delta: StatsDelta| {
            let scaled = StatsDelta(delta.0.map(|v| v * sign));
            deltas
                .entry((owner.clone(), month))
                .or_default()
                .add(&scaled);
        };
        if only_month.is_none()
            && last_customer != Some(id)
            && let Some((month, delta)) = lost_contribution(&facts)
        {
            add(month, delta);
        }
        last_customer = Some(id);
        let Some(month) = row.get_at::<Option<i64>>(6)?.and_then(Month::from_stored) else {
            continue;
        };
        let figures = MonthFigures {
            total_assets: row.get_at(7)?,
            daily_average_assets: row.get_at(8)?,
            volume: row.get_at(9)?,
            net_commission: row.get_at(10)?,
        };
        add(month, month_contribution(&facts, month, &figures));
    }
    Ok(())
}

/// Writes `deltas` into `staff_month_stats` in one statement. Run it in the
/// transaction that made the change.
pub async fn apply(db: &Db, deltas: &Deltas) -> Result<(), ApiError> {
    let rows: Vec<serde_json::Value> = deltas
        .iter()
        .filter(|(_, d)| !d.is_zero())
        .map(|((code, month), d)| {
            let mut row = vec![json!(code), json!(month.stored())];
            row.extend(d.0.iter().map(|v| json!(v)));
            serde_json::Value::Array(row)
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    db.execute(
        &apply_sql(),
        params![serde_json::Value::Array(rows).to_string()],
    )
    .await?;
    Ok(())
}

fn apply_sql() -> String {
    let columns = STATS_COLUMNS.join(", ");
    let values: Vec<String> = (0..STATS_COLUMNS.len())
        .map(|i| format!("CAST(value ->> {} AS BIGINT)", i + 2))
        .collect();
    let updates: Vec<String> = STATS_COLUMNS
        .iter()
        .map(|c| format!("{c} = staff_month_stats.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO staff_month_stats (staff_code, month, {columns}) \
         SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), {} FROM json_each(?1) WHERE true \
         ON CONFLICT (staff_code, month) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
}

/// One staff member's figures for a month (zeros when nothing was ever recorded).
pub async fn for_month(db: &Db, staff_code: &str, month: Month) -> Result<StatsDelta, ApiError> {
    let sql = format!(
        "SELECT {} FROM staff_month_stats WHERE staff_code = ?1 AND month = ?2",
        STATS_COLUMNS.join(", ")
    );
    let Some(row) = db
        .query_row(&sql, params![staff_code, month.stored()])
        .await?
    else {
        return Ok(StatsDelta::default());
    };
    let mut stats = StatsDelta::default();
    for (i, value) in stats.0.iter_mut().enumerate() {
        *value = row.get_at(i)?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upsert_names_every_column_once() {
        let sql = apply_sql();
        for column in STATS_COLUMNS {
            assert!(sql.contains(&format!(
                "{column} = staff_month_stats.{column} + excluded.{column}"
            )));
        }
        assert!(sql.contains("value ->> 18 AS") && !sql.contains("value ->> 19"));
    }
}
