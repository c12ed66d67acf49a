//! Assessment and pay (考核与收入报酬, ASSESS-2..5) as plain Rust: what a scheme must
//! satisfy, the points of each indicator and the month's score (ASSESS-3), compliance
//! deductions with their reasons (合规扣分, ASSESS-2), the quarterly rank review (职级考核,
//! ASSESS-4) and the itemised pay statement (收入报酬, ASSESS-5).
//!
//! Scores are decimals rounded to two places, half away from zero; money is
//! [`zhanye_money::Money`] (integer fen), rounded to the fen the same way.

pub mod assess;
pub mod calendar;
pub mod deductions;
pub mod goals;
pub mod pay;
pub mod rank;
pub mod scheme;
pub mod score;
pub mod store;

pub use assess::{Assessment, MonthActivity, MonthFigures, assess};
pub use deductions::{Deduction, DeductionKind, DeductionRule};
pub use goals::{GoalPeriod, TargetSource};
pub use pay::{PayLine, PayLineKind, PayRule, PayStatement};
pub use rank::{Rank, RankDecision, RankThresholds};
pub use scheme::{Indicator, IndicatorRule, SchemeError, SchemeRules};
pub use score::{IndicatorScore, MonthScore};

use rust_decimal::{Decimal, RoundingStrategy};

/// Two decimal places, half away from zero: how scores are shown and stored.
pub fn round_score(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}
