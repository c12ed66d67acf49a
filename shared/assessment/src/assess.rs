//! One staff member's month, assessed (ASSESS-2..5): from the month-end figures and
//! the month's activity to each indicator's points, each deduction with its reason,
//! the score and the itemised pay.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use zhanye_money::Money;

use crate::deductions::{Deduction, DeductionKind, deduction};
use crate::goals::TargetSource;
use crate::pay::{PayStatement, statement};
use crate::scheme::{Indicator, SchemeRules};
use crate::score::{IndicatorScore, month_score};

/// The HOME-1 figures of the staff member's customers at month end (客户基本情况).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub stock_count: i64,
    pub stock_assets: Money,
    pub stock_daily_average: Money,
    pub stock_net_profit: Money,
    pub stock_volume: Money,
    pub stock_effective_count: i64,
    pub new_count: i64,
    pub new_assets: Money,
    pub new_net_profit: Money,
    pub new_volume: Money,
    pub new_effective_count: i64,
    pub new_effective_assets: Money,
    pub new_effective_daily_average: Money,
    pub new_effective_net_profit: Money,
    pub new_effective_volume: Money,
    pub lost_count: i64,
    pub lost_assets: Money,
}

impl MonthFigures {
    /// 净佣金: the month's net commission of stock and incremental customers.
    pub fn net_commission(&self) -> Money {
        self.stock_net_profit + self.new_net_profit
    }

    /// 交易量: the month's volume of stock and incremental customers.
    pub fn volume(&self) -> Money {
        self.stock_volume + self.new_volume
    }
}

/// What the staff member did in the month, and the lapses the scheme deducts for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthActivity {
    /// Customers of theirs that became effective (转有效) in the month.
    pub new_effective: u32,
    /// Marketing tasks executed in the month.
    pub tasks_done: u32,
    /// Contact records they made in the month.
    pub contacts: u32,
    /// Working days of the month with a check-in.
    pub checkin_days: u32,
    /// Working days of the month (Monday to Friday).
    pub working_days: u32,
    /// Complaints they received whose 3-day deadline fell in the month unanswered.
    pub complaints_overdue: u32,
    /// Their customers with no contact record in the month.
    pub customers_not_contacted: u32,
}

impl MonthActivity {
    /// 签到率, to four places; a month without working days counts as fully attended.
    pub fn checkin_rate(&self) -> Decimal {
        if self.working_days == 0 {
            return Decimal::ONE;
        }
        (Decimal::from(self.checkin_days) / Decimal::from(self.working_days)).round_dp(4)
    }

    pub fn count(&self, kind: DeductionKind) -> u32 {
        match kind {
            DeductionKind::MissedCheckins => self.working_days.saturating_sub(self.checkin_days),
            DeductionKind::ComplaintsOverdue => self.complaints_overdue,
            DeductionKind::CustomersNotContacted => self.customers_not_contacted,
        }
    }
}

/// An indicator's actual figure: money in yuan, counts, the check-in rate as a fraction.
pub fn actual(indicator: Indicator, figures: &MonthFigures, activity: &MonthActivity) -> Decimal {
    match indicator {
        Indicator::StockAssets => figures.stock_assets.to_decimal(),
        Indicator::NewAssets => figures.new_assets.to_decimal(),
        Indicator::NetCommission => figures.net_commission().to_decimal(),
        Indicator::TradingVolume => figures.volume().to_decimal(),
        Indicator::NewEffectiveAccounts => Decimal::from(activity.new_effective),
        Indicator::TasksDone => Decimal::from(activity.tasks_done),
        Indicator::Contacts => Decimal::from(activity.contacts),
        Indicator::CheckinRate => activity.checkin_rate(),
    }
}

/// An indicator's line with where its target came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorLine {
    #[serde(flatten)]
    pub score: IndicatorScore,
    pub target_source: TargetSource,
}

/// The month assessed: what the score sheet and the income statement show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub indicators: Vec<IndicatorLine>,
    pub deductions: Vec<Deduction>,
    pub gross: Decimal,
    pub deducted: Decimal,
    pub score: Decimal,
    pub pay: PayStatement,
}

