//! The one database helper, over whichever SQL store the deployment chose: the
//! `database_url` variable empty (the default) is the embedded `default` SQLite database
//! (`spin:sqlite@3.0.0`); a `postgres://…` URL is that PostgreSQL database
//! (`spin:postgres@4.0.0`). Components never know which: statements are written once in
//! the SQL both share ([`zhanye_migrations::postgres`] rewrites the few spellings that
//! differ), and rows come back as the same [`Value`]s. The SDK calls are synchronous;
//! ours stay `async` so a later async SQL interface changes only this module.
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
//! `Option<_>` for NULL). Money is integer fen in SQL, never `f64`. A failure is logged
//! and answered 500, except a momentary one of PostgreSQL (serialization conflict, lost
//! connection), which is a 503 with `Retry-After`.

mod postgres;
mod sqlite;

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

pub use crate::value::Value;

use crate::problem::ApiError;

/// Builds a parameter list: `params![code, 5, Some("x")]` → `[Value; 3]`.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::db::Value>::new() };
    ($($value:expr),+ $(,)?) => { [$($crate::db::Value::from($value)),+] };
}

/// The variable naming the SQL store; see the module docs.
pub const DATABASE_URL_VARIABLE: &str = "database_url";

/// Which SQL dialect a database speaks, for the few callers that must differ (the
/// migration applier's lock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

enum Connection {
    Sqlite(spin_sdk::sqlite3::Connection),
    Postgres(spin_sdk::pg4::Connection),
}

/// An open database connection.
pub struct Db {
    connection: Connection,
    /// Open transactions: 0 outside, 1 inside `BEGIN`, more inside savepoints.
    depth: Cell<u32>,
}

impl Db {
    /// Opens the app's database: PostgreSQL when `database_url` names one, else the
    /// `default` SQLite database (the component needs `sqlite_databases = ["default"]`,
    /// and for PostgreSQL the variable and the host in `allowed_outbound_hosts`).
    pub async fn open_default() -> Result<Db, ApiError> {
        let url = crate::spin::optional_variable(DATABASE_URL_VARIABLE)
            .await?
            .unwrap_or_default();
        let connection = if zhanye_migrations::postgres::is_postgres_url(&url) {
            Connection::Postgres(postgres::open(url.trim())?)
        } else {
            Connection::Sqlite(sqlite::open("default")?)
        };
        Ok(Db {
            connection,
            depth: Cell::new(0),
        })
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        match self.connection {
            Connection::Sqlite(_) => Dialect::Sqlite,
            Connection::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `sql` and collects every row.
    pub async fn query(
        &self,
        sql: &str,
        params: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>, ApiError> {
        let params = without_nul(params)?;
        let (columns, rows) = match &self.connection {
            Connection::Sqlite(c) => sqlite::query(c, sql, params)?,
            Connection::Postgres(c) => postgres::query(c, sql, params)?,
        };
        let columns: Arc<[String]> = columns.into();
        Ok(rows
            .into_iter()
            .map(|values| Row {
                columns: Arc::clone(&columns),
                values,
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
        let params = without_nul(params)?;
        match &self.connection {
            Connection::Sqlite(c) => sqlite::execute(c, sql, params),
            Connection::Postgres(c) => postgres::execute(c, sql, params),
        }
    }

    /// Runs a statement to completion, discarding any rows.
    async fn run(&self, sql: &str) -> Result<(), ApiError> {
        self.execute(sql, []).await.map(|_| ())
    }

    /// Runs `work` in a transaction: `COMMIT` when it returns `Ok`, `ROLLBACK` when it
    /// returns `Err` (whose error is passed on). A writer waits for its turn up front
    /// instead of failing half-way (`BEGIN IMMEDIATE` on SQLite, the write-turn lock on
    /// PostgreSQL). Nested calls use savepoints, so an inner failure undoes only the
    /// inner part.
    pub async fn transaction<T>(
        &self,
        work: impl AsyncFnOnce(&Db) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let depth = self.depth.get();
        let savepoint = format!("zhanye_tx_{depth}");
        let (begin, commit, rollback): (Vec<String>, String, Vec<String>) = if depth == 0 {
            let begin = match self.dialect() {
                Dialect::Sqlite => vec!["BEGIN IMMEDIATE".into()],
                Dialect::Postgres => vec![
                    "BEGIN".into(),
                    zhanye_migrations::postgres::WRITE_TURN.into(),
                ],
            };
            (begin, "COMMIT".into(), vec!["ROLLBACK".into()])
        } else {
            (
                vec![format!("SAVEPOINT {savepoint}")],
                format!("RELEASE {savepoint}"),
                vec![
                    format!("ROLLBACK TO {savepoint}"),
                    format!("RELEASE {savepoint}"),
                ],
            )
        };

        for (i, statement) in begin.iter().enumerate() {
            if let Err(error) = self.run(statement).await {
                if i > 0 {
                    let _ = self.run(&rollback[0]).await;
                }
                return Err(error);
            }
        }
        self.depth.set(depth + 1);
        let outcome = match work(self).await {
            Ok(value) => self.run(&commit).await.map(|()| value),
            Err(error) => Err(error),
        };
        if outcome.is_err() {
            for statement in &rollback {
                // Already failing: a failed rollback is logged by `run` and the
                // original error is the one reported.
                let _ = self.run(statement).await;
            }
        }
        self.depth.set(depth);
        outcome
    }

    /// Whether a table (or view) exists.
    pub async fn table_exists(&self, name: &str) -> Result<bool, ApiError> {
        let sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1"
            }
            Dialect::Postgres => {
                "SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = ?1"
            }
        };
        Ok(self.query_value::<i64>(sql, params![name]).await?.is_some())
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

/// The parameters, refused (422) when a text holds U+0000: PostgreSQL cannot store it,
/// so neither backend takes it, and the client is told rather than answered 500. The
/// text arrived well-formed (`\u0000` in JSON, `%00` in a query), so it is a value the
/// rules refuse, not input that could not be read; which field held it is not known
/// here.
fn without_nul(params: impl IntoIterator<Item = Value>) -> Result<Vec<Value>, ApiError> {
    let params: Vec<Value> = params.into_iter().collect();
    if params
        .iter()
        .any(|p| matches!(p, Value::Text(t) if t.contains('\0')))
    {
        return Err(
            ApiError::validation(Vec::new()).with_detail(crate::problem::Localized::new(
                "提交的文本中含有空字符 (U+0000)，请删除后重试。",
                "The text sent contains the NUL character (U+0000); remove it and try again.",
            )),
        );
    }
    Ok(params)
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
    fn nul_characters_are_refused_before_any_database() {
        let refused = without_nul(params!["a\0b", 1]).unwrap_err();
        assert_eq!(refused.status, http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(without_nul(params!["ab", 1]).unwrap().len(), 2);
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
