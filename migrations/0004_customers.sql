-- 0004 customers: customers and what the trading partner pushes about them (INTEG-1),
-- what staff record about them (CUST-4/5), delegation and transfer (ORG-5), and the
-- per-staff-per-month figures HOME-1 reads (kept current by ingest, never recomputed
-- per request).
-- Amounts are integer fen. Months are INTEGER yyyymm (202608). Days are China-time
-- dates (YYYY-MM-DD). Times shown to people are RFC 3339 UTC text.

-- CUST-2 客户. account_no (资金账号) is the partner's key.
-- status:    potential (潜在) / target (目标) / existing (存量) / lost (流失).
-- unit_path: copy of the owner's staff.unit_path ('/' while unowned), so a lead's or
--            branch manager's data scope (ORG-4) is one index range scan.
-- mobile, email, address: kept whole, answered masked unless the caller may see them.
-- id_number_verifier / id_number_masked: as for staff, the ID number is never kept.
-- total_assets, cash, assets_day: the latest daily snapshot.
-- lost_assets: total_assets when the customer was lost (HOME-1 流失客户资产).
-- last_contact_month: the latest month with a contact record (CUST-5 due list).
CREATE TABLE customers (
    id                        INTEGER PRIMARY KEY,
    account_no                TEXT NOT NULL UNIQUE,
    name                      TEXT NOT NULL,
    kind                      TEXT NOT NULL DEFAULT 'individual' CHECK (kind IN ('individual', 'institution')),
    gender                    TEXT CHECK (gender IN ('male', 'female')),
    birth_date                TEXT,
    mobile                    TEXT,
    email                     TEXT,
    address                   TEXT,
    id_number_verifier        TEXT,
    id_number_masked          TEXT,
    status                    TEXT NOT NULL CHECK (status IN ('potential', 'target', 'existing', 'lost')),
    grade                     TEXT,
    level                     TEXT,
    risk_tolerance            TEXT,
    owner_code                TEXT REFERENCES staff (code),
    unit_path                 TEXT NOT NULL DEFAULT '/',
    open_date                 TEXT,
    effective_date            TEXT,
    assessment_effective_date TEXT,
    lost_date                 TEXT,
    lost_assets               INTEGER NOT NULL DEFAULT 0,
    total_assets              INTEGER NOT NULL DEFAULT 0,
    cash                      INTEGER NOT NULL DEFAULT 0,
    assets_day                TEXT,
    last_trade_day            TEXT,
    last_contact_month        INTEGER NOT NULL DEFAULT 0,
    tags                      TEXT NOT NULL DEFAULT '',
    deleted_at                TEXT,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);

