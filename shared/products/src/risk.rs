//! 风险等级: a product's risk level, R1 (低) to R5 (高) (PROD-1).

use std::fmt;

use zhanye_platform::Lang;

/// A product's risk level; stored as its number 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskLevel {
    /// R1 低.
    Low = 1,
    /// R2 中低.
    MediumLow = 2,
    /// R3 中.
    Medium = 3,
    /// R4 中高.
    MediumHigh = 4,
    /// R5 高.
    High = 5,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 5] = [
        RiskLevel::Low,
        RiskLevel::MediumLow,
        RiskLevel::Medium,
        RiskLevel::MediumHigh,
        RiskLevel::High,
    ];

    /// From the stored number.
    pub fn from_number(number: i64) -> Option<RiskLevel> {
        Self::ALL.into_iter().find(|l| l.number() == number)
    }

    pub fn number(self) -> i64 {
        self as i64
    }

    /// `R1` … `R5`.
    pub fn code(self) -> &'static str {
        ["R1", "R2", "R3", "R4", "R5"][self as usize - 1]
    }

    /// The label staff know: 低, 中低, 中, 中高, 高.
    pub fn label_zh(self) -> &'static str {
        ["低", "中低", "中", "中高", "高"][self as usize - 1]
    }

    pub fn label_en(self) -> &'static str {
        ["low", "medium-low", "medium", "medium-high", "high"][self as usize - 1]
    }

    /// The label in the request's language.
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.label_zh(), self.label_en())
    }

    /// What people type: `R3` / `r3`, `3`, the label `中` (also `中风险`), or the English
    /// label. Surrounding spaces are ignored.
    pub fn parse(text: &str) -> Option<RiskLevel> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let digits = lower.strip_prefix('r').unwrap_or(&lower);
        if digits.len() == 1
            && let Ok(n) = digits.parse::<i64>()
        {
            return Self::from_number(n);
        }
        let label = text.strip_suffix("风险").unwrap_or(text);
        Self::ALL
            .into_iter()
            .find(|l| l.label_zh() == label || l.label_en() == lower)
    }
}

/// Answered as its code, `"R2"`.
impl serde::Serialize for RiskLevel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl fmt::Display for RiskLevel {
    /// `中高(R4)`, as the suitability sentences name a level.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.label_zh(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let cases: &[(&str, Option<RiskLevel>)] = &[
            ("R1", Some(RiskLevel::Low)),
            ("r2", Some(RiskLevel::MediumLow)),
            (" 3 ", Some(RiskLevel::Medium)),
            ("R4", Some(RiskLevel::MediumHigh)),
            ("5", Some(RiskLevel::High)),
            ("低", Some(RiskLevel::Low)),
            ("中低", Some(RiskLevel::MediumLow)),
            ("中", Some(RiskLevel::Medium)),
            ("中高", Some(RiskLevel::MediumHigh)),
            ("高", Some(RiskLevel::High)),
            ("中低风险", Some(RiskLevel::MediumLow)),
            ("medium-high", Some(RiskLevel::MediumHigh)),
            ("LOW", Some(RiskLevel::Low)),
            ("R0", None),
            ("R6", None),
            ("6", None),
            ("R", None),
            ("R12", None),
            ("", None),
            ("极高", None),
            ("-1", None),
        ];
        for (text, expected) in cases {
            assert_eq!(RiskLevel::parse(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_codes_and_labels() {
        for (n, level) in RiskLevel::ALL.into_iter().enumerate() {
            let n = n as i64 + 1;
            assert_eq!(level.number(), n);
            assert_eq!(RiskLevel::from_number(n), Some(level));
            assert_eq!(RiskLevel::parse(level.code()), Some(level));
            assert_eq!(RiskLevel::parse(level.label_zh()), Some(level));
        }
        assert_eq!(RiskLevel::from_number(0), None);
        assert_eq!(RiskLevel::MediumHigh.to_string(), "中高(R4)");
        assert_eq!(RiskLevel::Low.label(Lang::En), "low");
        assert_eq!(RiskLevel::Low.label(Lang::ZhCn), "低");
        assert!(RiskLevel::Low < RiskLevel::High);
    }
}
