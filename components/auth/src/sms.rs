//! Sending SMS through the gateway partner: one outbound HTTP `POST` of
//! `{"to","text","ref"}` to the Spin variable `sms_gateway_url`, with
//! `Authorization: Bearer <sms_gateway_token>`. The embedded default points at the
//! app's own `sms-sink` component; production points at the real gateway (and lists it
//! in `allowed_outbound_hosts` through `sms_gateway_origin`).
//!
//! Every message leaves a row in `sms_outbox` with the outcome, never with its text.

use bytes::Bytes;
use zhanye_accounts::sms_outbox::{self, SmsSent};
use zhanye_platform::time::now_rfc3339;
use zhanye_platform::{ApiError, Db};
use zhanye_staff::identity::mask_mobile;

use zhanye_platform::spin::variable;

/// Sends `text` to `mobile` and records the outcome; a failed send is logged and
/// recorded, not raised (the caller's answer must not depend on it).
pub async fn send(
    db: &Db,
    staff_code: &str,
    mobile: &str,
    purpose: &str,
    text: &str,
) -> Result<(), ApiError> {
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
    Ok(())
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
