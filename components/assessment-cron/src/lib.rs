//! The scheduled run of the monthly assessment (ASSESS-1). On each cron event it POSTs
//! `{"timestamp": <event time>}` to the `assessment_run_url` variable (the assessment
//! component's run route) with the internal `assessment_cron_token` as a bearer token.
//! The route does the work in chunks and answers `{"done": bool, …}`: the event POSTs
//! again while it says `false`, for at most [`RESUME_FOR`].

use std::time::{Duration, Instant};
use zhanye_cron_client::{Error, Guest, Metadata, post_json, variable};

/// How long one event keeps resuming the run before it leaves the rest to the next.
const RESUME_FOR: Duration = Duration::from_secs(20);

struct AssessmentCron;

zhanye_cron_client::export!(AssessmentCron);

impl Guest for AssessmentCron {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let url = variable("assessment_run_url").map_err(Error::Other)?;
        let token = variable("assessment_cron_token").map_err(Error::Other)?;
        let authorization = format!("Bearer {token}");
        let body = format!("{{\"timestamp\":{}}}", metadata.timestamp);
        let started = Instant::now();
        loop {
            let answer = post_json(&url, &[("authorization", &authorization)], body.as_bytes())
                .map_err(|e| Error::Other(format!("POST {url} failed: {e}")))?;
            if !answer.is_success() {
                return Err(Error::Other(format!(
                    "POST {url} answered {}: {}",
                    answer.status,
                    answer.body_start(300)
                )));
            }
            let done = run_done(&answer.body).ok_or_else(|| {
                Error::Other(format!(
                    "POST {url} answered {} without a boolean \"done\": {}",
                    answer.status,
                    answer.body_start(300)
                ))
            })?;
            if done {
                return Ok(());
            }
            // Not done, but this event has had its share: the schedule fires again five
            // minutes later and that event's POST resumes the run where it stopped.
            if started.elapsed() >= RESUME_FOR {
                return Ok(());
            }
        }
    }
}

/// The `done` flag of the run route's JSON answer, if it has one.
fn run_done(body: &[u8]) -> Option<bool> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get("done")?
        .as_bool()
}

#[cfg(test)]
mod tests {
    use super::run_done;

    #[test]
    fn done_is_read_from_the_json_answer() {
        assert_eq!(run_done(br#"{"done":true}"#), Some(true));
        assert_eq!(
            run_done(b"{ \"month\": \"2026-09\",\n  \"done\" : false }"),
            Some(false)
        );
        assert_eq!(run_done(br#"{"done":"true"}"#), None);
        assert_eq!(run_done(br#"{"month":"2026-09"}"#), None);
        assert_eq!(run_done(b"done: true"), None);
    }
}
