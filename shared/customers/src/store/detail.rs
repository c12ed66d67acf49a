//! One customer (CUST-2, CUST-8): the record with what ORG-4 needs to decide on it,
//! its tags, holdings, timeline, CUST-3 months and daily asset trend. Every statement
//! reads by the customer's id through a primary key or a `(customer_id, …)` index.

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_money::Money;
use zhanye_platform::{ApiError, Db, Row, params};

use crate::month::Month;
use crate::performance::MonthlyPerformance;
use crate::scope::Holder;
use crate::store::scope::{Sql, is_delegated_to};

/// A customer as stored, with the caller's relation to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub kind: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub id_number_masked: Option<String>,
    pub status: String,
    pub grade: Option<String>,
    pub level: Option<String>,
    pub risk_tolerance: Option<String>,
    pub owner_code: Option<String>,
    pub owner_name: Option<String>,
    pub unit_path: String,
    pub open_date: Option<String>,
    pub effective_date: Option<String>,
    pub assessment_effective_date: Option<String>,
    pub lost_date: Option<String>,
    pub lost_assets: i64,
    pub total_assets: i64,
    pub cash: i64,
    pub assets_day: Option<String>,
    pub last_trade_day: Option<String>,
    pub last_contact_month: i64,
    pub tags: String,
    /// An active delegation lends the customer to the caller today.
    pub delegated_to_caller: bool,
    /// The caller follows the customer (CUST-4).
    pub followed: bool,
}

impl CustomerRecord {
    pub fn holder(&self) -> Holder<'_> {
        Holder {
            owner_code: self.owner_code.as_deref(),
            unit_path: &self.unit_path,
            delegated_to_caller: self.delegated_to_caller,
        }
    }

    fn from_row(row: &Row) -> Result<CustomerRecord, ApiError> {
        Ok(CustomerRecord {
            id: row.get("id")?,
            account_no: row.get("account_no")?,
            name: row.get("name")?,
            kind: row.get("kind")?,
            gender: row.get("gender")?,
            birth_date: row.get("birth_date")?,
            mobile: row.get("mobile")?,
            email: row.get("email")?,
            address: row.get("address")?,
            id_number_masked: row.get("id_number_masked")?,
            status: row.get("status")?,
            grade: row.get("grade")?,
            level: row.get("level")?,
            risk_tolerance: row.get("risk_tolerance")?,
            owner_code: row.get("owner_code")?,
            owner_name: row.get("owner_name")?,
            unit_path: row.get("unit_path")?,
            open_date: row.get("open_date")?,
            effective_date: row.get("effective_date")?,
            assessment_effective_date: row.get("assessment_effective_date")?,
            lost_date: row.get("lost_date")?,
            lost_assets: row.get("lost_assets")?,
            total_assets: row.get("total_assets")?,
            cash: row.get("cash")?,
            assets_day: row.get("assets_day")?,
            last_trade_day: row.get("last_trade_day")?,
            last_contact_month: row.get("last_contact_month")?,
            tags: row.get("tags")?,
            delegated_to_caller: row.get("delegated")?,
            followed: row.get("followed")?,
        })
    }
}

/// The customer `id` (not deleted) as `caller_code` sees it on `today`.
pub async fn find(
    db: &Db,
    id: i64,
    caller_code: &str,
    today: NaiveDate,
) -> Result<Option<CustomerRecord>, ApiError> {
    let mut sql = Sql::new();
    sql.push(
        "SELECT c.id, c.account_no, c.name, c.kind, c.gender, c.birth_date, c.mobile, c.email, \
                c.address, c.id_number_masked, c.status, c.grade, c.level, c.risk_tolerance, \
                c.owner_code, s.name AS owner_name, c.unit_path, c.open_date, c.effective_date, \
                c.assessment_effective_date, c.lost_date, c.lost_assets, c.total_assets, c.cash, \
                c.assets_day, c.last_trade_day, c.last_contact_month, c.tags, ",
    )
    .append(&is_delegated_to(caller_code, today))
    .bind(
        " AS delegated, EXISTS (SELECT 1 FROM follows AS f WHERE f.staff_code = ?",
        caller_code,
    )
    .bind(
        " AND f.customer_id = c.id) AS followed \
         FROM customers AS c LEFT JOIN staff AS s ON s.code = c.owner_code \
         WHERE c.id = ? AND c.deleted_at IS NULL",
        id,
    );
    db.query_row(&sql.text, sql.params)
        .await?
        .map(|row| CustomerRecord::from_row(&row))
        .transpose()
}

/// A holding (持仓): a security the customer holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub security_code: String,
    pub security_name: String,
    pub quantity: i64,
}

/// What the customer holds (quantity above zero), by security code.
pub async fn holdings(db: &Db, customer_id: i64) -> Result<Vec<Holding>, ApiError> {
    db.query(
        "SELECT security_code, security_name, quantity FROM positions \
         WHERE customer_id = ?1 AND quantity > 0 ORDER BY security_code",
        params![customer_id],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(Holding {
            security_code: row.get("security_code")?,
            security_name: row.get("security_name")?,
            quantity: row.get("quantity")?,
        })
    })
    .collect()
}

