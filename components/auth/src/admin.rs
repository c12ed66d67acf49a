//! AUTH-5 manual resets (申请重置密码) for branch admins: the pending requests in their
//! part of the org, as a page or as the CSV the retail department takes (人员代码,
//! 人员姓名, 手机号码), and the reset itself to a one-time temporary password.

use serde::{Deserialize, Serialize};
use zhanye_accounts::passwords::{self, Replacement};
use zhanye_accounts::{resets, staff};
use zhanye_platform::Request;
use zhanye_platform::csv::Csv;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::kv::Cache;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, Db, Page, PageQuery, Reply, RequestContext, random};
use zhanye_staff::identity::mask_mobile;
use zhanye_staff::password;
use zhanye_staff::vocab::StaffStatus;
use zhanye_staff::{Principal, StaffCode};

use crate::input::BODY_LIMIT;

/// Rows one export holds at most.
const EXPORT_LIMIT: u32 = 10_000;

/// The request of an admin who resets passwords (AUTH-5); 403 for anyone else.
pub async fn admin(request: &Request) -> Result<RequestContext, ApiError> {
    let ctx = RequestContext::new(request).await?;
    if !ctx.principal().roles.resets_passwords() {
        return Err(ApiError::forbidden());
    }
    Ok(ctx)
}

/// The staff member with the typed `code` in the admin's org subtree; 404 for one
/// outside it, as for one who does not exist.
async fn staff_in_scope(
    db: &Db,
    caller: &Principal,
    code: &str,
) -> Result<staff::StaffRecord, ApiError> {
    let code = StaffCode::parse(code)
        .map_err(|_| ApiError::invalid_field("code", reason::INVALID_FORMAT))?;
    staff::find(db, code.as_str())
        .await?
        .filter(|s| caller.unit_contains(&s.unit_path))
        .ok_or_else(ApiError::not_found)
}

#[derive(Serialize)]
struct PendingReset {
    id: i64,
    code: String,
    name: String,
    /// Masked; the export has it in full.
    mobile: String,
    requested_at: String,
}

/// `GET /api/auth/admin/resets?page=&page_size=`.
pub async fn pending(request: Request) -> ApiResult<Reply> {
    let ctx = admin(&request).await?;
    let (caller, db) = (ctx.principal(), &ctx.db);
    let page = PageQuery::from_query(request.uri().query())?;
    let total = resets::count_pending(db, &caller.unit_path).await?;
    let items = resets::pending(db, &caller.unit_path, page.limit(), page.offset() as i64)
        .await?
        .into_iter()
        .map(|r| PendingReset {
            id: r.id,
            code: r.code,
            name: r.name,
            mobile: mask_mobile(&r.mobile),
            requested_at: r.requested_at,
        })
        .collect();
    json::ok(&Page::new(items, total as u64, page)?)
}

/// `GET /api/auth/admin/resets/export` → `text/csv`. The full mobiles are unmasked
/// data: the export is audited.
pub async fn export(request: Request) -> ApiResult<Reply> {
    let ctx = admin(&request).await?;
    let (caller, db) = (ctx.principal(), &ctx.db);
    let rows = resets::pending(db, &caller.unit_path, EXPORT_LIMIT, 0).await?;
    let mut csv = Csv::new(&["人员代码", "人员姓名", "手机号码"]);
    for r in &rows {
        csv.row([r.code.as_str(), r.name.as_str(), r.mobile.as_str()]);
    }
    let detail = serde_json::json!({"rows": rows.len(), "scope": caller.unit_path});
    db.audit(
        &caller.code,
        "auth.manual_resets_exported",
        None,
        Some(&detail.to_string()),
    )
    .await?;
    csv.into_reply(&format!("manual-resets-{}.csv", ctx.today.format("%Y%m%d")))
}

#[derive(Deserialize)]
struct ResetBody {
    code: String,
}

#[derive(Serialize)]
struct ResetDone {
    code: String,
    name: String,
    /// Shown once to the admin, who passes it on; it must be changed at first use.
    temporary_password: String,
    must_change_password: bool,
}

