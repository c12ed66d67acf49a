//! Facts a task form needs from elsewhere: the customer behind an account number, and
//! the staff members it names.

use zhanye_customers::rules::StaffFacts;
use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::Roles;

pub use zhanye_customers::store::people::staff;

/// The id of the live (not deleted) customer with 资金账号 `account_no` (its unique
/// index). Whether the caller may name it is for the scope to decide.
pub async fn customer_by_account(db: &Db, account_no: &str) -> Result<Option<i64>, ApiError> {
    db.query_value(
        "SELECT id FROM customers WHERE account_no = ?1 AND deleted_at IS NULL",
        params![account_no],
    )
    .await
}

/// The staff members among `codes` that exist, in one statement (primary key).
pub async fn staff_among(db: &Db, codes: &[String]) -> Result<Vec<StaffFacts>, ApiError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let codes = serde_json::to_string(codes)
        .map_err(|e| ApiError::internal(format!("staff codes as JSON: {e}")))?;
    db.query(
        "SELECT s.code, s.name, s.status, s.roles, s.unit_path \
         FROM json_each(?1) AS j JOIN staff AS s ON s.code = j.atom",
        params![codes],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(StaffFacts {
            code: row.get("code")?,
            name: row.get("name")?,
            status: row.get("status")?,
            roles: Roles::from_stored(&row.get::<String>("roles")?),
            unit_path: row.get("unit_path")?,
        })
    })
    .collect()
}

/// An org unit (ORG-1) a team's activity is asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgUnit {
    pub code: String,
    pub name: String,
    /// `hq`, `region`, `branch` or `team`.
    pub kind: String,
    /// Its path, `/1/2/4/`: the range of its subtree.
    #[serde(skip)]
    pub path: String,
}

const UNIT_COLUMNS: &str = "SELECT code, name, kind, path FROM org_units";

fn unit_from_row(row: &zhanye_platform::Row) -> Result<OrgUnit, ApiError> {
    Ok(OrgUnit {
        code: row.get("code")?,
        name: row.get("name")?,
        kind: row.get("kind")?,
        path: row.get("path")?,
    })
}

/// The unit with `code` (its unique index).
pub async fn unit_by_code(db: &Db, code: &str) -> Result<Option<OrgUnit>, ApiError> {
    db.query_row(&format!("{UNIT_COLUMNS} WHERE code = ?1"), params![code])
        .await?
        .map(|row| unit_from_row(&row))
        .transpose()
}

/// The unit at `path` (its unique index).
pub async fn unit_by_path(db: &Db, path: &str) -> Result<Option<OrgUnit>, ApiError> {
    db.query_row(&format!("{UNIT_COLUMNS} WHERE path = ?1"), params![path])
        .await?
        .map(|row| unit_from_row(&row))
        .transpose()
}
