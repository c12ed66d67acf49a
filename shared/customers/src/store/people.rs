//! The staff facts ORG-5 decisions need: who a staff member is, and which branch a
//! unit belongs to.

use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::Roles;
use zhanye_staff::org::path_ids;

use crate::rules::StaffFacts;

/// A staff member by code.
pub async fn staff(db: &Db, code: &str) -> Result<Option<StaffFacts>, ApiError> {
    db.query_row(
        "SELECT code, name, status, roles, unit_path FROM staff WHERE code = ?1",
        params![code],
    )
    .await?
    .map(|row| {
        Ok(StaffFacts {
            code: row.get("code")?,
            name: row.get("name")?,
            status: row.get("status")?,
            roles: Roles::from_stored(&row.get::<String>("roles")?),
            unit_path: row.get("unit_path")?,
        })
    })
    .transpose()
}

/// The path of the branch (营业部) a unit path lies in, if it lies in one.
pub async fn branch_of(db: &Db, unit_path: &str) -> Result<Option<String>, ApiError> {
    let ids = serde_json::to_string(&path_ids(unit_path)).unwrap_or_default();
    db.query_value(
        "SELECT o.path FROM json_each(?1) AS j JOIN org_units AS o ON o.id = CAST(j.atom AS BIGINT) \
         WHERE o.kind = 'branch' LIMIT 1",
        params![ids],
    )
    .await
}