CREATE INDEX customers_owner ON customers (owner_code, name);
CREATE INDEX customers_unit ON customers (unit_path, name);
CREATE INDEX customers_name ON customers (name);
-- Whole-firm lists (HQ) ordered by assets or opening date walk these, and counting
-- every customer walks the narrow one rather than the table (CUST-1).
CREATE INDEX customers_assets ON customers (total_assets, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_open_date ON customers (open_date) WHERE deleted_at IS NULL;
-- A lead's or branch manager's customers, and HQ's by status, grade or level: ranges
-- of these, in name order. Live customers only, and `deleted_at` carried (always
-- NULL) so that counting them never reaches the table.
CREATE INDEX customers_unit_live ON customers (unit_path, name, status, grade, level, open_date, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX customers_status_live ON customers (status, name, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_grade_live ON customers (grade, name, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_level_live ON customers (level, name, deleted_at) WHERE deleted_at IS NULL;

-- CUST-1 tags, one row each, so a tag search is an index lookup.
CREATE TABLE customer_tags (
    tag         TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    PRIMARY KEY (tag, customer_id)
) WITHOUT ROWID;

CREATE INDEX customer_tags_customer ON customer_tags (customer_id);

-- Holdings (持仓) kept by trades: buys add, sells take away; CUST-1 "held stock".
CREATE TABLE positions (
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    security_code TEXT NOT NULL,
    security_name TEXT NOT NULL,
    quantity      INTEGER NOT NULL,
    PRIMARY KEY (customer_id, security_code)
) WITHOUT ROWID;

CREATE INDEX positions_security ON positions (security_code, customer_id) WHERE quantity > 0;

-- CUST-3 客户业绩, one row per customer and month. Each total is the sum of its parts
-- (ingest refuses rows that do not add up; the CHECKs keep it so).
CREATE TABLE customer_months (
    customer_id           INTEGER NOT NULL REFERENCES customers (id),
    month                 INTEGER NOT NULL,
    total_assets          INTEGER NOT NULL,
    normal_assets         INTEGER NOT NULL,
    margin_assets         INTEGER NOT NULL,
    repo_holding          INTEGER NOT NULL,
    floating_holding      INTEGER NOT NULL,
    quant_holding         INTEGER NOT NULL,
    daily_average_assets  INTEGER NOT NULL,
    total_volume          INTEGER NOT NULL,
    normal_volume         INTEGER NOT NULL,
    collateral_volume     INTEGER NOT NULL,
    credit_volume         INTEGER NOT NULL,
    total_commission      INTEGER NOT NULL,
    normal_commission     INTEGER NOT NULL,
    collateral_commission INTEGER NOT NULL,
    credit_commission     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, month),
    CHECK (total_assets = normal_assets + margin_assets + repo_holding + floating_holding + quant_holding),
    CHECK (total_volume = normal_volume + collateral_volume + credit_volume),
    CHECK (total_commission = normal_commission + collateral_commission + credit_commission)
) WITHOUT ROWID;

-- Daily asset snapshots (T+1), one per customer and day.
CREATE TABLE daily_assets (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    day          TEXT NOT NULL,
    total_assets INTEGER NOT NULL,
    cash         INTEGER NOT NULL,
    PRIMARY KEY (customer_id, day)
) WITHOUT ROWID;

-- Trades (成交), keyed by the partner's trade number.
CREATE TABLE trades (
    id            INTEGER PRIMARY KEY,
    trade_no      TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    day           TEXT NOT NULL,
    security_code TEXT NOT NULL,
    security_name TEXT NOT NULL,
    side          TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity      INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    commission    INTEGER NOT NULL
);

CREATE INDEX trades_customer ON trades (customer_id, day);

-- Fund transfers (银证转账), keyed by the partner's transfer number.
CREATE TABLE fund_transfers (
    id          INTEGER PRIMARY KEY,
    transfer_no TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    day         TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount      INTEGER NOT NULL
);

CREATE INDEX fund_transfers_customer ON fund_transfers (customer_id, day);

-- Account events (账户事件): opened, effective, cancelled, custody transferred … kept
-- for the customer's timeline (CUST-8); some also change the customer (see ingest).
CREATE TABLE account_events (
    id          INTEGER PRIMARY KEY,
    event_no    TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX account_events_customer ON account_events (customer_id, day);

-- CUST-4 关注.
CREATE TABLE follows (
    staff_code  TEXT NOT NULL REFERENCES staff (code),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (staff_code, customer_id)
) WITHOUT ROWID;

-- CUST-5 批注.
CREATE TABLE customer_notes (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    author_code TEXT NOT NULL REFERENCES staff (code),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX customer_notes_customer ON customer_notes (customer_id, id);

-- CUST-5 沟通记录. nature: active (主动) / passive (被动); kind: complaint (投诉) /
-- inquiry (咨询) / general (一般) / order (委托).
CREATE TABLE contact_records (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    staff_code   TEXT NOT NULL REFERENCES staff (code),
    contacted_at TEXT NOT NULL,
    month        INTEGER NOT NULL,
    nature       TEXT NOT NULL CHECK (nature IN ('active', 'passive')),
    kind         TEXT NOT NULL CHECK (kind IN ('complaint', 'inquiry', 'general', 'order')),
    topic        TEXT NOT NULL,
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    remarks      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE INDEX contact_records_customer ON contact_records (customer_id, contacted_at);
CREATE INDEX contact_records_staff ON contact_records (staff_code, month);

-- ORG-5 授权代管: the owner lends a customer to another rep from starts_on to ends_on
-- (inclusive); revoking ends it early. Only one active delegation per customer.
CREATE TABLE delegations (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    owner_code    TEXT NOT NULL REFERENCES staff (code),
    delegate_code TEXT NOT NULL REFERENCES staff (code),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    revoked_at    TEXT,
    created_at    TEXT NOT NULL
);

CREATE UNIQUE INDEX delegations_one_active ON delegations (customer_id) WHERE revoked_at IS NULL;
CREATE INDEX delegations_delegate ON delegations (delegate_code, ends_on) WHERE revoked_at IS NULL;
CREATE INDEX delegations_owner ON delegations (owner_code, ends_on) WHERE revoked_at IS NULL;

-- ORG-5 转让: the owner asks, the branch manager of the customer's branch decides and
-- names the new owner. unit_path: the customer's when asked, for the manager's list.
CREATE TABLE customer_transfers (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    from_code    TEXT NOT NULL REFERENCES staff (code),
    to_code      TEXT REFERENCES staff (code),
    unit_path    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    requested_at TEXT NOT NULL,
    decided_by   TEXT REFERENCES staff (code),
    decided_at   TEXT,
    comment      TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX customer_transfers_one_pending ON customer_transfers (customer_id) WHERE status = 'pending';
CREATE INDEX customer_transfers_pending ON customer_transfers (unit_path) WHERE status = 'pending';
CREATE INDEX customer_transfers_customer ON customer_transfers (customer_id, id);
CREATE INDEX customer_transfers_from ON customer_transfers (from_code, status);
CREATE INDEX customer_transfers_status ON customer_transfers (status, unit_path);

-- HOME-1 figures per staff member (the customers' current owner) and month, kept
-- current by ingest. 存量 stock: opened before the month's year, not lost by the month's
-- end; 增量 incremental: opened in the month's year, by its end, not lost; 流失 lost:
-- lost during the month. See zhanye_customers::home for the rule.
CREATE TABLE staff_month_stats (
    staff_code               TEXT NOT NULL,
    month                    INTEGER NOT NULL,
    stock_count              INTEGER NOT NULL DEFAULT 0,
    stock_assets             INTEGER NOT NULL DEFAULT 0,
    stock_daily_average      INTEGER NOT NULL DEFAULT 0,
    stock_net_profit         INTEGER NOT NULL DEFAULT 0,
    stock_volume             INTEGER NOT NULL DEFAULT 0,
    stock_effective_count    INTEGER NOT NULL DEFAULT 0,
    new_count                INTEGER NOT NULL DEFAULT 0,
    new_assets               INTEGER NOT NULL DEFAULT 0,
    new_net_profit           INTEGER NOT NULL DEFAULT 0,
    new_volume               INTEGER NOT NULL DEFAULT 0,
    new_effective_count      INTEGER NOT NULL DEFAULT 0,
    new_effective_assets     INTEGER NOT NULL DEFAULT 0,
    new_effective_daily_average INTEGER NOT NULL DEFAULT 0,
    new_effective_net_profit INTEGER NOT NULL DEFAULT 0,
    new_effective_volume     INTEGER NOT NULL DEFAULT 0,
    lost_count               INTEGER NOT NULL DEFAULT 0,
    lost_assets              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (staff_code, month)
) WITHOUT ROWID;

-- ALERT-1 预警 for a customer's owner. read_at: acknowledged (with note).
CREATE TABLE customer_alerts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    staff_code  TEXT NOT NULL REFERENCES staff (code),
    kind        TEXT NOT NULL,
    day         TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    note        TEXT
);

CREATE INDEX customer_alerts_unread ON customer_alerts (staff_code) WHERE read_at IS NULL;
CREATE INDEX customer_alerts_customer ON customer_alerts (customer_id, day);
