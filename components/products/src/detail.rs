//! PROD-1 one product, and its documents as PDF downloads.

use http::{HeaderValue, StatusCode, header};
use zhanye_platform::Request;
use zhanye_platform::{ApiError, ApiResult, Localized, Reply, ReplyBody, RequestContext, json};
use zhanye_products::DocumentKind;
use zhanye_products::download::content_disposition;
use zhanye_products::store::{catalog, documents};

use crate::access::{ProductAccess, product_not_found};

/// `GET /api/products/{code}`.
pub async fn detail(request: Request, code: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let product = catalog::find(&ctx.db, code, &ctx.principal().code)
        .await?
        .ok_or_else(product_not_found)?;
    json::ok(&product.localize(ctx.lang))
}

/// Documents change only when the issuer sends a new one (a new `ETag`): a browser may
/// keep one a few minutes, never share it.
const DOCUMENT_CACHE: &str = "private, max-age=300";

/// `GET /api/products/{code}/documents/{kind}`: the PDF as an attachment, with its
/// SHA-256 as `ETag` (`If-None-Match` answers 304 without the bytes).
pub async fn document(request: Request, code: &str, kind: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let Some(kind) = DocumentKind::parse(kind) else {
        return Err(no_document());
    };
    ctx.product(code).await?;
    let etag = |sha256: &str| format!("\"{sha256}\"");
    if let Some(asked) = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && let Some(sha256) = documents::digest(&ctx.db, code, kind).await?
        && asked
            .split(',')
            .any(|tag| tag.trim() == etag(&sha256) || tag.trim() == "*")
    {
        return http::Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag(&sha256))
            .header(header::CACHE_CONTROL, DOCUMENT_CACHE)
            .body(ReplyBody::from(Vec::new()))
            .map_err(|e| ApiError::internal(format!("building a 304: {e}")));
    }
    let document = documents::content(&ctx.db, code, kind)
        .await?
        .ok_or_else(no_document)?;
    let disposition = content_disposition(code, kind.as_str(), &document.file_name);
    http::Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition)
                .map_err(|e| ApiError::internal(format!("a Content-Disposition: {e}")))?,
        )
        .header(header::CONTENT_LENGTH, document.content.len())
        .header(header::CACHE_CONTROL, DOCUMENT_CACHE)
        .header(header::ETAG, etag(&document.sha256))
        .header("x-content-type-options", "nosniff")
        .body(ReplyBody::from(document.content))
        .map_err(|e| ApiError::internal(format!("building a document download: {e}")))
}

fn no_document() -> ApiError {
    ApiError::not_found().with_detail(Localized::new(
        "该产品没有这份文件。",
        "The product has no such document.",
    ))
}
