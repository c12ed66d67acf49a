//! What both plan tests (SQLite's and PostgreSQL's) plan: the four kinds of reader.

use zhanye_customers::CustomerScope;
use zhanye_staff::Roles;

/// A rep, a team lead, a branch manager and HQ, in the demo org.
pub fn scopes() -> Vec<(&'static str, CustomerScope)> {
    vec![
        (
            "rep",
            CustomerScope::of("A0001", &Roles::from_stored("rep"), "/1/2/4/8/"),
        ),
        (
            "lead",
            CustomerScope::of("0010001", &Roles::from_stored("lead,rep"), "/1/2/4/8/"),
        ),
        (
            "manager",
            CustomerScope::of("0010002", &Roles::from_stored("branch_manager"), "/1/2/4/"),
        ),
        (
            "hq",
            CustomerScope::of("0010003", &Roles::from_stored("hq_admin"), "/1/"),
        ),
    ]
}
