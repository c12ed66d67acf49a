//! `GET /api/checkins?month=YYYY-MM[&code=]`: one person's month (CHECKIN-3) — each
//! day's status, days checked in, days missed and the attendance rate. `month`
//! defaults to the current China-time month; `code` (another staff member) is for
//! leads and managers, within their org subtree.

use serde::Serialize;
use zhanye_accounts::checkins::{self, Checkin};
use zhanye_platform::Request;
use zhanye_platform::json;
use zhanye_platform::problem::reason;
use zhanye_platform::time::{month_of, parse_month};
use zhanye_platform::{ApiError, ApiResult, QueryParams, Reply, RequestContext};
use zhanye_staff::StaffCode;
use zhanye_staff::checkin::{MonthView, month_bounds, month_view};

#[derive(Serialize)]
struct Month {
    code: String,
    month: String,
    #[serde(flatten)]
    view: MonthView,
    checkins: Vec<Checkin>,
}

pub async fn view(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let (caller, db) = (ctx.principal(), &ctx.db);
    let query = QueryParams::from_uri(request.uri());
    let today = ctx.today;
    let month_text = query
        .get_non_empty("month")
        .map(str::to_owned)
        .unwrap_or_else(|| month_of(today));
    let (year, month) = parse_month(&month_text)
        .ok_or_else(|| ApiError::invalid_field("month", reason::INVALID_FORMAT))?;
    let (first, last) = month_bounds(year, month)
        .ok_or_else(|| ApiError::invalid_field("month", reason::OUT_OF_RANGE))?;

    let code = match query.get_non_empty("code") {
        None => caller.code.clone(),
        Some(text) => {
            let code = StaffCode::parse(text)
                .map_err(|_| ApiError::invalid_field("code", reason::INVALID_FORMAT))?;
            if code.as_str() != caller.code {
                let path = checkins::staff_unit_path(db, code.as_str()).await?;
                // Out of scope and unknown answer alike.
                if !path.is_some_and(|p| caller.reads_unit(&p)) {
                    return Err(ApiError::forbidden());
                }
            }
            code.as_str().to_owned()
        }
    };
    let checkins = checkins::between(db, &code, first, last).await?;
    let days: Vec<_> = checkins
        .iter()
        .filter_map(|c| chrono::NaiveDate::parse_from_str(&c.date, "%Y-%m-%d").ok())
        .collect();
    json::ok(&Month {
        code,
        month: month_text,
        view: month_view(first, last, today, &days),
        checkins,
    })
}
