//! `GET /api/tasks`: the caller's open tasks (待办, TASK-2) by planned time with the
//! overdue flagged, or their history (历史任务, TASK-4) newest first, searchable by date
//! and customer; `scope=team` for a lead's team, a manager's branch or HQ's firm,
//! `scope=coworked` for the tasks the caller helped with, `scope=assigned` for those
//! they set up for someone else (我发起的; see `zhanye_tasks::listing`).

use serde::Serialize;
use zhanye_platform::Request;
use zhanye_platform::{ApiResult, Page, PageQuery, QueryParams, Reply, RequestContext, json};
use zhanye_tasks::access::no_team;
use zhanye_tasks::listing::{ListQuery, ListScope};
use zhanye_tasks::store::lists::{self, Whose};
use zhanye_tasks::view::TaskSummary;

#[derive(Serialize)]
struct TaskList {
    status: &'static str,
    scope: &'static str,
    /// Of all the listed tasks, how many are overdue (open lists only; 0 otherwise).
    overdue: u64,
    #[serde(flatten)]
    tasks: Page<TaskSummary>,
}

pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&params)?;
    let query = ListQuery::from_params(&params)?;
    let whose = match query.scope {
        ListScope::Own => Whose::Responsible(&ctx.principal().code),
        ListScope::Team => Whose::Unit(ctx.principal().readable_subtree().ok_or_else(no_team)?),
        ListScope::Coworked => Whose::Coworker(&ctx.principal().code),
        ListScope::Assigned => Whose::AssignedBy(&ctx.principal().code),
    };
    let now = ctx.stamp();
    let found = lists::list(&ctx.db, whose, &query, &now, page).await?;
    json::ok(&TaskList {
        status: query.status.as_str(),
        scope: query.scope.as_str(),
        overdue: found.overdue,
        tasks: found.page.map(|task| TaskSummary::of(task, &now)),
    })
}
