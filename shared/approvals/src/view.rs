//! Requests as answered: the summary lists and to-dos show, and the whole request with
//! its chain, state history and what the viewer may do with it.

use serde::Serialize;
use serde_json::Value;
use zhanye_staff::{Principal, Role};

use crate::chain::Step;
use crate::decision::{RequestState, check_decider, check_withdrawer};
use crate::kind::{Event, Kind, Status, SubjectKind};

/// A staff member named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub code: String,
    pub name: Option<String>,
}

/// What a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: SubjectKind,
    pub id: i64,
    /// The prospect's or customer's name (`None` when it is gone).
    pub name: Option<String>,
    /// A customer's 资金账号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_no: Option<String>,
    /// A prospect's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalSummary {
    pub id: i64,
    pub kind: Kind,
    /// The form's name (客户开发任务书 …).
    pub kind_name: &'static str,
    pub title: String,
    pub subject: Option<Subject>,
    pub requester: Person,
    pub status: Status,
    /// The step waiting for a decision (from 1), while pending.
    pub current_step: Option<usize>,
    /// Its role and unit, while pending.
    pub current_role: Option<Role>,
    pub current_unit_path: Option<String>,
    pub submitted_at: String,
    pub updated_at: String,
    pub decided_at: Option<String>,
}

/// One step of the chain and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepView {
    pub step: usize,
    pub role: Role,
    pub unit_path: String,
    pub unit_name: Option<String>,
    /// `approved`, `rejected`, `pending` (waiting for its approver now), `waiting` (a
    /// later step) or `not_reached` (the request ended before it).
    pub status: &'static str,
    pub decided_by: Option<Person>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

/// One row of the state history (状态历史): who did what, when, with what comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    /// The step decided (approved or rejected), from 1; `None` for submitting and
    /// withdrawing.
    pub step: Option<usize>,
    pub event: Event,
    pub by: Person,
    pub at: String,
    pub comment: String,
    /// What a decision named (a new owner …).
    pub detail: Option<Value>,
}

/// What the viewer may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub decide: bool,
    pub withdraw: bool,
}

/// A whole request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalView {
    #[serde(flatten)]
    pub summary: ApprovalSummary,
    /// The requester's unit when they filed it.
    pub unit_path: String,
    pub payload: Value,
    /// What the final approval decided (the new owner …), once approved.
    pub outcome: Option<Value>,
    pub chain: Vec<StepView>,
    pub history: Vec<HistoryRow>,
    pub permissions: Permissions,
}

/// A request as stored, with its chain and history.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRequest {
    pub summary: ApprovalSummary,
    pub subject_id: Option<i64>,
    pub unit_path: String,
    pub payload: Value,
    pub outcome: Option<Value>,
    /// The current step from 1 (the last one reached once closed).
    pub step: usize,
    pub chain: Vec<Step>,
    pub unit_names: Vec<Option<String>>,
    pub history: Vec<HistoryRow>,
    /// Who has approved or rejected a step.
    pub deciders: Vec<String>,
}

impl StoredRequest {
    pub fn id(&self) -> i64 {
        self.summary.id
    }

    pub fn kind(&self) -> Kind {
        self.summary.kind
    }

    pub fn requester_code(&self) -> &str {
        &self.summary.requester.code
    }

    pub fn state(&self) -> RequestState<'_> {
        RequestState {
            status: self.summary.status,
            requester_code: &self.summary.requester.code,
            unit_path: &self.unit_path,
            chain: &self.chain,
            step: self.step,
            deciders: &self.deciders,
        }
    }

    /// Whether this is the chain's last step (its approval closes the request).
    pub fn at_last_step(&self) -> bool {
        self.step == self.chain.len()
    }

    /// The request as `viewer` sees it.
    pub fn view(self, viewer: &Principal) -> ApprovalView {
        let state = self.state();
        let permissions = Permissions {
            decide: check_decider(viewer, &state).is_ok(),
            withdraw: check_withdrawer(viewer, &state).is_ok(),
        };
        let status = self.summary.status;
        let chain = self
            .chain
            .iter()
            .zip(&self.unit_names)
            .enumerate()
            .map(|(i, (step, unit_name))| {
                let number = i + 1;
                let decided = self.history.iter().rev().find(|row| {
                    row.step == Some(number)
                        && matches!(row.event, Event::Approved | Event::Rejected)
                });
                let state = match decided {
                    Some(row) if row.event == Event::Approved => "approved",
                    Some(_) => "rejected",
                    None if status == Status::Pending && number == self.step => "pending",
                    None if status == Status::Pending && number > self.step => "waiting",
                    None => "not_reached",
                };
                StepView {
                    step: number,
                    role: step.role,
                    unit_path: step.unit_path.clone(),
                    unit_name: unit_name.clone(),
                    status: state,
                    decided_by: decided.map(|row| row.by.clone()),
                    decided_at: decided.map(|row| row.at.clone()),
                    comment: decided.map(|row| row.comment.clone()),
                }
            })
            .collect();
        ApprovalView {
            summary: self.summary,
            unit_path: self.unit_path,
            payload: self.payload,
            outcome: self.outcome,
            chain,
            history: self.history,
            permissions,
        }
    }
}

