//! Signing in (AUTH-1/2/6, CHECKIN-1), refreshing and signing out (AUTH-7).

use serde::{Deserialize, Serialize};
use zhanye_accounts::checkins::{self, Checkin};
use zhanye_accounts::sessions::{self, IssuedTokens, Rotation};
use zhanye_accounts::{guard, staff};
use zhanye_platform::Request;
use zhanye_platform::caller::{authenticate_allowing_password_change, client_ip, signing_key};
use zhanye_platform::json::{self, read_json};
use zhanye_platform::kv::Cache;
use zhanye_platform::problem::reason;
use zhanye_platform::time::{china_date, now_unix, rfc3339};
use zhanye_platform::{ApiError, ApiResult, Db, FieldError, Lang, Localized, Reply};
use zhanye_staff::StaffCode;
use zhanye_staff::checkin::Channel;
use zhanye_staff::password::{self, DECOY_HASH};

use crate::input::{self, BODY_LIMIT};

#[derive(Deserialize)]
struct SignIn {
    code: String,
    password: String,
    /// `mobile` or `desktop`; guessed from `User-Agent` when absent.
    channel: Option<String>,
}

#[derive(Serialize)]
struct SignedIn {
    #[serde(flatten)]
    tokens: IssuedTokens,
    staff: StaffSummary,
    checked_in_today: bool,
    first_checkin_today: bool,
    checkin: Option<Checkin>,
    /// "已完成签到" in the request's language.
    message: String,
}

#[derive(Serialize)]
struct StaffSummary {
    code: String,
    name: String,
    roles: zhanye_staff::Roles,
}

/// `POST /api/auth/login`.
pub async fn sign_in(request: Request) -> ApiResult<Reply> {
    let headers = request.headers().clone();
    let lang = Lang::from_headers(&headers);
    let body: SignIn = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    input::required("code", &body.code, &mut errors);
    if body.password.is_empty() {
        errors.push(FieldError::new("password", reason::REQUIRED));
    }
    let channel = match body.channel.as_deref() {
        None => Channel::from_user_agent(
            headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        ),
        Some(text) => Channel::parse(text).unwrap_or_else(|| {
            errors.push(FieldError::new("channel", reason::INVALID));
            Channel::Desktop
        }),
    };
    input::finish(errors)?;

    let now = now_unix();
    let attempt_key = StaffCode::attempt_key(&body.code);
    let ip = client_ip(&headers);
    let per_address =
        input::limit_variable("sign_in_limit_per_address", input::SIGN_INS_PER_ADDRESS).await;
    let per_code = input::limit_variable("sign_in_limit_per_code", input::SIGN_INS_PER_CODE).await;
    let db = Db::open_default().await?;
    // Counted in SQL, exactly under concurrency: a burst must not slip past the limit.
    for (scope, limit) in [
        (format!("ip:{ip}"), per_address),
        (format!("code:{attempt_key}"), per_code),
    ] {
        let (hits, retry_after) = guard::count_sign_in(&db, &scope, 60, now).await?;
        if hits > limit {
            return Err(ApiError::rate_limited(Some(retry_after)));
        }
    }

    if let Some(wait) = guard::locked_for(&db, &attempt_key, now).await? {
        return Err(ApiError::account_locked(wait));
    }
    let found = match StaffCode::parse(&body.code) {
        Ok(code) => staff::find(&db, code.as_str()).await?,
        Err(_) => None,
    };
    // Unknown codes are checked against a decoy hash so they cost the same time.
    let password_ok = match &found {
        Some(staff) => staff.password_matches(&body.password),
        None => {
            let _ = password::verify(&body.password, DECOY_HASH);
            false
        }
    };
    let staff = match found {
        Some(staff) if password_ok && staff.is_active() => staff,
        _ => return Err(failed_attempt(&db, &attempt_key, &ip, now).await),
    };

    let key = signing_key().await?;
    let today = china_date(now);
    let at = rfc3339(now);
    let (tokens, first_checkin_today) = db
        .transaction(async |tx| {
            // Another attempt may have locked the code while this one was hashing.
            if let Some(wait) = guard::locked_for(tx, &attempt_key, now).await? {
                return Err(ApiError::account_locked(wait));
            }
            guard::clear(tx, &attempt_key).await?;
            let tokens = sessions::start(tx, &staff, channel.as_str(), &key, now).await?;
            let first = checkins::record(
                tx, &staff.code, today, &at, channel, "sign_in", None, None,
            )
            .await?;
            let detail = serde_json::json!({"channel": channel.as_str(), "ip": ip, "first_checkin_today": first});
            tx.audit(&staff.code, "auth.sign_in", Some(&tokens.session_id), Some(&detail.to_string()))
                .await?;
            Ok((tokens, first))
        })
        .await?;
    let checkin = checkins::on_day(&db, &staff.code, today).await?;
    let message = Localized::new("已完成签到", "Checked in for today");
    json::ok(&SignedIn {
        tokens,
        staff: StaffSummary {
            code: staff.code,
            name: staff.name,
            roles: staff.roles,
        },
        checked_in_today: checkin.is_some(),
        first_checkin_today,
        checkin,
        message: message.get(lang).to_owned(),
    })
}

