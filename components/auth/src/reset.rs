//! AUTH-4 forgot password (忘记密码): staff code + ID number → a 6-digit code by SMS to
//! the registered mobile; the code and a new password set the password. AUTH-5's
//! request for a manual reset starts here too.
//!
//! Answers never tell whether a code exists or the ID number matched: the send limits
//! are kept per code as typed.

use serde::{Deserialize, Serialize};
use zhanye_accounts::passwords::{self, Replacement};
use zhanye_accounts::{resets, sms_queue, staff};
use zhanye_platform::Request;
use zhanye_platform::auth::constant_time_eq;
use zhanye_platform::caller::{client_ip, pii_key, signing_key};
use zhanye_platform::json::{self, read_json};
use zhanye_platform::kv::Cache;
use zhanye_platform::problem::reason;
use zhanye_platform::session::keyed_digest;
use zhanye_platform::time::{china_date, now_rfc3339, now_unix, seconds_to_china_midnight};
use zhanye_platform::{ApiError, ApiResult, Db, FieldError, Lang, Localized, Reply, random};
use zhanye_staff::StaffCode;
use zhanye_staff::guard::{
    OTP_MAX_ATTEMPTS, OTP_RESEND_GAP_SECONDS, OTP_TTL_SECONDS, SendDecision, is_otp_shaped,
    otp_from_random, reset_sms_text, send_decision,
};
use zhanye_staff::identity::{normalise_id_number, verify_id};
use zhanye_staff::password;

use crate::input::{self, BODY_LIMIT};
use crate::sms;

#[derive(Deserialize)]
struct Identify {
    code: String,
    id_number: String,
}

#[derive(Serialize)]
struct Accepted {
    status: &'static str,
    message: String,
    /// Seconds before another code can be requested.
    resend_after: i64,
    /// Seconds a code stays valid.
    expires_in: i64,
}

/// Reads `{code, id_number}` and finds the active staff member they identify, if any,
/// spending the same hashing time either way.
async fn identify(request: Request) -> Result<(String, Option<staff::StaffRecord>, Db), ApiError> {
    let ip = client_ip(request.headers());
    let body: Identify = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    input::required("code", &body.code, &mut errors);
    let id_number = normalise_id_number(&body.id_number);
    if body.id_number.trim().is_empty() {
        errors.push(FieldError::new("id_number", reason::REQUIRED));
    } else if id_number.is_none() {
        errors.push(FieldError::new("id_number", reason::INVALID_FORMAT));
    }
    input::finish(errors)?;
    let now = now_unix();
    let db = Db::open_default().await?;
    input::limit_resets(&db, &ip, now).await?;
    let attempt_key = StaffCode::attempt_key(&body.code);
    let found = match StaffCode::parse(&body.code) {
        Ok(code) => staff::find(&db, code.as_str()).await?,
        Err(_) => None,
    };
    let id_number = id_number.unwrap_or_default();
    let key = pii_key().await?;
    let identified =
        found.filter(|s| verify_id(&key, &id_number, &s.id_number_verifier) && s.is_active());
    Ok((attempt_key, identified, db))
}

/// The recipient and code of a withheld entry: the same shape as a real one, never sent.
const WITHHELD_MOBILE: &str = "00000000000";
const WITHHELD_CODE: &str = "000000";

