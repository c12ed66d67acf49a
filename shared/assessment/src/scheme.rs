//! An assessment scheme's indicators (考核指标) and what makes one acceptable: weights
//! that add up to 100%, positive caps, no indicator twice (ASSESS-3).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::deductions::{DeductionKind, DeductionRule};
use crate::pay::PayRule;
use crate::rank::RankThresholds;

/// What a staff member is measured on (ASSESS-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 存量客户资产: the stock customers' assets at month end (HOME-1).
    StockAssets,
    /// 增量客户资产: the incremental customers' assets at month end.
    NewAssets,
    /// 净佣金: the month's net commission of the staff member's customers.
    NetCommission,
    /// 交易量: the month's trading volume.
    TradingVolume,
    /// 新增有效户: customers that became effective in the month.
    NewEffectiveAccounts,
    /// 完成任务数: marketing tasks done in the month (TASK-3).
    TasksDone,
    /// 沟通次数: contact records made in the month (CUST-5).
    Contacts,
    /// 签到率: check-in days over working days (CHECKIN).
    CheckinRate,
}

impl Indicator {
    pub const ALL: [Indicator; 8] = [
        Indicator::StockAssets,
        Indicator::NewAssets,
        Indicator::NetCommission,
        Indicator::TradingVolume,
        Indicator::NewEffectiveAccounts,
        Indicator::TasksDone,
        Indicator::Contacts,
        Indicator::CheckinRate,
    ];

    /// The Chinese and English names.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Indicator::StockAssets => ("存量客户资产", "Stock customers' assets"),
            Indicator::NewAssets => ("增量客户资产", "Incremental customers' assets"),
            Indicator::NetCommission => ("净佣金", "Net commission"),
            Indicator::TradingVolume => ("交易量", "Trading volume"),
            Indicator::NewEffectiveAccounts => ("新增有效户", "New effective accounts"),
            Indicator::TasksDone => ("完成任务数", "Tasks done"),
            Indicator::Contacts => ("客户沟通次数", "Customer contacts"),
            Indicator::CheckinRate => ("签到率", "Check-in rate"),
        }
    }
}

/// One indicator of a scheme: its weight (a share of the whole, `0.30` for 30%), its
/// cap (the most of its target that counts, `1.2` for 120%) and the monthly target used
/// when no goal (目标) was set for the staff member (money in yuan, rates as fractions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorRule {
    pub indicator: Indicator,
    pub weight: Decimal,
    pub cap: Decimal,
    #[serde(default)]
    pub target: Decimal,
}

/// A whole scheme (考核方案) for one rank from one month on: what is measured, what is
/// deducted, when the rank moves, and how pay is made up (ASSESS-2..5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeRules {
    pub indicators: Vec<IndicatorRule>,
    #[serde(default)]
    pub deductions: Vec<DeductionRule>,
    pub rank_review: RankThresholds,
    pub pay: PayRule,
}

impl SchemeRules {
    /// Every reason these rules cannot be a scheme; empty when they can.
    pub fn check(&self) -> Vec<SchemeError> {
        let mut errors = check_indicators(&self.indicators);
        for rule in &self.indicators {
            if rule.target < Decimal::ZERO {
                errors.push(SchemeError::BadTarget(rule.indicator));
            }
        }
        for (i, rule) in self.deductions.iter().enumerate() {
            if self.deductions[..i].iter().any(|r| r.kind == rule.kind) {
                errors.push(SchemeError::RepeatedDeduction(rule.kind));
            }
            if rule.points_each < Decimal::ZERO || rule.cap < Decimal::ZERO {
                errors.push(SchemeError::BadDeduction(rule.kind));
            }
        }
        if self.rank_review.demote > self.rank_review.promote {
            errors.push(SchemeError::ThresholdsCrossed);
        }
        let pay = &self.pay;
        if pay.base.fen() < 0
            || pay.bonus_per_new_effective.fen() < 0
            || pay.per_deduction_point.fen() < 0
            || pay.commission_share < Decimal::ZERO
            || pay.commission_share > Decimal::ONE
        {
            errors.push(SchemeError::BadPay);
        }
        errors
    }
}

