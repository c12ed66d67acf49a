//! The assessed month in China time (考核月份): its working days, its bounds as stored
//! UTC times, its quarter.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use zhanye_customers::month::Month;

/// Monday to Friday of `month`. Public holidays are not known to the platform, so a
/// holiday on a weekday counts as a working day (a check-in on it is still counted).
pub fn working_days(month: Month) -> Vec<NaiveDate> {
    month
        .first_day()
        .iter_days()
        .take_while(|day| *day <= month.last_day())
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

/// The month's start and the next month's start, China time, as stored UTC times
/// (`2026-08-31T16:00:00Z`), for `[start, end)` ranges over RFC 3339 UTC columns.
pub fn utc_bounds(month: Month) -> (String, String) {
    (
        china_midnight_utc(month.first_day()),
        china_midnight_utc(month.next().first_day()),
    )
}

fn china_midnight_utc(day: NaiveDate) -> String {
    let utc = day.and_hms_opt(0, 0, 0).expect("midnight") - Duration::hours(8);
    utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether `month` ends a quarter (March, June, September, December): the rank review
/// (职级考核) runs with it.
pub fn ends_quarter(month: Month) -> bool {
    month.first_day().month().is_multiple_of(3)
}

/// The quarter's three months, oldest first, for a quarter-end `month`.
pub fn quarter_months(month: Month) -> [Month; 3] {
    let before = month.previous();
    [before.previous(), before, month]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_working_days_bounds_and_quarters() {
        let october = Month::parse("2026-10").unwrap();
        // 2026-10-01 is a Thursday: 22 weekdays.
        assert_eq!(working_days(october).len(), 22);
        assert_eq!(working_days(Month::parse("2026-02").unwrap()).len(), 20);
        assert_eq!(
            utc_bounds(october),
            (
                "2026-09-30T16:00:00Z".to_owned(),
                "2026-10-31T16:00:00Z".to_owned()
            )
        );
        let december = Month::parse("2026-12").unwrap();
        assert_eq!(utc_bounds(december).1, "2026-12-31T16:00:00Z");
        assert!(ends_quarter(Month::parse("2026-09").unwrap()));
        assert!(!ends_quarter(october));
        assert_eq!(
            quarter_months(december).map(|m| m.to_string()),
            ["2026-10", "2026-11", "2026-12"]
        );
    }
}
