//! The period of a team's task activity (活动量, TASK-5): China-time days `from..=to`.
//!
//! Neither given: the current month. Only `from`: to the end of `from`'s month. Only
//! `to`: from the start of `to`'s month. `from` after `to`, or more than 366 days, is
//! refused.

use chrono::{Datelike, NaiveDate};
use zhanye_platform::problem::reason;
use zhanye_platform::time::parse_date;
use zhanye_platform::{ApiError, FieldError};

use crate::when::day_range;

/// The longest period, in days, both ends counted.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A period of whole China-time days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

impl Period {
    /// Reads `from` and `to` (`YYYY-MM-DD`, absent or empty for the defaults) on `today`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, ApiError> {
        let mut errors = Vec::new();
        let mut day = |name: &str, text: Option<&str>| {
            let text = text.filter(|t| !t.is_empty())?;
            parse_date(text).or_else(|| {
                errors.push(FieldError::new(name, reason::INVALID_FORMAT));
                None
            })
        };
        let (given_from, given_to) = (day("from", from), day("to", to));
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let (from, to) = match (given_from, given_to) {
            (None, None) => (first_of_month(today), last_of_month(today)),
            (Some(from), None) => (from, last_of_month(from)),
            (None, Some(to)) => (first_of_month(to), to),
            (Some(from), Some(to)) => (from, to),
        };
        if from > to || (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
            return Err(ApiError::invalid_field("to", reason::OUT_OF_RANGE));
        }
        Ok(Period { from, to })
    }

    /// The stored-time range `[start, end)` of the period.
    pub fn range(&self) -> (String, String) {
        day_range(Some(self.from), Some(self.to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn periods_and_their_defaults() {
        let today = day("2026-02-10");
        // (from, to, expected from, expected to)
        let cases: &[(Option<&str>, Option<&str>, &str, &str)] = &[
            (None, None, "2026-02-01", "2026-02-28"),
            (Some(""), Some(""), "2026-02-01", "2026-02-28"),
            (Some("2025-12-05"), None, "2025-12-05", "2025-12-31"),
            (None, Some("2024-02-20"), "2024-02-01", "2024-02-20"),
            (
                Some("2026-01-15"),
                Some("2026-01-15"),
                "2026-01-15",
                "2026-01-15",
            ),
            (
                Some("2025-01-01"),
                Some("2025-12-31"),
                "2025-01-01",
                "2025-12-31",
            ),
            // 366 days: a leap year whole.
            (
                Some("2024-01-01"),
                Some("2024-12-31"),
                "2024-01-01",
                "2024-12-31",
            ),
        ];
        for (from, to, want_from, want_to) in cases {
            let period = Period::parse(*from, *to, today).unwrap();
            assert_eq!(
                (period.from, period.to),
                (day(want_from), day(want_to)),
                "{from:?} {to:?}"
            );
        }
        // A space is a value, not an absent one: refused as a date.
        let spaced = Period::parse(Some(""), Some(" "), today).unwrap_err();
        assert_eq!(spaced.status.as_u16(), 422);
        let december = Period::parse(None, None, day("2025-12-31")).unwrap();
        assert_eq!(
            (december.from, december.to),
            (day("2025-12-01"), day("2025-12-31"))
        );
        assert_eq!(
            december.range(),
            (
                "2025-11-30T16:00:00Z".to_owned(),
                "2025-12-31T16:00:00Z".to_owned()
            )
        );
    }

    #[test]
    fn bad_periods_are_refused() {
        let today = day("2026-02-10");
        // (from, to, refusals)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a [(&'a str, &'a str)]);
        let cases: &[Case<'_>] = &[
            (Some("2026-2-1"), None, &[("from", "invalid_format")]),
            (None, Some("2026-02-30"), &[("to", "invalid_format")]),
            (
                Some("x"),
                Some("y"),
                &[("from", "invalid_format"), ("to", "invalid_format")],
            ),
            (
                Some("2026-02-02"),
                Some("2026-02-01"),
                &[("to", "out_of_range")],
            ),
            (
                Some("2024-01-01"),
                Some("2025-01-01"),
                &[("to", "out_of_range")],
            ),
            (
                Some("2025-01-01"),
                Some("2026-01-02"),
                &[("to", "out_of_range")],
            ),
        ];
        for (from, to, expected) in cases {
            let error = Period::parse(*from, *to, today).unwrap_err();
            assert_eq!(error.status.as_u16(), 422);
            let got: Vec<(&str, &str)> = error
                .field_errors
                .iter()
                .map(|e| (e.field.as_str(), e.reason.as_str()))
                .collect();
            assert_eq!(got, *expected, "{from:?} {to:?}");
        }
    }
}
