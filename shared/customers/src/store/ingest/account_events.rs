//! Topic `account-events`: new events go on the customer's timeline and some change the
//! customer (see [`AccountEvent`]): the opening, effective and assessment-effective
//! dates (the latest of the batch), or its loss (the earliest loss of the batch, unless
//! it was already lost on an earlier date: status `lost`, the loss date, and its total
//! assets then as the assets lost). An event number already stored is skipped, and
//! changes nothing. The touched customers' HOME-1 figures follow, and the owner gets
//! an alert (ALERT-1) for a loss or an equity event.

use serde_json::json;
use zhanye_ingest::Report;
use zhanye_ingest::topics::account_events::AccountEventRecord;
use zhanye_platform::{ApiError, Db, params};

use super::{Applied, count, one_row, refuse_unknown_accounts, rows_param};
use crate::status::{AccountEvent, loses_customer};
use crate::store::stats::{self, Deltas};

/// Unknown accounts and events stored already. Rows: `[event_no, account_no, day,
/// kind, detail, effect]`, `effect` one of `opened`, `effective`,
/// `assessment_effective`, `lost` or null.
const CHECK: &str = "\
    SELECT json_group_array(j.key) FILTER (WHERE c.id IS NULL), COUNT(e.id) \
    FROM json_each(?1) AS j \
    LEFT JOIN customers AS c ON c.account_no = j.value ->> 1 \
    LEFT JOIN account_events AS e ON e.event_no = j.value ->> 0";

/// New events that change a customer, by customer: the dates they set.
const NEW_EFFECTS: &str = "\
    SELECT c.id AS id, \
           MAX(j.value ->> 2) FILTER (WHERE j.value ->> 5 = 'opened') AS opened, \
           MAX(j.value ->> 2) FILTER (WHERE j.value ->> 5 = 'effective') AS effective, \
           MAX(j.value ->> 2) FILTER (WHERE j.value ->> 5 = 'assessment_effective') AS assessed, \
           MIN(j.value ->> 2) FILTER (WHERE j.value ->> 5 = 'lost') AS lost \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE j.value ->> 5 IS NOT NULL \
      AND NOT EXISTS (SELECT 1 FROM account_events AS e WHERE e.event_no = j.value ->> 0) \
    GROUP BY c.id";

fn touched_sql() -> String {
    format!("SELECT n.id FROM ({NEW_EFFECTS}) AS n")
}

/// A loss keeps an earlier loss date; the assets lost are the total assets then.
fn effects_sql() -> String {
    format!(
        "UPDATE customers SET \
             open_date = COALESCE(n.opened, customers.open_date), \
             effective_date = COALESCE(n.effective, customers.effective_date), \
             assessment_effective_date = COALESCE(n.assessed, customers.assessment_effective_date), \
             status = CASE WHEN n.lost IS NULL THEN customers.status ELSE 'lost' END, \
             lost_assets = CASE WHEN n.lost IS NULL \
                                  OR customers.lost_date IS NOT NULL AND customers.lost_date <= n.lost \
                                THEN customers.lost_assets ELSE customers.total_assets END, \
             lost_date = CASE WHEN n.lost IS NULL \
                                OR customers.lost_date IS NOT NULL AND customers.lost_date <= n.lost \
                              THEN customers.lost_date ELSE n.lost END, \
             updated_at = ?2 \
         FROM ({NEW_EFFECTS}) AS n WHERE customers.id = n.id"
    )
}

/// ALERT-1 for the owner, from new events: actual churn (销户, 转托管, 关闭) and equity
/// events (分红, 配股, 新股中签). Run before the events are stored (it skips stored ones).
const ALERTS: &str = "\
    INSERT INTO customer_alerts (customer_id, staff_code, kind, day, detail, created_at) \
    SELECT c.id, c.owner_code, \
           CASE WHEN j.value ->> 5 = 'lost' THEN 'actual_churn' ELSE 'equity_event' END, \
           j.value ->> 2, j.value ->> 3, CAST(?2 AS TEXT) \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE c.owner_code IS NOT NULL \
      AND (j.value ->> 5 = 'lost' OR j.value ->> 3 IN ('dividend', 'rights_issue', 'ipo_win')) \
      AND NOT EXISTS (SELECT 1 FROM account_events AS e WHERE e.event_no = j.value ->> 0)";

const INSERT: &str = "\
    INSERT INTO account_events (event_no, customer_id, day, kind, detail) \
    SELECT j.value ->> 0, c.id, j.value ->> 2, j.value ->> 3, j.value ->> 4 \
    FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 1 \
    WHERE true \
    ON CONFLICT (event_no) DO NOTHING";

/// What an event kind changes on the customer, as the SQL above names it.
pub fn effect(event: AccountEvent) -> Option<&'static str> {
    match event {
        AccountEvent::Opened => Some("opened"),
        AccountEvent::Effective => Some("effective"),
        AccountEvent::AssessmentEffective => Some("assessment_effective"),
        _ if loses_customer(event) => Some("lost"),
        _ => None,
    }
}

/// Applies the events. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[AccountEventRecord],
    now: &str,
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(
        records
            .iter()
            .map(|e| {
                json!([
                    e.event_no,
                    e.account_no,
                    e.date.to_string(),
                    e.kind,
                    e.detail,
                    effect(e.kind)
                ])
            })
            .collect(),
    );
    let check = one_row(db, CHECK, &rows).await?;
    let keys = records.iter().map(|e| (e.index, e.event_no.as_str()));
    if refuse_unknown_accounts(&check, keys, report)? {
        return Ok(Applied::default());
    }
    let stored = count(&check, 1)?;
    let touched: Vec<i64> = db
        .query(&touched_sql(), params![rows.as_str()])
        .await?
        .iter()
        .map(|row| row.get_at(0))
        .collect::<Result<_, _>>()?;
    if !touched.is_empty() {
        let mut deltas = Deltas::new();
        stats::contributions(db, &touched, None, -1, &mut deltas).await?;
        db.execute(&effects_sql(), params![rows.as_str(), now])
            .await?;
        stats::contributions(db, &touched, None, 1, &mut deltas).await?;
        stats::apply(db, &deltas).await?;
    }
    db.execute(ALERTS, params![rows.as_str(), now]).await?;
    let created = db.execute(INSERT, params![rows.as_str()]).await?;
    Ok(Applied {
        created: usize::try_from(created).unwrap_or(usize::MAX),
        updated: 0,
        unchanged: stored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_sent_has_its_effect() {
        let effects: Vec<Option<&str>> = AccountEvent::ALL.iter().map(|k| effect(*k)).collect();
        assert_eq!(
            effects,
            [
                Some("opened"),
                Some("effective"),
                Some("assessment_effective"),
                Some("lost"),
                Some("lost"),
                Some("lost"),
                None,
                None,
                None
            ]
        );
    }
}
