//! `GET /api/tasks/activity?from=&to=&unit=`: a team's task activity (活动量, TASK-5) —
//! every normal-status member of the unit (those with nothing to show too) with what
//! happened to their tasks in the period, and the totals. A lead sees their team, a
//! branch manager their branch, HQ the firm; `unit` (an org-unit code) narrows to a
//! unit within that. A rep is refused (403).

use serde::Serialize;
use zhanye_platform::Request;
use zhanye_platform::{ApiError, ApiResult, QueryParams, Reply, RequestContext, json};
use zhanye_staff::org::is_within;
use zhanye_tasks::access::no_team;
use zhanye_tasks::fields::why;
use zhanye_tasks::period::Period;
use zhanye_tasks::store::activity::{self, Counts, MemberActivity};
use zhanye_tasks::store::lookups::{self, OrgUnit};

#[derive(Serialize)]
struct Activity {
    /// The period's first and last China-time days.
    from: String,
    to: String,
    unit: OrgUnit,
    members: Vec<MemberActivity>,
    totals: Counts,
}

pub async fn activity(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let root = ctx
        .principal()
        .readable_subtree()
        .ok_or_else(no_team)?
        .to_owned();
    let params = QueryParams::from_uri(request.uri());
    let period = Period::parse(params.get("from"), params.get("to"), ctx.today)?;
    // A unit outside the caller's subtree is refused like an unknown one.
    let unknown = || ApiError::invalid_field("unit", why::UNKNOWN_REFERENCE);
    let unit = match params.get_non_empty("unit") {
        None => lookups::unit_by_path(&ctx.db, &root).await?,
        Some(code) if code.chars().count() > 32 => return Err(unknown()),
        Some(code) => lookups::unit_by_code(&ctx.db, code)
            .await?
            .filter(|unit| is_within(&unit.path, &root)),
    }
    .ok_or_else(unknown)?;
    let (start, end) = period.range();
    let members = activity::activity(&ctx.db, &unit.path, &start, &end, &ctx.stamp()).await?;
    json::ok(&Activity {
        from: period.from.to_string(),
        to: period.to.to_string(),
        totals: activity::totals(&members),
        unit,
        members,
    })
}
