//! Who is asking: the one picture of a signed-in staff member every rule of access takes
//! (ORG-4), whether the customers', the tasks' or the approvals'.

use crate::org::is_within;
use crate::role::{Role, Roles};

/// A staff member as access sees them: their 人员代码, roles and org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// 人员代码.
    pub code: String,
    pub roles: Roles,
    /// Their org-unit path, `/1/2/4/8/`.
    pub unit_path: String,
}

impl Principal {
    pub fn new(code: &str, roles: Roles, unit_path: &str) -> Principal {
        Principal {
            code: code.to_owned(),
            roles,
            unit_path: unit_path.to_owned(),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// ORG-4: the org subtree whose people (and their data) they read — a lead their
    /// team, a branch manager their branch, HQ everything — or `None` when they read
    /// only their own (a plain rep).
    pub fn readable_subtree(&self) -> Option<&str> {
        self.roles
            .reads_unit_subtree()
            .then_some(self.unit_path.as_str())
    }

    /// ORG-4: whether they read the people of the unit at `path`.
    pub fn reads_unit(&self, path: &str) -> bool {
        self.readable_subtree()
            .is_some_and(|root| is_within(path, root))
    }

    /// Whether the unit at `path` lies in their own unit's subtree (itself included),
    /// whatever their roles.
    pub fn unit_contains(&self, path: &str) -> bool {
        is_within(path, &self.unit_path)
    }

    /// Whether they hold `role` at a unit containing the unit at `path`: a team's lead
    /// steps are held by its lead and by a lead placed above it, a branch's by its
    /// manager.
    pub fn holds_at(&self, role: Role, path: &str) -> bool {
        self.has(role) && self.unit_contains(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(roles: &str, path: &str) -> Principal {
        Principal::new("A0001", Roles::from_stored(roles), path)
    }

    #[test]
    fn who_reads_which_units() {
        let rep = principal("rep", "/1/2/4/8/");
        assert_eq!(rep.readable_subtree(), None);
        assert!(!rep.reads_unit("/1/2/4/8/"));
        let lead = principal("lead,rep", "/1/2/4/8/");
        assert_eq!(lead.readable_subtree(), Some("/1/2/4/8/"));
        assert!(lead.reads_unit("/1/2/4/8/") && !lead.reads_unit("/1/2/4/9/"));
        let manager = principal("branch_manager", "/1/2/4/");
        assert!(manager.reads_unit("/1/2/4/9/") && !manager.reads_unit("/1/2/5/"));
        assert!(!manager.reads_unit("/1/2/"));
        let hq = principal("hq_admin", "/1/");
        assert!(hq.reads_unit("/1/3/7/12/"));
    }

    #[test]
    fn who_holds_a_role_over_a_unit() {
        let team = "/1/2/4/8/";
        // (roles, unit, holds the team's lead role, contains the team)
        let table = [
            ("lead,rep", "/1/2/4/8/", true, true),
            ("lead,rep", "/1/2/4/9/", false, false),
            // A lead placed at the branch holds the branch's teams' lead role.
            ("lead", "/1/2/4/", true, true),
            ("branch_manager", "/1/2/4/", false, true),
            // A rep's unit contains their team, but they hold no lead role there.
            ("rep", "/1/2/4/8/", false, true),
            ("lead", "/1/2/4/8/9/", false, false),
        ];
        for (i, (roles, unit, holds, contains)) in table.into_iter().enumerate() {
            let who = principal(roles, unit);
            assert_eq!(who.holds_at(Role::Lead, team), holds, "row {i}");
            assert_eq!(who.unit_contains(team), contains, "row {i}");
        }
        assert!(principal("hq_admin", "/1/").has(Role::HqAdmin));
        assert!(!principal("hq_admin", "/1/").has(Role::Rep));
    }
}
