//! Lists of customers: CUST-1 search and its CSV export, CUST-4 followed customers,
//! CUST-5 customers due for contact.

use serde::Serialize;
use zhanye_customers::Month;
use zhanye_customers::masking::mask_mobile;
use zhanye_customers::store::search::{self, EXPORT_MAX_ROWS, Filters, ListItem};
use zhanye_customers::store::{contacts, follows};
use zhanye_platform::Request;
use zhanye_platform::csv::Csv;
use zhanye_platform::problem::reason;
use zhanye_platform::{
    ApiError, ApiResult, Page, PageQuery, QueryParams, Reply, RequestContext, json,
};

/// `GET /api/customers`.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let filters = Filters::from_params(&query)?;
    json::ok(&search::search(&ctx.db, ctx.principal(), ctx.today, &filters, page).await?)
}

/// `GET /api/customers/export`: the list's filters, as CSV.
pub async fn export(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let filters = Filters::from_params(&query)?;
    let (items, total, capped) =
        search::export(&ctx.db, ctx.principal(), ctx.today, &filters).await?;
    let mut csv = Csv::new(&[
        "资金账号",
        "客户姓名",
        "客户状态",
        "客户等级",
        "客户级别",
        "风险承受能力",
        "归属人员代码",
        "归属人员姓名",
        "总资产",
        "开户日期",
        "手机号码",
        "标签",
    ]);
    for item in &items {
        let fields = [
            item.account_no.clone(),
            item.name.clone(),
            item.status.clone(),
            item.grade.clone().unwrap_or_default(),
            item.level.clone().unwrap_or_default(),
            item.risk_tolerance.clone().unwrap_or_default(),
            item.owner_code.clone().unwrap_or_default(),
            item.owner_name.clone().unwrap_or_default(),
            item.total_assets.to_string(),
            item.open_date.clone().unwrap_or_default(),
            item.mobile.as_deref().map(mask_mobile).unwrap_or_default(),
            item.tags.join(","),
        ];
        csv.row(fields.iter().map(String::as_str));
    }
    let detail = serde_json::json!({
        "filters": filters.describe(),
        "rows": items.len(),
        "total": total,
        "total_capped": capped,
        "limit": EXPORT_MAX_ROWS,
    });
    ctx.db
        .audit(
            &ctx.principal().code,
            "customer.export",
            None,
            Some(&detail.to_string()),
        )
        .await?;
    let mut reply = csv.into_reply(&format!("customers-{}.csv", ctx.today.format("%Y%m%d")))?;
    reply
        .headers_mut()
        .insert("x-total-count", http::HeaderValue::from(total));
    if capped {
        reply
            .headers_mut()
            .insert("x-total-capped", http::HeaderValue::from_static("true"));
    }
    Ok(reply)
}

/// `GET /api/customers/followed`.
pub async fn followed(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let page = PageQuery::from_query(request.uri().query())?;
    json::ok(&follows::followed(&ctx.db, ctx.principal(), ctx.today, page).await?)
}

#[derive(Serialize)]
struct Due {
    month: String,
    #[serde(flatten)]
    customers: Page<ListItem>,
}

/// `GET /api/customers/contacts/due?month=YYYY-MM`: the caller's own and delegated
/// existing customers with no contact record in the month (default: this month).
pub async fn due(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let page = PageQuery::from_params(&query)?;
    let month = match query.get_non_empty("month") {
        None => Month::of(ctx.today),
        Some(text) => Month::parse(text)
            .ok_or_else(|| ApiError::invalid_field("month", reason::INVALID_FORMAT))?,
    };
    let customers = contacts::due(&ctx.db, &ctx.principal().code, ctx.today, month, page).await?;
    json::ok(&Due {
        month: month.to_string(),
        customers,
    })
}
