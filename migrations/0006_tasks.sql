-- 0006 tasks: marketing tasks (营销任务, TASK-1..5) and their co-workers (协同人员).
-- A task is set up (工作设置) as a plan, executed (工作执行) once by its responsible
-- staff member, or cancelled; done and cancelled are final and the plan never changes.
-- Times are RFC 3339 UTC text ("2026-03-10T07:30:00Z"), so text order is time order.

-- customer_id / account_no: the existing customer (资金账号) when one was named; NULL for
--   a prospect or company known only by customer_name (客户/公司名称).
-- responsible_code: 负责营销人员. unit_path: the responsible's org-unit path when the
--   task was set up, so a lead's team or a manager's branch is one index range.
-- closed_at: done_at or cancelled_at, whichever ended the task: the history (历史任务)
--   is ordered and searched by it.
CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER REFERENCES customers (id),
    account_no        TEXT,
    customer_name     TEXT NOT NULL,
    planned_address   TEXT NOT NULL,
    planned_at        TEXT NOT NULL,
    responsible_code  TEXT NOT NULL REFERENCES staff (code),
    unit_path         TEXT NOT NULL,
    content           TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES staff (code),
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    actual_address    TEXT,
    actual_at         TEXT,
    execution_content TEXT,
    done_at           TEXT,
    cancelled_at      TEXT,
    cancelled_by      TEXT REFERENCES staff (code),
    cancel_reason     TEXT,
    closed_at         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((status = 'open') = (closed_at IS NULL))
);

-- TASK-2 待办: the responsible's open tasks by planned time (and the overdue ones, a
-- prefix of that range).
CREATE INDEX tasks_responsible_open ON tasks (responsible_code, planned_at) WHERE status = 'open';
-- TASK-4 历史任务: the responsible's done and cancelled tasks, newest first, by date.
CREATE INDEX tasks_responsible_closed ON tasks (responsible_code, closed_at, status) WHERE closed_at IS NOT NULL;
-- TASK-5 活动量: tasks set up for a member in a period.
CREATE INDEX tasks_responsible_created ON tasks (responsible_code, created_at);
-- A lead's or manager's view of the team's or branch's tasks: a unit range (and the
-- count of any subtree's, read from the index alone).
CREATE INDEX tasks_unit_open ON tasks (unit_path, planned_at) WHERE status = 'open';
CREATE INDEX tasks_unit_closed ON tasks (unit_path, closed_at) WHERE closed_at IS NOT NULL;
-- A region's or HQ's view: too many to sort, so a page walks the tasks in time order
-- and keeps those of the subtree (the unit path is in the index, so others are passed
-- over without reading the table).
CREATE INDEX tasks_open_by_time ON tasks (planned_at, unit_path) WHERE status = 'open';
CREATE INDEX tasks_closed_by_time ON tasks (closed_at, unit_path) WHERE closed_at IS NOT NULL;
-- A customer's tasks.
CREATE INDEX tasks_customer ON tasks (customer_id, planned_at) WHERE customer_id IS NOT NULL;

-- TASK-3 协同人员 named when a task is executed. done_at: the task's, copied so a
-- member's co-worked count in a period is one index range.
CREATE TABLE task_coworkers (
    task_id    INTEGER NOT NULL REFERENCES tasks (id),
    staff_code TEXT NOT NULL REFERENCES staff (code),
    done_at    TEXT NOT NULL,
    PRIMARY KEY (task_id, staff_code)
) WITHOUT ROWID;

CREATE INDEX task_coworkers_staff ON task_coworkers (staff_code, done_at);
