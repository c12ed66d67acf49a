//! Who may see a request, and who may decide, withdraw or not touch it: plain rules
//! over what the store holds, so every route asks the same question the same way.

use zhanye_customers::rules::optional_text;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, FieldError, Localized};
use zhanye_staff::Principal;

use crate::chain::{Step, holds};
use crate::kind::{Kind, Status};

/// A comment on filing, deciding or withdrawing a request, characters.
pub const COMMENT_MAX_CHARS: usize = 500;

/// An approver's answer to the current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// A decision as submitted, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub decision: Decision,
    pub comment: String,
    /// A transfer's new owner (required to approve one).
    pub new_owner_code: Option<String>,
    /// A new customer's owner (optional; the requester by default).
    pub owner_code: Option<String>,
}

fn code_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl DecisionInput {
    /// Checks a decision on a request of `kind`: `decision` approve or reject, `comment`
    /// at most 500 characters, `new_owner_code` only on transfers and `owner_code` only
    /// on new-customer confirmations.
    pub fn parse(
        kind: Kind,
        decision: &str,
        comment: Option<&str>,
        new_owner_code: Option<&str>,
        owner_code: Option<&str>,
    ) -> Result<DecisionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let blank = decision.trim().is_empty();
        let decision = Decision::parse(decision.trim());
        if decision.is_none() {
            let why = if blank {
                reason::REQUIRED
            } else {
                reason::INVALID
            };
            errors.push(FieldError::new("decision", why));
        }
        let comment = optional_text("comment", comment, COMMENT_MAX_CHARS)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let new_owner_code = code_text(new_owner_code);
        if new_owner_code.is_some() && kind != Kind::CustomerTransfer {
            errors.push(FieldError::new("new_owner_code", reason::UNKNOWN_FIELD));
        }
        let owner_code = code_text(owner_code);
        if owner_code.is_some() && kind != Kind::NewCustomer {
            errors.push(FieldError::new("owner_code", reason::UNKNOWN_FIELD));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok(DecisionInput {
                decision,
                comment,
                new_owner_code,
                owner_code,
            }),
            _ => Err(errors),
        }
    }
}

/// A request as the rules need to see it.
#[derive(Debug, Clone, Copy)]
pub struct RequestState<'a> {
    pub status: Status,
    pub requester_code: &'a str,
    /// The requester's unit when they filed it.
    pub unit_path: &'a str,
    pub chain: &'a [Step],
    /// The current step, counting from 1 (meaningful while pending).
    pub step: usize,
    /// Who has approved or rejected a step.
    pub deciders: &'a [String],
}

impl RequestState<'_> {
    /// The step waiting for a decision, while pending.
    pub fn current(&self) -> Option<&Step> {
        (self.status == Status::Pending)
            .then(|| self.step.checked_sub(1).and_then(|i| self.chain.get(i)))
            .flatten()
    }
}

/// Why a decision is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No longer pending (approved, rejected or withdrawn): 409.
    Closed,
    /// The caller held an earlier step, which has been decided: a second approval or a
    /// stale page, 409.
    MovedOn,
    /// The caller filed it: 403.
    OwnRequest,
    /// A later step is the caller's, not this one yet: 403.
    NotYet,
    /// No step is the caller's: 403.
    NotApprover,
}

impl Refusal {
    pub fn to_error(self) -> ApiError {
        match self {
            Refusal::Closed => ApiError::conflict().with_detail(Localized::new(
                "该申请已结束（已通过、已驳回或已撤回），不能再审批。",
                "The request is closed (approved, rejected or withdrawn) and cannot be decided.",
            )),
            Refusal::MovedOn => ApiError::conflict().with_detail(Localized::new(
                "您审批的环节已处理，申请已流转到下一环节。",
                "Your step has already been decided; the request has moved on.",
            )),
            Refusal::OwnRequest => ApiError::forbidden()
                .with_detail(Localized::new(
                    "不能审批本人提交的申请。",
                    "You cannot decide a request you filed yourself.",
                ))
                .with_extension("reason", serde_json::json!("own_request")),
            Refusal::NotYet => ApiError::forbidden()
                .with_detail(Localized::new(
                    "尚未轮到您审批该申请。",
                    "The request has not reached your step yet.",
                ))
                .with_extension("reason", serde_json::json!("not_your_step_yet")),
            Refusal::NotApprover => ApiError::forbidden()
                .with_detail(Localized::new(
                    "您不是该申请当前环节的审批人。",
                    "You are not the approver of this request's current step.",
                ))
                .with_extension("reason", serde_json::json!("not_approver")),
        }
    }
}

