//! One staff member and their credentials.

use chrono::NaiveDate;
use zhanye_platform::{ApiError, Db, Row, params};
use zhanye_staff::Roles;
use zhanye_staff::vocab::{Gender, StaffStatus};

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
    /// `None` until the first password is set: the password is then the initial one,
    /// the birth date (AUTH-2), so staff loaded in bulk need no hashing.
    pub password_hash: Option<String>,
    pub previous_hashes: Vec<String>,
    pub must_change: bool,
    /// When the current password was set (Unix seconds): the last change, or for an
    /// initial password never set, when the member was created. Initial and reset
    /// passwords expire counted from it.
    pub password_set_at: i64,
    /// Sign-in asks for a TOTP code (两步验证 enabled).
    pub second_factor_enabled: bool,
}

impl StaffRecord {
    pub fn is_active(&self) -> bool {
        self.status == StaffStatus::Normal.as_str()
    }

    /// Whether `password` is this staff member's current password. Takes one argon2id
    /// verification whether or not a hash is stored, so the time tells nothing.
    pub fn password_matches(&self, password: &str) -> bool {
        use zhanye_staff::password::{DECOY_HASH, initial_password, verify};
        match &self.password_hash {
            Some(hash) => verify(password, hash),
            None => {
                let _ = verify(password, DECOY_HASH);
                let initial = initial_password(self.birth_date);
                zhanye_platform::auth::constant_time_eq(password.as_bytes(), initial.as_bytes())
            }
        }
    }

    /// The stored hashes AUTH-3's "not one of the last 3" compares against.
    pub fn recent_hashes(&self) -> impl Iterator<Item = &str> {
        self.password_hash
            .as_deref()
            .into_iter()
            .chain(self.previous_hashes.iter().map(String::as_str))
    }

    fn from_row(row: &Row) -> Result<StaffRecord, ApiError> {
        let birth: String = row.get("birth_date")?;
        let previous: Option<String> = row.get("previous_hashes")?;
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
            previous_hashes: previous
                .and_then(|p| serde_json::from_str(&p).ok())
                .unwrap_or_default(),
            must_change: row.get::<Option<bool>>("must_change")?.unwrap_or(true),
            password_set_at: unix_of(&row.get::<String>("password_set_at")?)?,
            second_factor_enabled: row
                .get::<Option<String>>("second_factor_state")?
                .is_some_and(|state| state == "enabled"),
        })
    }
}

/// Unix seconds of a stored RFC 3339 time.
fn unix_of(text: &str) -> Result<i64, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.timestamp())
        .map_err(|e| ApiError::internal(format!("stored time {text:?}: {e}")))
}

const SELECT_STAFF: &str =
    "SELECT s.code, s.name, s.kind, s.unit_id, s.unit_path, s.position, s.roles, s.status,
        s.gender, s.birth_date, s.mobile, s.email, s.id_number_verifier, s.id_number_masked,
        c.password_hash, c.previous_hashes, c.must_change,
        COALESCE(c.changed_at, s.created_at) AS password_set_at, f.state AS second_factor_state
   FROM staff s LEFT JOIN credentials c ON c.staff_code = s.code
        LEFT JOIN second_factors f ON f.staff_code = s.code
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
    let history = match &staff.password_hash {
        Some(outgoing) => zhanye_staff::password::rotate_history(outgoing, &staff.previous_hashes),
        None => Vec::new(),
    };
    let history = serde_json::to_string(&history)
        .map_err(|e| ApiError::internal(format!("encoding password history: {e}")))?;
    db.execute(
        "INSERT INTO credentials (staff_code, password_hash, previous_hashes, must_change, changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (staff_code) DO UPDATE SET password_hash = excluded.password_hash,
             previous_hashes = excluded.previous_hashes, must_change = excluded.must_change,
             changed_at = excluded.changed_at",
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

/// What a staff member's sessions are issued under: their access tokens carry roles and
/// unit path (ORG-4 scope), so a change to any of them ends the sessions at once rather
/// than when the tokens expire.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Standing {
    status: String,
    /// As stored (`lead,rep`).
    roles: String,
    unit_path: String,
}

impl Standing {
    fn of(row: &Row) -> Result<Standing, ApiError> {
        Ok(Standing {
            status: row.get("status")?,
            roles: row.get("roles")?,
            unit_path: row.get("unit_path")?,
        })
    }

    /// Why the sessions issued before end now that the member stands as `now`: the
    /// new status when they left `normal`, else a change of roles or unit; `None` when
    /// their tokens still say the truth.
    fn sessions_end_because(&self, now: &Standing) -> Option<&'static str> {
        if now.status != self.status && now.status != StaffStatus::Normal.as_str() {
            return StaffStatus::parse(&now.status).map(StaffStatus::as_str);
        }
        if role_set(&now.roles) != role_set(&self.roles) {
            return Some("roles_changed");
        }
        (now.unit_path != self.unit_path).then_some("unit_changed")
    }
}

/// The roles of a stored list, in no particular order.
fn role_set(stored: &str) -> std::collections::BTreeSet<String> {
    Roles::from_stored(stored)
        .to_stored()
        .split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What applying a staff batch did, and where each member now is: the caller moves
/// their customers along (ORG-4 scope by path), through the customers' own store.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffApplied {
    #[serde(flatten)]
    pub counts: crate::org::Applied,
    #[serde(skip)]
    pub placed: Vec<StaffPlacement>,
}

