//! ORG-4 for one request: who is asking, and whether they may read, serve, own or
//! manage the customer a route names.

use chrono::NaiveDate;
use zhanye_customers::CustomerScope;
use zhanye_customers::store::detail::{self, CustomerRecord};
use zhanye_platform::Request;
use zhanye_platform::caller::authenticate;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiError, ApiResult, Caller, Db, Localized};
use zhanye_staff::Role;
use zhanye_staff::org::is_within;

/// Request bodies of this component are small.
pub const BODY_LIMIT: usize = 8 * 1024;

/// The signed-in caller, their customer scope, the database and the time.
pub struct Ctx {
    pub caller: Caller,
    pub scope: CustomerScope,
    pub db: Db,
    pub now: i64,
    pub today: NaiveDate,
}

impl Ctx {
    pub async fn new(request: &Request) -> ApiResult<Ctx> {
        let caller = authenticate(request).await?;
        let scope = CustomerScope::of(&caller.code, &caller.roles, &caller.unit_path);
        let db = Db::open_default().await?;
        let now = now_unix();
        Ok(Ctx {
            caller,
            scope,
            db,
            now,
            today: china_date(now),
        })
    }

    /// Now as stored (RFC 3339 UTC).
    pub fn stamp(&self) -> String {
        rfc3339(self.now)
    }

    /// A customer the caller reads; 404 when it does not exist, is deleted or is out of
    /// scope alike.
    pub async fn readable(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = detail::find(&self.db, id, &self.caller.code, self.today)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if self.scope.may_read(record.holder()) {
            Ok(record)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// A customer the caller serves (owns, or has delegated now): 403 when the caller
    /// only reads it.
    pub async fn served(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = self.readable(id).await?;
        if self.scope.may_write(record.holder()) {
            Ok(record)
        } else {
            Err(ApiError::forbidden().with_detail(Localized::new(
                "您可以查看该客户，但不是其服务人员，不能修改其资料。",
                "You may view this customer but do not serve it, so you cannot change it.",
            )))
        }
    }

    /// A customer the caller owns (a delegate may not pass it on): for delegating and
    /// transferring it.
    pub async fn owned(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = self.readable(id).await?;
        if record.owner_code.as_deref() == Some(self.caller.code.as_str()) {
            Ok(record)
        } else {
            Err(ApiError::forbidden().with_detail(Localized::new(
                "只有客户的归属人员可以授权代管或申请转让该客户。",
                "Only the customer's owner may delegate or transfer it.",
            )))
        }
    }

    /// Whether the caller is a branch manager whose unit holds a customer at
    /// `unit_path` (owned customers only).
    pub fn manages(&self, record: &CustomerRecord) -> bool {
        self.caller.roles.has(Role::BranchManager)
            && record.owner_code.is_some()
            && is_within(&record.unit_path, &self.caller.unit_path)
    }

    /// A customer the caller manages as branch manager of its branch.
    pub async fn managed(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = self.readable(id).await?;
        if self.manages(&record) {
            Ok(record)
        } else {
            Err(not_manager())
        }
    }
}

/// 403 for what only the customer's branch manager does.
pub fn not_manager() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "只有客户所在营业部的营业部经理可以执行此操作。",
        "Only the branch manager of the customer's branch may do this.",
    ))
}