/// `POST /api/auth/reset/request` → 202, the same answer, in the same time, whether or
/// not a code is sent.
pub async fn request_code(request: Request) -> ApiResult<Reply> {
    let lang = Lang::from_headers(request.headers());
    let (attempt_key, identified, db) = identify(request).await?;
    let now = now_unix();
    let today = china_date(now).to_string();
    let key = signing_key().await?;
    let pii = pii_key().await?;
    let queued = db
        .transaction(async |tx| {
            let record = resets::send_record(tx, attempt_key.as_str()).await?;
            let sends_on_day = match send_decision(record.as_ref(), now, &today, seconds_to_china_midnight(now)) {
                SendDecision::Allowed { sends_on_day } => sends_on_day,
                SendDecision::TooSoon { retry_after } => {
                    return Err(ApiError::rate_limited(Some(retry_after)).with_detail(Localized::new(
                        format!("验证码发送过于频繁，请 {retry_after} 秒后再试。"),
                        format!("Codes are sent at most once a minute; try again in {retry_after} s."),
                    )));
                }
                SendDecision::DailyLimitReached { retry_after } => {
                    return Err(ApiError::rate_limited(Some(retry_after)).with_detail(Localized::new(
                        "今日验证码发送次数已达上限，请明日再试或联系营业部申请人工重置。",
                        "Today's limit of codes is reached; try tomorrow or ask your branch for a manual reset.",
                    )));
                }
            };
            let otp = match &identified {
                Some(_) => Some(otp_from_random(random::bytes::<8>()?)),
                None => None,
            };
            let otp_hash = otp.as_ref().map(|otp| keyed_digest(&key, &format!("{attempt_key}:{otp}")));
            let send = resets::Send {
                otp_hash: otp_hash.as_deref(),
                expires_at: now + OTP_TTL_SECONDS,
                sent_at: now,
                day: today.as_str(),
                sends_on_day,
            };
            resets::record_send(tx, attempt_key.as_str(), &send).await?;
            // One audit row and one queued message either way (a withheld one of the
            // same size when the code and ID number did not match): the request path
            // does the same work whether or not they matched.
            let (action, owner, purpose, mobile, text) = match (&identified, &otp) {
                (Some(staff), Some(otp)) => (
                    "auth.reset_code_sent",
                    staff.code.as_str(),
                    "password_reset",
                    staff.mobile.as_str(),
                    reset_sms_text(otp),
                ),
                _ => (
                    "auth.reset_code_withheld",
                    attempt_key.as_str(),
                    sms_queue::WITHHELD,
                    WITHHELD_MOBILE,
                    reset_sms_text(WITHHELD_CODE),
                ),
            };
            tx.audit(&attempt_key, action, Some(&attempt_key), None).await?;
            let sealed = sms::seal_message(&pii, owner, mobile, &text)?;
            sms_queue::enqueue(tx, owner, purpose, &sealed, now, now + OTP_TTL_SECONDS).await
        })
        .await?;
    // The SMS (and its outbox row) go out after the answer, so the answer's timing does
    // not tell whether the code and ID number matched; the message was queued with the
    // code, so an instance ending before it is sent loses nothing (the next sign-in or
    // reset request sends it), and a message the gateway refuses is recorded `failed`
    // and tried again.
    zhanye_platform::after_reply::defer(async move {
        let sent = async {
            sms::send_queued(&db, queued, &pii).await?;
            sms::send_waiting(&db, &pii).await
        };
        if let Err(error) = sent.await {
            eprintln!("zhanye auth: sending a queued SMS failed: {error}");
        }
    });
    accepted(
        lang,
        Localized::new(
            "如人员代码与身份证号无误，验证码已发送至登记手机，5 分钟内有效。",
            "If the staff code and ID number are right, a code has been sent to the registered mobile; it is valid for 5 minutes.",
        ),
    )
}

fn accepted(lang: Lang, message: Localized) -> ApiResult<Reply> {
    let mut reply = json::ok(&Accepted {
        status: "accepted",
        message: message.get(lang).to_owned(),
        resend_after: OTP_RESEND_GAP_SECONDS,
        expires_in: OTP_TTL_SECONDS,
    })?;
    *reply.status_mut() = http::StatusCode::ACCEPTED;
    Ok(reply)
}

#[derive(Deserialize)]
struct Confirm {
    code: String,
    sms_code: String,
    new_password: String,
}