/// Why a scheme is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeError {
    /// A scheme measures something.
    NoIndicators,
    /// Weights must add up to exactly 100%; this is what they add up to.
    WeightsDoNotSum(Decimal),
    /// A weight outside (0, 1].
    BadWeight(Indicator),
    /// A cap below 1 would make the target unreachable; above 3 is surely a typo.
    BadCap(Indicator),
    /// The same indicator listed twice.
    Repeated(Indicator),
    /// A default target below zero.
    BadTarget(Indicator),
    /// The same deduction listed twice.
    RepeatedDeduction(DeductionKind),
    /// Negative points or cap.
    BadDeduction(DeductionKind),
    /// The demote threshold above the promote one.
    ThresholdsCrossed,
    /// Negative amounts, or a commission share outside 0..=100%.
    BadPay,
}

impl SchemeError {
    /// The reason in Chinese and English, for the refusal's detail.
    pub fn reason(&self) -> (String, String) {
        match self {
            SchemeError::NoIndicators => (
                "考核方案至少需要一个指标。".into(),
                "A scheme needs at least one indicator.".into(),
            ),
            SchemeError::WeightsDoNotSum(sum) => {
                let percent = (sum * Decimal::ONE_HUNDRED).normalize();
                (
                    format!("各指标权重之和须为100%，现为{percent}%。"),
                    format!(
                        "The indicators' weights must add up to 100%; they add up to {percent}%."
                    ),
                )
            }
            SchemeError::BadWeight(i) => (
                format!("指标“{}”的权重须大于0且不超过100%。", i.labels().0),
                format!(
                    "The weight of “{}” must be above 0 and at most 100%.",
                    i.labels().1
                ),
            ),
            SchemeError::BadCap(i) => (
                format!("指标“{}”的封顶比例须在100%到300%之间。", i.labels().0),
                format!(
                    "The cap of “{}” must be between 100% and 300%.",
                    i.labels().1
                ),
            ),
            SchemeError::Repeated(i) => (
                format!("指标“{}”重复。", i.labels().0),
                format!("“{}” is listed twice.", i.labels().1),
            ),
            SchemeError::BadTarget(i) => (
                format!("指标“{}”的默认目标不能为负数。", i.labels().0),
                format!(
                    "The default target of “{}” cannot be negative.",
                    i.labels().1
                ),
            ),
            SchemeError::RepeatedDeduction(k) => (
                format!("扣分项“{}”重复。", k.labels().0),
                format!("The deduction “{}” is listed twice.", k.labels().1),
            ),
            SchemeError::BadDeduction(k) => (
                format!("扣分项“{}”的分值和封顶不能为负数。", k.labels().0),
                format!(
                    "The points and cap of the deduction “{}” cannot be negative.",
                    k.labels().1
                ),
            ),
            SchemeError::ThresholdsCrossed => (
                "降级分数线不能高于晋级分数线。".into(),
                "The demotion threshold cannot be above the promotion threshold.".into(),
            ),
            SchemeError::BadPay => (
                "薪酬规则的金额不能为负数，提成比例须在0到100%之间。".into(),
                "Pay amounts cannot be negative and the commission share must be 0–100%.".into(),
            ),
        }
    }
}

