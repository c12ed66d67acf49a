//! 职级考核 (ASSESS-4): each quarter, the average of the last three monthly scores
//! against the scheme's thresholds promotes, keeps or demotes.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::round_score;

/// A staff member's rank (职级): the ladder a quarterly review moves one step up or
/// down. Everyone starts at [`Rank::Junior`] until a review or HQ sets otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    /// 初级客户经理.
    Junior,
    /// 中级客户经理.
    Intermediate,
    /// 高级客户经理.
    Senior,
    /// 资深客户经理.
    Principal,
}

impl Rank {
    pub const ALL: [Rank; 4] = [
        Rank::Junior,
        Rank::Intermediate,
        Rank::Senior,
        Rank::Principal,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Rank::Junior => "junior",
            Rank::Intermediate => "intermediate",
            Rank::Senior => "senior",
            Rank::Principal => "principal",
        }
    }

    pub fn parse(text: &str) -> Option<Rank> {
        Rank::ALL.into_iter().find(|r| r.key() == text)
    }

    /// The Chinese and English names.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Rank::Junior => ("初级客户经理", "Junior account manager"),
            Rank::Intermediate => ("中级客户经理", "Intermediate account manager"),
            Rank::Senior => ("高级客户经理", "Senior account manager"),
            Rank::Principal => ("资深客户经理", "Principal account manager"),
        }
    }

    /// The rank a decision leads to: one step, never past either end of the ladder.
    pub fn after(self, decision: RankDecision) -> Rank {
        let at = Rank::ALL.iter().position(|r| *r == self).unwrap_or(0);
        let to = match decision {
            RankDecision::Promote => (at + 1).min(Rank::ALL.len() - 1),
            RankDecision::Demote => at.saturating_sub(1),
            RankDecision::Keep | RankDecision::NotReviewed => at,
        };
        Rank::ALL[to]
    }
}

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
    fn ranks_move_one_step_within_the_ladder() {
        use RankDecision::*;
        for (from, decision, to) in [
            (Rank::Junior, Promote, Rank::Intermediate),
            (Rank::Senior, Promote, Rank::Principal),
            (Rank::Principal, Promote, Rank::Principal),
            (Rank::Senior, Demote, Rank::Intermediate),
            (Rank::Junior, Demote, Rank::Junior),
            (Rank::Senior, Keep, Rank::Senior),
            (Rank::Intermediate, NotReviewed, Rank::Intermediate),
        ] {
            assert_eq!(from.after(decision), to, "{from:?} {decision:?}");
        }
        for rank in Rank::ALL {
            assert_eq!(Rank::parse(rank.key()), Some(rank));
        }
        assert_eq!(Rank::parse("Junior"), None);
    }

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
