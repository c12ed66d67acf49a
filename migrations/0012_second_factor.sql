-- 0012 second factor: TOTP (RFC 6238) for leads, branch managers and HQ (两步验证), and
-- the short-lived challenges a sign-in with the right password answers before the code.

-- One per staff member who started setting one up.
-- state:         'pending' until confirmed with a code, then 'enabled'.
-- secret_sealed: the secret sealed under a key derived from `pii_key` (never plain).
-- last_step:     the last 30-second step whose code was accepted; codes of it or
--                before it are refused, so no code is used twice.
CREATE TABLE second_factors (
    staff_code    TEXT PRIMARY KEY REFERENCES staff (code),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'enabled')),
    secret_sealed TEXT NOT NULL,
    last_step     INTEGER,
    started_at    INTEGER NOT NULL,
    enabled_at    INTEGER
);

-- A sign-in waiting for its code: single use, minutes long. token_hash: SHA-256 (hex)
-- of the challenge handed to the client; the challenge itself is never stored.
CREATE TABLE second_factor_challenges (
    token_hash TEXT PRIMARY KEY,
    staff_code TEXT NOT NULL REFERENCES staff (code),
    channel    TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL
);

CREATE INDEX second_factor_challenges_expiry ON second_factor_challenges (expires_at);
CREATE INDEX second_factor_challenges_staff ON second_factor_challenges (staff_code);
