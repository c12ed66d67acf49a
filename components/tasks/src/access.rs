//! Which task the one asking sees (ORG-4), as lookups on the request context.

use zhanye_platform::{ApiError, ApiResult, RequestContext};
use zhanye_tasks::access::{Permissions, sees};
use zhanye_tasks::store::records::{self, TaskRecord};
use zhanye_tasks::view::TaskView;

/// Request bodies of this component are small: the longest form is three texts of at
/// most 1,000 characters.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The tasks a request's caller sees.
pub(crate) trait TaskAccess {
    /// Task `id` if the caller sees it; 404 when it does not exist or they do not, alike.
    async fn visible(&self, id: i64) -> ApiResult<TaskRecord>;

    /// The task as answered, with its co-workers and what the caller may do with it.
    async fn view(&self, task: &TaskRecord) -> ApiResult<TaskView>;
}

impl TaskAccess for RequestContext {
    async fn visible(&self, id: i64) -> ApiResult<TaskRecord> {
        let task = records::find(&self.db, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let who = self.principal();
        // Whether the caller co-worked on it is asked only when nothing else lets them
        // see it.
        if sees(who, task.parties(false))
            || (records::is_coworker(&self.db, id, &who.code).await?
                && sees(who, task.parties(true)))
        {
            Ok(task)
        } else {
            Err(ApiError::not_found())
        }
    }

    async fn view(&self, task: &TaskRecord) -> ApiResult<TaskView> {
        let coworkers = records::coworkers(&self.db, task.id).await?;
        let permissions = Permissions::of(self.principal(), task.parties(false), task.status);
        Ok(TaskView::of(task, coworkers, &self.stamp(), permissions))
    }
}
