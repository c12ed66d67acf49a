-- 0009 customer list indexes: every CUST-1 list path an index path on PostgreSQL too,
-- whose planner reads the whole table where SQLite would not.

-- Sorted by opening date: customers without one first, then by date, ties by id, and
-- the reverse for the newest first. SQLite sorts NULL first already and keeps the id in
-- every index; PostgreSQL needs both spelt out (its variant says `open_date NULLS FIRST`,
-- which SQLite's CREATE INDEX does not take).
DROP INDEX customers_open_date;
CREATE INDEX customers_open_date ON customers (open_date, id) WHERE deleted_at IS NULL;

-- HQ's list of a grade and level: both in one range, counted without the table.
CREATE INDEX customers_grade_level_live ON customers (grade, level, name, deleted_at)
    WHERE deleted_at IS NULL;

-- Whether a customer found through another table (a tag, a held stock) is live, without
-- the table: a broad tag's count at HQ. Not covering for SQLite (no `deleted_at`), so
-- its count of every customer stays on the narrower `customers_assets`.
CREATE INDEX customers_id_live ON customers (id) WHERE deleted_at IS NULL;
