//! `GET /api/tasks/{id}`: the 营销工作任务 screen — the plan, the execution, and who set
//! it up, executed or cancelled it when.

use zhanye_platform::Request;
use zhanye_platform::{ApiResult, Reply, RequestContext, json};

use crate::access::TaskAccess;

pub async fn detail(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let task = ctx.visible(id).await?;
    json::ok(&ctx.view(&task).await?)
}
