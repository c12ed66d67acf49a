//! ORG-4 for one request: whether the one asking may read, serve, own or manage the
//! customer a route names, as lookups on the request context.

use zhanye_customers::scope::{may_read, may_write};
use zhanye_customers::store::detail::{self, CustomerRecord};
use zhanye_platform::{ApiError, ApiResult, Localized, RequestContext};
use zhanye_staff::Role;

/// Request bodies of this component are small.
pub const BODY_LIMIT: usize = 8 * 1024;

/// The customers a request's caller reads, serves, owns or manages.
pub(crate) trait CustomerAccess {
    /// A customer the caller reads; 404 when it does not exist, is deleted or is out of
    /// scope alike.
    async fn readable(&self, id: i64) -> ApiResult<CustomerRecord>;

    /// A customer the caller serves (owns, or has delegated now): 403 when the caller
    /// only reads it.
    async fn served(&self, id: i64) -> ApiResult<CustomerRecord>;

    /// A customer the caller owns (a delegate may not pass it on): for delegating and
    /// transferring it.
    async fn owned(&self, id: i64) -> ApiResult<CustomerRecord>;

    /// Whether the caller is a branch manager whose unit holds the customer (owned
    /// customers only).
    fn manages(&self, record: &CustomerRecord) -> bool;

    /// A customer the caller manages as branch manager of its branch.
    async fn managed(&self, id: i64) -> ApiResult<CustomerRecord>;
}

impl CustomerAccess for RequestContext {
    async fn readable(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = detail::find(&self.db, id, &self.principal().code, self.today)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if may_read(self.principal(), record.holder()) {
            Ok(record)
        } else {
            Err(ApiError::not_found())
        }
    }

    async fn served(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = self.readable(id).await?;
        if may_write(self.principal(), record.holder()) {
            Ok(record)
        } else {
            Err(ApiError::forbidden().with_detail(Localized::new(
                "您可以查看该客户，但不是其服务人员，不能修改其资料。",
                "You may view this customer but do not serve it, so you cannot change it.",
            )))
        }
    }

    async fn owned(&self, id: i64) -> ApiResult<CustomerRecord> {
        let record = self.readable(id).await?;
        if record.owner_code.as_deref() == Some(self.principal().code.as_str()) {
            Ok(record)
        } else {
            Err(ApiError::forbidden().with_detail(Localized::new(
                "只有客户的归属人员可以授权代管或申请转让该客户。",
                "Only the customer's owner may delegate or transfer it.",
            )))
        }
    }

    fn manages(&self, record: &CustomerRecord) -> bool {
        self.principal()
            .holds_at(Role::BranchManager, &record.unit_path)
            && record.owner_code.is_some()
    }

    async fn managed(&self, id: i64) -> ApiResult<CustomerRecord> {
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