/// A request waiting for the caller, as HOME's to-dos (待办事项) list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodoApproval {
    pub kind: Kind,
    pub id: i64,
    pub kind_name: &'static str,
    pub title: String,
    pub subject_id: Option<i64>,
    pub subject_name: Option<String>,
    pub requester_code: String,
    pub requester_name: Option<String>,
    pub submitted_at: String,
    /// The step the caller decides, from 1.
    pub step: usize,
}

impl From<ApprovalSummary> for TodoApproval {
    fn from(summary: ApprovalSummary) -> TodoApproval {
        TodoApproval {
            kind: summary.kind,
            id: summary.id,
            kind_name: summary.kind_name,
            title: summary.title,
            subject_id: summary.subject.as_ref().map(|s| s.id),
            subject_name: summary.subject.and_then(|s| s.name),
            requester_code: summary.requester.code,
            requester_name: summary.requester.name,
            submitted_at: summary.submitted_at,
            step: summary.current_step.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    fn person(code: &str) -> Person {
        Person {
            code: code.into(),
            name: None,
        }
    }

    fn stored(status: Status, step: usize, history: Vec<HistoryRow>) -> StoredRequest {
        let deciders = history
            .iter()
            .filter(|r| matches!(r.event, Event::Approved | Event::Rejected))
            .map(|r| r.by.code.clone())
            .collect();
        StoredRequest {
            summary: ApprovalSummary {
                id: 1,
                kind: Kind::Expense,
                kind_name: "费用申请",
                title: "费用申请：x".into(),
                subject: None,
                requester: person("A0001"),
                status,
                current_step: (status == Status::Pending).then_some(step),
                current_role: None,
                current_unit_path: None,
                submitted_at: "2026-03-10T01:00:00Z".into(),
                updated_at: "2026-03-10T01:00:00Z".into(),
                decided_at: None,
            },
            subject_id: None,
            unit_path: "/1/2/4/8/".into(),
            payload: Value::Null,
            outcome: None,
            step,
            chain: vec![
                Step::new(Role::Lead, "/1/2/4/8/"),
                Step::new(Role::BranchManager, "/1/2/4/"),
            ],
            unit_names: vec![Some("四川南路财富一组".into()), None],
            history,
            deciders,
        }
    }

    fn row(step: Option<usize>, event: Event, by: &str) -> HistoryRow {
        HistoryRow {
            step,
            event,
            by: person(by),
            at: "2026-03-10T02:00:00Z".into(),
            comment: "同意".into(),
            detail: None,
        }
    }

    fn statuses(view: &ApprovalView) -> Vec<&'static str> {
        view.chain.iter().map(|s| s.status).collect()
    }

    #[test]
    fn the_chain_shows_where_a_request_stands() {
        let lead = Principal::new("0010001", Roles::from_stored("lead,rep"), "/1/2/4/8/");
        let manager = Principal::new("0010002", Roles::from_stored("branch_manager"), "/1/2/4/");
        let requester = Principal::new("A0001", Roles::from_stored("rep"), "/1/2/4/8/");
        let submitted = row(None, Event::Submitted, "A0001");

        let fresh = stored(Status::Pending, 1, vec![submitted.clone()]);
        let view = fresh.clone().view(&lead);
        assert_eq!(statuses(&view), ["pending", "waiting"]);
        assert_eq!(
            view.permissions,
            Permissions {
                decide: true,
                withdraw: false
            }
        );
        assert_eq!(
            fresh.clone().view(&requester).permissions,
            Permissions {
                decide: false,
                withdraw: true
            }
        );
        assert_eq!(
            fresh.view(&manager).permissions,
            Permissions {
                decide: false,
                withdraw: false
            }
        );

        let halfway = stored(
            Status::Pending,
            2,
            vec![submitted.clone(), row(Some(1), Event::Approved, "0010001")],
        );
        let view = halfway.view(&manager);
        assert_eq!(statuses(&view), ["approved", "pending"]);
        assert_eq!(view.chain[0].decided_by, Some(person("0010001")));
        assert_eq!(view.chain[0].comment.as_deref(), Some("同意"));
        assert!(view.permissions.decide);

        let rejected = stored(
            Status::Rejected,
            1,
            vec![submitted.clone(), row(Some(1), Event::Rejected, "0010001")],
        );
        assert_eq!(statuses(&rejected.view(&lead)), ["rejected", "not_reached"]);
        let withdrawn = stored(
            Status::Withdrawn,
            1,
            vec![submitted, row(None, Event::Withdrawn, "A0001")],
        );
        let view = withdrawn.view(&requester);
        assert_eq!(statuses(&view), ["not_reached", "not_reached"]);
        assert_eq!(
            view.permissions,
            Permissions {
                decide: false,
                withdraw: false
            }
        );
    }
}
