//! Days the check-in queries bind: SQL gets dates as `YYYY-MM-DD` text, never a date
//! function, so the day arithmetic (weekdays, month starts) happens here.

use chrono::{Datelike, Days, NaiveDate};
use zhanye_staff::checkin::is_workday;

/// The first day of `date`'s month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The workdays (Monday to Friday) from `first` to `last`, both included, in order;
/// empty when `last` is before `first`.
pub fn workdays(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut day = first;
    while day <= last {
        if is_workday(day) {
            days.push(day);
        }
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn month_starts() {
        assert_eq!(month_start(d("2026-10-31")), d("2026-10-01"));
        assert_eq!(month_start(d("2026-10-01")), d("2026-10-01"));
        assert_eq!(month_start(d("2024-02-29")), d("2024-02-01"));
    }

    #[test]
    fn workdays_skip_weekends() {
        // October 2026: the 1st is a Thursday; 22 workdays.
        let october = workdays(d("2026-10-01"), d("2026-10-31"));
        assert_eq!(october.len(), 22);
        assert_eq!(october[0], d("2026-10-01"));
        assert_eq!(october[2], d("2026-10-05"), "the 3rd and 4th are a weekend");
        assert_eq!(october.last(), Some(&d("2026-10-30")));
        assert!(october.iter().all(|day| is_workday(*day)));
        // Up to and including a given day.
        assert_eq!(
            workdays(d("2026-10-01"), d("2026-10-09")),
            [
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
                "2026-10-08",
                "2026-10-09"
            ]
            .map(d)
        );
        // A weekend alone, a single workday, an empty range.
        assert!(workdays(d("2026-10-03"), d("2026-10-04")).is_empty());
        assert_eq!(
            workdays(d("2026-10-05"), d("2026-10-05")),
            [d("2026-10-05")]
        );
        assert!(workdays(d("2026-10-09"), d("2026-10-01")).is_empty());
        assert_eq!(
            workdays(NaiveDate::MAX, NaiveDate::MAX).len(),
            usize::from(is_workday(NaiveDate::MAX))
        );
    }
}
