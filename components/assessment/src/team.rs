//! ASSESS-6 for leads and managers: `GET /api/assessments/team` (a unit's ranking,
//! paged), `GET /api/assessments/team/export` (the same ranking, every row, as XLSX)
//! and `GET /api/assessments/rollup` (per team, branch or region).
//!
//! The unit is the caller's own (a lead's team, a branch manager's branch, HQ's firm)
//! unless `unit` names one within it (by id); a unit outside it, or none, is 403. A
//! plain rep is refused (403).

use http::header;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use zhanye_assessment::Rank;
use zhanye_assessment::store::run::{self, RunStatus};
use zhanye_assessment::store::views::{self, Ranked, Sort, Unit, UnitKind};
use zhanye_customers::month::Month;
use zhanye_money::Money;
use zhanye_platform::Request;
use zhanye_platform::attachment;
use zhanye_platform::problem::reason;
use zhanye_platform::respond::path_id;
use zhanye_platform::{
    ApiError, ApiResult, Lang, Localized, Page, PageQuery, QueryParams, Reply, ReplyBody,
    RequestContext, json,
};
use zhanye_staff::org::is_within;

use crate::access::{AssessmentAccess, Category, assessed_month, forbidden, two_places};

/// The most rows an XLSX ranking holds (about 2 KiB of instance memory each).
pub const XLSX_MAX_ROWS: u64 = 20_000;

const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The ranking's columns in the workbook.
const HEADERS: [&str; 13] = [
    "名次",
    "人员代码",
    "姓名",
    "所属团队",
    "职级",
    "考核得分",
    "净佣金（元）",
    "交易量（元）",
    "新增有效户",
    "完成任务数",
    "客户沟通次数",
    "签到率",
    "收入合计（元）",
];

#[derive(Serialize)]
struct UnitView {
    id: i64,
    code: String,
    name: String,
    kind: &'static str,
}

impl UnitView {
    fn of(unit: &Unit) -> UnitView {
        UnitView {
            id: unit.id,
            code: unit.code.clone(),
            name: unit.name.clone(),
            kind: unit.kind.as_str(),
        }
    }
}

#[derive(Serialize)]
struct RankedView {
    position: i64,
    code: String,
    name: String,
    unit_name: Option<String>,
    rank: Rank,
    rank_label: &'static str,
    score: String,
    net_commission: Money,
    volume: Money,
    new_effective: i64,
    tasks_done: i64,
    contacts: i64,
    checkin_rate: String,
    pay_total: Money,
}

impl RankedView {
    fn of(row: Ranked, lang: Lang) -> RankedView {
        let (zh, en) = row.rank.labels();
        RankedView {
            position: row.position,
            code: row.code,
            name: row.name,
            unit_name: row.unit_name,
            rank: row.rank,
            rank_label: lang.pick(zh, en),
            score: two_places(row.score),
            net_commission: row.net_commission,
            volume: row.volume,
            new_effective: row.new_effective,
            tasks_done: row.tasks_done,
            contacts: row.contacts,
            checkin_rate: row.checkin_rate.to_string(),
            pay_total: row.pay_total,
        }
    }
}

#[derive(Serialize)]
struct Ranking {
    month: String,
    status: RunStatus,
    unit: UnitView,
    sort: &'static str,
    category: Option<Category>,
    #[serde(flatten)]
    page: Page<RankedView>,
}

/// What the ranking and its export share: the month (run), the unit, the order.
struct Query {
    month: Month,
    status: RunStatus,
    unit: Unit,
    sort: Sort,
    category: Option<Category>,
}

async fn query(ctx: &RequestContext, params: &QueryParams) -> ApiResult<Query> {
    let root = ctx.subtree()?.to_owned();
    let month = assessed_month(params.get("month"), "month", ctx.today)?;
    let category = Category::parse(params.get("category"))?;
    let sort = match params.get_non_empty("sort") {
        Some(text) => {
            Sort::parse(text).ok_or_else(|| ApiError::invalid_field("sort", reason::INVALID))?
        }
        None => match category {
            Some(Category::Commission) => Sort::NetCommission,
            Some(Category::Volume) => Sort::Volume,
            _ => Sort::Score,
        },
    };
    let unit = unit_in_scope(ctx, params, &root).await?;
    let status = run::state(&ctx.db, month)
        .await?
        .ok_or_else(|| run::not_run(month))?
        .status;
    Ok(Query {
        month,
        status,
        unit,
        sort,
        category,
    })
}

