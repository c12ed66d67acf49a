-- 0015 search by any part (CUST-1): a customer's name by any character or pair of
-- neighbouring characters in it (a given name, not only the surname), an account
-- number (资金账号) by its last four digits and more.
--
-- One row per gram of a name (see zhanye_platform::grams; the customers' ingest keeps
-- them), keyed with the name so that HQ's list of a common gram reads in name order
-- and stops at its page, as the name prefix does on `customers_name`.
CREATE TABLE customer_name_grams (
    gram        TEXT NOT NULL,
    name        TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    PRIMARY KEY (gram, name, customer_id)
) WITHOUT ROWID;

CREATE INDEX customer_name_grams_customer ON customer_name_grams (customer_id);

-- The live customers stored before this script (a deleted one is never searched):
-- every character and pair of the first 100 characters of each name, none holding a
-- space, folded as SQLite's lower() folds.
INSERT INTO customer_name_grams (gram, name, customer_id)
SELECT DISTINCT lower(substr(c.name, p.n, p.width)), c.name, c.id
FROM customers AS c
JOIN (WITH RECURSIVE positions (n) AS (
          SELECT 1 UNION ALL SELECT n + 1 FROM positions WHERE n < 100)
      SELECT positions.n AS n, widths.width AS width
      FROM positions CROSS JOIN (SELECT 1 AS width UNION ALL SELECT 2 AS width) AS widths) AS p
  ON p.n + p.width - 1 <= length(c.name) AND p.n + p.width - 1 <= 100
WHERE c.deleted_at IS NULL AND substr(c.name, p.n, p.width) NOT LIKE '% %';

-- The last four digits of an account number: the search by them is this lookup,
-- checked against the whole suffix asked for.
CREATE INDEX customers_account_tail ON customers (substr(account_no, length(account_no) - 3));

-- PROD-2: a product by any part of its name (海通OTC富国… by 富国), by the same grams in
-- their own table, keyed in code order as the list is; the products' ingest keeps them,
-- the list checks the whole part with LIKE. A code by its start is a range of the key,
-- by its end (the last digits people quote) this index of its last four characters.
CREATE TABLE product_grams (
    gram TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES products (code),
    PRIMARY KEY (gram, code)
) WITHOUT ROWID;

CREATE INDEX product_grams_code ON product_grams (code);

INSERT INTO product_grams (gram, code)
SELECT DISTINCT lower(substr(t.text, p.n, p.width)), t.code
FROM (SELECT code, name AS text FROM products) AS t
JOIN (WITH RECURSIVE positions (n) AS (
          SELECT 1 UNION ALL SELECT n + 1 FROM positions WHERE n < 100)
      SELECT positions.n AS n, widths.width AS width
      FROM positions CROSS JOIN (SELECT 1 AS width UNION ALL SELECT 2 AS width) AS widths) AS p
  ON p.n + p.width - 1 <= length(t.text) AND p.n + p.width - 1 <= 100
WHERE substr(t.text, p.n, p.width) NOT LIKE '% %';

CREATE INDEX products_code_tail ON products (substr(code, length(code) - 3));
