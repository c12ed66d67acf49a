-- PostgreSQL variant of ../0009_customer_list_indexes.sql: the same indexes, with the
-- NULL order of `customers_open_date` spelt out (PostgreSQL puts NULL last by default;
-- the lists put customers without an opening date first).
DROP INDEX customers_open_date;
CREATE INDEX customers_open_date ON customers (open_date NULLS FIRST, id) WHERE deleted_at IS NULL;

-- HQ's list of a grade and level: both in one range, counted without the table.
CREATE INDEX customers_grade_level_live ON customers (grade, level, name, deleted_at)
    WHERE deleted_at IS NULL;

-- Whether a customer found through another table (a tag, a held stock) is live, without
-- the table: a broad tag's count at HQ. Not covering for SQLite (no `deleted_at`), so
-- its count of every customer stays on the narrower `customers_assets`.
CREATE INDEX customers_id_live ON customers (id) WHERE deleted_at IS NULL;
