//! A month's run (ASSESS-1): `POST /api/assessments/runs` by HQ, the cron component's
//! `POST /api/assessments/runs/scheduled`, `GET /api/assessments/runs/{month}` and
//! `POST /api/assessments/{month}/publish`.
//!
//! A request starts (or resumes) the run and takes chunks of staff until it is done,
//! its chunk budget is spent, or about [`TIME_BUDGET`] has passed; the next request
//! resumes where it stopped (`zhanye_assessment::store::run`).

use std::time::{Duration, Instant};

use chrono::Datelike;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use zhanye_assessment::store::run::{self, RunState};
use zhanye_customers::month::Month;
use zhanye_platform::Request;
use zhanye_platform::auth::{bearer_token, constant_time_eq};
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiError, ApiResult, Db, Reply, RequestContext};
use zhanye_staff::Role;

use crate::access::{AssessmentAccess, BODY_LIMIT, ended, forbidden, parse_month};

/// How long one request keeps taking chunks.
pub const TIME_BUDGET: Duration = Duration::from_secs(10);
/// Staff per chunk unless the request says otherwise.
pub const DEFAULT_CHUNK: u32 = 500;
pub const MAX_CHUNK: i64 = 2000;

/// Who the scheduled run is recorded as.
const CRON_ACTOR: &str = "cron";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    month: String,
    #[serde(default)]
    restart: bool,
    #[serde(default)]
    chunk_size: Option<i64>,
    #[serde(default)]
    max_chunks: Option<i64>,
}

/// A month from a body or path field, which must have ended.
fn month_field(text: &str, field: &str, today: chrono::NaiveDate) -> ApiResult<Month> {
    let month =
        parse_month(text).ok_or_else(|| ApiError::invalid_field(field, reason::INVALID_FORMAT))?;
    ended(month, field, today)?;
    Ok(month)
}

pub async fn run(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    ctx.require_hq()?;
    let body: RunBody = read_json(request, BODY_LIMIT).await?;
    let month = month_field(&body.month, "month", ctx.today)?;
    let chunk = match body.chunk_size {
        None => DEFAULT_CHUNK,
        Some(n) if (1..=MAX_CHUNK).contains(&n) => u32::try_from(n).unwrap_or(DEFAULT_CHUNK),
        Some(_) => return Err(ApiError::invalid_field("chunk_size", reason::OUT_OF_RANGE)),
    };
    let max_chunks = match body.max_chunks {
        None => u64::MAX,
        Some(n) if n >= 1 => u64::try_from(n).unwrap_or(u64::MAX),
        Some(_) => return Err(ApiError::invalid_field("max_chunks", reason::OUT_OF_RANGE)),
    };
    let started = Instant::now();
    let state = run::begin(
        &ctx.db,
        month,
        &ctx.principal().code,
        body.restart,
        &ctx.stamp(),
    )
    .await?;
    let (state, steps) = advance(&ctx.db, month, state, chunk, max_chunks, started).await?;
    audit_steps(&ctx.db, &ctx.principal().code, &state, steps).await?;
    let status = if state.done {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    json::json_response(status, &state)
}

/// Takes chunks until the run is done, `max_chunks` are taken or the time is up.
async fn advance(
    db: &Db,
    month: Month,
    mut state: RunState,
    chunk: u32,
    max_chunks: u64,
    started: Instant,
) -> ApiResult<(RunState, u64)> {
    let mut steps = 0;
    while !state.done && steps < max_chunks && started.elapsed() < TIME_BUDGET {
        state = run::step(db, month, chunk, &rfc3339(now_unix())).await?;
        steps += 1;
    }
    Ok((state, steps))
}

/// Every request that moved a run is in the audit log with how far it took it.
async fn audit_steps(db: &Db, actor: &str, state: &RunState, steps: u64) -> ApiResult<()> {
    if steps == 0 {
        return Ok(());
    }
    let detail = json!({
        "run_id": state.run_id,
        "steps": steps,
        "staff_done": state.staff_done,
        "staff_total": state.staff_total,
        "done": state.done,
    });
    db.audit(
        actor,
        "assessment.run.step",
        Some(&state.month),
        Some(&detail.to_string()),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduledBody {
    timestamp: i64,
}

/// `POST /api/assessments/runs/scheduled {timestamp}` from the cron component, with
/// `Authorization: Bearer <assessment_cron_token>`. On the 1st (China time) it runs the
/// month before: begun when it never ran, resumed while running, left alone once draft
/// or published (a re-run is HQ's decision). Always 200 with a boolean `done`.
pub async fn scheduled(request: Request) -> ApiResult<Reply> {
    let expected = zhanye_platform::spin::variable("assessment_cron_token").await?;
    if expected.is_empty() {
        return Err(forbidden(
            "定时考核入口未启用。",
            "The scheduled assessment route is turned off.",
        ));
    }
    let presented = bearer_token(request.headers()).unwrap_or_default();
    if !constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::unauthorized().with_cause("wrong or missing cron token"));
    }
    let body: ScheduledBody = read_json(request, BODY_LIMIT).await?;
    let now = now_unix();
    // Unix seconds from 1970 to the year 9999.
    if !(0..=253_402_300_799).contains(&body.timestamp) {
        return Err(ApiError::invalid_field("timestamp", reason::OUT_OF_RANGE));
    }
    let day = china_date(body.timestamp);
    if day.day() != 1 {
        return json::ok(&json!({"done": true, "skipped": "not_first_of_month"}));
    }
    let month = Month::of(day).previous();
    ended(month, "timestamp", china_date(now))?;
    let db = Db::open_default().await?;
    let started = Instant::now();
    let state = match run::state(&db, month).await? {
        Some(state) if state.done => return json::ok(&state),
        Some(state) => state,
        None => run::begin(&db, month, CRON_ACTOR, false, &rfc3339(now)).await?,
    };
    let (state, steps) = advance(&db, month, state, DEFAULT_CHUNK, u64::MAX, started).await?;
    audit_steps(&db, CRON_ACTOR, &state, steps).await?;
    json::ok(&state)
}

/// `GET /api/assessments/runs/{month}`: HQ and branch managers.
pub async fn state(request: Request, month: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    if !(ctx.has(Role::HqAdmin) || ctx.has(Role::BranchManager)) {
        return Err(forbidden(
            "仅总部和营业部经理可以查看考核运行状态。",
            "Only HQ and branch managers see the state of a run.",
        ));
    }
    let month = month_field(month, "month", ctx.today)?;
    let state = run::state(&ctx.db, month)
        .await?
        .ok_or_else(|| run::not_run(month))?;
    json::ok(&state)
}

/// `POST /api/assessments/{month}/publish`: HQ freezes a finished (draft) month.
pub async fn publish(request: Request, month: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    ctx.require_hq()?;
    let month = month_field(month, "month", ctx.today)?;
    let state = run::publish(&ctx.db, month, &ctx.principal().code, &ctx.stamp()).await?;
    json::ok(&state)
}
