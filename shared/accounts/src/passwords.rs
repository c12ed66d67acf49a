//! Replacing a password, whichever way it happens (AUTH-4 SMS reset, AUTH-5 manual
//! reset, AUTH-8 change): the new hash, every session of the staff member revoked, the
//! lock-out forgotten, and any pending manual-reset request closed.

use zhanye_platform::kv::Cache;
use zhanye_platform::time::rfc3339;
use zhanye_platform::{ApiError, Db, params};

use crate::staff::{self, StaffRecord};
use crate::{guard, sessions};

/// How a password is being replaced.
#[derive(Debug, Clone, Copy)]
pub struct Replacement<'a> {
    /// Why the sessions end: `password_change`, `password_reset`, `manual_reset`.
    pub reason: &'a str,
    /// Who closes a pending manual-reset request: a staff code, or `sms`.
    pub resolved_by: &'a str,
    /// A temporary password that must be changed at next use (AUTH-5).
    pub must_change: bool,
}

/// Replaces `staff`'s password with `new_hash`; run it in a transaction.
pub async fn replace(
    db: &Db,
    cache: &Cache,
    staff: &StaffRecord,
    new_hash: &str,
    how: Replacement<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let at = rfc3339(now);
    staff::set_password(db, staff, new_hash, how.must_change, &at).await?;
    sessions::revoke_all(db, cache, &staff.code, how.reason, now).await?;
    guard::clear(db, &staff.code).await?;
    db.execute(
        "UPDATE manual_reset_requests SET status = 'done', resolved_by = ?2, resolved_at = ?3
          WHERE staff_code = ?1 AND status = 'pending'",
        params![staff.code.as_str(), how.resolved_by, at.as_str()],
    )
    .await?;
    Ok(())
}
