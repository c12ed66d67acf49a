//! Signing in (AUTH-1/2/6, CHECKIN-1), refreshing and signing out (AUTH-7).

use serde::{Deserialize, Serialize};
use zhanye_accounts::checkins::{self, Checkin};
use zhanye_accounts::sessions::{self, IssuedTokens, Rotation};
use zhanye_accounts::{guard, second_factor, staff, totp};
use zhanye_platform::Request;
use zhanye_platform::caller::{
    authenticate_allowing_password_change, client_ip, pii_key, signing_key,
};
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
    // Sign-ins come all day: after each answer, whatever reset SMS is waiting in the
    // queue (its instance ended first, or the gateway failed) goes out.
    zhanye_platform::after_reply::defer(crate::sms::sweep());
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
        guard::limit_call(&db, &scope, limit, 60, now).await?;
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

    if staff.must_change
        && totp::initial_password_expired(
            staff.password_set_at,
            now,
            input::limit_variable(
                "initial_password_ttl_hours",
                input::INITIAL_PASSWORD_TTL_HOURS,
            )
            .await,
        )
    {
        // Only the right password reaches this answer: a guesser still gets the generic
        // failure above, so it tells nothing about which codes exist.
        let detail = serde_json::json!({"ip": ip});
        db.audit(
            &staff.code,
            "auth.sign_in_password_expired",
            None,
            Some(&detail.to_string()),
        )
        .await?;
        return Err(ApiError::initial_password_expired());
    }
    if staff.second_factor_enabled {
        return challenge(&db, &staff, channel, &attempt_key, &ip, now).await;
    }
    complete_sign_in(&db, &staff, channel, &attempt_key, &ip, lang, now, None).await
}

/// The answer to a right password when a second factor is on: no tokens yet, a
/// single-use challenge to send back with the code.
#[derive(Serialize)]
struct SecondFactorNeeded {
    second_factor: &'static str,
    challenge: String,
    /// Seconds the challenge stays usable.
    expires_in: i64,
}

async fn challenge(
    db: &Db,
    staff: &staff::StaffRecord,
    channel: Channel,
    attempt_key: &str,
    ip: &str,
    now: i64,
) -> ApiResult<Reply> {
    let token = db
        .transaction(async |tx| {
            if let Some(wait) = guard::locked_for(tx, attempt_key, now).await? {
                return Err(ApiError::account_locked(wait));
            }
            let token =
                second_factor::open_challenge(tx, &staff.code, channel.as_str(), now).await?;
            let detail = serde_json::json!({"channel": channel.as_str(), "ip": ip});
            tx.audit(
                &staff.code,
                "auth.sign_in_second_factor_asked",
                None,
                Some(&detail.to_string()),
            )
            .await?;
            Ok(token)
        })
        .await?;
    json::ok(&SecondFactorNeeded {
        second_factor: "totp",
        challenge: token,
        expires_in: second_factor::CHALLENGE_TTL_SECONDS,
    })
}

/// Starts the session of a sign-in that passed every check: the lock-out forgotten,
/// tokens, the day's check-in (CHECKIN-1), the audit record.
#[allow(clippy::too_many_arguments)]
async fn complete_sign_in(
    db: &Db,
    staff: &staff::StaffRecord,
    channel: Channel,
    attempt_key: &str,
    ip: &str,
    lang: Lang,
    now: i64,
    // The challenge a second factor answered, spent in the same transaction.
    answered: Option<&str>,
) -> ApiResult<Reply> {
    let key = signing_key().await?;
    let required = input::second_factor_required_roles().await;
    let today = china_date(now);
    let at = rfc3339(now);
    let (tokens, first_checkin_today) = db
        .transaction(async |tx| {
            // Another attempt may have locked the code while this one was hashing.
            if let Some(wait) = guard::locked_for(tx, attempt_key, now).await? {
                return Err(ApiError::account_locked(wait));
            }
            guard::clear(tx, attempt_key).await?;
            if let Some(token) = answered
                && !second_factor::spend_challenge(tx, token).await?
            {
                return Err(challenge_gone());
            }
            let tokens = sessions::start(tx, staff, channel.as_str(), &key, &required, now).await?;
            let first =
                checkins::record(tx, &staff.code, today, &at, channel, "sign_in", None, None)
                    .await?;
            let detail = serde_json::json!({"channel": channel.as_str(), "ip": ip,
                "first_checkin_today": first, "second_factor": answered.is_some()});
            tx.audit(
                &staff.code,
                "auth.sign_in",
                Some(&tokens.session_id),
                Some(&detail.to_string()),
            )
            .await?;
            Ok((tokens, first))
        })
        .await?;
    let checkin = checkins::on_day(db, &staff.code, today).await?;
    let message = Localized::new("已完成签到", "Checked in for today");
    json::ok(&SignedIn {
        tokens,
        staff: StaffSummary {
            code: staff.code.clone(),
            name: staff.name.clone(),
            roles: staff.roles.clone(),
        },
        checked_in_today: checkin.is_some(),
        first_checkin_today,
        checkin,
        message: message.get(lang).to_owned(),
    })
}

