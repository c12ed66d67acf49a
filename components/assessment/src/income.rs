//! 收入报酬 (ASSESS-5): `GET /api/income?month=&staff=`, the month's itemised pay
//! statement, and `GET /api/income/recent?staff=`, the latest twelve assessed months
//! (近期的收入明细). The scope is the score sheet's: a rep reads only their own pay.

use serde::Serialize;
use zhanye_assessment::PayLineKind;
use zhanye_assessment::store::run::RunStatus;
use zhanye_assessment::store::views;
use zhanye_money::Money;
use zhanye_platform::Request;
use zhanye_platform::{ApiResult, QueryParams, Reply, RequestContext, json};

use crate::access::{AssessmentAccess, StaffCard, assessed_month};
use crate::sheet::read_result;

/// How many months the recent list shows.
const RECENT_MONTHS: u32 = 12;

#[derive(Serialize)]
struct Statement {
    month: String,
    status: RunStatus,
    staff: StaffCard,
    lines: Vec<Line>,
    total: Money,
}

#[derive(Serialize)]
struct Line {
    kind: PayLineKind,
    label: String,
    /// Negative for a deduction.
    amount: Money,
}

pub async fn statement(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let month = assessed_month(params.get("month"), "month", ctx.today)?;
    let result = read_result(&ctx, params.get_non_empty("staff"), month).await?;
    let pay = &result.detail.assessment.pay;
    json::ok(&Statement {
        month: result.month.to_string(),
        status: result.status,
        staff: StaffCard::of(&result, ctx.lang),
        lines: pay
            .lines
            .iter()
            .map(|line| Line {
                kind: line.kind,
                label: ctx.lang.pick(&line.label_zh, &line.label_en).to_owned(),
                amount: line.amount,
            })
            .collect(),
        total: pay.total,
    })
}

#[derive(Serialize)]
struct Recent {
    staff: RecentStaff,
    items: Vec<RecentMonth>,
}

#[derive(Serialize)]
struct RecentStaff {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct RecentMonth {
    month: String,
    status: RunStatus,
    total: Money,
}

pub async fn recent(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let subject = ctx.subject(params.get_non_empty("staff")).await?;
    ctx.check_reads(&subject, None)?;
    let months = views::recent(&ctx.db, &subject.info.code, RECENT_MONTHS).await?;
    json::ok(&Recent {
        staff: RecentStaff {
            code: subject.info.code,
            name: subject.info.name,
        },
        items: months
            .into_iter()
            .map(|m| RecentMonth {
                month: m.month.to_string(),
                status: m.status,
                total: m.total,
            })
            .collect(),
    })
}
