//! What a chunk of staff did in a month, gathered in one grouped statement per source
//! over the chunk's staff-code range `[low, high]`:
//!
//! | figure | source | index |
//! |---|---|---|
//! | HOME-1 figures at month end | `staff_month_stats` | primary key (staff, month) |
//! | tasks executed | `tasks` | `tasks_responsible_closed` |
//! | contacts made | `contact_records` | `contact_records_staff` |
//! | working days checked in | `checkins` | primary key (staff, day) |
//! | accounts turned effective, customers not contacted | `customers` (+ `contact_records`) | `customers_owner` (+ `contact_records_customer_month`) |
//! | complaints past deadline | `contact_records` | `contact_records_staff` (+ `contact_records_customer`) |
//!
//! So a month's run costs one pass over each member's own rows, never the firm's.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use zhanye_customers::month::Month;
use zhanye_money::Money;
use zhanye_platform::{ApiError, Db, Row, params};

use crate::assess::{MonthActivity, MonthFigures};
use crate::calendar::{utc_bounds, working_days};

/// How long a complaint may wait for a follow-up (SVC-1's 3-day deadline).
pub const COMPLAINT_DEADLINE_DAYS: i64 = 3;

pub const STATS: &str = "SELECT * FROM staff_month_stats \
     WHERE staff_code BETWEEN ?1 AND ?2 AND month = ?3";

pub const TASKS_DONE: &str = "SELECT responsible_code AS code, COUNT(*) AS n FROM tasks \
     WHERE responsible_code BETWEEN ?1 AND ?2 AND closed_at IS NOT NULL \
       AND closed_at >= ?3 AND closed_at < ?4 AND status = 'done' \
     GROUP BY responsible_code";

pub const CONTACTS: &str = "SELECT staff_code AS code, COUNT(*) AS n FROM contact_records \
     WHERE staff_code BETWEEN ?1 AND ?2 AND month = ?3 GROUP BY staff_code";

/// The day terms are `day || ''` so that a chunk walks its members' rows (primary key)
/// rather than every member's day in the firm (`checkins_day`).
pub const CHECKIN_DAYS: &str = "SELECT staff_code AS code, day FROM checkins \
     WHERE staff_code BETWEEN ?1 AND ?2 AND day || '' >= ?3 AND day || '' <= ?4";

/// Per owner: customers that turned effective in the month; existing customers, open by
/// the month's end, with no contact record in the month.
pub const CUSTOMERS: &str = "SELECT c.owner_code AS code, \
       SUM(CASE WHEN c.effective_date >= ?3 AND c.effective_date <= ?4 THEN 1 ELSE 0 END) \
           AS new_effective, \
       SUM(CASE WHEN c.status = 'existing' AND (c.open_date IS NULL OR c.open_date <= ?4) \
           AND NOT EXISTS (SELECT 1 FROM contact_records AS r \
                           WHERE r.customer_id = c.id AND r.month = ?5) \
           THEN 1 ELSE 0 END) AS not_contacted \
     FROM customers AS c \
     WHERE c.owner_code BETWEEN ?1 AND ?2 AND c.deleted_at IS NULL \
     GROUP BY c.owner_code";

/// Per receiver: complaints (contact records of kind complaint) whose deadline fell in
/// the month (received in `[?4, ?5)`), each with the first later contact record with the
/// customer (if any); a complaint is overdue when that is not by the deadline (see
/// [`overdue`]). Until SVC-1's complaint handling exists, a follow-up contact is what
/// answers a complaint.
pub const COMPLAINTS_OVERDUE: &str = "SELECT r.staff_code AS code, r.contacted_at, \
       (SELECT MIN(f.contacted_at) FROM contact_records AS f \
        WHERE f.customer_id = r.customer_id AND f.id <> r.id \
          AND f.contacted_at > r.contacted_at) AS answered_at \
     FROM contact_records AS r \
     WHERE r.staff_code BETWEEN ?1 AND ?2 AND r.month IN (?3, ?6) AND r.kind = 'complaint' \
       AND r.contacted_at >= ?4 AND r.contacted_at < ?5";

