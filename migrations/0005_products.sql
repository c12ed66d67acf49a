-- 0005 products: the catalog issuers push through the partner webhook (PROD-1, PROD-5),
-- its documents, staff favourites (PROD-3) and recommendations to customers (PROD-4).
-- Times are RFC 3339 UTC text; days are YYYY-MM-DD.

-- PROD-1 营销产品. code (产品代码) is the issuer's key, canonical upper case.
-- risk_level: 1..5 = R1 低 / R2 中低 / R3 中 / R4 中高 / R5 高.
-- status:     on_sale (在售) / issuing (发行中) / ended (到期结束).
-- category:   financial (金融类) / information (资讯服务类) / advisory (投顾服务类).
-- term, expected_yield, min_subscription, face_value, fees …: the issuer's own words.
CREATE TABLE products (
    code                 TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    manager              TEXT NOT NULL,
    risk_level           INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 5),
    term                 TEXT,
    expected_yield       TEXT,
    value_date           TEXT,
    maturity_date        TEXT,
    min_subscription     TEXT,
    status               TEXT NOT NULL CHECK (status IN ('on_sale', 'issuing', 'ended')),
    category             TEXT NOT NULL CHECK (category IN ('financial', 'information', 'advisory')),
    intro                TEXT,
    risk_characteristics TEXT,
    face_value           TEXT,
    custodian            TEXT,
    management_term      TEXT,
    fees                 TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (code <> '' AND code = upper(code)),
    CHECK (maturity_date IS NULL OR value_date IS NULL OR maturity_date >= value_date)
) WITHOUT ROWID;

-- PROD-2: the list is in code order (the primary key); a code prefix is a range of it.
-- A name prefix is a range of products_name; each filter is a range of its own index
-- that is already in code order, so a filtered page or export walks no sort.
CREATE INDEX products_name ON products (name, code);
CREATE INDEX products_status ON products (status, code);
CREATE INDEX products_risk ON products (risk_level, code);
CREATE INDEX products_category ON products (category, code);

-- PROD-1 documents: 风险揭示书 (risk_disclosure), 合同 (contract), 说明书 (prospectus),
-- each a PDF as the issuer sent it, with its size and SHA-256 (hex, the download's ETag).
CREATE TABLE product_documents (
    product_code TEXT NOT NULL REFERENCES products (code),
    kind         TEXT NOT NULL CHECK (kind IN ('risk_disclosure', 'contract', 'prospectus')),
    file_name    TEXT NOT NULL,
    content      BLOB NOT NULL,
    size         INTEGER NOT NULL CHECK (size = length(content)),
    sha256       TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (product_code, kind)
) WITHOUT ROWID;

-- PROD-3 收藏夹: a staff member's favourite products, newest first on HOME.
CREATE TABLE product_favorites (
    staff_code   TEXT NOT NULL REFERENCES staff (code),
    product_code TEXT NOT NULL REFERENCES products (code),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (staff_code, product_code)
) WITHOUT ROWID;

CREATE INDEX product_favorites_recent ON product_favorites (staff_code, created_at);

-- PROD-4 产品推介: every recommendation made, with the two levels the suitability rule
-- compared when it was made (a later change of either does not rewrite history).
CREATE TABLE product_recommendations (
    id             INTEGER PRIMARY KEY,
    product_code   TEXT NOT NULL REFERENCES products (code),
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    staff_code     TEXT NOT NULL REFERENCES staff (code),
    risk_level     INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 5),
    risk_tolerance TEXT NOT NULL CHECK (risk_tolerance IN ('conservative', 'steady', 'aggressive')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE INDEX product_recommendations_customer ON product_recommendations (customer_id, id);
CREATE INDEX product_recommendations_staff ON product_recommendations (staff_code, product_code, id);
