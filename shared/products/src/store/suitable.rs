//! PROD-4 "suitable customers for this product": the customers the caller serves (owns,
//! or has delegated now — the ones they may recommend to) whose risk tolerance covers
//! the product's level, in name order.
//!
//! The caller's customers are a range of `customers_owner` (owner, name) plus the
//! delegations to them (`delegations_delegate`); the tolerance is checked on those rows
//! only. A rep serves hundreds or a few thousand customers, so no index on tolerance
//! is kept for this (it would cost every ingest of 3,000,000 customers).

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_customers::store::scope::{Sql, page_of, served};
use zhanye_platform::{ApiError, Db, Page, PageQuery};

use crate::risk::RiskLevel;
use crate::suitability::covering;

/// A customer a product suits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuitableCustomer {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub status: String,
    pub risk_tolerance: String,
    pub grade: Option<String>,
    pub level: Option<String>,
    pub owner_code: Option<String>,
}

/// `FROM customers AS c WHERE …`: served by `staff_code` on `today`, not deleted, with a
/// tolerance covering `level`.
pub fn suitable_from(staff_code: &str, today: NaiveDate, level: RiskLevel) -> Sql {
    let covering = covering(level);
    let mut sql = Sql::new();
    sql.push(" FROM customers AS c WHERE c.deleted_at IS NULL AND ")
        .append(&served(staff_code, today))
        .push(" AND c.risk_tolerance || '' IN (");
    for (i, tolerance) in covering.iter().enumerate() {
        sql.bind(if i == 0 { "?" } else { ", ?" }, tolerance.as_str());
    }
    sql.push(")");
    sql
}

/// One page of the customers of `staff_code` a product of `level` suits.
pub async fn customers(
    db: &Db,
    staff_code: &str,
    today: NaiveDate,
    level: RiskLevel,
    page: PageQuery,
) -> Result<Page<SuitableCustomer>, ApiError> {
    let from = suitable_from(staff_code, today, level);
    let mut select = Sql::new();
    select.push(
        "SELECT c.id, c.account_no, c.name, c.status, c.risk_tolerance, c.grade, c.level, \
                c.owner_code",
    );
    page_of(db, select, &from, "c.name, c.id", page, |row| {
        Ok(SuitableCustomer {
            id: row.get("id")?,
            account_no: row.get("account_no")?,
            name: row.get("name")?,
            status: row.get("status")?,
            risk_tolerance: row.get("risk_tolerance")?,
            grade: row.get("grade")?,
            level: row.get("level")?,
            owner_code: row.get("owner_code")?,
        })
    })
    .await
}
