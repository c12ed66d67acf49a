//! Wall-clock time as the app records it, and business dates in China time (UTC+8, no
//! daylight saving): a business day runs from 00:00 to 24:00 Beijing time, which is
//! 16:00 UTC the day before to 16:00 UTC.

use chrono::{DateTime, Datelike, NaiveDate};
use std::time::{SystemTime, UNIX_EPOCH};

/// China time's offset from UTC, in seconds.
pub const CHINA_OFFSET_SECONDS: i64 = 8 * 3600;
const DAY_SECONDS: i64 = 24 * 3600;

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Now as RFC 3339 UTC (`2025-01-31T08:00:00Z`), the format of every stored timestamp.
pub fn now_rfc3339() -> String {
    zhanye_migrations::rfc3339_utc(now_unix())
}

/// A Unix time as RFC 3339 UTC.
pub fn rfc3339(unix: i64) -> String {
    zhanye_migrations::rfc3339_utc(unix)
}

/// The China-time business day of a Unix time.
pub fn china_date(unix: i64) -> NaiveDate {
    let days = (unix + CHINA_OFFSET_SECONDS).div_euclid(DAY_SECONDS);
    DateTime::from_timestamp(days * DAY_SECONDS, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Seconds from `unix` until the next China-time day begins (1 ..= 86400).
pub fn seconds_to_china_midnight(unix: i64) -> u64 {
    let into_day = (unix + CHINA_OFFSET_SECONDS).rem_euclid(DAY_SECONDS);
    u64::try_from(DAY_SECONDS - into_day).unwrap_or(1)
}

/// Parses a business month, `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    if !(year.bytes().all(|b| b.is_ascii_digit()) && month.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (year, month) = (year.parse().ok()?, month.parse().ok()?);
    ((1..=12).contains(&month) && year >= 1900).then_some((year, month))
}

/// Parses a business day, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `YYYY-MM` of a date.
pub fn month_of(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn now_is_rfc3339_utc() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
        assert!(now.as_str() > "2025-01-01T00:00:00Z", "{now}");
    }

    #[test]
    fn china_days_turn_at_16_utc() {
        // 2026-11-21T15:59:59Z is 23:59:59 on the 21st in Beijing; one second later it is
        // the 22nd.
        let before = 1_763_740_799;
        assert_eq!(rfc3339(before), "2025-11-21T15:59:59Z");
        let cases: &[(i64, &str)] = &[
            (before, "2025-11-21"),
            (before + 1, "2025-11-22"),
            (before - 16 * 3600, "2025-11-21"),
            (before - 86_400 + 1, "2025-11-21"),
            (before - 86_400, "2025-11-20"),
            (0, "1970-01-01"),
            (-8 * 3600, "1970-01-01"),
            (-8 * 3600 - 1, "1969-12-31"),
        ];
        for (unix, expected) in cases {
            assert_eq!(china_date(*unix), date(expected), "{unix}");
        }
        assert_eq!(seconds_to_china_midnight(before), 1);
        assert_eq!(seconds_to_china_midnight(before + 1), 86_400);
        assert_eq!(seconds_to_china_midnight(before - 3599), 3600);
    }

    #[test]
    fn months_and_dates() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        assert_eq!(parse_month("2026-01"), Some((2026, 1)));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "",
            "２０２６-11",
            "+026-11",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-11-22"), Some(date("2026-11-22")));
        for bad in [
            "2026-11-31",
            "2026-2-01",
            "2026-11-22T00:00",
            "",
            "yesterday",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(month_of(date("2026-03-09")), "2026-03");
    }
}
