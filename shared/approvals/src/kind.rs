//! The kinds of request (审批申请) the engine runs, and the approver levels each one
//! climbs before it is resolved against the org tree ([`crate::chain`]).

use serde::Serialize;

use crate::chain::Level;

/// One kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 客户开发任务书 (CUST-6): a prospect to develop, approved by the team lead.
    Development,
    /// 新客户确认 (CUST-6): a developed prospect has opened an account; the lead and the
    /// branch manager confirm it and name its owner.
    NewCustomer,
    /// 费用申请 (TASK-6): the 客户开发费用申请表, up to the branch's 市场总监.
    Expense,
    /// 业务协作申请 (TASK-6): the 投资顾问业务协作申请书, to the requester's 上级负责人.
    Collaboration,
    /// 转让 (ORG-5): the owner hands a customer on; the branch manager names the new owner.
    CustomerTransfer,
}

/// What a kind's request is about, when it is about one thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// 潜在客户 (`prospects`).
    Prospect,
    /// 客户 (`customers`).
    Customer,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Development,
        Kind::NewCustomer,
        Kind::Expense,
        Kind::Collaboration,
        Kind::CustomerTransfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Development => "development",
            Kind::NewCustomer => "new_customer",
            Kind::Expense => "expense",
            Kind::Collaboration => "collaboration",
            Kind::CustomerTransfer => "customer_transfer",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The form's name: zh-CN, en.
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Kind::Development => ("客户开发任务书", "Development task book"),
            Kind::NewCustomer => ("新客户确认", "New-customer confirmation"),
            Kind::Expense => ("费用申请", "Expense request"),
            Kind::Collaboration => ("业务协作申请", "Collaboration request"),
            Kind::CustomerTransfer => ("客户转让", "Customer transfer"),
        }
    }

    /// The levels the request climbs, lowest first.
    pub fn levels(self) -> &'static [Level] {
        match self {
            Kind::Development | Kind::Collaboration => &[Level::Team],
            Kind::NewCustomer | Kind::Expense => &[Level::Team, Level::Branch],
            Kind::CustomerTransfer => &[Level::Branch],
        }
    }

    pub fn subject(self) -> Option<SubjectKind> {
        match self {
            Kind::Development | Kind::NewCustomer => Some(SubjectKind::Prospect),
            Kind::CustomerTransfer => Some(SubjectKind::Customer),
            Kind::Expense | Kind::Collaboration => None,
        }
    }

    /// Whether `POST /api/approvals` files it; a transfer is filed on its customer
    /// (`POST /api/customers/{id}/transfers`), where the owner is checked.
    pub fn filed_directly(self) -> bool {
        self != Kind::CustomerTransfer
    }
}

/// A request's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Approved,
        Status::Rejected,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One row of a request's state history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Submitted,
    Approved,
    Rejected,
    Withdrawn,
}

impl Event {
    pub const ALL: [Event; 4] = [
        Event::Submitted,
        Event::Approved,
        Event::Rejected,
        Event::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Submitted => "submitted",
            Event::Approved => "approved",
            Event::Rejected => "rejected",
            Event::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// The audit action of an event. Transfers keep the names ORG-5 has always written.
pub fn audit_action(kind: Kind, event: Event) -> &'static str {
    match (kind, event) {
        (Kind::CustomerTransfer, Event::Submitted) => "customer.transfer_request",
        (Kind::CustomerTransfer, Event::Approved) => "customer.transfer_approve",
        (Kind::CustomerTransfer, Event::Rejected) => "customer.transfer_reject",
        (Kind::CustomerTransfer, Event::Withdrawn) => "customer.transfer_withdraw",
        (_, Event::Submitted) => "approval.submit",
        (_, Event::Approved) => "approval.approve",
        (_, Event::Rejected) => "approval.reject",
        (_, Event::Withdrawn) => "approval.withdraw",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        for event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(event));
        }
        assert_eq!(Kind::parse("Expense"), None);
        assert_eq!(Status::parse(""), None);
    }

    #[test]
    fn each_kind_climbs_its_levels() {
        // (kind, levels, subject, filed on /api/approvals)
        let table: &[(Kind, &[Level], Option<SubjectKind>, bool)] = &[
            (
                Kind::Development,
                &[Level::Team],
                Some(SubjectKind::Prospect),
                true,
            ),
            (
                Kind::NewCustomer,
                &[Level::Team, Level::Branch],
                Some(SubjectKind::Prospect),
                true,
            ),
            (Kind::Expense, &[Level::Team, Level::Branch], None, true),
            (Kind::Collaboration, &[Level::Team], None, true),
            (
                Kind::CustomerTransfer,
                &[Level::Branch],
                Some(SubjectKind::Customer),
                false,
            ),
        ];
        for (kind, levels, subject, direct) in table {
            assert_eq!(kind.levels(), *levels, "{kind:?}");
            assert_eq!(kind.subject(), *subject, "{kind:?}");
            assert_eq!(kind.filed_directly(), *direct, "{kind:?}");
        }
    }

    #[test]
    fn transfers_keep_their_audit_names() {
        let table = [
            (
                Kind::CustomerTransfer,
                Event::Submitted,
                "customer.transfer_request",
            ),
            (
                Kind::CustomerTransfer,
                Event::Approved,
                "customer.transfer_approve",
            ),
            (
                Kind::CustomerTransfer,
                Event::Rejected,
                "customer.transfer_reject",
            ),
            (Kind::Expense, Event::Submitted, "approval.submit"),
            (Kind::Development, Event::Approved, "approval.approve"),
            (Kind::NewCustomer, Event::Rejected, "approval.reject"),
            (Kind::Collaboration, Event::Withdrawn, "approval.withdraw"),
        ];
        for (kind, event, action) in table {
            assert_eq!(audit_action(kind, event), action);
        }
    }
}
