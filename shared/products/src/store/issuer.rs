//! PROD-5 applying the issuer's `products` topic once its records have passed the field
//! checks (`zhanye_ingest::topics::products`). The products of a batch go to SQLite as
//! one JSON array parameter and are written with one `UPDATE … FROM json_each` and one
//! `INSERT … SELECT … FROM json_each`, never one statement per record; documents are
//! bound one at a time as blobs (see [`documents::put`]). A record replaces every
//! field of its product (optional fields left out are cleared) and only writes when
//! something differs, so a redelivered catalog leaves `updated_at` alone. The search
//! grams of its name (`product_grams`) follow the name.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Value, json};
use zhanye_ingest::Report;
use zhanye_ingest::topics::products::ProductRecord;
use zhanye_platform::grams::grams;
use zhanye_platform::{ApiError, Db, Row, params};

use crate::store::documents;

/// The columns a record sets (the row key is the column name), `code` aside.
const COLUMNS: [&str; 16] = [
    "name",
    "manager",
    "risk_level",
    "term",
    "expected_yield",
    "value_date",
    "maturity_date",
    "min_subscription",
    "status",
    "category",
    "intro",
    "risk_characteristics",
    "face_value",
    "custodian",
    "management_term",
    "fees",
];

/// What applying a batch did, record by record.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub created: usize,
    /// Stored products whose fields or documents changed.
    pub updated: usize,
    pub unchanged: usize,
    /// Documents written (new or different).
    pub documents: usize,
}

/// The search grams of products whose name changes go, before the change…
const CLEAR_STALE_GRAMS: &str = "\
    DELETE FROM product_grams WHERE code IN ( \
        SELECT p.code FROM json_each(?1) AS j JOIN products AS p ON p.code = j.value ->> 'code' \
        WHERE p.name <> j.value ->> 'name')";

/// …and every product of the batch has its own (unchanged ones find them there).
const ADD_GRAMS: &str = "\
    INSERT INTO product_grams (gram, code) \
    SELECT DISTINCT g.atom, j.value ->> 'code' \
    FROM json_each(?1) AS j CROSS JOIN json_each(j.value ->> 'search_grams') AS g \
    WHERE g.atom IS NOT NULL \
    ON CONFLICT DO NOTHING";

fn row(record: &ProductRecord) -> Value {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    json!({
        "code": record.code,
        "name": record.name,
        "search_grams": grams(&record.name),
        "manager": record.manager,
        "risk_level": record.risk_level,
        "term": record.term,
        "expected_yield": record.expected_yield,
        "value_date": day(record.value_date),
        "maturity_date": day(record.maturity_date),
        "min_subscription": record.min_subscription,
        "status": record.status,
        "category": record.category,
        "intro": record.intro,
        "risk_characteristics": record.risk_characteristics,
        "face_value": record.face_value,
        "custodian": record.custodian,
        "management_term": record.management_term,
        "fees": record.fees,
    })
}

/// The value of column `c` in the row `j` of the rows parameter: `j.value ->> 'c'`,
/// cast to an integer for the integer column (`->>` answers text on PostgreSQL).
fn field(c: &str) -> String {
    if c == "risk_level" {
        format!("CAST(j.value ->> '{c}' AS BIGINT)")
    } else {
        format!("j.value ->> '{c}'")
    }
}

