//! `POST /api/checkins`: today's check-in (CHECKIN-1/2), with the client's channel and
//! an optional location for field work (展业). A day has at most one check-in; a later
//! call answers the existing one (200) and fills in a location it lacked.

use serde::{Deserialize, Serialize};
use zhanye_accounts::checkins::{self, Checkin, Location};
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_body};
use zhanye_platform::problem::reason;
use zhanye_platform::time::rfc3339;
use zhanye_platform::{ApiError, ApiResult, FieldError, Localized, Reply, RequestContext};
use zhanye_staff::checkin::Channel;

const BODY_LIMIT: usize = 4 * 1024;
const ADDRESS_MAX_CHARS: usize = 200;

#[derive(Deserialize, Default)]
struct CheckIn {
    channel: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    address: Option<String>,
}

#[derive(Serialize)]
struct CheckedIn {
    created: bool,
    checkin: Checkin,
    message: String,
}

pub async fn check_in(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let (caller, db, lang) = (ctx.principal(), &ctx.db, ctx.lang);
    let user_agent = request
        .headers()
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The body is optional: a bare POST checks in with the guessed channel.
    let content_type = request.headers().get(http::header::CONTENT_TYPE).cloned();
    let body = read_body(request.into_body(), BODY_LIMIT).await?;
    let input: CheckIn = if body.is_empty() {
        CheckIn::default()
    } else {
        json::check_content_type(
            content_type
                .as_ref()
                .map(|v| v.to_str().unwrap_or("invalid")),
        )?;
        json::parse_json(&body)?
    };

    let mut errors = Vec::new();
    let channel = match input.channel.as_deref() {
        None => Channel::from_user_agent(user_agent.as_deref()),
        Some(text) => Channel::parse(text).unwrap_or_else(|| {
            errors.push(FieldError::new("channel", reason::INVALID));
            Channel::Desktop
        }),
    };
    let location = match (input.lat, input.lng) {
        (None, None) => None,
        (Some(lat), Some(lng)) => {
            if !(-90.0..=90.0).contains(&lat) {
                errors.push(FieldError::new("lat", reason::OUT_OF_RANGE));
            }
            if !(-180.0..=180.0).contains(&lng) {
                errors.push(FieldError::new("lng", reason::OUT_OF_RANGE));
            }
            Some(Location { lat, lng })
        }
        (None, Some(_)) => {
            errors.push(FieldError::new("lat", reason::REQUIRED));
            None
        }
        (Some(_), None) => {
            errors.push(FieldError::new("lng", reason::REQUIRED));
            None
        }
    };
    let address = input
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if address.is_some_and(|a| a.chars().count() > ADDRESS_MAX_CHARS) {
        errors.push(FieldError::new("address", reason::TOO_LONG));
    } else if address.is_some_and(zhanye_platform::text::has_misleading_character) {
        errors.push(FieldError::new("address", reason::MISLEADING_CHARACTER));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let (now, today) = (ctx.now, ctx.today);
    let created = db
        .transaction(async |tx| {
            let created = checkins::record(
                tx,
                &caller.code,
                today,
                &rfc3339(now),
                channel,
                "explicit",
                location,
                address,
            )
            .await?;
            if created {
                let detail =
                    serde_json::json!({"channel": channel.as_str(), "located": location.is_some()});
                tx.audit(
                    &caller.code,
                    "checkin.create",
                    Some(&today.to_string()),
                    Some(&detail.to_string()),
                )
                .await?;
            }
            Ok(created)
        })
        .await?;
    let checkin = checkins::on_day(db, &caller.code, today)
        .await?
        .ok_or_else(|| ApiError::internal("check-in vanished after recording"))?;
    let message = if created {
        Localized::new("签到成功", "Checked in")
    } else {
        Localized::new("今日已完成签到", "Already checked in today")
    };
    let mut reply = json::ok(&CheckedIn {
        created,
        checkin,
        message: message.get(lang).to_owned(),
    })?;
    if created {
        *reply.status_mut() = http::StatusCode::CREATED;
    }
    Ok(reply)
}
