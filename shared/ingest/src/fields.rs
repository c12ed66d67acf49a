//! Reading typed fields out of a record, reporting what is missing or wrong.

use serde_json::{Map, Value};
use zhanye_money::{Money, MoneyError};
use zhanye_platform::problem::reason;
use zhanye_platform::text::has_misleading_character;
use zhanye_vocabulary::Vocabulary;

use crate::report::Report;

/// One record being read: its position, its key (once known) and the report.
pub struct Fields<'a> {
    pub index: usize,
    pub key: Option<String>,
    record: &'a Map<String, Value>,
    report: &'a mut Report,
}

impl<'a> Fields<'a> {
    pub fn new(index: usize, record: &'a Map<String, Value>, report: &'a mut Report) -> Self {
        Fields {
            index,
            key: None,
            record,
            report,
        }
    }

    pub fn fail(&mut self, field: &str, reason: &str) {
        self.report
            .add(self.index, self.key.as_deref(), field, reason);
    }

    /// A required non-blank string of at most `max` characters (trimmed).
    pub fn text(&mut self, field: &str, max: usize) -> Option<String> {
        match self.record.get(field) {
            None | Some(Value::Null) => {
                self.fail(field, "required");
                None
            }
            Some(value) => self.text_value(field, value, max),
        }
    }

    /// An optional string of at most `max` characters; `None` when absent, null or blank.
    pub fn optional_text(&mut self, field: &str, max: usize) -> Option<String> {
        match self.record.get(field) {
            None | Some(Value::Null) => None,
            Some(value) => self.text_value(field, value, max),
        }
    }

    fn text_value(&mut self, field: &str, value: &Value, max: usize) -> Option<String> {
        let Some(text) = value.as_str() else {
            self.fail(field, "invalid_type");
            return None;
        };
        let text = text.trim();
        if text.is_empty() {
            self.fail(field, "required");
            None
        } else if text.chars().count() > max || text.chars().any(char::is_control) {
            self.fail(field, "invalid_format");
            None
        } else if has_misleading_character(text) {
            self.fail(field, reason::MISLEADING_CHARACTER);
            None
        } else {
            Some(text.to_owned())
        }
    }

    /// An optional value of the vocabulary `V`, by its machine value (trimmed); `None`
    /// when absent, null or blank.
    pub fn optional_one_of<V: Vocabulary>(&mut self, field: &str) -> Option<V> {
        let text = self.optional_text(field, 64)?;
        self.vocabulary_value(field, &text)
    }

    fn vocabulary_value<V: Vocabulary>(&mut self, field: &str, text: &str) -> Option<V> {
        let value = V::parse(text);
        if value.is_none() {
            self.fail(field, "invalid");
        }
        value
    }

