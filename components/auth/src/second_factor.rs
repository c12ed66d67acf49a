//! 两步验证 (TOTP second factor) for leads, branch managers and HQ: where one's own
//! stands, setting one up (a secret to scan, confirmed with a code) and turning it off
//! (with a code). These routes stay open while the role requires a second factor not yet
//! set up; every write is audited.

use serde::{Deserialize, Serialize};
use zhanye_accounts::second_factor::{self, State};
use zhanye_accounts::totp;
use zhanye_platform::caller::pii_key;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::time::rfc3339;
use zhanye_platform::{ApiError, ApiResult, Localized, Reply, Request, RequestContext};

use crate::input::{self, BODY_LIMIT};

/// Where the caller's second factor stands (`GET /api/auth/second-factor`, and part of
/// `GET /api/auth/me`).
#[derive(Serialize)]
pub struct Standing {
    /// `off`, `pending` (started, not confirmed) or `enabled`.
    pub state: &'static str,
    /// The caller's role may set one up.
    pub eligible: bool,
    /// The caller's role must have one (`totp_required_roles`).
    pub required: bool,
    /// RFC 3339, once enabled.
    pub enabled_at: Option<String>,
}

/// The caller's [`Standing`].
pub async fn standing_of(ctx: &RequestContext) -> Result<Standing, ApiError> {
    let principal = ctx.principal();
    let enrolment = second_factor::find(&ctx.db, &principal.code).await?;
    let required = input::second_factor_required_roles().await;
    Ok(Standing {
        state: enrolment.as_ref().map_or("off", |e| e.state.as_str()),
        eligible: totp::may_enrol(&principal.roles),
        required: required.apply_to(&principal.roles),
        enabled_at: enrolment.and_then(|e| e.enabled_at).map(rfc3339),
    })
}

/// `GET /api/auth/second-factor`.
pub async fn status(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    json::ok(&standing_of(&ctx).await?)
}

/// What starting the set-up hands out, once: the secret to type in or scan.
#[derive(Serialize)]
struct Started {
    state: &'static str,
    /// Base32, as authenticator apps take it typed in.
    secret: String,
    /// The `otpauth://` key URI the QR code holds.
    otpauth_uri: String,
    digits: u32,
    period: i64,
    algorithm: &'static str,
}

/// 403 for a role that does not use a second factor.
fn not_eligible() -> ApiError {
    ApiError::forbidden().with_detail(Localized::new(
        "两步验证仅适用于团队长、营业部经理和总部岗位。",
        "Two-step verification is for leads, branch managers and HQ staff only.",
    ))
}

/// `POST /api/auth/second-factor/totp`: a fresh secret, stored sealed as pending until
/// confirmed; starting again replaces a pending one. 409 when one is already enabled.
pub async fn start(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    let principal = ctx.principal();
    if !totp::may_enrol(&principal.roles) {
        return Err(not_eligible());
    }
    let pii = pii_key().await?;
    let started = ctx
        .db
        .transaction(async |tx| {
            let started = second_factor::begin(tx, &pii, &principal.code, ctx.now).await?;
            if started.is_some() {
                tx.audit(
                    &principal.code,
                    "auth.second_factor_started",
                    Some(&principal.code),
                    None,
                )
                .await?;
            }
            Ok(started)
        })
        .await?;
    let Some(started) = started else {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "两步验证已开启；如需更换验证器，请先关闭再重新绑定。",
            "Two-step verification is already on; turn it off first to set up another authenticator.",
        )));
    };
    json::ok(&Started {
        state: State::Pending.as_str(),
        secret: totp::base32(&started.secret),
        otpauth_uri: totp::otpauth_uri(&principal.code, &started.secret),
        digits: totp::DIGITS,
        period: totp::STEP_SECONDS,
        algorithm: "SHA1",
    })
}

#[derive(Deserialize)]
struct CodeBody {
    code: String,
}

