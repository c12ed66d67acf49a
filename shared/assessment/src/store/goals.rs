//! Goals (目标管理): targets per staff member, period and indicator.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use zhanye_customers::month::Month;
use zhanye_platform::{ApiError, Db, params};

use crate::goals::GoalPeriod;
use crate::scheme::Indicator;

/// One goal as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub staff_code: String,
    pub period: String,
    pub indicator: Indicator,
    pub target: Decimal,
    pub set_by: String,
    pub set_at: String,
}

/// Sets (or replaces) a member's goals for a period; run it in a transaction.
pub async fn set(
    db: &Db,
    staff_code: &str,
    period: GoalPeriod,
    targets: &[(Indicator, Decimal)],
    actor: &str,
    now: &str,
) -> Result<(), ApiError> {
    let period = period.to_string();
    for (indicator, target) in targets {
        db.execute(
            "INSERT INTO assessment_goals (staff_code, period, indicator, target, set_by, set_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (staff_code, period, indicator) DO UPDATE SET target = excluded.target, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
            params![
                staff_code,
                period.as_str(),
                indicator_key(*indicator),
                target.normalize().to_string(),
                actor,
                now
            ],
        )
        .await?;
    }
    Ok(())
}

/// A member's goals, optionally for one period only.
pub async fn of(
    db: &Db,
    staff_code: &str,
    period: Option<GoalPeriod>,
) -> Result<Vec<Goal>, ApiError> {
    let period = period.map(|p| p.to_string());
    let rows = db
        .query(
            "SELECT staff_code, period, indicator, target, set_by, set_at FROM assessment_goals \
             WHERE staff_code = ?1 AND (CAST(?2 AS TEXT) IS NULL OR period = ?2) ORDER BY period, indicator",
            params![staff_code, period],
        )
        .await?;
    rows.iter()
        .filter_map(|row| {
            let indicator: String = row.get("indicator").ok()?;
            let target: String = row.get("target").ok()?;
            Some(Ok(Goal {
                staff_code: row.get("staff_code").ok()?,
                period: row.get("period").ok()?,
                indicator: parse_indicator(&indicator)?,
                target: target.parse().ok()?,
                set_by: row.get("set_by").ok()?,
                set_at: row.get("set_at").ok()?,
            }))
        })
        .collect()
}

/// The goals that can set `month`'s targets for the staff codes in `[low, high]`:
/// staff code → (period, indicator) → target.
pub async fn for_range(
    db: &Db,
    low: &str,
    high: &str,
    month: Month,
) -> Result<HashMap<String, HashMap<(GoalPeriod, Indicator), Decimal>>, ApiError> {
    let [m, q, y] = GoalPeriod::covering(month).map(|p| p.to_string());
    let rows = db
        .query(
            "SELECT staff_code, period, indicator, target FROM assessment_goals \
             WHERE staff_code BETWEEN ?1 AND ?2 AND period IN (?3, ?4, ?5)",
            params![low, high, m, q, y],
        )
        .await?;
    let mut goals: HashMap<String, HashMap<(GoalPeriod, Indicator), Decimal>> = HashMap::new();
    for row in &rows {
        let (code, period, indicator, target): (String, String, String, String) = (
            row.get("staff_code")?,
            row.get("period")?,
            row.get("indicator")?,
            row.get("target")?,
        );
        let (Some(period), Some(indicator), Ok(target)) = (
            GoalPeriod::parse(&period),
            parse_indicator(&indicator),
            target.parse::<Decimal>(),
        ) else {
            continue;
        };
        goals
            .entry(code)
            .or_default()
            .insert((period, indicator), target);
    }
    Ok(goals)
}

/// The stored name of an indicator (its JSON name).
pub fn indicator_key(indicator: Indicator) -> String {
    serde_json::to_value(indicator)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn parse_indicator(text: &str) -> Option<Indicator> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
