//! For the stores' native tests: the app's real schema in an in-memory SQLite, and the
//! plan SQLite makes for a statement, one `EXPLAIN QUERY PLAN` detail line per step.
//!
//! ```ignore
//! let db = zhanye_query_plans::schema();
//! let steps = zhanye_query_plans::plan(&db, "SELECT … WHERE owner_code = ?1", &[Value::Text("A0001".into())]);
//! assert!(steps.iter().any(|s| s.contains("USING INDEX customers_owner")));
//! ```

pub use rusqlite;

pub mod postgres;

use rusqlite::Connection;
use rusqlite::types::Value as SqliteValue;
use zhanye_platform::Value;

/// Every migration applied, in order, to a fresh in-memory database.
pub fn schema() -> Connection {
    let db = Connection::open_in_memory().expect("an in-memory database opens");
    for script in zhanye_migrations::migrations() {
        db.execute_batch(script.sql)
            .unwrap_or_else(|e| panic!("migration {:04}_{}: {e}", script.version, script.name));
    }
    db
}

/// [`schema`] with planner statistics (`ANALYZE`), as a database in use has them.
pub fn analyzed_schema() -> Connection {
    let db = schema();
    db.execute_batch("ANALYZE").expect("ANALYZE runs");
    db
}

/// The steps of SQLite's plan for `sql` with `params` bound (the detail column of
/// `EXPLAIN QUERY PLAN`). Panics with the statement when it does not prepare.
pub fn plan(db: &Connection, sql: &str, params: &[Value]) -> Vec<String> {
    let params: Vec<SqliteValue> = params.iter().map(to_sqlite).collect();
    let mut statement = db
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    statement
        .query_map(rusqlite::params_from_iter(params), |row| {
            row.get::<_, String>(3)
        })
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .map(|step| step.expect("a plan step reads"))
        .collect()
}

/// A `spin:sqlite` value as rusqlite binds it.
pub fn to_sqlite(value: &Value) -> SqliteValue {
    match value {
        Value::Integer(i) => SqliteValue::Integer(*i),
        Value::Real(r) => SqliteValue::Real(*r),
        Value::Text(t) => SqliteValue::Text(t.clone()),
        Value::Blob(b) => SqliteValue::Blob(b.clone()),
        Value::Null => SqliteValue::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_name_the_index_they_use() {
        let db = schema();
        let steps = plan(
            &db,
            "SELECT code FROM staff WHERE code = ?1",
            &[Value::Text("A0001".into())],
        );
        assert!(
            steps.iter().any(|s| s.starts_with("SEARCH staff USING")),
            "{steps:?}"
        );
        let scan = plan(&db, "SELECT count(*) FROM staff WHERE name LIKE '%x%'", &[]);
        assert!(scan.iter().any(|s| s.starts_with("SCAN")), "{scan:?}");
    }
}
