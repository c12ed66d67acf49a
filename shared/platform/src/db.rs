//! The one database helper: a thin layer over `spin:sqlite@3.0.0` (spin-sdk 5.2; its
//! calls are synchronous, ours stay `async` so a later async SQL interface changes only
//! this file) that collects rows, converts values to Rust types, runs transactions, and turns
//! every SQLite failure into a logged [`ApiError::internal`].
//!
//! ```ignore
//! let db = Db::open_default().await?;
//! let rows = db.query("SELECT id, name FROM customers WHERE owner = ?1", params![code]).await?;
//! for row in &rows {
//!     let id: i64 = row.get("id")?;
//!     let name: String = row.get("name")?;
//! }
//! db.transaction(async |tx| {
//!     tx.execute("UPDATE …", params![…]).await?;
//!     tx.audit(actor, "customer.follow", Some(&id), None).await
//! })
//! .await?;
//! ```
//!
//! Values convert with [`FromValue`] (integers, `bool`, `f64`, `String`, `Vec<u8>`,
//! `Option<_>` for NULL). Money is integer fen in SQL, never `f64`.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use spin_sdk::sqlite3::Connection;

pub use crate::value::Value;

use crate::problem::ApiError;

/// Builds a parameter list: `params![code, 5, Some("x")]` → `[Value; 3]`.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::db::Value>::new() };
    ($($value:expr),+ $(,)?) => { [$($crate::db::Value::from($value)),+] };
}

/// An open SQLite database.
pub struct Db {
    connection: Connection,
    /// Open transactions: 0 outside, 1 inside `BEGIN`, more inside savepoints.
    depth: Cell<u32>,
}

impl Db {
    /// Opens the `default` database (the component needs `sqlite_databases = ["default"]`).
    pub async fn open_default() -> Result<Db, ApiError> {
        Self::open("default").await
    }

    /// Opens a database by its label in the manifest.
    pub async fn open(name: &str) -> Result<Db, ApiError> {
        match Connection::open(name) {
            Ok(connection) => Ok(Db {
                connection,
                depth: Cell::new(0),
            }),
            Err(error) => Err(sqlite_error(&error, &format!("opening database `{name}`"))),
        }
    }

