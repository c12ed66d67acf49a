//! ASSESS-3: Score = Σ weight × min(actual / target, cap) × 100 − deductions.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::deductions::Deduction;
use crate::round_score;
use crate::scheme::{Indicator, IndicatorRule};

/// One indicator's line on the score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub indicator: Indicator,
    pub actual: Decimal,
    pub target: Decimal,
    pub weight: Decimal,
    pub cap: Decimal,
    /// min(actual / target, cap), before weighting.
    pub attainment: Decimal,
    /// weight × attainment × 100, rounded.
    pub points: Decimal,
}

/// The month's score: each indicator, each deduction, the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthScore {
    pub indicators: Vec<IndicatorScore>,
    pub deductions: Vec<Deduction>,
    /// Σ indicator points.
    pub gross: Decimal,
    /// Σ deduction points.
    pub deducted: Decimal,
    /// gross − deducted. It may go below zero: deductions are not forgiven.
    pub score: Decimal,
}

/// How much of its target an indicator reached, capped. A target of zero or less means
/// no goal was set for it: whatever was done counts as met (attainment 1, capped),
/// nothing done as 0. A negative actual (a loss) attains nothing.
pub fn attainment(actual: Decimal, target: Decimal, cap: Decimal) -> Decimal {
    let ratio = if target <= Decimal::ZERO {
        if actual > Decimal::ZERO {
            Decimal::ONE
        } else {
            Decimal::ZERO
        }
    } else {
        (actual / target).max(Decimal::ZERO)
    };
    ratio.min(cap)
}

/// One indicator's points.
pub fn indicator_score(rule: &IndicatorRule, actual: Decimal, target: Decimal) -> IndicatorScore {
    let attainment = attainment(actual, target, rule.cap);
    IndicatorScore {
        indicator: rule.indicator,
        actual,
        target,
        weight: rule.weight,
        cap: rule.cap,
        attainment: (round_score(attainment * Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED)
            .normalize(),
        points: round_score(rule.weight * attainment * Decimal::ONE_HUNDRED),
    }
}

/// The month's score from the scheme's rules, each indicator's actual and target
/// (`figures(indicator) → (actual, target)`), and the deductions.
pub fn month_score(
    rules: &[IndicatorRule],
    figures: impl Fn(Indicator) -> (Decimal, Decimal),
    deductions: Vec<Deduction>,
) -> MonthScore {
    let indicators: Vec<IndicatorScore> = rules
        .iter()
        .map(|rule| {
            let (actual, target) = figures(rule.indicator);
            indicator_score(rule, actual, target)
        })
        .collect();
    let gross: Decimal = indicators.iter().map(|i| i.points).sum();
    let deducted: Decimal = deductions.iter().map(|d| d.points).sum();
    MonthScore {
        indicators,
        deductions,
        gross,
        deducted,
        score: gross - deducted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deductions::{DeductionKind, DeductionRule, deduction};

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn attainment_is_capped_and_never_negative() {
        for (actual, target, cap, expected) in [
            ("50", "100", "1.5", "0.5"),
            ("100", "100", "1.5", "1"),
            ("180", "100", "1.5", "1.5"),
            ("180", "100", "1", "1"),
            ("-20", "100", "1.5", "0"),
            ("0", "100", "1.5", "0"),
            ("7", "0", "1.5", "1"),
            ("0", "0", "1.5", "0"),
            ("1", "3", "1.2", "0.3333333333333333333333333333"),
        ] {
            assert_eq!(
                attainment(d(actual), d(target), d(cap)),
                d(expected),
                "{actual}/{target} cap {cap}"
            );
        }
    }

    #[test]
    fn a_month_is_scored_as_the_formula_says() {
        use Indicator::*;
        let rules = [
            IndicatorRule {
                indicator: NetCommission,
                weight: d("0.4"),
                cap: d("1.5"),
                target: Decimal::ZERO,
            },
            IndicatorRule {
                indicator: NewEffectiveAccounts,
                weight: d("0.3"),
                cap: d("1.2"),
                target: Decimal::ZERO,
            },
            IndicatorRule {
                indicator: TasksDone,
                weight: d("0.2"),
                cap: d("1"),
                target: Decimal::ZERO,
            },
            IndicatorRule {
                indicator: CheckinRate,
                weight: d("0.1"),
                cap: d("1"),
                target: Decimal::ZERO,
            },
        ];
        // Commission 24,000 of 20,000 (1.2 → 48 points); 5 of 4 accounts (capped at 1.2
        // → 36); 9 of 12 tasks (0.75 → 15); 20 of 22 check-in days (0.909… → 9.09).
        let figures = |i: Indicator| match i {
            NetCommission => (d("24000"), d("20000")),
            NewEffectiveAccounts => (d("5"), d("4")),
            TasksDone => (d("9"), d("12")),
            CheckinRate => (d("20") / d("22"), d("1")),
            _ => (d("0"), d("0")),
        };
        let missed = DeductionRule {
            kind: DeductionKind::MissedCheckins,
            points_each: d("0.5"),
            cap: d("5"),
        };
        let deductions = vec![deduction(&missed, 2).unwrap()];
        let month = month_score(&rules, figures, deductions);
        let points: Vec<Decimal> = month.indicators.iter().map(|i| i.points).collect();
        assert_eq!(points, [d("48"), d("36"), d("15"), d("9.09")]);
        assert_eq!(month.indicators[2].attainment, d("0.75"));
        assert_eq!(month.gross, d("108.09"));
        assert_eq!(month.deducted, d("1"));
        assert_eq!(month.score, d("107.09"));
    }

    #[test]
    fn deductions_may_take_a_score_below_zero() {
        let rules = [IndicatorRule {
            indicator: Indicator::Contacts,
            weight: d("1"),
            cap: d("1"),
            target: Decimal::ZERO,
        }];
        let rule = DeductionRule {
            kind: DeductionKind::ComplaintsOverdue,
            points_each: d("10"),
            cap: d("30"),
        };
        let month = month_score(
            &rules,
            |_| (d("1"), d("10")),
            vec![deduction(&rule, 5).unwrap()],
        );
        assert_eq!(
            (month.gross, month.deducted, month.score),
            (d("10"), d("30"), d("-20"))
        );
    }
}
