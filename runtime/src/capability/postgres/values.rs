//! Spin's PostgreSQL values and tokio-postgres, as Spin maps them. The 4.2 types are
//! the pivot: 2.0 and 3.0 parameters are widened to them, and 4.2 row values narrowed
//! back to what the older versions can carry (`unsupported` otherwise).

use super::v4::{DbDataType, DbValue, Interval, ParameterValue};
use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use std::error::Error as StdError;
use tokio_postgres::Row;

type BoxError = Box<dyn StdError + Sync + Send>;

/// A parameter as tokio-postgres takes it.
pub type SqlParam = Box<dyn ToSql + Send + Sync>;

pub fn to_sql(value: ParameterValue) -> Result<SqlParam, String> {
    use ParameterValue as P;
    Ok(match value {
        P::Boolean(v) => Box::new(v),
        P::Int8(v) => Box::new(v),
        P::Int16(v) => Box::new(v),
        P::Int32(v) => Box::new(v),
        P::Int64(v) => Box::new(v),
        P::Floating32(v) => Box::new(v),
        P::Floating64(v) => Box::new(v),
        P::Str(v) => Box::new(v),
        P::Binary(v) => Box::new(v),
        P::Date((y, m, d)) => Box::new(date(y, m, d)?),
        P::Time((h, mi, s, ns)) => Box::new(time(h, mi, s, ns)?),
        P::Datetime((y, m, d, h, mi, s, ns)) => Box::new(chrono::NaiveDateTime::new(
            date(y, m, d)?,
            time(h, mi, s, ns)?,
        )),
        P::Timestamp(secs) => Box::new(
            chrono::DateTime::<chrono::Utc>::from_timestamp(secs, 0)
                .ok_or_else(|| format!("invalid epoch timestamp {secs}"))?,
        ),
        P::Uuid(v) => Box::new(uuid::Uuid::parse_str(&v).map_err(|_| format!("invalid UUID {v}"))?),
        P::Jsonb(v) => Box::new(
            serde_json::from_slice::<serde_json::Value>(&v)
                .map_err(|_| format!("invalid JSON {}", String::from_utf8_lossy(&v)))?,
        ),
        P::Decimal(v) => Box::new(decimal(&v)?),
        P::ArrayInt32(v) => Box::new(v),
        P::ArrayInt64(v) => Box::new(v),
        P::ArrayStr(v) => Box::new(v),
        P::ArrayDecimal(v) => Box::new(
            v.iter()
                .map(|d| d.as_deref().map(decimal).transpose())
                .collect::<Result<Vec<_>, _>>()?,
        ),
        P::Interval(v) => Box::new(PgInterval(v)),
        P::DbNull => Box::new(Null),
        P::RangeInt32(_) | P::RangeInt64(_) | P::RangeDecimal(_) => {
            return Err("range parameters are not supported by this runtime".to_string());
        }
    })
}

fn date(y: i32, m: u8, d: u8) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::from_ymd_opt(y, m.into(), d.into())
        .ok_or_else(|| format!("invalid date y={y}, m={m}, d={d}"))
}

fn time(h: u8, mi: u8, s: u8, ns: u32) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::from_hms_nano_opt(h.into(), mi.into(), s.into(), ns)
        .ok_or_else(|| format!("invalid time {h}:{mi}:{s}:{ns}"))
}

fn decimal(v: &str) -> Result<rust_decimal::Decimal, String> {
    rust_decimal::Decimal::from_str_exact(v).map_err(|_| format!("invalid decimal {v}"))
}

pub fn data_type(t: &Type) -> DbDataType {
    match *t {
        Type::BOOL => DbDataType::Boolean,
        Type::CHAR => DbDataType::Int8,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => DbDataType::Str,
        Type::BYTEA => DbDataType::Binary,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => DbDataType::Datetime,
        Type::UUID => DbDataType::Uuid,
        Type::JSONB => DbDataType::Jsonb,
        Type::NUMERIC => DbDataType::Decimal,
        Type::INT4_ARRAY => DbDataType::ArrayInt32,
        Type::INT8_ARRAY => DbDataType::ArrayInt64,
        Type::NUMERIC_ARRAY => DbDataType::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => DbDataType::ArrayStr,
        Type::INTERVAL => DbDataType::Interval,
        _ => DbDataType::Other(t.name().to_string()),
    }
}

fn get<'a, T: FromSql<'a>, W>(
    row: &'a Row,
    i: usize,
    wrap: impl FnOnce(T) -> Result<W, String>,
    ctor: impl FnOnce(W) -> DbValue,
) -> Result<DbValue, String> {
    match row.try_get::<_, Option<T>>(i).map_err(|e| e.to_string())? {
        Some(v) => Ok(ctor(wrap(v)?)),
        None => Ok(DbValue::DbNull),
    }
}

