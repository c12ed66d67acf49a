//! The `home` component (个人主页).
//!
//! | route | what |
//! |---|---|
//! | `GET /api/home?month=YYYY-MM` | HOME-1 figures of the month for the caller's customers, the profile card (HOME-2), to-dos (approvals waiting for the caller, open tasks with the overdue flagged), recent work and finished tasks, followed customers, favourite products and unread alerts (HOME-3) |
//!
//! The figures come from the per-staff-month row ingest keeps current, so the page
//! costs a handful of indexed reads whatever the number of customers.

mod page;

use zhanye_platform::Request;
use zhanye_platform::respond::route_path;
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    match (route_path(&request), request.method().clone()) {
        ("/api/home", http::Method::GET) => page::view(request).await,
        ("/api/home", _) => Err(ApiError::method_not_allowed("GET")),
        _ => Err(ApiError::not_found()),
    }
}
