//! The `customers` component (客户).
//!
//! | route | what |
//! |---|---|
//! | `GET /api/customers` | CUST-1 list and search in scope (`q`, `status`, `grade`, `level`, `tag`, `stock`, `sort`, paged) |
//! | `GET /api/customers/export` | the same list as CSV (at most 10,000 rows, mobiles masked; audited) |
//! | `GET /api/customers/followed` | CUST-4 the caller's followed customers still in scope |
//! | `GET /api/customers/contacts/due?month=` | CUST-5 the caller's existing customers not contacted in the month |
//! | `GET /api/customers/delegations` | ORG-5 delegations the caller gave and received, active |
//! | `GET /api/customers/{id}` | CUST-2/8 detail, contact data masked (`?unmask=true` for who serves it; audited) |
//! | `DELETE /api/customers/{id}` | ORG-5 soft delete, by the branch manager of the customer's branch |
//! | `GET /api/customers/{id}/performance?months=&month=` | CUST-3 monthly performance, newest first |
//! | `GET /api/customers/{id}/assets?days=` | the daily asset trend |
//! | `PUT`/`DELETE /api/customers/{id}/follow` | CUST-4 follow, unfollow |
//! | `GET`/`POST /api/customers/{id}/notes` | CUST-5 批注 |
//! | `GET`/`POST /api/customers/{id}/contacts` | CUST-5 沟通记录 |
//! | `POST /api/customers/{id}/delegations` | ORG-5 授权代管, by the owner |
//! | `POST /api/customers/{id}/delegations/{delegation_id}/revoke` | ORG-5 end a delegation, by the owner |
//! | `POST /api/customers/{id}/transfers` | ORG-5 转让 request, by the owner, filed with the approvals engine (listed and decided under `/api/approvals`) |
//! | `GET /api/alerts?kind=&page=&page_size=` | ALERT-1 the caller's alerts, unread first, with the unread count |
//! | `POST /api/alerts/{id}/acknowledge` | ALERT-1 已读确认 with an optional note (idempotent; someone else's alert is 404) |
//!
//! ORG-4 on every route: a customer the caller does not read is 404 (its existence is
//! never revealed); one the caller reads but does not serve (a lead's, manager's or
//! HQ's view) is 403 for writes. Every write and every unmasked read is audited.

mod access;
mod alerts;
mod detail;
mod list;
mod org5;
mod records;

use zhanye_platform::Request;
use zhanye_platform::respond::{path_id as id, route_path};
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    use http::Method;
    let path = route_path(&request).to_owned();
    if let Some(rest) = path.strip_prefix("/api/alerts") {
        return alert_route(request, rest).await;
    }
    let Some(rest) = path.strip_prefix("/api/customers") else {
        return Err(ApiError::not_found());
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(ApiError::not_found());
    }
    let parts: Vec<&str> = rest.split('/').skip(1).collect();
    let method = request.method().clone();
    let get = method == Method::GET;
    match parts.as_slice() {
        [] if get => list::list(request).await,
        ["export"] if get => list::export(request).await,
        ["followed"] if get => list::followed(request).await,
        ["contacts", "due"] if get => list::due(request).await,
        ["delegations"] if get => org5::delegations(request).await,
        [] | ["export"] | ["followed"] | ["contacts", "due"] | ["delegations"] => {
            Err(ApiError::method_not_allowed("GET"))
        }
        [c, tail @ ..] => {
            let Some(customer) = id(c) else {
                return Err(ApiError::not_found());
            };
            customer_route(request, &method, customer, tail).await
        }
    }
}

/// `/api/alerts…`, `rest` after the prefix.
async fn alert_route(request: Request, rest: &str) -> ApiResult<Reply> {
    use http::Method;
    let method = request.method().clone();
    match rest
        .strip_prefix('/')
        .unwrap_or(rest)
        .split('/')
        .collect::<Vec<_>>()
        .as_slice()
    {
        [""] if method == Method::GET => alerts::list(request).await,
        [""] => Err(ApiError::method_not_allowed("GET")),
        [a, "acknowledge"] => match id(a) {
            None => Err(ApiError::not_found()),
            Some(alert) if method == Method::POST => alerts::acknowledge(request, alert).await,
            Some(_) => Err(ApiError::method_not_allowed("POST")),
        },
        _ => Err(ApiError::not_found()),
    }
}

async fn customer_route(
    request: Request,
    method: &http::Method,
    customer: i64,
    tail: &[&str],
) -> ApiResult<Reply> {
    use http::Method;
    match (tail, method) {
        ([], &Method::GET) => detail::detail(request, customer).await,
        ([], &Method::DELETE) => detail::remove(request, customer).await,
        ([], _) => Err(ApiError::method_not_allowed("GET, DELETE")),
        (["performance"], &Method::GET) => detail::performance(request, customer).await,
        (["assets"], &Method::GET) => detail::assets(request, customer).await,
        (["performance"] | ["assets"], _) => Err(ApiError::method_not_allowed("GET")),
        (["follow"], &Method::PUT) => records::follow(request, customer, true).await,
        (["follow"], &Method::DELETE) => records::follow(request, customer, false).await,
        (["follow"], _) => Err(ApiError::method_not_allowed("PUT, DELETE")),
        (["notes"], &Method::GET) => records::notes(request, customer).await,
        (["notes"], &Method::POST) => records::add_note(request, customer).await,
        (["contacts"], &Method::GET) => records::contacts(request, customer).await,
        (["contacts"], &Method::POST) => records::add_contact(request, customer).await,
        (["notes"] | ["contacts"], _) => Err(ApiError::method_not_allowed("GET, POST")),
        (["delegations"], &Method::POST) => org5::delegate(request, customer).await,
        (["transfers"], &Method::POST) => org5::request_transfer(request, customer).await,
        (["delegations"] | ["transfers"], _) => Err(ApiError::method_not_allowed("POST")),
        (["delegations", d, "revoke"], m) => match id(d) {
            None => Err(ApiError::not_found()),
            Some(delegation) if *m == Method::POST => {
                org5::revoke(request, customer, delegation).await
            }
            Some(_) => Err(ApiError::method_not_allowed("POST")),
        },
        _ => Err(ApiError::not_found()),
    }
}
