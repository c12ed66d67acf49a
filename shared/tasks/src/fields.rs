//! The text fields of the task forms: trimmed, limited in characters, and free of
//! control characters other than line breaks and tabs (they would corrupt lists and
//! exports without anyone seeing them).

use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;
use zhanye_platform::text::has_misleading_character;

use crate::when::{TimeError, parse_time};

/// 客户/公司名称, characters.
pub const CUSTOMER_NAME_MAX_CHARS: usize = 100;
/// 地点 / 地址, characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// 内容 of the plan and of the execution, characters.
pub const CONTENT_MAX_CHARS: usize = 1000;
/// A cancellation's reason, characters.
pub const REASON_MAX_CHARS: usize = 200;
/// 资金账号, characters (as the trading system's customer records allow).
pub const ACCOUNT_NO_MAX_CHARS: usize = 32;

/// Why a field is refused, beyond the catalogued reasons.
pub mod why {
    /// No such staff member or customer, or one outside the caller's scope (never
    /// told apart).
    pub const UNKNOWN_REFERENCE: &str = "unknown_reference";
    /// A staff member suspended or gone.
    pub const NOT_ACTIVE: &str = "not_active";
    /// A co-worker who is the task's responsible staff member.
    pub const IS_RESPONSIBLE: &str = "is_responsible";
    /// A time after now.
    pub const IN_THE_FUTURE: &str = "in_the_future";
}

fn clean(field: &str, text: &str, max: usize) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > max {
        Err(FieldError::new(field, reason::TOO_LONG))
    } else if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(FieldError::new(field, reason::INVALID_CHARACTERS))
    } else if has_misleading_character(text) {
        Err(FieldError::new(field, reason::MISLEADING_CHARACTER))
    } else {
        Ok(text.to_owned())
    }
}

/// A text that must be given: 1 to `max` characters once trimmed.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String, FieldError> {
    let text = clean(field, text, max)?;
    if text.is_empty() {
        Err(FieldError::new(field, reason::REQUIRED))
    } else {
        Ok(text)
    }
}

/// A text that may be left out: `None` when absent or blank.
pub fn optional_text(
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let text = clean(field, text.unwrap_or_default(), max)?;
    Ok((!text.is_empty()).then_some(text))
}

/// A time field (see [`crate::when`]) that must lie within `earliest..=latest`.
pub fn time_in(field: &str, text: &str, earliest: i64, latest: i64) -> Result<i64, FieldError> {
    match parse_time(text) {
        Err(TimeError::Missing) => Err(FieldError::new(field, reason::REQUIRED)),
        Err(TimeError::Format) => Err(FieldError::new(field, reason::INVALID_FORMAT)),
        Ok(unix) if unix > latest => Err(FieldError::new(field, reason::OUT_OF_RANGE)),
        Ok(unix) if unix < earliest => Err(FieldError::new(field, reason::OUT_OF_RANGE)),
        Ok(unix) => Ok(unix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_limited_and_clean() {
        // (input, max, required → Ok(text) or Err(reason))
        let cases: &[(&str, usize, Result<&str, &str>)] = &[
            ("  上门拜访  ", 10, Ok("上门拜访")),
            ("第一行\n第二行\t完", 10, Ok("第一行\n第二行\t完")),
            ("", 10, Err("required")),
            (" \n\t ", 10, Err("required")),
            ("一二三四五六七八九十", 10, Ok("一二三四五六七八九十")),
            ("一二三四五六七八九十一", 10, Err("too_long")),
            ("a\u{0}b", 10, Err("invalid_characters")),
            ("a\u{1b}[31mb", 20, Err("invalid_characters")),
            ("abc\u{202e}gpj.exe", 20, Err("misleading_character")),
            ("\u{2066}张三\u{2069}", 20, Err("misleading_character")),
            ("上门\u{200d}拜访", 20, Err("misleading_character")),
            ("第一段\u{2029}第二段", 20, Err("misleading_character")),
        ];
        for (input, max, expected) in cases {
            let got = required_text("content", input, *max);
            match (got, expected) {
                (Ok(text), Ok(want)) => assert_eq!(text, *want, "{input:?}"),
                (Err(e), Err(reason)) => {
                    assert_eq!((e.field.as_str(), e.reason.as_str()), ("content", *reason))
                }
                (got, want) => panic!("{input:?}: {got:?} vs {want:?}"),
            }
        }
        assert_eq!(optional_text("reason", None, 5).unwrap(), None);
        assert_eq!(optional_text("reason", Some("  "), 5).unwrap(), None);
        assert_eq!(
            optional_text("reason", Some(" 客户改期 "), 5).unwrap(),
            Some("客户改期".to_owned())
        );
        assert_eq!(
            optional_text("reason", Some("123456"), 5)
                .unwrap_err()
                .reason,
            "too_long"
        );
    }

    #[test]
    fn times_within_bounds() {
        // 2026-03-10T07:30:00Z
        let now = 1_773_127_800;
        let check = |text: &str| time_in("planned_at", text, now - 60, now + 60);
        assert_eq!(check("2026-03-10T07:30:00Z"), Ok(now));
        assert_eq!(check("2026-03-10 15:31"), Ok(now + 60));
        let reason = |text: &str| check(text).unwrap_err().reason;
        assert_eq!(reason(""), "required");
        assert_eq!(reason("10/03/2026 15:30"), "invalid_format");
        assert_eq!(reason("2026-03-10 15:32"), "out_of_range");
        assert_eq!(reason("2026-03-10 15:28"), "out_of_range");
    }
}
