//! A month's run (ASSESS-1) in resumable chunks. `begin` starts (or resumes) a run;
//! each `step` assesses the next chunk of staff, by staff code, and in the same
//! transaction stores their results and moves the run's cursor past them. A run killed
//! at any point resumes after the last chunk that committed: nothing is done twice and
//! nothing is lost. A re-run starts a new `run_id` and rewrites every result; rows left
//! from an earlier run (staff who have since left) are removed when it finishes.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::json;
use zhanye_customers::month::Month;
use zhanye_platform::{ApiError, Db, Localized, Row, params};

use crate::assess::{Assessment, MonthActivity, MonthFigures, assess};
use crate::calendar::{ends_quarter, quarter_months, working_days};
use crate::goals::monthly_target;
use crate::rank::{Rank, RankThresholds, review};
use crate::store::{goals, published, ranks, schemes};

/// Who is assessed: staff in normal status who do marketing (the `rep` role, which
/// team leads hold too).
pub const STAFF_CHUNK: &str = "SELECT code, unit_path FROM staff \
     WHERE code > ?1 AND status = 'normal' AND (',' || roles || ',') LIKE '%,rep,%' \
     ORDER BY code LIMIT ?2";

pub const STAFF_COUNT: &str = "SELECT COUNT(*) FROM staff \
     WHERE status = 'normal' AND (',' || roles || ',') LIKE '%,rep,%'";

/// Where a month's run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Draft,
    Published,
}

/// A month's run, as `GET /api/assessments/runs/{month}` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunState {
    pub month: String,
    pub status: RunStatus,
    pub run_id: i64,
    pub staff_total: i64,
    pub staff_done: i64,
    pub chunks: i64,
    /// Whether every staff member is assessed (draft or published).
    pub done: bool,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
    #[serde(skip)]
    cursor: String,
}

fn state_from(row: &Row, month: Month) -> Result<RunState, ApiError> {
    let status = match row.get::<String>("status")?.as_str() {
        "running" => RunStatus::Running,
        "draft" => RunStatus::Draft,
        _ => RunStatus::Published,
    };
    Ok(RunState {
        month: month.to_string(),
        status,
        run_id: row.get("run_id")?,
        staff_total: row.get("staff_total")?,
        staff_done: row.get("staff_done")?,
        chunks: row.get("chunks")?,
        done: status != RunStatus::Running,
        started_by: row.get("started_by")?,
        started_at: row.get("started_at")?,
        finished_at: row.get("finished_at")?,
        published_by: row.get("published_by")?,
        published_at: row.get("published_at")?,
        cursor: row.get("cursor")?,
    })
}

/// The month's run, if it ever ran.
pub async fn state(db: &Db, month: Month) -> Result<Option<RunState>, ApiError> {
    db.query_row(
        "SELECT * FROM assessment_months WHERE month = ?1",
        params![month.stored()],
    )
    .await?
    .map(|row| state_from(&row, month))
    .transpose()
}

/// Starts a run of `month`, or resumes the one under way unless `restart`. A published
/// month is refused (409), as is a month some rank has no scheme for.
pub async fn begin(
    db: &Db,
    month: Month,
    actor: &str,
    restart: bool,
    now: &str,
) -> Result<RunState, ApiError> {
    db.transaction(async |tx| {
        let current = state(tx, month).await?;
        match &current {
            Some(run) if run.status == RunStatus::Published => return Err(published(month)),
            Some(run) if run.status == RunStatus::Running && !restart => return Ok(run.clone()),
            _ => {}
        }
        let found = schemes::for_month(tx, month).await?;
        let missing: Vec<Rank> = Rank::ALL
            .into_iter()
            .filter(|rank| !found.iter().any(|s| s.rank == *rank))
            .collect();
        if !missing.is_empty() {
            let zh: Vec<&str> = missing.iter().map(|r| r.labels().0).collect();
            let en: Vec<&str> = missing.iter().map(|r| r.labels().1).collect();
            return Err(ApiError::conflict()
                .with_detail(Localized::new(
                    format!("{month} 没有适用于以下职级的考核方案：{}。", zh.join("、")),
                    format!("No scheme applies in {month} to: {}.", en.join(", ")),
                ))
                .with_extension("missing_ranks", json!(missing)));
        }
        let total: i64 = tx.query_value(STAFF_COUNT, params![]).await?.unwrap_or(0);
        let run_id = current.as_ref().map_or(1, |r| r.run_id + 1);
        tx.execute(
            "INSERT INTO assessment_months (month, status, run_id, cursor, staff_total, staff_done, \
                 chunks, started_by, started_at) VALUES (?1, 'running', ?2, '', ?3, 0, 0, ?4, ?5) \
             ON CONFLICT (month) DO UPDATE SET status = 'running', run_id = excluded.run_id, \
                 cursor = '', staff_total = excluded.staff_total, staff_done = 0, chunks = 0, \
                 started_by = excluded.started_by, started_at = excluded.started_at, \
                 finished_at = NULL",
            params![month.stored(), run_id, total, actor, now],
        )
        .await?;
        tx.audit(
            actor,
            "assessment.run.start",
            Some(&month.to_string()),
            Some(&json!({ "run_id": run_id, "staff_total": total }).to_string()),
        )
        .await?;
        state(tx, month)
            .await?
            .ok_or_else(|| ApiError::internal("run row missing after insert"))
    })
    .await
}

