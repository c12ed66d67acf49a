-- Marks the database as holding demo data.
INSERT OR REPLACE INTO app_meta (key, value) VALUES ('demo', 'loaded');
