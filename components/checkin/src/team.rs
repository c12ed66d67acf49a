//! `GET /api/checkins/team?date=YYYY-MM-DD[&unit=ID][&page=&page_size=]`: for leads and
//! managers (CHECKIN-3), the active staff of their org subtree (or of one unit inside
//! it) on a day: who has checked in and who has not (listed first), and each one's
//! attendance rate for the month up to that day. Reps get 403.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use zhanye_accounts::checkins;
use zhanye_platform::Request;
use zhanye_platform::json;
use zhanye_platform::problem::reason;
use zhanye_platform::time::parse_date;
use zhanye_platform::{ApiError, ApiResult, Page, PageQuery, QueryParams, Reply, RequestContext};
use zhanye_staff::checkin::{attendance_rate, workdays_due};
use zhanye_staff::org::is_within;

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
    let ctx = RequestContext::new(&request).await?;
    let Some(root) = ctx.principal().readable_subtree().map(str::to_owned) else {
        return Err(ApiError::forbidden());
    };
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let today = ctx.today;
    let date = match query.get_non_empty("date") {
        None => today,
        Some(text) => parse_date(text)
            .ok_or_else(|| ApiError::invalid_field("date", reason::INVALID_FORMAT))?,
    };
    if date > today {
        return Err(ApiError::invalid_field("date", reason::OUT_OF_RANGE));
    }
    let unit_id = match query.get_non_empty("unit") {
        None => ctx.session.unit_id,
        Some(text) => text
            .parse()
            .map_err(|_| ApiError::invalid_field("unit", reason::INVALID_FORMAT))?,
    };
    let db = &ctx.db;
    // Unknown and out of scope answer alike.
    let unit = checkins::org_unit(db, unit_id)
        .await?
        .filter(|unit| is_within(&unit.path, &root))
        .ok_or_else(ApiError::forbidden)?;
    let counts = checkins::team_counts(db, &unit.path, date).await?;
    let first = checkins::month_start(date);
    let members = checkins::team_members(db, &unit.path, date, page)
        .await?
        .into_iter()
        .map(|member| {
            let due = workdays_due(first, date, member.checked_in_at.is_some());
            Member {
                code: member.code,
                name: member.name,
                position: member.position,
                checked_in: member.checked_in_at.is_some(),
                checked_in_at: member.checked_in_at,
                channel: member.channel,
                month_checkins: member.month_checkins,
                month_workdays_due: due,
                month_rate: attendance_rate(member.month_checkins, due),
            }
        })
        .collect();
    json::ok(&TeamDay {
        date,
        unit: Unit {
            id: unit.id,
            kind: unit.kind,
            name: unit.name,
        },
        members_total: counts.members,
        checked_in: counts.checked_in,
        not_checked_in: counts.members - counts.checked_in,
        members: Page::new(members, counts.members as u64, page)?,
    })
}