/// Assesses a month under `rules`; `target(indicator)` answers the month's target and
/// where it came from (see [`crate::goals::monthly_target`]).
pub fn assess(
    rules: &SchemeRules,
    figures: &MonthFigures,
    activity: &MonthActivity,
    target: impl Fn(Indicator) -> (Decimal, TargetSource),
) -> Assessment {
    let deductions: Vec<Deduction> = rules
        .deductions
        .iter()
        .filter_map(|rule| deduction(rule, activity.count(rule.kind)))
        .collect();
    let sheet = month_score(
        &rules.indicators,
        |indicator| (actual(indicator, figures, activity), target(indicator).0),
        deductions,
    );
    let pay_deductions: Vec<(Money, String, String)> = sheet
        .deductions
        .iter()
        .map(|d| {
            let fen = (Decimal::from(rules.pay.per_deduction_point.fen()) * d.points)
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            let amount = Money::from_fen(i64::try_from(fen).unwrap_or(i64::MAX));
            let zh = format!("{}（扣{}分）", d.reason_zh, d.points.normalize());
            let en = format!("{} ({} points)", d.reason_en, d.points.normalize());
            (amount, zh, en)
        })
        .filter(|(amount, _, _)| amount.fen() != 0)
        .collect();
    let pay = statement(
        &rules.pay,
        figures.net_commission(),
        activity.new_effective,
        &pay_deductions,
    );
    Assessment {
        indicators: sheet
            .indicators
            .into_iter()
            .map(|score| {
                let target_source = target(score.indicator).1;
                IndicatorLine {
                    score,
                    target_source,
                }
            })
            .collect(),
        deductions: sheet.deductions,
        gross: sheet.gross,
        deducted: sheet.deducted,
        score: sheet.score,
        pay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn yuan(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    /// The default scheme documented in README.
    fn rules() -> SchemeRules {
        serde_json::from_str(
            r#"{
            "indicators": [
                {"indicator": "net_commission", "weight": "0.4", "cap": "1.5", "target": "20000"},
                {"indicator": "new_effective_accounts", "weight": "0.2", "cap": "1.5", "target": "2"},
                {"indicator": "tasks_done", "weight": "0.15", "cap": "1.2", "target": "8"},
                {"indicator": "contacts", "weight": "0.15", "cap": "1.2", "target": "20"},
                {"indicator": "checkin_rate", "weight": "0.1", "cap": "1", "target": "1"}
            ],
            "deductions": [
                {"kind": "missed_checkins", "points_each": "1", "cap": "5"},
                {"kind": "complaints_overdue", "points_each": "5", "cap": "20"},
                {"kind": "customers_not_contacted", "points_each": "0.1", "cap": "5"}
            ],
            "rank_review": {"promote": "90", "demote": "60"},
            "pay": {"base": "3000.00", "commission_share": "0.3",
                    "bonus_per_new_effective": "200.00", "per_deduction_point": "20.00"}
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn a_month_is_assessed_from_figures_and_activity() {
        let figures = MonthFigures {
            stock_net_profit: yuan("15000.00"),
            new_net_profit: yuan("3000.00"),
            ..MonthFigures::default()
        };
        let activity = MonthActivity {
            new_effective: 3,
            tasks_done: 6,
            contacts: 30,
            checkin_days: 20,
            working_days: 22,
            complaints_overdue: 1,
            customers_not_contacted: 12,
        };
        let assessed = assess(&rules(), &figures, &activity, |i| {
            let scheme = rules();
            let rule = scheme.indicators.iter().find(|r| r.indicator == i).unwrap();
            (rule.target, TargetSource::Scheme)
        });
        // 18000/20000 = 0.9 → 36; 3/2 = 1.5 → 30; 6/8 = 0.75 → 11.25; 30/20 capped at
        // 1.2 → 18; 20/22 = 0.9091 → 9.09. Gross 104.34.
        let points: Vec<Decimal> = assessed.indicators.iter().map(|l| l.score.points).collect();
        assert_eq!(points, [d("36"), d("30"), d("11.25"), d("18"), d("9.09")]);
        assert_eq!(assessed.gross, d("104.34"));
        // 2 missed days → 2; 1 complaint → 5; 12 customers → 1.2. Deducted 8.2.
        let deducted: Vec<Decimal> = assessed.deductions.iter().map(|x| x.points).collect();
        assert_eq!(deducted, [d("2"), d("5"), d("1.2")]);
        assert_eq!(assessed.score, d("96.14"));
        // Pay: 3000 + 18000 × 30% + 3 × 200 − (2 + 5 + 1.2) × 20.
        let amounts: Vec<Money> = assessed.pay.lines.iter().map(|l| l.amount).collect();
        assert_eq!(
            amounts,
            [
                yuan("3000.00"),
                yuan("5400.00"),
                yuan("600.00"),
                yuan("-40.00"),
                yuan("-100.00"),
                yuan("-24.00")
            ]
        );
        assert_eq!(assessed.pay.total, yuan("8836.00"));
        assert_eq!(
            assessed.pay.lines[3].label_zh,
            "扣减：本月2个工作日未签到（扣2分）"
        );
    }

    #[test]
    fn a_perfect_quiet_month_loses_nothing() {
        let activity = MonthActivity {
            checkin_days: 0,
            working_days: 0,
            ..MonthActivity::default()
        };
        assert_eq!(activity.checkin_rate(), Decimal::ONE);
        assert_eq!(activity.count(DeductionKind::MissedCheckins), 0);
        let assessed = assess(&rules(), &MonthFigures::default(), &activity, |_| {
            (Decimal::ZERO, TargetSource::Scheme)
        });
        assert!(assessed.deductions.is_empty());
        // Only the check-in rate, with no target, counts as met.
        assert_eq!(assessed.score, d("10"));
        assert_eq!(assessed.pay.total, yuan("3000.00"));
    }
}
