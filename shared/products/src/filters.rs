//! PROD-2 search: the filters of the product list and of its export, read from the
//! query string (`code`, `name`, `status`, `risk`, `category`). Empty parameters are
//! absent, so a reset (查询 with empty boxes, or 重置) is the whole catalog.

use zhanye_ingest::topics::products::MAX_CODE;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, FieldError, QueryParams};

use crate::risk::RiskLevel;
use crate::vocab::{ProductCategory, ProductStatus};

/// The longest name searched for, in characters.
pub const NAME_MAX_CHARS: usize = 64;

/// The filters of a product list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// The start of the code, or (four characters or more) its end; upper case (codes
    /// are stored so).
    pub code: Option<String>,
    /// Any part of the name.
    pub name: Option<String>,
    pub status: Option<ProductStatus>,
    pub risk: Option<RiskLevel>,
    pub category: Option<ProductCategory>,
}

impl Filters {
    /// Reads the filters. A code that no product could have (other than letters,
    /// digits, `-` and `_`, or too long), an over-long name, and a status, risk level
    /// or category that is not one are 422s naming each parameter.
    pub fn from_params(params: &QueryParams) -> Result<Filters, ApiError> {
        let mut errors = Vec::new();
        let code = params.get_non_empty("code").and_then(|code| {
            if code.len() > MAX_CODE {
                errors.push(FieldError::new("code", reason::TOO_LONG));
                None
            } else if !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                errors.push(FieldError::new("code", reason::INVALID_FORMAT));
                None
            } else {
                Some(code.to_ascii_uppercase())
            }
        });
        let name = match params.get_text("name", NAME_MAX_CHARS) {
            Ok(name) => name,
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let name = name.and_then(|name| {
            if name.chars().any(char::is_control) {
                errors.push(FieldError::new("name", reason::INVALID_CHARACTERS));
                None
            } else {
                Some(name.to_owned())
            }
        });
        let mut vocabulary = |field: &str, parsed: Option<bool>| {
            if parsed == Some(false) {
                errors.push(FieldError::new(field, reason::INVALID));
            }
        };
        let status = params
            .get_non_empty("status")
            .map(ProductStatus::parse_or_label);
        vocabulary("status", status.map(|s| s.is_some()));
        let risk = params.get_non_empty("risk").map(RiskLevel::parse);
        vocabulary("risk", risk.map(|r| r.is_some()));
        let category = params
            .get_non_empty("category")
            .map(ProductCategory::parse_or_label);
        vocabulary("category", category.map(|c| c.is_some()));
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(Filters {
            code,
            name,
            status: status.flatten(),
            risk: risk.flatten(),
            category: category.flatten(),
        })
    }

    /// The filters as asked, for the audit log of an export.
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "name": self.name,
            "status": self.status.map(ProductStatus::as_str),
            "risk": self.risk.map(RiskLevel::code),
            "category": self.category.map(ProductCategory::as_str),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(query: &str) -> Result<Filters, ApiError> {
        Filters::from_params(&QueryParams::parse(Some(query)))
    }

    fn fields(error: &ApiError) -> Vec<(&str, &str)> {
        error
            .field_errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect()
    }

    #[test]
    fn query_strings_become_filters() {
        let all =
            filters("code=s191&name=%E6%B5%B7%E9%80%9A&status=on_sale&risk=R2&category=financial")
                .unwrap();
        assert_eq!(all.code.as_deref(), Some("S191"));
        assert_eq!(all.name.as_deref(), Some("海通"));
        assert_eq!(all.status, Some(ProductStatus::OnSale));
        assert_eq!(all.risk, Some(RiskLevel::MediumLow));
        assert_eq!(all.category, Some(ProductCategory::Financial));
        assert_eq!(
            all.describe(),
            serde_json::json!({"code": "S191", "name": "海通", "status": "on_sale",
                               "risk": "R2", "category": "financial"})
        );
        // Every form of a risk level, the Chinese labels of the vocabularies.
        for (query, risk) in [
            ("risk=3", RiskLevel::Medium),
            ("risk=%E4%B8%AD%E9%AB%98", RiskLevel::MediumHigh),
            ("risk=r5", RiskLevel::High),
        ] {
            assert_eq!(filters(query).unwrap().risk, Some(risk), "{query}");
        }
        assert_eq!(
            filters("status=%E5%9C%A8%E5%94%AE").unwrap().status,
            Some(ProductStatus::OnSale)
        );
        // Reset: empty boxes are no filter at all.
        assert_eq!(
            filters("code=&name=+&status=&risk=&category=").unwrap(),
            Filters::default()
        );
        assert_eq!(filters("").unwrap(), Filters::default());
    }

    #[test]
    fn wrong_filters_are_422_per_field() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("status=sold", &[("status", "invalid")]),
            ("risk=R6", &[("risk", "invalid")]),
            ("risk=abc", &[("risk", "invalid")]),
            ("category=stocks", &[("category", "invalid")]),
            ("code=S%201", &[("code", "invalid_format")]),
            ("code=%27%3B--", &[("code", "invalid_format")]),
            (
                "code=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                &[("code", "too_long")],
            ),
            ("name=a%00b", &[("name", "invalid_characters")]),
            (
                "status=x&risk=0&category=y",
                &[
                    ("status", "invalid"),
                    ("risk", "invalid"),
                    ("category", "invalid"),
                ],
            ),
        ];
        for (query, expected) in cases {
            let error = filters(query).unwrap_err();
            assert_eq!(error.status.as_u16(), 422, "{query}");
            assert_eq!(fields(&error), *expected, "{query}");
        }
        let long = format!("name={}", "海".repeat(NAME_MAX_CHARS + 1));
        assert_eq!(fields(&filters(&long).unwrap_err()), [("name", "too_long")]);
    }
}
