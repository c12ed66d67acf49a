//! CUST-5 沟通记录: contact records, and the customers due for contact in a month
//! (every existing customer must be contacted at least monthly).

use chrono::{Days, NaiveDate};
use serde::Serialize;
use zhanye_platform::time::CHINA_OFFSET_SECONDS;
use zhanye_platform::{ApiError, Db, Page, PageQuery, Row, params};

use crate::month::Month;
use crate::rules::Contact;
use crate::store::scope::{Sql, page_of, served};
use crate::store::search::ListItem;

/// A contact record as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactRecord {
    pub id: i64,
    pub contacted_at: String,
    pub month: String,
    pub nature: String,
    pub kind: String,
    pub topic: String,
    pub satisfaction: Option<i64>,
    pub remarks: String,
    pub staff_code: String,
    pub staff_name: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT r.id, r.contacted_at, r.month, r.nature, r.kind, r.topic, \
            r.satisfaction, r.remarks, r.staff_code, s.name AS staff_name, r.created_at \
     FROM contact_records AS r LEFT JOIN staff AS s ON s.code = r.staff_code";

impl ContactRecord {
    fn from_row(row: &Row) -> Result<ContactRecord, ApiError> {
        let month: i64 = row.get("month")?;
        Ok(ContactRecord {
            id: row.get("id")?,
            contacted_at: row.get("contacted_at")?,
            month: Month::from_stored(month)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            nature: row.get("nature")?,
            kind: row.get("kind")?,
            topic: row.get("topic")?,
            satisfaction: row.get("satisfaction")?,
            remarks: row.get("remarks")?,
            staff_code: row.get("staff_code")?,
            staff_name: row.get("staff_name")?,
            created_at: row.get("created_at")?,
        })
    }
}

/// A contact record by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<ContactRecord>, ApiError> {
    db.query_row(&format!("{SELECT} WHERE r.id = ?1"), params![id])
        .await?
        .map(|row| ContactRecord::from_row(&row))
        .transpose()
}

/// Records a contact and moves the customer's latest contact month up to its month.
/// Answers the record's id. Run it in a transaction.
pub async fn add(
    db: &Db,
    customer_id: i64,
    staff_code: &str,
    contact: &Contact,
    now: &str,
) -> Result<i64, ApiError> {
    let id: i64 = db.query_value(
        "INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind, \
                                      topic, satisfaction, remarks, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            customer_id,
            staff_code,
            contact.contacted_at.as_str(),
            contact.month.stored(),
            contact.nature.as_str(),
            contact.kind.as_str(),
            contact.topic.as_str(),
            contact.satisfaction,
            contact.remarks.as_str(),
            now
        ],
    )
    .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    db.execute(
        "UPDATE customers SET last_contact_month = ?2 WHERE id = ?1 AND last_contact_month < ?2",
        params![customer_id, contact.month.stored()],
    )
    .await?;
    Ok(id)
}

/// One page of a customer's contact records, latest contact first
/// (`contact_records_customer`).
pub async fn list(
    db: &Db,
    customer_id: i64,
    page: PageQuery,
) -> Result<Page<ContactRecord>, ApiError> {
    let total: i64 = db
        .query_value(
            "SELECT COUNT(*) FROM contact_records WHERE customer_id = ?1",
            params![customer_id],
        )
        .await?
        .unwrap_or(0);
    let items = db
        .query(
            &format!(
                "{SELECT} WHERE r.customer_id = ?1 \
                 ORDER BY r.contacted_at DESC, r.id DESC LIMIT ?2 OFFSET ?3"
            ),
            params![
                customer_id,
                i64::from(page.limit()),
                i64::try_from(page.offset()).unwrap_or(i64::MAX)
            ],
        )
        .await?
        .iter()
        .map(ContactRecord::from_row)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Page::new(items, u64::try_from(total).unwrap_or(0), page)
}

/// The UTC instants (RFC 3339) a China-time month runs between: `[start, end)`.
pub fn month_instants(month: Month) -> (String, String) {
    let instant = |day: NaiveDate| {
        let midnight = day
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp();
        zhanye_platform::time::rfc3339(midnight - CHINA_OFFSET_SECONDS)
    };
    let next = month
        .last_day()
        .checked_add_days(Days::new(1))
        .unwrap_or_else(|| month.last_day());
    (instant(month.first_day()), instant(next))
}

/// `FROM customers AS c … WHERE …`: the existing customers the caller serves that have
/// no contact record in `month`. `last_contact_month` answers for most without looking
/// at records: before `month` means none in it, equal means one; only a customer
/// contacted after `month` needs the records' index.
pub fn due_from(code: &str, today: NaiveDate, month: Month) -> Sql {
    let (start, end) = month_instants(month);
    let mut sql = Sql::new();
    sql.push(
        " FROM customers AS c LEFT JOIN staff AS s ON s.code = c.owner_code \
         WHERE c.deleted_at IS NULL AND c.status = 'existing' AND ",
    )
    .append(&served(code, today))
    .bind(" AND (c.last_contact_month < ?", month.stored())
    .bind(" OR (c.last_contact_month > ?", month.stored())
    .bind(
        " AND NOT EXISTS (SELECT 1 FROM contact_records AS r WHERE r.customer_id = c.id \
         AND r.contacted_at >= ?",
        start,
    )
    .bind(" AND r.contacted_at < ?)))", end);
    sql
}

/// One page of the customers due for contact in `month`, by name.
pub async fn due(
    db: &Db,
    code: &str,
    today: NaiveDate,
    month: Month,
    page: PageQuery,
) -> Result<Page<ListItem>, ApiError> {
    let mut select = Sql::new();
    select.bind(
        "SELECT c.id, c.account_no, c.name, c.status, c.grade, c.level, c.risk_tolerance, \
                c.owner_code, s.name AS owner_name, c.total_assets, c.open_date, c.tags, \
                EXISTS (SELECT 1 FROM follows AS f WHERE f.staff_code = ? AND f.customer_id = c.id) \
                  AS followed",
        code,
    );
    let from = due_from(code, today, month);
    page_of(db, select, &from, "c.name, c.id", page, ListItem::from_row).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_china_month_starts_at_16_utc_the_day_before() {
        let (start, end) = month_instants(Month::parse("2026-03").unwrap());
        assert_eq!(start, "2026-02-28T16:00:00Z");
        assert_eq!(end, "2026-03-31T16:00:00Z");
        let (start, end) = month_instants(Month::parse("2025-12").unwrap());
        assert_eq!(
            (start.as_str(), end.as_str()),
            ("2025-11-30T16:00:00Z", "2025-12-31T16:00:00Z")
        );
        let sql = due_from(
            "A0001",
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            Month::parse("2026-03").unwrap(),
        );
        assert_eq!(sql.text.matches('?').count(), sql.params.len());
    }
}
