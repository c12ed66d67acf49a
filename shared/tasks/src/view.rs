//! A task as answered, in the shape of the 营销工作任务 screen: the plan (任务计划: 客户 —
//! 资金账号, 名称; 计划 — 地点, 时间; 内容), the execution (营销任务执行: 地址, 时间,
//! 协同人员, 内容), its status, and who set it up, executed or cancelled it when.

use serde::Serialize;

use crate::access::Permissions;
use crate::status::{TaskStatus, is_overdue};
use crate::store::records::{Person, TaskRecord};

/// 客户 of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRef {
    /// The customer's id when the task names an existing customer.
    pub id: Option<i64>,
    /// 资金账号.
    pub account_no: Option<String>,
    /// 名称.
    pub name: String,
}

/// 任务计划.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    /// 地点.
    pub address: String,
    /// 时间, RFC 3339 UTC.
    pub planned_at: String,
    /// 内容.
    pub content: String,
}

/// 营销任务执行.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecutionView {
    /// 地址.
    pub address: String,
    /// 时间.
    pub actual_at: String,
    /// 协同人员.
    pub coworkers: Vec<Person>,
    /// 内容.
    pub content: String,
    /// When it was recorded.
    pub done_at: String,
}

/// 取消.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CancellationView {
    pub at: String,
    pub by: Person,
    pub reason: Option<String>,
}

/// One step of a task's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// `created`, `executed` or `cancelled`.
    pub event: &'static str,
    pub at: String,
    pub by: Person,
}

/// A task in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub status: TaskStatus,
    pub overdue: bool,
    pub customer: CustomerRef,
    pub plan: PlanView,
    /// 负责营销人员.
    pub responsible: Person,
    pub created_by: Person,
    pub execution: Option<ExecutionView>,
    pub cancellation: Option<CancellationView>,
    pub history: Vec<HistoryEntry>,
    pub created_at: String,
    pub updated_at: String,
    /// What the one asking may do with it.
    pub permissions: Permissions,
}

impl TaskView {
    /// The view of `task` with its `coworkers`, at `now` (stored form), for one who may
    /// do `permissions`.
    pub fn of(
        task: &TaskRecord,
        coworkers: Vec<Person>,
        now: &str,
        permissions: Permissions,
    ) -> TaskView {
        let responsible = Person {
            code: task.responsible_code.clone(),
            name: task.responsible_name.clone(),
        };
        let creator = Person {
            code: task.created_by.clone(),
            name: task.creator_name.clone(),
        };
        let mut history = vec![HistoryEntry {
            event: "created",
            at: task.created_at.clone(),
            by: creator.clone(),
        }];
        let execution = match (task.status, &task.done_at) {
            (TaskStatus::Done, Some(done_at)) => {
                history.push(HistoryEntry {
                    event: "executed",
                    at: done_at.clone(),
                    by: responsible.clone(),
                });
                Some(ExecutionView {
                    address: task.actual_address.clone().unwrap_or_default(),
                    actual_at: task.actual_at.clone().unwrap_or_default(),
                    coworkers,
                    content: task.execution_content.clone().unwrap_or_default(),
                    done_at: done_at.clone(),
                })
            }
            _ => None,
        };
        let cancellation = match (task.status, &task.cancelled_at) {
            (TaskStatus::Cancelled, Some(at)) => {
                let by = Person {
                    code: task.cancelled_by.clone().unwrap_or_default(),
                    name: task.canceller_name.clone(),
                };
                history.push(HistoryEntry {
                    event: "cancelled",
                    at: at.clone(),
                    by: by.clone(),
                });
                Some(CancellationView {
                    at: at.clone(),
                    by,
                    reason: task.cancel_reason.clone(),
                })
            }
            _ => None,
        };
        TaskView {
            id: task.id,
            status: task.status,
            overdue: is_overdue(task.status, &task.planned_at, now),
            customer: CustomerRef {
                id: task.customer_id,
                account_no: task.account_no.clone(),
                name: task.customer_name.clone(),
            },
            plan: PlanView {
                address: task.planned_address.clone(),
                planned_at: task.planned_at.clone(),
                content: task.content.clone(),
            },
            responsible,
            created_by: creator,
            execution,
            cancellation,
            history,
            created_at: task.created_at.clone(),
            updated_at: task.updated_at.clone(),
            permissions,
        }
    }
}

/// A task in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskSummary {
    pub id: i64,
    pub status: TaskStatus,
    pub overdue: bool,
    pub customer_id: Option<i64>,
    pub account_no: Option<String>,
    pub customer_name: String,
    pub planned_address: String,
    pub planned_at: String,
    pub content: String,
    pub responsible_code: String,
    pub responsible_name: Option<String>,
    pub created_by: String,
    /// When it was actually done (execution's 时间).
    pub actual_at: Option<String>,
    /// When it was done or cancelled.
    pub closed_at: Option<String>,
}

