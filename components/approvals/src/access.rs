//! Who is asking, as the engine sees them, with the database and the time.

use chrono::NaiveDate;
use zhanye_approvals::Actor;
use zhanye_platform::Request;
use zhanye_platform::caller::authenticate;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiResult, Db};

/// Request bodies of this component are small forms.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The signed-in caller as an actor, the database and the time.
pub struct Ctx {
    pub actor: Actor,
    pub db: Db,
    pub now: i64,
    pub today: NaiveDate,
}

impl Ctx {
    pub async fn new(request: &Request) -> ApiResult<Ctx> {
        let caller = authenticate(request).await?;
        let actor = Actor::new(&caller.code, caller.roles, &caller.unit_path);
        let db = Db::open_default().await?;
        let now = now_unix();
        Ok(Ctx {
            actor,
            db,
            now,
            today: china_date(now),
        })
    }

    /// Now as stored (RFC 3339 UTC).
    pub fn stamp(&self) -> String {
        rfc3339(self.now)
    }
}
