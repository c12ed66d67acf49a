-- 0007 approvals: the one approvals engine (审批, TASK-6) — requests, their approver
-- chains and state history — and the prospects (潜在客户, CUST-6) two of its kinds are
-- about. ORG-5 transfer requests move into the engine: the rows of customer_transfers
-- become customer_transfer requests and the table goes.
-- Times shown to people are RFC 3339 UTC text; days are China-time dates.

-- CUST-6 潜在客户. kind: individual / institution. mobile: kept whole, answered masked.
-- owner_code: who records and develops it; unit_path: copy of the owner's unit path, so
-- a lead's or branch manager's data scope (ORG-4) is one index range.
-- status: potential (潜在) → developing (开发, a development task book approved) →
-- confirmed (确认, a new-customer confirmation approved; customer_id links the customer);
-- dropped (放弃).
CREATE TABLE prospects (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'individual' CHECK (kind IN ('individual', 'institution')),
    mobile      TEXT,
    company     TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    remarks     TEXT NOT NULL DEFAULT '',
    owner_code  TEXT NOT NULL REFERENCES staff (code),
    unit_path   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'potential'
                CHECK (status IN ('potential', 'developing', 'confirmed', 'dropped')),
    customer_id INTEGER REFERENCES customers (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE INDEX prospects_owner ON prospects (owner_code, id);
CREATE INDEX prospects_unit ON prospects (unit_path, id);
-- A customer is confirmed from one prospect at most.
CREATE UNIQUE INDEX prospects_customer ON prospects (customer_id) WHERE customer_id IS NOT NULL;

-- 审批申请. kind: development (客户开发任务书) / new_customer (新客户确认) / expense
-- (费用申请) / collaboration (业务协作申请) / customer_transfer (转让).
-- subject_id: the prospect (development, new_customer) or the customer
-- (customer_transfer); NULL for the others. payload: the form (JSON). outcome: what the
-- final approval decided (JSON: the new owner …), NULL until then. unit_path: the
-- requester's unit when filed (ORG-4 readers of it see the request). step: the current
-- step, from 1 (the last one reached once closed); step_role / step_unit: that step's
-- role and unit while pending and NULL once closed, so the to-do index (pending
-- requests by role and unit) holds open requests only.
CREATE TABLE approval_requests (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('development', 'new_customer', 'expense',
                                                 'collaboration', 'customer_transfer')),
    subject_id     INTEGER,
    title          TEXT NOT NULL,
    payload        TEXT NOT NULL,
    outcome        TEXT,
    requester_code TEXT NOT NULL REFERENCES staff (code),
    unit_path      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    step           INTEGER NOT NULL DEFAULT 1,
    step_role      TEXT,
    step_unit      TEXT,
    submitted_at   TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    decided_at     TEXT,
    CHECK ((status = 'pending') = (step_role IS NOT NULL AND step_unit IS NOT NULL))
);

-- One pending request per kind and subject (one development task book per prospect,
-- one transfer per customer …).
CREATE UNIQUE INDEX approval_requests_one_pending ON approval_requests (kind, subject_id)
    WHERE status = 'pending' AND subject_id IS NOT NULL;
-- An approver's to-dos (待办): pending requests whose current step is a role they hold
-- at a unit within theirs, a range of this per role.
CREATE INDEX approval_requests_todo ON approval_requests (step_role, step_unit)
    WHERE status = 'pending';
-- A requester's own requests, newest first.
CREATE INDEX approval_requests_requester ON approval_requests (requester_code, id);
-- The requests about one prospect or customer.
CREATE INDEX approval_requests_subject ON approval_requests (subject_id, kind)
    WHERE subject_id IS NOT NULL;

-- The approver chain: step n is decided by a holder of role at a unit containing
-- unit_path.
CREATE TABLE approval_steps (
    request_id INTEGER NOT NULL REFERENCES approval_requests (id),
    step       INTEGER NOT NULL,
    role       TEXT NOT NULL,
    unit_path  TEXT NOT NULL,
    PRIMARY KEY (request_id, step)
) WITHOUT ROWID;

-- The state history (状态历史): one row per event. step: the step approved or rejected
-- (NULL for submitted and withdrawn). actor_code: a staff code, or 'system' (a pending
-- transfer withdrawn because its customer was deleted). detail: what a decision named
-- (JSON).
CREATE TABLE approval_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES approval_requests (id),
    step       INTEGER,
    event      TEXT NOT NULL CHECK (event IN ('submitted', 'approved', 'rejected', 'withdrawn')),
    actor_code TEXT NOT NULL,
    at         TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    detail     TEXT
);

CREATE INDEX approval_events_request ON approval_events (request_id, id);
-- What a staff member has decided (the "done" box).
CREATE INDEX approval_events_decided ON approval_events (actor_code, request_id)
    WHERE event IN ('approved', 'rejected');

-- ORG-5 transfers filed so far, as customer_transfer requests of one step: the branch
-- manager of the branch the customer's unit lies in (its unit when there is none).
-- The suggested new owner was kept in to_code until approval replaced it with the new
-- owner; the payload keeps the suggestion where it is still known.
INSERT INTO approval_requests (id, kind, subject_id, title, payload, outcome, requester_code,
                               unit_path, status, step, step_role, step_unit, submitted_at,
                               updated_at, decided_at)
SELECT t.id, 'customer_transfer', t.customer_id, '客户转让：' || c.name,
       json_object('reason', t.reason,
                   'suggested_code', CASE WHEN t.status <> 'approved' THEN t.to_code END),
       CASE WHEN t.status = 'approved'
            THEN json_object('new_owner_code', t.to_code, 'new_owner_name', n.name) END,
       t.from_code, t.unit_path, t.status, 1,
       CASE WHEN t.status = 'pending' THEN 'branch_manager' END,
       CASE WHEN t.status = 'pending' THEN COALESCE(b.path, t.unit_path) END,
       t.requested_at, COALESCE(t.decided_at, t.requested_at), t.decided_at
FROM customer_transfers AS t
JOIN customers AS c ON c.id = t.customer_id
LEFT JOIN staff AS n ON n.code = t.to_code
LEFT JOIN org_units AS b ON b.kind = 'branch' AND substr(t.unit_path, 1, length(b.path)) = b.path;

INSERT INTO approval_steps (request_id, step, role, unit_path)
SELECT t.id, 1, 'branch_manager', COALESCE(b.path, t.unit_path)
FROM customer_transfers AS t
LEFT JOIN org_units AS b ON b.kind = 'branch' AND substr(t.unit_path, 1, length(b.path)) = b.path;

INSERT INTO approval_events (request_id, step, event, actor_code, at, comment, detail)
SELECT t.id, NULL, 'submitted', t.from_code, t.requested_at, '', NULL
FROM customer_transfers AS t ORDER BY t.id;

INSERT INTO approval_events (request_id, step, event, actor_code, at, comment, detail)
SELECT t.id,
       CASE WHEN t.status = 'withdrawn' THEN NULL ELSE 1 END,
       t.status, COALESCE(t.decided_by, 'system'), COALESCE(t.decided_at, t.requested_at),
       t.comment,
       CASE WHEN t.status = 'approved' THEN json_object('new_owner_code', t.to_code) END
FROM customer_transfers AS t WHERE t.status <> 'pending' ORDER BY t.id;

DROP TABLE customer_transfers;
