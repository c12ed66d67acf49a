-- The demo staff's initial passwords count their lifetime from when the demo data is
-- loaded (PostgreSQL spells "now as RFC 3339 UTC" its own way).
UPDATE credentials SET changed_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
 WHERE must_change = 1 AND changed_at = '2026-01-01T00:00:00Z';
