//! One customer: CUST-2/8 detail, CUST-3 performance, the asset trend, and the soft
//! delete (ORG-5).

use chrono::Days;
use serde::Serialize;
use zhanye_approvals::store::requests;
use zhanye_approvals::{Kind, engine};
use zhanye_customers::Month;
use zhanye_customers::masking::{mask_address, mask_email, mask_mobile};
use zhanye_customers::performance::MonthlyPerformance;
use zhanye_customers::scope::{may_unmask, may_write};
use zhanye_customers::store::detail::{self, AssetPoint, Holding, TimelineEntry};
use zhanye_customers::store::search::split_tags;
use zhanye_money::Money;
use zhanye_platform::Request;
use zhanye_platform::problem::reason;
use zhanye_platform::time::parse_date;
use zhanye_platform::{ApiError, ApiResult, QueryParams, Reply, RequestContext, json};
use zhanye_staff::identity::age_on;

use crate::access::CustomerAccess;

/// Timeline lines shown with the detail.
const TIMELINE_LENGTH: u32 = 20;

#[derive(Serialize)]
struct Owner {
    code: String,
    name: Option<String>,
}

#[derive(Serialize)]
struct ContactData {
    mobile: Option<String>,
    email: Option<String>,
    address: Option<String>,
    /// Always masked: the whole number is never kept.
    id_number: Option<String>,
    masked: bool,
}

/// What the caller may do with the customer.
#[derive(Serialize)]
struct Permissions {
    write: bool,
    unmask: bool,
    delegate: bool,
    manage: bool,
}

#[derive(Serialize)]
struct Detail {
    id: i64,
    account_no: String,
    name: String,
    kind: String,
    gender: Option<String>,
    age: Option<i32>,
    status: String,
    grade: Option<String>,
    level: Option<String>,
    risk_tolerance: Option<String>,
    owner: Option<Owner>,
    open_date: Option<String>,
    effective_date: Option<String>,
    assessment_effective_date: Option<String>,
    lost_date: Option<String>,
    lost_assets: Money,
    total_assets: Money,
    cash: Money,
    assets_day: Option<String>,
    last_trade_day: Option<String>,
    last_contact_month: Option<String>,
    tags: Vec<String>,
    followed: bool,
    delegated_to_you: bool,
    contact: ContactData,
    holdings: Vec<Holding>,
    timeline: Vec<TimelineEntry>,
    /// The pending 转让 request about the customer, if one is filed: its id.
    pending_transfer: Option<i64>,
    permissions: Permissions,
}

fn flag(query: &QueryParams, name: &str) -> ApiResult<bool> {
    match query.get_non_empty(name) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(ApiError::invalid_field(name, reason::INVALID)),
    }
}

/// `GET /api/customers/{id}[?unmask=true]`.
pub async fn detail(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let unmask = flag(&query, "unmask")?;
    let record = ctx.readable(id).await?;
    let holder = record.holder();
    let may_unmask = may_unmask(ctx.principal(), holder);
    if unmask && !may_unmask {
        return Err(
            ApiError::forbidden().with_detail(zhanye_platform::Localized::new(
                "只有客户的服务人员可以查看完整的联系方式。",
                "Only who serves the customer may see its contact data unmasked.",
            )),
        );
    }
    let permissions = Permissions {
        write: may_write(ctx.principal(), holder),
        unmask: may_unmask,
        delegate: record.owner_code.as_deref() == Some(ctx.principal().code.as_str()),
        manage: ctx.manages(&record),
    };
    if unmask {
        let detail = serde_json::json!({"fields": ["mobile", "email", "address"]});
        ctx.db
            .audit(
                &ctx.principal().code,
                "customer.unmask",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
    }
    let contact = ContactData {
        mobile: record
            .mobile
            .as_deref()
            .map(|m| if unmask { m.to_owned() } else { mask_mobile(m) }),
        email: record
            .email
            .as_deref()
            .map(|e| if unmask { e.to_owned() } else { mask_email(e) }),
        address: record.address.as_deref().map(|a| {
            if unmask {
                a.to_owned()
            } else {
                mask_address(a)
            }
        }),
        id_number: record.id_number_masked.clone(),
        masked: !unmask,
    };
    let holdings = detail::holdings(&ctx.db, record.id).await?;
    let timeline = detail::timeline(&ctx.db, record.id, TIMELINE_LENGTH).await?;
    let pending_transfer =
        requests::pending_for(&ctx.db, Kind::CustomerTransfer, record.id).await?;
    let age = record
        .birth_date
        .as_deref()
        .and_then(parse_date)
        .map(|birth| age_on(birth, ctx.today));
    json::ok(&Detail {
        id: record.id,
        account_no: record.account_no,
        name: record.name,
        kind: record.kind,
        gender: record.gender,
        age,
        status: record.status,
        grade: record.grade,
        level: record.level,
        risk_tolerance: record.risk_tolerance,
        owner: record.owner_code.map(|code| Owner {
            code,
            name: record.owner_name,
        }),
        open_date: record.open_date,
        effective_date: record.effective_date,
        assessment_effective_date: record.assessment_effective_date,
        lost_date: record.lost_date,
        lost_assets: Money::from_fen(record.lost_assets),
        total_assets: Money::from_fen(record.total_assets),
        cash: Money::from_fen(record.cash),
        assets_day: record.assets_day,
        last_trade_day: record.last_trade_day,
        last_contact_month: Month::from_stored(record.last_contact_month).map(|m| m.to_string()),
        tags: split_tags(&record.tags),
        followed: record.followed,
        delegated_to_you: record.delegated_to_caller,
        contact,
        holdings,
        timeline,
        pending_transfer,
        permissions,
    })
}

/// A whole number parameter in `range`, `default` when absent.
fn number(
    query: &QueryParams,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
    default: u32,
) -> ApiResult<u32> {
    let Some(text) = query.get_non_empty(name) else {
        return Ok(default);
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid_field(name, reason::INVALID_FORMAT));
    }
    text.parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| ApiError::invalid_field(name, reason::OUT_OF_RANGE))
}

