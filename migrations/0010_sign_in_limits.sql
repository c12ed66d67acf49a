-- 0010 sign-in limits: the per-minute sign-in limits (per client address, per staff
-- code as typed) counted in one SQL statement each, so a burst of concurrent sign-ins
-- is counted exactly; the key-value store has no atomic increment.

-- scope: what is limited, e.g. `ip:203.0.113.7` or `code:A0001`; one row per scope,
-- its current fixed window and the hits in it.
CREATE TABLE sign_in_limits (
    scope        TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);
