//! Password resets as stored: the SMS codes of AUTH-4 (`password_resets`, one row per
//! staff code typed, so the send limits hold for codes that do not exist too) and the
//! manual requests of AUTH-5 (`manual_reset_requests`) that branch admins work off.

use zhanye_platform::{ApiError, Db, Row, params};
use zhanye_staff::guard::SendRecord;
use zhanye_staff::org::subtree_range;

/// When codes were last sent for `code`, for the send limits.
pub async fn send_record(db: &Db, code: &str) -> Result<Option<SendRecord>, ApiError> {
    db.query_row(
        "SELECT last_sent_at, send_day, sends_on_day FROM password_resets WHERE code = ?1",
        params![code],
    )
    .await?
    .map(|row| {
        Ok(SendRecord {
            last_sent_at: row.get("last_sent_at")?,
            send_day: row.get("send_day")?,
            sends_on_day: row.get("sends_on_day")?,
        })
    })
    .transpose()
}

/// A send as it is recorded: the code's digest (none for a staff code that does not
/// exist, whose sends are still counted), its expiry and the day's send count.
pub struct Send<'a> {
    pub otp_hash: Option<&'a str>,
    pub expires_at: i64,
    pub sent_at: i64,
    pub day: &'a str,
    pub sends_on_day: i64,
}

/// Records a send for `code`, replacing any earlier code and its tries.
pub async fn record_send(db: &Db, code: &str, send: &Send<'_>) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO password_resets (code, otp_hash, expires_at, attempts, last_sent_at, send_day, sends_on_day)
         VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET otp_hash = excluded.otp_hash, expires_at = excluded.expires_at,
             attempts = 0, last_sent_at = excluded.last_sent_at, send_day = excluded.send_day,
             sends_on_day = excluded.sends_on_day",
        params![code, send.otp_hash, send.expires_at, send.sent_at, send.day, send.sends_on_day],
    )
    .await?;
    Ok(())
}

/// The live code of a staff code, as stored.
pub struct StoredCode {
    /// `None` once spent or burnt.
    pub otp_hash: Option<String>,
    pub expires_at: i64,
    pub attempts: i64,
}

pub async fn stored_code(db: &Db, code: &str) -> Result<Option<StoredCode>, ApiError> {
    db.query_row(
        "SELECT otp_hash, expires_at, attempts FROM password_resets WHERE code = ?1",
        params![code],
    )
    .await?
    .map(|row| {
        Ok(StoredCode {
            otp_hash: row.get("otp_hash")?,
            expires_at: row.get("expires_at")?,
            attempts: row.get("attempts")?,
        })
    })
    .transpose()
}

/// Counts a wrong try; the try that reaches `max_attempts` burns the code.
pub async fn count_wrong_try(db: &Db, code: &str, max_attempts: i64) -> Result<(), ApiError> {
    db.execute(
        "UPDATE password_resets SET attempts = attempts + 1,
                otp_hash = CASE WHEN attempts + 1 >= ?2 THEN NULL ELSE otp_hash END
          WHERE code = ?1",
        params![code, max_attempts],
    )
    .await?;
    Ok(())
}

/// Spends the code with digest `otp_hash`; false when a concurrent confirm spent it first.
pub async fn spend_code(db: &Db, code: &str, otp_hash: &str) -> Result<bool, ApiError> {
    let spent = db
        .execute(
            "UPDATE password_resets SET otp_hash = NULL WHERE code = ?1 AND otp_hash = ?2",
            params![code, otp_hash],
        )
        .await?;
    Ok(spent == 1)
}

/// Records a manual reset request (申请重置密码); false when one is already pending.
pub async fn request_manual(db: &Db, staff_code: &str, at: &str) -> Result<bool, ApiError> {
    let added = db
        .execute(
            "INSERT INTO manual_reset_requests (staff_code, requested_at) VALUES (?1, ?2)
             ON CONFLICT DO NOTHING",
            params![staff_code, at],
        )
        .await?;
    Ok(added == 1)
}

/// A pending manual request with its staff member, mobile in full (the caller masks it
/// for a page; the audited export has it whole).
pub struct PendingReset {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub mobile: String,
    pub requested_at: String,
}

/// Scope follows the staff member's current unit, so a move between units moves
/// their pending request with them.
const PENDING_IN_SCOPE: &str = "FROM manual_reset_requests r JOIN staff s ON s.code = r.staff_code
  WHERE r.status = 'pending' AND s.unit_path >= ?1 AND s.unit_path < ?2";

/// How many requests are pending in the org subtree at `unit_path`.
pub async fn count_pending(db: &Db, unit_path: &str) -> Result<i64, ApiError> {
    let (low, high) = subtree_range(unit_path);
    Ok(db
        .query_value(
            &format!("SELECT COUNT(*) {PENDING_IN_SCOPE}"),
            params![low.as_str(), high.as_str()],
        )
        .await?
        .unwrap_or(0))
}

/// The pending requests in the subtree at `unit_path`, oldest first.
pub async fn pending(
    db: &Db,
    unit_path: &str,
    limit: u32,
    offset: i64,
) -> Result<Vec<PendingReset>, ApiError> {
    let (low, high) = subtree_range(unit_path);
    db.query(
        &format!(
            "SELECT r.id, s.code, s.name, s.mobile, r.requested_at {PENDING_IN_SCOPE}
              ORDER BY r.requested_at, r.id LIMIT ?3 OFFSET ?4"
        ),
        params![low.as_str(), high.as_str(), limit, offset],
    )
    .await?
    .iter()
    .map(|row: &Row| {
        Ok(PendingReset {
            id: row.get("id")?,
            code: row.get("code")?,
            name: row.get("name")?,
            mobile: row.get("mobile")?,
            requested_at: row.get("requested_at")?,
        })
    })
    .collect()
}
