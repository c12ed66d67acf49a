//! Who is asking, in what language, and what the route names: the product (every
//! signed-in staff member reads the whole catalog) and, for recommendations, a customer
//! in the caller's ORG-4 scope.

use chrono::NaiveDate;
use zhanye_customers::CustomerScope;
use zhanye_customers::store::detail::{self, CustomerRecord};
use zhanye_platform::Request;
use zhanye_platform::caller::authenticate;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiError, ApiResult, Caller, Db, Lang, Localized};
use zhanye_products::store::catalog::{self, Rated};

/// Request bodies of this component are small.
pub const BODY_LIMIT: usize = 8 * 1024;

/// The signed-in caller, the request's language, the database and the time.
pub struct Ctx {
    pub caller: Caller,
    pub lang: Lang,
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
            lang: Lang::from_headers(request.headers()),
            db,
            now,
            today: china_date(now),
        })
    }

    /// Now as stored (RFC 3339 UTC).
    pub fn stamp(&self) -> String {
        rfc3339(self.now)
    }

    /// The risk level and status of a product; 404 when there is none.
    pub async fn product(&self, code: &str) -> ApiResult<Rated> {
        catalog::rated(&self.db, code)
            .await?
            .ok_or_else(product_not_found)
    }

    /// A customer the caller serves (owns, or has delegated now). One outside the
    /// caller's scope is 404 as if it did not exist; one the caller only reads (a lead's
    /// member's, a manager's branch's) is 403.
    pub async fn served_customer(&self, id: i64) -> ApiResult<CustomerRecord> {
        let scope = CustomerScope::of(
            &self.caller.code,
            &self.caller.roles,
            &self.caller.unit_path,
        );
        let record = detail::find(&self.db, id, &self.caller.code, self.today)
            .await?
            .filter(|record| scope.may_read(record.holder()))
            .ok_or_else(|| {
                ApiError::not_found().with_detail(Localized::new(
                    "客户不存在或不在您的数据范围内。",
                    "No such customer in your data scope.",
                ))
            })?;
        if scope.may_write(record.holder()) {
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
