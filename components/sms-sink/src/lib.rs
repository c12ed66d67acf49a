//! The SMS gateway sink: what the embedded default sends SMS to instead of the real
//! gateway partner. It speaks the gateway's API and keeps the messages, so a demo or a
//! test can read the codes people would get on their phones.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/dev/sms` | the gateway API: `{"to","text","ref"}` with `Authorization: Bearer <sms_gateway_token>` → 202 |
//! | `GET /api/dev/sms?to=MOBILE` | the messages to a mobile, newest first; `Authorization: Bearer <admin_token>` |
//!
//! Only on while the variable `sms_sink_enabled` is `true` (the demo default); off, both
//! routes answer 404. Production sets it to `false` and points `sms_gateway_url` at
//! the real gateway. Each message is also printed to the log with the mobile masked, so
//! a demo user can read their code there.

use serde::Deserialize;
use zhanye_accounts::sms_sink;
use zhanye_platform::Request;
use zhanye_platform::auth::{bearer_token, constant_time_eq};
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::respond::route_path;
use zhanye_platform::time::now_rfc3339;
use zhanye_platform::{ApiError, ApiResult, Db, QueryParams, Reply};
use zhanye_staff::identity::mask_mobile;

zhanye_platform::http_component!(route);

async fn variable(name: &str) -> String {
    zhanye_platform::spin::optional_variable(name)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn route(request: Request) -> ApiResult<Reply> {
    if variable("sms_sink_enabled").await.trim() != "true" {
        return Err(ApiError::not_found());
    }
    if route_path(&request) != "/api/dev/sms" {
        return Err(ApiError::not_found());
    }
    match *request.method() {
        http::Method::POST => receive(request).await,
        http::Method::GET => list(request).await,
        _ => Err(ApiError::method_not_allowed("GET, POST")),
    }
}

/// Accepts `request` when its bearer token equals the (non-empty) variable `name`.
async fn require_token(request: &Request, name: &str) -> Result<(), ApiError> {
    let expected = variable(name).await;
    match bearer_token(request.headers()) {
        Some(token)
            if !expected.is_empty() && constant_time_eq(token.as_bytes(), expected.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(ApiError::unauthorized()),
    }
}

#[derive(Deserialize)]
struct Message {
    to: String,
    text: String,
}

async fn receive(request: Request) -> ApiResult<Reply> {
    require_token(&request, "sms_gateway_token").await?;
    let message: Message = read_json(request, 4 * 1024).await?;
    if message.to.trim().is_empty() {
        return Err(ApiError::invalid_field("to", reason::REQUIRED));
    }
    let db = Db::open_default().await?;
    sms_sink::store(&db, message.to.trim(), &message.text, &now_rfc3339()).await?;
    println!(
        "zhanye sms-sink: to {}: {}",
        mask_mobile(message.to.trim()),
        message.text
    );
    let mut reply = json::ok(&serde_json::json!({"status": "queued"}))?;
    *reply.status_mut() = http::StatusCode::ACCEPTED;
    Ok(reply)
}

async fn list(request: Request) -> ApiResult<Reply> {
    require_token(&request, "admin_token").await?;
    let query = QueryParams::from_uri(request.uri());
    let to = query
        .get_non_empty("to")
        .ok_or_else(|| ApiError::invalid_field("to", reason::REQUIRED))?;
    let db = Db::open_default().await?;
    let items = sms_sink::latest_to(&db, to).await?;
    json::ok(&serde_json::json!({ "items": items }))
}
