-- 0002 accounts: the org tree, staff, credentials, sessions, password resets, the SMS
-- outbox and daily check-ins (ORG-1..3, AUTH-1..8, CHECKIN-1..3).
-- Times that drive rules (expiry, lock-out) are Unix seconds; times shown to people
-- are RFC 3339 UTC text; business days are China-time dates (YYYY-MM-DD).

-- ORG-1 组织架构: HQ (总部) → region (地区) → branch (营业部) → team (团队).
-- path: the ids from the root down, '/1/2/4/8/'; a subtree is a range of paths.
CREATE TABLE org_units (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES org_units (id),
    kind      TEXT NOT NULL CHECK (kind IN ('hq', 'region', 'branch', 'team')),
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    path      TEXT NOT NULL UNIQUE
);

CREATE INDEX org_units_parent ON org_units (parent_id);

-- ORG-2 人员: one row per staff member.
-- roles:     comma-separated ORG-3 roles ('rep', 'lead,rep', 'branch_manager').
-- unit_path: copy of org_units.path of unit_id, so data-scope filters are one range scan.
-- id_number_verifier: argon2id hash of the ID-card number; it is checked, never read back.
CREATE TABLE staff (
    code               TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('broker', 'employee')),
    unit_id            INTEGER NOT NULL REFERENCES org_units (id),
    unit_path          TEXT NOT NULL,
    position           TEXT NOT NULL DEFAULT '',
    roles              TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'suspended', 'left')),
    gender             TEXT CHECK (gender IN ('male', 'female')),
    birth_date         TEXT NOT NULL,
    mobile             TEXT NOT NULL,
    email              TEXT,
    id_number_verifier TEXT NOT NULL,
    id_number_masked   TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE INDEX staff_unit_path ON staff (unit_path, code);

-- AUTH-2/3 密码: the current argon2id hash and the two before it (AUTH-3 "not one of
-- the last 3"); must_change is set by initial and reset passwords.
CREATE TABLE credentials (
    staff_code      TEXT PRIMARY KEY REFERENCES staff (code),
    password_hash   TEXT NOT NULL,
    previous_hashes TEXT NOT NULL DEFAULT '[]',
    must_change     INTEGER NOT NULL DEFAULT 1,
    changed_at      TEXT NOT NULL
);

-- AUTH-6 lock-out, kept per staff code as typed (normalised) whether or not such a
-- staff member exists, so unknown codes fail and lock exactly like real ones.
CREATE TABLE sign_in_guard (
    code         TEXT PRIMARY KEY,
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
);

-- AUTH-7 sessions: one per sign-in; its refresh tokens rotate inside it, and reusing a
-- spent one revokes the whole session (the token family).
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    staff_code    TEXT NOT NULL REFERENCES staff (code),
    channel       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT
);

CREATE INDEX sessions_staff_active ON sessions (staff_code) WHERE revoked_at IS NULL;

-- token_hash: SHA-256 (hex) of the refresh token; the token itself is never stored.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- AUTH-4 短信验证码, per staff code as typed (like sign_in_guard, so send limits look the
-- same for unknown codes). otp_hash is NULL when no usable code is outstanding.
CREATE TABLE password_resets (
    code         TEXT PRIMARY KEY,
    otp_hash     TEXT,
    expires_at   INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_sent_at INTEGER NOT NULL,
    send_day     TEXT NOT NULL,
    sends_on_day INTEGER NOT NULL
);

-- AUTH-5 申请重置密码: requests the branch collects for a manual reset.
CREATE TABLE manual_reset_requests (
    id           INTEGER PRIMARY KEY,
    staff_code   TEXT NOT NULL REFERENCES staff (code),
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    resolved_by  TEXT,
    resolved_at  TEXT
);

CREATE UNIQUE INDEX manual_reset_one_pending ON manual_reset_requests (staff_code) WHERE status = 'pending';
CREATE INDEX manual_reset_pending ON manual_reset_requests (status, requested_at);

-- Messages handed to the SMS gateway partner. The text is not kept (it carries codes).
CREATE TABLE sms_outbox (
    id            INTEGER PRIMARY KEY,
    staff_code    TEXT NOT NULL,
    mobile_masked TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error         TEXT,
    created_at    TEXT NOT NULL
);

CREATE INDEX sms_outbox_staff ON sms_outbox (staff_code, created_at);

-- What the local SMS gateway sink (the demo stand-in for the partner) has received.
CREATE TABLE sms_sink_messages (
    id          INTEGER PRIMARY KEY,
    recipient   TEXT NOT NULL,
    text        TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE INDEX sms_sink_recipient ON sms_sink_messages (recipient, id);

-- CHECKIN-1/2 每日签到: at most one per staff member and China-time day.
CREATE TABLE checkins (
    staff_code    TEXT NOT NULL REFERENCES staff (code),
    day           TEXT NOT NULL,
    checked_in_at TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('mobile', 'desktop')),
    source        TEXT NOT NULL CHECK (source IN ('sign_in', 'explicit')),
    lat           REAL,
    lng           REAL,
    address       TEXT,
    PRIMARY KEY (staff_code, day)
) WITHOUT ROWID;

CREATE INDEX checkins_day ON checkins (day, staff_code);
