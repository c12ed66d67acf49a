//! 每日签到 (CHECKIN): channels and the month view of days in and days missed.
//!
//! Workdays are Monday to Friday (public holidays are not modelled yet). A workday
//! before today without a check-in is missed; today counts once checked in, so the rate
//! does not drop in the morning before people sign in.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::Serialize;

/// Where a check-in came from (CHECKIN-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Mobile,
    Desktop,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mobile => "mobile",
            Channel::Desktop => "desktop",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "mobile" => Some(Channel::Mobile),
            "desktop" => Some(Channel::Desktop),
            _ => None,
        }
    }

    /// The channel a client did not name, guessed from its `User-Agent`.
    pub fn from_user_agent(user_agent: Option<&str>) -> Channel {
        let ua = user_agent.unwrap_or_default();
        let mobile = [
            "Mobi",
            "Android",
            "iPhone",
            "iPad",
            "MicroMessenger",
            "HarmonyOS",
        ];
        if mobile.iter().any(|marker| ua.contains(marker)) {
            Channel::Mobile
        } else {
            Channel::Desktop
        }
    }
}

/// Whether a day is a workday (Monday to Friday).
pub fn is_workday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first and last day of a month.
pub fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// Workdays that count toward the rate on `today` within a month starting `first`:
/// the workdays from `first` up to the day before `today`, plus `today` if it is a
/// workday that has been checked in.
pub fn workdays_due(first: NaiveDate, today: NaiveDate, checked_in_today: bool) -> i64 {
    let mut due = 0;
    let mut day = first;
    while day < today {
        if is_workday(day) {
            due += 1;
        }
        day = day + Days::new(1);
    }
    if today >= first && is_workday(today) && checked_in_today {
        due += 1;
    }
    due
}

/// Checked-in workdays over due workdays, 4 decimal places; `None` when none is due.
pub fn attendance_rate(checked_in_workdays: i64, due: i64) -> Option<Decimal> {
    if due <= 0 {
        return None;
    }
    let mut rate = Decimal::from(checked_in_workdays.min(due)) / Decimal::from(due);
    rate.rescale(4);
    Some(rate)
}

/// One day of the month view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayStatus {
    pub date: NaiveDate,
    pub status: DayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    CheckedIn,
    Missed,
    /// Today, not checked in yet.
    Pending,
    /// A weekend day without a check-in.
    Rest,
    Future,
}

/// The month view (CHECKIN-3) for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthView {
    pub days: Vec<DayStatus>,
    pub days_checked_in: i64,
    pub days_missed: i64,
    pub workdays_due: i64,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub attendance_rate: Option<Decimal>,
}

/// Builds the view of the month `[first, last]` on `today` from the days checked in.
pub fn month_view(
    first: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
    checked_in: &[NaiveDate],
) -> MonthView {
    let mut days = Vec::new();
    let (mut days_checked_in, mut days_missed, mut workday_checkins) = (0, 0, 0);
    let mut day = first;
    while day <= last {
        let is_in = checked_in.contains(&day);
        let status = if is_in {
            days_checked_in += 1;
            if is_workday(day) {
                workday_checkins += 1;
            }
            DayKind::CheckedIn
        } else if day > today {
            DayKind::Future
        } else if !is_workday(day) {
            DayKind::Rest
        } else if day == today {
            DayKind::Pending
        } else {
            days_missed += 1;
            DayKind::Missed
        };
        days.push(DayStatus { date: day, status });
        day = day + Days::new(1);
    }
    let due = workdays_due(
        first,
        today.min(last + Days::new(1)),
        checked_in.contains(&today),
    );
    MonthView {
        days,
        days_checked_in,
        days_missed,
        workdays_due: due,
        attendance_rate: attendance_rate(workday_checkins, due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn channels() {
        assert_eq!(Channel::parse("mobile"), Some(Channel::Mobile));
        assert_eq!(Channel::parse("Mobile"), None);
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
        assert_eq!(Channel::from_user_agent(Some(iphone)), Channel::Mobile);
        assert_eq!(
            Channel::from_user_agent(Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")),
            Channel::Desktop
        );
        assert_eq!(Channel::from_user_agent(None), Channel::Desktop);
    }

    #[test]
    fn months() {
        assert_eq!(
            month_bounds(2026, 2),
            Some((d("2026-02-01"), d("2026-02-28")))
        );
        assert_eq!(
            month_bounds(2028, 2),
            Some((d("2028-02-01"), d("2028-02-29")))
        );
        assert_eq!(
            month_bounds(2026, 12),
            Some((d("2026-12-01"), d("2026-12-31")))
        );
        assert_eq!(month_bounds(2026, 13), None);
    }

    #[test]
    fn due_workdays() {
        // November 2026 starts on a Sunday.
        let first = d("2026-11-01");
        assert_eq!(workdays_due(first, d("2026-11-01"), false), 0);
        assert_eq!(workdays_due(first, d("2026-11-02"), false), 0);
        assert_eq!(workdays_due(first, d("2026-11-02"), true), 1);
        assert_eq!(workdays_due(first, d("2026-11-09"), false), 5);
        assert_eq!(workdays_due(first, d("2026-11-22"), true), 15);
    }

    #[test]
    fn rates() {
        assert_eq!(attendance_rate(0, 0), None);
        assert_eq!(attendance_rate(3, 4).unwrap().to_string(), "0.7500");
        assert_eq!(attendance_rate(2, 3).unwrap().to_string(), "0.6667");
        assert_eq!(attendance_rate(5, 4).unwrap().to_string(), "1.0000");
    }

    #[test]
    fn month_view_on_a_day() {
        // On Wednesday 2026-11-04, checked in on Sunday the 1st and Monday the 2nd.
        let (first, last) = month_bounds(2026, 11).unwrap();
        let view = month_view(
            first,
            last,
            d("2026-11-04"),
            &[d("2026-11-01"), d("2026-11-02")],
        );
        let status = |day: &str| view.days.iter().find(|s| s.date == d(day)).unwrap().status;
        assert_eq!(view.days.len(), 30);
        assert_eq!(status("2026-11-01"), DayKind::CheckedIn);
        assert_eq!(status("2026-11-02"), DayKind::CheckedIn);
        assert_eq!(status("2026-11-03"), DayKind::Missed);
        assert_eq!(status("2026-11-04"), DayKind::Pending);
        assert_eq!(status("2026-11-05"), DayKind::Future);
        assert_eq!(view.days_checked_in, 2);
        assert_eq!(view.days_missed, 1);
        assert_eq!(view.workdays_due, 2);
        assert_eq!(view.attendance_rate.unwrap().to_string(), "0.5000");
    }

    #[test]
    fn past_and_future_months() {
        let (first, last) = month_bounds(2026, 10).unwrap();
        let past = month_view(first, last, d("2026-11-22"), &[]);
        assert_eq!(past.days_missed, 22);
        assert_eq!(past.workdays_due, 22);
        assert_eq!(past.attendance_rate.unwrap().to_string(), "0.0000");
        let (first, last) = month_bounds(2026, 12).unwrap();
        let future = month_view(first, last, d("2026-11-22"), &[]);
        assert_eq!((future.days_missed, future.workdays_due), (0, 0));
        assert_eq!(future.attendance_rate, None);
        assert!(future.days.iter().all(|s| s.status == DayKind::Future));
    }
}