/// One line of a customer's timeline (CUST-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub date: String,
    /// `fund_transfer` (银证转账) or `account_event` (账户事件).
    pub source: &'static str,
    /// `in` / `out` for transfers; the event's kind for events.
    pub kind: String,
    /// Transfers only.
    pub amount: Option<Money>,
    pub detail: String,
}

/// The customer's latest `limit` fund transfers and account events, newest first.
pub async fn timeline(
    db: &Db,
    customer_id: i64,
    limit: u32,
) -> Result<Vec<TimelineEntry>, ApiError> {
    db.query(
        "SELECT * FROM ( \
           SELECT * FROM (SELECT day, 1 AS source, direction AS kind, amount, '' AS detail, id \
                          FROM fund_transfers WHERE customer_id = ?1 \
                          ORDER BY day DESC, id DESC LIMIT ?2) AS transfers \
           UNION ALL \
           SELECT * FROM (SELECT day, 2 AS source, kind, CAST(NULL AS BIGINT) AS amount, \
                                 detail, id \
                          FROM account_events WHERE customer_id = ?1 \
                          ORDER BY day DESC, id DESC LIMIT ?2) AS events) AS timeline \
         ORDER BY day DESC, source, id DESC LIMIT ?2",
        params![customer_id, i64::from(limit)],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(TimelineEntry {
            date: row.get("day")?,
            source: if row.get::<i64>("source")? == 1 {
                "fund_transfer"
            } else {
                "account_event"
            },
            kind: row.get("kind")?,
            amount: row.get::<Option<i64>>("amount")?.map(Money::from_fen),
            detail: row.get("detail")?,
        })
    })
    .collect()
}

/// The customer's CUST-3 rows from `first` to `last` (inclusive), by month.
pub async fn months(
    db: &Db,
    customer_id: i64,
    first: Month,
    last: Month,
) -> Result<Vec<(Month, MonthlyPerformance)>, ApiError> {
    let columns = MonthlyPerformance::default()
        .columns()
        .map(|(name, _)| name)
        .join(", ");
    let sql = format!(
        "SELECT month, {columns} FROM customer_months \
         WHERE customer_id = ?1 AND month BETWEEN ?2 AND ?3 ORDER BY month"
    );
    let mut found = Vec::new();
    for row in db
        .query(&sql, params![customer_id, first.stored(), last.stored()])
        .await?
    {
        let Some(month) = Month::from_stored(row.get("month")?) else {
            continue;
        };
        let mut amounts = [Money::ZERO; 15];
        for (i, amount) in amounts.iter_mut().enumerate() {
            *amount = Money::from_fen(row.get_at(i + 1)?);
        }
        found.push((month, MonthlyPerformance::from_columns(amounts)));
    }
    Ok(found)
}

/// One day of the asset trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetPoint {
    pub date: String,
    pub total_assets: Money,
    pub cash: Money,
}

/// The daily asset snapshots from `first` to `last` (inclusive), oldest first.
pub async fn daily_assets(
    db: &Db,
    customer_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<AssetPoint>, ApiError> {
    db.query(
        "SELECT day, total_assets, cash FROM daily_assets \
         WHERE customer_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
        params![customer_id, first.to_string(), last.to_string()],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(AssetPoint {
            date: row.get("day")?,
            total_assets: Money::from_fen(row.get("total_assets")?),
            cash: Money::from_fen(row.get("cash")?),
        })
    })
    .collect()
}

/// Soft-deletes a customer (ORG-5, by its branch manager): it leaves every list, its
/// HOME-1 figures leave its owner's months, an active delegation ends and its name is
/// no longer searched. Answers
/// whether it was there to delete. Run it in a transaction, with the approvals engine
/// withdrawing the customer's pending transfer request (the engine owns requests).
pub async fn soft_delete(db: &Db, customer_id: i64, now: &str) -> Result<bool, ApiError> {
    use crate::store::stats::{self, Deltas};
    let mut deltas = Deltas::new();
    stats::contributions(db, &[customer_id], None, -1, &mut deltas).await?;
    let deleted = db
        .execute(
            "UPDATE customers SET deleted_at = ?2, updated_at = ?2 \
             WHERE id = ?1 AND deleted_at IS NULL",
            params![customer_id, now],
        )
        .await?;
    if deleted == 0 {
        return Ok(false);
    }
    crate::store::left_book::by_id(
        db,
        &[customer_id],
        None,
        crate::store::left_book::Why::Deleted,
        now,
    )
    .await?;
    // Searches by a part of the name read only live customers' grams.
    db.execute(
        "DELETE FROM customer_name_grams WHERE customer_id = ?1",
        params![customer_id],
    )
    .await?;
    stats::apply(db, &deltas).await?;
    crate::store::delegations::end_all(db, customer_id, now).await?;
    Ok(true)
}
