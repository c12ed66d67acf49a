//! PROD-2 the catalog list and search; PROD-3 the caller's favourites.

use zhanye_platform::Request;
use zhanye_platform::{ApiError, ApiResult, PageQuery, QueryParams, Reply, RequestContext, json};
use zhanye_products::Filters;
use zhanye_products::store::{catalog, favorites as favorite_store};

/// `GET /api/products`.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    // Every wrong parameter is reported at once, paging and filters alike.
    let (page, filters) = match (PageQuery::from_params(&query), Filters::from_params(&query)) {
        (Ok(page), Ok(filters)) => (page, filters),
        (page, filters) => {
            let errors = [page.err(), filters.err()]
                .into_iter()
                .flatten()
                .flat_map(|e| e.field_errors)
                .collect();
            return Err(ApiError::validation(errors));
        }
    };
    let found = catalog::search(&ctx.db, &ctx.principal().code, &filters, page).await?;
    json::ok(&found.map(|item| item.localize(ctx.lang)))
}

/// `GET /api/products/favorites`.
pub async fn favorites(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    let found = favorite_store::list(&ctx.db, &ctx.principal().code, page).await?;
    json::ok(&found.map(|item| item.localize(ctx.lang)))
}
