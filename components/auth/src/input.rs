//! Checks on submitted fields shared by the routes of this component.

use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, FieldError};
use zhanye_staff::password::{self, PasswordProblem};

/// Request bodies of this component are small.
pub const BODY_LIMIT: usize = 4 * 1024;

/// Sign-ins per client address and minute, unless the variable
/// `sign_in_limit_per_address` says otherwise.
pub const SIGN_INS_PER_ADDRESS: u64 = 30;
/// Sign-ins per staff code (as typed) and minute, unless `sign_in_limit_per_code` says
/// otherwise.
pub const SIGN_INS_PER_CODE: u64 = 20;

/// A per-minute limit from a Spin variable, `default` when unset or not a number.
pub async fn limit_variable(name: &str, default: u64) -> u64 {
    match zhanye_platform::spin::optional_variable(name).await {
        Ok(Some(text)) => text.trim().parse().unwrap_or(default),
        _ => default,
    }
}
/// The roles that must sign in with a second factor: the variable
/// `totp_required_roles`, a comma list (empty: none).
pub async fn second_factor_required_roles() -> zhanye_accounts::totp::RequiredRoles {
    match zhanye_platform::spin::optional_variable("totp_required_roles").await {
        Ok(Some(text)) => zhanye_accounts::totp::RequiredRoles::parse(&text),
        _ => zhanye_accounts::totp::RequiredRoles::default(),
    }
}

/// Hours an initial or reset password may go unchanged before it no longer signs in,
/// unless the variable `initial_password_ttl_hours` says otherwise (0: never).
pub const INITIAL_PASSWORD_TTL_HOURS: u64 = 7 * 24;

/// Reset and refresh calls per client address and minute.
pub const CALLS_PER_ADDRESS: u64 = 30;

/// Counts one reset call (request, confirm) against the client address, in SQL so a
/// burst is limited exactly.
pub async fn limit_resets(db: &zhanye_platform::Db, ip: &str, now: i64) -> Result<(), ApiError> {
    zhanye_accounts::guard::limit_call(db, &format!("reset:ip:{ip}"), CALLS_PER_ADDRESS, 60, now)
        .await
}

/// A field that must be present and not blank.
pub fn required(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, reason::REQUIRED));
    }
}

/// 422 when any field error was found.
pub fn finish(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The AUTH-3 problems of a new password as field errors of `new_password`.
pub fn password_errors(problems: &[PasswordProblem]) -> Vec<FieldError> {
    problems
        .iter()
        .map(|p| FieldError::new("new_password", p.reason()))
        .collect()
}

/// Every AUTH-3 problem of `new` for a staff member, reuse included.
pub fn new_password_problems(
    new: &str,
    staff: &zhanye_accounts::staff::StaffRecord,
) -> Vec<PasswordProblem> {
    let mut problems = password::check(new, staff.birth_date);
    // Hashing is the costly part: only a password that passes the other rules is
    // compared with the recent ones.
    if problems.is_empty() && password::matches_any(new, staff.recent_hashes()) {
        problems.push(PasswordProblem::Reused);
    }
    problems
}
