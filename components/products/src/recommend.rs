//! PROD-4 适当性 and 产品推介: recommending a product to a customer the caller serves,
//! refused with the reason when the customer's risk tolerance does not cover the
//! product; the caller's recommendations; the caller's customers a product suits.

use serde::Deserialize;
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, FieldError, PageQuery, Reply, RequestContext};
use zhanye_products::store::recommendations::{self, NewRecommendation};
use zhanye_products::store::suitable;
use zhanye_products::suitability;

use crate::access::{BODY_LIMIT, ProductAccess};

/// The longest note, in characters.
const NOTE_MAX_CHARS: usize = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRecommendationBody {
    customer_id: i64,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/products/{code}/recommendations` {customer_id, note?}: 201 with the
/// recorded recommendation; 409 `conflict` (nothing recorded) when the product does
/// not suit the customer, its `reason` one of `risk_tolerance_too_low`,
/// `risk_tolerance_unknown`, `product_ended`.
pub async fn recommend(request: Request, code: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let product = ctx.product(code).await?;
    let input: NewRecommendationBody = read_json(request, BODY_LIMIT).await?;
    let note = input.note.as_deref().map(str::trim).unwrap_or_default();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            reason::TOO_LONG,
        )]));
    }
    if zhanye_platform::text::has_misleading_character(note) {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            reason::MISLEADING_CHARACTER,
        )]));
    }
    if input.customer_id <= 0 {
        return Err(ApiError::invalid_field("customer_id", reason::OUT_OF_RANGE));
    }
    let customer = ctx.served_customer(input.customer_id).await?;
    let tolerance = suitability::check(
        customer.risk_tolerance.as_deref(),
        product.risk,
        product.status,
    )
    .map_err(|refusal| {
        ApiError::conflict()
            .with_detail(refusal.detail())
            .with_extension("reason", serde_json::json!(refusal.code()))
    })?;
    let now = ctx.stamp();
    let id = ctx
        .db
        .transaction(async |tx| {
            let id = recommendations::add(
                tx,
                &NewRecommendation {
                    product_code: code,
                    customer_id: customer.id,
                    staff_code: &ctx.principal().code,
                    risk: product.risk,
                    tolerance,
                    note,
                    created_at: &now,
                },
            )
            .await?;
            let detail = serde_json::json!({
                "recommendation_id": id,
                "customer_id": customer.id,
                "risk_level": product.risk.code(),
                "risk_tolerance": tolerance.as_str(),
            });
            tx.audit(
                &ctx.principal().code,
                "product.recommend",
                Some(code),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(id)
        })
        .await?;
    let recorded = recommendations::find(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::internal("a new recommendation is not found"))?;
    json::created(&recorded)
}

/// `GET /api/products/{code}/recommendations`: the caller's, newest first.
pub async fn mine(request: Request, code: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    ctx.product(code).await?;
    json::ok(&recommendations::by_staff(&ctx.db, &ctx.principal().code, code, page).await?)
}

/// `GET /api/products/{code}/suitable-customers`: the customers the caller serves whose
/// risk tolerance covers the product, in name order; none for an ended product.
pub async fn suitable(request: Request, code: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    let product = ctx.product(code).await?;
    if product.status == zhanye_products::ProductStatus::Ended {
        return json::ok(&zhanye_platform::Page::<suitable::SuitableCustomer>::new(
            Vec::new(),
            0,
            page,
        )?);
    }
    json::ok(
        &suitable::customers(
            &ctx.db,
            &ctx.principal().code,
            ctx.today,
            product.risk,
            page,
        )
        .await?,
    )
}