/// `POST /api/auth/admin/resets {code}`: a one-time temporary password for a staff
/// member in the admin's part of the org; all their sessions end. Their second factor
/// (TOTP) goes too: a manual reset is how someone who lost their phone gets back in,
/// and a role that requires one sets it up again after the forced password change.
pub async fn reset(request: Request) -> ApiResult<Reply> {
    let ctx = admin(&request).await?;
    let (caller, db) = (ctx.principal(), &ctx.db);
    let body: ResetBody = read_json(request, BODY_LIMIT).await?;
    // Not one's own: a stolen admin session would otherwise set a password it knows and
    // drop the second factor. One's own password is changed with the old one, or reset
    // by SMS or by another admin.
    if StaffCode::attempt_key(&body.code) == caller.code {
        return Err(
            ApiError::forbidden().with_detail(zhanye_platform::Localized::new(
                "不能重置本人的密码，请在“修改密码”中修改，或使用“忘记密码”。",
                "You cannot reset your own password: change it under Change password, or use Forgot password.",
            )),
        );
    }
    let staff = staff_in_scope(db, caller, &body.code).await?;
    let temporary = password::temporary_password(&random::bytes::<16>()?);
    let new_hash = password::hash(&temporary, &random::bytes::<16>()?);
    let cache = Cache::open_default().await?;
    let now = ctx.now;
    db.transaction(async |tx| {
        let how = Replacement {
            reason: "manual_reset",
            resolved_by: &caller.code,
            must_change: true,
        };
        passwords::replace(tx, &cache, &staff, &new_hash, how, now).await?;
        let detail = serde_json::json!({"second_factor_removed": staff.second_factor_enabled});
        zhanye_accounts::second_factor::remove(tx, &staff.code).await?;
        tx.audit(
            &caller.code,
            "auth.manual_reset",
            Some(&staff.code),
            Some(&detail.to_string()),
        )
        .await
    })
    .await?;
    json::ok(&ResetDone {
        code: staff.code,
        name: staff.name,
        temporary_password: temporary,
        must_change_password: true,
    })
}

#[derive(Deserialize)]
struct StatusBody {
    code: String,
    /// `normal`, `suspended` or `left` (ORG-2).
    status: String,
}

/// `POST /api/auth/admin/status {code, status}`: suspends, reinstates or records the
/// leaving of a staff member in the admin's part of the org. Suspending or leaving ends
/// every session at once (AUTH-7); sign-in then fails like a wrong password.
pub async fn set_status(request: Request) -> ApiResult<Reply> {
    let ctx = admin(&request).await?;
    let (caller, db) = (ctx.principal(), &ctx.db);
    let body: StatusBody = read_json(request, BODY_LIMIT).await?;
    if StaffStatus::parse(&body.status).is_none() {
        return Err(ApiError::invalid_field("status", reason::INVALID));
    }
    if StaffCode::attempt_key(&body.code) == caller.code {
        return Err(
            ApiError::forbidden().with_detail(zhanye_platform::Localized::new(
                "不能修改本人的人员状态。",
                "You cannot change your own status.",
            )),
        );
    }
    let staff = staff_in_scope(db, caller, &body.code).await?;
    let cache = Cache::open_default().await?;
    let now = ctx.now;
    let revoked = db
        .transaction(async |tx| {
            staff::set_status(tx, &staff.code, &body.status, now).await?;
            let revoked = if body.status == StaffStatus::Normal.as_str() {
                0
            } else {
                zhanye_accounts::sessions::revoke_all(tx, &cache, &staff.code, &body.status, now)
                    .await?
            };
            let detail = serde_json::json!({"from": staff.status, "to": body.status});
            tx.audit(
                &caller.code,
                "staff.status",
                Some(&staff.code),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(revoked)
        })
        .await?;
    json::ok(&serde_json::json!({
        "code": staff.code,
        "status": body.status,
        "sessions_revoked": revoked,
    }))
}
