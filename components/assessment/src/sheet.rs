//! `GET /api/assessments`: one staff member's assessed month (考核结果) — each
//! indicator's actual, target and points, each deduction with its reason, the HOME-1
//! figures (narrowed by `category`), the activity and, at a quarter's end, the rank
//! review; and `GET /api/assessments/trend`: the year's twelve months for the chart.

use chrono::Datelike;
use serde::Serialize;
use serde_json::{Map, Value};
use zhanye_assessment::store::run::{self, RunStatus};
use zhanye_assessment::store::views::{self, MonthResult, Review};
use zhanye_assessment::{Indicator, Rank, TargetSource};
use zhanye_customers::month::Month;
use zhanye_money::Money;
use zhanye_platform::Request;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, Lang, QueryParams, Reply, RequestContext, json};

use crate::access::{AssessmentAccess, Category, StaffCard, assessed_month, no_result, two_places};

#[derive(Serialize)]
struct Sheet {
    month: String,
    status: RunStatus,
    staff: StaffCard,
    score: String,
    gross: String,
    deducted: String,
    indicators: Vec<IndicatorLine>,
    deductions: Vec<DeductionLine>,
    category: Option<Category>,
    figures: Map<String, Value>,
    activity: Map<String, Value>,
    rank_review: Option<ReviewView>,
}

#[derive(Serialize)]
struct IndicatorLine {
    indicator: Indicator,
    label: &'static str,
    actual: String,
    target: String,
    target_source: TargetSource,
    weight: String,
    cap: String,
    attainment: String,
    points: String,
}

#[derive(Serialize)]
struct DeductionLine {
    kind: zhanye_assessment::DeductionKind,
    label: &'static str,
    count: u32,
    points: String,
    reason: String,
}

#[derive(Serialize)]
struct ReviewView {
    decision: String,
    decision_label: &'static str,
    from_rank: Rank,
    to_rank: Rank,
    average: Option<String>,
    scores: Vec<String>,
}

pub async fn sheet(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let month = assessed_month(params.get("month"), "month", ctx.today)?;
    let category = Category::parse(params.get("category"))?;
    let result = read_result(&ctx, params.get_non_empty("staff"), month).await?;
    let review = views::review(&ctx.db, month, &result.staff_code).await?;
    json::ok(&sheet_of(&result, review.as_ref(), category, ctx.lang))
}

/// The month's result of the staff member asked about (the caller by default), after
/// the scope check; 404 when the month never ran or has no result for them.
pub async fn read_result(
    ctx: &RequestContext,
    staff: Option<&str>,
    month: Month,
) -> ApiResult<MonthResult> {
    let subject = ctx.subject(staff).await?;
    let result = if subject.in_scope {
        views::result(&ctx.db, month, &subject.info.code).await?
    } else {
        // Out of scope now: readable only when assessed in a unit the caller reads, and
        // whether such a result exists is not told otherwise.
        let result = views::result(&ctx.db, month, &subject.info.code).await?;
        ctx.check_reads(&subject, result.as_ref().map(|r| r.unit_path.as_str()))?;
        result
    };
    match result {
        Some(result) => Ok(result),
        None if run::state(&ctx.db, month).await?.is_none() => Err(run::not_run(month)),
        None => Err(no_result(&subject.info.code, month)),
    }
}