#[derive(Serialize)]
struct PerformanceMonth {
    month: String,
    figures: Option<MonthlyPerformance>,
}

#[derive(Serialize)]
struct Performance {
    customer_id: i64,
    account_no: String,
    months: Vec<PerformanceMonth>,
}

/// `GET /api/customers/{id}/performance?months=6[&month=YYYY-MM]`: CUST-3, newest first
/// from `month` (default this month), every month listed, `figures: null` without a row.
pub async fn performance(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let count = number(&query, "months", 1..=24, 6)?;
    let newest = match query.get_non_empty("month") {
        None => Month::of(ctx.today),
        Some(text) => Month::parse(text)
            .ok_or_else(|| ApiError::invalid_field("month", reason::INVALID_FORMAT))?,
    };
    let record = ctx.readable(id).await?;
    let months = newest.last(count as usize);
    let oldest = months.last().copied().unwrap_or(newest);
    let found = detail::months(&ctx.db, record.id, oldest, newest).await?;
    let months = months
        .into_iter()
        .map(|month| PerformanceMonth {
            month: month.to_string(),
            figures: found
                .iter()
                .find(|(m, _)| *m == month)
                .map(|(_, figures)| *figures),
        })
        .collect();
    json::ok(&Performance {
        customer_id: record.id,
        account_no: record.account_no,
        months,
    })
}

#[derive(Serialize)]
struct Assets {
    customer_id: i64,
    account_no: String,
    from: String,
    to: String,
    points: Vec<AssetPoint>,
}

/// `GET /api/customers/{id}/assets?days=30`: the daily snapshots of the last `days`
/// days (1–366) up to today, oldest first, for a chart.
pub async fn assets(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let query = QueryParams::from_uri(request.uri());
    let days = number(&query, "days", 1..=366, 30)?;
    let record = ctx.readable(id).await?;
    let from = ctx
        .today
        .checked_sub_days(Days::new(u64::from(days) - 1))
        .unwrap_or(ctx.today);
    let points = detail::daily_assets(&ctx.db, record.id, from, ctx.today).await?;
    json::ok(&Assets {
        customer_id: record.id,
        account_no: record.account_no,
        from: from.to_string(),
        to: ctx.today.to_string(),
        points,
    })
}

/// `DELETE /api/customers/{id}`: soft delete by the branch manager of the customer's
/// branch (ORG-5); its pending transfer request is withdrawn in the same transaction.
pub async fn remove(request: Request, id: i64) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let record = ctx.managed(id).await?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if !detail::soft_delete(tx, record.id, &now).await? {
                return Err(ApiError::not_found());
            }
            engine::withdraw_for_removed_subject(
                tx,
                Kind::CustomerTransfer,
                record.id,
                "客户已删除",
                &now,
            )
            .await?;
            let detail = serde_json::json!({
                "account_no": record.account_no,
                "owner_code": record.owner_code,
            });
            tx.audit(
                &ctx.principal().code,
                "customer.delete",
                Some(&record.id.to_string()),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    Ok(json::no_content())
}
