//! What the check-in views check a caller's scope (ORG-4) against: a staff member's
//! unit path and an org unit. Both are primary-key lookups.

use zhanye_platform::{ApiError, Db, params};

/// An org unit (ORG-1) as the team view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    pub id: i64,
    /// `hq`, `region`, `branch` or `team`.
    pub kind: String,
    pub name: String,
    /// `/1/2/4/8/`: the range of its subtree.
    pub path: String,
}

/// The unit path of the staff member with `code`, `None` when there is no such one.
pub async fn staff_unit_path(db: &Db, code: &str) -> Result<Option<String>, ApiError> {
    db.query_value("SELECT unit_path FROM staff WHERE code = ?1", params![code])
        .await
}

/// The org unit with `id`, if any.
pub async fn org_unit(db: &Db, id: i64) -> Result<Option<OrgUnit>, ApiError> {
    db.query_row(
        "SELECT id, kind, name, path FROM org_units WHERE id = ?1",
        params![id],
    )
    .await?
    .map(|row| {
        Ok(OrgUnit {
            id: row.get("id")?,
            kind: row.get("kind")?,
            name: row.get("name")?,
            path: row.get("path")?,
        })
    })
    .transpose()
}