/// The unit a ranking or roll-up is about: the caller's own (`root`), or the one
/// `unit` names by id when it lies within it (403 otherwise, as for an unknown id).
async fn unit_in_scope(ctx: &RequestContext, params: &QueryParams, root: &str) -> ApiResult<Unit> {
    match params.get_non_empty("unit") {
        None => views::unit_by_path(&ctx.db, root)
            .await?
            .ok_or_else(|| ApiError::internal(format!("no org unit at {root}"))),
        Some(text) => {
            let id = path_id(text)
                .ok_or_else(|| ApiError::invalid_field("unit", reason::INVALID_FORMAT))?;
            views::unit_by_id(&ctx.db, id)
                .await?
                .filter(|unit| is_within(&unit.path, root))
                .ok_or_else(outside)
        }
    }
}

fn outside() -> ApiError {
    forbidden(
        "只能查看本人管辖范围内的团队。",
        "That unit is outside the part of the firm you see.",
    )
}

pub async fn ranking(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let query = query(&ctx, &params).await?;
    let page = PageQuery::from_params(&params)?;
    let total = views::team_total(&ctx.db, query.month, &query.unit.path).await?;
    let rows = views::team(
        &ctx.db,
        query.month,
        &query.unit.path,
        query.sort,
        Some(page),
    )
    .await?;
    let page = Page::new(rows, total, page)?.map(|row| RankedView::of(row, ctx.lang));
    json::ok(&Ranking {
        month: query.month.to_string(),
        status: query.status,
        unit: UnitView::of(&query.unit),
        sort: query.sort.key(),
        category: query.category,
        page,
    })
}

