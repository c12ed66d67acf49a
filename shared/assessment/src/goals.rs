//! Goals (目标管理, ASSESS-3): targets a lead sets for a member per month, quarter or
//! year. A month's target for an indicator is the month's goal, else the quarter's,
//! else the year's, else the scheme's default. A quarter's or year's goal for a flow
//! (commission, volume, accounts, tasks, contacts) is spread evenly over its months; a
//! level (assets at month end, the check-in rate) applies to every month as it is.

use std::fmt;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use zhanye_customers::month::Month;

use crate::round_score;
use crate::scheme::Indicator;

/// The period a goal is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoalPeriod {
    /// `2026-09`.
    Month(Month),
    /// `2026-Q3`.
    Quarter { year: i32, quarter: u32 },
    /// `2026`.
    Year(i32),
}

impl GoalPeriod {
    pub fn parse(text: &str) -> Option<GoalPeriod> {
        let text = text.trim();
        if let Some((year, quarter)) = text.split_once("-Q") {
            let year = parse_year(year)?;
            let quarter = match quarter {
                "1" | "2" | "3" | "4" => quarter.parse().ok()?,
                _ => return None,
            };
            return Some(GoalPeriod::Quarter { year, quarter });
        }
        if text.len() == 4 {
            return parse_year(text).map(GoalPeriod::Year);
        }
        Month::parse(text).map(GoalPeriod::Month)
    }

    /// The three periods whose goals can set `month`'s target, most specific first.
    pub fn covering(month: Month) -> [GoalPeriod; 3] {
        let day = month.first_day();
        [
            GoalPeriod::Month(month),
            GoalPeriod::Quarter {
                year: day.year(),
                quarter: (day.month() - 1) / 3 + 1,
            },
            GoalPeriod::Year(day.year()),
        ]
    }

    /// How many months the period spans.
    pub fn months(self) -> u32 {
        match self {
            GoalPeriod::Month(_) => 1,
            GoalPeriod::Quarter { .. } => 3,
            GoalPeriod::Year(_) => 12,
        }
    }
}

fn parse_year(text: &str) -> Option<i32> {
    let year: i32 = (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())??;
    (1900..=9999).contains(&year).then_some(year)
}

impl fmt::Display for GoalPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoalPeriod::Month(month) => write!(f, "{month}"),
            GoalPeriod::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            GoalPeriod::Year(year) => write!(f, "{year:04}"),
        }
    }
}

/// Whether an indicator is a level at month end rather than a flow over the month.
pub fn is_level(indicator: Indicator) -> bool {
    matches!(
        indicator,
        Indicator::StockAssets | Indicator::NewAssets | Indicator::CheckinRate
    )
}

/// Where a month's target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    MonthGoal,
    QuarterGoal,
    YearGoal,
    Scheme,
}

/// `month`'s target for `indicator`: `goal(period)` answers the goal set for a period,
/// if any; `default` is the scheme's.
pub fn monthly_target(
    indicator: Indicator,
    month: Month,
    goal: impl Fn(GoalPeriod) -> Option<Decimal>,
    default: Decimal,
) -> (Decimal, TargetSource) {
    let sources = [
        TargetSource::MonthGoal,
        TargetSource::QuarterGoal,
        TargetSource::YearGoal,
    ];
    for (period, source) in GoalPeriod::covering(month).into_iter().zip(sources) {
        if let Some(target) = goal(period) {
            let target = if is_level(indicator) {
                target
            } else {
                round_score(target / Decimal::from(period.months()))
            };
            return (target, source);
        }
    }
    (default, TargetSource::Scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn periods_parse_and_print() {
        for text in ["2026-09", "2026-Q3", "2026"] {
            assert_eq!(GoalPeriod::parse(text).unwrap().to_string(), text);
        }
        for bad in ["2026-Q5", "2026-13", "26", "2026-Q", "Q3-2026", "", "20261"] {
            assert_eq!(GoalPeriod::parse(bad), None, "{bad}");
        }
        let covering = GoalPeriod::covering(Month::parse("2026-08").unwrap());
        assert_eq!(
            covering.map(|p| p.to_string()),
            ["2026-08", "2026-Q3", "2026"]
        );
    }

    #[test]
    fn targets_come_from_the_most_specific_goal() {
        let august = Month::parse("2026-08").unwrap();
        let goals = |set: &'static [(&'static str, &'static str)]| {
            move |period: GoalPeriod| {
                set.iter()
                    .find(|(p, _)| GoalPeriod::parse(p) == Some(period))
                    .map(|(_, t)| d(t))
            }
        };
        use Indicator::*;
        for (indicator, set, expected, source) in [
            (
                NetCommission,
                &[("2026-08", "9000"), ("2026-Q3", "30000"), ("2026", "1")][..],
                "9000",
                TargetSource::MonthGoal,
            ),
            (
                NetCommission,
                &[("2026-Q3", "30000"), ("2026", "1")][..],
                "10000",
                TargetSource::QuarterGoal,
            ),
            (
                NetCommission,
                &[("2026", "100000")][..],
                "8333.33",
                TargetSource::YearGoal,
            ),
            (
                StockAssets,
                &[("2026", "5000000")][..],
                "5000000",
                TargetSource::YearGoal,
            ),
            (
                CheckinRate,
                &[("2026-Q3", "0.9")][..],
                "0.9",
                TargetSource::QuarterGoal,
            ),
            (
                TasksDone,
                &[("2026-07", "9")][..],
                "12",
                TargetSource::Scheme,
            ),
        ] {
            assert_eq!(
                monthly_target(indicator, august, goals(set), d("12")),
                (d(expected), source),
                "{indicator:?} {set:?}"
            );
        }
    }
}
