//! ORG-5 授权代管: an owner lends a customer to another rep of the branch from
//! `starts_on` to `ends_on` (China-time days, both included); revoking ends it early.
//! While one runs, the delegate reads and writes the customer as the owner does
//! (see [`super::scope`]). A customer has at most one delegation not revoked
//! (`delegations_one_active`); one that has run out is closed when the next is made.

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_platform::{ApiError, Db, Row, params};

/// A delegation as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    pub id: i64,
    pub customer_id: i64,
    pub account_no: String,
    pub customer_name: String,
    pub owner_code: String,
    pub owner_name: Option<String>,
    pub delegate_code: String,
    pub delegate_name: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub reason: String,
    pub revoked_at: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT d.id, d.customer_id, c.account_no, c.name AS customer_name, \
            d.owner_code, o.name AS owner_name, d.delegate_code, g.name AS delegate_name, \
            d.starts_on, d.ends_on, d.reason, d.revoked_at, d.created_at \
     FROM delegations AS d JOIN customers AS c ON c.id = d.customer_id \
     LEFT JOIN staff AS o ON o.code = d.owner_code LEFT JOIN staff AS g ON g.code = d.delegate_code";

impl Delegation {
    fn from_row(row: &Row) -> Result<Delegation, ApiError> {
        Ok(Delegation {
            id: row.get("id")?,
            customer_id: row.get("customer_id")?,
            account_no: row.get("account_no")?,
            customer_name: row.get("customer_name")?,
            owner_code: row.get("owner_code")?,
            owner_name: row.get("owner_name")?,
            delegate_code: row.get("delegate_code")?,
            delegate_name: row.get("delegate_name")?,
            starts_on: row.get("starts_on")?,
            ends_on: row.get("ends_on")?,
            reason: row.get("reason")?,
            revoked_at: row.get("revoked_at")?,
            created_at: row.get("created_at")?,
        })
    }
}

/// The delegation `id` of customer `customer_id`.
pub async fn find(db: &Db, customer_id: i64, id: i64) -> Result<Option<Delegation>, ApiError> {
    db.query_row(
        &format!("{SELECT} WHERE d.id = ?1 AND d.customer_id = ?2"),
        params![id, customer_id],
    )
    .await?
    .map(|row| Delegation::from_row(&row))
    .transpose()
}

/// The customer's delegation that is neither revoked nor over on `today` (it may not
/// have started yet).
pub async fn open_for(
    db: &Db,
    customer_id: i64,
    today: NaiveDate,
) -> Result<Option<Delegation>, ApiError> {
    db.query_row(
        &format!("{SELECT} WHERE d.customer_id = ?1 AND d.revoked_at IS NULL AND d.ends_on >= ?2"),
        params![customer_id, today.to_string()],
    )
    .await?
    .map(|row| Delegation::from_row(&row))
    .transpose()
}

/// A new delegation. Closes one that ran out before `today` first (there is no open
/// one: check with [`open_for`]). Answers its id. Run it in a transaction.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    customer_id: i64,
    owner_code: &str,
    delegate_code: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reason: &str,
    today: NaiveDate,
    now: &str,
) -> Result<i64, ApiError> {
    db.execute(
        "UPDATE delegations SET revoked_at = ?3 \
         WHERE customer_id = ?1 AND revoked_at IS NULL AND ends_on < ?2",
        params![customer_id, today.to_string(), now],
    )
    .await?;
    let inserted_id: i64 = db.query_value(
        "INSERT INTO delegations (customer_id, owner_code, delegate_code, starts_on, ends_on, \
                                  reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        params![
            customer_id,
            owner_code,
            delegate_code,
            starts_on.to_string(),
            ends_on.to_string(),
            reason,
            now
        ],
    )
    .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    Ok(inserted_id)
}

/// Revokes a delegation; answers whether it was not revoked before.
pub async fn revoke(db: &Db, id: i64, now: &str) -> Result<bool, ApiError> {
    Ok(db
        .execute(
            "UPDATE delegations SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )
        .await?
        == 1)
}

/// Ends every delegation of a customer (it changes owner or is deleted); answers how
/// many ended.
pub async fn end_all(db: &Db, customer_id: i64, now: &str) -> Result<u64, ApiError> {
    db.execute(
        "UPDATE delegations SET revoked_at = ?2 WHERE customer_id = ?1 AND revoked_at IS NULL",
        params![customer_id, now],
    )
    .await
}

/// The delegations a staff member has given (as owner) and received (as delegate) that
/// are not revoked and not over on `today`, soonest ending first
/// (`delegations_owner`, `delegations_delegate`).
pub async fn of_staff(
    db: &Db,
    code: &str,
    today: NaiveDate,
) -> Result<(Vec<Delegation>, Vec<Delegation>), ApiError> {
    let day = today.to_string();
    let read = async |column: &str| -> Result<Vec<Delegation>, ApiError> {
        db.query(
            &format!(
                "{SELECT} WHERE d.{column} = ?1 AND d.revoked_at IS NULL AND d.ends_on >= ?2 \
                 AND c.deleted_at IS NULL ORDER BY d.ends_on, d.id"
            ),
            params![code, day.as_str()],
        )
        .await?
        .iter()
        .map(Delegation::from_row)
        .collect()
    };
    let given = read("owner_code").await?;
    let received = read("delegate_code").await?;
    Ok((given, received))
}
