//! A business month (考核月份) in China time, stored as INTEGER `yyyymm`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A calendar month, e.g. 2014-08 (stored as `201408`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then_some(Month { year, month })
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = zhanye_platform::time::parse_month(text)?;
        Month::new(year, month)
    }

    /// The stored form, `yyyymm`.
    pub fn from_stored(value: i64) -> Option<Month> {
        let year = i32::try_from(value / 100).ok()?;
        let month = u32::try_from(value % 100).ok()?;
        Month::new(year, month)
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn stored(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// This month and the `count - 1` before it, newest first.
    pub fn last(self, count: usize) -> Vec<Month> {
        std::iter::successors(Some(self), |m| Some(m.previous()))
            .take(count)
            .collect()
    }

    /// "2014年08月", as HOME-1's heading writes it.
    pub fn chinese(self) -> String {
        format!("{}年{:02}月", self.year, self.month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_store_and_step() {
        let m = Month::parse("2014-08").unwrap();
        assert_eq!(m.stored(), 201408);
        assert_eq!(Month::from_stored(201408), Some(m));
        assert_eq!(m.to_string(), "2014-08");
        assert_eq!(m.chinese(), "2014年08月");
        assert_eq!(m.last_day().to_string(), "2014-08-31");
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Month::parse("2014-12").unwrap().next().to_string(),
            "2015-01"
        );
        let six: Vec<String> = Month::parse("2014-03")
            .unwrap()
            .last(6)
            .iter()
            .map(Month::to_string)
            .collect();
        assert_eq!(
            six,
            [
                "2014-03", "2014-02", "2014-01", "2013-12", "2013-11", "2013-10"
            ]
        );
        assert_eq!(Month::parse("2014-13"), None);
        assert_eq!(Month::from_stored(201400), None);
    }
}