/// The month-end figures and the month's activity of every staff member in the range
/// (those with nothing get defaults from the caller).
pub async fn gather(
    db: &Db,
    low: &str,
    high: &str,
    month: Month,
) -> Result<
    (
        HashMap<String, MonthFigures>,
        HashMap<String, MonthActivity>,
    ),
    ApiError,
> {
    let stored = month.stored();
    let (start, end) = utc_bounds(month);
    let first = month.first_day().to_string();
    let last = month.last_day().to_string();
    let days: HashSet<NaiveDate> = working_days(month).into_iter().collect();
    let working = u32::try_from(days.len()).unwrap_or(0);

    let mut figures = HashMap::new();
    for row in db.query(STATS, params![low, high, stored]).await? {
        figures.insert(row.get::<String>("staff_code")?, month_figures(&row)?);
    }

    let mut activity: HashMap<String, MonthActivity> = HashMap::new();
    let fresh = MonthActivity {
        working_days: working,
        ..MonthActivity::default()
    };
    for row in db
        .query(TASKS_DONE, params![low, high, start.as_str(), end.as_str()])
        .await?
    {
        activity.entry(row.get("code")?).or_insert(fresh).tasks_done = count(&row, "n")?;
    }
    for row in db.query(CONTACTS, params![low, high, stored]).await? {
        activity.entry(row.get("code")?).or_insert(fresh).contacts = count(&row, "n")?;
    }
    for row in db
        .query(
            CHECKIN_DAYS,
            params![low, high, first.as_str(), last.as_str()],
        )
        .await?
    {
        let day: String = row.get("day")?;
        let on_working_day =
            zhanye_platform::time::parse_date(&day).is_some_and(|d| days.contains(&d));
        if on_working_day {
            activity
                .entry(row.get("code")?)
                .or_insert(fresh)
                .checkin_days += 1;
        }
    }
    for row in db
        .query(
            CUSTOMERS,
            params![low, high, first.as_str(), last.as_str(), stored],
        )
        .await?
    {
        let member = activity.entry(row.get("code")?).or_insert(fresh);
        member.new_effective = count(&row, "new_effective")?;
        member.customers_not_contacted = count(&row, "not_contacted")?;
    }
    let (received_from, received_to) = (
        shift_days(&start, -COMPLAINT_DEADLINE_DAYS),
        shift_days(&end, -COMPLAINT_DEADLINE_DAYS),
    );
    for row in db
        .query(
            COMPLAINTS_OVERDUE,
            params![
                low,
                high,
                stored,
                received_from.as_str(),
                received_to.as_str(),
                month.previous().stored()
            ],
        )
        .await?
    {
        let received: String = row.get("contacted_at")?;
        let answered: Option<String> = row.get("answered_at")?;
        let member = activity.entry(row.get("code")?).or_insert(fresh);
        if overdue(&received, answered.as_deref()) {
            member.complaints_overdue += 1;
        }
    }
    Ok((figures, activity))
}

/// Whether a complaint received at `received` (RFC 3339) was not answered by its
/// deadline, [`COMPLAINT_DEADLINE_DAYS`] later to the second: `answered` is the first
/// later contact with the customer, if any.
fn overdue(received: &str, answered: Option<&str>) -> bool {
    let deadline = chrono::DateTime::parse_from_rfc3339(received).map(|t| {
        (t.naive_utc() + Duration::days(COMPLAINT_DEADLINE_DAYS))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    });
    match (answered, deadline) {
        (None, _) => true,
        (Some(answered), Ok(deadline)) => answered > deadline.as_str(),
        // An unreadable time has no deadline (as SQLite's strftime gave none).
        (Some(_), Err(_)) => true,
    }
}

