//! The `tasks` component (营销任务, TASK-1..5).
//!
//! | route | what |
//! |---|---|
//! | `POST /api/tasks` | TASK-1 营销任务发起: set up a task, for oneself or (a lead) a team member |
//! | `GET /api/tasks?status=&scope=&from=&to=&q=` | TASK-2 the open tasks (待办, overdue flagged) / TASK-4 the history (历史任务) |
//! | `GET /api/tasks/activity?from=&to=&unit=` | TASK-5 the team's activity (活动量) per member |
//! | `GET /api/tasks/{id}` | the plan, the execution, the history |
//! | `POST /api/tasks/{id}/execute` | TASK-3 营销任务执行, by the responsible |
//! | `POST /api/tasks/{id}/cancel` | cancel, by the responsible or the creator |
//!
//! ORG-4 on every route: a task the caller does not see is 404 (its existence is never
//! revealed); one they see but may not change is 403. Every write is audited.

mod access;
mod activity;
mod create;
mod detail;
mod list;
mod transitions;

use zhanye_platform::Request;
use zhanye_platform::respond::{path_id as id, route_path};
use zhanye_platform::{ApiError, ApiResult, Reply};

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    use http::Method;
    let path = route_path(&request).to_owned();
    let Some(rest) = path.strip_prefix("/api/tasks") else {
        return Err(ApiError::not_found());
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(ApiError::not_found());
    }
    let parts: Vec<&str> = rest.split('/').skip(1).collect();
    let method = request.method().clone();
    match (parts.as_slice(), &method) {
        ([], &Method::GET) => list::list(request).await,
        ([], &Method::POST) => create::create(request).await,
        ([], _) => Err(ApiError::method_not_allowed("GET, POST")),
        (["activity"], &Method::GET) => activity::activity(request).await,
        (["activity"], _) => Err(ApiError::method_not_allowed("GET")),
        ([task, tail @ ..], method) => {
            let Some(task) = id(task) else {
                return Err(ApiError::not_found());
            };
            match (tail, method) {
                ([], &Method::GET) => detail::detail(request, task).await,
                ([], _) => Err(ApiError::method_not_allowed("GET")),
                (["execute"], &Method::POST) => transitions::execute(request, task).await,
                (["cancel"], &Method::POST) => transitions::cancel(request, task).await,
                (["execute"] | ["cancel"], _) => Err(ApiError::method_not_allowed("POST")),
                _ => Err(ApiError::not_found()),
            }
        }
    }
}