    /// A required date, `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str) -> Option<chrono::NaiveDate> {
        let text = self.text(field, 10)?;
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                self.fail(field, "invalid_format");
                None
            }
        }
    }

    /// An optional date, `YYYY-MM-DD`; `None` when absent, null or blank.
    pub fn optional_date(&mut self, field: &str) -> Option<chrono::NaiveDate> {
        let text = self.optional_text(field, 10)?;
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                self.fail(field, "invalid_format");
                None
            }
        }
    }

    /// A required month, `YYYY-MM`, as its first day.
    pub fn month(&mut self, field: &str) -> Option<chrono::NaiveDate> {
        let text = self.text(field, 7)?;
        match chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d") {
            Ok(first) if text.len() == 7 => Some(first),
            _ => {
                self.fail(field, "invalid_format");
                None
            }
        }
    }

    /// A required amount of yuan: a decimal string (`"25435595.41"`) or a JSON number
    /// with at most two decimal places.
    pub fn money(&mut self, field: &str) -> Option<Money> {
        let parsed = match self.record.get(field) {
            None | Some(Value::Null) => Err(MoneyError::Empty),
            Some(Value::String(text)) => Money::parse(text),
            // serde_json writes a number back in its shortest exact form, so a number
            // with more than two decimals (or an exponent) stays refused.
            Some(Value::Number(number)) => Money::parse(&number.to_string()),
            Some(_) => {
                self.fail(field, "invalid_type");
                return None;
            }
        };
        match parsed {
            Ok(amount) => Some(amount),
            Err(MoneyError::Empty) => {
                self.fail(field, "required");
                None
            }
            Err(_) => {
                self.fail(field, "invalid_format");
                None
            }
        }
    }

    /// A required whole number above zero: a JSON integer or a string of digits.
    pub fn positive_integer(&mut self, field: &str) -> Option<i64> {
        let number = match self.record.get(field) {
            None | Some(Value::Null) => {
                self.fail(field, "required");
                return None;
            }
            Some(Value::Number(number)) => match number.as_i64() {
                Some(n) => n,
                None => {
                    self.fail(field, "invalid_format");
                    return None;
                }
            },
            Some(Value::String(text)) => {
                let text = text.trim();
                if text.is_empty() {
                    self.fail(field, "required");
                    return None;
                }
                match text.parse::<i64>() {
                    Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) => n,
                    _ => {
                        self.fail(field, "invalid_format");
                        return None;
                    }
                }
            }
            Some(_) => {
                self.fail(field, "invalid_type");
                return None;
            }
        };
        if number > 0 {
            Some(number)
        } else {
            self.fail(field, "out_of_range");
            None
        }
    }

    /// An optional array of strings; `None` when absent or null.
    pub fn optional_list(&mut self, field: &str) -> Option<Vec<String>> {
        match self.record.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let texts: Option<Vec<String>> = items
                    .iter()
                    .map(|item| item.as_str().map(|t| t.trim().to_owned()))
                    .collect();
                if texts.is_none() {
                    self.fail(field, "invalid_type");
                }
                texts
            }
            Some(_) => {
                self.fail(field, "invalid_type");
                None
            }
        }
    }

    /// A required value of the vocabulary `V`, by its machine value (trimmed).
    pub fn one_of<V: Vocabulary>(&mut self, field: &str) -> Option<V> {
        let text = self.text(field, 64)?;
        self.vocabulary_value(field, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::TradeSide;
    use serde_json::json;
    use zhanye_staff::vocab::UnitKind;

    #[test]
    fn texts_with_misleading_characters_are_refused() {
        let record = json!({
            "name": "abc\u{202e}gpj.exe", "address": "上海\u{200b}路", "plain": "张三"
        });
        let record = record.as_object().unwrap();
        let mut report = Report::default();
        let mut fields = Fields::new(0, record, &mut report);
        assert_eq!(fields.text("name", 100), None);
        assert_eq!(fields.optional_text("address", 100), None);
        assert_eq!(fields.text("plain", 100).as_deref(), Some("张三"));
        let refused: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                ("name", "misleading_character"),
                ("address", "misleading_character")
            ]
        );
    }

    #[test]
    fn amounts_months_dates_and_counts_are_read() {
        let record = json!({
            "text": "25435595.41", "number": 12.3, "whole": 7, "signed": "-0.05",
            "precise": "1.005", "precise_number": 1.005, "exponent": 1e21, "words": "十元",
            "flag": true, "empty": "", "huge": "90000000000001",
            "month": "2026-08", "bad_month": "2026-13", "short_month": "2026-8",
            "date": "2026-08-31", "bad_date": "2026-02-30",
            "quantity": 300, "quantity_text": "200", "zero": 0, "fraction": 1.5, "minus": "-3"
        });
        let record = record.as_object().unwrap();
        let mut report = Report::default();
        let mut fields = Fields::new(0, record, &mut report);
        let fen = |f: &mut Fields, name: &str| f.money(name).map(Money::fen);
        assert_eq!(fen(&mut fields, "text"), Some(2_543_559_541));
        assert_eq!(fen(&mut fields, "number"), Some(1_230));
        assert_eq!(fen(&mut fields, "whole"), Some(700));
        assert_eq!(fen(&mut fields, "signed"), Some(-5));
        for bad in [
            "precise",
            "precise_number",
            "exponent",
            "words",
            "flag",
            "empty",
            "missing",
            "huge",
        ] {
            assert_eq!(fen(&mut fields, bad), None, "{bad}");
        }
        assert_eq!(
            fields.month("month").map(|d| d.to_string()).as_deref(),
            Some("2026-08-01")
        );
        assert_eq!(fields.month("bad_month"), None);
        assert_eq!(fields.month("short_month"), None);
        assert_eq!(
            fields
                .optional_date("date")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-08-31")
        );
        assert_eq!(fields.optional_date("bad_date"), None);
        assert_eq!(fields.optional_date("missing"), None);
        assert_eq!(fields.positive_integer("quantity"), Some(300));
        assert_eq!(fields.positive_integer("quantity_text"), Some(200));
        for bad in ["zero", "fraction", "minus", "flag", "missing"] {
            assert_eq!(fields.positive_integer(bad), None, "{bad}");
        }
        let reasons: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("precise", "invalid_format"),
                ("precise_number", "invalid_format"),
                ("exponent", "invalid_format"),
                ("words", "invalid_format"),
                ("flag", "invalid_type"),
                ("empty", "required"),
                ("missing", "required"),
                ("huge", "invalid_format"),
                ("bad_month", "invalid_format"),
                ("short_month", "invalid_format"),
                ("bad_date", "invalid_format"),
                ("zero", "out_of_range"),
                ("fraction", "invalid_format"),
                ("minus", "invalid_format"),
                ("flag", "invalid_type"),
                ("missing", "required"),
            ]
        );
    }

    #[test]
    fn fields_are_read_and_reported() {
        let record = json!({"code": " B01 ", "name": 5, "kind": "moon", "blank": "  ", "long": "x".repeat(40),
                            "side": " sell ", "label": "卖出", "case": "Buy"});
        let record = record.as_object().unwrap();
        let mut report = Report::default();
        let mut fields = Fields::new(7, record, &mut report);
        assert_eq!(fields.text("code", 16).as_deref(), Some("B01"));
        fields.key = Some("B01".into());
        assert_eq!(fields.text("name", 16), None);
        assert_eq!(fields.one_of::<UnitKind>("kind"), None);
        assert_eq!(fields.one_of("side"), Some(TradeSide::Sell));
        assert_eq!(fields.optional_one_of::<TradeSide>("label"), None);
        assert_eq!(fields.optional_one_of::<TradeSide>("case"), None);
        assert_eq!(fields.optional_one_of::<TradeSide>("missing"), None);
        assert_eq!(fields.text("blank", 16), None);
        assert_eq!(fields.text("long", 16), None);
        assert_eq!(fields.text("missing", 16), None);
        assert_eq!(fields.optional_text("missing", 16), None);
        let reasons: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("name", "invalid_type"),
                ("kind", "invalid"),
                ("label", "invalid"),
                ("case", "invalid"),
                ("blank", "required"),
                ("long", "invalid_format"),
                ("missing", "required"),
            ]
        );
        assert!(
            report
                .errors
                .iter()
                .all(|e| e.index == 7 && e.key.as_deref() == Some("B01"))
        );
    }
}
