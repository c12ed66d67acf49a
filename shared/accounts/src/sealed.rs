//! Secrets the app must read back (a TOTP secret), sealed at rest: ChaCha20-Poly1305
//! under a key derived from the secret Spin variable `pii_key`, a fresh random nonce
//! per seal, and the owner's staff code as associated data, so a sealed value copied
//! onto another staff member's row does not open. A database dump alone reveals none.
//!
//! Stored form: `v1:` + base64url (no padding) of nonce ‖ ciphertext ‖ tag.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zhanye_platform::{ApiError, random};

const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 12;

/// The sealing key of one purpose: HMAC-SHA-256 of the purpose under `pii_key`, so the
/// ID-number verifiers (HMAC under the same variable) and each sealed kind use unrelated
/// keys.
fn key(pii_key: &[u8], purpose: &str) -> Key {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(pii_key).expect("HMAC takes any key length");
    mac.update(b"zhanye sealed v1:");
    mac.update(purpose.as_bytes());
    Key::clone_from_slice(&mac.finalize().into_bytes())
}

/// Seals `plain` for `owner`.
pub fn seal(pii_key: &[u8], purpose: &str, owner: &str, plain: &[u8]) -> Result<String, ApiError> {
    let nonce_bytes = random::bytes::<NONCE_BYTES>()?;
    seal_with_nonce(pii_key, purpose, owner, plain, nonce_bytes)
}

fn seal_with_nonce(
    pii_key: &[u8],
    purpose: &str,
    owner: &str,
    plain: &[u8],
    nonce_bytes: [u8; NONCE_BYTES],
) -> Result<String, ApiError> {
    let cipher = ChaCha20Poly1305::new(&key(pii_key, purpose));
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce_bytes),
            Payload {
                msg: plain,
                aad: owner.as_bytes(),
            },
        )
        .map_err(|_| ApiError::internal("sealing a secret failed"))?;
    let mut stored = nonce_bytes.to_vec();
    stored.extend_from_slice(&sealed);
    Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(stored)))
}

/// Opens what [`seal`] sealed for `owner`; a 500 (logged) when it does not open: the key
/// changed, or the row was tampered with.
pub fn open(pii_key: &[u8], purpose: &str, owner: &str, stored: &str) -> Result<Vec<u8>, ApiError> {
    let refused = || ApiError::internal(format!("a sealed {purpose} of {owner} does not open"));
    let bytes = stored
        .strip_prefix(VERSION)
        .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
        .filter(|bytes| bytes.len() > NONCE_BYTES)
        .ok_or_else(refused)?;
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    ChaCha20Poly1305::new(&key(pii_key, purpose))
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: owner.as_bytes(),
            },
        )
        .map_err(|_| refused())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-pii-key-of-some-length-0123";

    #[test]
    fn round_trip_and_fresh_nonces() {
        let a = seal(KEY, "totp", "0010002", b"secret bytes").unwrap();
        let b = seal(KEY, "totp", "0010002", b"secret bytes").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("v1:"));
        assert!(!a.contains("secret"));
        assert_eq!(open(KEY, "totp", "0010002", &a).unwrap(), b"secret bytes");
    }

    #[test]
    fn another_owner_key_or_purpose_does_not_open() {
        let sealed = seal_with_nonce(KEY, "totp", "0010002", b"s", [7; 12]).unwrap();
        assert!(open(KEY, "totp", "0010003", &sealed).is_err());
        assert!(
            open(
                b"another-key-another-key-another-k",
                "totp",
                "0010002",
                &sealed
            )
            .is_err()
        );
        assert!(open(KEY, "other", "0010002", &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(open(KEY, "totp", "0010002", &tampered).is_err());
        for junk in ["", "v1:", "v2:AAAA", "v1:!!!!"] {
            assert!(open(KEY, "totp", "0010002", junk).is_err(), "{junk:?}");
        }
    }
}
