//! The one request context of a signed-in route: who is asking, the database, the time
//! and the language of the answer.
//!
//! ```ignore
//! let ctx = RequestContext::new(&request).await?;
//! let mine = some_store::list(&ctx.db, &ctx.principal().code, ctx.today).await?;
//! ```
//!
//! Components keep their own lookups (a customer the caller reads, a task they see …)
//! as extension traits over it in their `access` module.

use chrono::NaiveDate;
use zhanye_staff::Principal;

use crate::caller::{
    Session, authenticate, authenticate_allowing_enrolment, authenticate_allowing_password_change,
};
use crate::db::Db;
use crate::lang::Lang;
use crate::problem::ApiError;
use crate::time::{china_date, now_unix, rfc3339};

/// A signed-in request: its session, the database, now and the language of the answer.
pub struct RequestContext {
    pub session: Session,
    pub db: Db,
    /// Now, Unix seconds.
    pub now: i64,
    /// Today in China time (the business day).
    pub today: NaiveDate,
    pub lang: Lang,
}

impl RequestContext {
    /// The context of a request: 401 without a valid token, 403
    /// `password_change_required` while the password must be changed (the token is
    /// checked before the database is opened).
    pub async fn new<B>(request: &http::Request<B>) -> Result<RequestContext, ApiError> {
        let session = authenticate(request).await?;
        RequestContext::open(session, request).await
    }

    /// The context of a route that stays open while the password must be changed.
    pub async fn allowing_password_change<B>(
        request: &http::Request<B>,
    ) -> Result<RequestContext, ApiError> {
        let session = authenticate_allowing_password_change(request).await?;
        RequestContext::open(session, request).await
    }

    /// The context of a route that sets up a second factor: open while the role
    /// requires one not yet set up.
    pub async fn allowing_second_factor_enrolment<B>(
        request: &http::Request<B>,
    ) -> Result<RequestContext, ApiError> {
        let session = authenticate_allowing_enrolment(request).await?;
        RequestContext::open(session, request).await
    }

    async fn open<B>(
        session: Session,
        request: &http::Request<B>,
    ) -> Result<RequestContext, ApiError> {
        let db = Db::open_default().await?;
        let now = now_unix();
        Ok(RequestContext {
            session,
            db,
            now,
            today: china_date(now),
            lang: Lang::from_headers(request.headers()),
        })
    }

    /// Who is asking.
    pub fn principal(&self) -> &Principal {
        &self.session.principal
    }

    /// Now as stored (RFC 3339 UTC).
    pub fn stamp(&self) -> String {
        rfc3339(self.now)
    }
}
