//! 潜在客户 (CUST-6): what staff record about someone who is not a customer yet, and
//! the statuses a prospect moves through — `potential` (潜在) → `developing` (开发,
//! once a development task book is approved) → `confirmed` (确认, once a new-customer
//! confirmation is approved and it links the customer); `dropped` (放弃) when given up.

use zhanye_customers::rules::{optional_text, required_text};
use zhanye_customers::status::CustomerKind;
use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;

pub const STATUSES: [&str; 4] = ["potential", "developing", "confirmed", "dropped"];

pub const NAME_MAX_CHARS: usize = 64;
pub const COMPANY_MAX_CHARS: usize = 100;
pub const ADDRESS_MAX_CHARS: usize = 200;
pub const SOURCE_MAX_CHARS: usize = 50;
pub const REMARKS_MAX_CHARS: usize = 500;

/// A prospect as submitted.
#[derive(Debug, Clone, Default)]
pub struct ProspectInput<'a> {
    pub name: &'a str,
    pub kind: Option<&'a str>,
    pub mobile: Option<&'a str>,
    pub company: Option<&'a str>,
    pub address: Option<&'a str>,
    pub source: Option<&'a str>,
    pub remarks: Option<&'a str>,
}

/// A prospect as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProspect {
    pub name: String,
    pub kind: CustomerKind,
    pub mobile: Option<String>,
    pub company: String,
    pub address: String,
    /// 客户来源: referral, campaign, walk-in …, as typed.
    pub source: String,
    pub remarks: String,
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn is_mobile(text: &str) -> bool {
    text.len() == 11 && text.starts_with('1') && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a prospect: `name` 1–64 characters, `kind` individual (default) or
/// institution, `mobile` a mobile number when given, the texts within their lengths.
pub fn new_prospect(input: &ProspectInput<'_>) -> Result<NewProspect, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = required_text("name", input.name, NAME_MAX_CHARS).map_err(|e| errors.push(e));
    let kind = match input.kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => CustomerKind::Individual,
        Some(text) => CustomerKind::parse(text).unwrap_or_else(|| {
            errors.push(FieldError::new("kind", reason::INVALID));
            CustomerKind::Individual
        }),
    };
    let mobile = match input.mobile.map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(text) if is_mobile(text) => Some(text.to_owned()),
        Some(_) => {
            errors.push(FieldError::new("mobile", reason::INVALID_FORMAT));
            None
        }
    };
    let mut text = |field: &str, value: Option<&str>, max: usize| {
        optional_text(field, value, max)
            .map_err(|e| errors.push(e))
            .unwrap_or_default()
    };
    let company = text("company", input.company, COMPANY_MAX_CHARS);
    let address = text("address", input.address, ADDRESS_MAX_CHARS);
    let source = text("source", input.source, SOURCE_MAX_CHARS);
    let remarks = text("remarks", input.remarks, REMARKS_MAX_CHARS);
    match name {
        Ok(name) if errors.is_empty() => Ok(NewProspect {
            name,
            kind,
            mobile,
            company,
            address,
            source,
            remarks,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect()
    }

    #[test]
    fn a_prospect_as_stored() {
        let made = new_prospect(&ProspectInput {
            name: " 王建国 ",
            mobile: Some("13912345678"),
            company: Some("上海某科技有限公司"),
            source: Some("客户转介绍"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(made.name, "王建国");
        assert_eq!(made.kind, CustomerKind::Individual);
        assert_eq!(made.mobile.as_deref(), Some("13912345678"));
        assert_eq!((made.address.as_str(), made.remarks.as_str()), ("", ""));
        let institution = new_prospect(&ProspectInput {
            name: "某基金",
            kind: Some("institution"),
            mobile: Some(" "),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (institution.kind, institution.mobile),
            (CustomerKind::Institution, None)
        );
    }

    #[test]
    fn bad_prospects_name_each_field() {
        let long_name = "名".repeat(65);
        let long_remarks = "备".repeat(501);
        let table: Vec<(ProspectInput<'_>, Vec<(&str, &str)>)> = vec![
            (ProspectInput::default(), vec![("name", "required")]),
            (
                ProspectInput {
                    name: &long_name,
                    kind: Some("company"),
                    mobile: Some("1381234567"),
                    ..Default::default()
                },
                vec![
                    ("name", "too_long"),
                    ("kind", "invalid"),
                    ("mobile", "invalid_format"),
                ],
            ),
            (
                ProspectInput {
                    name: "李",
                    mobile: Some("23812345678"),
                    remarks: Some(&long_remarks),
                    ..Default::default()
                },
                vec![("mobile", "invalid_format"), ("remarks", "too_long")],
            ),
        ];
        for (i, (input, expected)) in table.into_iter().enumerate() {
            assert_eq!(
                reasons(&new_prospect(&input).unwrap_err()),
                expected,
                "row {i}"
            );
        }
    }
}
