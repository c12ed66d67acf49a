//! AUTH-7 sessions. A sign-in starts a session; its refresh token is stored only as a
//! digest and replaced on every use. Presenting a spent refresh token again means it
//! was copied: the whole session is revoked. Revoking a session also marks it in the
//! key-value cache, so its access tokens stop working at once (see
//! [`zhanye_platform::caller`]).
//!
//! Call these inside a [`Db::transaction`]; they write several rows.

use serde::Serialize;
use zhanye_platform::caller::mark_revoked;
use zhanye_platform::kv::Cache;
use zhanye_platform::session::{
    self, ACCESS_TTL_SECONDS, AccessClaims, REFRESH_TTL_SECONDS, SESSION_TTL_SECONDS,
};
use zhanye_platform::{ApiError, Db, Row, params, random};

use crate::staff::{self, StaffRecord};
use crate::totp::RequiredRoles;

/// The tokens a sign-in, refresh or password change answers with.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedTokens {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token is valid.
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_in: i64,
    pub must_change_password: bool,
    /// The role requires a second factor that is not set up: these tokens only reach
    /// setting one up. Left out when false, so the usual answer keeps its shape.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub second_factor_enrolment_required: bool,
    #[serde(skip)]
    pub session_id: String,
}

/// Starts a session for `staff` and issues its first tokens; `required` are the roles
/// that must have a second factor (`totp_required_roles`).
pub async fn start(
    db: &Db,
    staff: &StaffRecord,
    channel: &str,
    key: &[u8],
    required: &RequiredRoles,
    now: i64,
) -> Result<IssuedTokens, ApiError> {
    let session_id = random::id()?;
    db.execute(
        "INSERT INTO sessions (id, staff_code, channel, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            session_id.as_str(),
            staff.code.as_str(),
            channel,
            now,
            now + SESSION_TTL_SECONDS
        ],
    )
    .await?;
    issue(db, staff, &session_id, key, required, now).await
}

/// Issues an access token and a new refresh token in an existing session.
async fn issue(
    db: &Db,
    staff: &StaffRecord,
    session_id: &str,
    key: &[u8],
    required: &RequiredRoles,
    now: i64,
) -> Result<IssuedTokens, ApiError> {
    let refresh_token = random::token()?;
    db.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            session::digest(&refresh_token),
            session_id,
            now,
            now + REFRESH_TTL_SECONDS
        ],
    )
    .await?;
    let claims = AccessClaims::new(
        &staff.code,
        session_id,
        staff.roles.clone(),
        staff.unit_id,
        &staff.unit_path,
        staff.must_change,
        now,
    );
    // Read again at every refresh, so enabling a second factor frees the session at
    // its next refresh and a newly required role limits it at once.
    let enrolment_required = required.apply_to(&staff.roles) && !staff.second_factor_enabled;
    let claims = claims.with_second_factor_enrolment_required(enrolment_required);
    Ok(IssuedTokens {
        access_token: session::sign(&claims, key)?,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECONDS,
        refresh_token,
        refresh_expires_in: REFRESH_TTL_SECONDS,
        must_change_password: staff.must_change,
        second_factor_enrolment_required: enrolment_required,
        session_id: session_id.to_owned(),
    })
}