    /// Runs `sql` and collects every row.
    pub async fn query(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>, ApiError> {
        let params = to_sdk(params);
        let result = self
            .connection
            .execute(sql, &params)
            .map_err(|e| sqlite_error(&e, sql))?;
        let columns: Arc<[String]> = result.columns.into();
        Ok(result
            .rows
            .into_iter()
            .map(|row| Row {
                columns: Arc::clone(&columns),
                values: row.values.into_iter().map(from_sdk).collect(),
            })
            .collect())
    }

    /// The first row, if any.
    pub async fn query_row(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Option<Row>, ApiError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// The first column of the first row, if there is a row.
    pub async fn query_value<T: FromValue>(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Option<T>, ApiError> {
        match self.query_row(sql, params).await? {
            Some(row) => row.get_at(0).map(Some),
            None => Ok(None),
        }
    }

    /// Runs a statement that returns no rows; answers how many rows it changed.
    pub async fn execute(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<u64, ApiError> {
        self.run(sql, params).await?;
        Ok(self.connection.changes())
    }

    /// Runs a statement to completion, discarding any rows.
    async fn run(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<(), ApiError> {
        let params = to_sdk(params);
        self.connection
            .execute(sql, &params)
            .map_err(|e| sqlite_error(&e, sql))?;
        Ok(())
    }

    /// The rowid of the last successful `INSERT` on this connection.
    pub async fn last_insert_rowid(&self) -> i64 {
        self.connection.last_insert_rowid()
    }

    /// Runs `work` in a transaction: `BEGIN IMMEDIATE` (so a writer waits for the lock
    /// up front instead of failing half-way), `COMMIT` when it returns `Ok`, `ROLLBACK`
    /// when it returns `Err` (whose error is passed on). Nested calls use savepoints, so
    /// an inner failure undoes only the inner part.
    pub async fn transaction<T>(
        &self,
        work: impl AsyncFnOnce(&Db) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let depth = self.depth.get();
        let savepoint = format!("zhanye_tx_{depth}");
        let (begin, commit, rollback): (String, String, Vec<String>) = if depth == 0 {
            (
                "BEGIN IMMEDIATE".into(),
                "COMMIT".into(),
                vec!["ROLLBACK".into()],
            )
        } else {
            (
                format!("SAVEPOINT {savepoint}"),
                format!("RELEASE {savepoint}"),
                vec![
                    format!("ROLLBACK TO {savepoint}"),
                    format!("RELEASE {savepoint}"),
                ],
            )
        };

        self.run(&begin, []).await?;
        self.depth.set(depth + 1);
        let outcome = match work(self).await {
            Ok(value) => self.run(&commit, []).await.map(|()| value),
            Err(error) => Err(error),
        };
        if outcome.is_err() {
            for statement in &rollback {
                // Already failing: a failed rollback is logged by `run` and the
                // original error is the one reported.
                let _ = self.run(statement, []).await;
            }
        }
        self.depth.set(depth);
        outcome
    }

    /// Whether a table (or view) exists.
    pub async fn table_exists(&self, name: &str) -> Result<bool, ApiError> {
        Ok(self
            .query_value::<i64>(
                "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
                params![name],
            )
            .await?
            .is_some())
    }

    /// The highest applied migration, 0 when none is (or the tracking table is missing).
    pub async fn schema_version(&self) -> Result<u32, ApiError> {
        if !self.table_exists("schema_migrations").await? {
            return Ok(0);
        }
        Ok(self
            .query_value::<u32>(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
            )
            .await?
            .unwrap_or(0))
    }

    /// Records a write in `audit_log` (migration 0001), stamped now (RFC 3339 UTC).
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), ApiError> {
        self.execute(
            zhanye_migrations::INSERT_AUDIT,
            params![crate::time::now_rfc3339(), actor, action, target, detail],
        )
        .await
        .map(|_| ())
    }
}

fn to_sdk(params: impl IntoIterator<Item = Value>) -> Vec<spin_sdk::sqlite3::Value> {
    use spin_sdk::sqlite3::Value as Sdk;
    params
        .into_iter()
        .map(|value| match value {
            Value::Integer(i) => Sdk::Integer(i),
            Value::Real(r) => Sdk::Real(r),
            Value::Text(t) => Sdk::Text(t),
            Value::Blob(b) => Sdk::Blob(b),
            Value::Null => Sdk::Null,
        })
        .collect()
}

fn from_sdk(value: spin_sdk::sqlite3::Value) -> Value {
    use spin_sdk::sqlite3::Value as Sdk;
    match value {
        Sdk::Integer(i) => Value::Integer(i),
        Sdk::Real(r) => Value::Real(r),
        Sdk::Text(t) => Value::Text(t),
        Sdk::Blob(b) => Value::Blob(b),
        Sdk::Null => Value::Null,
    }
}

/// Logs a SQLite failure with its statement and makes it a 500.
fn sqlite_error(error: &spin_sdk::sqlite3::Error, context: &str) -> ApiError {
    let cause = format!("sqlite: {} in `{}`", describe(error), abbreviate(context));
    eprintln!("zhanye: {cause}");
    ApiError::internal(cause).mark_logged()
}

fn describe(error: &spin_sdk::sqlite3::Error) -> String {
    use spin_sdk::sqlite3::Error;
    match error {
        Error::NoSuchDatabase => "no such database".into(),
        Error::AccessDenied => "access denied (is it in sqlite_databases?)".into(),
        Error::InvalidConnection => "invalid connection".into(),
        Error::DatabaseFull => "database full".into(),
        Error::Io(message) => message.clone(),
    }
}

fn abbreviate(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// One result row; values are read by column name or position.
#[derive(Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row from parts (tests, adapters).
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { columns, values }
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The raw value of a column (exact name; the first one when names repeat).
    pub fn value(&self, column: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| c == column)?;
        self.values.get(index)
    }

    /// The value of `column` as `T`; an unknown column or a value of another type is a
    /// 500 (a bug in the query, not in the input).
    pub fn get<T: FromValue>(&self, column: &str) -> Result<T, ApiError> {
        let value = self
            .value(column)
            .ok_or_else(|| ApiError::internal(format!("no column `{column}` in the row")))?;
        convert(value, column)
    }

    /// The value at `index` as `T`.
    pub fn get_at<T: FromValue>(&self, index: usize) -> Result<T, ApiError> {
        let value = self
            .values
            .get(index)
            .ok_or_else(|| ApiError::internal(format!("no column {index} in the row")))?;
        let name = self.columns.get(index).map_or("?", String::as_str);
        convert(value, name)
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (column, value) in self.columns.iter().zip(&self.values) {
            map.entry(column, &DebugValue(value));
        }
        map.finish()
    }
}

struct DebugValue<'a>(&'a Value);

impl fmt::Debug for DebugValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Blob(b) => write!(f, "<{} bytes>", b.len()),
            Value::Null => f.write_str("NULL"),
        }
    }
}

