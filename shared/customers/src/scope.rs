//! ORG-4 data scope over customers, decided in plain Rust so every route asks the
//! same question the same way.
//!
//! - a rep reads and writes the customers they own or that are delegated to them now;
//! - a lead, broker admin or branch manager also reads (never writes) every customer
//!   owned within their unit's subtree (a lead their team, a manager their branch);
//! - HQ reads all.
//!
//! The store turns [`Reads`] into an index range (see `store::scope`).

use zhanye_staff::org::is_within;
use zhanye_staff::{Role, Roles};

/// What the caller reads beyond their own and delegated customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reads {
    /// Only their own and delegated customers.
    Own,
    /// Customers whose owner is within this unit path (itself included).
    Subtree(String),
    /// Every customer.
    All,
}

/// A caller's customer scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerScope {
    /// 人员代码 of the caller.
    pub code: String,
    pub reads: Reads,
}

/// A customer as the scope needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub owner_code: Option<&'a str>,
    /// The owner's unit path as stored on the customer.
    pub unit_path: &'a str,
    /// Whether an active delegation lends the customer to the caller.
    pub delegated_to_caller: bool,
}

impl CustomerScope {
    pub fn of(code: &str, roles: &Roles, unit_path: &str) -> CustomerScope {
        let reads = if roles.has(Role::HqAdmin) {
            Reads::All
        } else if roles.reads_unit_subtree() {
            Reads::Subtree(unit_path.to_owned())
        } else {
            Reads::Own
        };
        CustomerScope {
            code: code.to_owned(),
            reads,
        }
    }

    /// Whether the caller acts for the customer: owns it or has it delegated now.
    pub fn may_write(&self, holder: Holder<'_>) -> bool {
        holder.owner_code == Some(self.code.as_str()) || holder.delegated_to_caller
    }

    pub fn may_read(&self, holder: Holder<'_>) -> bool {
        self.may_write(holder)
            || match &self.reads {
                Reads::Own => false,
                Reads::Subtree(root) => {
                    holder.owner_code.is_some() && is_within(holder.unit_path, root)
                }
                Reads::All => true,
            }
    }

    /// Whether the caller may see a customer's contact data unmasked (CUST-2): only
    /// who serves the customer, and every such read is audited.
    pub fn may_unmask(&self, holder: Holder<'_>) -> bool {
        self.may_write(holder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder<'a>(owner: &'a str, path: &'a str, delegated: bool) -> Holder<'a> {
        Holder {
            owner_code: Some(owner),
            unit_path: path,
            delegated_to_caller: delegated,
        }
    }

    #[test]
    fn the_scope_table_of_org_4() {
        let rep = CustomerScope::of("A0001", &Roles::from_stored("rep"), "/1/2/4/8/");
        let lead = CustomerScope::of("0010001", &Roles::from_stored("lead,rep"), "/1/2/4/8/");
        let manager =
            CustomerScope::of("0010002", &Roles::from_stored("branch_manager"), "/1/2/4/");
        let hq = CustomerScope::of("0010003", &Roles::from_stored("hq_admin"), "/1/");
        let own = holder("A0001", "/1/2/4/8/", false);
        let teammate = holder("A0002", "/1/2/4/8/", false);
        let other_team = holder("A0003", "/1/2/4/9/", false);
        let other_branch = holder("A0004", "/1/3/6/11/", false);
        let lent = holder("A0002", "/1/2/4/8/", true);
        // (scope, holder, reads, writes)
        let table = [
            (&rep, own, true, true),
            (&rep, teammate, false, false),
            (&rep, lent, true, true),
            (&lead, teammate, true, false),
            (&lead, other_team, false, false),
            (&manager, other_team, true, false),
            (&manager, other_branch, false, false),
            (&hq, other_branch, true, false),
        ];
        for (i, (scope, h, reads, writes)) in table.into_iter().enumerate() {
            assert_eq!(scope.may_read(h), reads, "row {i} read");
            assert_eq!(scope.may_write(h), writes, "row {i} write");
            assert_eq!(scope.may_unmask(h), writes, "row {i} unmask");
        }
        let unowned = Holder {
            owner_code: None,
            unit_path: "/",
            delegated_to_caller: false,
        };
        assert!(!manager.may_read(unowned) && hq.may_read(unowned) && !hq.may_write(unowned));
    }
}
