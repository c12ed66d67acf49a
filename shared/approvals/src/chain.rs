//! Approver chains (审批流程): which role at which unit decides each step.
//!
//! A kind names the levels it climbs ([`Kind::levels`](crate::Kind::levels)): the
//! requester's team (its `lead`), branch (its `branch_manager`, 市场总监) or HQ (an
//! `hq_admin`). Each level is resolved against the org tree above the request's unit:
//!
//! - a level the requester holds themselves is skipped upwards (a lead's own request
//!   goes to the branch manager, a branch manager's to HQ), since nobody approves their
//!   own request; at HQ, with nothing above, another HQ admin decides;
//! - so is a level with no unit on the path (a branch-level requester has no team) or
//!   with nobody else in normal status holding it (a team without a lead);
//! - a step equal to the one before it is folded into it (a lead's expense request
//!   climbs [branch, branch] → [branch]).
//!
//! Whoever holds a step's role at a unit containing the step's unit may decide it
//! ([`holds`]).

use serde::Serialize;
use zhanye_staff::{Principal, Role};

/// A level of the org tree a request climbs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Team,
    Branch,
    Hq,
}

impl Level {
    /// The role that decides at this level.
    pub fn role(self) -> Role {
        match self {
            Level::Team => Role::Lead,
            Level::Branch => Role::BranchManager,
            Level::Hq => Role::HqAdmin,
        }
    }

    fn above(self) -> Option<Level> {
        match self {
            Level::Team => Some(Level::Branch),
            Level::Branch => Some(Level::Hq),
            Level::Hq => None,
        }
    }
}

/// One step of a chain: the role, and the unit whose holder of it decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub role: Role,
    pub unit_path: String,
}

impl Step {
    pub fn new(role: Role, unit_path: &str) -> Step {
        Step {
            role,
            unit_path: unit_path.to_owned(),
        }
    }
}

/// Whether `who` may decide `step`: they hold its role at a unit containing its unit.
pub fn holds(who: &Principal, step: &Step) -> bool {
    who.holds_at(step.role, &step.unit_path)
}

/// The org tree above a request's unit, as the chain needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgView {
    /// The path of the team (团队) on the way up, if any.
    pub team: Option<String>,
    /// The path of the branch (营业部), if any.
    pub branch: Option<String>,
    /// The path of HQ (总部), the root.
    pub hq: Option<String>,
    /// The staff in normal status at the units on the path (they alone can hold a
    /// step there).
    pub staff: Vec<Principal>,
}

impl OrgView {
    fn unit(&self, level: Level) -> Option<&str> {
        match level {
            Level::Team => self.team.as_deref(),
            Level::Branch => self.branch.as_deref(),
            Level::Hq => self.hq.as_deref(),
        }
    }
}

