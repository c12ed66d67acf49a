-- 0001 foundation: application metadata and the audit log.
-- Applied once and recorded in schema_migrations; never edit an applied migration,
-- add a new numbered file instead.

-- Key/value facts about the installation itself (name, flags set by scripts).
CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO app_meta (key, value) VALUES ('app', 'zhanye');

-- Every write that changes business or operator state leaves one row here.
-- at:     RFC 3339 UTC timestamp ("2025-01-31T08:00:00Z")
-- actor:  who did it (a staff code, 'admin-api', 'system', a partner name)
-- action: a stable dotted verb ("migration.apply", "customer.follow")
-- target: what it was done to (an id or key), when there is one
-- detail: free text or a JSON document with the specifics
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);

CREATE INDEX audit_log_actor_at ON audit_log (actor, at);
