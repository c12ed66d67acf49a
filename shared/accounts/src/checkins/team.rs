//! A unit's day (CHECKIN-3): the active staff of an org subtree, who of them has
//! checked in on a day, and each one's workday check-ins of the month so far.
//!
//! The subtree is a `staff_unit_path` (`unit_path, code`) range scan; each member's
//! check-in of the day a primary-key (`staff_code, day`) lookup. A page costs two
//! statements whatever its size: the members, then the month counts of all of them.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhanye_platform::{ApiError, Db, PageQuery, Row, params};
use zhanye_staff::org::subtree_range;

use super::days::{month_start, workdays};

/// How many active staff the subtree has, and how many of them have checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamCounts {
    pub members: i64,
    pub checked_in: i64,
}

/// One active staff member of the subtree on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub code: String,
    pub name: String,
    pub position: String,
    /// The day's check-in (RFC 3339), `None` when not checked in.
    pub checked_in_at: Option<String>,
    /// The day's check-in channel, `None` when not checked in.
    pub channel: Option<String>,
    /// Workdays checked in from the first of the month up to the day, both included.
    pub month_checkins: i64,
}

/// The active (`normal`) staff of the subtree at `unit_path` joined to their check-in
/// of `?3`; `?1`, `?2` are the subtree's path range.
const MEMBERS_ON_DAY: &str = "FROM staff s
       LEFT JOIN checkins c ON c.staff_code = s.code AND c.day = ?3
      WHERE s.unit_path >= ?1 AND s.unit_path < ?2 AND s.status = 'normal'";

/// Counts the active staff of the subtree at `unit_path` and those checked in on `day`.
pub async fn team_counts(db: &Db, unit_path: &str, day: NaiveDate) -> Result<TeamCounts, ApiError> {
    let (low, high) = subtree_range(unit_path);
    let row = db
        .query_row(
            &format!(
                "SELECT COUNT(*) AS members, COUNT(c.staff_code) AS checked_in {MEMBERS_ON_DAY}"
            ),
            params![low.as_str(), high.as_str(), day.to_string()],
        )
        .await?
        .ok_or_else(|| ApiError::internal("count query answered no row"))?;
    Ok(TeamCounts {
        members: row.get("members")?,
        checked_in: row.get("checked_in")?,
    })
}

/// One page of the active staff of the subtree at `unit_path` on `day`: those not
/// checked in first, then by code; each with the workday check-ins of `day`'s month up
/// to `day`.
pub async fn team_members(
    db: &Db,
    unit_path: &str,
    day: NaiveDate,
    page: PageQuery,
) -> Result<Vec<TeamMember>, ApiError> {
    let (low, high) = subtree_range(unit_path);
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let rows = db
        .query(
            &format!(
                "SELECT s.code, s.name, s.position, c.checked_in_at, c.channel {MEMBERS_ON_DAY}
                  ORDER BY CASE WHEN c.staff_code IS NULL THEN 0 ELSE 1 END, s.code
                  LIMIT ?4 OFFSET ?5"
            ),
            params![
                low.as_str(),
                high.as_str(),
                day.to_string(),
                page.limit(),
                offset
            ],
        )
        .await?;
    let codes: Vec<String> = rows
        .iter()
        .map(|row| row.get("code"))
        .collect::<Result<_, _>>()?;
    let counts = workday_counts(db, &codes, &workdays(month_start(day), day)).await?;
    rows.iter()
        .map(|row: &Row| {
            let code: String = row.get("code")?;
            Ok(TeamMember {
                month_checkins: counts.get(&code).copied().unwrap_or(0),
                name: row.get("name")?,
                position: row.get("position")?,
                checked_in_at: row.get("checked_in_at")?,
                channel: row.get("channel")?,
                code,
            })
        })
        .collect()
}

/// How many of `days` each of `staff_codes` has checked in, in one
/// statement: both lists bound as JSON arrays, and the earliest and latest day as a range,
/// so each code is one primary-key range of at most a month. Codes without a check-in
/// on those days are absent.
pub async fn workday_counts(
    db: &Db,
    staff_codes: &[String],
    days: &[NaiveDate],
) -> Result<HashMap<String, i64>, ApiError> {
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Ok(HashMap::new());
    };
    if staff_codes.is_empty() {
        return Ok(HashMap::new());
    }
    let (first, last) = (first.to_string(), last.to_string());
    let days: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
    let as_json = |list: &[String]| {
        serde_json::to_string(list)
            .map_err(|e| ApiError::internal(format!("check-in list as JSON: {e}")))
    };
    db.query(
        "SELECT staff_code, COUNT(*) AS n FROM checkins
          WHERE staff_code IN (SELECT j.atom FROM json_each(?1) AS j)
            AND day BETWEEN ?3 AND ?4
            AND day IN (SELECT j.atom FROM json_each(?2) AS j)
          GROUP BY staff_code",
        params![as_json(staff_codes)?, as_json(&days)?, first, last],
    )
    .await?
    .iter()
    .map(|row| Ok((row.get("staff_code")?, row.get("n")?)))
    .collect()
}
