//! INTEG-2 request signing. A partner sends
//!
//! ```text
//! X-Timestamp: 1764000000                      (Unix seconds)
//! X-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>." + body)>
//! ```
//!
//! over the body exactly as sent (compressed bytes when it is gzip). A timestamp more
//! than 5 minutes from the server's clock, either way, is refused, so a captured request
//! cannot be replayed later; within the window the idempotency key makes a replay
//! harmless.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Allowed clock skew between partner and server, in seconds.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a signed request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No `X-Timestamp`, or not an integer.
    MissingTimestamp,
    /// Outside the window.
    StaleTimestamp,
    /// No `X-Signature`, or not `sha256=<64 hex digits>`.
    MissingSignature,
    /// The signature does not match.
    Mismatch,
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Signature` value for a body (what partners, the generator and tests send).
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Checks a request's timestamp against `now` and its signature against `secret`.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let timestamp = timestamp
        .map(str::trim)
        .ok_or(SignatureError::MissingTimestamp)?;
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::MissingTimestamp)?;
    if (now - sent).abs() > WINDOW_SECONDS {
        return Err(SignatureError::StaleTimestamp);
    }
    let hex = signature
        .map(str::trim)
        .and_then(|s| s.strip_prefix("sha256="))
        .filter(|h| h.len() == 64)
        .ok_or(SignatureError::MissingSignature)?;
    let mut expected = [0u8; 32];
    for (i, byte) in expected.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16)
            .map_err(|_| SignatureError::MissingSignature)?;
    }
    // `verify_slice` compares in constant time.
    mac(secret, timestamp, body)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"demo-trading-secret";
    const NOW: i64 = 1_800_000_000;

    #[test]
    fn signed_requests_verify() {
        let ts = NOW.to_string();
        let signature = sign(SECRET, &ts, b"[1,2]");
        assert!(signature.starts_with("sha256=") && signature.len() == 71);
        assert_eq!(
            verify(SECRET, Some(&ts), Some(&signature), b"[1,2]", NOW),
            Ok(())
        );
        // Within the window either way.
        assert_eq!(
            verify(SECRET, Some(&ts), Some(&signature), b"[1,2]", NOW + 300),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Some(&ts), Some(&signature), b"[1,2]", NOW - 300),
            Ok(())
        );
    }

    #[test]
    fn refusals() {
        let ts = NOW.to_string();
        let good = sign(SECRET, &ts, b"body");
        // (timestamp, signature, secret, body, now, refusal)
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a [u8],
            &'a [u8],
            i64,
            SignatureError,
        );
        let cases: &[Case] = &[
            (
                None,
                Some(&good),
                SECRET,
                b"body",
                NOW,
                SignatureError::MissingTimestamp,
            ),
            (
                Some("soon"),
                Some(&good),
                SECRET,
                b"body",
                NOW,
                SignatureError::MissingTimestamp,
            ),
            (
                Some(&ts),
                Some(&good),
                SECRET,
                b"body",
                NOW + 301,
                SignatureError::StaleTimestamp,
            ),
            (
                Some(&ts),
                Some(&good),
                SECRET,
                b"body",
                NOW - 301,
                SignatureError::StaleTimestamp,
            ),
            (
                Some(&ts),
                None,
                SECRET,
                b"body",
                NOW,
                SignatureError::MissingSignature,
            ),
            (
                Some(&ts),
                Some("md5=abc"),
                SECRET,
                b"body",
                NOW,
                SignatureError::MissingSignature,
            ),
            (
                Some(&ts),
                Some("sha256=zz"),
                SECRET,
                b"body",
                NOW,
                SignatureError::MissingSignature,
            ),
            (
                Some(&ts),
                Some(&good),
                SECRET,
                b"Body",
                NOW,
                SignatureError::Mismatch,
            ),
            (
                Some(&ts),
                Some(&good),
                b"other-secret",
                b"body",
                NOW,
                SignatureError::Mismatch,
            ),
        ];
        for (timestamp, signature, secret, body, now, expected) in cases {
            assert_eq!(
                verify(secret, *timestamp, *signature, body, *now),
                Err(*expected),
                "{timestamp:?} {signature:?} {body:?}"
            );
        }
        // The timestamp is part of what is signed.
        let later = (NOW + 1).to_string();
        assert_eq!(
            verify(SECRET, Some(&later), Some(&good), b"body", NOW),
            Err(SignatureError::Mismatch)
        );
    }
}
