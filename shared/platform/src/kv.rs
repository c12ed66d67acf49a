//! The one key-value helper: `spin:key-value` as a cache of short-lived state with
//! explicit expiry (token revocations). Spin's key-value API has no expiry of its own,
//! so each value carries its expiry time in front of it and a read past that time
//! deletes it and answers nothing. It has no atomic increment either, so counters that
//! must be exact (the rate limits) are kept in SQL.

use spin_sdk::key_value::Store;

use crate::problem::ApiError;

/// The app's key-value store (the component needs `key_value_stores = ["default"]`).
pub struct Cache {
    store: Store,
}

/// Encodes a value stored until `expires_at` (Unix seconds).
pub fn encode_entry(expires_at: i64, value: &[u8]) -> Vec<u8> {
    let mut entry = Vec::with_capacity(8 + value.len());
    entry.extend_from_slice(&expires_at.to_be_bytes());
    entry.extend_from_slice(value);
    entry
}

/// Decodes an entry into its expiry and value; `None` for a malformed one.
pub fn decode_entry(entry: &[u8]) -> Option<(i64, &[u8])> {
    let (expiry, value) = entry.split_at_checked(8)?;
    Some((i64::from_be_bytes(expiry.try_into().ok()?), value))
}

impl Cache {
    pub async fn open_default() -> Result<Cache, ApiError> {
        Store::open_default()
            .map(|store| Cache { store })
            .map_err(|e| kv_error(&e, "opening the default store"))
    }

    /// The value under `key` if it has not expired at `now`.
    pub async fn get(&self, key: &str, now: i64) -> Result<Option<Vec<u8>>, ApiError> {
        let Some(entry) = self.store.get(key).map_err(|e| kv_error(&e, key))? else {
            return Ok(None);
        };
        match decode_entry(&entry) {
            Some((expires_at, value)) if expires_at > now => Ok(Some(value.to_vec())),
            _ => {
                self.delete(key).await?;
                Ok(None)
            }
        }
    }

    /// Stores `value` under `key` until `expires_at`.
    pub async fn set(&self, key: &str, value: &[u8], expires_at: i64) -> Result<(), ApiError> {
        self.store
            .set(key, &encode_entry(expires_at, value))
            .map_err(|e| kv_error(&e, key))
    }

    pub async fn delete(&self, key: &str) -> Result<(), ApiError> {
        self.store.delete(key).map_err(|e| kv_error(&e, key))
    }
}

fn kv_error(error: &spin_sdk::key_value::Error, context: &str) -> ApiError {
    let cause = format!("key-value: {error:?} at `{context}`");
    eprintln!("zhanye: {cause}");
    ApiError::internal(cause).mark_logged()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let entry = encode_entry(1_800_000_000, b"value");
        assert_eq!(decode_entry(&entry), Some((1_800_000_000, &b"value"[..])));
        assert_eq!(decode_entry(&encode_entry(-5, b"")), Some((-5, &b""[..])));
        assert_eq!(decode_entry(b"short"), None);
    }
}
