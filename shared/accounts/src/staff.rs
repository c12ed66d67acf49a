//! One staff member and their credentials.

use chrono::NaiveDate;
use zhanye_platform::{ApiError, Db, Row, params};
use zhanye_staff::Roles;

/// A staff member as sign-in needs them.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub position: String,
    pub roles: Roles,
    /// normal / suspended / left.
    pub status: String,
    pub gender: Option<String>,
    pub birth_date: NaiveDate,
    pub mobile: String,
    pub email: Option<String>,
    pub id_number_verifier: String,
    pub id_number_masked: String,
    pub password_hash: String,
    pub previous_hashes: Vec<String>,
    pub must_change: bool,
}

impl StaffRecord {
    pub fn is_active(&self) -> bool {
        self.status == "normal"
    }

    fn from_row(row: &Row) -> Result<StaffRecord, ApiError> {
        let birth: String = row.get("birth_date")?;
        let previous: String = row.get("previous_hashes")?;
        Ok(StaffRecord {
            code: row.get("code")?,
            name: row.get("name")?,
            kind: row.get("kind")?,
            unit_id: row.get("unit_id")?,
            unit_path: row.get("unit_path")?,
            position: row.get("position")?,
            roles: Roles::from_stored(&row.get::<String>("roles")?),
            status: row.get("status")?,
            gender: row.get("gender")?,
            birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d")
                .map_err(|e| ApiError::internal(format!("staff birth_date {birth:?}: {e}")))?,
            mobile: row.get("mobile")?,
            email: row.get("email")?,
            id_number_verifier: row.get("id_number_verifier")?,
            id_number_masked: row.get("id_number_masked")?,
            password_hash: row.get("password_hash")?,
            previous_hashes: serde_json::from_str(&previous).unwrap_or_default(),
            must_change: row.get("must_change")?,
        })
    }
}

const SELECT_STAFF: &str =
    "SELECT s.code, s.name, s.kind, s.unit_id, s.unit_path, s.position, s.roles, s.status,
        s.gender, s.birth_date, s.mobile, s.email, s.id_number_verifier, s.id_number_masked,
        c.password_hash, c.previous_hashes, c.must_change
   FROM staff s JOIN credentials c ON c.staff_code = s.code
  WHERE s.code = ?1";

/// The staff member with `code` (canonical form), with credentials.
pub async fn find(db: &Db, code: &str) -> Result<Option<StaffRecord>, ApiError> {
    match db.query_row(SELECT_STAFF, params![code]).await? {
        Some(row) => StaffRecord::from_row(&row).map(Some),
        None => Ok(None),
    }
}

/// Replaces the password: new hash, the outgoing one into the history, and whether it
/// must be changed at next use (temporary passwords).
pub async fn set_password(
    db: &Db,
    staff: &StaffRecord,
    new_hash: &str,
    must_change: bool,
    now_text: &str,
) -> Result<(), ApiError> {
    let history =
        zhanye_staff::password::rotate_history(&staff.password_hash, &staff.previous_hashes);
    let history = serde_json::to_string(&history)
        .map_err(|e| ApiError::internal(format!("encoding password history: {e}")))?;
    db.execute(
        "UPDATE credentials SET password_hash = ?2, previous_hashes = ?3, must_change = ?4, changed_at = ?5
          WHERE staff_code = ?1",
        params![staff.code.as_str(), new_hash, history, i64::from(must_change), now_text],
    )
    .await?;
    Ok(())
}

/// The names of a unit path's units, root first (HQ, region, branch, team).
pub async fn unit_names(db: &Db, path: &str) -> Result<Vec<(i64, String, String)>, ApiError> {
    let ids = zhanye_staff::org::path_ids(path);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT id, kind, name FROM org_units WHERE id IN ({}) ORDER BY length(path)",
        placeholders.join(", ")
    );
    let rows = db
        .query(
            &sql,
            ids.iter().map(|id| zhanye_platform::Value::Integer(*id)),
        )
        .await?;
    rows.iter()
        .map(|row| Ok((row.get("id")?, row.get("kind")?, row.get("name")?)))
        .collect()
}

/// Sets a staff member's status (normal / suspended / left).
pub async fn set_status(db: &Db, code: &str, status: &str, now: i64) -> Result<(), ApiError> {
    db.execute(
        "UPDATE staff SET status = ?2, updated_at = ?3 WHERE code = ?1",
        params![code, status, zhanye_platform::time::rfc3339(now)],
    )
    .await
    .map(|_| ())
}