/// Every reason `rules` cannot be a scheme's indicators; empty when they can.
pub fn check_indicators(rules: &[IndicatorRule]) -> Vec<SchemeError> {
    let mut errors = Vec::new();
    if rules.is_empty() {
        return vec![SchemeError::NoIndicators];
    }
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i].iter().any(|r| r.indicator == rule.indicator) {
            errors.push(SchemeError::Repeated(rule.indicator));
        }
        if rule.weight <= Decimal::ZERO || rule.weight > Decimal::ONE {
            errors.push(SchemeError::BadWeight(rule.indicator));
        }
        if rule.cap < Decimal::ONE || rule.cap > Decimal::from(3) {
            errors.push(SchemeError::BadCap(rule.indicator));
        }
    }
    let sum: Decimal = rules.iter().map(|r| r.weight).sum();
    if sum != Decimal::ONE {
        errors.push(SchemeError::WeightsDoNotSum(sum));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(indicator: Indicator, weight: &str, cap: &str) -> IndicatorRule {
        IndicatorRule {
            indicator,
            weight: weight.parse().unwrap(),
            cap: cap.parse().unwrap(),
            target: Decimal::ZERO,
        }
    }

    #[test]
    fn schemes_are_checked() {
        use Indicator::*;
        let cases: Vec<(Vec<IndicatorRule>, Vec<SchemeError>)> = vec![
            (
                vec![
                    rule(NetCommission, "0.4", "1.5"),
                    rule(NewEffectiveAccounts, "0.3", "1.2"),
                    rule(TasksDone, "0.2", "1"),
                    rule(CheckinRate, "0.1", "1"),
                ],
                vec![],
            ),
            (vec![], vec![SchemeError::NoIndicators]),
            (
                vec![
                    rule(NetCommission, "0.5", "1.5"),
                    rule(Contacts, "0.4", "1"),
                ],
                vec![SchemeError::WeightsDoNotSum("0.9".parse().unwrap())],
            ),
            (
                vec![
                    rule(NetCommission, "0.6", "1.5"),
                    rule(NetCommission, "0.4", "1"),
                ],
                vec![SchemeError::Repeated(NetCommission)],
            ),
            (
                vec![
                    rule(NetCommission, "1.2", "1.5"),
                    rule(Contacts, "-0.2", "0.8"),
                ],
                vec![
                    SchemeError::BadWeight(NetCommission),
                    SchemeError::BadWeight(Contacts),
                    SchemeError::BadCap(Contacts),
                ],
            ),
            (
                vec![rule(StockAssets, "1", "4")],
                vec![SchemeError::BadCap(StockAssets)],
            ),
        ];
        for (rules, expected) in cases {
            assert_eq!(check_indicators(&rules), expected, "{rules:?}");
        }
    }

    #[test]
    fn the_weight_refusal_names_the_sum() {
        let (zh, en) = SchemeError::WeightsDoNotSum("0.9".parse().unwrap()).reason();
        assert_eq!(zh, "各指标权重之和须为100%，现为90%。");
        assert!(en.ends_with("they add up to 90%."), "{en}");
    }

    #[test]
    fn whole_schemes_are_checked_and_read_from_json() {
        let json = r#"{
            "indicators": [
                {"indicator": "net_commission", "weight": "0.6", "cap": "1.5", "target": "20000"},
                {"indicator": "checkin_rate", "weight": "0.4", "cap": "1", "target": "1"}
            ],
            "deductions": [{"kind": "missed_checkins", "points_each": "0.5", "cap": "5"}],
            "rank_review": {"promote": "90", "demote": "60"},
            "pay": {"base": "3000.00", "commission_share": "0.3",
                    "bonus_per_new_effective": "200.00", "per_deduction_point": "50.00"}
        }"#;
        let mut rules: SchemeRules = serde_json::from_str(json).unwrap();
        assert_eq!(rules.check(), vec![]);
        assert_eq!(rules.indicators[0].target, "20000".parse().unwrap());
        rules.rank_review.demote = "95".parse().unwrap();
        rules.pay.commission_share = "1.5".parse().unwrap();
        rules.deductions.push(rules.deductions[0].clone());
        rules.indicators[1].weight = "0.5".parse().unwrap();
        assert_eq!(
            rules.check(),
            vec![
                SchemeError::WeightsDoNotSum("1.1".parse().unwrap()),
                SchemeError::RepeatedDeduction(DeductionKind::MissedCheckins),
                SchemeError::ThresholdsCrossed,
                SchemeError::BadPay,
            ]
        );
        let unknown = json.replace("\"pay\"", "\"salary\"");
        assert!(serde_json::from_str::<SchemeRules>(&unknown).is_err());
    }
}
