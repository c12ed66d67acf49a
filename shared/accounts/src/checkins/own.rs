//! One person's check-ins: recording the day's and reading them back (CHECKIN-1..3).
//! Each statement is a primary-key (`staff_code, day`) lookup or range.

use chrono::NaiveDate;
use serde::Serialize;
use zhanye_platform::{ApiError, Db, Row, params};
use zhanye_staff::checkin::Channel;

/// Where a check-in was made (CHECKIN-2), when the client says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

/// A recorded check-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkin {
    pub date: String,
    pub checked_in_at: String,
    pub channel: String,
    /// `sign_in` (automatic, CHECKIN-1) or `explicit`.
    pub source: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub address: Option<String>,
}

impl Checkin {
    fn from_row(row: &Row) -> Result<Checkin, ApiError> {
        Ok(Checkin {
            date: row.get("day")?,
            checked_in_at: row.get("checked_in_at")?,
            channel: row.get("channel")?,
            source: row.get("source")?,
            lat: row.get("lat")?,
            lng: row.get("lng")?,
            address: row.get("address")?,
        })
    }
}

/// Records the day's check-in unless there is one; answers whether this call made it.
/// A check-in made without a location gets the location of a later explicit one.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &Db,
    staff_code: &str,
    day: NaiveDate,
    at: &str,
    channel: Channel,
    source: &str,
    location: Option<Location>,
    address: Option<&str>,
) -> Result<bool, ApiError> {
    let day = day.to_string();
    let (lat, lng) = (location.map(|l| l.lat), location.map(|l| l.lng));
    let created = db
        .execute(
            "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source, lat, lng, address)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (staff_code, day) DO NOTHING",
            params![staff_code, day.as_str(), at, channel.as_str(), source, lat, lng, address],
        )
        .await?
        == 1;
    if !created && (location.is_some() || address.is_some()) {
        db.execute(
            "UPDATE checkins SET lat = ?3, lng = ?4, address = COALESCE(address, ?5)
              WHERE staff_code = ?1 AND day = ?2 AND lat IS NULL",
            params![staff_code, day.as_str(), lat, lng, address],
        )
        .await?;
    }
    Ok(created)
}

/// The check-in of one day, if any.
pub async fn on_day(
    db: &Db,
    staff_code: &str,
    day: NaiveDate,
) -> Result<Option<Checkin>, ApiError> {
    db.query_row(
        "SELECT day, checked_in_at, channel, source, lat, lng, address FROM checkins
          WHERE staff_code = ?1 AND day = ?2",
        params![staff_code, day.to_string()],
    )
    .await?
    .map(|row| Checkin::from_row(&row))
    .transpose()
}

/// The check-ins of a staff member between two days (inclusive).
pub async fn between(
    db: &Db,
    staff_code: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Checkin>, ApiError> {
    db.query(
        "SELECT day, checked_in_at, channel, source, lat, lng, address FROM checkins
          WHERE staff_code = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
        params![staff_code, first.to_string(), last.to_string()],
    )
    .await?
    .iter()
    .map(Checkin::from_row)
    .collect()
}