/// Assesses the next `chunk` staff members of the month's running run; when none are
/// left, finishes it (status draft). Answers the run's state after the step.
///
/// The chunk is read and computed outside any transaction, so writers elsewhere are not
/// held up; its results and the cursor's move are then written in one transaction that
/// first checks the cursor is still where the chunk started. A concurrent step (the
/// cron and an admin at once) or a restart in between makes this step write nothing.
pub async fn step(db: &Db, month: Month, chunk: u32, now: &str) -> Result<RunState, ApiError> {
    let Some(run) = state(db, month).await? else {
        return Err(not_run(month));
    };
    if run.status != RunStatus::Running {
        return Ok(run);
    }
    let members = db
        .query(STAFF_CHUNK, params![run.cursor.as_str(), i64::from(chunk)])
        .await?;
    if members.is_empty() {
        return db
            .transaction(async |tx| match state(tx, month).await? {
                Some(now_run) if same_point(&now_run, &run) => finish(tx, month, &run, now).await,
                other => other.ok_or_else(|| not_run(month)),
            })
            .await;
    }
    let codes: Vec<(String, String)> = members
        .iter()
        .map(|r| Ok((r.get("code")?, r.get("unit_path")?)))
        .collect::<Result<_, ApiError>>()?;
    let (low, high) = (codes[0].0.clone(), codes[codes.len() - 1].0.clone());
    let assessed = assess_chunk(db, month, &codes, &low, &high).await?;
    db.transaction(async |tx| {
        let moved = tx
            .execute(
                "UPDATE assessment_months SET cursor = ?1, staff_done = staff_done + ?2, \
                     chunks = chunks + 1 \
                 WHERE month = ?3 AND run_id = ?4 AND status = 'running' AND cursor = ?5",
                params![
                    high.as_str(),
                    codes.len() as i64,
                    month.stored(),
                    run.run_id,
                    run.cursor.as_str()
                ],
            )
            .await?;
        if moved == 1 {
            for member in &assessed {
                save_result(tx, month, run.run_id, member).await?;
                if let Some(scores) = &member.quarter_scores {
                    save_review(tx, month, run.run_id, member, scores).await?;
                }
            }
        }
        state(tx, month).await?.ok_or_else(|| not_run(month))
    })
    .await
}

/// Whether two reads of a run are at the same point of the same run.
fn same_point(a: &RunState, b: &RunState) -> bool {
    a.status == RunStatus::Running && a.run_id == b.run_id && a.cursor == b.cursor
}

async fn finish(db: &Db, month: Month, run: &RunState, now: &str) -> Result<RunState, ApiError> {
    // What earlier, abandoned runs of the month left behind.
    for statement in [
        "DELETE FROM assessment_results WHERE month = ?1 AND run_id <> ?2",
        "DELETE FROM rank_reviews WHERE month = ?1 AND run_id <> ?2",
    ] {
        db.execute(statement, params![month.stored(), run.run_id])
            .await?;
    }
    db.execute(
        "UPDATE assessment_months SET status = 'draft', finished_at = ?1 WHERE month = ?2",
        params![now, month.stored()],
    )
    .await?;
    state(db, month)
        .await?
        .ok_or_else(|| ApiError::internal("run row vanished"))
}

/// One member's month, assessed, not yet written.
struct Member {
    code: String,
    unit_path: String,
    rank: Rank,
    scheme_id: i64,
    thresholds: RankThresholds,
    figures: MonthFigures,
    activity: MonthActivity,
    assessed: Assessment,
    /// At a quarter's end: the quarter's scores so far, this month's last.
    quarter_scores: Option<Vec<Decimal>>,
}

