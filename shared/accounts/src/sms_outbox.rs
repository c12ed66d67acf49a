//! The record of every SMS the platform sent or failed to send (`sms_outbox`): the
//! mobile masked, the text never kept.

use zhanye_platform::{ApiError, Db, params};

/// One send as recorded; `error` says why a failed one failed.
pub struct SmsSent<'a> {
    pub staff_code: &'a str,
    pub mobile_masked: &'a str,
    pub purpose: &'a str,
    /// `sent` or `failed`.
    pub status: &'a str,
    pub error: Option<&'a str>,
    pub at: &'a str,
}

pub async fn record(db: &Db, sms: &SmsSent<'_>) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO sms_outbox (staff_code, mobile_masked, purpose, status, error, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            sms.staff_code,
            sms.mobile_masked,
            sms.purpose,
            sms.status,
            sms.error,
            sms.at
        ],
    )
    .await?;
    Ok(())
}
