-- The demo staff's initial passwords count their lifetime (`initial_password_ttl_hours`)
-- from when the demo data is loaded, not from the fixed date 0002 gave them, so a fresh
-- demo signs in with the birth dates of the README's table.
UPDATE credentials SET changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
 WHERE must_change = 1 AND changed_at = '2026-01-01T00:00:00Z';
