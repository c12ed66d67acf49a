//! The embedded backend: `spin:sqlite@3.0.0`, the `default` database of the manifest.

use spin_sdk::sqlite3::{Connection, Error, Value as Sdk};

use super::{Value, abbreviate};
use crate::problem::ApiError;

pub(super) fn open(name: &str) -> Result<Connection, ApiError> {
    Connection::open(name).map_err(|e| failure(&e, &format!("opening database `{name}`")))
}

/// Runs one statement; answers its columns and rows.
pub(super) fn query(
    connection: &Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<(Vec<String>, Vec<Vec<Value>>), ApiError> {
    let params: Vec<Sdk> = params.into_iter().map(to_sdk).collect();
    let result = connection
        .execute(sql, &params)
        .map_err(|e| failure(&e, sql))?;
    let rows = result
        .rows
        .into_iter()
        .map(|row| row.values.into_iter().map(from_sdk).collect())
        .collect();
    Ok((result.columns, rows))
}

/// Runs one statement; answers how many rows it changed.
pub(super) fn execute(
    connection: &Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<u64, ApiError> {
    query(connection, sql, params)?;
    Ok(connection.changes())
}

fn to_sdk(value: Value) -> Sdk {
    match value {
        Value::Integer(i) => Sdk::Integer(i),
        Value::Real(r) => Sdk::Real(r),
        Value::Text(t) => Sdk::Text(t),
        Value::Blob(b) => Sdk::Blob(b),
        Value::Null => Sdk::Null,
    }
}

fn from_sdk(value: Sdk) -> Value {
    match value {
        Sdk::Integer(i) => Value::Integer(i),
        Sdk::Real(r) => Value::Real(r),
        Sdk::Text(t) => Value::Text(t),
        Sdk::Blob(b) => Value::Blob(b),
        Sdk::Null => Value::Null,
    }
}

/// Logs a SQLite failure with its statement and makes it a 500.
fn failure(error: &Error, context: &str) -> ApiError {
    let cause = format!("sqlite: {} in `{}`", describe(error), abbreviate(context));
    eprintln!("zhanye: {cause}");
    ApiError::internal(cause).mark_logged()
}

fn describe(error: &Error) -> String {
    match error {
        Error::NoSuchDatabase => "no such database".into(),
        Error::AccessDenied => "access denied (is it in sqlite_databases?)".into(),
        Error::InvalidConnection => "invalid connection".into(),
        Error::DatabaseFull => "database full".into(),
        Error::Io(message) => message.clone(),
    }
}
