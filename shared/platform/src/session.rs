//! AUTH-7 access tokens: short-lived JWTs signed with HS256 under the secret Spin
//! variable `jwt_signing_key`. Verification pins the algorithm (so `alg: none` and
//! algorithm swaps fail), checks issuer and audience, and enforces expiry with no
//! leeway. Refresh tokens are opaque random strings, stored only as [`digest`]s.

use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zhanye_staff::Roles;

use crate::problem::ApiError;
use crate::random::hex;

/// Lifetime of an access token: 15 minutes (AUTH-7).
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
/// Lifetime of one refresh token; each use replaces it.
pub const REFRESH_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// Longest a session lives however often it is refreshed.
pub const SESSION_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// The least key length accepted for HS256.
pub const MIN_KEY_BYTES: usize = 32;

const ISSUER: &str = "zhanye";
const AUDIENCE: &str = "zhanye-api";
const ALGORITHM: Algorithm = Algorithm::HS256;

/// What an access token says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The staff code.
    pub sub: String,
    /// The session (refresh-token family) the token belongs to.
    pub sid: String,
    pub roles: Roles,
    /// The staff member's org unit and its path (ORG-1), for data-scope checks.
    pub unit: i64,
    pub upath: String,
    /// AUTH-2: the password is an initial or reset one.
    pub mcp: bool,
    /// The holder's role requires a second factor (TOTP) they have not set up: the
    /// session may only set one up. Absent (false) in every other token, so their shape
    /// is unchanged.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sfe: bool,
    pub iat: i64,
    pub exp: i64,
}

impl AccessClaims {
    /// Claims for a token issued at `now`.
    pub fn new(
        staff_code: &str,
        session_id: &str,
        roles: Roles,
        unit: i64,
        unit_path: &str,
        must_change_password: bool,
        now: i64,
    ) -> Self {
        AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: staff_code.into(),
            sid: session_id.into(),
            roles,
            unit,
            upath: unit_path.into(),
            mcp: must_change_password,
            sfe: false,
            iat: now,
            exp: now + ACCESS_TTL_SECONDS,
        }
    }

    /// The same claims for a session that must set up a second factor first.
    pub fn with_second_factor_enrolment_required(mut self, required: bool) -> Self {
        self.sfe = required;
        self
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Why a token was refused. Clients only ever see 401 `unauthorized`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid(String),
}

/// Signs claims into a compact JWT.
pub fn sign(claims: &AccessClaims, key: &[u8]) -> Result<String, ApiError> {
    jsonwebtoken::encode(
        &Header::new(ALGORITHM),
        claims,
        &EncodingKey::from_secret(key),
    )
    .map_err(|e| ApiError::internal(format!("signing an access token: {e}")))
}

/// Verifies a compact JWT at `now` and answers its claims.
pub fn verify(token: &str, key: &[u8], now: i64) -> Result<AccessClaims, TokenError> {
    let mut validation = Validation::new(ALGORITHM);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    validation.leeway = 0;
    // Expiry is checked below against the caller's clock, so tests can move it.
    validation.validate_exp = false;
    let data =
        jsonwebtoken::decode::<AccessClaims>(token, &DecodingKey::from_secret(key), &validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?;
    let claims = data.claims;
    if claims.exp <= now {
        return Err(TokenError::Expired);
    }
    if claims.iat > now + 60 || claims.exp - claims.iat > ACCESS_TTL_SECONDS {
        return Err(TokenError::Invalid(
            "issued in the future or too long-lived".into(),
        ));
    }
    Ok(claims)
}

/// SHA-256, hex: how refresh tokens are stored and looked up, and how a webhook body is
/// told from another.
pub fn digest(data: impl AsRef<[u8]>) -> String {
    hex(&Sha256::digest(data.as_ref()))
}

/// HMAC-SHA-256 of `text` under `key`, hex: for short secrets (SMS codes) whose plain
/// hash could be reversed by trying every value.
pub fn keyed_digest(key: &[u8], text: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use zhanye_staff::Role;

    const KEY: &[u8] = b"test-signing-key-of-at-least-32-bytes!!";
    const NOW: i64 = 1_800_000_000;

    fn claims() -> AccessClaims {
        AccessClaims::new(
            "A0001",
            "s1",
            Roles::new([Role::Rep]),
            8,
            "/1/2/4/8/",
            false,
            NOW,
        )
    }

    #[test]
    fn round_trip() {
        let token = sign(&claims(), KEY).unwrap();
        assert_eq!(verify(&token, KEY, NOW + 10), Ok(claims()));
        assert_eq!(claims().exp - claims().iat, 900);
    }

    #[test]
    fn the_enrolment_limit_travels_only_when_set() {
        let plain = sign(&claims(), KEY).unwrap();
        let payload = plain.split('.').nth(1).unwrap();
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert!(!text.contains("sfe"), "{text}");
        let limited = claims().with_second_factor_enrolment_required(true);
        let token = sign(&limited, KEY).unwrap();
        assert!(verify(&token, KEY, NOW).unwrap().sfe);
        assert!(!verify(&plain, KEY, NOW).unwrap().sfe);
    }

    #[test]
    fn expiry_is_enforced_to_the_second() {
        let token = sign(&claims(), KEY).unwrap();
        assert!(verify(&token, KEY, NOW + ACCESS_TTL_SECONDS - 1).is_ok());
        assert_eq!(
            verify(&token, KEY, NOW + ACCESS_TTL_SECONDS),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn forged_tokens_fail() {
        let token = sign(&claims(), KEY).unwrap();
        // Another key.
        assert!(matches!(
            verify(&token, b"another-key-another-key-another-key", NOW),
            Err(TokenError::Invalid(_))
        ));
        // A changed payload under the old signature.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut forged = claims();
        forged.roles = Roles::new([Role::HqAdmin]);
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(verify(&parts.join("."), KEY, NOW).is_err());
        // alg: none with no signature.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            parts[1]
        );
        assert!(verify(&none, KEY, NOW).is_err());
        // HS512 under the same key is still refused: the algorithm is pinned.
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims(),
            &EncodingKey::from_secret(KEY),
        )
        .unwrap();
        assert!(verify(&hs512, KEY, NOW).is_err());
        for junk in ["", "a.b.c", "not a token", "..."] {
            assert!(verify(junk, KEY, NOW).is_err(), "{junk:?}");
        }
    }

    #[test]
    fn long_lived_or_foreign_tokens_fail() {
        let mut long = claims();
        long.exp = NOW + 86_400;
        assert!(verify(&sign(&long, KEY).unwrap(), KEY, NOW).is_err());
        let mut foreign = claims();
        foreign.aud = "another-app".into();
        assert!(verify(&sign(&foreign, KEY).unwrap(), KEY, NOW).is_err());
    }

    #[test]
    fn digests() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(keyed_digest(b"k1", "123456"), keyed_digest(b"k2", "123456"));
        assert_eq!(keyed_digest(b"k1", "123456").len(), 64);
    }
}
