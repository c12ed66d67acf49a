//! The managed backend: a PostgreSQL database through `spin:postgres@4.0.0`, chosen by
//! the `database_url` variable. Statements are written once in the SQL both databases
//! share and rewritten for PostgreSQL as they run ([`zhanye_migrations::postgres`]);
//! values come back as the embedded backend gives them (booleans as 0/1, whole
//! NUMERICs as integers, JSONB as text), so no caller knows which database answered.

use spin_sdk::pg4::{Connection, DbValue, ParameterValue, PgError as Error, QueryError};

use super::{Value, abbreviate};
use crate::problem::ApiError;

/// Seconds a client waits before resending a request that met a momentary failure.
const RETRY_AFTER_SECONDS: u64 = 1;

pub(super) fn open(url: &str) -> Result<Connection, ApiError> {
    Connection::open(url).map_err(|e| failure(&e, "opening the database"))
}

pub(super) fn query(
    connection: &Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<(Vec<String>, Vec<Vec<Value>>), ApiError> {
    let statement = zhanye_migrations::postgres::translate(sql);
    let params: Vec<ParameterValue> = params.into_iter().map(to_pg).collect();
    let result = connection
        .query(&statement, &params)
        .map_err(|e| failure(&e, sql))?;
    let columns = result.columns.into_iter().map(|c| c.name).collect();
    let rows = result
        .rows
        .into_iter()
        .map(|row| row.into_iter().map(from_pg).collect())
        .collect();
    Ok((columns, rows))
}

pub(super) fn execute(
    connection: &Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<u64, ApiError> {
    let statement = zhanye_migrations::postgres::translate(sql);
    let params: Vec<ParameterValue> = params.into_iter().map(to_pg).collect();
    connection
        .execute(&statement, &params)
        .map_err(|e| failure(&e, sql))
}

fn to_pg(value: Value) -> ParameterValue {
    match value {
        Value::Integer(i) => ParameterValue::Int64(i),
        Value::Real(r) => ParameterValue::Floating64(r),
        Value::Text(t) => ParameterValue::Str(t),
        Value::Blob(b) => ParameterValue::Binary(b),
        Value::Null => ParameterValue::DbNull,
    }
}

fn from_pg(value: DbValue) -> Value {
    match value {
        DbValue::Boolean(b) => Value::Integer(i64::from(b)),
        DbValue::Int8(i) => Value::Integer(i64::from(i)),
        DbValue::Int16(i) => Value::Integer(i64::from(i)),
        DbValue::Int32(i) => Value::Integer(i64::from(i)),
        DbValue::Int64(i) | DbValue::Timestamp(i) => Value::Integer(i),
        DbValue::Floating32(f) => Value::Real(f64::from(f)),
        DbValue::Floating64(f) => Value::Real(f),
        DbValue::Str(s) | DbValue::Uuid(s) => Value::Text(s),
        DbValue::Binary(b) | DbValue::Unsupported(b) => Value::Blob(b),
        DbValue::Jsonb(bytes) => Value::Text(String::from_utf8_lossy(&bytes).into_owned()),
        DbValue::Decimal(text) => decimal(&text),
        DbValue::Date((y, m, d)) => Value::Text(format!("{y:04}-{m:02}-{d:02}")),
        DbValue::Time((h, min, s, _)) => Value::Text(format!("{h:02}:{min:02}:{s:02}")),
        DbValue::Datetime((y, m, d, h, min, s, _)) => {
            Value::Text(format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z"))
        }
        DbValue::DbNull => Value::Null,
        other => Value::Text(format!("{other:?}")),
    }
}

/// A NUMERIC as SQLite would hold it: an integer when whole (a `SUM` of integer
/// columns), else a real.
pub(super) fn decimal(text: &str) -> Value {
    let whole = match text.split_once('.') {
        Some((int, fraction)) if fraction.bytes().all(|b| b == b'0') => int,
        Some(_) => return text.parse().map_or(Value::Text(text.into()), Value::Real),
        None => text,
    };
    match whole.parse::<i64>() {
        Ok(i) => Value::Integer(i),
        Err(_) => text.parse().map_or(Value::Text(text.into()), Value::Real),
    }
}

/// SQLSTATEs of failures that changed nothing and may succeed when sent again: a
/// serialization failure or deadlock (40001, 40P01), a lock or statement timeout (55P03,
/// 57014), too many connections (53300), the server going away (57P01-57P03).
pub(super) fn is_retryable(sqlstate: &str) -> bool {
    matches!(
        sqlstate,
        "40001" | "40P01" | "55P03" | "57014" | "53300" | "57P01" | "57P02" | "57P03"
    )
}

/// Logs a PostgreSQL failure with its statement; a momentary one is a 503 with
/// `Retry-After`, anything else a 500.
fn failure(error: &Error, context: &str) -> ApiError {
    let (retryable, description) = match error {
        Error::ConnectionFailed(m) => (true, format!("connection failed: {m}")),
        Error::BadParameter(m) => (false, format!("bad parameter: {m}")),
        Error::ValueConversionFailed(m) => (false, format!("value conversion failed: {m}")),
        Error::Other(m) => (false, m.clone()),
        Error::QueryFailed(QueryError::Text(m)) => (false, m.clone()),
        Error::QueryFailed(QueryError::DbError(e)) => (
            is_retryable(&e.code),
            format!("{} {}: {}", e.severity, e.code, e.message),
        ),
    };
    let cause = format!("postgres: {description} in `{}`", abbreviate(context));
    eprintln!("zhanye: {cause}");
    let error = if retryable {
        ApiError::unavailable(RETRY_AFTER_SECONDS).with_cause(cause)
    } else {
        ApiError::internal(cause)
    };
    error.mark_logged()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numerics_are_integers() {
        assert_eq!(decimal("42"), Value::Integer(42));
        assert_eq!(decimal("-7.000"), Value::Integer(-7));
        assert_eq!(decimal("0.25"), Value::Real(0.25));
        assert_eq!(decimal("99999999999999999999"), Value::Real(1e20));
    }

    #[test]
    fn momentary_failures_are_retryable() {
        assert!(is_retryable("40001"));
        assert!(is_retryable("40P01"));
        assert!(!is_retryable("23505"));
        assert!(!is_retryable("42P01"));
    }
}
