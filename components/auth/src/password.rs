//! AUTH-8 设置-密码变更: change the password, open even while a change is forced
//! (AUTH-2). Every session of the staff member is revoked and a fresh one is answered.

use serde::Deserialize;
use zhanye_accounts::passwords::{self, Replacement};
use zhanye_accounts::{guard, sessions, staff};
use zhanye_platform::Request;
use zhanye_platform::caller::signing_key;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::kv::Cache;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, FieldError, Reply, RequestContext, random};
use zhanye_staff::password;

use crate::input::{self, BODY_LIMIT};

#[derive(Deserialize)]
struct ChangePassword {
    old_password: String,
    new_password: String,
}

/// `POST /api/auth/password` → the new session's tokens.
pub async fn change(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::allowing_password_change(&request).await?;
    let body: ChangePassword = read_json(request, BODY_LIMIT).await?;
    let mut errors = Vec::new();
    if body.old_password.is_empty() {
        errors.push(FieldError::new("old_password", reason::REQUIRED));
    }
    if body.new_password.is_empty() {
        errors.push(FieldError::new("new_password", reason::REQUIRED));
    }
    input::finish(errors)?;

    let (db, now, caller) = (&ctx.db, ctx.now, ctx.principal());
    if let Some(wait) = guard::locked_for(db, &caller.code, now).await? {
        return Err(ApiError::account_locked(wait));
    }
    let Some(staff) = staff::find(db, &caller.code)
        .await?
        .filter(|s| s.is_active())
    else {
        return Err(ApiError::unauthorized());
    };
    if !staff.password_matches(&body.old_password) {
        // A stolen session must not become a way to guess the password.
        let locked = db
            .transaction(async |tx| {
                let locked = guard::record_failure(tx, &caller.code, now).await?;
                tx.audit(&caller.code, "auth.password_change_failed", None, None)
                    .await?;
                Ok(locked)
            })
            .await?;
        return Err(match locked {
            Some(wait) => ApiError::account_locked(wait),
            None => ApiError::invalid_field("old_password", reason::INCORRECT),
        });
    }
    let problems = input::new_password_problems(&body.new_password, &staff);
    if !problems.is_empty() {
        return Err(ApiError::validation(input::password_errors(&problems)));
    }
    let new_hash = password::hash(&body.new_password, &random::bytes::<16>()?);
    let key = signing_key().await?;
    let required = input::second_factor_required_roles().await;
    let cache = Cache::open_default().await?;
    let tokens = db
        .transaction(async |tx| {
            let how = Replacement {
                reason: "password_change",
                resolved_by: &staff.code,
                must_change: false,
            };
            passwords::replace(tx, &cache, &staff, &new_hash, how, now).await?;
            let mut renewed = staff.clone();
            renewed.must_change = false;
            let tokens =
                sessions::start(tx, &renewed, "password_change", &key, &required, now).await?;
            tx.audit(&staff.code, "auth.password_change", Some(&staff.code), None)
                .await?;
            Ok(tokens)
        })
        .await?;
    json::ok(&tokens)
}
