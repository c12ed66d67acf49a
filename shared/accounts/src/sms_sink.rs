//! The development SMS sink's messages (`sms_sink_messages`): what the sink component
//! received in place of a real gateway, so the demo and the suites can read the codes
//! sent. Production turns the sink off.

use serde::Serialize;
use zhanye_platform::{ApiError, Db, params};

/// One message as received.
#[derive(Debug, Clone, Serialize)]
pub struct SinkMessage {
    pub id: i64,
    pub to: String,
    pub text: String,
    pub received_at: String,
}

/// Keeps a received message.
pub async fn store(db: &Db, to: &str, text: &str, received_at: &str) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO sms_sink_messages (recipient, text, received_at) VALUES (?1, ?2, ?3)",
        params![to, text, received_at],
    )
    .await
    .map(|_| ())
}

/// The latest 50 messages to `to`, newest first (`sms_sink_recipient`).
pub async fn latest_to(db: &Db, to: &str) -> Result<Vec<SinkMessage>, ApiError> {
    db.query(
        "SELECT id, recipient, text, received_at FROM sms_sink_messages \
         WHERE recipient = ?1 ORDER BY id DESC LIMIT 50",
        params![to],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(SinkMessage {
            id: row.get("id")?,
            to: row.get("recipient")?,
            text: row.get("text")?,
            received_at: row.get("received_at")?,
        })
    })
    .collect()
}
