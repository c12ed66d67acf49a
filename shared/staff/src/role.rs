//! ORG-3 roles and what they may see (ORG-4).

use serde::{Deserialize, Serialize};
use std::fmt;

/// One ORG-3 role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 营销代表 / 经纪人 / 投资顾问.
    Rep,
    /// 团队长 / 营销经理.
    Lead,
    /// 经纪人管理岗.
    BrokerAdmin,
    /// 营业部经理 / 市场总监.
    BranchManager,
    /// 总部营销管理岗.
    HqAdmin,
    Sysadmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Rep,
        Role::Lead,
        Role::BrokerAdmin,
        Role::BranchManager,
        Role::HqAdmin,
        Role::Sysadmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Lead => "lead",
            Role::BrokerAdmin => "broker_admin",
            Role::BranchManager => "branch_manager",
            Role::HqAdmin => "hq_admin",
            Role::Sysadmin => "sysadmin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles of one staff member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Roles {
        let mut list: Vec<Role> = Vec::new();
        for role in roles {
            if !list.contains(&role) {
                list.push(role);
            }
        }
        Roles(list)
    }

    /// Reads the stored form, `"lead,rep"`; unknown names are skipped.
    pub fn from_stored(text: &str) -> Roles {
        Roles::new(text.split(',').filter_map(|r| Role::parse(r.trim())))
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// ORG-4: whether the holder reads the people and data of their whole unit subtree
    /// (a lead their team, a branch manager their branch, HQ everything), rather than
    /// only their own.
    pub fn reads_unit_subtree(&self) -> bool {
        self.0.iter().any(|r| *r != Role::Rep)
    }

    /// AUTH-5: whether the holder may reset others' passwords within their subtree.
    pub fn resets_passwords(&self) -> bool {
        self.0.iter().any(|r| {
            matches!(
                r,
                Role::BrokerAdmin | Role::BranchManager | Role::HqAdmin | Role::Sysadmin
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        let roles = Roles::from_stored("lead, rep,unknown,lead");
        assert_eq!(roles.to_stored(), "lead,rep");
        assert!(roles.has(Role::Lead) && roles.has(Role::Rep));
        assert!(!roles.has(Role::HqAdmin));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn scope_by_role() {
        let cases: &[(&str, bool, bool)] = &[
            ("rep", false, false),
            ("", false, false),
            ("lead,rep", true, false),
            ("broker_admin", true, true),
            ("branch_manager", true, true),
            ("hq_admin", true, true),
            ("sysadmin", true, true),
        ];
        for (stored, subtree, resets) in cases {
            let roles = Roles::from_stored(stored);
            assert_eq!(roles.reads_unit_subtree(), *subtree, "{stored}");
            assert_eq!(roles.resets_passwords(), *resets, "{stored}");
        }
    }
}
