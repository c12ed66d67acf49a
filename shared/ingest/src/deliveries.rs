//! The one table of the webhooks (INTEG-2 idempotency): each committed delivery with
//! its answer, keyed by partner and `Idempotency-Key` (`hook_deliveries`, migration
//! 0003). The hooks component decides what a stored delivery means; this is its store.

use zhanye_platform::{ApiError, Db, params};

/// A delivery as it was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    pub topic: String,
    /// SHA-256 of the body as sent.
    pub body_digest: String,
    pub status: u16,
    /// The JSON answer given then.
    pub response: String,
}

/// The delivery `partner` committed under `key`, if any (the primary key).
pub async fn find(db: &Db, partner: &str, key: &str) -> Result<Option<StoredDelivery>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT topic, body_digest, status, response FROM hook_deliveries \
             WHERE partner = ?1 AND idempotency_key = ?2",
            params![partner, key],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(StoredDelivery {
        topic: row.get("topic")?,
        body_digest: row.get("body_digest")?,
        status: row.get("status")?,
        response: row.get("response")?,
    }))
}

/// A committed delivery to keep (in the batch's transaction).
pub struct NewDelivery<'a> {
    pub partner: &'a str,
    pub key: &'a str,
    pub topic: &'a str,
    pub body_digest: &'a str,
    pub records: usize,
    pub response: &'a str,
    pub received_at: &'a str,
}

/// Keeps a committed delivery's answer, status 200.
pub async fn record(db: &Db, delivery: &NewDelivery<'_>) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO hook_deliveries \
             (partner, idempotency_key, topic, body_digest, records, status, response, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 200, ?6, ?7)",
        params![
            delivery.partner,
            delivery.key,
            delivery.topic,
            delivery.body_digest,
            i64::try_from(delivery.records).unwrap_or(i64::MAX),
            delivery.response,
            delivery.received_at
        ],
    )
    .await
    .map(|_| ())
}
