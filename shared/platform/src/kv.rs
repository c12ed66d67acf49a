//! The one key-value helper: `spin:key-value` as a cache of short-lived state with
//! explicit expiry (token revocations, rate-limit windows). Spin's key-value API has
//! no expiry of its own, so each value carries its expiry time in front of it and a
//! read past that time deletes it and answers nothing.

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

/// A fixed-window counter as stored: the window's start and the hits in it.
pub fn next_window_count(stored: Option<(i64, u64)>, now: i64, window: i64) -> (i64, u64) {
    match stored {
        Some((start, hits)) if now >= start && now < start + window => (start, hits + 1),
        _ => (now, 1),
    }
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

    /// Counts one hit against a fixed window of `window` seconds under `key` and
    /// answers the hits in the current window and the seconds until it ends. Counting
    /// is best-effort under concurrency (the key-value API has no atomic increment);
    /// limits that must be exact are kept in SQL.
    pub async fn hit(&self, key: &str, window: i64, now: i64) -> Result<(u64, u64), ApiError> {
        let stored = self.get(key, now).await?.and_then(|value| {
            let bytes: [u8; 16] = value.as_slice().try_into().ok()?;
            let start = i64::from_be_bytes(bytes[..8].try_into().ok()?);
            let hits = u64::from_be_bytes(bytes[8..].try_into().ok()?);
            Some((start, hits))
        });
        let (start, hits) = next_window_count(stored, now, window);
        let mut value = start.to_be_bytes().to_vec();
        value.extend_from_slice(&hits.to_be_bytes());
        self.set(key, &value, start + window).await?;
        Ok((
            hits,
            u64::try_from(start + window - now).unwrap_or(1).max(1),
        ))
    }

    /// 429 once `key` has seen more than `limit` hits in the current window.
    pub async fn limit(
        &self,
        key: &str,
        limit: u64,
        window: i64,
        now: i64,
    ) -> Result<(), ApiError> {
        let (hits, retry_after) = self.hit(key, window, now).await?;
        if hits > limit {
            return Err(ApiError::rate_limited(Some(retry_after)));
        }
        Ok(())
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

    #[test]
    fn windows() {
        assert_eq!(next_window_count(None, 100, 60), (100, 1));
        assert_eq!(next_window_count(Some((100, 1)), 159, 60), (100, 2));
        assert_eq!(next_window_count(Some((100, 9)), 160, 60), (160, 1));
        // A clock that went backwards starts a new window rather than trusting it.
        assert_eq!(next_window_count(Some((100, 9)), 99, 60), (99, 1));
    }
}
