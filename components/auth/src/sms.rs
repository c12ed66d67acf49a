//! Sending SMS through the gateway partner: one outbound HTTP `POST` of
//! `{"to","text","ref"}` to the Spin variable `sms_gateway_url`, with
//! `Authorization: Bearer <sms_gateway_token>`. The embedded default points at the
//! app's own `sms-sink` component; production points at the real gateway (and lists it
//! in `allowed_outbound_hosts` through `sms_gateway_origin`).
//!
//! Every message leaves a row in `sms_outbox` with the outcome, never with its text.
//! A message that must not be lost (a reset code) is queued sealed before the answer
//! ([`seal_message`], `zhanye_accounts::sms_queue`) and sent from the queue
//! ([`send_queued`]); what an ended instance or a failed gateway left there is sent by
//! the next sign-in or reset request's [`send_waiting`].

use bytes::Bytes;
use zhanye_accounts::sms_outbox::{self, SmsSent};
use zhanye_accounts::{sealed, sms_queue};
use zhanye_platform::time::{now_rfc3339, now_unix};
use zhanye_platform::{ApiError, Db};
use zhanye_staff::identity::mask_mobile;

use zhanye_platform::spin::variable;

/// What queued messages are sealed for (`zhanye_accounts::sealed`).
const SEALED_FOR: &str = "sms_queue";

/// Entries one sweep sends at most.
const SWEEP_LIMIT: i64 = 10;

/// `mobile` and `text` sealed for the queue, bound to `owner`.
pub fn seal_message(
    pii_key: &[u8],
    owner: &str,
    mobile: &str,
    text: &str,
) -> Result<String, ApiError> {
    sealed::seal(
        pii_key,
        SEALED_FOR,
        owner,
        format!("{mobile}\n{text}").as_bytes(),
    )
}

/// Sends queued entry `id` unless another sender holds it: a withheld entry is removed
/// unsent; a message is removed once the gateway took it, and stays for a later sweep
/// when it did not.
pub async fn send_queued(db: &Db, id: i64, pii_key: &[u8]) -> Result<(), ApiError> {
    let Some(entry) = sms_queue::claim(db, id, now_unix()).await? else {
        return Ok(());
    };
    if entry.purpose == sms_queue::WITHHELD {
        return sms_queue::remove(db, entry.id).await;
    }
    let plain = sealed::open(pii_key, SEALED_FOR, &entry.owner, &entry.sealed)?;
    let plain =
        String::from_utf8(plain).map_err(|_| ApiError::internal("a queued SMS is not text"))?;
    let (mobile, text) = plain
        .split_once('\n')
        .ok_or_else(|| ApiError::internal("a queued SMS has no recipient"))?;
    if send(db, &entry.owner, mobile, &entry.purpose, text).await? {
        sms_queue::remove(db, entry.id).await?;
    }
    Ok(())
}

/// Sends what is waiting in the queue (abandoned by an ended instance, or not taken
/// by the gateway a minute ago) and drops what expired; run after a sign-in's or a
/// reset request's answer.
pub async fn send_waiting(db: &Db, pii_key: &[u8]) -> Result<(), ApiError> {
    let now = now_unix();
    sms_queue::drop_expired(db, now).await?;
    for id in sms_queue::waiting(db, now, SWEEP_LIMIT).await? {
        send_queued(db, id, pii_key).await?;
    }
    Ok(())
}

/// [`send_waiting`] on the default database, its failure logged: work left for after
/// an answer.
pub async fn sweep() {
    let swept = async {
        let db = Db::open_default().await?;
        let pii = zhanye_platform::caller::pii_key().await?;
        send_waiting(&db, &pii).await
    };
    if let Err(error) = swept.await {
        eprintln!("zhanye auth: sending the waiting SMS failed: {error}");
    }
}

/// Sends `text` to `mobile` and records the outcome; whether the gateway took it. A
/// failed send is logged and recorded, not raised (the caller's answer must not
/// depend on it).
pub async fn send(
    db: &Db,
    staff_code: &str,
    mobile: &str,
    purpose: &str,
    text: &str,
) -> Result<bool, ApiError> {
    let outcome = deliver(mobile, purpose, text).await;
    let (status, error) = match &outcome {
        Ok(()) => ("sent", None),
        Err(why) => {
            eprintln!("zhanye auth: SMS to {} failed: {why}", mask_mobile(mobile));
            ("failed", Some(why.as_str()))
        }
    };
    let masked = mask_mobile(mobile);
    let at = now_rfc3339();
    let sent = SmsSent {
        staff_code,
        mobile_masked: &masked,
        purpose,
        status,
        error,
        at: &at,
    };
    sms_outbox::record(db, &sent).await?;
    Ok(outcome.is_ok())
}

async fn deliver(mobile: &str, purpose: &str, text: &str) -> Result<(), String> {
    let url = variable("sms_gateway_url")
        .await
        .map_err(|e| e.to_string())?;
    let token = variable("sms_gateway_token")
        .await
        .map_err(|e| e.to_string())?;
    let body = serde_json::json!({"to": mobile, "text": text, "ref": purpose});
    let request = http::Request::post(url.as_str())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Bytes::from(body.to_string()))
        .map_err(|e| format!("building the request to {url}: {e}"))?;
    match zhanye_platform::spin::send(request).await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!("gateway answered {}", response.status())),
        Err(error) => Err(format!("gateway unreachable: {error}")),
    }
}
