//! What both plan tests (SQLite's and PostgreSQL's) plan: the four kinds of reader.

use zhanye_staff::{Principal, Roles};

/// A rep, a team lead, a branch manager and HQ, in the demo org.
pub fn scopes() -> Vec<(&'static str, Principal)> {
    vec![
        (
            "rep",
            Principal::new("A0001", Roles::from_stored("rep"), "/1/2/4/8/"),
        ),
        (
            "lead",
            Principal::new("0010001", Roles::from_stored("lead,rep"), "/1/2/4/8/"),
        ),
        (
            "manager",
            Principal::new("0010002", Roles::from_stored("branch_manager"), "/1/2/4/"),
        ),
        (
            "hq",
            Principal::new("0010003", Roles::from_stored("hq_admin"), "/1/"),
        ),
    ]
}