/// What presenting a refresh token came to.
#[derive(Debug)]
pub enum Rotation {
    Rotated(Box<IssuedTokens>),
    /// Unknown, expired, or its session revoked or its owner no longer active.
    Refused(&'static str),
    /// A spent token presented again: the session has been revoked.
    Reused {
        staff_code: String,
        session_id: String,
    },
}

/// Rotates a refresh token (run it in a transaction and commit whatever it answers:
/// a detected reuse must stay revoked).
pub async fn rotate(
    db: &Db,
    cache: &Cache,
    refresh_token: &str,
    key: &[u8],
    required: &RequiredRoles,
    now: i64,
) -> Result<Rotation, ApiError> {
    let token_hash = session::digest(refresh_token);
    let Some(row) = db
        .query_row(
            "SELECT r.session_id, r.expires_at, r.used_at, s.staff_code, s.revoked_at,
                    s.expires_at AS session_expires_at
               FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
              WHERE r.token_hash = ?1",
            params![token_hash.as_str()],
        )
        .await?
    else {
        return Ok(Rotation::Refused("unknown refresh token"));
    };
    let session_id: String = row.get("session_id")?;
    let staff_code: String = row.get("staff_code")?;
    if row.get::<Option<i64>>("revoked_at")?.is_some() {
        return Ok(Rotation::Refused("session revoked"));
    }
    let spent = db
        .execute(
            "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
            params![token_hash.as_str(), now],
        )
        .await?
        == 0;
    if row.get::<Option<i64>>("used_at")?.is_some() || spent {
        revoke_sessions(
            db,
            cache,
            std::slice::from_ref(&session_id),
            "refresh_reuse",
            now,
        )
        .await?;
        return Ok(Rotation::Reused {
            staff_code,
            session_id,
        });
    }
    if row.get::<i64>("expires_at")? <= now || row.get::<i64>("session_expires_at")? <= now {
        return Ok(Rotation::Refused("refresh token expired"));
    }
    let staff = match staff::find(db, &staff_code).await? {
        Some(staff) if staff.is_active() => staff,
        _ => {
            revoke_all(db, cache, &staff_code, "staff_inactive", now).await?;
            return Ok(Rotation::Refused("staff not active"));
        }
    };
    issue(db, &staff, &session_id, key, required, now)
        .await
        .map(|tokens| Rotation::Rotated(Box::new(tokens)))
}

/// Revokes the given sessions, in the store and in the cache.
pub async fn revoke_sessions(
    db: &Db,
    cache: &Cache,
    session_ids: &[String],
    reason: &str,
    now: i64,
) -> Result<(), ApiError> {
    for id in session_ids {
        db.execute(
            "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
            params![id.as_str(), now, reason],
        )
        .await?;
    }
    mark_revoked(cache, session_ids, now).await
}

/// Revokes every live session of a staff member (password change or reset,
/// suspension); answers how many there were.
pub async fn revoke_all(
    db: &Db,
    cache: &Cache,
    staff_code: &str,
    reason: &str,
    now: i64,
) -> Result<usize, ApiError> {
    let ids = db
        .query(
            "SELECT id FROM sessions WHERE staff_code = ?1 AND revoked_at IS NULL",
            params![staff_code],
        )
        .await?;
    revoke_listed(db, cache, &ids, reason, now).await
}

/// Revokes the sessions of rows holding their `id`; answers how many there were.
async fn revoke_listed(
    db: &Db,
    cache: &Cache,
    rows: &[Row],
    reason: &str,
    now: i64,
) -> Result<usize, ApiError> {
    let ids: Vec<String> = rows
        .iter()
        .map(|row| row.get("id"))
        .collect::<Result<_, _>>()?;
    revoke_sessions(db, cache, &ids, reason, now).await?;
    Ok(ids.len())
}

/// Revokes every live session of the staff whose unit lies in the subtree at `path`
/// (a unit moved: the paths their tokens carry are no longer theirs); answers how many
/// there were (`staff_unit_path`, then `sessions_staff_active`).
pub async fn revoke_in_subtree(
    db: &Db,
    cache: &Cache,
    path: &str,
    reason: &str,
    now: i64,
) -> Result<usize, ApiError> {
    let (low, high) = zhanye_staff::org::subtree_range(path);
    let ids = db
        .query(
            "SELECT s.id FROM staff AS m JOIN sessions AS s ON s.staff_code = m.code \
             WHERE m.unit_path >= ?1 AND m.unit_path < ?2 AND s.revoked_at IS NULL",
            params![low.as_str(), high.as_str()],
        )
        .await?;
    revoke_listed(db, cache, &ids, reason, now).await
}

/// Revokes the session a refresh token belongs to (sign-out without an access
/// token); answers its owner when the token was known.
pub async fn revoke_by_refresh_token(
    db: &Db,
    cache: &Cache,
    refresh_token: &str,
    now: i64,
) -> Result<Option<String>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT s.id, s.staff_code FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
              WHERE r.token_hash = ?1",
            params![session::digest(refresh_token)],
        )
        .await?
    else {
        return Ok(None);
    };
    let id: String = row.get("id")?;
    revoke_sessions(db, cache, &[id], "sign_out", now).await?;
    Ok(Some(row.get("staff_code")?))
}

