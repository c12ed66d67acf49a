//! 两步验证 (TOTP second factor, migration 0012) as stored: a staff member's sealed
//! secret and its state, and the short-lived challenges a sign-in with the right
//! password answers before the code is asked for. The rules are in [`crate::totp`];
//! the secret is sealed with [`crate::sealed`] under `pii_key`.
//!
//! Every check of a code that is not a plain read runs inside a [`Db::transaction`], so
//! the replay guard (`last_step`) and a challenge's attempts stay exact when two
//! requests race.

use zhanye_platform::session::digest;
use zhanye_platform::{ApiError, Db, Row, params, random};

use crate::{sealed, totp};

/// What [`sealed`] seals a TOTP secret for.
pub const SEALED_PURPOSE: &str = "totp_secret";
/// Seconds a sign-in challenge stays usable.
pub const CHALLENGE_TTL_SECONDS: i64 = 300;
/// Wrong codes one challenge takes before it is burnt (the sign-in lock-out counts
/// them as well).
pub const CHALLENGE_ATTEMPTS: i64 = 5;

/// Where a staff member's second factor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Started: a secret handed out, not yet confirmed with a code.
    Pending,
    /// Confirmed: sign-in asks for a code.
    Enabled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Enabled => "enabled",
        }
    }

    fn parse(text: &str) -> Result<State, ApiError> {
        match text {
            "pending" => Ok(State::Pending),
            "enabled" => Ok(State::Enabled),
            other => Err(ApiError::internal(format!("second factor state {other:?}"))),
        }
    }
}

/// A staff member's second factor as stored.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub staff_code: String,
    pub state: State,
    secret_sealed: String,
    /// The last step whose code was accepted: no code of it or before it passes again.
    pub last_step: Option<i64>,
    pub started_at: i64,
    pub enabled_at: Option<i64>,
}

impl Enrolment {
    fn from_row(row: &Row) -> Result<Enrolment, ApiError> {
        Ok(Enrolment {
            staff_code: row.get("staff_code")?,
            state: State::parse(&row.get::<String>("state")?)?,
            secret_sealed: row.get("secret_sealed")?,
            last_step: row.get("last_step")?,
            started_at: row.get("started_at")?,
            enabled_at: row.get("enabled_at")?,
        })
    }

    /// The plain secret.
    pub fn secret(&self, pii_key: &[u8]) -> Result<Vec<u8>, ApiError> {
        sealed::open(
            pii_key,
            SEALED_PURPOSE,
            &self.staff_code,
            &self.secret_sealed,
        )
    }
}

/// Parameter `?1` staff code: the member's second factor (primary key).
pub const SELECT_ENROLMENT: &str =
    "SELECT staff_code, state, secret_sealed, last_step, started_at, enabled_at
   FROM second_factors WHERE staff_code = ?1";

/// The second factor of `staff_code`, if one was started.
pub async fn find(db: &Db, staff_code: &str) -> Result<Option<Enrolment>, ApiError> {
    match db.query_row(SELECT_ENROLMENT, params![staff_code]).await? {
        Some(row) => Enrolment::from_row(&row).map(Some),
        None => Ok(None),
    }
}

/// A new secret handed out to be confirmed.
#[derive(Debug, Clone)]
pub struct NewSecret {
    pub secret: Vec<u8>,
}

/// Starts (or starts over) setting up a second factor: a fresh random secret, sealed,
/// stored as pending. Answers `None` when one is already enabled (it must be turned off
/// first, with a code). Run it in a transaction.
pub async fn begin(
    db: &Db,
    pii_key: &[u8],
    staff_code: &str,
    now: i64,
) -> Result<Option<NewSecret>, ApiError> {
    let secret = random::bytes::<{ totp::SECRET_BYTES }>()?.to_vec();
    let sealed = sealed::seal(pii_key, SEALED_PURPOSE, staff_code, &secret)?;
    let changed = db
        .execute(
            "INSERT INTO second_factors (staff_code, state, secret_sealed, last_step, started_at, enabled_at)
             VALUES (?1, 'pending', ?2, NULL, ?3, NULL)
             ON CONFLICT (staff_code) DO UPDATE SET secret_sealed = excluded.secret_sealed,
                 last_step = NULL, started_at = excluded.started_at
               WHERE second_factors.state = 'pending'",
            params![staff_code, sealed.as_str(), now],
        )
        .await?;
    Ok((changed > 0).then_some(NewSecret { secret }))
}

