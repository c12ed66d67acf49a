//! Who may do what with a task (ORG-4 over TASK-1..5).
//!
//! - a task is seen by its responsible staff member (负责营销人员), its creator, its
//!   co-workers (协同人员), and whoever reads the unit it belongs to: a lead the team, a
//!   branch manager the branch, HQ everything. To anyone else it does not exist (404);
//! - only the responsible executes it; the responsible or the creator (a lead who
//!   assigned it) cancels it; someone who sees it but may not is refused (403);
//! - a lead, branch manager or HQ may set up a task for a normal-status member of their
//!   unit's subtree; a rep only for themself.
//!
//! Each rule takes the [`Principal`] asking.

use serde::Serialize;
use zhanye_customers::rules::StaffFacts;
use zhanye_platform::{ApiError, Localized};
use zhanye_staff::org::is_within;
use zhanye_staff::{Principal, Role};

use crate::fields::why;
use crate::status::TaskStatus;

/// A task as access needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    pub responsible_code: &'a str,
    pub created_by: &'a str,
    /// The task's unit path (its responsible's when it was set up).
    pub unit_path: &'a str,
    /// Whether the one asking is one of its co-workers.
    pub viewer_coworks: bool,
}

/// Whether `who` sees the task: its responsible, its creator, a co-worker, or whoever
/// reads its unit (the org subtree of [`Principal::readable_subtree`]).
pub fn sees(who: &Principal, task: Parties<'_>) -> bool {
    who.code == task.responsible_code
        || who.code == task.created_by
        || task.viewer_coworks
        || who
            .readable_subtree()
            .is_some_and(|root| is_within(task.unit_path, root))
}

pub fn may_execute(who: &Principal, task: Parties<'_>) -> bool {
    who.code == task.responsible_code
}

pub fn may_cancel(who: &Principal, task: Parties<'_>) -> bool {
    who.code == task.responsible_code || who.code == task.created_by
}

/// What the one asking may do with a task as it stands (a task's `permissions`), so a
/// screen offers 执行 and 取消 only to whom the server would let do them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Permissions {
    /// 执行: the responsible, while the task is open.
    pub execute: bool,
    /// 取消: the responsible or the creator, while the task is open.
    pub cancel: bool,
}

impl Permissions {
    pub fn of(who: &Principal, task: Parties<'_>, status: TaskStatus) -> Permissions {
        let open = !status.is_final();
        Permissions {
            execute: open && may_execute(who, task),
            cancel: open && may_cancel(who, task),
        }
    }
}

/// Whether `who` sets up tasks for others (a lead, branch manager or HQ).
pub fn assigns(who: &Principal) -> bool {
    who.has(Role::Lead) || who.has(Role::BranchManager) || who.has(Role::HqAdmin)
}

/// Why `candidate` (named as the responsible by `who`, who assigns) is refused: unknown
/// and outside `who`'s unit alike (never told apart), or not in normal status.
pub fn assignee_refusal(who: &Principal, candidate: Option<&StaffFacts>) -> Option<&'static str> {
    match candidate {
        None => Some(why::UNKNOWN_REFERENCE),
        Some(staff) if !who.unit_contains(&staff.unit_path) => Some(why::UNKNOWN_REFERENCE),
        Some(staff) if staff.status != "normal" => Some(why::NOT_ACTIVE),
        Some(_) => None,
    }
}

/// 403: executing a task the caller sees but is not responsible for.
pub fn not_responsible() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "只有该任务的负责营销人员可以执行任务。",
        "Only the task's responsible staff member may execute it.",
    ))
}

/// 403: cancelling a task the caller sees but neither owns nor set up.
pub fn may_not_cancel() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "只有该任务的负责营销人员或发起人可以取消任务。",
        "Only the task's responsible staff member or its creator may cancel it.",
    ))
}

/// 403: a rep naming someone else as the responsible.
pub fn may_not_assign() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "只有团队长、营业部经理或总部人员可以为他人安排营销任务。",
        "Only a team lead, branch manager or HQ may set up tasks for someone else.",
    ))
}

