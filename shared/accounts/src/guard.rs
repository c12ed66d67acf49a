//! AUTH-6 lock-out as stored, per staff code as typed ([`StaffCode::attempt_key`]),
//! and the per-minute limits of the calls that need no session (`sign_in_limits`):
//! sign-ins, second-factor codes, password resets and token refreshes.
//!
//! [`StaffCode::attempt_key`]: zhanye_staff::StaffCode::attempt_key

use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::guard::{LOCK_SECONDS, MAX_FAILED_SIGN_INS, lock_remaining};

/// Seconds the code stays locked, if it is locked at `now`.
pub async fn locked_for(db: &Db, key: &str, now: i64) -> Result<Option<u64>, ApiError> {
    let until: Option<Option<i64>> = db
        .query_value(
            "SELECT locked_until FROM sign_in_guard WHERE code = ?1",
            params![key],
        )
        .await?;
    Ok(lock_remaining(until.flatten(), now))
}

/// Counts one failed attempt in one statement, so concurrent failures are each counted
/// exactly once; the fifth locks the code. Attempts while locked are not counted; an
/// expired lock starts the count over. Answers the lock's remaining seconds when this
/// failure locked the code (or it already was).
pub async fn record_failure(db: &Db, key: &str, now: i64) -> Result<Option<u64>, ApiError> {
    let row = db
        .query_row(
            "INSERT INTO sign_in_guard (code, failed_count, locked_until)
             VALUES (?1, 1, CASE WHEN 1 >= CAST(?3 AS BIGINT)
                                 THEN CAST(?2 AS BIGINT) + CAST(?4 AS BIGINT) END)
             ON CONFLICT (code) DO UPDATE SET
                 failed_count = CASE WHEN sign_in_guard.locked_until IS NOT NULL
                                          AND sign_in_guard.locked_until <= ?2 THEN 1
                                     ELSE sign_in_guard.failed_count + 1 END,
                 locked_until = CASE WHEN sign_in_guard.locked_until IS NOT NULL
                                          AND sign_in_guard.locked_until <= ?2 THEN NULL
                                     WHEN sign_in_guard.failed_count + 1 >= ?3 THEN ?2 + ?4
                                     ELSE sign_in_guard.locked_until END
               WHERE sign_in_guard.locked_until IS NULL OR sign_in_guard.locked_until <= ?2
             RETURNING locked_until",
            params![key, now, MAX_FAILED_SIGN_INS, LOCK_SECONDS],
        )
        .await?;
    match row {
        Some(row) => Ok(lock_remaining(row.get("locked_until")?, now)),
        None => locked_for(db, key, now).await,
    }
}

/// Forgets the failures of a code (after a successful sign-in or a new password).
pub async fn clear(db: &Db, key: &str) -> Result<(), ApiError> {
    db.execute("DELETE FROM sign_in_guard WHERE code = ?1", params![key])
        .await
        .map(|_| ())
}

/// 429 (with the seconds until the window ends) once `scope` has seen more than
/// `limit` calls in the current window of `window` seconds; counts this call.
pub async fn limit_call(
    db: &Db,
    scope: &str,
    limit: u64,
    window: i64,
    now: i64,
) -> Result<(), ApiError> {
    let (hits, retry_after) = count_call(db, scope, window, now).await?;
    if hits > limit {
        return Err(ApiError::rate_limited(Some(retry_after)));
    }
    Ok(())
}

/// Counts one call against the fixed window of `window` seconds of `scope` in one
/// statement (a read-then-write would let concurrent calls through uncounted) and
/// answers the hits in the current window with the seconds until it ends. A window
/// that has ended, or one that starts after `now` (a clock gone back), starts over.
pub async fn count_call(
    db: &Db,
    scope: &str,
    window: i64,
    now: i64,
) -> Result<(u64, u64), ApiError> {
    let row = db
        .query_row(
            "INSERT INTO sign_in_limits (scope, window_start, hits) VALUES (?1, ?2, 1)
             ON CONFLICT (scope) DO UPDATE SET
                 hits = CASE WHEN sign_in_limits.window_start <= ?2
                                  AND ?2 < sign_in_limits.window_start + CAST(?3 AS BIGINT)
                             THEN sign_in_limits.hits + 1 ELSE 1 END,
                 window_start = CASE WHEN sign_in_limits.window_start <= ?2
                                          AND ?2 < sign_in_limits.window_start + CAST(?3 AS BIGINT)
                                     THEN sign_in_limits.window_start ELSE ?2 END
             RETURNING window_start, hits",
            params![scope, now, window],
        )
        .await?
        .ok_or_else(|| ApiError::internal("call limit: no row counted"))?;
    let start: i64 = row.get("window_start")?;
    let hits: i64 = row.get("hits")?;
    let retry_after = u64::try_from(start + window - now).unwrap_or(1).max(1);
    Ok((u64::try_from(hits).unwrap_or(u64::MAX), retry_after))
}