/// Checks `code` against `enrolment` at `now` and, when it passes, records its step as
/// the last one accepted, in one statement that only moves forward: a code that was
/// already used (here or by a concurrent request) is refused. Run it in a transaction.
pub async fn accept_code(
    db: &Db,
    pii_key: &[u8],
    enrolment: &Enrolment,
    code: &str,
    now: i64,
) -> Result<bool, ApiError> {
    if !totp::is_code_shaped(code) {
        return Ok(false);
    }
    let secret = enrolment.secret(pii_key)?;
    let Some(step) = totp::accepted_step(&secret, code, now, enrolment.last_step) else {
        return Ok(false);
    };
    let moved = db
        .execute(
            "UPDATE second_factors SET last_step = ?2
              WHERE staff_code = ?1 AND (last_step IS NULL OR last_step < ?2)",
            params![enrolment.staff_code.as_str(), step],
        )
        .await?;
    Ok(moved > 0)
}

/// Turns a pending second factor on (after [`accept_code`] passed).
pub async fn enable(db: &Db, staff_code: &str, now: i64) -> Result<bool, ApiError> {
    let changed = db
        .execute(
            "UPDATE second_factors SET state = 'enabled', enabled_at = ?2
              WHERE staff_code = ?1 AND state = 'pending'",
            params![staff_code, now],
        )
        .await?;
    Ok(changed > 0)
}

/// Parameter `?1` staff code: the challenges waiting for a member's code
/// (`second_factor_challenges_staff`).
pub const DELETE_CHALLENGES_OF: &str = "DELETE FROM second_factor_challenges WHERE staff_code = ?1";

/// Parameter `?1` now: the challenges past their time (`second_factor_challenges_expiry`).
pub const DELETE_EXPIRED_CHALLENGES: &str =
    "DELETE FROM second_factor_challenges WHERE expires_at <= ?1";

/// Removes a staff member's second factor, whatever its state, and any sign-in
/// challenge waiting for it.
pub async fn remove(db: &Db, staff_code: &str) -> Result<(), ApiError> {
    db.execute(DELETE_CHALLENGES_OF, params![staff_code])
        .await?;
    db.execute(
        "DELETE FROM second_factors WHERE staff_code = ?1",
        params![staff_code],
    )
    .await?;
    Ok(())
}

/// A sign-in waiting for its code: who, through which channel, and how many wrong codes
/// it has taken.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub staff_code: String,
    pub channel: String,
    pub attempts: i64,
}

/// Issues a single-use challenge for a sign-in whose password was right; only its
/// digest is stored. Challenges past their time are cleared on the way. Run it in a
/// transaction.
pub async fn open_challenge(
    db: &Db,
    staff_code: &str,
    channel: &str,
    now: i64,
) -> Result<String, ApiError> {
    db.execute(DELETE_EXPIRED_CHALLENGES, params![now]).await?;
    let token = random::token()?;
    db.execute(
        "INSERT INTO second_factor_challenges (token_hash, staff_code, channel, attempts, expires_at)
         VALUES (?1, ?2, ?3, 0, ?4)",
        params![digest(&token), staff_code, channel, now + CHALLENGE_TTL_SECONDS],
    )
    .await?;
    Ok(token)
}

/// Parameter `?1` token digest, `?2` now: a challenge still usable (primary key).
pub const SELECT_CHALLENGE: &str =
    "SELECT staff_code, channel, attempts FROM second_factor_challenges
  WHERE token_hash = ?1 AND expires_at > ?2";

/// The challenge of `token`, unless unknown, spent or expired.
pub async fn challenge(db: &Db, token: &str, now: i64) -> Result<Option<Challenge>, ApiError> {
    let Some(row) = db
        .query_row(SELECT_CHALLENGE, params![digest(token), now])
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Challenge {
        staff_code: row.get("staff_code")?,
        channel: row.get("channel")?,
        attempts: row.get("attempts")?,
    }))
}

/// Counts a wrong code against a challenge; the last allowed one burns it.
pub async fn count_wrong_code(db: &Db, token: &str) -> Result<(), ApiError> {
    let token_hash = digest(token);
    db.execute(
        "UPDATE second_factor_challenges SET attempts = attempts + 1 WHERE token_hash = ?1",
        params![token_hash.as_str()],
    )
    .await?;
    db.execute(
        "DELETE FROM second_factor_challenges WHERE token_hash = ?1 AND attempts >= ?2",
        params![token_hash.as_str(), CHALLENGE_ATTEMPTS],
    )
    .await?;
    Ok(())
}

/// Spends a challenge; answers whether it was still there (a second use finds none).
pub async fn spend_challenge(db: &Db, token: &str) -> Result<bool, ApiError> {
    let removed = db
        .execute(
            "DELETE FROM second_factor_challenges WHERE token_hash = ?1",
            params![digest(token)],
        )
        .await?;
    Ok(removed > 0)
}