impl TaskSummary {
    pub fn of(task: TaskRecord, now: &str) -> TaskSummary {
        TaskSummary {
            id: task.id,
            status: task.status,
            overdue: is_overdue(task.status, &task.planned_at, now),
            customer_id: task.customer_id,
            account_no: task.account_no,
            customer_name: task.customer_name,
            planned_address: task.planned_address,
            planned_at: task.planned_at,
            content: task.content,
            responsible_code: task.responsible_code,
            responsible_name: task.responsible_name,
            created_by: task.created_by,
            actual_at: task.actual_at,
            closed_at: task.closed_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTHING: Permissions = Permissions {
        execute: false,
        cancel: false,
    };

    fn open_task() -> TaskRecord {
        TaskRecord {
            id: 7,
            customer_id: None,
            account_no: None,
            customer_name: "张思".into(),
            planned_address: "上海市合肥路1034号".into(),
            planned_at: "2026-03-10T06:00:00Z".into(),
            responsible_code: "A0001".into(),
            responsible_name: Some("李明".into()),
            unit_path: "/1/2/4/8/".into(),
            content: "客户预约拜访".into(),
            created_by: "0010001".into(),
            creator_name: Some("陈刚".into()),
            status: TaskStatus::Open,
            actual_address: None,
            actual_at: None,
            execution_content: None,
            done_at: None,
            cancelled_at: None,
            cancelled_by: None,
            canceller_name: None,
            cancel_reason: None,
            closed_at: None,
            created_at: "2026-03-09T01:00:00Z".into(),
            updated_at: "2026-03-09T01:00:00Z".into(),
        }
    }

    #[test]
    fn an_open_task_is_its_plan() {
        let view = TaskView::of(
            &open_task(),
            Vec::new(),
            "2026-03-10T07:00:00Z",
            Permissions {
                execute: true,
                cancel: true,
            },
        );
        assert!(view.overdue);
        assert_eq!(view.plan.address, "上海市合肥路1034号");
        assert_eq!(view.customer.name, "张思");
        assert_eq!(view.execution, None);
        assert_eq!(view.cancellation, None);
        let events: Vec<(&str, &str)> = view
            .history
            .iter()
            .map(|h| (h.event, h.by.code.as_str()))
            .collect();
        assert_eq!(events, [("created", "0010001")]);
        let doc = serde_json::to_value(&view).unwrap();
        assert_eq!(doc["status"], "open");
        assert_eq!(doc["responsible"]["name"], "李明");
        assert!(doc["execution"].is_null());
        assert_eq!(
            doc["permissions"],
            serde_json::json!({"execute": true, "cancel": true})
        );
        let early = TaskView::of(&open_task(), Vec::new(), "2026-03-10T05:00:00Z", NOTHING);
        assert!(!early.overdue);
    }

    #[test]
    fn a_done_task_keeps_its_plan_beside_the_execution() {
        let done = TaskRecord {
            status: TaskStatus::Done,
            actual_address: Some("上海市合肥路".into()),
            actual_at: Some("2026-03-10T07:49:00Z".into()),
            execution_content: Some("上门拜访".into()),
            done_at: Some("2026-03-10T08:00:00Z".into()),
            closed_at: Some("2026-03-10T08:00:00Z".into()),
            ..open_task()
        };
        let helper = Person {
            code: "A0002".into(),
            name: Some("王芳".into()),
        };
        let view = TaskView::of(&done, vec![helper.clone()], "2026-03-11T00:00:00Z", NOTHING);
        assert!(!view.overdue);
        assert_eq!(view.plan.content, "客户预约拜访");
        let execution = view.execution.unwrap();
        assert_eq!(execution.address, "上海市合肥路");
        assert_eq!(execution.coworkers, [helper]);
        let events: Vec<(&str, &str)> = view
            .history
            .iter()
            .map(|h| (h.event, h.by.code.as_str()))
            .collect();
        assert_eq!(events, [("created", "0010001"), ("executed", "A0001")]);
    }

    #[test]
    fn a_cancelled_task_says_who_and_why() {
        let cancelled = TaskRecord {
            status: TaskStatus::Cancelled,
            cancelled_at: Some("2026-03-09T02:00:00Z".into()),
            cancelled_by: Some("0010001".into()),
            canceller_name: Some("陈刚".into()),
            cancel_reason: Some("客户改期".into()),
            closed_at: Some("2026-03-09T02:00:00Z".into()),
            ..open_task()
        };
        let view = TaskView::of(&cancelled, Vec::new(), "2026-03-11T00:00:00Z", NOTHING);
        assert!(!view.overdue && view.execution.is_none());
        let cancellation = view.cancellation.unwrap();
        assert_eq!(cancellation.by.code, "0010001");
        assert_eq!(cancellation.reason.as_deref(), Some("客户改期"));
        assert_eq!(view.history.last().unwrap().event, "cancelled");
        let summary = TaskSummary::of(cancelled, "2026-03-11T00:00:00Z");
        assert_eq!(summary.closed_at.as_deref(), Some("2026-03-09T02:00:00Z"));
        assert!(!summary.overdue);
    }
}
