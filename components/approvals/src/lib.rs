//! The `approvals` component: the one approvals engine (审批, TASK-6) and the
//! prospects (潜在客户, CUST-6) two of its kinds are about.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/approvals` | file a request: `development`, `new_customer`, `expense` or `collaboration` (transfers are filed on their customer) |
//! | `GET /api/approvals?box=todo\|mine\|done&kind=&status=` | 待办 (what the caller may decide now), 我的申请, 已办 |
//! | `GET /api/approvals/{id}` | one request with its chain and state history |
//! | `POST /api/approvals/{id}/decision` | approve or reject the current step (the last approval runs the kind's effect) |
//! | `POST /api/approvals/{id}/withdraw` | the requester withdraws a pending request |
//! | `POST /api/prospects` | record a prospect |
//! | `GET /api/prospects?status=&q=` | prospects in the caller's data scope (ORG-4) |
//! | `GET /api/prospects/{id}` | one prospect with its requests |
//! | `POST /api/prospects/{id}/drop` | its owner gives a potential or developing prospect up (放弃) |
//!
//! A request is seen by its requester, whoever may decide or has decided a step of it,
//! and ORG-4 readers of the requester's unit; to anyone else it does not exist (404).
//! Every write is audited.

mod access;
mod prospects;
mod requests;

use zhanye_platform::Request;
use zhanye_platform::respond::{path_id as id, route_path};
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

/// The path below `prefix`, split into segments; `None` when the path is not under it.
fn segments<'a>(path: &'a str, prefix: &str) -> Option<Vec<&'a str>> {
    let rest = path.strip_prefix(prefix)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(rest.split('/').skip(1).collect())
}

async fn route(request: Request) -> ApiResult<Reply> {
    use http::Method;
    let path = route_path(&request).to_owned();
    let method = request.method().clone();
    if let Some(parts) = segments(&path, "/api/approvals") {
        return match (parts.as_slice(), &method) {
            ([], &Method::GET) => requests::list(request).await,
            ([], &Method::POST) => requests::file(request).await,
            ([], _) => Err(ApiError::method_not_allowed("GET, POST")),
            ([r], m) => match (id(r), m) {
                (None, _) => Err(ApiError::not_found()),
                (Some(r), &Method::GET) => requests::one(request, r).await,
                (Some(_), _) => Err(ApiError::method_not_allowed("GET")),
            },
            ([r, action @ ("decision" | "withdraw")], m) => match (id(r), m) {
                (None, _) => Err(ApiError::not_found()),
                (Some(r), &Method::POST) if *action == "decision" => {
                    requests::decide(request, r).await
                }
                (Some(r), &Method::POST) => requests::withdraw(request, r).await,
                (Some(_), _) => Err(ApiError::method_not_allowed("POST")),
            },
            _ => Err(ApiError::not_found()),
        };
    }
    if let Some(parts) = segments(&path, "/api/prospects") {
        return match (parts.as_slice(), &method) {
            ([], &Method::GET) => prospects::list(request).await,
            ([], &Method::POST) => prospects::create(request).await,
            ([], _) => Err(ApiError::method_not_allowed("GET, POST")),
            ([p], m) => match (id(p), m) {
                (None, _) => Err(ApiError::not_found()),
                (Some(p), &Method::GET) => prospects::one(request, p).await,
                (Some(_), _) => Err(ApiError::method_not_allowed("GET")),
            },
            ([p, "drop"], m) => match (id(p), m) {
                (None, _) => Err(ApiError::not_found()),
                (Some(p), &Method::POST) => prospects::abandon(request, p).await,
                (Some(_), _) => Err(ApiError::method_not_allowed("POST")),
            },
            _ => Err(ApiError::not_found()),
        };
    }
    Err(ApiError::not_found())
}
