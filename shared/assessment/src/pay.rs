//! 收入报酬 (ASSESS-5): base + net commission × the rank's share rate + a bonus per new
//! effective account − deductions, as itemised lines of the monthly income statement.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use zhanye_money::Money;

/// A scheme's pay rule for one rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRule {
    /// 基本工资.
    pub base: Money,
    /// 佣金提成比例, e.g. `0.35`.
    pub commission_share: Decimal,
    /// 新增有效户奖励, per account.
    pub bonus_per_new_effective: Money,
    /// What one point of compliance deduction (合规扣分) takes off pay.
    pub per_deduction_point: Money,
}

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayLineKind {
    Base,
    Commission,
    NewAccountBonus,
    Deduction,
}

/// One line of the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayLine {
    pub kind: PayLineKind,
    pub label_zh: String,
    pub label_en: String,
    /// Negative for a deduction.
    pub amount: Money,
}

/// The month's income statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayStatement {
    pub lines: Vec<PayLine>,
    pub total: Money,
}

/// `amount × rate`, to the fen, half away from zero.
pub fn share_of(amount: Money, rate: Decimal) -> Money {
    let fen = (Decimal::from(amount.fen()) * rate)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    Money::from_fen(fen.to_i64().unwrap_or(if fen.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    }))
}

/// The statement for a month: `net_commission` earned by the staff member's customers,
/// `new_effective` accounts that became effective, `deductions` (money, e.g. fines for
/// compliance lapses) with their reasons. A loss month (negative commission) earns no
/// commission line rather than a negative one.
pub fn statement(
    rule: &PayRule,
    net_commission: Money,
    new_effective: u32,
    deductions: &[(Money, String, String)],
) -> PayStatement {
    let mut lines = vec![PayLine {
        kind: PayLineKind::Base,
        label_zh: "基本工资".into(),
        label_en: "Base pay".into(),
        amount: rule.base,
    }];
    if net_commission.fen() > 0 {
        let share = (rule.commission_share * Decimal::ONE_HUNDRED).normalize();
        lines.push(PayLine {
            kind: PayLineKind::Commission,
            label_zh: format!("佣金提成：净佣金{net_commission}元×{share}%"),
            label_en: format!("Commission: {share}% of net commission {net_commission}"),
            amount: share_of(net_commission, rule.commission_share),
        });
    }
    if new_effective > 0 {
        lines.push(PayLine {
            kind: PayLineKind::NewAccountBonus,
            label_zh: format!(
                "新增有效户奖励：{new_effective}户×{}元",
                rule.bonus_per_new_effective
            ),
            label_en: format!(
                "New effective accounts: {new_effective} × {}",
                rule.bonus_per_new_effective
            ),
            amount: Money::from_fen(rule.bonus_per_new_effective.fen() * i64::from(new_effective)),
        });
    }
    for (amount, zh, en) in deductions {
        lines.push(PayLine {
            kind: PayLineKind::Deduction,
            label_zh: format!("扣减：{zh}"),
            label_en: format!("Deduction: {en}"),
            amount: Money::from_fen(-amount.fen().abs()),
        });
    }
    let total = Money::from_fen(lines.iter().map(|l| l.amount.fen()).sum());
    PayStatement { lines, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn shares_round_to_the_fen() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        for (amount, rate, expected) in [
            ("10000.00", "0.35", "3500.00"),
            ("0.03", "0.5", "0.02"),
            ("0.01", "0.5", "0.01"),
            ("1234.56", "0.125", "154.32"),
            ("-100.00", "0.3", "-30.00"),
        ] {
            assert_eq!(
                share_of(yuan(amount), d(rate)),
                yuan(expected),
                "{amount} × {rate}"
            );
        }
    }

    #[test]
    fn a_statement_itemises_every_line() {
        let rule = PayRule {
            base: yuan("3000.00"),
            commission_share: "0.35".parse().unwrap(),
            bonus_per_new_effective: yuan("200.00"),
            per_deduction_point: yuan("50.00"),
        };
        let pay = statement(
            &rule,
            yuan("24000.00"),
            5,
            &[(
                yuan("50.00"),
                "2个工作日未签到".into(),
                "2 missed check-ins".into(),
            )],
        );
        let amounts: Vec<(PayLineKind, Money)> =
            pay.lines.iter().map(|l| (l.kind, l.amount)).collect();
        assert_eq!(
            amounts,
            [
                (PayLineKind::Base, yuan("3000.00")),
                (PayLineKind::Commission, yuan("8400.00")),
                (PayLineKind::NewAccountBonus, yuan("1000.00")),
                (PayLineKind::Deduction, yuan("-50.00")),
            ]
        );
        assert_eq!(pay.total, yuan("12350.00"));
        assert_eq!(pay.lines[1].label_zh, "佣金提成：净佣金24000.00元×35%");
        assert_eq!(pay.lines[2].label_zh, "新增有效户奖励：5户×200.00元");
        assert_eq!(pay.lines[3].label_zh, "扣减：2个工作日未签到");

        // A loss month: base only, no negative commission.
        let lean = statement(&rule, yuan("-300.00"), 0, &[]);
        assert_eq!(lean.lines.len(), 1);
        assert_eq!(lean.total, yuan("3000.00"));
    }
}
