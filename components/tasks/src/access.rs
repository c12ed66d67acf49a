//! Who is asking, and which task they see (ORG-4).

use chrono::NaiveDate;
use zhanye_platform::Request;
use zhanye_platform::caller::authenticate;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiError, ApiResult, Caller, Db};
use zhanye_tasks::access::Viewer;
use zhanye_tasks::store::records::{self, TaskRecord};
use zhanye_tasks::view::TaskView;

/// Request bodies of this component are small: the longest form is three texts of at
/// most 1,000 characters.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The signed-in caller, the database and the time.
pub struct Ctx {
    pub caller: Caller,
    pub db: Db,
    pub now: i64,
    pub today: NaiveDate,
}

impl Ctx {
    pub async fn new(request: &Request) -> ApiResult<Ctx> {
        let caller = authenticate(request).await?;
        let db = Db::open_default().await?;
        let now = now_unix();
        Ok(Ctx {
            caller,
            db,
            now,
            today: china_date(now),
        })
    }

    /// Now as stored (RFC 3339 UTC).
    pub fn stamp(&self) -> String {
        rfc3339(self.now)
    }

    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            code: &self.caller.code,
            roles: &self.caller.roles,
            unit_path: &self.caller.unit_path,
        }
    }

    /// Task `id` if the caller sees it; 404 when it does not exist or they do not, alike.
    pub async fn visible(&self, id: i64) -> ApiResult<TaskRecord> {
        let task = records::find(&self.db, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let viewer = self.viewer();
        // Whether the caller co-worked on it is asked only when nothing else lets them
        // see it.
        if viewer.sees(task.parties(false))
            || (records::is_coworker(&self.db, id, &self.caller.code).await?
                && viewer.sees(task.parties(true)))
        {
            Ok(task)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// The task as answered, with its co-workers.
    pub async fn view(&self, task: &TaskRecord) -> ApiResult<TaskView> {
        let coworkers = records::coworkers(&self.db, task.id).await?;
        Ok(TaskView::of(task, coworkers, &self.stamp()))
    }
}
