//! The `assessment` component (考核与收入报酬, ASSESS-1..6).
//!
//! | route | what |
//! |---|---|
//! | `GET /api/assessments?month=&staff=&category=` | one staff member's score sheet: indicators, deductions with reasons, figures, activity, the quarter's rank review |
//! | `GET /api/assessments/trend?year=&staff=` | the year's twelve months: score, status, pay, net commission |
//! | `GET /api/assessments/team?month=&unit=&category=&sort=&page=&page_size=` | a unit's ranking (lead: the team; branch manager: the branch; HQ: any unit) |
//! | `GET /api/assessments/team/export?month=&unit=&sort=` | the same ranking, every row, as an XLSX workbook; audited |
//! | `GET /api/assessments/rollup?month=&level=team\|branch\|region` | per unit of the caller's subtree: staff, scores, commission, volume, pay |
//! | `POST /api/assessments/runs` | HQ runs a month (resumable chunks, about 10 s a request) |
//! | `GET /api/assessments/runs/{month}` | a run's state (HQ and branch managers) |
//! | `POST /api/assessments/runs/scheduled` | the cron component's monthly run, behind `assessment_cron_token` |
//! | `POST /api/assessments/{month}/publish` | HQ freezes a month; quarterly rank changes take effect |
//! | `GET`/`POST /api/assessments/schemes` | schemes (考核方案): read by everyone, saved by HQ |
//! | `GET /api/assessments/goals?staff=&period=` / `PUT /api/assessments/goals/{staff}/{period}` | goals (目标管理) |
//! | `PUT /api/assessments/ranks/{staff}` | HQ sets a rank (职级) from a month on |
//! | `GET /api/income?month=&staff=` / `GET /api/income/recent?staff=` | the itemised pay statement (收入报酬) / the latest twelve totals |
//!
//! ORG-4 on every read: a rep reads only their own months, a lead their team's, a
//! branch manager their branch's, HQ everyone's; anyone else is 403. Every write is
//! audited.

mod access;
mod goals;
mod income;
mod runs;
mod schemes;
mod sheet;
mod team;

use zhanye_platform::Request;
use zhanye_platform::respond::route_path;
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    let path = route_path(&request).to_owned();
    if let Some(rest) = below(&path, "/api/assessments") {
        let parts: Vec<&str> = rest.split('/').skip(1).collect();
        return assessments(request, &parts).await;
    }
    if let Some(rest) = below(&path, "/api/income") {
        let parts: Vec<&str> = rest.split('/').skip(1).collect();
        let get = request.method() == http::Method::GET;
        return match parts.as_slice() {
            [] if get => income::statement(request).await,
            ["recent"] if get => income::recent(request).await,
            [] | ["recent"] => Err(ApiError::method_not_allowed("GET")),
            _ => Err(ApiError::not_found()),
        };
    }
    Err(ApiError::not_found())
}

/// The rest of `path` after `prefix` when `path` is `prefix` or below it.
fn below<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

async fn assessments(request: Request, parts: &[&str]) -> ApiResult<Reply> {
    use http::Method;
    let method = request.method().clone();
    match (parts, &method) {
        ([], &Method::GET) => sheet::sheet(request).await,
        (["trend"], &Method::GET) => sheet::trend(request).await,
        (["team"], &Method::GET) => team::ranking(request).await,
        (["team", "export"], &Method::GET) => team::export(request).await,
        (["rollup"], &Method::GET) => team::rollup(request).await,
        ([] | ["trend"] | ["team"] | ["team", "export"] | ["rollup"], _) => {
            Err(ApiError::method_not_allowed("GET"))
        }
        (["runs"], &Method::POST) => runs::run(request).await,
        (["runs", "scheduled"], &Method::POST) => runs::scheduled(request).await,
        (["runs"] | ["runs", "scheduled"], _) => Err(ApiError::method_not_allowed("POST")),
        (["runs", month], &Method::GET) => runs::state(request, month).await,
        (["runs", _], _) => Err(ApiError::method_not_allowed("GET")),
        (["schemes"], &Method::GET) => schemes::list(request).await,
        (["schemes"], &Method::POST) => schemes::save(request).await,
        (["schemes"], _) => Err(ApiError::method_not_allowed("GET, POST")),
        (["goals"], &Method::GET) => goals::list(request).await,
        (["goals"], _) => Err(ApiError::method_not_allowed("GET")),
        (["goals", staff, period], &Method::PUT) => goals::set(request, staff, period).await,
        (["goals", _, _], _) => Err(ApiError::method_not_allowed("PUT")),
        (["ranks", staff], &Method::PUT) => goals::set_rank(request, staff).await,
        (["ranks", _], _) => Err(ApiError::method_not_allowed("PUT")),
        ([month, "publish"], &Method::POST) => runs::publish(request, month).await,
        ([_, "publish"], _) => Err(ApiError::method_not_allowed("POST")),
        _ => Err(ApiError::not_found()),
    }
}
