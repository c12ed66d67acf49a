//! The one money type. Amounts are yuan (CNY) held as integer fen (分) — in Rust, in SQL
//! (`INTEGER`) — and exchanged in JSON as decimal strings with two places
//! (`"25435595.41"`), never as floats. [`Money::to_decimal`] gives a `rust_decimal`
//! value for rates and shares.
//!
//! Parsing accepts what partners and people write: `"12"`, `"12.3"`, `"-0.05"`,
//! `"+7.10"`, surrounding spaces; it refuses more than two decimal places, exponents,
//! thousands separators and amounts beyond ±90 trillion yuan.

use std::fmt;
use std::ops::{Add, Neg, Sub};

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of yuan, exact to the fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// The largest amount accepted, in fen (90 trillion yuan: far above any account,
/// far below `i64::MAX`, so sums of many amounts cannot overflow).
const LIMIT_FEN: i64 = 9_000_000_000_000_000;

/// Why text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Not digits with an optional sign and point.
    Malformed,
    /// More than two decimal places.
    TooPrecise,
    /// Beyond the accepted range.
    OutOfRange,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Empty => "empty amount",
            MoneyError::Malformed => "not a decimal amount",
            MoneyError::TooPrecise => "more than two decimal places",
            MoneyError::OutOfRange => "amount out of range",
        })
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses a decimal amount of yuan.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, unsigned) = match text.as_bytes()[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (unsigned, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || (unsigned.contains('.') && fraction.is_empty())
        {
            return Err(MoneyError::Malformed);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::OutOfRange)?
        };
        let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        let fen = whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(cents))
            .filter(|f| *f <= LIMIT_FEN)
            .ok_or(MoneyError::OutOfRange)?;
        Ok(Money(if negative { -fen } else { fen }))
    }

    /// The amount as a decimal number of yuan with two places.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The sum of amounts; `None` on overflow.
    pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, |total, amount| total.checked_add(amount))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let fen = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", fen / 100, fen % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From a decimal string only: a JSON number may already have been rounded as a float.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        let cases: &[(&str, Result<i64, MoneyError>)] = &[
            ("25435595.41", Ok(2_543_559_541)),
            ("0", Ok(0)),
            ("12", Ok(1200)),
            ("12.3", Ok(1230)),
            (" 12.30 ", Ok(1230)),
            (".5", Ok(50)),
            ("-0.05", Ok(-5)),
            ("+7.10", Ok(710)),
            ("90000000000000.00", Ok(LIMIT_FEN)),
            ("", Err(MoneyError::Empty)),
            ("  ", Err(MoneyError::Empty)),
            ("12.", Err(MoneyError::Malformed)),
            (".", Err(MoneyError::Malformed)),
            ("-", Err(MoneyError::Malformed)),
            ("1,000.00", Err(MoneyError::Malformed)),
            ("1e3", Err(MoneyError::Malformed)),
            ("12.3.4", Err(MoneyError::Malformed)),
            ("abc", Err(MoneyError::Malformed)),
            ("--1", Err(MoneyError::Malformed)),
            ("１２", Err(MoneyError::Malformed)),
            ("0.001", Err(MoneyError::TooPrecise)),
            ("90000000000000.01", Err(MoneyError::OutOfRange)),
            ("99999999999999999999", Err(MoneyError::OutOfRange)),
        ];
        for (text, expected) in cases {
            assert_eq!(Money::parse(text).map(Money::fen), *expected, "{text:?}");
        }
    }

    #[test]
    fn display_and_json_are_decimal_strings() {
        assert_eq!(Money::from_fen(2_543_559_541).to_string(), "25435595.41");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(0).to_string(), "0.00");
        assert_eq!(Money::from_fen(700).to_string(), "7.00");
        let json = serde_json::to_string(&Money::from_fen(648)).unwrap();
        assert_eq!(json, "\"6.48\"");
        let back: Money = serde_json::from_str("\"6.48\"").unwrap();
        assert_eq!(back.fen(), 648);
        assert!(
            serde_json::from_str::<Money>("6.48").is_err(),
            "numbers are refused"
        );
        assert!(serde_json::from_str::<Money>("\"6.481\"").is_err());
    }

    #[test]
    fn arithmetic() {
        let a = Money::parse("512127.19").unwrap();
        let b = Money::parse("0.81").unwrap();
        assert_eq!((a + b).to_string(), "512128.00");
        assert_eq!((a - b).to_string(), "512126.38");
        assert_eq!((-b).to_string(), "-0.81");
        assert_eq!(a.to_decimal().to_string(), "512127.19");
        assert_eq!(Money::sum([a, b, b]).unwrap().to_string(), "512128.81");
        assert_eq!(
            Money::sum([Money::from_fen(i64::MAX), Money::from_fen(1)]),
            None
        );
        assert_eq!(Money::sum([]), Some(Money::ZERO));
    }
}
