//! PROD-3 放入收藏夹: the caller's own bookmark of a product, shown on HOME.

use serde::Serialize;
use zhanye_platform::Request;
use zhanye_platform::{ApiResult, Reply, RequestContext, json};
use zhanye_products::store::favorites;

use crate::access::ProductAccess;

#[derive(Serialize)]
struct Favorite<'a> {
    code: &'a str,
    favorite: bool,
}

/// `PUT` (add) / `DELETE` (remove) `/api/products/{code}/favorite`; idempotent, and
/// audited when it changes something.
pub async fn set(request: Request, code: &str, on: bool) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    ctx.product(code).await?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            let changed = if on {
                favorites::add(tx, &ctx.principal().code, code, &now).await?
            } else {
                favorites::remove(tx, &ctx.principal().code, code).await?
            };
            if changed {
                let action = if on {
                    "product.favorite"
                } else {
                    "product.unfavorite"
                };
                tx.audit(&ctx.principal().code, action, Some(code), None)
                    .await?;
            }
            Ok(())
        })
        .await?;
    json::ok(&Favorite { code, favorite: on })
}
