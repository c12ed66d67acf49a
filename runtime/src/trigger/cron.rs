//! The cron trigger, as the `trigger-cron` plugin runs it: each `[[trigger.cron]]`
//! has a 6-field expression (seconds first, UTC) and, when it fires, a fresh instance
//! of the component gets `handle-cron-event` with the time. `fire` runs one event on
//! demand, for tests and operators.

use crate::app::App;
use crate::capability::cron_bindings::fermyon::spin_cron::cron_types::{
    Error as CronError, Metadata,
};
use crate::{log_error, log_info};
use anyhow::{Context, Result, anyhow, bail};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

/// One `[[trigger.cron]]` of a loaded component.
pub struct CronJob {
    pub component: String,
    /// As written in the manifest (six fields, seconds first).
    pub expression: String,
    schedule: cron::Schedule,
}

/// The cron trigger of an app: its schedules, and the events it fires.
pub struct CronTrigger {
    app: Arc<App>,
    /// The schedules of the loaded components.
    pub jobs: Vec<CronJob>,
}

/// Parses a trigger-cron expression: exactly six fields, seconds first.
pub fn parse_expression(expr: &str) -> Result<cron::Schedule> {
    let fields = expr.split_whitespace().count();
    if fields != 6 {
        bail!(
            "cron_expression {expr:?} has {fields} fields; it needs 6 (sec min hour day month weekday)"
        );
    }
    cron::Schedule::from_str(expr).map_err(|e| anyhow!("invalid cron_expression {expr:?}: {e}"))
}

/// An RFC 3339 time (e.g. `2026-10-01T02:00:00+08:00`) as the Unix seconds of a cron
/// event's `metadata.timestamp`.
pub fn parse_event_time(text: &str) -> Result<u64, String> {
    let time = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!("{text:?} is not an RFC 3339 time such as 2026-10-01T02:00:00+08:00: {e}")
    })?;
    u64::try_from(time.timestamp()).map_err(|_| format!("{text:?} is before 1970"))
}

impl CronTrigger {
    /// The schedules of `app`'s loaded cron components (an invalid expression is an
    /// error). Self requests of its events need the app's [`HttpTrigger`] to exist.
    ///
    /// [`HttpTrigger`]: crate::HttpTrigger
    pub fn new(app: Arc<App>) -> Result<Self> {
        let mut jobs = Vec::new();
        for t in &app.manifest.manifest.trigger.cron {
            // A component left out by `--component-id` has no schedule here.
            if !app.is_loaded(&t.component) {
                continue;
            }
            jobs.push(CronJob {
                component: t.component.clone(),
                expression: t.cron_expression.clone(),
                schedule: parse_expression(&t.cron_expression)?,
            });
        }
        Ok(Self { app, jobs })
    }

    /// Runs one cron event of `component` now.
    pub async fn fire(&self, component: &str) -> Result<()> {
        let timestamp = chrono::Utc::now().timestamp().max(0) as u64;
        self.fire_at(component, timestamp).await
    }

    /// Runs one cron event of `component` with `timestamp` (Unix seconds) as its time.
    pub async fn fire_at(&self, component: &str, timestamp: u64) -> Result<()> {
        let started = Instant::now();
        let comp = self.app.component(component)?.clone();
        let pre = comp
            .cron
            .clone()
            .with_context(|| format!("component {component:?} is not a cron component"))?;
        let mut store = self.app.new_store(&comp)?;
        let outcome = tokio::time::timeout(self.app.limits.timeout, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance
                .call_handle_cron_event(&mut store, Metadata { timestamp })
                .await
        })
        .await;
        let result =
            match outcome {
                Err(_) => Err(anyhow!(
                    "cron component {component:?} exceeded the {:?} time limit",
                    self.app.limits.timeout
                )),
                Ok(Err(trap)) => Err(anyhow::Error::from(trap)
                    .context(format!("cron component {component:?} trapped"))),
                Ok(Ok(Err(CronError::Other(msg)))) => {
                    Err(anyhow!("cron component {component:?} failed: {msg}"))
                }
                Ok(Ok(Ok(()))) => Ok(()),
            };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match &result {
            Ok(()) => log_info!("cron {component} fired ok {ms:.2}ms"),
            Err(e) => log_error!("cron {component} {e:#} ({ms:.2}ms)"),
        }
        result
    }

    /// Fires every job on its schedule until the process stops.
    pub async fn run(self: Arc<Self>) {
        let mut tasks = Vec::new();
        for (i, job) in self.jobs.iter().enumerate() {
            log_info!("cron {} scheduled: {}", job.component, job.expression);
            let this = self.clone();
            tasks.push(tokio::spawn(async move {
                let job = &this.jobs[i];
                while let Some(next) = job.schedule.upcoming(chrono::Utc).next() {
                    let wait = (next - chrono::Utc::now()).to_std().unwrap_or_default();
                    tokio::time::sleep(wait).await;
                    // Each event runs on its own; a slow one does not delay the schedule.
                    let this = this.clone();
                    let component = job.component.clone();
                    let ts = next.timestamp().max(0) as u64;
                    tokio::spawn(async move {
                        let _ = this.fire_at(&component, ts).await;
                    });
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_fields_seconds_first() {
        let s = parse_expression("0 0 2 1 * *").unwrap();
        let next = s.upcoming(chrono::Utc).next().unwrap();
        assert_eq!(next.format("%d %H:%M:%S").to_string(), "01 02:00:00");
        assert!(parse_expression("*/1 * * * * *").is_ok());
        assert!(
            parse_expression("0 2 1 * *").is_err(),
            "5 fields are refused"
        );
        assert!(
            parse_expression("0 0 2 1 * * 2030").is_err(),
            "7 fields are refused"
        );
        assert!(parse_expression("x 0 2 1 * *").is_err());
    }

    #[test]
    fn event_times_are_rfc_3339_with_an_offset() {
        // 02:00 China time on 1 October 2026 is 18:00 UTC on 30 September.
        assert_eq!(
            parse_event_time("2026-10-01T02:00:00+08:00"),
            Ok(1_790_791_200)
        );
        assert_eq!(parse_event_time("2026-09-30T18:00:00Z"), Ok(1_790_791_200));
        assert!(parse_event_time("2026-10-01 02:00").is_err());
        assert!(
            parse_event_time("2026-10-01T02:00:00").is_err(),
            "no offset"
        );
        assert!(parse_event_time("1969-12-31T23:59:59Z").is_err());
    }
}
