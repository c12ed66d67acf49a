//! 职级考核 (ASSESS-4): each quarter, the average of the last three monthly scores
//! against the scheme's thresholds promotes, keeps or demotes.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::round_score;

/// A scheme's review thresholds: an average at or above `promote` goes up a rank, one
/// below `demote` goes down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankThresholds {
    pub promote: Decimal,
    pub demote: Decimal,
}

/// The review's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankDecision {
    /// 晋级.
    Promote,
    /// 保级.
    Keep,
    /// 降级.
    Demote,
    /// 不参评: fewer than three assessed months (new staff keep their rank).
    NotReviewed,
}

/// The decision for `scores`, the quarter's monthly scores (each month assessed).
/// Answers it with the average it was taken on, rounded.
pub fn review(scores: &[Decimal], thresholds: &RankThresholds) -> (RankDecision, Option<Decimal>) {
    if scores.len() < 3 {
        return (RankDecision::NotReviewed, None);
    }
    let last = &scores[scores.len() - 3..];
    // Decided on the exact average; shown rounded, so 89.996… keeps rather than promotes.
    let average = last.iter().sum::<Decimal>() / Decimal::from(3);
    let decision = if average >= thresholds.promote {
        RankDecision::Promote
    } else if average < thresholds.demote {
        RankDecision::Demote
    } else {
        RankDecision::Keep
    };
    (decision, Some(round_score(average)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_promote_keep_or_demote() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        let thresholds = RankThresholds {
            promote: d("90"),
            demote: d("60"),
        };
        for (scores, decision, average) in [
            (vec!["95", "88", "90"], RankDecision::Promote, Some("91")),
            (vec!["90", "90", "90"], RankDecision::Promote, Some("90")),
            (vec!["89.99", "90", "90"], RankDecision::Keep, Some("90")),
            (vec!["89.98", "90", "90"], RankDecision::Keep, Some("89.99")),
            (vec!["60", "60", "60"], RankDecision::Keep, Some("60")),
            (vec!["70", "55", "50"], RankDecision::Demote, Some("58.33")),
            (
                vec!["100", "40", "70", "50"],
                RankDecision::Demote,
                Some("53.33"),
            ),
            (vec!["100", "100"], RankDecision::NotReviewed, None),
        ] {
            let scores: Vec<Decimal> = scores.iter().map(|s| d(s)).collect();
            assert_eq!(
                review(&scores, &thresholds),
                (decision, average.map(d)),
                "{scores:?}"
            );
        }
    }
}
