//! 合规扣分 (ASSESS-2): each compliance lapse of the month costs points, up to a cap per
//! kind, and every deduction carries its reason.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::round_score;

/// What is deducted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductionKind {
    /// 未签到: working days without a check-in (CHECKIN-1).
    MissedCheckins,
    /// 投诉超期: complaints still open past their deadline (SVC-1).
    ComplaintsOverdue,
    /// 客户未沟通: existing customers not contacted in the month (CUST-5).
    CustomersNotContacted,
}

/// A scheme's rule for one kind: points per lapse, and the most it can cost.
impl DeductionKind {
    pub const ALL: [DeductionKind; 3] = [
        DeductionKind::MissedCheckins,
        DeductionKind::ComplaintsOverdue,
        DeductionKind::CustomersNotContacted,
    ];

    /// The Chinese and English names.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            DeductionKind::MissedCheckins => ("未签到", "Missed check-ins"),
            DeductionKind::ComplaintsOverdue => ("投诉超期", "Complaints past deadline"),
            DeductionKind::CustomersNotContacted => ("客户未沟通", "Customers not contacted"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionRule {
    pub kind: DeductionKind,
    pub points_each: Decimal,
    pub cap: Decimal,
}

/// One deduction on the score sheet, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    pub kind: DeductionKind,
    pub count: u32,
    pub points: Decimal,
    pub reason_zh: String,
    pub reason_en: String,
}

/// The deduction for `count` lapses of `rule.kind`; none for no lapse.
pub fn deduction(rule: &DeductionRule, count: u32) -> Option<Deduction> {
    if count == 0 || rule.points_each <= Decimal::ZERO {
        return None;
    }
    let points = round_score((rule.points_each * Decimal::from(count)).min(rule.cap));
    let capped = rule.points_each * Decimal::from(count) > rule.cap;
    let (zh, en) = match rule.kind {
        DeductionKind::MissedCheckins => (
            format!("本月{count}个工作日未签到"),
            format!("{count} working day(s) without a check-in"),
        ),
        DeductionKind::ComplaintsOverdue => (
            format!("{count}件客户投诉超期未处理"),
            format!("{count} complaint(s) open past the deadline"),
        ),
        DeductionKind::CustomersNotContacted => (
            format!("{count}位客户本月未沟通"),
            format!("{count} customer(s) not contacted this month"),
        ),
    };
    let (reason_zh, reason_en) = if capped {
        (
            format!("{zh}（封顶{}分）", rule.cap.normalize()),
            format!("{en} (capped at {} points)", rule.cap.normalize()),
        )
    } else {
        (zh, en)
    };
    Some(Deduction {
        kind: rule.kind,
        count,
        points,
        reason_zh,
        reason_en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: DeductionKind, each: &str, cap: &str) -> DeductionRule {
        DeductionRule {
            kind,
            points_each: each.parse().unwrap(),
            cap: cap.parse().unwrap(),
        }
    }

    #[test]
    fn deductions_count_each_lapse_up_to_the_cap() {
        use DeductionKind::*;
        for (kind, each, cap, count, points, reason) in [
            (MissedCheckins, "0.5", "5", 3, "1.5", "本月3个工作日未签到"),
            (
                MissedCheckins,
                "0.5",
                "5",
                12,
                "5",
                "本月12个工作日未签到（封顶5分）",
            ),
            (
                ComplaintsOverdue,
                "2",
                "10",
                1,
                "2",
                "1件客户投诉超期未处理",
            ),
            (
                CustomersNotContacted,
                "0.1",
                "3",
                7,
                "0.7",
                "7位客户本月未沟通",
            ),
        ] {
            let got = deduction(&rule(kind, each, cap), count).unwrap();
            assert_eq!(got.points, points.parse::<Decimal>().unwrap(), "{kind:?}");
            assert_eq!(got.reason_zh, reason);
            assert_eq!(got.count, count);
        }
        assert_eq!(deduction(&rule(MissedCheckins, "0.5", "5"), 0), None);
        assert_eq!(deduction(&rule(MissedCheckins, "0", "5"), 4), None);
        let en = deduction(&rule(MissedCheckins, "1", "2"), 3)
            .unwrap()
            .reason_en;
        assert_eq!(
            en,
            "3 working day(s) without a check-in (capped at 2 points)"
        );
    }
}
