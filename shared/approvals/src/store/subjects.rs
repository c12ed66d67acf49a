//! The customers requests are about, as the engine needs to see them: a transfer's
//! customer by id, a new-customer confirmation's by account number.

use zhanye_platform::{ApiError, Db, Row, params};

/// A customer, as a request about it needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFacts {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub owner_code: Option<String>,
    /// The owner's unit path as copied on the customer (`/` while unowned).
    pub unit_path: String,
    pub deleted: bool,
}

const SELECT: &str = "SELECT id, account_no, name, owner_code, unit_path, deleted_at IS NOT NULL AS deleted FROM customers";

fn facts(row: &Row) -> Result<CustomerFacts, ApiError> {
    Ok(CustomerFacts {
        id: row.get("id")?,
        account_no: row.get("account_no")?,
        name: row.get("name")?,
        owner_code: row.get("owner_code")?,
        unit_path: row.get("unit_path")?,
        deleted: row.get("deleted")?,
    })
}

/// A customer by id (primary key), deleted ones included.
pub async fn customer(db: &Db, id: i64) -> Result<Option<CustomerFacts>, ApiError> {
    db.query_row(&format!("{SELECT} WHERE id = ?1"), params![id])
        .await?
        .map(|row| facts(&row))
        .transpose()
}

/// A customer by 资金账号 (`account_no` is unique), deleted ones included.
pub async fn customer_by_account(
    db: &Db,
    account_no: &str,
) -> Result<Option<CustomerFacts>, ApiError> {
    db.query_row(
        &format!("{SELECT} WHERE account_no = ?1"),
        params![account_no],
    )
    .await?
    .map(|row| facts(&row))
    .transpose()
}