/// `j.value ->> 'c' AS c` for `code` and every column.
fn selected() -> String {
    std::iter::once("code")
        .chain(COLUMNS)
        .map(|c| format!("{} AS {c}", field(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The positions (in the rows parameter) of stored products, and of those among them
/// whose every column already holds what was sent.
fn existing_sql() -> String {
    let same: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("p.{c} IS NOT DISTINCT FROM {}", field(c)))
        .collect();
    format!(
        "SELECT json_group_array(j.key), json_group_array(j.key) FILTER (WHERE {}) \
         FROM json_each(?1) AS j JOIN products AS p ON p.code = j.value ->> 'code'",
        same.join(" AND ")
    )
}

fn update_sql() -> String {
    let sets: Vec<String> = COLUMNS.iter().map(|c| format!("{c} = r.{c}")).collect();
    let changed: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("products.{c} IS DISTINCT FROM r.{c}"))
        .collect();
    format!(
        "UPDATE products SET {}, updated_at = CAST(?2 AS TEXT) \
         FROM (SELECT {} FROM json_each(?1) AS j) AS r \
         WHERE products.code = r.code AND ({})",
        sets.join(", "),
        selected(),
        changed.join(" OR ")
    )
}

fn insert_sql() -> String {
    let columns: Vec<&str> = std::iter::once("code").chain(COLUMNS).collect();
    format!(
        "INSERT INTO products ({}, created_at, updated_at) \
         SELECT {}, CAST(?2 AS TEXT), CAST(?2 AS TEXT) FROM json_each(?1) AS j \
         WHERE NOT EXISTS (SELECT 1 FROM products AS p WHERE p.code = j.value ->> 'code')",
        columns.join(", "),
        columns
            .iter()
            .map(|c| field(c))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A `json_group_array(j.key)` column: positions in the rows parameter.
fn positions(row: &Row, column: usize) -> Result<Vec<usize>, ApiError> {
    let text: Option<String> = row.get_at(column)?;
    serde_json::from_str(text.as_deref().unwrap_or("[]"))
        .map_err(|e| ApiError::internal(format!("a JSON list column: {e}")))
}

/// Applies the products. Run it in a transaction. Every reference a product record
/// makes is to itself, so nothing goes into `report` here; it is taken for the shape
/// every topic's apply has.
pub async fn apply(
    db: &Db,
    records: &[ProductRecord],
    now: &str,
    _report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = Value::Array(records.iter().map(row).collect()).to_string();
    let found = db
        .query_row(&existing_sql(), params![rows.as_str()])
        .await?
        .ok_or_else(|| ApiError::internal("an aggregate answered no row"))?;
    let existing: HashSet<usize> = positions(&found, 0)?.into_iter().collect();
    let same: HashSet<usize> = positions(&found, 1)?.into_iter().collect();
    db.execute(CLEAR_STALE_GRAMS, params![rows.as_str()])
        .await?;
    db.execute(&update_sql(), params![rows.as_str(), now])
        .await?;
    db.execute(&insert_sql(), params![rows.as_str(), now])
        .await?;
    db.execute(ADD_GRAMS, params![rows.as_str()]).await?;

    let mut applied = Applied::default();
    for (position, record) in records.iter().enumerate() {
        let mut documents_changed = false;
        for document in &record.documents {
            if documents::put(db, &record.code, document, now).await? {
                documents_changed = true;
                applied.documents += 1;
            }
        }
        if !existing.contains(&position) {
            applied.created += 1;
        } else if documents_changed || !same.contains(&position) {
            applied.updated += 1;
        } else {
            applied.unchanged += 1;
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_every_column() {
        for sql in [existing_sql(), update_sql(), insert_sql()] {
            for column in COLUMNS {
                assert!(sql.contains(column), "{column}: {sql}");
            }
        }
        assert!(insert_sql().contains("created_at, updated_at"));
    }

    /// The statements against the real schema: an insert, an unchanged row, a change.
    #[test]
    fn statements_run_against_the_schema() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        for script in zhanye_migrations::migrations() {
            db.execute_batch(script.sql).unwrap();
        }
        let record = |term: &str| {
            let fields = serde_json::json!({"code": "s1", "name": "稳利", "manager": "某资管",
                "risk_level": "R2", "status": "on_sale", "category": "financial", "term": term});
            let parsed =
                zhanye_ingest::topics::products::parse(&[fields.as_object().unwrap().clone()])
                    .unwrap();
            Value::Array(parsed.iter().map(row).collect()).to_string()
        };
        let existing = |rows: &str| -> (String, String) {
            db.query_row(&existing_sql(), [rows], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
        };
        let rows = record("90天");
        assert_eq!(existing(&rows), ("[]".into(), "[]".into()));
        db.execute(&update_sql(), rusqlite::params![rows, "t1"])
            .unwrap();
        assert_eq!(
            db.execute(&insert_sql(), rusqlite::params![rows, "t1"])
                .unwrap(),
            1
        );
        assert_eq!(existing(&rows), ("[0]".into(), "[0]".into()));
        assert_eq!(
            db.execute(&update_sql(), rusqlite::params![rows, "t2"])
                .unwrap(),
            0
        );
        let changed = record("180天");
        assert_eq!(existing(&changed), ("[0]".into(), "[]".into()));
        assert_eq!(
            db.execute(&update_sql(), rusqlite::params![changed, "t3"])
                .unwrap(),
            1
        );
        assert_eq!(
            db.execute(&insert_sql(), rusqlite::params![changed, "t3"])
                .unwrap(),
            0
        );
        let stored: (String, i64, String, String) = db
            .query_row(
                "SELECT code, risk_level, term, updated_at FROM products",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(stored, ("S1".into(), 2, "180天".into(), "t3".into()));
    }
}