/// An RFC 3339 UTC time moved by whole days.
fn shift_days(utc: &str, days: i64) -> String {
    NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| {
            (t + Duration::days(days))
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .unwrap_or_else(|_| utc.to_owned())
}

fn count(row: &Row, column: &str) -> Result<u32, ApiError> {
    let n: Option<i64> = row.get(column)?;
    Ok(u32::try_from(n.unwrap_or(0)).unwrap_or(u32::MAX))
}

fn month_figures(row: &Row) -> Result<MonthFigures, ApiError> {
    let money = |c: &str| row.get::<i64>(c).map(Money::from_fen);
    Ok(MonthFigures {
        stock_count: row.get("stock_count")?,
        stock_assets: money("stock_assets")?,
        stock_daily_average: money("stock_daily_average")?,
        stock_net_profit: money("stock_net_profit")?,
        stock_volume: money("stock_volume")?,
        stock_effective_count: row.get("stock_effective_count")?,
        new_count: row.get("new_count")?,
        new_assets: money("new_assets")?,
        new_net_profit: money("new_net_profit")?,
        new_volume: money("new_volume")?,
        new_effective_count: row.get("new_effective_count")?,
        new_effective_assets: money("new_effective_assets")?,
        new_effective_daily_average: money("new_effective_daily_average")?,
        new_effective_net_profit: money("new_effective_net_profit")?,
        new_effective_volume: money("new_effective_volume")?,
        lost_count: row.get("lost_count")?,
        lost_assets: money("lost_assets")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_platform::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn every_statement_reads_a_staff_range_through_an_index() {
        let db = zhanye_query_plans::analyzed_schema();
        let (a, b) = (text("A0001"), text("A0500"));
        let month = Value::Integer(202610);
        for (sql, params, index) in [
            (
                STATS,
                vec![a.clone(), b.clone(), month.clone()],
                "PRIMARY KEY",
            ),
            (
                TASKS_DONE,
                vec![
                    a.clone(),
                    b.clone(),
                    text("2026-09-30T16:00:00Z"),
                    text("2026-10-31T16:00:00Z"),
                ],
                "tasks_responsible_closed",
            ),
            (
                CONTACTS,
                vec![a.clone(), b.clone(), month.clone()],
                "contact_records_staff",
            ),
            (
                CHECKIN_DAYS,
                vec![a.clone(), b.clone(), text("2026-10-01"), text("2026-10-31")],
                "PRIMARY KEY",
            ),
            (
                CUSTOMERS,
                vec![
                    a.clone(),
                    b.clone(),
                    text("2026-10-01"),
                    text("2026-10-31"),
                    month.clone(),
                ],
                "customers_owner",
            ),
            (
                COMPLAINTS_OVERDUE,
                vec![
                    a.clone(),
                    b.clone(),
                    month.clone(),
                    text("2026-09-27T16:00:00Z"),
                    text("2026-10-28T16:00:00Z"),
                    Value::Integer(202609),
                ],
                "contact_records_staff",
            ),
        ] {
            let steps = zhanye_query_plans::plan(&db, sql, &params);
            assert!(steps.iter().any(|s| s.contains(index)), "{sql}\n{steps:#?}");
            assert!(
                !steps
                    .iter()
                    .any(|s| s.starts_with("SCAN ") && !s.contains("INDEX")),
                "a full scan in {sql}\n{steps:#?}"
            );
        }
        let probe = zhanye_query_plans::plan(
            &db,
            CUSTOMERS,
            &[a, b, text("2026-10-01"), text("2026-10-31"), month],
        );
        assert!(
            probe
                .iter()
                .any(|s| s.contains("contact_records_customer_month")),
            "{probe:#?}"
        );
    }

    #[test]
    fn complaints_are_overdue_unless_answered_within_three_days() {
        let at = "2026-10-02T01:30:00Z";
        assert!(overdue(at, None));
        assert!(!overdue(at, Some("2026-10-02T02:00:00Z")));
        assert!(!overdue(at, Some("2026-10-05T01:30:00Z")));
        assert!(overdue(at, Some("2026-10-05T01:30:01Z")));
        assert!(!overdue(
            "2026-10-02T01:30:00.250Z",
            Some("2026-10-05T01:30:00Z")
        ));
    }

    #[test]
    fn complaint_windows_move_by_days() {
        assert_eq!(
            shift_days("2026-09-30T16:00:00Z", -3),
            "2026-09-27T16:00:00Z"
        );
        assert_eq!(
            shift_days("2026-03-01T16:00:00Z", -3),
            "2026-02-26T16:00:00Z"
        );
    }
}
