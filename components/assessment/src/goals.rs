//! 目标管理 (ASSESS-3): `PUT /api/assessments/goals/{staff}/{period}` sets a member's
//! targets for a month (`2026-09`), quarter (`2026-Q3`) or year (`2026`);
//! `GET /api/assessments/goals?staff=&period=` reads them. And 职级:
//! `PUT /api/assessments/ranks/{staff}` (HQ sets a rank from a month on).
//!
//! Who sets goals: a lead for the members of their team other than themselves, a
//! branch manager for the branch's staff other than themselves, HQ for anyone; anyone
//! else is 403. Reading follows the score sheet's scope. Every write is one
//! transaction with its audit line.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use zhanye_assessment::store::goals::{self, Goal, parse_indicator};
use zhanye_assessment::store::run::{self, RunStatus};
use zhanye_assessment::store::{published, ranks, views};
use zhanye_assessment::{GoalPeriod, Indicator, Rank};
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, FieldError, Lang, QueryParams, Reply, RequestContext};
use zhanye_staff::{Role, StaffCode};

use crate::access::{AssessmentAccess, BODY_LIMIT, forbidden, parse_month, unknown_staff};

/// The longest target accepted, in characters.
const TARGET_MAX_CHARS: usize = 24;

#[derive(Serialize)]
struct GoalView {
    staff_code: String,
    period: String,
    indicator: Indicator,
    label: &'static str,
    target: Decimal,
    set_by: String,
    set_at: String,
}

impl GoalView {
    fn of(goal: Goal, lang: Lang) -> GoalView {
        let (zh, en) = goal.indicator.labels();
        GoalView {
            staff_code: goal.staff_code,
            period: goal.period,
            indicator: goal.indicator,
            label: lang.pick(zh, en),
            target: goal.target.normalize(),
            set_by: goal.set_by,
            set_at: goal.set_at,
        }
    }
}

#[derive(Serialize)]
struct Goals {
    staff_code: String,
    period: Option<String>,
    items: Vec<GoalView>,
}

fn period_of(text: &str) -> ApiResult<GoalPeriod> {
    GoalPeriod::parse(text).ok_or_else(|| ApiError::invalid_field("period", reason::INVALID_FORMAT))
}

pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let period = params.get_non_empty("period").map(period_of).transpose()?;
    let subject = ctx.subject(params.get_non_empty("staff")).await?;
    ctx.check_reads(&subject, None)?;
    let found = goals::of(&ctx.db, &subject.info.code, period).await?;
    json::ok(&Goals {
        staff_code: subject.info.code,
        period: period.map(|p| p.to_string()),
        items: found
            .into_iter()
            .map(|g| GoalView::of(g, ctx.lang))
            .collect(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalsBody {
    targets: BTreeMap<String, String>,
}

pub async fn set(request: Request, staff: &str, period: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let sets_goals = [Role::Lead, Role::BranchManager, Role::HqAdmin]
        .into_iter()
        .any(|role| ctx.has(role));
    if !sets_goals {
        return Err(may_not_set());
    }
    let code = StaffCode::parse(staff)
        .map_err(|_| unknown_staff())?
        .to_string();
    let member = views::staff(&ctx.db, &code)
        .await?
        .ok_or_else(unknown_staff)?;
    let allowed = ctx.has(Role::HqAdmin)
        || (member.code != ctx.principal().code && ctx.principal().reads_unit(&member.unit_path));
    if !allowed {
        return Err(may_not_set());
    }
    let period = period_of(period)?;
    let body: GoalsBody = read_json(request, BODY_LIMIT).await?;
    let targets = targets(&body.targets)?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            goals::set(
                tx,
                &member.code,
                period,
                &targets,
                &ctx.principal().code,
                &now,
            )
            .await?;
            let detail = json!({
                "period": period.to_string(),
                "targets": body.targets,
            });
            tx.audit(
                &ctx.principal().code,
                "assessment.goals.set",
                Some(&member.code),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    let found = goals::of(&ctx.db, &member.code, Some(period)).await?;
    json::ok(&Goals {
        staff_code: member.code,
        period: Some(period.to_string()),
        items: found
            .into_iter()
            .map(|g| GoalView::of(g, ctx.lang))
            .collect(),
    })
}

fn may_not_set() -> ApiError {
    forbidden(
        "只能为本人管辖范围内的其他人员设定目标：团队长为本团队成员，营业部经理为本营业部人员，总部为所有人员。",
        "You may set goals only for others you manage: a lead for the team's members, a branch manager for the branch's staff, HQ for anyone.",
    )
}

/// Each target an indicator (by its JSON name) and a non-negative decimal; every
/// fault is named.
fn targets(given: &BTreeMap<String, String>) -> ApiResult<Vec<(Indicator, Decimal)>> {
    if given.is_empty() {
        return Err(ApiError::invalid_field("targets", reason::REQUIRED));
    }
    let mut errors = Vec::new();
    let mut targets = Vec::new();
    for (name, text) in given {
        let field = format!("targets.{name}");
        let Some(indicator) = parse_indicator(name) else {
            errors.push(FieldError::new(field, reason::UNKNOWN_FIELD));
            continue;
        };
        let text = text.trim();
        if text.chars().count() > TARGET_MAX_CHARS {
            errors.push(FieldError::new(field, reason::TOO_LONG));
            continue;
        }
        let plain = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
        match text.parse::<Decimal>() {
            Ok(target) if plain && target >= Decimal::ZERO => targets.push((indicator, target)),
            Ok(_) if plain => errors.push(FieldError::new(field, reason::OUT_OF_RANGE)),
            _ => errors.push(FieldError::new(field, reason::INVALID_FORMAT)),
        }
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(ApiError::validation(errors))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RankBody {
    rank: String,
    from: String,
}

#[derive(Serialize)]
struct RankSet {
    staff_code: String,
    rank: Rank,
    rank_label: &'static str,
    from: String,
}

/// `PUT /api/assessments/ranks/{staff} {rank, from}`: HQ only. A published `from`
/// month is frozen (409).
pub async fn set_rank(request: Request, staff: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    ctx.require_hq()?;
    let code = StaffCode::parse(staff)
        .map_err(|_| unknown_staff())?
        .to_string();
    let member = views::staff(&ctx.db, &code)
        .await?
        .ok_or_else(unknown_staff)?;
    let body: RankBody = read_json(request, BODY_LIMIT).await?;
    let rank = Rank::parse(body.rank.trim())
        .ok_or_else(|| ApiError::invalid_field("rank", reason::INVALID))?;
    let from = parse_month(&body.from)
        .ok_or_else(|| ApiError::invalid_field("from", reason::INVALID_FORMAT))?;
    let now = ctx.stamp();
    ctx.db
        .transaction(async |tx| {
            if run::state(tx, from)
                .await?
                .is_some_and(|state| state.status == RunStatus::Published)
            {
                return Err(published(from));
            }
            ranks::set(
                tx,
                &member.code,
                from,
                rank,
                "set",
                Some(&ctx.principal().code),
                &now,
            )
            .await?;
            let detail = json!({"rank": rank.key(), "from": from.to_string()});
            tx.audit(
                &ctx.principal().code,
                "assessment.rank.set",
                Some(&member.code),
                Some(&detail.to_string()),
            )
            .await
        })
        .await?;
    let (zh, en) = rank.labels();
    json::ok(&RankSet {
        staff_code: member.code,
        rank,
        rank_label: ctx.lang.pick(zh, en),
        from: from.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn targets_are_indicators_with_non_negative_decimals() {
        let ok = targets(&map(&[("net_commission", "30000"), ("tasks_done", " 10 ")])).unwrap();
        assert_eq!(
            ok,
            vec![
                (Indicator::NetCommission, "30000".parse().unwrap()),
                (Indicator::TasksDone, "10".parse().unwrap())
            ]
        );
        let error = targets(&map(&[
            ("net_commission", "-1"),
            ("salary", "1"),
            ("tasks_done", "1e3"),
            ("contacts", ""),
        ]))
        .unwrap_err();
        let fields: Vec<(&str, &str)> = error
            .field_errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("targets.contacts", "invalid_format"),
                ("targets.net_commission", "out_of_range"),
                ("targets.salary", "unknown_field"),
                ("targets.tasks_done", "invalid_format"),
            ]
        );
        assert!(targets(&BTreeMap::new()).is_err());
    }
}
