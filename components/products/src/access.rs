//! What a route names, as lookups on the request context: the product (every signed-in
//! staff member reads the whole catalog) and, for recommendations, a customer in the
//! caller's ORG-4 scope.

use zhanye_customers::scope::{may_read, may_write};
use zhanye_customers::store::detail::{self, CustomerRecord};
use zhanye_platform::{ApiError, ApiResult, Localized, RequestContext};
use zhanye_products::store::catalog::{self, Rated};

/// Request bodies of this component are small.
pub const BODY_LIMIT: usize = 8 * 1024;

/// What a product route names, as the request's caller may reach it.
pub(crate) trait ProductAccess {
    /// The risk level and status of a product; 404 when there is none.
    async fn product(&self, code: &str) -> ApiResult<Rated>;

    /// A customer the caller serves (owns, or has delegated now). One outside the
    /// caller's scope is 404 as if it did not exist; one the caller only reads (a lead's
    /// member's, a manager's branch's) is 403.
    async fn served_customer(&self, id: i64) -> ApiResult<CustomerRecord>;
}

impl ProductAccess for RequestContext {
    async fn product(&self, code: &str) -> ApiResult<Rated> {
        catalog::rated(&self.db, code)
            .await?
            .ok_or_else(product_not_found)
    }

    async fn served_customer(&self, id: i64) -> ApiResult<CustomerRecord> {
        let who = self.principal();
        let record = detail::find(&self.db, id, &who.code, self.today)
            .await?
            .filter(|record| may_read(who, record.holder()))
            .ok_or_else(|| {
                ApiError::not_found().with_detail(Localized::new(
                    "客户不存在或不在您的数据范围内。",
                    "No such customer in your data scope.",
                ))
            })?;
        if may_write(who, record.holder()) {
            Ok(record)
        } else {
            Err(ApiError::forbidden().with_detail(Localized::new(
                "您可以查看该客户，但不是其服务人员，不能向其推介产品。",
                "You may view this customer but do not serve it, so you cannot recommend products to it.",
            )))
        }
    }
}

/// 404 for a product code that names nothing.
pub fn product_not_found() -> ApiError {
    ApiError::not_found().with_detail(Localized::new("没有这个产品。", "No such product."))
}
