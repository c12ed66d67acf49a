//! The life cycle of a task (TASK-1/3): set up `open`; executed once → `done`; or
//! `cancelled`. Done and cancelled are final, and neither touches the plan.

use serde::Serialize;
use zhanye_platform::{ApiError, Localized};

/// 任务状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 待办: set up, waiting to be executed.
    Open,
    /// 已完成: executed.
    Done,
    /// 已取消.
    Cancelled,
}

/// What can happen to a task after it is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// 营销任务执行.
    Execute,
    /// 取消.
    Cancel,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Done and cancelled tasks never change again.
    pub fn is_final(self) -> bool {
        self != TaskStatus::Open
    }

    /// The status after `transition`, or the refusal (409) when the task is final.
    pub fn after(self, transition: Transition) -> Result<TaskStatus, ApiError> {
        match (self, transition) {
            (TaskStatus::Open, Transition::Execute) => Ok(TaskStatus::Done),
            (TaskStatus::Open, Transition::Cancel) => Ok(TaskStatus::Cancelled),
            (from, transition) => Err(ApiError::conflict()
                .with_detail(refusal(from, transition))
                .with_extension("task_status", serde_json::json!(from.as_str()))),
        }
    }
}

fn refusal(from: TaskStatus, transition: Transition) -> Localized {
    match (from, transition) {
        (TaskStatus::Done, Transition::Execute) => Localized::new(
            "该任务已完成，不能再次执行。",
            "The task is already done; it cannot be executed again.",
        ),
        (TaskStatus::Done, Transition::Cancel) => Localized::new(
            "该任务已完成，不能取消。",
            "The task is already done; it cannot be cancelled.",
        ),
        (TaskStatus::Cancelled, Transition::Execute) => Localized::new(
            "该任务已取消，不能执行。",
            "The task has been cancelled; it cannot be executed.",
        ),
        (TaskStatus::Cancelled, Transition::Cancel) => Localized::new(
            "该任务已取消，不能再次取消。",
            "The task is already cancelled.",
        ),
        (TaskStatus::Open, _) => Localized::new(
            "该任务的状态已变化，请刷新后重试。",
            "The task has changed; reload it and try again.",
        ),
    }
}

/// TASK-2: an open task whose planned time has passed. Both times are stored RFC 3339
/// UTC, so comparing the texts compares the times.
pub fn is_overdue(status: TaskStatus, planned_at: &str, now: &str) -> bool {
    status == TaskStatus::Open && planned_at < now
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskStatus::*;
    use Transition::*;

    #[test]
    fn the_life_cycle() {
        // (from, transition, to or the 409's English detail)
        let table: &[(TaskStatus, Transition, Result<TaskStatus, &str>)] = &[
            (Open, Execute, Ok(Done)),
            (Open, Cancel, Ok(Cancelled)),
            (
                Done,
                Execute,
                Err("The task is already done; it cannot be executed again."),
            ),
            (
                Done,
                Cancel,
                Err("The task is already done; it cannot be cancelled."),
            ),
            (
                Cancelled,
                Execute,
                Err("The task has been cancelled; it cannot be executed."),
            ),
            (Cancelled, Cancel, Err("The task is already cancelled.")),
        ];
        for (from, transition, expected) in table {
            let got = from.after(*transition);
            match (got, expected) {
                (Ok(to), Ok(want)) => assert_eq!(to, *want, "{from:?} {transition:?}"),
                (Err(error), Err(detail)) => {
                    assert_eq!(error.status.as_u16(), 409);
                    assert_eq!(error.code, "conflict");
                    assert_eq!(error.detail(zhanye_platform::Lang::En), *detail);
                    assert!(!error.detail(zhanye_platform::Lang::ZhCn).is_empty());
                    let problem = error.to_problem(zhanye_platform::Lang::En);
                    let doc = serde_json::to_value(&problem).unwrap();
                    assert_eq!(doc["status"], 409);
                    assert_eq!(doc["task_status"], from.as_str());
                }
                (got, want) => panic!("{from:?} {transition:?}: {got:?} vs {want:?}"),
            }
        }
        assert!(!Open.is_final() && Done.is_final() && Cancelled.is_final());
    }

    #[test]
    fn statuses_round_trip() {
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(TaskStatus::parse("closed"), None);
        assert_eq!(TaskStatus::parse("OPEN"), None);
    }

    #[test]
    fn overdue_is_open_and_past_its_time() {
        let now = "2026-03-10T07:30:00Z";
        let cases = [
            (Open, "2026-03-10T07:29:59Z", true),
            (Open, "2026-03-10T07:30:00Z", false),
            (Open, "2026-03-11T00:00:00Z", false),
            (Done, "2026-03-01T00:00:00Z", false),
            (Cancelled, "2026-03-01T00:00:00Z", false),
        ];
        for (status, planned, expected) in cases {
            assert_eq!(
                is_overdue(status, planned, now),
                expected,
                "{status:?} {planned}"
            );
        }
    }
}