/// 401 for a challenge that is unknown, spent, burnt by wrong codes or past its time:
/// sign in with the password again.
fn challenge_gone() -> ApiError {
    ApiError::unauthorized()
        .with_detail(Localized::new(
            "验证已失效，请重新输入工号和密码登录。",
            "This sign-in has expired; enter your staff code and password again.",
        ))
        .with_cause("second-factor challenge unknown, spent or expired")
}

/// 400 for a wrong, malformed or already used code.
fn wrong_code() -> ApiError {
    ApiError::invalid_verification_code().with_detail(Localized::new(
        "动态验证码错误或已使用，请输入验证器中最新的 6 位验证码。",
        "The code is wrong or was already used; enter the latest 6-digit code from your authenticator app.",
    ))
}

#[derive(Deserialize)]
struct CodeForChallenge {
    challenge: String,
    code: String,
}

/// `POST /api/auth/login/totp` {challenge, code}: the second step of a sign-in with a
/// second factor. A right, unused code spends the challenge and answers what a
/// sign-in answers; a wrong one counts toward the lock-out (AUTH-6) and the
/// challenge's own few tries.
pub async fn sign_in_with_code(request: Request) -> ApiResult<Reply> {
    let headers = request.headers().clone();
    let lang = Lang::from_headers(&headers);
    let body: CodeForChallenge = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    input::required("challenge", &body.challenge, &mut errors);
    input::required("code", &body.code, &mut errors);
    input::finish(errors)?;
    if body.challenge.len() > 128 {
        return Err(challenge_gone());
    }
    let now = now_unix();
    let ip = client_ip(&headers);
    let per_address =
        input::limit_variable("sign_in_limit_per_address", input::SIGN_INS_PER_ADDRESS).await;
    let db = Db::open_default().await?;
    guard::limit_call(&db, &format!("totp:ip:{ip}"), per_address, 60, now).await?;
    let token = body.challenge.trim();
    let code = body.code.trim();
    let pii = pii_key().await?;
    let outcome = db
        .transaction(async |tx| {
            let Some(challenge) = second_factor::challenge(tx, token, now).await? else {
                return Ok(CodeOutcome::Gone);
            };
            if let Some(wait) = guard::locked_for(tx, &challenge.staff_code, now).await? {
                return Ok(CodeOutcome::Locked(wait));
            }
            let enrolment = second_factor::find(tx, &challenge.staff_code)
                .await?
                .filter(|e| e.state == second_factor::State::Enabled);
            let passed = match &enrolment {
                Some(enrolment) => {
                    second_factor::accept_code(tx, &pii, enrolment, code, now).await?
                }
                None => false,
            };
            if passed {
                return Ok(CodeOutcome::Passed(challenge));
            }
            second_factor::count_wrong_code(tx, token).await?;
            let locked = guard::record_failure(tx, &challenge.staff_code, now).await?;
            let detail = serde_json::json!({"ip": ip, "locked": locked.is_some()});
            tx.audit(
                &challenge.staff_code,
                "auth.second_factor_failed",
                None,
                Some(&detail.to_string()),
            )
            .await?;
            Ok(match locked {
                Some(wait) => CodeOutcome::Locked(wait),
                None => CodeOutcome::Wrong,
            })
        })
        .await?;
    let challenge = match outcome {
        CodeOutcome::Passed(challenge) => challenge,
        CodeOutcome::Gone => return Err(challenge_gone()),
        CodeOutcome::Locked(wait) => return Err(ApiError::account_locked(wait)),
        CodeOutcome::Wrong => return Err(wrong_code()),
    };
    let staff = match staff::find(&db, &challenge.staff_code).await? {
        Some(staff) if staff.is_active() => staff,
        _ => return Err(challenge_gone()),
    };
    let channel = Channel::parse(&challenge.channel).unwrap_or(Channel::Desktop);
    complete_sign_in(
        &db,
        &staff,
        channel,
        &challenge.staff_code,
        &ip,
        lang,
        now,
        Some(token),
    )
    .await
}

/// What checking a code against a challenge came to (committed whatever it is, so a
/// wrong code stays counted).
enum CodeOutcome {
    Passed(second_factor::Challenge),
    Gone,
    Locked(u64),
    Wrong,
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
    let db = Db::open_default().await?;
    // Counted in SQL, exactly under concurrency, as sign-ins are.
    guard::limit_call(
        &db,
        &format!("refresh:ip:{ip}"),
        input::CALLS_PER_ADDRESS * 2,
        60,
        now,
    )
    .await?;
    let cache = Cache::open_default().await?;
    if body.refresh_token.trim().is_empty() || body.refresh_token.len() > 128 {
        return Err(ApiError::unauthorized());
    }
    let key = signing_key().await?;
    let required = input::second_factor_required_roles().await;
    let rotation = db
        .transaction(async |tx| {
            let rotation =
                sessions::rotate(tx, &cache, body.refresh_token.trim(), &key, &required, now)
                    .await?;
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