/// The chain of `levels` for `requester`, or `None` when some level finds nobody to
/// decide it up to HQ.
pub fn resolve(levels: &[Level], org: &OrgView, requester: &Principal) -> Option<Vec<Step>> {
    let mut chain: Vec<Step> = Vec::new();
    for first in levels {
        let mut level = Some(*first);
        let step = loop {
            let current = level?;
            if let Some(unit) = org.unit(current) {
                let step = Step::new(current.role(), unit);
                // HQ has nobody above it: there a peer decides the requester's request.
                let skipped = holds(requester, &step) && current.above().is_some();
                let decidable = !skipped
                    && org
                        .staff
                        .iter()
                        .any(|s| s.code != requester.code && holds(s, &step));
                if decidable {
                    break step;
                }
            }
            level = current.above();
        };
        if chain.last() != Some(&step) {
            chain.push(step);
        }
    }
    Some(chain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    fn actor(code: &str, roles: &str, path: &str) -> Principal {
        Principal::new(code, Roles::from_stored(roles), path)
    }

    /// The demo branch: team 8 with a lead, team 9 without one, the branch manager at
    /// the branch, HQ at the root.
    fn org(team: &str, staff: Vec<Principal>) -> OrgView {
        OrgView {
            team: Some(team.to_owned()),
            branch: Some("/1/2/4/".into()),
            hq: Some("/1/".into()),
            staff,
        }
    }

    fn demo_staff() -> Vec<Principal> {
        vec![
            actor("A0001", "rep", "/1/2/4/8/"),
            actor("0010001", "lead,rep", "/1/2/4/8/"),
            actor("0010002", "branch_manager,broker_admin", "/1/2/4/"),
            actor("0010003", "hq_admin", "/1/"),
        ]
    }

    #[test]
    fn chains_by_kind_and_requester() {
        let lead = Step::new(Role::Lead, "/1/2/4/8/");
        let branch = Step::new(Role::BranchManager, "/1/2/4/");
        let hq = Step::new(Role::HqAdmin, "/1/");
        let team8 = org("/1/2/4/8/", demo_staff());
        let team9 = org("/1/2/4/9/", demo_staff());
        let at_branch = OrgView {
            team: None,
            ..team8.clone()
        };
        let rep = actor("A0001", "rep", "/1/2/4/8/");
        let rep9 = actor("A0003", "rep", "/1/2/4/9/");
        let team_lead = actor("0010001", "lead,rep", "/1/2/4/8/");
        let manager = actor("0010002", "branch_manager,broker_admin", "/1/2/4/");
        let both = [Level::Team, Level::Branch];
        // (levels, org, requester, chain)
        let table: Vec<(&[Level], &OrgView, &Principal, Vec<Step>)> = vec![
            (&[Level::Team], &team8, &rep, vec![lead.clone()]),
            (&both, &team8, &rep, vec![lead.clone(), branch.clone()]),
            (&[Level::Branch], &team8, &rep, vec![branch.clone()]),
            // The lead's own request skips their step.
            (&[Level::Team], &team8, &team_lead, vec![branch.clone()]),
            (&both, &team8, &team_lead, vec![branch.clone()]),
            // A team without a lead goes to the branch.
            (&[Level::Team], &team9, &rep9, vec![branch.clone()]),
            (&both, &team9, &rep9, vec![branch.clone()]),
            // A branch manager's own request goes to HQ.
            (&both, &at_branch, &manager, vec![hq.clone()]),
            (&[Level::Branch], &at_branch, &manager, vec![hq.clone()]),
        ];
        for (i, (levels, org, requester, chain)) in table.into_iter().enumerate() {
            assert_eq!(resolve(levels, org, requester), Some(chain), "row {i}");
        }
    }

    #[test]
    fn nobody_to_decide_is_no_chain() {
        let rep = actor("A0004", "rep", "/1/3/6/11/");
        let lonely = OrgView {
            team: Some("/1/3/6/11/".into()),
            branch: Some("/1/3/6/".into()),
            hq: Some("/1/".into()),
            staff: vec![rep.clone()],
        };
        assert_eq!(resolve(&[Level::Team], &lonely, &rep), None);
        // An HQ admin's own request goes to another HQ admin, if there is one.
        let hq = actor("0010003", "hq_admin", "/1/");
        let at_hq = |staff: Vec<Principal>| OrgView {
            team: None,
            branch: None,
            hq: Some("/1/".into()),
            staff,
        };
        assert_eq!(
            resolve(&[Level::Branch], &at_hq(vec![hq.clone()]), &hq),
            None
        );
        assert_eq!(
            resolve(
                &[Level::Team, Level::Branch],
                &at_hq(vec![hq.clone(), actor("0010004", "hq_admin", "/1/")]),
                &hq
            ),
            Some(vec![Step::new(Role::HqAdmin, "/1/")])
        );
        // A suspended manager is not in the view: HQ decides instead.
        let with_hq = OrgView {
            staff: vec![rep.clone(), actor("0010003", "hq_admin", "/1/")],
            ..lonely
        };
        assert_eq!(
            resolve(&[Level::Team, Level::Branch], &with_hq, &rep),
            Some(vec![Step::new(Role::HqAdmin, "/1/")])
        );
    }

    #[test]
    fn who_holds_a_step_and_reads_a_unit() {
        let step = Step::new(Role::Lead, "/1/2/4/8/");
        let table = [
            (actor("0010001", "lead,rep", "/1/2/4/8/"), true, true),
            // Another team's lead.
            (actor("0010009", "lead,rep", "/1/2/4/9/"), false, false),
            // A lead placed at the branch holds the branch's teams' lead steps.
            (actor("0010008", "lead", "/1/2/4/"), true, true),
            // The branch manager reads the team but is not its lead.
            (actor("0010002", "branch_manager", "/1/2/4/"), false, true),
            (actor("A0002", "rep", "/1/2/4/8/"), false, false),
            (actor("0010003", "hq_admin", "/1/"), false, true),
        ];
        for (i, (who, holds, reads)) in table.into_iter().enumerate() {
            assert_eq!(super::holds(&who, &step), holds, "row {i}");
            assert_eq!(who.reads_unit("/1/2/4/8/"), reads, "row {i}");
        }
    }
}
