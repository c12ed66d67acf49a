//! ORG-4 data scope over customers, decided in plain Rust so every route asks the
//! same question the same way.
//!
//! - a rep reads and writes the customers they own or that are delegated to them now;
//! - a lead, broker admin or branch manager also reads (never writes) every customer
//!   owned within their unit's subtree (a lead their team, a manager their branch);
//! - HQ reads all.
//!
//! Each rule takes the [`Principal`] asking. The store turns [`Reads`] into an index
//! range (see `store::scope`).

use zhanye_staff::org::is_within;
use zhanye_staff::{Principal, Role};

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

/// A customer as the scope needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub owner_code: Option<&'a str>,
    /// The owner's unit path as stored on the customer.
    pub unit_path: &'a str,
    /// Whether an active delegation lends the customer to the caller.
    pub delegated_to_caller: bool,
}

impl Reads {
    /// What `who` reads: HQ all, a lead, broker admin or branch manager their unit's
    /// subtree, a rep only their own.
    pub fn of(who: &Principal) -> Reads {
        if who.has(Role::HqAdmin) {
            Reads::All
        } else if let Some(root) = who.readable_subtree() {
            Reads::Subtree(root.to_owned())
        } else {
            Reads::Own
        }
    }
}

/// Whether `who` acts for the customer: owns it or has it delegated now.
pub fn may_write(who: &Principal, holder: Holder<'_>) -> bool {
    holder.owner_code == Some(who.code.as_str()) || holder.delegated_to_caller
}

pub fn may_read(who: &Principal, holder: Holder<'_>) -> bool {
    may_write(who, holder)
        || match Reads::of(who) {
            Reads::Own => false,
            Reads::Subtree(root) => {
                holder.owner_code.is_some() && is_within(holder.unit_path, &root)
            }
            Reads::All => true,
        }
}

/// Whether `who` may see a customer's contact data unmasked (CUST-2): only who serves
/// the customer, and every such read is audited.
pub fn may_unmask(who: &Principal, holder: Holder<'_>) -> bool {
    may_write(who, holder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    fn principal(code: &str, roles: &str, unit_path: &str) -> Principal {
        Principal::new(code, Roles::from_stored(roles), unit_path)
    }

    fn holder<'a>(owner: &'a str, path: &'a str, delegated: bool) -> Holder<'a> {
        Holder {
            owner_code: Some(owner),
            unit_path: path,
            delegated_to_caller: delegated,
        }
    }

    #[test]
    fn the_scope_table_of_org_4() {
        let rep = principal("A0001", "rep", "/1/2/4/8/");
        let lead = principal("0010001", "lead,rep", "/1/2/4/8/");
        let manager = principal("0010002", "branch_manager", "/1/2/4/");
        let hq = principal("0010003", "hq_admin", "/1/");
        let own = holder("A0001", "/1/2/4/8/", false);
        let teammate = holder("A0002", "/1/2/4/8/", false);
        let other_team = holder("A0003", "/1/2/4/9/", false);
        let other_branch = holder("A0004", "/1/3/6/11/", false);
        let lent = holder("A0002", "/1/2/4/8/", true);
        assert_eq!(Reads::of(&rep), Reads::Own);
        assert_eq!(Reads::of(&lead), Reads::Subtree("/1/2/4/8/".into()));
        assert_eq!(Reads::of(&manager), Reads::Subtree("/1/2/4/".into()));
        assert_eq!(Reads::of(&hq), Reads::All);
        // (who, holder, reads, writes)
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
        for (i, (who, h, reads, writes)) in table.into_iter().enumerate() {
            assert_eq!(may_read(who, h), reads, "row {i} read");
            assert_eq!(may_write(who, h), writes, "row {i} write");
            assert_eq!(may_unmask(who, h), writes, "row {i} unmask");
        }
        let unowned = Holder {
            owner_code: None,
            unit_path: "/",
            delegated_to_caller: false,
        };
        assert!(!may_read(&manager, unowned) && may_read(&hq, unowned));
        assert!(!may_write(&hq, unowned));
    }
}