/// Reads `{code}`: 422 unless it is 6 digits.
async fn read_code(request: Request) -> Result<String, ApiError> {
    let body: CodeBody = read_json(request, BODY_LIMIT).await?;
    let code = body.code.trim().to_owned();
    let mut errors = Vec::new();
    input::required("code", &code, &mut errors);
    input::finish(errors)?;
    if !totp::is_code_shaped(&code) {
        return Err(ApiError::invalid_field("code", reason::INVALID_FORMAT));
    }
    Ok(code)
}

/// 422 `code` `incorrect`: wrong, or already used.
fn incorrect_code() -> ApiError {
    ApiError::invalid_field("code", reason::INCORRECT).with_detail(Localized::new(
        "动态验证码错误或已使用，请输入验证器中最新的 6 位验证码。",
        "The code is wrong or was already used; enter the latest 6-digit code from your authenticator app.",
    ))
}

/// Checks a code of the caller's second factor in `state`; a wrong one is audited and
/// counts toward the sign-in lock-out, so a stolen session cannot guess codes either.
async fn check_code(
    ctx: &RequestContext,
    request: Request,
    state: State,
    then: &'static str,
) -> Result<(), ApiError> {
    let code = read_code(request).await?;
    let principal = ctx.principal();
    let (db, now) = (&ctx.db, ctx.now);
    if let Some(wait) = zhanye_accounts::guard::locked_for(db, &principal.code, now).await? {
        return Err(ApiError::account_locked(wait));
    }
    let pii = pii_key().await?;
    // The outcome is committed either way, so a wrong code stays counted; the inner
    // result is what the caller answers.
    db.transaction(async |tx| {
        let Some(enrolment) = second_factor::find(tx, &principal.code)
            .await?
            .filter(|e| e.state == state)
        else {
            return Ok(Err(ApiError::conflict().with_detail(match state {
                State::Pending => Localized::new(
                    "请先开始绑定验证器。",
                    "Start setting up an authenticator first.",
                ),
                State::Enabled => {
                    Localized::new("两步验证未开启。", "Two-step verification is not on.")
                }
            })));
        };
        if second_factor::accept_code(tx, &pii, &enrolment, &code, now).await? {
            match state {
                State::Pending => {
                    second_factor::enable(tx, &principal.code, now).await?;
                }
                State::Enabled => second_factor::remove(tx, &principal.code).await?,
            }
            tx.audit(&principal.code, then, Some(&principal.code), None)
                .await?;
            return Ok(Ok(()));
        }
        let locked = zhanye_accounts::guard::record_failure(tx, &principal.code, now).await?;
        tx.audit(
            &principal.code,
            "auth.second_factor_failed",
            Some(&principal.code),
            Some(&serde_json::json!({"while": then, "locked": locked.is_some()}).to_string()),
        )
        .await?;
        Ok(Err(match locked {
            Some(wait) => ApiError::account_locked(wait),
            None => incorrect_code(),
        }))
    })
    .await?
}

/// `POST /api/auth/second-factor/totp/confirm` {code}: a current code of the pending
/// secret turns the second factor on. A session that was limited to setting one up is
/// freed at its next refresh.
pub async fn confirm(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    if !totp::may_enrol(&ctx.principal().roles) {
        return Err(not_eligible());
    }
    check_code(&ctx, request, State::Pending, "auth.second_factor_enabled").await?;
    json::ok(&standing_of(&ctx).await?)
}

/// `POST /api/auth/second-factor/totp/disable` {code}: a current code turns the second
/// factor off; refused (409) while the role requires one.
pub async fn disable(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    let required = input::second_factor_required_roles().await;
    if required.apply_to(&ctx.principal().roles) {
        return Err(ApiError::conflict().with_detail(Localized::new(
            "您的岗位要求使用两步验证，不能关闭。",
            "Your role requires two-step verification; it cannot be turned off.",
        )));
    }
    check_code(&ctx, request, State::Enabled, "auth.second_factor_disabled").await?;
    json::ok(&standing_of(&ctx).await?)
}
