//! The `checkin` component (每日签到).
//!
//! | route | what |
//! |---|---|
//! | `POST /api/checkins` | check in today (idempotent: 201 the first time, 200 after) |
//! | `GET /api/checkins?month=YYYY-MM[&code=]` | a month: days in, days missed, rate |
//! | `GET /api/checkins/team?date=YYYY-MM-DD[&unit=]` | leads: who has not checked in, monthly rate per member |
//!
//! Reps see only their own; leads, branch managers and HQ see the people of their org
//! subtree (ORG-4).

mod month;
mod team;
mod today;

use zhanye_platform::Request;
use zhanye_platform::respond::route_path;
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    let method = request.method().clone();
    match (route_path(&request), method) {
        ("/api/checkins", http::Method::POST) => today::check_in(request).await,
        ("/api/checkins", http::Method::GET) => month::view(request).await,
        ("/api/checkins/team", http::Method::GET) => team::view(request).await,
        ("/api/checkins", _) => Err(ApiError::method_not_allowed("GET, POST")),
        ("/api/checkins/team", _) => Err(ApiError::method_not_allowed("GET")),
        _ => Err(ApiError::not_found()),
    }
}
