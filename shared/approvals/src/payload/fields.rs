//! Reading one kind's payload object field by field, collecting every refusal with the
//! field named as the client sent it (`payload.amount`).

use chrono::{Days, NaiveDate};
use serde_json::{Map, Value};
use zhanye_money::{Money, MoneyError};
use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;
use zhanye_platform::text::has_misleading_character;
use zhanye_platform::time::parse_date;

/// The payload's fields, and what has been refused so far.
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    known: Vec<&'static str>,
    errors: Vec<FieldError>,
}

fn name(field: &str) -> String {
    format!("payload.{field}")
}

impl<'a> Fields<'a> {
    /// The payload, which must be a JSON object.
    pub fn of(payload: &'a Value) -> Result<Fields<'a>, Vec<FieldError>> {
        match payload {
            Value::Object(object) => Ok(Fields {
                object,
                known: Vec::new(),
                errors: Vec::new(),
            }),
            Value::Null => Err(vec![FieldError::new("payload", reason::REQUIRED)]),
            _ => Err(vec![FieldError::new("payload", reason::INVALID_TYPE)]),
        }
    }

    pub fn fail(&mut self, field: &str, why: &str) {
        self.errors.push(FieldError::new(name(field), why));
    }

    /// The value of `field`; `null` counts as absent.
    fn value(&mut self, field: &'static str) -> Option<&'a Value> {
        self.known.push(field);
        self.object.get(field).filter(|v| !v.is_null())
    }

    /// A string, trimmed; `None` when absent or empty (not yet an error).
    fn string(&mut self, field: &'static str) -> Option<Option<String>> {
        match self.value(field) {
            None => Some(None),
            Some(Value::String(text)) => {
                Some(Some(text.trim().to_owned()).filter(|t| !t.is_empty()))
            }
            Some(_) => {
                self.fail(field, reason::INVALID_TYPE);
                None
            }
        }
    }

    /// Required text of at most `max` characters.
    pub fn text(&mut self, field: &'static str, max: usize) -> Option<String> {
        match self.string(field)? {
            None => {
                self.fail(field, reason::REQUIRED);
                None
            }
            Some(text) if text.chars().count() > max => {
                self.fail(field, reason::TOO_LONG);
                None
            }
            Some(text) if has_misleading_character(&text) => {
                self.fail(field, reason::MISLEADING_CHARACTER);
                None
            }
            Some(text) => Some(text),
        }
    }

    /// Optional text of at most `max` characters, empty when absent.
    pub fn optional_text(&mut self, field: &'static str, max: usize) -> Option<String> {
        match self.string(field)? {
            None => Some(String::new()),
            Some(text) if text.chars().count() > max => {
                self.fail(field, reason::TOO_LONG);
                None
            }
            Some(text) if has_misleading_character(&text) => {
                self.fail(field, reason::MISLEADING_CHARACTER);
                None
            }
            Some(text) => Some(text),
        }
    }

    /// A required positive integer id.
    pub fn id(&mut self, field: &'static str) -> Option<i64> {
        match self.value(field) {
            None => {
                self.fail(field, reason::REQUIRED);
                None
            }
            Some(Value::Number(n)) => match n.as_i64() {
                Some(id) if id > 0 => Some(id),
                _ => {
                    self.fail(field, reason::INVALID);
                    None
                }
            },
            Some(_) => {
                self.fail(field, reason::INVALID_TYPE);
                None
            }
        }
    }

    /// A required date `YYYY-MM-DD` from `earliest` to `days_after` days after `today`.
    pub fn date(
        &mut self,
        field: &'static str,
        earliest: NaiveDate,
        today: NaiveDate,
        days_after: u64,
    ) -> Option<NaiveDate> {
        let text = match self.string(field)? {
            None => {
                self.fail(field, reason::REQUIRED);
                return None;
            }
            Some(text) => text,
        };
        let Some(day) = parse_date(&text) else {
            self.fail(field, reason::INVALID_FORMAT);
            return None;
        };
        let latest = today.checked_add_days(Days::new(days_after));
        if day < earliest || latest.is_none_or(|latest| day > latest) {
            self.fail(field, reason::OUT_OF_RANGE);
            return None;
        }
        Some(day)
    }

    /// A required amount of yuan as a decimal string, above zero and at most `max`.
    pub fn amount(&mut self, field: &'static str, max: Money) -> Option<Money> {
        let text = match self.value(field) {
            None => {
                self.fail(field, reason::REQUIRED);
                return None;
            }
            Some(Value::String(text)) => text,
            Some(_) => {
                self.fail(field, reason::INVALID_TYPE);
                return None;
            }
        };
        match Money::parse(text) {
            Ok(amount) if amount > Money::ZERO && amount <= max => Some(amount),
            Ok(_) | Err(MoneyError::OutOfRange) => {
                self.fail(field, reason::OUT_OF_RANGE);
                None
            }
            Err(MoneyError::Empty) => {
                self.fail(field, reason::REQUIRED);
                None
            }
            Err(MoneyError::Malformed | MoneyError::TooPrecise) => {
                self.fail(field, reason::INVALID_FORMAT);
                None
            }
        }
    }

    /// Refuses the fields nobody read, then answers every refusal (none: `Ok`).
    pub fn finish(mut self) -> Result<(), Vec<FieldError>> {
        let mut unknown: Vec<&String> = self
            .object
            .keys()
            .filter(|key| !self.known.contains(&key.as_str()))
            .collect();
        unknown.sort();
        for key in unknown {
            self.errors
                .push(FieldError::new(name(key), reason::UNKNOWN_FIELD));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_with_misleading_characters_are_refused() {
        let payload = serde_json::json!({
            "name": "abc\u{202e}gpj.exe", "remark": "\u{2067}备注", "plain": "王五"
        });
        let mut fields = Fields::of(&payload).unwrap();
        assert_eq!(fields.text("name", 50), None);
        assert_eq!(fields.optional_text("remark", 50), None);
        assert_eq!(fields.text("plain", 50).as_deref(), Some("王五"));
        let refused: Vec<(&str, &str)> = fields
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                ("payload.name", "misleading_character"),
                ("payload.remark", "misleading_character")
            ]
        );
    }
}
