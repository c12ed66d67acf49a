//! The per-record error report of a refused batch (INTEG-3): which record, which field,
//! why. A batch with any error is refused whole.

use serde::Serialize;

/// One problem in one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordError {
    /// Position in the batch, from 0.
    pub index: usize,
    /// The record's key when it has one (`code`, `account_no` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub field: String,
    /// A machine reason: `required`, `invalid_type`, `invalid_format`, `out_of_range`,
    /// `duplicate`, `unknown_reference`, `parts_do_not_add_up`, …
    pub reason: String,
}

/// The errors of a batch, at most [`Report::MAX`] kept (the count is exact).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub error_count: usize,
    pub errors: Vec<RecordError>,
}

impl Report {
    /// Errors listed in one answer; the rest are only counted.
    pub const MAX: usize = 200;

    pub fn add(&mut self, index: usize, key: Option<&str>, field: &str, reason: &str) {
        self.error_count += 1;
        if self.errors.len() < Self::MAX {
            self.errors.push(RecordError {
                index,
                key: key.map(str::to_owned),
                field: field.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.error_count == 0
    }

    /// `value` when nothing was reported, otherwise the report.
    pub fn finish<T>(self, value: T) -> Result<T, Report> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_everything_lists_the_first_ones() {
        let mut report = Report::default();
        assert!(report.is_empty());
        for i in 0..250 {
            report.add(i, Some("K"), "code", "required");
        }
        assert_eq!(report.error_count, 250);
        assert_eq!(report.errors.len(), Report::MAX);
        assert_eq!(report.errors[3].index, 3);
    }
}
