//! 登录设备: one's own live sessions, and signing out one of them (退出此设备) or all
//! but the current one (退出其他所有设备). Revocation takes effect at once: the
//! sessions are marked revoked in the key-value cache that every access token is
//! checked against. Audited.

use serde::Serialize;
use zhanye_accounts::sessions::{self, ActiveSession};
use zhanye_platform::json;
use zhanye_platform::kv::Cache;
use zhanye_platform::{ApiError, ApiResult, Reply, Request, RequestContext};

#[derive(Serialize)]
struct SessionList {
    items: Vec<ActiveSession>,
}

/// `GET /api/auth/sessions`: the caller's live sessions, newest first, the current one
/// marked.
pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    let items = sessions::active(
        &ctx.db,
        &ctx.principal().code,
        &ctx.session.session_id,
        ctx.now,
    )
    .await?;
    json::ok(&SessionList { items })
}

/// `DELETE /api/auth/sessions/{id}`: ends one of the caller's own sessions (the current
/// one too); 404 for one that is not theirs or no longer live. 204.
pub async fn sign_out_one(request: Request, id: &str) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    // Session ids are 32 hex digits: anything else names no session.
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found());
    }
    let cache = Cache::open_default().await?;
    let code = &ctx.principal().code;
    let ended = ctx
        .db
        .transaction(async |tx| {
            let ended = sessions::revoke_own(tx, &cache, code, id, ctx.now).await?;
            if ended {
                tx.audit(code, "auth.session_signed_out", Some(id), None)
                    .await?;
            }
            Ok(ended)
        })
        .await?;
    if !ended {
        return Err(ApiError::not_found());
    }
    Ok(json::no_content())
}

#[derive(Serialize)]
struct SignedOutElsewhere {
    /// How many sessions ended.
    signed_out: usize,
}

/// `POST /api/auth/sessions/sign-out-others`: ends every live session of the caller but
/// the current one.
pub async fn sign_out_others(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_second_factor_enrolment(&request).await?;
    let cache = Cache::open_default().await?;
    let code = &ctx.principal().code;
    let current = &ctx.session.session_id;
    let signed_out = ctx
        .db
        .transaction(async |tx| {
            let ended = sessions::revoke_others(tx, &cache, code, current, ctx.now).await?;
            let detail = serde_json::json!({"signed_out": ended});
            tx.audit(
                code,
                "auth.sessions_signed_out_elsewhere",
                Some(current),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(ended)
        })
        .await?;
    json::ok(&SignedOutElsewhere { signed_out })
}
