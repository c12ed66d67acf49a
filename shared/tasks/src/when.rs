//! Times as staff type them and as tasks store them.
//!
//! A time arrives either as RFC 3339 with its offset (`2026-03-10T15:30:00+08:00`,
//! `2026-03-10T07:30:00Z`) or as a wall-clock reading without one — `2026-03-10T15:30`,
//! `2026-03-10T15:30:00`, `2026-03-10 15:30`, `2026-03-10 15:30:00` — which is China
//! time (UTC+8), as the screens show it. It is stored as RFC 3339 UTC to the second
//! (`2026-03-10T07:30:00Z`), so text order is time order.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use zhanye_platform::time::{CHINA_OFFSET_SECONDS, rfc3339};

/// Longer input is no time of either form.
const MAX_TIME_CHARS: usize = 40;

/// Why text is not a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Empty or blank.
    Missing,
    /// Neither RFC 3339 nor a China-time wall clock.
    Format,
}

/// The instant `text` names, in Unix seconds (fractions of a second dropped).
pub fn parse_time(text: &str) -> Result<i64, TimeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TimeError::Missing);
    }
    if text.len() > MAX_TIME_CHARS {
        return Err(TimeError::Format);
    }
    if let Some(unix) = china_wall_clock(text) {
        return Ok(unix);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| TimeError::Format)
}

/// `YYYY-MM-DD[T ]HH:MM[:SS]` read as China time; `None` for any other shape.
fn china_wall_clock(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 && bytes.len() != 19 {
        return None;
    }
    let shape_fits = bytes.iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        10 => matches!(b, b'T' | b't' | b' '),
        13 | 16 => *b == b':',
        _ => b.is_ascii_digit(),
    });
    if !shape_fits {
        return None;
    }
    let (date, clock) = (&text[..10], &text[11..]);
    let format = if clock.len() == 5 {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    NaiveDateTime::parse_from_str(&format!("{date} {clock}"), format)
        .ok()
        .map(|t| t.and_utc().timestamp() - CHINA_OFFSET_SECONDS)
}

/// How a time is stored and answered.
pub fn stored(unix: i64) -> String {
    rfc3339(unix)
}

/// The instant a China-time day begins, in Unix seconds.
pub fn china_day_start(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
        - CHINA_OFFSET_SECONDS
}

/// Below every stored time.
const BEFORE_ALL: &str = "0000-01-01T00:00:00Z";
/// Above every stored time.
const AFTER_ALL: &str = "9999-12-31T23:59:59Z";

/// The stored-time range `[start, end)` of China-time days `from..=to`; an open end
/// reaches past every stored time.
pub fn day_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (String, String) {
    let start = from.map_or_else(|| BEFORE_ALL.to_owned(), |d| stored(china_day_start(d)));
    let end = match to.and_then(|d| d.succ_opt()) {
        Some(next) => stored(china_day_start(next)),
        None => AFTER_ALL.to_owned(),
    };
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_platform::time::parse_date;

    #[test]
    fn rfc3339_and_china_wall_clocks() {
        // (input, stored UTC)
        let cases: &[(&str, &str)] = &[
            ("2026-03-10T07:30:00Z", "2026-03-10T07:30:00Z"),
            ("2026-03-10T15:30:00+08:00", "2026-03-10T07:30:00Z"),
            ("2026-03-10T07:30:00.987Z", "2026-03-10T07:30:00Z"),
            ("2026-03-10t07:30:00z", "2026-03-10T07:30:00Z"),
            ("2026-03-10T15:30", "2026-03-10T07:30:00Z"),
            ("2026-03-10T15:30:45", "2026-03-10T07:30:45Z"),
            ("2026-03-10 15:30", "2026-03-10T07:30:00Z"),
            ("  2026-03-10 15:30:05 ", "2026-03-10T07:30:05Z"),
            // 07:46 in China is the evening before in UTC.
            ("2014-09-11 07:46:00", "2014-09-10T23:46:00Z"),
            ("2026-01-01 00:00", "2025-12-31T16:00:00Z"),
        ];
        for (input, expected) in cases {
            let unix = parse_time(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(stored(unix), *expected, "{input}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let cases: &[(&str, TimeError)] = &[
            ("", TimeError::Missing),
            ("   ", TimeError::Missing),
            ("2026-03-10", TimeError::Format),
            ("10/09/2014 15:32", TimeError::Format),
            ("2026-3-10 15:30", TimeError::Format),
            ("2026-03-10 25:00", TimeError::Format),
            ("2026-02-30 10:00", TimeError::Format),
            ("2026-03-10T15:30+0800", TimeError::Format),
            ("2026-03-10 15:30:00 +08:00", TimeError::Format),
            ("２０２６-03-10 15:30", TimeError::Format),
            ("+2026-03-10T15:30", TimeError::Format),
            ("tomorrow", TimeError::Format),
            ("1741590000", TimeError::Format),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_time(input), Err(*expected), "{input}");
        }
        assert_eq!(
            parse_time(&"2026-03-10T15:30:00+08:00 ".repeat(3)),
            Err(TimeError::Format)
        );
    }

    #[test]
    fn china_days_as_stored_ranges() {
        let day = |t: &str| parse_date(t).unwrap();
        assert_eq!(
            day_range(Some(day("2026-03-01")), Some(day("2026-03-31"))),
            (
                "2026-02-28T16:00:00Z".to_owned(),
                "2026-03-31T16:00:00Z".to_owned()
            )
        );
        assert_eq!(
            day_range(Some(day("2026-03-10")), Some(day("2026-03-10"))),
            (
                "2026-03-09T16:00:00Z".to_owned(),
                "2026-03-10T16:00:00Z".to_owned()
            )
        );
        let (start, end) = day_range(None, None);
        assert!(
            start.as_str() < "1970" && end.as_str() > "9999-12-31T23",
            "{start} {end}"
        );
    }
}