/// Counts a failed sign-in and answers the error for it: 401 `invalid_credentials`,
/// or 423 `account_locked` once this failure locked the code. Identical for unknown
/// codes, wrong passwords and inactive staff.
async fn failed_attempt(db: &Db, attempt_key: &str, ip: &str, now: i64) -> ApiError {
    let outcome = db
        .transaction(async |tx| {
            let locked = guard::record_failure(tx, attempt_key, now).await?;
            let detail = serde_json::json!({"ip": ip, "locked": locked.is_some()});
            tx.audit(
                attempt_key,
                "auth.sign_in_failed",
                None,
                Some(&detail.to_string()),
            )
            .await?;
            Ok(locked)
        })
        .await;
    match outcome {
        Ok(Some(wait)) => ApiError::account_locked(wait),
        Ok(None) => ApiError::invalid_credentials(),
        Err(error) => error,
    }
}

#[derive(Deserialize)]
struct RefreshBody {
    refresh_token: String,
}

/// `POST /api/auth/refresh`: a new access token and a new refresh token for a refresh
/// token not used before. A reused one revokes its whole session.
pub async fn refresh(request: Request) -> ApiResult<Reply> {
    let ip = client_ip(request.headers());
    let body: RefreshBody = read_json(request, BODY_LIMIT).await?;
    let now = now_unix();
    let cache = Cache::open_default().await?;
    cache
        .limit(
            &format!("rate:refresh:ip:{ip}"),
            input::CALLS_PER_ADDRESS * 2,
            60,
            now,
        )
        .await?;
    if body.refresh_token.trim().is_empty() || body.refresh_token.len() > 128 {
        return Err(ApiError::unauthorized());
    }
    let key = signing_key().await?;
    let db = Db::open_default().await?;
    let rotation = db
        .transaction(async |tx| {
            let rotation =
                sessions::rotate(tx, &cache, body.refresh_token.trim(), &key, now).await?;
            if let Rotation::Reused {
                staff_code,
                session_id,
            } = &rotation
            {
                let detail = serde_json::json!({"ip": ip});
                tx.audit(
                    staff_code,
                    "auth.refresh_reuse",
                    Some(session_id),
                    Some(&detail.to_string()),
                )
                .await?;
            }
            Ok(rotation)
        })
        .await?;
    match rotation {
        Rotation::Rotated(tokens) => json::ok(&*tokens),
        Rotation::Refused(why) => Err(ApiError::unauthorized().with_cause(why)),
        Rotation::Reused { .. } => Err(ApiError::unauthorized()
            .with_detail(Localized::new(
                "登录凭证已被使用过，为保护账号安全已注销该会话，请重新登录。",
                "This refresh token was already used; the session has been revoked to protect the account. Sign in again.",
            ))
            .with_cause("refresh token reused")),
    }
}

/// `POST /api/auth/logout`: revokes the session of the access token, or of the refresh
/// token in the body when the access token has already expired. 204.
pub async fn sign_out(request: Request) -> ApiResult<Reply> {
    let now = now_unix();
    let cache = Cache::open_default().await?;
    let db = Db::open_default().await?;
    if zhanye_platform::auth::bearer_token(request.headers()).is_some() {
        let caller = authenticate_allowing_password_change(&request).await?;
        db.transaction(async |tx| {
            sessions::revoke_sessions(
                tx,
                &cache,
                std::slice::from_ref(&caller.session_id),
                "sign_out",
                now,
            )
            .await?;
            tx.audit(
                &caller.principal.code,
                "auth.sign_out",
                Some(&caller.session_id),
                None,
            )
            .await
        })
        .await?;
        return Ok(json::no_content());
    }
    let body: RefreshBody = read_json(request, BODY_LIMIT).await?;
    let revoked = db
        .transaction(async |tx| {
            let owner =
                sessions::revoke_by_refresh_token(tx, &cache, body.refresh_token.trim(), now)
                    .await?;
            if let Some(owner) = &owner {
                tx.audit(owner, "auth.sign_out", None, None).await?;
            }
            Ok(owner)
        })
        .await?;
    match revoked {
        Some(_) => Ok(json::no_content()),
        None => Err(ApiError::unauthorized()),
    }
}