/// 403: a rep asking for a team's tasks or activity.
pub fn no_team() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "只有团队长、营业部经理或总部人员可以查看团队的营销任务。",
        "Only a team lead, branch manager or HQ may see a team's tasks.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    fn roles(text: &str) -> Roles {
        Roles::from_stored(text)
    }

    fn viewer(code: &str, roles: &str, unit_path: &str) -> Principal {
        Principal::new(code, Roles::from_stored(roles), unit_path)
    }

    #[test]
    fn who_sees_executes_and_cancels() {
        let owner = viewer("A0001", "rep", "/1/2/4/8/");
        let teammate = viewer("A0002", "rep", "/1/2/4/8/");
        let lead = viewer("0010001", "lead,rep", "/1/2/4/8/");
        let manager = viewer("0010002", "branch_manager,broker_admin", "/1/2/4/");
        let hq = viewer("0010003", "hq_admin", "/1/");
        let other_team = viewer("A0003", "rep", "/1/2/4/9/");
        let other_branch_rep = viewer("A0004", "rep", "/1/3/6/11/");

        // A0001's own task in team 8.
        let own = Parties {
            responsible_code: "A0001",
            created_by: "A0001",
            unit_path: "/1/2/4/8/",
            viewer_coworks: false,
        };
        // The lead assigned it to A0001.
        let assigned = Parties {
            created_by: "0010001",
            ..own
        };
        // A0003 helped with it.
        let coworked = Parties {
            viewer_coworks: true,
            ..own
        };
        // (viewer, task, sees, executes, cancels)
        let table = [
            (&owner, own, true, true, true),
            (&teammate, own, false, false, false),
            (&lead, own, true, false, false),
            (&lead, assigned, true, false, true),
            (&owner, assigned, true, true, true),
            (&manager, own, true, false, false),
            (&hq, own, true, false, false),
            (&other_team, own, false, false, false),
            (&other_team, coworked, true, false, false),
            (&other_branch_rep, own, false, false, false),
        ];
        for (i, (who, task, seen, executes, cancels)) in table.into_iter().enumerate() {
            assert_eq!(sees(who, task), seen, "row {i} sees");
            assert_eq!(may_execute(who, task), executes, "row {i} executes");
            assert_eq!(may_cancel(who, task), cancels, "row {i} cancels");
            let open = Permissions::of(who, task, TaskStatus::Open);
            assert_eq!((open.execute, open.cancel), (executes, cancels), "row {i}");
            for closed in [TaskStatus::Done, TaskStatus::Cancelled] {
                let after = Permissions::of(who, task, closed);
                assert!(!after.execute && !after.cancel, "row {i} {closed:?}");
            }
        }
    }

    #[test]
    fn who_assigns_whom() {
        let staff = |code: &str, unit: &str, status: &str| StaffFacts {
            code: code.into(),
            name: String::new(),
            status: status.into(),
            roles: roles("rep"),
            unit_path: unit.into(),
        };
        let lead = viewer("0010001", "lead,rep", "/1/2/4/8/");
        let manager = viewer("0010002", "branch_manager", "/1/2/4/");
        let rep = viewer("A0001", "rep", "/1/2/4/8/");
        let admin = viewer("0010009", "broker_admin", "/1/2/4/");
        assert!(assigns(&lead) && assigns(&manager));
        assert!(!assigns(&rep) && !assigns(&admin));
        let member = staff("A0002", "/1/2/4/8/", "normal");
        let other_team = staff("A0003", "/1/2/4/9/", "normal");
        let suspended = staff("A0005", "/1/2/4/8/", "suspended");
        // (assigner, candidate, refusal)
        let table = [
            (&lead, Some(&member), None),
            (&lead, Some(&other_team), Some("unknown_reference")),
            (&lead, Some(&suspended), Some("not_active")),
            (&lead, None, Some("unknown_reference")),
            (&manager, Some(&other_team), None),
        ];
        for (i, (who, candidate, expected)) in table.into_iter().enumerate() {
            assert_eq!(assignee_refusal(who, candidate), expected, "row {i}");
        }
    }

    #[test]
    fn refusals_are_403_in_both_languages() {
        for error in [
            not_responsible(),
            may_not_cancel(),
            may_not_assign(),
            no_team(),
        ] {
            assert_eq!(error.status.as_u16(), 403);
            assert_eq!(error.code, "forbidden");
            let zh = error.detail(zhanye_platform::Lang::ZhCn);
            let en = error.detail(zhanye_platform::Lang::En);
            assert!(zh != en && !zh.is_empty() && en.starts_with("Only"));
        }
    }
}