/// A staff member's unit after the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPlacement {
    pub code: String,
    pub unit_path: String,
}

/// Creates or updates staff sent by the trading system (topic `staff`). A new member
/// has no credentials row: their password is the initial one until they change it.
/// Leaving `normal`, or a change of roles or unit, ends every session at once (the
/// access tokens carry them: ORG-4 scope). Units that do not resolve go into
/// `report`; the caller rolls back when it is not empty. Run it in a transaction.
/// Answers where each member now is, so the caller moves their customers along.
pub async fn upsert_from_partner(
    db: &Db,
    cache: &zhanye_platform::kv::Cache,
    records: &[zhanye_ingest::topics::staff::StaffRecord],
    pii_key: &[u8],
    report: &mut zhanye_ingest::Report,
    now: i64,
) -> Result<StaffApplied, ApiError> {
    use std::collections::HashMap;
    use zhanye_staff::identity::{id_verifier, mask_id_number};

    let mut applied = StaffApplied::default();
    let mut units: HashMap<String, Option<(i64, String)>> = HashMap::new();
    let at = zhanye_platform::time::rfc3339(now);
    for record in records {
        if !units.contains_key(&record.unit_code) {
            let unit = db
                .query_row(
                    "SELECT id, path FROM org_units WHERE code = ?1",
                    params![record.unit_code.as_str()],
                )
                .await?
                .map(|row| -> Result<(i64, String), ApiError> {
                    Ok((row.get("id")?, row.get("path")?))
                })
                .transpose()?;
            units.insert(record.unit_code.clone(), unit);
        }
        let Some((unit_id, unit_path)) = units[&record.unit_code].clone() else {
            report.add(
                record.index,
                Some(record.code.as_str()),
                "unit_code",
                "unknown_reference",
            );
            continue;
        };
        let code = record.code.as_str();
        let previous = db
            .query_row(
                "SELECT status, roles, unit_path FROM staff WHERE code = ?1",
                params![code],
            )
            .await?
            .map(|row| Standing::of(&row))
            .transpose()?;
        db.execute(
            "INSERT INTO staff (code, name, kind, unit_id, unit_path, position, roles, status, gender,
                                birth_date, mobile, email, id_number_verifier, id_number_masked,
                                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 unit_id = excluded.unit_id, unit_path = excluded.unit_path,
                 position = excluded.position, roles = excluded.roles, status = excluded.status,
                 gender = excluded.gender, birth_date = excluded.birth_date,
                 mobile = excluded.mobile, email = excluded.email,
                 id_number_verifier = excluded.id_number_verifier,
                 id_number_masked = excluded.id_number_masked, updated_at = excluded.updated_at",
            params![
                code,
                record.name.as_str(),
                record.code.kind().as_str(),
                unit_id,
                unit_path.as_str(),
                record.position.as_str(),
                record.roles.to_stored(),
                record.status.as_str(),
                record.gender.map(Gender::as_str),
                record.birth_date.to_string(),
                record.mobile.as_str(),
                record.email.as_deref(),
                id_verifier(pii_key, &record.id_number),
                mask_id_number(&record.id_number),
                at.as_str()
            ],
        )
        .await?;
        applied.placed.push(StaffPlacement {
            code: code.to_owned(),
            unit_path: unit_path.clone(),
        });
        let standing = Standing {
            status: record.status.as_str().to_owned(),
            roles: record.roles.to_stored(),
            unit_path: unit_path.clone(),
        };
        if let Some(reason) = previous
            .as_ref()
            .and_then(|before| before.sessions_end_because(&standing))
        {
            crate::sessions::revoke_all(db, cache, code, reason, now).await?;
        }
        match previous {
            Some(_) => applied.counts.updated += 1,
            None => applied.counts.created += 1,
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(status: &str, roles: &str, unit_path: &str) -> Standing {
        Standing {
            status: status.into(),
            roles: roles.into(),
            unit_path: unit_path.into(),
        }
    }

    #[test]
    fn sessions_end_when_what_the_tokens_say_changes() {
        let hq = standing("normal", "hq_admin,rep", "/1/");
        // Nothing that tokens carry changed (roles in another order are the same).
        assert_eq!(hq.sessions_end_because(&hq), None);
        assert_eq!(
            hq.sessions_end_because(&standing("normal", "rep,hq_admin", "/1/")),
            None
        );
        // Demoted, moved, suspended, gone.
        assert_eq!(
            hq.sessions_end_because(&standing("normal", "rep", "/1/")),
            Some("roles_changed")
        );
        assert_eq!(
            hq.sessions_end_because(&standing("normal", "hq_admin,rep", "/1/2/")),
            Some("unit_changed")
        );
        assert_eq!(
            hq.sessions_end_because(&standing("suspended", "hq_admin,rep", "/1/")),
            Some("suspended")
        );
        assert_eq!(
            hq.sessions_end_because(&standing("left", "rep", "/1/9/")),
            Some("left")
        );
        // Back to normal from a suspension: the sessions ended when it began.
        let suspended = standing("suspended", "rep", "/1/2/");
        assert_eq!(
            suspended.sessions_end_because(&standing("normal", "rep", "/1/2/")),
            None
        );
    }
}
