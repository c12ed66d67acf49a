//! 适当性 (PROD-4): whether a product may be recommended to a customer.
//!
//! A customer's risk tolerance (风险承受能力, from the opening questionnaire, CLASS-6)
//! covers products up to a risk level:
//!
//! | tolerance | covers |
//! |---|---|
//! | `conservative` 保守型 | R1, R2 |
//! | `steady` 稳健型 | up to R3 |
//! | `aggressive` 进取型 | up to R5 |
//!
//! A customer not assessed (no tolerance, or one not known) is suitable for nothing, and
//! an ended product (到期结束) is recommended to no one. A refusal names its reason in
//! a stable code and in a sentence naming both levels.

use crate::risk::RiskLevel;
use crate::vocab::ProductStatus;
use zhanye_platform::Localized;

/// 风险承受能力, declared with the customer records that carry it.
pub use zhanye_ingest::vocab::RiskTolerance;

/// The highest product risk level `tolerance` covers.
pub fn highest_covered(tolerance: RiskTolerance) -> RiskLevel {
    match tolerance {
        RiskTolerance::Conservative => RiskLevel::MediumLow,
        RiskTolerance::Steady => RiskLevel::Medium,
        RiskTolerance::Aggressive => RiskLevel::High,
    }
}

pub fn covers(tolerance: RiskTolerance, level: RiskLevel) -> bool {
    level <= highest_covered(tolerance)
}

/// The tolerances that cover `level`, lowest first (for the suitable-customers query).
pub fn covering(level: RiskLevel) -> Vec<RiskTolerance> {
    RiskTolerance::ALL
        .iter()
        .copied()
        .filter(|t| covers(*t, level))
        .collect()
}

/// Why a recommendation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The product has ended (到期结束).
    ProductEnded,
    /// The customer's risk tolerance was never assessed.
    ToleranceUnknown { level: RiskLevel },
    /// The customer's tolerance is below the product's level.
    ToleranceTooLow {
        tolerance: RiskTolerance,
        level: RiskLevel,
    },
}

impl Refusal {
    /// The machine reason, stable for clients.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::ProductEnded => "product_ended",
            Refusal::ToleranceUnknown { .. } => "risk_tolerance_unknown",
            Refusal::ToleranceTooLow { .. } => "risk_tolerance_too_low",
        }
    }

    /// The sentence staff read.
    pub fn detail(self) -> Localized {
        match self {
            Refusal::ProductEnded => Localized::new(
                "该产品已到期结束，不能推介。",
                "The product has ended; it cannot be recommended.",
            ),
            Refusal::ToleranceUnknown { level } => Localized::new(
                format!("客户尚未评估风险承受能力，不能推介风险等级为{level}的产品。"),
                format!(
                    "The customer's risk tolerance has not been assessed; a product of risk level {} ({}) cannot be recommended.",
                    level.label_en(),
                    level.code()
                ),
            ),
            Refusal::ToleranceTooLow { tolerance, level } => Localized::new(
                format!(
                    "客户风险承受能力为{}，低于产品风险等级{level}，不能推介。",
                    tolerance.label_zh()
                ),
                format!(
                    "The customer's risk tolerance is {}, below the product's risk level {} ({}); it cannot be recommended.",
                    tolerance.label_en(),
                    level.label_en(),
                    level.code()
                ),
            ),
        }
    }
}

/// The suitability rule: may a product of `level` and `status` be recommended to a
/// customer whose stored tolerance is `tolerance`? `Ok` carries the tolerance compared.
pub fn check(
    tolerance: Option<&str>,
    level: RiskLevel,
    status: ProductStatus,
) -> Result<RiskTolerance, Refusal> {
    if status == ProductStatus::Ended {
        return Err(Refusal::ProductEnded);
    }
    let Some(tolerance) = tolerance.and_then(RiskTolerance::parse) else {
        return Err(Refusal::ToleranceUnknown { level });
    };
    if covers(tolerance, level) {
        Ok(tolerance)
    } else {
        Err(Refusal::ToleranceTooLow { tolerance, level })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RiskLevel::*;

    /// PROD-4, every tolerance against every level.
    #[test]
    fn the_suitability_table() {
        // (tolerance, level, suitable)
        let table: &[(Option<&str>, RiskLevel, bool)] = &[
            (Some("conservative"), Low, true),
            (Some("conservative"), MediumLow, true),
            (Some("conservative"), Medium, false),
            (Some("conservative"), MediumHigh, false),
            (Some("conservative"), High, false),
            (Some("steady"), Low, true),
            (Some("steady"), MediumLow, true),
            (Some("steady"), Medium, true),
            (Some("steady"), MediumHigh, false),
            (Some("steady"), High, false),
            (Some("aggressive"), Low, true),
            (Some("aggressive"), Medium, true),
            (Some("aggressive"), MediumHigh, true),
            (Some("aggressive"), High, true),
            (None, Low, false),
            (Some(""), Low, false),
            (Some("reckless"), Low, false),
            (Some("Conservative"), Low, false),
        ];
        for (tolerance, level, suitable) in table {
            for status in [ProductStatus::OnSale, ProductStatus::Issuing] {
                assert_eq!(
                    check(*tolerance, *level, status).is_ok(),
                    *suitable,
                    "{tolerance:?} {level:?} {status:?}"
                );
            }
            assert_eq!(
                check(*tolerance, *level, ProductStatus::Ended),
                Err(Refusal::ProductEnded)
            );
        }
    }

    #[test]
    fn refusals_name_both_levels() {
        let refusal = check(Some("conservative"), MediumHigh, ProductStatus::OnSale).unwrap_err();
        assert_eq!(refusal.code(), "risk_tolerance_too_low");
        let detail = refusal.detail();
        assert_eq!(
            detail.zh,
            "客户风险承受能力为保守型，低于产品风险等级中高(R4)，不能推介。"
        );
        assert_eq!(
            detail.en,
            "The customer's risk tolerance is conservative, below the product's risk level medium-high (R4); it cannot be recommended."
        );
        let unknown = check(None, Medium, ProductStatus::Issuing).unwrap_err();
        assert_eq!(unknown.code(), "risk_tolerance_unknown");
        assert!(
            unknown.detail().zh.contains("中(R3)"),
            "{:?}",
            unknown.detail()
        );
        assert_eq!(Refusal::ProductEnded.code(), "product_ended");
        assert_eq!(
            check(Some("steady"), Low, ProductStatus::OnSale),
            Ok(RiskTolerance::Steady)
        );
    }

    #[test]
    fn covering_tolerances() {
        let names = |level| -> Vec<&str> {
            covering(level)
                .into_iter()
                .map(RiskTolerance::as_str)
                .collect()
        };
        assert_eq!(names(Low), ["conservative", "steady", "aggressive"]);
        assert_eq!(names(MediumLow), ["conservative", "steady", "aggressive"]);
        assert_eq!(names(Medium), ["steady", "aggressive"]);
        assert_eq!(names(MediumHigh), ["aggressive"]);
        assert_eq!(names(High), ["aggressive"]);
    }
}