/// `POST /api/auth/reset/confirm`: a right, live code sets the new password directly;
/// five wrong tries burn the code.
pub async fn confirm(request: Request) -> ApiResult<Reply> {
    let lang = Lang::from_headers(request.headers());
    let ip = client_ip(request.headers());
    let body: Confirm = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    input::required("code", &body.code, &mut errors);
    let sms_code = body.sms_code.trim();
    if sms_code.is_empty() {
        errors.push(FieldError::new("sms_code", reason::REQUIRED));
    } else if !is_otp_shaped(sms_code) {
        errors.push(FieldError::new("sms_code", reason::INVALID_FORMAT));
    }
    if body.new_password.is_empty() {
        errors.push(FieldError::new("new_password", reason::REQUIRED));
    }
    input::finish(errors)?;
    let now = now_unix();
    let db = Db::open_default().await?;
    input::limit_resets(&db, &ip, now).await?;
    let cache = Cache::open_default().await?;
    let attempt_key = StaffCode::attempt_key(&body.code);
    let key = signing_key().await?;
    let presented = keyed_digest(&key, &format!("{attempt_key}:{sms_code}"));

    // Check the code; a wrong one costs a try, and the fifth burns it.
    let valid = db
        .transaction(async |tx| {
            let Some(stored) = resets::stored_code(tx, attempt_key.as_str()).await? else {
                return Ok(false);
            };
            let Some(hash) = stored.otp_hash else {
                return Ok(false);
            };
            if stored.expires_at <= now || stored.attempts >= OTP_MAX_ATTEMPTS {
                return Ok(false);
            }
            if constant_time_eq(hash.as_bytes(), presented.as_bytes()) {
                return Ok(true);
            }
            resets::count_wrong_try(tx, attempt_key.as_str(), OTP_MAX_ATTEMPTS).await?;
            tx.audit(
                &attempt_key,
                "auth.reset_code_wrong",
                Some(&attempt_key),
                None,
            )
            .await?;
            Ok(false)
        })
        .await?;
    let staff = match StaffCode::parse(&body.code) {
        Ok(code) if valid => staff::find(&db, code.as_str())
            .await?
            .filter(|s| s.is_active()),
        _ => None,
    };
    let Some(staff) = staff else {
        return Err(ApiError::invalid_verification_code());
    };
    let problems = input::new_password_problems(&body.new_password, &staff);
    if !problems.is_empty() {
        return Err(ApiError::validation(input::password_errors(&problems)));
    }
    let new_hash = password::hash(&body.new_password, &random::bytes::<16>()?);
    db.transaction(async |tx| {
        // Spend the code; a concurrent confirm that spent it first wins.
        if !resets::spend_code(tx, attempt_key.as_str(), presented.as_str()).await? {
            return Err(ApiError::invalid_verification_code());
        }
        let how = Replacement {
            reason: "password_reset",
            resolved_by: "sms",
            must_change: false,
        };
        passwords::replace(tx, &cache, &staff, &new_hash, how, now).await?;
        tx.audit(
            &staff.code,
            "auth.password_reset",
            Some(&staff.code),
            Some("sms"),
        )
        .await
    })
    .await?;
    json::ok(&serde_json::json!({
        "status": "password_reset",
        "message": lang.pick("密码已重置，请使用新密码登录。", "Your password has been reset; sign in with the new one."),
    }))
}

/// `POST /api/auth/reset/manual` (申请重置密码) → 202: records a request for the
/// branch to reset the password by hand when SMS does not reach the staff member.
pub async fn request_manual(request: Request) -> ApiResult<Reply> {
    let lang = Lang::from_headers(request.headers());
    let (_, identified, db) = identify(request).await?;
    if let Some(staff) = identified {
        let now = now_rfc3339();
        db.transaction(async |tx| {
            let added = resets::request_manual(tx, staff.code.as_str(), now.as_str()).await?;
            if added {
                tx.audit(
                    &staff.code,
                    "auth.manual_reset_requested",
                    Some(&staff.code),
                    None,
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    }
    accepted(
        lang,
        Localized::new(
            "如人员代码与身份证号无误，申请已提交营业部，人工重置后将另行通知。",
            "If the staff code and ID number are right, the request has gone to your branch; you will be told once the password is reset.",
        ),
    )
}
