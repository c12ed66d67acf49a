-- 0008 assessment: schemes, goals, ranks, monthly runs and their results, rank reviews
-- (考核, ASSESS-1..6). Months are INTEGER yyyymm in China time; amounts integer fen;
-- scores integer hundredths of a point (score_centi 9614 = 96.14), so they sort.

-- 考核方案: one scheme per rank (职级) from a month on; the scheme of a month is the one
-- with the latest valid_from not after it. rules: the JSON of
-- zhanye_assessment::SchemeRules (indicators, deductions, rank review, pay).
CREATE TABLE assessment_schemes (
    id         INTEGER PRIMARY KEY,
    rank       TEXT NOT NULL CHECK (rank IN ('junior', 'intermediate', 'senior', 'principal')),
    valid_from INTEGER NOT NULL,
    name       TEXT NOT NULL,
    rules      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (rank, valid_from)
);

-- 目标管理: a target per staff member, period ('2026-09', '2026-Q3', '2026') and
-- indicator, as a decimal string (yuan, counts, or a rate as a fraction).
CREATE TABLE assessment_goals (
    staff_code TEXT NOT NULL REFERENCES staff (code),
    period     TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    target     TEXT NOT NULL,
    set_by     TEXT NOT NULL REFERENCES staff (code),
    set_at     TEXT NOT NULL,
    PRIMARY KEY (staff_code, period, indicator)
) WITHOUT ROWID;

-- 职级: a staff member's rank from a month on (the rank of a month is the row with the
-- latest from_month not after it; none means junior). source: 'review' (written when a
-- quarter's results are published) or 'set' (by HQ).
CREATE TABLE staff_ranks (
    staff_code TEXT NOT NULL REFERENCES staff (code),
    from_month INTEGER NOT NULL,
    rank       TEXT NOT NULL CHECK (rank IN ('junior', 'intermediate', 'senior', 'principal')),
    source     TEXT NOT NULL CHECK (source IN ('review', 'set')),
    set_by     TEXT,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (staff_code, from_month)
) WITHOUT ROWID;

-- A month's assessment run (ASSESS-1). status: running (chunks still to do), draft
-- (every staff member assessed, not yet published), published (frozen).
-- run_id grows with each (re)run; cursor: the last staff code assessed by this run,
-- so a restarted run resumes after it; staff_total: staff to assess when it started.
CREATE TABLE assessment_months (
    month        INTEGER PRIMARY KEY,
    status       TEXT NOT NULL CHECK (status IN ('running', 'draft', 'published')),
    run_id       INTEGER NOT NULL,
    cursor       TEXT NOT NULL DEFAULT '',
    staff_total  INTEGER NOT NULL,
    staff_done   INTEGER NOT NULL DEFAULT 0,
    chunks       INTEGER NOT NULL DEFAULT 0,
    started_by   TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    published_by TEXT,
    published_at TEXT
);

-- One staff member's assessed month. The figures used for ranking and roll-ups are
-- columns; detail is the JSON of the whole score sheet and pay statement
-- (zhanye_assessment::Assessment) plus the HOME-1 figures and the month's activity.
-- unit_path: the staff member's unit when assessed, for team/branch/HQ views.
CREATE TABLE assessment_results (
    month             INTEGER NOT NULL,
    staff_code        TEXT NOT NULL REFERENCES staff (code),
    run_id            INTEGER NOT NULL,
    unit_path         TEXT NOT NULL,
    rank              TEXT NOT NULL,
    scheme_id         INTEGER NOT NULL REFERENCES assessment_schemes (id),
    score_centi       INTEGER NOT NULL,
    deducted_centi    INTEGER NOT NULL,
    net_commission    INTEGER NOT NULL,
    volume            INTEGER NOT NULL,
    stock_assets      INTEGER NOT NULL,
    new_assets        INTEGER NOT NULL,
    new_effective     INTEGER NOT NULL,
    tasks_done        INTEGER NOT NULL,
    contacts          INTEGER NOT NULL,
    checkin_days      INTEGER NOT NULL,
    working_days      INTEGER NOT NULL,
    pay_total         INTEGER NOT NULL,
    detail            TEXT NOT NULL,
    PRIMARY KEY (month, staff_code)
) WITHOUT ROWID;

-- A team's, branch's or region's ranking in a month: a unit range, by score.
CREATE INDEX assessment_results_unit ON assessment_results (month, unit_path, score_centi);
-- One staff member's months (trend, the quarter's scores for the rank review).
CREATE INDEX assessment_results_staff ON assessment_results (staff_code, month);

-- 职级考核 (ASSESS-4): the review run with a quarter-end month, from that quarter's three
-- scores. The new rank takes effect from the next month when the month is published.
CREATE TABLE rank_reviews (
    month         INTEGER NOT NULL,
    staff_code    TEXT NOT NULL REFERENCES staff (code),
    run_id        INTEGER NOT NULL,
    from_rank     TEXT NOT NULL,
    to_rank       TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('promote', 'keep', 'demote', 'not_reviewed')),
    average_centi INTEGER,
    scores        TEXT NOT NULL,
    PRIMARY KEY (month, staff_code)
) WITHOUT ROWID;

-- Customers not contacted in a month (合规扣分): one probe per customer and month.
CREATE INDEX contact_records_customer_month ON contact_records (customer_id, month);