/// Scores, pay and (at a quarter's end) the quarter's scores of one chunk.
async fn assess_chunk(
    db: &Db,
    month: Month,
    members: &[(String, String)],
    low: &str,
    high: &str,
) -> Result<Vec<Member>, ApiError> {
    let schemes = schemes::for_month(db, month).await?;
    let ranks = ranks::for_range(db, low, high, month).await?;
    let goals = goals::for_range(db, low, high, month).await?;
    let (figures, activity) = super::figures::gather(db, low, high, month).await?;
    let quarter = ends_quarter(month).then(|| quarter_months(month));
    let earlier = match quarter {
        Some([first, second, _]) => earlier_scores(db, low, high, first, second).await?,
        None => HashMap::new(),
    };
    let quiet = MonthActivity {
        working_days: u32::try_from(working_days(month).len()).unwrap_or(0),
        ..MonthActivity::default()
    };
    let mut assessed_members = Vec::with_capacity(members.len());
    for (code, unit_path) in members {
        let rank = ranks.get(code).copied().unwrap_or(Rank::Junior);
        let Some(scheme) = schemes.iter().find(|s| s.rank == rank) else {
            return Err(ApiError::internal(format!(
                "no scheme for {rank:?} in {month}"
            )));
        };
        let figures = figures.get(code).cloned().unwrap_or_default();
        let activity = activity.get(code).copied().unwrap_or(quiet);
        let member_goals = goals.get(code);
        let default_target = |i| {
            scheme
                .rules
                .indicators
                .iter()
                .find(|r| r.indicator == i)
                .map_or(Decimal::ZERO, |r| r.target)
        };
        let assessed = assess(&scheme.rules, &figures, &activity, |indicator| {
            monthly_target(
                indicator,
                month,
                |period| member_goals.and_then(|g| g.get(&(period, indicator)).copied()),
                default_target(indicator),
            )
        });
        let quarter_scores = quarter.map(|_| {
            let mut scores = earlier.get(code).cloned().unwrap_or_default();
            scores.push(assessed.score);
            scores
        });
        assessed_members.push(Member {
            code: code.clone(),
            unit_path: unit_path.clone(),
            rank,
            scheme_id: scheme.id,
            thresholds: scheme.rules.rank_review.clone(),
            figures,
            activity,
            assessed,
            quarter_scores,
        });
    }
    Ok(assessed_members)
}

/// The scores of the quarter's first two months, per member, when both were assessed.
async fn earlier_scores(
    db: &Db,
    low: &str,
    high: &str,
    first: Month,
    second: Month,
) -> Result<HashMap<String, Vec<Decimal>>, ApiError> {
    let rows = db
        .query(
            "SELECT staff_code, month, score_centi FROM assessment_results \
             WHERE month IN (?3, ?4) AND staff_code BETWEEN ?1 AND ?2 \
             ORDER BY staff_code, month",
            params![low, high, first.stored(), second.stored()],
        )
        .await?;
    let mut scores: HashMap<String, Vec<Decimal>> = HashMap::new();
    for row in &rows {
        let centi: i64 = row.get("score_centi")?;
        scores
            .entry(row.get("staff_code")?)
            .or_default()
            .push(Decimal::new(centi, 2));
    }
    scores.retain(|_, s| s.len() == 2);
    Ok(scores)
}

