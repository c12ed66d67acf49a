//! Secrets drawn from the host's random source (`wasi:random` inside a component).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::problem::ApiError;

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer)
        .map_err(|e| ApiError::internal(format!("no random source: {e}")))?;
    Ok(buffer)
}

/// An unguessable token: 32 random bytes, base64url without padding (43 characters).
pub fn token() -> Result<String, ApiError> {
    Ok(URL_SAFE_NO_PAD.encode(bytes::<32>()?))
}

/// A random identifier: 16 random bytes as 32 lower-case hex digits.
pub fn id() -> Result<String, ApiError> {
    Ok(hex(&bytes::<16>()?))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_url_safe() {
        let (a, b) = (token().unwrap(), token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        let id = id().unwrap();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