fn sheet_of(
    result: &MonthResult,
    review: Option<&Review>,
    category: Option<Category>,
    lang: Lang,
) -> Sheet {
    let detail = &result.detail;
    let assessment = &detail.assessment;
    let mut figures = match serde_json::to_value(&detail.figures) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    figures.insert(
        "net_commission".into(),
        money(detail.figures.net_commission()),
    );
    figures.insert("volume".into(), money(detail.figures.volume()));
    if let Some(category) = category {
        figures.retain(|name, _| category.shows(name));
    }
    let mut activity = match serde_json::to_value(detail.activity) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    activity.insert(
        "checkin_rate".into(),
        Value::String(detail.activity.checkin_rate().to_string()),
    );
    Sheet {
        month: result.month.to_string(),
        status: result.status,
        staff: StaffCard::of(result, lang),
        score: two_places(result.score),
        gross: two_places(assessment.gross),
        deducted: two_places(result.deducted),
        indicators: assessment
            .indicators
            .iter()
            .map(|line| {
                let score = &line.score;
                let (zh, en) = score.indicator.labels();
                IndicatorLine {
                    indicator: score.indicator,
                    label: lang.pick(zh, en),
                    actual: score.actual.to_string(),
                    target: score.target.to_string(),
                    target_source: line.target_source,
                    weight: score.weight.to_string(),
                    cap: score.cap.to_string(),
                    attainment: score.attainment.to_string(),
                    points: two_places(score.points),
                }
            })
            .collect(),
        deductions: assessment
            .deductions
            .iter()
            .map(|d| {
                let (zh, en) = d.kind.labels();
                DeductionLine {
                    kind: d.kind,
                    label: lang.pick(zh, en),
                    count: d.count,
                    points: two_places(d.points),
                    reason: lang.pick(&d.reason_zh, &d.reason_en).to_owned(),
                }
            })
            .collect(),
        category,
        figures,
        activity,
        rank_review: review.map(|r| review_view(r, lang)),
    }
}

fn money(amount: Money) -> Value {
    Value::String(amount.to_string())
}

fn review_view(review: &Review, lang: Lang) -> ReviewView {
    let (zh, en) = match review.decision.as_str() {
        "promote" => ("晋级", "Promote"),
        "demote" => ("降级", "Demote"),
        "keep" => ("保级", "Keep"),
        _ => ("不参评", "Not reviewed"),
    };
    ReviewView {
        decision: review.decision.clone(),
        decision_label: lang.pick(zh, en),
        from_rank: review.from_rank,
        to_rank: review.to_rank,
        average: review.average.map(two_places),
        scores: review.scores.iter().copied().map(two_places).collect(),
    }
}

#[derive(Serialize)]
struct Trend {
    year: i32,
    staff: TrendStaff,
    months: Vec<TrendMonth>,
}

#[derive(Serialize)]
struct TrendStaff {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct TrendMonth {
    month: String,
    score: Option<String>,
    status: Option<RunStatus>,
    pay_total: Option<Money>,
    net_commission: Option<Money>,
}

/// `GET /api/assessments/trend?year=YYYY&staff=`: January to December of the year
/// (the current China-time year by default), `null` where a month has no result.
pub async fn trend(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let year = match params.get_non_empty("year") {
        None => ctx.today.year(),
        Some(text) => parse_year(text)?,
    };
    let subject = ctx.subject(params.get_non_empty("staff")).await?;
    ctx.check_reads(&subject, None)?;
    let first = Month::new(year, 1).ok_or_else(bad_year)?;
    let last = Month::new(year, 12).ok_or_else(bad_year)?;
    let points = views::trend(&ctx.db, &subject.info.code, first, last).await?;
    let months = std::iter::successors(Some(first), |m| (*m < last).then(|| m.next()))
        .map(|month| {
            let point = points.iter().find(|p| p.month == month);
            TrendMonth {
                month: month.to_string(),
                score: point.map(|p| two_places(p.score)),
                status: point.map(|p| p.status),
                pay_total: point.map(|p| p.pay_total),
                net_commission: point.map(|p| p.net_commission),
            }
        })
        .collect();
    json::ok(&Trend {
        year,
        staff: TrendStaff {
            code: subject.info.code,
            name: subject.info.name,
        },
        months,
    })
}

fn bad_year() -> ApiError {
    ApiError::invalid_field("year", reason::INVALID_FORMAT)
}

fn parse_year(text: &str) -> ApiResult<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_year());
    }
    let year: i32 = text.parse().map_err(|_| bad_year())?;
    if (1900..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::invalid_field("year", reason::OUT_OF_RANGE))
    }
}
