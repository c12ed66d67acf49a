-- seed.sql for an app on PostgreSQL (`database_url` set): the same month of activity,
-- the same rows, spelled in PostgreSQL's date functions. See seed.sql for what it
-- writes. Run it while the app is stopped or idle:
--   psql -v ON_ERROR_STOP=1 postgres://postgres@127.0.0.1:5432/DB -f bench/assessment/seed.postgres.sql

-- The month before the current one, China time (UTC+8).
CREATE TEMP TABLE bench_month AS
SELECT first_day, last_day,
       to_char(first_day, 'YYYY-MM-DD') AS first_text,
       to_char(last_day, 'YYYY-MM-DD') AS last_text,
       to_char(first_day, 'YYYYMM')::bigint AS stored
FROM (SELECT first_day, (first_day + interval '1 month' - interval '1 day')::date AS last_day
      FROM (SELECT (date_trunc('month', (now() AT TIME ZONE 'UTC') + interval '8 hours')
                    - interval '1 month')::date AS first_day) AS f) AS m;

CREATE TEMP TABLE bench_staff AS
SELECT ROW_NUMBER() OVER (ORDER BY code) AS n, code, unit_path FROM staff
WHERE status = 'normal' AND (',' || roles || ',') LIKE '%,rep,%';

BEGIN;

DELETE FROM checkins
WHERE day BETWEEN (SELECT first_text FROM bench_month) AND (SELECT last_text FROM bench_month);
DELETE FROM contact_records WHERE topic = '考核基准测试';
DELETE FROM task_coworkers WHERE task_id IN (SELECT id FROM tasks WHERE content = '考核基准测试');
DELETE FROM tasks WHERE content = '考核基准测试';
-- seed.sql's INSERT OR REPLACE: the members' figures of the month go first.
DELETE FROM staff_month_stats
WHERE month = (SELECT stored FROM bench_month) AND staff_code IN (SELECT code FROM bench_staff);

INSERT INTO staff_month_stats (staff_code, month, stock_count, stock_assets,
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

-- Weekdays only (ISO day of week 6 and 7 are the weekend).
INSERT INTO checkins (staff_code, day, checked_in_at, channel, source)
SELECT s.code, to_char(d.day, 'YYYY-MM-DD'),
       to_char(d.day, 'YYYY-MM-DD') || 'T00:' || lpad((s.n % 60)::text, 2, '0') || ':00Z',
       'mobile', 'sign_in'
FROM bench_staff AS s, bench_month AS m,
     generate_series(m.first_day, m.last_day, interval '1 day') AS d(day)
WHERE extract(isodow FROM d.day) < 6
  AND (s.n + extract(day FROM d.day)::bigint) % 10 <> 0;

-- customer_id and account_no are left NULL, as seed.sql writes them.
WITH task_rows AS (
    SELECT s.code, s.unit_path, k.i,
           to_char(m.first_day + (1 + k.i * 2 + s.n % 2)::int, 'YYYY-MM-DD') || 'T02:00:00Z' AS at
    FROM bench_staff AS s, generate_series(0, 9) AS k(i), bench_month AS m
)
INSERT INTO tasks (customer_name, planned_address, planned_at,
    responsible_code, unit_path, content, created_by, status, actual_address, actual_at,
    execution_content, done_at, cancelled_at, cancelled_by, cancel_reason, closed_at,
    created_at, updated_at)
SELECT '客户' || i, '上海市黄浦区四川南路' || i || '号', at, code, unit_path,
       '考核基准测试', code, CASE WHEN i = 9 THEN 'cancelled' ELSE 'done' END,
       CASE WHEN i < 9 THEN '上海市合肥路' END, CASE WHEN i < 9 THEN at END,
       CASE WHEN i < 9 THEN '上门拜访' END, CASE WHEN i < 9 THEN at END,
       CASE WHEN i = 9 THEN at END, CASE WHEN i = 9 THEN code END,
       CASE WHEN i = 9 THEN '客户改期' END, at, at, at
FROM task_rows;

INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind,
    topic, satisfaction, remarks, created_at)
SELECT c.id, c.owner_code,
       to_char(m.first_day + (c.id % 28)::int, 'YYYY-MM-DD') || 'T03:00:00Z',
       m.stored, 'active', CASE WHEN c.id % 10000 = 0 THEN 'complaint' ELSE 'general' END,
       '考核基准测试', 4, '',
       to_char(m.first_day + (c.id % 28)::int, 'YYYY-MM-DD') || 'T03:00:00Z'
FROM customers AS c, bench_month AS m
WHERE c.id % 10 = 0 AND c.owner_code IN (SELECT code FROM bench_staff) AND c.deleted_at IS NULL;

-- Half of the complaints answered the next day.
INSERT INTO contact_records (customer_id, staff_code, contacted_at, month, nature, kind,
    topic, satisfaction, remarks, created_at)
SELECT r.customer_id, r.staff_code,
       to_char(r.contacted_at::timestamp + interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       r.month, 'active', 'general', '考核基准测试', 4, '',
       to_char(r.contacted_at::timestamp + interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM contact_records AS r
WHERE r.topic = '考核基准测试' AND r.kind = 'complaint' AND r.customer_id % 20000 = 0;

COMMIT;

SELECT (SELECT stored FROM bench_month) AS month,
       (SELECT COUNT(*) FROM bench_staff) AS staff,
       (SELECT COUNT(*) FROM customers) AS customers,
       (SELECT COUNT(*) FROM checkins
         WHERE day BETWEEN (SELECT first_text FROM bench_month)
                       AND (SELECT last_text FROM bench_month)) AS checkins,
       (SELECT COUNT(*) FROM tasks WHERE content = '考核基准测试') AS tasks,
       (SELECT COUNT(*) FROM contact_records WHERE topic = '考核基准测试') AS contacts;