/// `GET /api/assessments/team/export?month=&unit=&sort=`: the ranking as a workbook
/// (one sheet 考核排名, Chinese headers, amounts and scores as numbers); audited.
pub async fn export(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let query = query(&ctx, &params).await?;
    let total = views::team_total(&ctx.db, query.month, &query.unit.path).await?;
    if total > XLSX_MAX_ROWS {
        return Err(ApiError::invalid_field("unit", "too_many_rows")
            .with_detail(Localized::new(
                format!("共 {total} 人，超过导出上限 {XLSX_MAX_ROWS} 行，请选择更小的单位。"),
                format!("{total} staff exceed the export's limit of {XLSX_MAX_ROWS} rows; choose a smaller unit."),
            ))
            .with_extension("limit", serde_json::json!(XLSX_MAX_ROWS))
            .with_extension("total", serde_json::json!(total)));
    }
    let rows = views::team(&ctx.db, query.month, &query.unit.path, query.sort, None).await?;
    let detail = serde_json::json!({
        "month": query.month.to_string(),
        "unit": query.unit.id,
        "sort": query.sort.key(),
        "rows": rows.len(),
    });
    ctx.db
        .audit(
            &ctx.principal().code,
            "assessment.team.export",
            Some(&query.month.to_string()),
            Some(&detail.to_string()),
        )
        .await?;
    let bytes = workbook(&rows, query.month, &query.unit)?;
    let fallback = format!(
        "assessment-{}-{}.xlsx",
        query.unit.code,
        query.month.stored()
    );
    let full = format!("考核排名-{}-{}.xlsx", query.unit.name, query.month);
    http::Response::builder()
        .header(header::CONTENT_TYPE, XLSX_CONTENT_TYPE)
        .header(
            header::CONTENT_DISPOSITION,
            attachment::content_disposition(&full, &fallback),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-total-count", rows.len())
        .body(ReplyBody::from(bytes))
        .map_err(|e| ApiError::internal(format!("building the ranking export: {e}")))
}

fn yuan(amount: Money) -> f64 {
    amount.to_decimal().to_f64().unwrap_or(0.0)
}

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The workbook: one sheet 考核排名, a title row, the bold header row frozen.
fn workbook(rows: &[Ranked], month: Month, unit: &Unit) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(format!("xlsx: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("考核排名").map_err(failed)?;
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("#,##0.00");
    let score = Format::new().set_num_format("0.00");
    let rate = Format::new().set_num_format("0.00%");
    sheet
        .write_string_with_format(
            0,
            0,
            format!("{} {} 考核排名", unit.name, month.chinese()),
            &bold,
        )
        .map_err(failed)?;
    for (column, title) in HEADERS.iter().enumerate() {
        let column = column as u16;
        sheet
            .write_string_with_format(1, column, *title, &bold)
            .map_err(failed)?;
        let width = match column {
            3 => 22.0,
            4 => 16.0,
            6 | 7 | 12 => 16.0,
            _ => 11.0,
        };
        sheet.set_column_width(column, width).map_err(failed)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(failed)?;
    for (index, item) in rows.iter().enumerate() {
        let row = u32::try_from(index + 2).unwrap_or(u32::MAX);
        let (rank_zh, _) = item.rank.labels();
        sheet
            .write_number(row, 0, item.position as f64)
            .map_err(failed)?;
        sheet.write_string(row, 1, &item.code).map_err(failed)?;
        sheet.write_string(row, 2, &item.name).map_err(failed)?;
        sheet
            .write_string(row, 3, item.unit_name.as_deref().unwrap_or(""))
            .map_err(failed)?;
        sheet.write_string(row, 4, rank_zh).map_err(failed)?;
        sheet
            .write_number_with_format(row, 5, number(item.score), &score)
            .map_err(failed)?;
        sheet
            .write_number_with_format(row, 6, yuan(item.net_commission), &amount)
            .map_err(failed)?;
        sheet
            .write_number_with_format(row, 7, yuan(item.volume), &amount)
            .map_err(failed)?;
        sheet
            .write_number(row, 8, item.new_effective as f64)
            .map_err(failed)?;
        sheet
            .write_number(row, 9, item.tasks_done as f64)
            .map_err(failed)?;
        sheet
            .write_number(row, 10, item.contacts as f64)
            .map_err(failed)?;
        sheet
            .write_number_with_format(row, 11, number(item.checkin_rate), &rate)
            .map_err(failed)?;
        sheet
            .write_number_with_format(row, 12, yuan(item.pay_total), &amount)
            .map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

#[derive(Serialize)]
struct Rollup {
    month: String,
    status: RunStatus,
    /// The kind of unit listed (a lead's answer is their team whatever was asked).
    level: &'static str,
    items: Vec<UnitLine>,
}

#[derive(Serialize)]
struct UnitLine {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    kind: &'static str,
    staff: i64,
    average_score: Option<String>,
    top_score: Option<String>,
    bottom_score: Option<String>,
    net_commission: Money,
    volume: Money,
    pay_total: Money,
}

/// `GET /api/assessments/rollup?month=&level=team|branch|region&unit=`: each unit of
/// that kind in the caller's subtree, or under `unit` within it (the drill-down from a
/// region to its branches, a branch to its teams); by default the level below that
/// unit; a level at or above it answers that unit alone.
pub async fn rollup(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let scope = ctx.subtree()?.to_owned();
    let params = QueryParams::from_uri(request.uri());
    let month = assessed_month(params.get("month"), "month", ctx.today)?;
    let level = match params.get_non_empty("level") {
        None => None,
        Some(text) => Some(
            UnitKind::parse(text)
                .filter(|k| *k != UnitKind::Hq)
                .ok_or_else(|| ApiError::invalid_field("level", reason::INVALID))?,
        ),
    };
    let own = unit_in_scope(&ctx, &params, &scope).await?;
    let kind = match level {
        None => own.kind.below(),
        Some(level) if level <= own.kind => own.kind,
        Some(level) => level,
    };
    let status = run::state(&ctx.db, month)
        .await?
        .ok_or_else(|| run::not_run(month))?
        .status;
    let units = views::rollup(&ctx.db, month, &own.path, kind).await?;
    json::ok(&Rollup {
        month: month.to_string(),
        status,
        level: kind.as_str(),
        items: units
            .into_iter()
            .map(|u| UnitLine {
                unit_id: u.unit.id,
                unit_code: u.unit.code,
                unit_name: u.unit.name,
                kind: u.unit.kind.as_str(),
                staff: u.staff,
                average_score: u.average_score.map(two_places),
                top_score: u.top_score.map(two_places),
                bottom_score: u.bottom_score.map(two_places),
                net_commission: u.net_commission,
                volume: u.volume,
                pay_total: u.pay_total,
            })
            .collect(),
    })
}
