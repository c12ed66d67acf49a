//! [`Value`]: one SQL value, as statements take their parameters and rows give their
//! columns. It is our own type, not the SDK's, so the SQL interface a component is built
//! against (`spin:sqlite@3.0.0` today) stays a detail of [`crate::db`], and parameters
//! convert from plain Rust values (`params![code, 5, Some("x")]`).

/// One SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Value::Text(value.clone())
    }
}

macro_rules! integers {
    ($($t:ty),*) => {
        $(impl From<$t> for Value {
            fn from(value: $t) -> Self {
                Value::Integer(i64::from(value))
            }
        })*
    };
}

integers!(u8, u16, u32, i8, i16, i32, i64, bool);

impl From<f32> for Value {
    fn from(value: f32) -> Self {
        Value::Real(f64::from(value))
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Real(value)
    }
}

impl From<&[u8]> for Value {
    fn from(value: &[u8]) -> Self {
        Value::Blob(value.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(value: Vec<u8>) -> Self {
        Value::Blob(value)
    }
}

impl<const N: usize> From<[u8; N]> for Value {
    fn from(value: [u8; N]) -> Self {
        Value::Blob(value.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Value {
    fn from(value: &[u8; N]) -> Self {
        Value::Blob(value.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_convert() {
        assert_eq!(Value::from("a"), Value::Text("a".into()));
        assert_eq!(Value::from(&"b".to_owned()), Value::Text("b".into()));
        assert_eq!(Value::from(7u32), Value::Integer(7));
        assert_eq!(Value::from(-3i64), Value::Integer(-3));
        assert_eq!(Value::from(true), Value::Integer(1));
        assert_eq!(Value::from(1.5f64), Value::Real(1.5));
        assert_eq!(Value::from(&b"xy"[..]), Value::Blob(b"xy".to_vec()));
        assert_eq!(Value::from(None::<&str>), Value::Null);
        assert_eq!(Value::from(Some(4i32)), Value::Integer(4));
    }
}