fn same<T>(v: T) -> Result<T, String> {
    Ok(v)
}

/// Column `i` of `row`, as Spin hands it to a 4.x guest.
pub fn from_sql(row: &Row, i: usize) -> Result<DbValue, String> {
    use chrono::{Datelike, Timelike};
    let t = row.columns()[i].type_().clone();
    match t {
        Type::BOOL => get(row, i, same, DbValue::Boolean),
        Type::CHAR => get(row, i, same, DbValue::Int8),
        Type::INT2 => get(row, i, same, DbValue::Int16),
        Type::INT4 => get(row, i, same, DbValue::Int32),
        Type::INT8 => get(row, i, same, DbValue::Int64),
        Type::FLOAT4 => get(row, i, same, DbValue::Floating32),
        Type::FLOAT8 => get(row, i, same, DbValue::Floating64),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => get(row, i, same, DbValue::Str),
        Type::BYTEA => get(row, i, same, DbValue::Binary),
        Type::DATE => get(
            row,
            i,
            |d: chrono::NaiveDate| Ok((d.year(), d.month() as u8, d.day() as u8)),
            DbValue::Date,
        ),
        Type::TIME => get(
            row,
            i,
            |t: chrono::NaiveTime| {
                Ok((
                    t.hour() as u8,
                    t.minute() as u8,
                    t.second() as u8,
                    t.nanosecond(),
                ))
            },
            DbValue::Time,
        ),
        Type::TIMESTAMP => get(row, i, |v| Ok(datetime(v)), DbValue::Datetime),
        // In UTC, as Spin gives it.
        Type::TIMESTAMPTZ => get(
            row,
            i,
            |v: chrono::DateTime<chrono::Utc>| Ok(datetime(v.naive_utc())),
            DbValue::Datetime,
        ),
        Type::UUID => get(row, i, |u: uuid::Uuid| Ok(u.to_string()), DbValue::Uuid),
        Type::JSONB => get(
            row,
            i,
            |v: serde_json::Value| serde_json::to_vec(&v).map_err(|e| e.to_string()),
            DbValue::Jsonb,
        ),
        Type::NUMERIC => get(
            row,
            i,
            |d: rust_decimal::Decimal| Ok(d.to_string()),
            DbValue::Decimal,
        ),
        Type::INT4_ARRAY => get(row, i, same, DbValue::ArrayInt32),
        Type::INT8_ARRAY => get(row, i, same, DbValue::ArrayInt64),
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => {
            get(row, i, same, DbValue::ArrayStr)
        }
        Type::NUMERIC_ARRAY => get(
            row,
            i,
            |v: Vec<Option<rust_decimal::Decimal>>| {
                Ok(v.into_iter().map(|d| d.map(|d| d.to_string())).collect())
            },
            DbValue::ArrayDecimal,
        ),
        Type::INTERVAL => get(row, i, |v: PgInterval| Ok(v.0), DbValue::Interval),
        // Anything else: its raw bytes, as Spin's `unsupported`.
        _ => get(row, i, |v: Raw| Ok(v.0), DbValue::Unsupported),
    }
}

fn datetime(v: chrono::NaiveDateTime) -> (i32, u8, u8, u8, u8, u8, u32) {
    use chrono::{Datelike, Timelike};
    (
        v.year(),
        v.month() as u8,
        v.day() as u8,
        v.hour() as u8,
        v.minute() as u8,
        v.second() as u8,
        v.nanosecond(),
    )
}

/// SQL NULL for a parameter of any type.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

/// PostgreSQL's `interval`: microseconds, days, months (binary format).
#[derive(Debug)]
struct PgInterval(Interval);

impl ToSql for PgInterval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        use bytes::BufMut;
        out.put_i64(self.0.micros);
        out.put_i32(self.0.days);
        out.put_i32(self.0.months);
        Ok(IsNull::No)
    }
    fn accepts(t: &Type) -> bool {
        *t == Type::INTERVAL
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw: [u8; 16] = raw.try_into().map_err(|_| "invalid interval")?;
        Ok(Self(Interval {
            micros: i64::from_be_bytes(raw[0..8].try_into()?),
            days: i32::from_be_bytes(raw[8..12].try_into()?),
            months: i32::from_be_bytes(raw[12..16].try_into()?),
        }))
    }
    fn accepts(t: &Type) -> bool {
        *t == Type::INTERVAL
    }
}

/// A value of a type without a mapping: its bytes in the binary format.
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Self(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}
