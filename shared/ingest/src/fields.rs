//! Reading typed fields out of a record, reporting what is missing or wrong.

use serde_json::{Map, Value};

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
        } else {
            Some(text.to_owned())
        }
    }

    /// An optional string that, when given, is one of `allowed`.
    pub fn optional_one_of(&mut self, field: &str, allowed: &[&str]) -> Option<String> {
        let text = self.optional_text(field, 64)?;
        if allowed.contains(&text.as_str()) {
            Some(text)
        } else {
            self.fail(field, "invalid");
            None
        }
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

    /// A required string that is one of `allowed`.
    pub fn one_of(&mut self, field: &str, allowed: &[&str]) -> Option<String> {
        let text = self.text(field, 64)?;
        if allowed.contains(&text.as_str()) {
            Some(text)
        } else {
            self.fail(field, "invalid");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_and_reported() {
        let record = json!({"code": " B01 ", "name": 5, "kind": "moon", "blank": "  ", "long": "x".repeat(40)});
        let record = record.as_object().unwrap();
        let mut report = Report::default();
        let mut fields = Fields::new(7, record, &mut report);
        assert_eq!(fields.text("code", 16).as_deref(), Some("B01"));
        fields.key = Some("B01".into());
        assert_eq!(fields.text("name", 16), None);
        assert_eq!(fields.one_of("kind", &["hq", "team"]), None);
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
