-- A month of activity for the month-end assessment bench, on an app loaded with
-- `zhanye generate --staff 10000 --customers 3000000 --only org-units,staff,customers`:
-- the month before the current one (China time), for every assessed staff member
-- (normal status, with the rep role):
--   * the HOME-1 month figures (staff_month_stats), varied per member;
--   * a check-in on nine in ten working days;
--   * 9 tasks done and 1 cancelled;
--   * a contact record for one customer in ten (about 30 per member), one in a thousand
--     of them a complaint, half of those followed up the next day.
-- Rows from an earlier seed of the same month are replaced, so it can run again. Run it
-- against the app's database while the app is stopped or idle:
--   sqlite3 STATE_DIR/sqlite_db.db < bench/assessment/seed.sql
-- seed.postgres.sql beside it writes the same rows into a PostgreSQL database: members
-- are numbered by code (not by rowid, which PostgreSQL has not), so both number alike.
PRAGMA busy_timeout = 60000;

CREATE TEMP TABLE bench_month AS
SELECT date('now', '+8 hours', 'start of month', '-1 month') AS first_day,
       date('now', '+8 hours', 'start of month', '-1 day') AS last_day,
       CAST(strftime('%Y%m', 'now', '+8 hours', 'start of month', '-1 month') AS INTEGER) AS stored;

CREATE TEMP TABLE bench_staff AS
SELECT ROW_NUMBER() OVER (ORDER BY code) AS n, code, unit_path FROM staff
WHERE status = 'normal' AND (',' || roles || ',') LIKE '%,rep,%';

BEGIN;

DELETE FROM checkins
WHERE day BETWEEN (SELECT first_day FROM bench_month) AND (SELECT last_day FROM bench_month);
DELETE FROM contact_records WHERE topic = '考核基准测试';
DELETE FROM task_coworkers WHERE task_id IN (SELECT id FROM tasks WHERE content = '考核基准测试');
DELETE FROM tasks WHERE content = '考核基准测试';

-- Month figures in fen: assets 2–12 million yuan, commission 5,000–45,000 yuan (a loss
-- for one member in fifty), volume 1–5 million yuan.
INSERT OR REPLACE INTO staff_month_stats (staff_code, month, stock_count, stock_assets,
    stock_daily_average, stock_net_profit, stock_volume, stock_effective_count, new_count,
    new_assets, new_net_profit, new_volume, new_effective_count, new_effective_assets,
    new_effective_daily_average, new_effective_net_profit, new_effective_volume, lost_count,
    lost_assets)
SELECT s.code, m.stored, 250 + s.n % 100,
       200000000000 + (s.n * 7919 % 1000) * 1000000000,
       190000000000 + (s.n * 7919 % 1000) * 1000000000,
       CASE WHEN s.n % 50 = 0 THEN -(s.n % 1000) * 100 ELSE 400000 + (s.n * 104729 % 3000000) END,
       80000000 + (s.n * 15485863 % 320000000),
       200 + s.n % 80, 20 + s.n % 30,
       5000000000 + (s.n * 31 % 100) * 100000000,
       100000 + (s.n * 3571 % 1000000),
       20000000 + (s.n * 9973 % 80000000),
       s.n % 6, 100000000 * (s.n % 6), 90000000 * (s.n % 6), 10000 * (s.n % 6),
       1000000 * (s.n % 6), s.n % 4, 50000000 * (s.n % 4)
FROM bench_staff AS s, bench_month AS m;

WITH RECURSIVE d(day) AS (
    SELECT first_day FROM bench_month
    UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < (SELECT last_day FROM bench_month)
)
INSERT INTO checkins (staff_code, day, checked_in_at, channel, source)
SELECT s.code, d.day, d.day || 'T00:' || printf('%02d', s.n % 60) || ':00Z', 'mobile', 'sign_in'
FROM bench_staff AS s, d
WHERE strftime('%w', d.day) NOT IN ('0', '6')
  AND (s.n + CAST(strftime('%d', d.day) AS INTEGER)) % 10 <> 0;

WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 9),
rows AS (
    SELECT s.code, s.unit_path, k.i,
           date(m.first_day, printf('+%d days', 1 + k.i * 2 + s.n % 2)) || 'T02:00:00Z' AS at
    FROM bench_staff AS s, k, bench_month AS m
)
INSERT INTO tasks (customer_id, account_no, customer_name, planned_address, planned_at,
    responsible_code, unit_path, content, created_by, status, actual_address, actual_at,
    execution_content, done_at, cancelled_at, cancelled_by, cancel_reason, closed_at,
    created_at, updated_at)
SELECT NULL, NULL, '客户' || i, '上海市黄浦区四川南路' || i || '号', at, code, unit_path,
       '考核基准测试', code, CASE WHEN i = 9 THEN 'cancelled' ELSE 'done' END,
       CASE WHEN i < 9 THEN '上海市合肥路' END, CASE WHEN i < 9 THEN at END,
       CASE WHEN i < 9 THEN '上门拜访' END, CASE WHEN i < 9 THEN at END,
       CASE WHEN i = 9 THEN at END, CASE WHEN i = 9 THEN code END,
       CASE WHEN i = 9 THEN '客户改期' END, at, at, at
FROM rows;

INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind,
    topic, satisfaction, remarks, created_at)
SELECT c.id, c.owner_code, date(m.first_day, printf('+%d days', c.id % 28)) || 'T03:00:00Z',
       m.stored, 'active', CASE WHEN c.id % 10000 = 0 THEN 'complaint' ELSE 'general' END,
       '考核基准测试', 4, '', date(m.first_day, printf('+%d days', c.id % 28)) || 'T03:00:00Z'
FROM customers AS c, bench_month AS m
WHERE c.id % 10 = 0 AND c.owner_code IN (SELECT code FROM bench_staff) AND c.deleted_at IS NULL;

-- Half of the complaints answered the next day.
INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind,
    topic, satisfaction, remarks, created_at)
SELECT r.customer_id, r.staff_code, strftime('%Y-%m-%dT%H:%M:%SZ', r.contacted_at, '+1 day'),
       r.month, 'active', 'general', '考核基准测试', 4, '',
       strftime('%Y-%m-%dT%H:%M:%SZ', r.contacted_at, '+1 day')
FROM contact_records AS r
WHERE r.topic = '考核基准测试' AND r.kind = 'complaint' AND r.customer_id % 20000 = 0;

COMMIT;

SELECT (SELECT stored FROM bench_month) AS month,
       (SELECT COUNT(*) FROM bench_staff) AS staff,
       (SELECT COUNT(*) FROM customers) AS customers,
       (SELECT COUNT(*) FROM checkins
         WHERE day BETWEEN (SELECT first_day FROM bench_month) AND (SELECT last_day FROM bench_month)) AS checkins,
       (SELECT COUNT(*) FROM tasks WHERE content = '考核基准测试') AS tasks,
       (SELECT COUNT(*) FROM contact_records WHERE topic = '考核基准测试') AS contacts;
