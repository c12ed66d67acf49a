//! Idempotency (INTEG-2): each committed delivery is kept with its answer, keyed by
//! partner and `Idempotency-Key`.

use zhanye_ingest::deliveries;
use zhanye_platform::session::digest;
use zhanye_platform::time::now_rfc3339;
use zhanye_platform::{ApiError, Db, Localized, Reply};

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
    let Some(stored) = deliveries::find(db, &delivery.partner, &delivery.key).await? else {
        return Ok(None);
    };
    if stored.topic != delivery.topic || stored.body_digest != delivery.body_digest {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "该 Idempotency-Key 已用于另一批数据。",
            "This Idempotency-Key was already used for another batch.",
        )));
    }
    let mut reply = http::Response::new(bytes::Bytes::from(stored.response).into());
    *reply.status_mut() = http::StatusCode::from_u16(stored.status).unwrap_or(http::StatusCode::OK);
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
    deliveries::record(
        db,
        &deliveries::NewDelivery {
            partner: &delivery.partner,
            key: &delivery.key,
            topic: &delivery.topic,
            body_digest: &delivery.body_digest,
            records,
            response: &answer.to_string(),
            received_at: &now_rfc3339(),
        },
    )
    .await
}
