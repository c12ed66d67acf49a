//! `GET /api/checkins/team?date=YYYY-MM-DD[&unit=ID][&page=&page_size=]`: for leads and
//! managers (CHECKIN-3), the active staff of their org subtree (or of one unit inside
//! it) on a day: who has checked in and who has not (listed first), and each one's
//! attendance rate for the month up to that day. Reps get 403.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use zhanye_platform::Request;
use zhanye_platform::caller::authenticate;
use zhanye_platform::json;
use zhanye_platform::problem::reason;
use zhanye_platform::time::{china_date, now_unix, parse_date};
use zhanye_platform::{
    ApiError, ApiResult, Db, Page, PageQuery, QueryParams, Reply, Value, params,
};
use zhanye_staff::checkin::{attendance_rate, workdays_due};
use zhanye_staff::org::{is_within, subtree_range};

#[derive(Serialize)]
struct TeamDay {
    date: NaiveDate,
    unit: Unit,
    members_total: i64,
    checked_in: i64,
    not_checked_in: i64,
    #[serde(flatten)]
    members: Page<Member>,
}

#[derive(Serialize)]
struct Unit {
    id: i64,
    kind: String,
    name: String,
}

#[derive(Serialize)]
struct Member {
    code: String,
    name: String,
    position: String,
    checked_in: bool,
    checked_in_at: Option<String>,
    channel: Option<String>,
    /// Workdays checked in this month up to `date`.
    month_checkins: i64,
    month_workdays_due: i64,
    #[serde(with = "rust_decimal::serde::str_option")]
    month_rate: Option<Decimal>,
}

pub async fn view(request: Request) -> ApiResult<Reply> {
    let caller = authenticate(&request).await?;
    let Some(root) = caller.readable_subtree().map(str::to_owned) else {
        return Err(ApiError::forbidden());
    };
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let today = china_date(now_unix());
    let date = match query.get_non_empty("date") {
        None => today,
        Some(text) => parse_date(text)
            .ok_or_else(|| ApiError::invalid_field("date", reason::INVALID_FORMAT))?,
    };
    if date > today {
        return Err(ApiError::invalid_field("date", reason::OUT_OF_RANGE));
    }
    let db = Db::open_default().await?;
    let unit_row = match query.get_non_empty("unit") {
        None => {
            db.query_row(
                "SELECT id, kind, name, path FROM org_units WHERE id = ?1",
                params![caller.unit_id],
            )
            .await?
        }
        Some(text) => {
            let id: i64 = text
                .parse()
                .map_err(|_| ApiError::invalid_field("unit", reason::INVALID_FORMAT))?;
            db.query_row(
                "SELECT id, kind, name, path FROM org_units WHERE id = ?1",
                params![id],
            )
            .await?
        }
    };
    let unit_row = unit_row.ok_or_else(ApiError::forbidden)?;
    let path: String = unit_row.get("path")?;
    if !is_within(&path, &root) {
        return Err(ApiError::forbidden());
    }
    let unit = Unit {
        id: unit_row.get("id")?,
        kind: unit_row.get("kind")?,
        name: unit_row.get("name")?,
    };
    let (low, high) = subtree_range(&path);
    let day = date.to_string();
    let counts = db
        .query_row(
            "SELECT COUNT(*) AS members, COUNT(c.staff_code) AS checked_in
               FROM staff s LEFT JOIN checkins c ON c.staff_code = s.code AND c.day = ?3
              WHERE s.unit_path >= ?1 AND s.unit_path < ?2 AND s.status = 'normal'",
            params![low.as_str(), high.as_str(), day.as_str()],
        )
        .await?
        .ok_or_else(|| ApiError::internal("count query answered no row"))?;
    let members_total: i64 = counts.get("members")?;
    let checked_in: i64 = counts.get("checked_in")?;
    let rows = db
        .query(
            "SELECT s.code, s.name, s.position, c.checked_in_at, c.channel
               FROM staff s LEFT JOIN checkins c ON c.staff_code = s.code AND c.day = ?3
              WHERE s.unit_path >= ?1 AND s.unit_path < ?2 AND s.status = 'normal'
              ORDER BY c.staff_code IS NOT NULL, s.code
              LIMIT ?4 OFFSET ?5",
            params![
                low.as_str(),
                high.as_str(),
                day.as_str(),
                page.limit(),
                page.offset() as i64
            ],
        )
        .await?;

    // One query for the month counts of the whole page.
    let first = date.with_day0(0).unwrap_or(date);
    let codes: Vec<String> = rows
        .iter()
        .map(|r| r.get("code"))
        .collect::<Result<_, _>>()?;
    let mut month_counts = std::collections::HashMap::new();
    if !codes.is_empty() {
        let placeholders: Vec<String> = (3..codes.len() + 3).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "SELECT staff_code, COUNT(*) AS n FROM checkins
              WHERE day BETWEEN ?1 AND ?2 AND strftime('%w', day) NOT IN ('0', '6')
                AND staff_code IN ({})
              GROUP BY staff_code",
            placeholders.join(", ")
        );
        let mut values = vec![Value::from(first.to_string()), Value::from(day.clone())];
        values.extend(codes.iter().map(|c| Value::from(c.as_str())));
        for row in db.query(&sql, values).await? {
            month_counts.insert(row.get::<String>("staff_code")?, row.get::<i64>("n")?);
        }
    }
    let members = rows
        .iter()
        .map(|row| {
            let code: String = row.get("code")?;
            let checked_in_at: Option<String> = row.get("checked_in_at")?;
            let due = workdays_due(first, date, checked_in_at.is_some());
            let month_checkins = month_counts.get(&code).copied().unwrap_or(0);
            Ok(Member {
                name: row.get("name")?,
                position: row.get("position")?,
                checked_in: checked_in_at.is_some(),
                channel: row.get("channel")?,
                checked_in_at,
                month_checkins,
                month_workdays_due: due,
                month_rate: attendance_rate(month_checkins, due),
                code,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    json::ok(&TeamDay {
        date,
        unit,
        members_total,
        checked_in,
        not_checked_in: members_total - checked_in,
        members: Page::new(members, members_total as u64, page)?,
    })
}
