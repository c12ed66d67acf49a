//! AUTH-5 messages that must not be lost (`sms_queue`, migration 0013): queued sealed
//! before the answer, claimed by one sender at a time, deleted once sent; what an ended
//! instance or a failed gateway left behind is found by the next sender that looks.

use zhanye_platform::{ApiError, Db, Row, params};

/// The purpose of an entry that is never sent (its request's code and ID number did not
/// match); queued all the same so the request does the same work either way.
pub const WITHHELD: &str = "withheld";

/// An entry left unclaimed this long after it was queued was abandoned by its request
/// (the instance ended before sending); any sender may take it.
pub const ABANDONED_AFTER_SECONDS: i64 = 15;

/// A claimed entry still there this long after its claim was not sent (the gateway
/// failed, or the sender ended); it may be claimed again.
pub const RECLAIM_AFTER_SECONDS: i64 = 60;

/// Takes one entry: ?1 id, ?2 now, ?3 the latest claim that may be taken over.
pub const CLAIM: &str = "UPDATE sms_queue SET claimed_at = ?2
     WHERE id = ?1 AND send_before > ?2 AND (claimed_at IS NULL OR claimed_at <= ?3)
     RETURNING id, owner, purpose, sealed";

/// The entries a sweep tries: ?1 now, ?2 the latest abandoned queue time, ?3 the latest
/// claim that may be taken over, ?4 how many.
pub const SELECT_WAITING: &str = "SELECT id FROM sms_queue
     WHERE queued_at <= ?2 AND send_before > ?1
       AND (claimed_at IS NULL OR claimed_at <= ?3)
     ORDER BY queued_at LIMIT ?4";

/// Drops what expired: ?1 now (every entry expires after it was queued, so the queue
/// time bounds the scan).
pub const DELETE_EXPIRED: &str =
    "DELETE FROM sms_queue WHERE queued_at <= ?1 AND send_before <= ?1";

/// One queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: i64,
    pub owner: String,
    pub purpose: String,
    pub sealed: String,
}

/// Queues a sealed message, to be sent until `send_before`; its id.
pub async fn enqueue(
    db: &Db,
    owner: &str,
    purpose: &str,
    sealed: &str,
    now: i64,
    send_before: i64,
) -> Result<i64, ApiError> {
    let row = db
        .query_row(
            "INSERT INTO sms_queue (owner, purpose, sealed, queued_at, send_before)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![owner, purpose, sealed, now, send_before],
        )
        .await?
        .ok_or_else(|| ApiError::internal("an INSERT … RETURNING id answered no row"))?;
    row.get("id")
}

/// Takes entry `id` for sending, unless another sender holds it (claimed less than
/// [`RECLAIM_AFTER_SECONDS`] ago) or it is gone; one statement, so two senders never
/// both take it.
pub async fn claim(db: &Db, id: i64, now: i64) -> Result<Option<Queued>, ApiError> {
    let row = db
        .query_row(CLAIM, params![id, now, now - RECLAIM_AFTER_SECONDS])
        .await?;
    row.map(|r| queued(&r)).transpose()
}

/// Entries a sweep should try (at most `limit`, oldest first): abandoned before their
/// claim, or claimed long enough ago that their sender failed; still in time.
pub async fn waiting(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>, ApiError> {
    let rows = db
        .query(
            SELECT_WAITING,
            params![
                now,
                now - ABANDONED_AFTER_SECONDS,
                now - RECLAIM_AFTER_SECONDS,
                limit
            ],
        )
        .await?;
    rows.iter().map(|r| r.get("id")).collect()
}

/// Removes a sent (or withheld) entry.
pub async fn remove(db: &Db, id: i64) -> Result<(), ApiError> {
    db.execute("DELETE FROM sms_queue WHERE id = ?1", params![id])
        .await?;
    Ok(())
}

/// Drops the entries whose time is up (their codes have expired); how many.
pub async fn drop_expired(db: &Db, now: i64) -> Result<u64, ApiError> {
    db.execute(DELETE_EXPIRED, params![now]).await
}

fn queued(row: &Row) -> Result<Queued, ApiError> {
    Ok(Queued {
        id: row.get("id")?,
        owner: row.get("owner")?,
        purpose: row.get("purpose")?,
        sealed: row.get("sealed")?,
    })
}
