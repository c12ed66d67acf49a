-- Marks the database as holding demo data (PostgreSQL has no INSERT OR REPLACE).
INSERT INTO app_meta (key, value) VALUES ('demo', 'loaded')
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
