//! The `products` component (营销产品).
//!
//! | route | what |
//! |---|---|
//! | `GET /api/products?code=&name=&status=&risk=&category=&page=&page_size=` | PROD-2 the catalog in code order: code prefix, name prefix, status, risk level, category; paged |
//! | `GET /api/products/export?format=csv\|xlsx&…` | PROD-2 the same filters as a download: CSV streamed (any size), XLSX up to [`export::XLSX_MAX_ROWS`] rows; audited |
//! | `GET /api/products/favorites` | PROD-3 the caller's favourites, newest first |
//! | `GET /api/products/{code}` | PROD-1 every field, the documents, the favourite mark |
//! | `GET /api/products/{code}/documents/{kind}` | PROD-1 a PDF: `risk_disclosure` (风险揭示书), `contract` (合同), `prospectus` (说明书) |
//! | `PUT`/`DELETE /api/products/{code}/favorite` | PROD-3 放入收藏夹 / remove; idempotent, audited when it changes something |
//! | `POST /api/products/{code}/recommendations` | PROD-4 产品推介 to a customer the caller serves, refused (409) when unsuitable; audited |
//! | `GET /api/products/{code}/recommendations` | the caller's recommendations of the product, newest first |
//! | `GET /api/products/{code}/suitable-customers` | PROD-4 the caller's customers the product suits |
//!
//! Every signed-in staff member reads the whole catalog. A recommendation names a
//! customer in the caller's ORG-4 scope: out of scope is 404, read but not served (a
//! lead's member's customer) is 403. Codes in paths are matched upper-cased, as stored.

mod access;
mod detail;
mod export;
mod favorites;
mod list;
mod recommend;

use zhanye_platform::Request;
use zhanye_platform::respond::route_path;
use zhanye_platform::{ApiError, ApiResult, Reply};
use zhanye_products::product_code;

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    use http::Method;
    let path = route_path(&request).to_owned();
    let Some(rest) = path.strip_prefix("/api/products") else {
        return Err(ApiError::not_found());
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(ApiError::not_found());
    }
    let parts: Vec<&str> = rest.split('/').skip(1).collect();
    let method = request.method().clone();
    let get = method == Method::GET;
    match parts.as_slice() {
        [] if get => list::list(request).await,
        ["export"] if get => export::export(request).await,
        ["favorites"] if get => list::favorites(request).await,
        [] | ["export"] | ["favorites"] => Err(ApiError::method_not_allowed("GET")),
        [code, tail @ ..] => {
            let Some(code) = product_code(code) else {
                return Err(access::product_not_found());
            };
            product_route(request, &method, &code, tail).await
        }
    }
}

async fn product_route(
    request: Request,
    method: &http::Method,
    code: &str,
    tail: &[&str],
) -> ApiResult<Reply> {
    use http::Method;
    match (tail, method) {
        ([], &Method::GET) => detail::detail(request, code).await,
        (["documents", kind], &Method::GET) => detail::document(request, code, kind).await,
        (["favorite"], &Method::PUT) => favorites::set(request, code, true).await,
        (["favorite"], &Method::DELETE) => favorites::set(request, code, false).await,
        (["recommendations"], &Method::POST) => recommend::recommend(request, code).await,
        (["recommendations"], &Method::GET) => recommend::mine(request, code).await,
        (["suitable-customers"], &Method::GET) => recommend::suitable(request, code).await,
        ([] | ["documents", _] | ["suitable-customers"], _) => {
            Err(ApiError::method_not_allowed("GET"))
        }
        (["favorite"], _) => Err(ApiError::method_not_allowed("PUT, DELETE")),
        (["recommendations"], _) => Err(ApiError::method_not_allowed("GET, POST")),
        _ => Err(ApiError::not_found()),
    }
}