/// Whether `actor` may decide the current step.
pub fn check_decider(actor: &Principal, request: &RequestState<'_>) -> Result<(), Refusal> {
    let Some(current) = request.current() else {
        return Err(Refusal::Closed);
    };
    if actor.code == request.requester_code {
        return Err(Refusal::OwnRequest);
    }
    if holds(actor, current) {
        return Ok(());
    }
    let index = request.step - 1;
    if request.chain[..index].iter().any(|s| holds(actor, s)) {
        Err(Refusal::MovedOn)
    } else if request.chain[index..].iter().any(|s| holds(actor, s)) {
        Err(Refusal::NotYet)
    } else {
        Err(Refusal::NotApprover)
    }
}

/// Whether `actor` may withdraw the request: the requester, while pending.
pub fn check_withdrawer(actor: &Principal, request: &RequestState<'_>) -> Result<(), ApiError> {
    if actor.code != request.requester_code {
        return Err(ApiError::forbidden().with_detail(Localized::new(
            "只有申请人可以撤回申请。",
            "Only the requester may withdraw a request.",
        )));
    }
    if request.status != Status::Pending {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "只能撤回待审批的申请。",
            "Only a pending request can be withdrawn.",
        )));
    }
    Ok(())
}

/// Whether `actor` sees the request at all (404 otherwise): the requester, whoever may
/// decide its current step or has decided one, and ORG-4 readers of the requester's
/// unit.
pub fn may_view(actor: &Principal, request: &RequestState<'_>) -> bool {
    actor.code == request.requester_code
        || request.current().is_some_and(|step| holds(actor, step))
        || request.deciders.contains(&actor.code)
        || actor.reads_unit(request.unit_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::{Role, Roles};

    fn actor(code: &str, roles: &str, path: &str) -> Principal {
        Principal::new(code, Roles::from_stored(roles), path)
    }

    fn chain() -> Vec<Step> {
        vec![
            Step::new(Role::Lead, "/1/2/4/8/"),
            Step::new(Role::BranchManager, "/1/2/4/"),
        ]
    }

    fn state<'a>(
        status: Status,
        step: usize,
        chain: &'a [Step],
        deciders: &'a [String],
    ) -> RequestState<'a> {
        RequestState {
            status,
            requester_code: "A0001",
            unit_path: "/1/2/4/8/",
            chain,
            step,
            deciders,
        }
    }

    #[test]
    fn deciding_a_two_step_request() {
        let chain = chain();
        let none: Vec<String> = Vec::new();
        let lead_done = vec!["0010001".to_owned()];
        let requester = actor("A0001", "rep", "/1/2/4/8/");
        let lead = actor("0010001", "lead,rep", "/1/2/4/8/");
        let manager = actor("0010002", "branch_manager", "/1/2/4/");
        let other_lead = actor("0010009", "lead,rep", "/1/2/4/9/");
        let teammate = actor("A0002", "rep", "/1/2/4/8/");
        let lead_as_requester = RequestState {
            requester_code: "0010001",
            ..state(Status::Pending, 1, &chain, &none)
        };
        let step1 = state(Status::Pending, 1, &chain, &none);
        let step2 = state(Status::Pending, 2, &chain, &lead_done);
        let approved = state(Status::Approved, 2, &chain, &lead_done);
        let withdrawn = state(Status::Withdrawn, 1, &chain, &none);
        // (who, request, answer)
        let table: Vec<(&Principal, RequestState<'_>, Result<(), Refusal>)> = vec![
            (&lead, step1, Ok(())),
            (&manager, step1, Err(Refusal::NotYet)),
            (&other_lead, step1, Err(Refusal::NotApprover)),
            (&teammate, step1, Err(Refusal::NotApprover)),
            (&requester, step1, Err(Refusal::OwnRequest)),
            (&lead, lead_as_requester, Err(Refusal::OwnRequest)),
            (&manager, step2, Ok(())),
            (&lead, step2, Err(Refusal::MovedOn)),
            (&manager, approved, Err(Refusal::Closed)),
            (&lead, withdrawn, Err(Refusal::Closed)),
            (&requester, withdrawn, Err(Refusal::Closed)),
        ];
        for (i, (who, request, expected)) in table.into_iter().enumerate() {
            assert_eq!(check_decider(who, &request), expected, "row {i}");
        }
        assert_eq!(Refusal::Closed.to_error().status.as_u16(), 409);
        assert_eq!(Refusal::MovedOn.to_error().status.as_u16(), 409);
        for refusal in [Refusal::OwnRequest, Refusal::NotYet, Refusal::NotApprover] {
            let error = refusal.to_error();
            assert_eq!((error.status.as_u16(), error.code), (403, "forbidden"));
        }
    }

    #[test]
    fn who_sees_a_request() {
        let chain = chain();
        let none: Vec<String> = Vec::new();
        let lead_done = vec!["0010001".to_owned()];
        let step1 = state(Status::Pending, 1, &chain, &none);
        let done = state(Status::Approved, 2, &chain, &lead_done);
        let table = [
            (actor("A0001", "rep", "/1/2/4/8/"), step1, true),
            (actor("A0002", "rep", "/1/2/4/8/"), step1, false),
            (actor("0010001", "lead,rep", "/1/2/4/8/"), step1, true),
            (actor("0010009", "lead,rep", "/1/2/4/9/"), step1, false),
            (actor("0010002", "branch_manager", "/1/2/4/"), step1, true),
            (actor("0010007", "branch_manager", "/1/3/6/"), step1, false),
            (actor("0010003", "hq_admin", "/1/"), step1, true),
            // A lead who decided and has since moved to another team still sees it.
            (actor("0010001", "lead,rep", "/1/2/4/9/"), done, true),
        ];
        for (i, (who, request, seen)) in table.into_iter().enumerate() {
            assert_eq!(may_view(&who, &request), seen, "row {i}");
        }
    }

    #[test]
    fn only_the_requester_withdraws_a_pending_request() {
        let chain = chain();
        let none: Vec<String> = Vec::new();
        let requester = actor("A0001", "rep", "/1/2/4/8/");
        let lead = actor("0010001", "lead,rep", "/1/2/4/8/");
        let pending = state(Status::Pending, 1, &chain, &none);
        assert!(check_withdrawer(&requester, &pending).is_ok());
        assert_eq!(
            check_withdrawer(&lead, &pending).unwrap_err().code,
            "forbidden"
        );
        for status in [Status::Approved, Status::Rejected, Status::Withdrawn] {
            let closed = state(status, 1, &chain, &none);
            assert_eq!(
                check_withdrawer(&requester, &closed).unwrap_err().code,
                "conflict"
            );
        }
        assert_eq!(Decision::parse("approve"), Some(Decision::Approve));
        assert_eq!(Decision::parse("reject"), Some(Decision::Reject));
        assert_eq!(Decision::parse("Approve"), None);
    }

    fn reasons(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.reason)).collect()
    }

    #[test]
    fn decisions_as_submitted() {
        let ok = DecisionInput::parse(
            Kind::CustomerTransfer,
            "approve",
            Some(" 同意 "),
            Some(" a0002 "),
            None,
        )
        .unwrap();
        assert_eq!(ok.decision, Decision::Approve);
        assert_eq!(ok.comment, "同意");
        assert_eq!(ok.new_owner_code.as_deref(), Some("a0002"));
        let owner =
            DecisionInput::parse(Kind::NewCustomer, "approve", None, None, Some("A0002")).unwrap();
        assert_eq!(owner.owner_code.as_deref(), Some("A0002"));
        let long = "意".repeat(501);
        // (kind, decision, comment, new_owner_code, owner_code, refusals)
        type Case<'a> = (
            Kind,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Vec<(&'a str, &'a str)>,
        );
        let table: Vec<Case<'_>> = vec![
            (
                Kind::Expense,
                "maybe",
                None,
                None,
                None,
                vec![("decision", "invalid")],
            ),
            (
                Kind::Expense,
                " ",
                None,
                None,
                None,
                vec![("decision", "required")],
            ),
            (
                Kind::Expense,
                "approve",
                Some(&long),
                Some("A0002"),
                Some("A0002"),
                vec![
                    ("comment", "too_long"),
                    ("new_owner_code", "unknown_field"),
                    ("owner_code", "unknown_field"),
                ],
            ),
            (
                Kind::CustomerTransfer,
                "approve",
                None,
                None,
                Some("A0002"),
                vec![("owner_code", "unknown_field")],
            ),
        ];
        for (i, (kind, decision, comment, new_owner, owner, expected)) in
            table.into_iter().enumerate()
        {
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(f, r)| (f.to_owned(), r.to_owned()))
                .collect();
            assert_eq!(
                reasons(
                    DecisionInput::parse(kind, decision, comment, new_owner, owner).unwrap_err()
                ),
                expected,
                "row {i}"
            );
        }
    }
}
