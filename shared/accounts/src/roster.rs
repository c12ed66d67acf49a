//! 人员名单: the staff of an org subtree as a branch admin or HQ looks them up, to
//! reset a password or change a status (ORG-2) without knowing the code by heart.
//! The subtree is a range of `staff_unit_path`, read in its order (team by team,
//! code by code); a status or a text narrows the rows the range finds.

use zhanye_platform::{ApiError, Db, Row, grams, params};
use zhanye_staff::org::subtree_range;
use zhanye_staff::vocab::StaffStatus;
use zhanye_staff::{Roles, StaffCode};

/// Characters a roster search may have.
pub const TEXT_MAX_CHARS: usize = 64;

/// What narrows a roster: a text matching the start of the code or any part of the
/// name, and a status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterFilter {
    pub text: Option<String>,
    pub status: Option<StaffStatus>,
}

/// One staff member as the roster lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub code: String,
    pub name: String,
    pub roles: Roles,
    /// 职务, as the HR system names it.
    pub position: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: StaffStatus,
}

/// The conditions after `WHERE` with their parameters from `?1`: the subtree's range,
/// then the status and the text, each `''` when absent (one statement for every
/// filter, typed alike on both databases).
macro_rules! in_roster {
    () => {
        "s.unit_path >= ?1 AND s.unit_path < ?2
           AND (?3 = '' OR s.status = ?3)
           AND (?4 = '' OR (s.code >= ?4 AND s.code < ?5) OR lower(s.name) LIKE ?6 ESCAPE '\\')"
    };
}

/// How many match, `?1`–`?6` as [`in_roster!`] says.
pub const SELECT_COUNT: &str = concat!("SELECT COUNT(*) FROM staff s WHERE ", in_roster!());

/// One page, in the subtree index's order; `?7` the limit, `?8` the offset.
pub const SELECT_PAGE: &str = concat!(
    "SELECT s.code, s.name, s.roles, s.position, s.unit_id, u.name AS unit_name, s.status
       FROM staff s JOIN org_units u ON u.id = s.unit_id
      WHERE ",
    in_roster!(),
    " ORDER BY s.unit_path, s.code LIMIT ?7 OFFSET ?8"
);

fn roster_params(unit_path: &str, filter: &RosterFilter) -> Vec<zhanye_platform::Value> {
    let (low, high) = subtree_range(unit_path);
    let status = filter.status.map(StaffStatus::as_str).unwrap_or_default();
    let (code_low, code_high, name) = match &filter.text {
        Some(text) => {
            let code = StaffCode::attempt_key(text);
            let code_high = format!("{code}\u{10FFFF}");
            (code, code_high, grams::contains_pattern(text))
        }
        None => (String::new(), String::new(), String::new()),
    };
    Vec::from(params![
        low.as_str(),
        high.as_str(),
        status,
        code_low.as_str(),
        code_high.as_str(),
        name.as_str()
    ])
}

/// How many staff of the subtree at `unit_path` match `filter`.
pub async fn count(db: &Db, unit_path: &str, filter: &RosterFilter) -> Result<u64, ApiError> {
    let total: i64 = db
        .query_value(SELECT_COUNT, roster_params(unit_path, filter))
        .await?
        .unwrap_or(0);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// One page of the staff of the subtree at `unit_path` matching `filter`, team by team.
pub async fn page(
    db: &Db,
    unit_path: &str,
    filter: &RosterFilter,
    limit: u32,
    offset: u64,
) -> Result<Vec<RosterEntry>, ApiError> {
    let mut params = roster_params(unit_path, filter);
    params.extend(params![
        i64::from(limit),
        i64::try_from(offset).unwrap_or(i64::MAX)
    ]);
    db.query(SELECT_PAGE, params)
        .await?
        .iter()
        .map(entry_of)
        .collect()
}

fn entry_of(row: &Row) -> Result<RosterEntry, ApiError> {
    let status: String = row.get("status")?;
    let roles: String = row.get("roles")?;
    Ok(RosterEntry {
        code: row.get("code")?,
        name: row.get("name")?,
        roles: Roles::from_stored(&roles),
        position: row.get("position")?,
        unit_id: row.get("unit_id")?,
        unit_name: row.get("unit_name")?,
        status: StaffStatus::parse(&status)
            .ok_or_else(|| ApiError::internal(format!("stored staff status {status:?}")))?,
    })
}
