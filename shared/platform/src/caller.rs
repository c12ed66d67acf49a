//! The one auth extractor: the signed-in [`Session`] a request comes from, from the
//! access token. Components reach it through [`crate::RequestContext`]:
//!
//! ```ignore
//! let session = zhanye_platform::caller::authenticate(&request).await?;
//! ```
//!
//! It reads `Authorization: Bearer <jwt>`, verifies it with the secret Spin variable
//! `jwt_signing_key` ([`crate::session::verify`]: algorithm pinned, expiry enforced),
//! refuses sessions revoked in the key-value cache (sign-out, password change,
//! suspension, refresh-token reuse), and while the password must be changed (AUTH-2)
//! refuses everything with 403 `password_change_required` unless the route is one of the
//! two that allow it ([`authenticate_allowing_password_change`]). A session whose role
//! requires a second factor not yet set up is refused the same way with 403
//! `second_factor_enrolment_required`, but on the routes that set one up
//! ([`authenticate_allowing_enrolment`]) and those two.
//!
//! A component using it needs `key_value_stores = ["default"]` and the variable
//! `jwt_signing_key = "{{ jwt_signing_key }}"`.

use zhanye_staff::Principal;

use crate::auth::bearer_token;
use crate::kv::Cache;
use crate::problem::ApiError;
use crate::session::{self, ACCESS_TTL_SECONDS, AccessClaims, MIN_KEY_BYTES, TokenError};
use crate::time::now_unix;

/// The signed-in session a request comes from: who is asking, and what the access
/// token says of the session itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who is asking: 人员代码, roles and org-unit path.
    pub principal: Principal,
    pub session_id: String,
    /// The id of the principal's org unit (its path is on the principal).
    pub unit_id: i64,
    pub must_change_password: bool,
    /// The role requires a second factor that is not set up yet.
    pub must_enrol_second_factor: bool,
}

impl Session {
    pub fn from_claims(claims: AccessClaims) -> Session {
        Session {
            principal: Principal {
                code: claims.sub,
                roles: claims.roles,
                unit_path: claims.upath,
            },
            session_id: claims.sid,
            unit_id: claims.unit,
            must_change_password: claims.mcp,
            must_enrol_second_factor: claims.sfe,
        }
    }
}

/// The key-value key that marks a session revoked.
pub fn revoked_key(session_id: &str) -> String {
    format!("session-revoked:{session_id}")
}

/// Marks sessions revoked for as long as any access token of theirs can live.
pub async fn mark_revoked(cache: &Cache, session_ids: &[String], now: i64) -> Result<(), ApiError> {
    for id in session_ids {
        cache
            .set(&revoked_key(id), b"1", now + ACCESS_TTL_SECONDS + 60)
            .await?;
    }
    Ok(())
}

/// A secret key from a Spin variable, refused (500, logged) when shorter than
/// [`MIN_KEY_BYTES`].
async fn key_variable(name: &str) -> Result<Vec<u8>, ApiError> {
    let key = crate::spin::variable(name).await?;
    if key.len() < MIN_KEY_BYTES {
        return Err(ApiError::internal(format!(
            "{name} must be at least {MIN_KEY_BYTES} bytes"
        )));
    }
    Ok(key.into_bytes())
}

/// The HS256 signing key from the secret variable `jwt_signing_key`.
pub async fn signing_key() -> Result<Vec<u8>, ApiError> {
    key_variable("jwt_signing_key").await
}

/// The key of ID-number verifiers from the secret variable `pii_key`.
pub async fn pii_key() -> Result<Vec<u8>, ApiError> {
    key_variable("pii_key").await
}

/// The session of a request; 401 without a valid token, 403 `password_change_required`
/// while the password must be changed, 403 `second_factor_enrolment_required` while a
/// second factor the role requires is not set up.
pub async fn authenticate<B>(request: &http::Request<B>) -> Result<Session, ApiError> {
    let session = authenticate_allowing_enrolment(request).await?;
    if session.must_enrol_second_factor {
        return Err(ApiError::second_factor_enrolment_required());
    }
    Ok(session)
}

/// The session of a route that sets up a second factor (or tells whether one is
/// needed): open while the role requires one not yet set up, closed while the password
/// must be changed.
pub async fn authenticate_allowing_enrolment<B>(
    request: &http::Request<B>,
) -> Result<Session, ApiError> {
    let session = authenticate_allowing_password_change(request).await?;
    if session.must_change_password {
        return Err(ApiError::password_change_required());
    }
    Ok(session)
}

/// The session of a route that stays open while the password must be changed or a
/// second factor set up (change password, sign out).
pub async fn authenticate_allowing_password_change<B>(
    request: &http::Request<B>,
) -> Result<Session, ApiError> {
    let token = bearer_token(request.headers()).ok_or_else(ApiError::unauthorized)?;
    let key = signing_key().await?;
    let now = now_unix();
    let claims = session::verify(token, &key, now).map_err(|error| match error {
        TokenError::Expired => ApiError::unauthorized().with_cause("access token expired"),
        TokenError::Invalid(why) => ApiError::unauthorized().with_cause(why),
    })?;
    let cache = Cache::open_default().await?;
    if cache.get(&revoked_key(&claims.sid), now).await?.is_some() {
        return Err(ApiError::unauthorized().with_cause("session revoked"));
    }
    Ok(Session::from_claims(claims))
}

/// The client's IP address as the host reports it (`spin-client-addr`, without the
/// port); `unknown` when absent.
pub fn client_ip(headers: &http::HeaderMap) -> String {
    let Some(addr) = headers
        .get("spin-client-addr")
        .and_then(|v| v.to_str().ok())
    else {
        return "unknown".into();
    };
    match addr.parse::<std::net::SocketAddr>() {
        Ok(socket) => socket.ip().to_string(),
        Err(_) => addr.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_from_its_claims() {
        let roles = zhanye_staff::Roles::from_stored("lead,rep");
        let claims = AccessClaims::new("A0001", "s1", roles, 8, "/1/2/4/8/", true, 0);
        let session = Session::from_claims(claims);
        assert_eq!(session.principal.code, "A0001");
        assert_eq!(session.principal.unit_path, "/1/2/4/8/");
        assert!(session.principal.reads_unit("/1/2/4/8/"));
        assert_eq!((session.session_id.as_str(), session.unit_id), ("s1", 8));
        assert!(session.must_change_password);
        assert!(!session.must_enrol_second_factor);
    }

    #[test]
    fn client_ips() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(client_ip(&headers), "unknown");
        headers.insert("spin-client-addr", "10.1.2.3:5555".parse().unwrap());
        assert_eq!(client_ip(&headers), "10.1.2.3");
        headers.insert("spin-client-addr", "[::1]:80".parse().unwrap());
        assert_eq!(client_ip(&headers), "::1");
    }
}