fn convert<T: FromValue>(value: &Value, column: &str) -> Result<T, ApiError> {
    T::from_value(value).ok_or_else(|| {
        ApiError::internal(format!(
            "column `{column}`: expected {}, found {}",
            T::EXPECTED,
            kind(value)
        ))
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "integer",
        Value::Real(_) => "real",
        Value::Text(_) => "text",
        Value::Blob(_) => "blob",
        Value::Null => "NULL",
    }
}

/// A Rust type a SQLite value converts to.
pub trait FromValue: Sized {
    /// What the type accepts, for error messages.
    const EXPECTED: &'static str;
    fn from_value(value: &Value) -> Option<Self>;
}

macro_rules! integer_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            const EXPECTED: &'static str = concat!("an integer fitting ", stringify!($t));
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Integer(i) => <$t>::try_from(*i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}

integer_from_value!(i64, i32, i16, u64, u32, u16, u8, usize);

impl FromValue for bool {
    const EXPECTED: &'static str = "an integer 0 or 1";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(0) => Some(false),
            Value::Integer(1) => Some(true),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Real(r) => Some(*r),
            Value::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    const EXPECTED: &'static str = "text";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const EXPECTED: &'static str = "a blob";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(b) => Some(b.clone()),
            Value::Text(t) => Some(t.as_bytes().to_vec()),
            _ => None,
        }
    }
}

impl FromValue for Value {
    const EXPECTED: &'static str = "any value";
    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        let columns: Arc<[String]> = ["id", "name", "rate", "flag", "note", "data", "big"]
            .map(String::from)
            .into();
        Row::new(
            columns,
            vec![
                Value::Integer(7),
                Value::Text("展业".into()),
                Value::Real(0.5),
                Value::Integer(1),
                Value::Null,
                Value::Blob(vec![1, 2]),
                Value::Integer(i64::from(u32::MAX) + 1),
            ],
        )
    }

    #[test]
    fn typed_getters() {
        let row = row();
        assert_eq!(row.get::<i64>("id").unwrap(), 7);
        assert_eq!(row.get::<u32>("id").unwrap(), 7);
        assert_eq!(row.get::<String>("name").unwrap(), "展业");
        assert_eq!(row.get::<f64>("rate").unwrap(), 0.5);
        assert_eq!(row.get::<f64>("id").unwrap(), 7.0);
        assert!(row.get::<bool>("flag").unwrap());
        assert_eq!(row.get::<Option<String>>("note").unwrap(), None);
        assert_eq!(
            row.get::<Option<String>>("name").unwrap().as_deref(),
            Some("展业")
        );
        assert_eq!(row.get::<Vec<u8>>("data").unwrap(), vec![1, 2]);
        assert_eq!(row.get_at::<i64>(0).unwrap(), 7);
        assert_eq!(row.get::<u64>("big").unwrap(), u64::from(u32::MAX) + 1);
        assert!(matches!(row.value("note"), Some(Value::Null)));
        assert_eq!(row.columns().len(), row.values().len());
    }

    #[test]
    fn conversion_failures_are_internal_errors() {
        let row = row();
        let cases: Vec<(ApiError, &str)> = vec![
            (
                row.get::<i64>("name").unwrap_err(),
                "column `name`: expected an integer fitting i64, found text",
            ),
            (
                row.get::<String>("note").unwrap_err(),
                "column `note`: expected text, found NULL",
            ),
            (
                row.get::<u32>("big").unwrap_err(),
                "column `big`: expected an integer fitting u32, found integer",
            ),
            (
                row.get::<bool>("id").unwrap_err(),
                "column `id`: expected an integer 0 or 1, found integer",
            ),
            (
                row.get::<i64>("missing").unwrap_err(),
                "no column `missing` in the row",
            ),
            (
                row.get_at::<i64>(99).unwrap_err(),
                "no column 99 in the row",
            ),
        ];
        for (error, cause) in cases {
            assert_eq!(error.code, "internal");
            assert_eq!(error.cause(), Some(cause));
        }
    }

    #[test]
    fn params_macro_builds_values() {
        let none: Option<&str> = None;
        let values = params![1, "a", String::from("b"), none, Some(2i64), 1.5];
        assert_eq!(
            values,
            [
                Value::Integer(1),
                Value::Text("a".into()),
                Value::Text("b".into()),
                Value::Null,
                Value::Integer(2),
                Value::Real(1.5),
            ]
        );
        assert!(params![].is_empty());
    }

    #[test]
    fn row_debug_is_readable() {
        let text = format!("{:?}", row());
        assert!(text.contains("\"id\": 7"), "{text}");
        assert!(text.contains("\"note\": NULL"), "{text}");
        assert!(text.contains("\"data\": <2 bytes>"), "{text}");
    }

    #[test]
    fn long_statements_are_abbreviated_in_causes() {
        let sql = format!("SELECT {}", "x, ".repeat(200));
        let short = abbreviate(&sql);
        assert!(short.ends_with('…'));
        assert_eq!(short.chars().count(), 201);
        assert_eq!(abbreviate("SELECT\n  1"), "SELECT 1");
    }
}