/// One of a staff member's live sessions, as their session list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveSession {
    pub id: String,
    /// `mobile`, `desktop`, or `password_change` for the session a password change
    /// started.
    pub channel: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The last time its tokens were issued (sign-in or refresh), Unix seconds.
    pub last_active_at: i64,
    pub expires_at: i64,
    /// The session the list was asked from.
    pub current: bool,
}

/// Parameters `?1` staff code, `?2` now: the staff member's live sessions, newest
/// first, with when each last had tokens issued (`sessions_staff_active`, then
/// `refresh_tokens_session`).
pub const SELECT_ACTIVE: &str = "SELECT s.id, s.channel, s.created_at, s.expires_at,
        (SELECT MAX(r.issued_at) FROM refresh_tokens r WHERE r.session_id = s.id) AS last_issued_at
   FROM sessions s
  WHERE s.staff_code = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
  ORDER BY s.created_at DESC, s.id";

/// The live sessions of `staff_code`, the one `current_id` marked.
pub async fn active(
    db: &Db,
    staff_code: &str,
    current_id: &str,
    now: i64,
) -> Result<Vec<ActiveSession>, ApiError> {
    let rows = db.query(SELECT_ACTIVE, params![staff_code, now]).await?;
    rows.iter()
        .map(|row| {
            let id: String = row.get("id")?;
            let created_at: i64 = row.get("created_at")?;
            Ok(ActiveSession {
                current: id == current_id,
                last_active_at: row
                    .get::<Option<i64>>("last_issued_at")?
                    .unwrap_or(created_at),
                channel: row.get("channel")?,
                expires_at: row.get("expires_at")?,
                created_at,
                id,
            })
        })
        .collect()
}

/// Parameters `?1` session id, `?2` staff code: that session if it is a live one of
/// theirs (primary key).
pub const SELECT_OWN_LIVE: &str =
    "SELECT id FROM sessions WHERE id = ?1 AND staff_code = ?2 AND revoked_at IS NULL";

/// Parameters `?1` staff code, `?2` the session to keep: their other live sessions
/// (`sessions_staff_active`).
pub const SELECT_OTHERS_LIVE: &str =
    "SELECT id FROM sessions WHERE staff_code = ?1 AND revoked_at IS NULL AND id <> ?2";

/// Revokes one live session of `staff_code` (退出此设备); answers false when there is no
/// such live session of theirs, so another's session cannot be ended, nor told from
/// one that does not exist.
pub async fn revoke_own(
    db: &Db,
    cache: &Cache,
    staff_code: &str,
    session_id: &str,
    now: i64,
) -> Result<bool, ApiError> {
    let ids = db
        .query(SELECT_OWN_LIVE, params![session_id, staff_code])
        .await?;
    Ok(revoke_listed(db, cache, &ids, "signed_out_by_owner", now).await? > 0)
}

/// Revokes every live session of `staff_code` but `keep` (退出其他所有设备); answers how
/// many ended.
pub async fn revoke_others(
    db: &Db,
    cache: &Cache,
    staff_code: &str,
    keep: &str,
    now: i64,
) -> Result<usize, ApiError> {
    let ids = db
        .query(SELECT_OTHERS_LIVE, params![staff_code, keep])
        .await?;
    revoke_listed(db, cache, &ids, "signed_out_elsewhere", now).await
}