fn centi(value: Decimal) -> i64 {
    (value * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

async fn save_result(db: &Db, month: Month, run_id: i64, member: &Member) -> Result<(), ApiError> {
    let Member {
        code,
        unit_path,
        rank,
        scheme_id,
        figures,
        activity,
        assessed,
        ..
    } = member;
    let detail = json!({
        "figures": figures,
        "activity": activity,
        "assessment": assessed,
    })
    .to_string();
    db.execute(
        "INSERT INTO assessment_results (month, staff_code, run_id, unit_path, rank, \
             scheme_id, score_centi, deducted_centi, net_commission, volume, stock_assets, \
             new_assets, new_effective, tasks_done, contacts, checkin_days, working_days, \
             pay_total, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) \
         ON CONFLICT (month, staff_code) DO UPDATE SET run_id = excluded.run_id, \
             unit_path = excluded.unit_path, rank = excluded.rank, \
             scheme_id = excluded.scheme_id, score_centi = excluded.score_centi, \
             deducted_centi = excluded.deducted_centi, \
             net_commission = excluded.net_commission, volume = excluded.volume, \
             stock_assets = excluded.stock_assets, new_assets = excluded.new_assets, \
             new_effective = excluded.new_effective, tasks_done = excluded.tasks_done, \
             contacts = excluded.contacts, checkin_days = excluded.checkin_days, \
             working_days = excluded.working_days, pay_total = excluded.pay_total, \
             detail = excluded.detail",
        params![
            month.stored(),
            code.as_str(),
            run_id,
            unit_path.as_str(),
            rank.key(),
            *scheme_id,
            centi(assessed.score),
            centi(assessed.deducted),
            figures.net_commission().fen(),
            figures.volume().fen(),
            figures.stock_assets.fen(),
            figures.new_assets.fen(),
            i64::from(activity.new_effective),
            i64::from(activity.tasks_done),
            i64::from(activity.contacts),
            i64::from(activity.checkin_days),
            i64::from(activity.working_days),
            assessed.pay.total.fen(),
            detail
        ],
    )
    .await
    .map(|_| ())
}

async fn save_review(
    db: &Db,
    month: Month,
    run_id: i64,
    member: &Member,
    scores: &[Decimal],
) -> Result<(), ApiError> {
    let (decision, average) = review(scores, &member.thresholds);
    let decision_key = serde_json::to_value(decision)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    db.execute(
        "INSERT INTO rank_reviews (month, staff_code, run_id, from_rank, to_rank, \
             decision, average_centi, scores) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (month, staff_code) DO UPDATE SET run_id = excluded.run_id, \
             from_rank = excluded.from_rank, to_rank = excluded.to_rank, \
             decision = excluded.decision, average_centi = excluded.average_centi, \
             scores = excluded.scores",
        params![
            month.stored(),
            member.code.as_str(),
            run_id,
            member.rank.key(),
            member.rank.after(decision).key(),
            decision_key,
            average.map(centi),
            json!(scores).to_string()
        ],
    )
    .await
    .map(|_| ())
}

/// Publishes (freezes) a finished month; at a quarter's end the reviewed ranks take
/// effect from the next month. A running month, or one already published, is 409.
pub async fn publish(db: &Db, month: Month, actor: &str, now: &str) -> Result<RunState, ApiError> {
    db.transaction(async |tx| {
        let Some(run) = state(tx, month).await? else {
            return Err(not_run(month));
        };
        match run.status {
            RunStatus::Published => return Err(published(month)),
            RunStatus::Running => {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    format!("{month} 的考核尚未运行完毕，不能发布。"),
                    format!("The assessment of {month} has not finished running."),
                )));
            }
            RunStatus::Draft => {}
        }
        tx.execute(
            "UPDATE assessment_months SET status = 'published', published_by = ?1, \
                 published_at = ?2 WHERE month = ?3",
            params![actor, now, month.stored()],
        )
        .await?;
        let moves = tx
            .query(
                "SELECT staff_code, to_rank FROM rank_reviews \
                 WHERE month = ?1 AND to_rank <> from_rank",
                params![month.stored()],
            )
            .await?;
        for row in &moves {
            let code: String = row.get("staff_code")?;
            let to: String = row.get("to_rank")?;
            if let Some(rank) = Rank::parse(&to) {
                ranks::set(tx, &code, month.next(), rank, "review", Some(actor), now).await?;
            }
        }
        tx.audit(
            actor,
            "assessment.publish",
            Some(&month.to_string()),
            Some(&json!({ "rank_changes": moves.len() }).to_string()),
        )
        .await?;
        state(tx, month)
            .await?
            .ok_or_else(|| ApiError::internal("run row vanished"))
    })
    .await
}

/// The month was never run (404 with a reason).
pub fn not_run(month: Month) -> ApiError {
    ApiError::not_found().with_detail(Localized::new(
        format!("{month} 尚未进行考核。"),
        format!("{month} has not been assessed."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_platform::Value;

    #[test]
    fn chunks_walk_staff_by_code_and_results_by_index() {
        let db = zhanye_query_plans::analyzed_schema();
        let steps = zhanye_query_plans::plan(
            &db,
            STAFF_CHUNK,
            &[Value::Text("A0100".into()), Value::Integer(500)],
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains("PRIMARY KEY") || s.contains("sqlite_autoindex_staff")),
            "{steps:#?}"
        );
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE")),
            "{steps:#?}"
        );
    }
}
