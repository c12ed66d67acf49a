-- Marketing tasks at scale for measuring the `tasks` routes: 100 tasks for every staff
-- member (about 1,000,000 after `zhanye generate --staff 10000`), one every week back
-- from now over two years: the five latest open (two of them overdue), one in ten
-- cancelled, the rest done, and a co-worker from the same team on every third done
-- one. Run it against the app's database while the app is stopped or idle:
--   sqlite3 STATE_DIR/sqlite_db.db < bench/tasks/seed.sql
PRAGMA busy_timeout = 60000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99),
rows AS (
  SELECT s.code, s.unit_path, n.i,
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('%+d hours', (3 - n.i) * 170 + (abs(random()) % 60))) AS planned,
         CASE WHEN n.i < 5 THEN 'open' WHEN n.i % 10 = 7 THEN 'cancelled' ELSE 'done' END AS status
  FROM staff AS s, n
)
INSERT INTO tasks (customer_id, account_no, customer_name, planned_address, planned_at, responsible_code,
                   unit_path, content, created_by, status, actual_address, actual_at, execution_content,
                   done_at, cancelled_at, cancelled_by, cancel_reason, closed_at, created_at, updated_at)
SELECT NULL, NULL, '客户' || (i % 37), '上海市黄浦区四川南路' || i || '号', planned, code,
       unit_path, '客户预约拜访', code, status,
       CASE WHEN status = 'done' THEN '上海市合肥路' END,
       CASE WHEN status = 'done' THEN strftime('%Y-%m-%dT%H:%M:%SZ', planned, '+1 hours') END,
       CASE WHEN status = 'done' THEN '上门拜访' END,
       CASE WHEN status = 'done' THEN strftime('%Y-%m-%dT%H:%M:%SZ', planned, '+2 hours') END,
       CASE WHEN status = 'cancelled' THEN strftime('%Y-%m-%dT%H:%M:%SZ', planned, '-2 hours') END,
       CASE WHEN status = 'cancelled' THEN code END,
       CASE WHEN status = 'cancelled' THEN '客户改期' END,
       CASE WHEN status = 'done' THEN strftime('%Y-%m-%dT%H:%M:%SZ', planned, '+2 hours')
            WHEN status = 'cancelled' THEN strftime('%Y-%m-%dT%H:%M:%SZ', planned, '-2 hours') END,
       strftime('%Y-%m-%dT%H:%M:%SZ', planned, '-48 hours'),
       strftime('%Y-%m-%dT%H:%M:%SZ', planned, '-48 hours')
FROM rows;
INSERT INTO task_coworkers (task_id, staff_code, done_at)
SELECT t.id, (SELECT s2.code FROM staff AS s2 WHERE s2.unit_path = t.unit_path AND s2.code <> t.responsible_code
              ORDER BY s2.code LIMIT 1), t.done_at
FROM tasks AS t WHERE t.status = 'done' AND t.id % 3 = 0
  AND EXISTS (SELECT 1 FROM staff AS s3 WHERE s3.unit_path = t.unit_path AND s3.code <> t.responsible_code);
COMMIT;
SELECT COUNT(*) AS tasks, SUM(status = 'open') AS open, SUM(status = 'done') AS done,
       SUM(status = 'cancelled') AS cancelled FROM tasks;
