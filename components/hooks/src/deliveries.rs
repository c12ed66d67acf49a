//! Idempotency (INTEG-2): each committed delivery is kept with its answer, keyed by
//! partner and `Idempotency-Key`.

use zhanye_platform::session::digest;
use zhanye_platform::time::now_rfc3339;
use zhanye_platform::{ApiError, Db, Localized, Reply, params};

/// One delivery being handled.
pub struct Delivery {
    pub partner: String,
    pub topic: String,
    pub key: String,
    /// SHA-256 of the body as sent.
    pub body_digest: String,
}

impl Delivery {
    pub fn new(partner: &str, topic: &str, key: &str, body: &[u8]) -> Delivery {
        Delivery {
            partner: partner.to_owned(),
            topic: topic.to_owned(),
            key: key.to_owned(),
            body_digest: digest(body),
        }
    }
}

/// The stored answer when this delivery was already committed; 409 when its key was
/// used for another body or topic.
pub async fn replay(db: &Db, delivery: &Delivery) -> Result<Option<Reply>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT topic, body_digest, status, response FROM hook_deliveries
              WHERE partner = ?1 AND idempotency_key = ?2",
            params![delivery.partner.as_str(), delivery.key.as_str()],
        )
        .await?
    else {
        return Ok(None);
    };
    let topic: String = row.get("topic")?;
    let body_digest: String = row.get("body_digest")?;
    if topic != delivery.topic || body_digest != delivery.body_digest {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "该 Idempotency-Key 已用于另一批数据。",
            "This Idempotency-Key was already used for another batch.",
        )));
    }
    let status: u16 = row.get("status")?;
    let response: String = row.get("response")?;
    let mut reply = http::Response::new(bytes::Bytes::from(response).into());
    *reply.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    let headers = reply.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(zhanye_platform::json::JSON_CONTENT_TYPE),
    );
    headers.insert(
        "idempotent-replayed",
        http::HeaderValue::from_static("true"),
    );
    Ok(Some(reply))
}

/// Keeps a committed delivery's answer (in the batch's transaction).
pub async fn record(
    db: &Db,
    delivery: &Delivery,
    records: usize,
    answer: &serde_json::Value,
) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO hook_deliveries
             (partner, idempotency_key, topic, body_digest, records, status, response, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 200, ?6, ?7)",
        params![
            delivery.partner.as_str(),
            delivery.key.as_str(),
            delivery.topic.as_str(),
            delivery.body_digest.as_str(),
            i64::try_from(records).unwrap_or(i64::MAX),
            answer.to_string(),
            now_rfc3339()
        ],
    )
    .await
    .map(|_| ())
}
