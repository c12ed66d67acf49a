//! Topic `customers` (CUST-1/2): one customer per record, upserted by `account_no`.
//!
//! | field | |
//! |---|---|
//! | `account_no` | required, at most 32 characters, once per batch |
//! | `name` | required, at most 64 |
//! | `kind` | [`CustomerKind`]: `individual` (new customers' default) or `institution` |
//! | `gender` | [`Gender`]: `male` or `female` |
//! | `birth_date`, `open_date`, `effective_date`, `assessment_effective_date` | `YYYY-MM-DD` |
//! | `mobile` | 11 digits starting with 1 |
//! | `email` | an address with `@` |
//! | `address` | at most 200 characters |
//! | `id_number` | 18 (or 15) characters; kept only as a verifier and a masked copy |
//! | `status` | [`CustomerStatus`]: `potential`, `target`, `existing` (new customers' default) or `lost` |
//! | `grade` | [`CustomerGrade`]: `金手指`, `金算盘` or `金钥匙` |
//! | `level` | [`CustomerLevel`]: `VIP`, `核心A`, `核心B`, `潜力` or `普通` |
//! | `risk_tolerance` | [`RiskTolerance`]: `conservative`, `steady` or `aggressive` |
//! | `tags` | an array of strings, each at most 32 characters, no commas |
//! | `owner_code` | the owning staff member's code; it must exist |
//!
//! Optional fields left out (or null) keep what is stored.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_staff::StaffCode;
use zhanye_staff::identity::normalise_id_number;
use zhanye_staff::vocab::Gender;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::topics::staff::is_mobile;
use crate::vocab::{CustomerGrade, CustomerKind, CustomerLevel, CustomerStatus, RiskTolerance};

/// The longest tag, in characters.
pub const MAX_TAG: usize = 32;

/// One customer as sent; `None` is "not sent".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    pub index: usize,
    pub account_no: String,
    pub name: String,
    pub kind: Option<CustomerKind>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Normalised.
    pub id_number: Option<String>,
    pub status: Option<CustomerStatus>,
    pub grade: Option<CustomerGrade>,
    pub level: Option<CustomerLevel>,
    pub risk_tolerance: Option<RiskTolerance>,
    pub open_date: Option<NaiveDate>,
    pub effective_date: Option<NaiveDate>,
    pub assessment_effective_date: Option<NaiveDate>,
    /// Trimmed, without repeats, in the order sent.
    pub tags: Option<Vec<String>>,
    pub owner_code: Option<StaffCode>,
}

/// A staff code read from `field`, reported when malformed.
pub(crate) fn staff_code(
    fields: &mut Fields,
    field: &str,
    text: Option<String>,
) -> Option<StaffCode> {
    let code = StaffCode::parse(&text?).ok();
    if code.is_none() {
        fields.fail(field, "invalid_format");
    }
    code
}

fn tags(fields: &mut Fields) -> Option<Vec<String>> {
    let list = fields.optional_list("tags")?;
    let mut tags: Vec<String> = Vec::with_capacity(list.len());
    for tag in list {
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > MAX_TAG || tag.contains(',') || tag.chars().any(char::is_control) {
            fields.fail("tags", "invalid_format");
            return None;
        }
        if zhanye_platform::text::has_misleading_character(&tag) {
            fields.fail(
                "tags",
                zhanye_platform::problem::reason::MISLEADING_CHARACTER,
            );
            return None;
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Some(tags)
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<CustomerRecord>, Report> {
    let mut report = Report::default();
    let mut customers = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let account_no = fields.text("account_no", 32);
        fields.key = account_no.clone();
        let name = fields.text("name", 64);
        let kind = fields.optional_one_of("kind");
        let gender = fields.optional_one_of("gender");
        let birth_date = fields.optional_date("birth_date");
        let mobile = fields.optional_text("mobile", 11).filter(|m| {
            let ok = is_mobile(m);
            if !ok {
                fields.fail("mobile", "invalid_format");
            }
            ok
        });
        let email = fields.optional_text("email", 100).filter(|e| {
            let ok = e.contains('@') && !e.starts_with('@') && !e.ends_with('@');
            if !ok {
                fields.fail("email", "invalid_format");
            }
            ok
        });
        let address = fields.optional_text("address", 200);
        let id_number = fields.optional_text("id_number", 18).and_then(|id| {
            let normalised = normalise_id_number(&id);
            if normalised.is_none() {
                fields.fail("id_number", "invalid_format");
            }
            normalised
        });
        let status = fields.optional_one_of("status");
        let grade = fields.optional_one_of("grade");
        let level = fields.optional_one_of("level");
        let risk_tolerance = fields.optional_one_of("risk_tolerance");
        let open_date = fields.optional_date("open_date");
        let effective_date = fields.optional_date("effective_date");
        let assessment_effective_date = fields.optional_date("assessment_effective_date");
        let tags = tags(&mut fields);
        let owner_text = fields.optional_text("owner_code", 16);
        let owner_code = staff_code(&mut fields, "owner_code", owner_text);
        if let (Some(account_no), Some(name)) = (account_no, name) {
            customers.push(CustomerRecord {
                index,
                account_no,
                name,
                kind,
                gender,
                birth_date,
                mobile,
                email,
                address,
                id_number,
                status,
                grade,
                level,
                risk_tolerance,
                open_date,
                effective_date,
                assessment_effective_date,
                tags,
                owner_code,
            });
        }
    }
    report_duplicates(
        customers
            .iter()
            .map(|c| (c.index, Some(c.account_no.as_str()))),
        "account_no",
        &mut report,
    );
    report.finish(customers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    fn full() -> Value {
        json!({"account_no": "310000000001", "name": "张三", "kind": "individual",
               "gender": "male", "birth_date": "1980-05-06", "mobile": "13812345678",
               "email": "zhang@example.com", "address": "上海市黄浦区四川南路1号",
               "id_number": "31010119800506001x", "status": "existing", "grade": "金算盘",
               "level": "核心A", "risk_tolerance": "steady", "open_date": "2007-09-11",
               "effective_date": "2008-03-04", "assessment_effective_date": "2008-04-01",
               "tags": [" 高净值 ", "两融", "高净值", ""], "owner_code": "a0001"})
    }

    #[test]
    fn good_records_parse() {
        let customers = parse(&records(json!([
            full(),
            {"account_no": "310000000002", "name": "李四"}
        ])))
        .unwrap();
        let c = &customers[0];
        assert_eq!(c.id_number.as_deref(), Some("31010119800506001X"));
        assert_eq!(c.owner_code.as_ref().map(StaffCode::as_str), Some("A0001"));
        assert_eq!(c.tags, Some(vec!["高净值".to_owned(), "两融".to_owned()]));
        assert_eq!(c.grade, Some(CustomerGrade::GoldenAbacus));
        assert_eq!(
            (c.kind, c.gender, c.level, c.risk_tolerance),
            (
                Some(CustomerKind::Individual),
                Some(Gender::Male),
                Some(CustomerLevel::CoreA),
                Some(RiskTolerance::Steady)
            )
        );
        assert_eq!(
            c.open_date.map(|d| d.to_string()).as_deref(),
            Some("2007-09-11")
        );
        let bare = &customers[1];
        assert_eq!((bare.index, bare.name.as_str()), (1, "李四"));
        assert_eq!(
            (bare.status, bare.tags.clone(), bare.owner_code.clone()),
            (None, None, None)
        );
    }

    #[test]
    fn bad_records_are_reported() {
        let mut bad = full();
        bad["name"] = json!("  ");
        bad["kind"] = json!("robot");
        bad["gender"] = json!("x");
        bad["birth_date"] = json!("1980-5-6");
        bad["mobile"] = json!("1381234567");
        bad["email"] = json!("zhang@");
        bad["address"] = json!("路".repeat(201));
        bad["id_number"] = json!("3101");
        bad["status"] = json!("gone");
        bad["grade"] = json!("金饭碗");
        bad["level"] = json!("VVIP");
        bad["risk_tolerance"] = json!("reckless");
        bad["open_date"] = json!("2007-02-30");
        bad["effective_date"] = json!(20080304);
        bad["assessment_effective_date"] = json!("soon");
        bad["tags"] = json!(["a,b"]);
        bad["owner_code"] = json!("B0001");
        let mut long_key = full();
        long_key["account_no"] = json!("9".repeat(33));
        let mut odd_tags = full();
        odd_tags["account_no"] = json!("310000000003");
        odd_tags["tags"] = json!("高净值");
        let report = parse(&records(json!([
            bad,
            full(),
            {"name": "无账号"},
            long_key,
            odd_tags,
            {"account_no": "310000000004", "name": "长标签", "tags": ["标".repeat(33)]}
        ])))
        .unwrap_err();
        let got: Vec<(usize, Option<&str>, &str, &str)> = report
            .errors
            .iter()
            .map(|e| {
                (
                    e.index,
                    e.key.as_deref(),
                    e.field.as_str(),
                    e.reason.as_str(),
                )
            })
            .collect();
        let key = Some("310000000001");
        assert_eq!(
            got,
            [
                (0, key, "name", "required"),
                (0, key, "kind", "invalid"),
                (0, key, "gender", "invalid"),
                (0, key, "birth_date", "invalid_format"),
                (0, key, "mobile", "invalid_format"),
                (0, key, "email", "invalid_format"),
                (0, key, "address", "invalid_format"),
                (0, key, "id_number", "invalid_format"),
                (0, key, "status", "invalid"),
                (0, key, "grade", "invalid"),
                (0, key, "level", "invalid"),
                (0, key, "risk_tolerance", "invalid"),
                (0, key, "open_date", "invalid_format"),
                (0, key, "effective_date", "invalid_type"),
                (0, key, "assessment_effective_date", "invalid_format"),
                (0, key, "tags", "invalid_format"),
                (0, key, "owner_code", "invalid_format"),
                (2, None, "account_no", "required"),
                (3, None, "account_no", "invalid_format"),
                (4, Some("310000000003"), "tags", "invalid_type"),
                (5, Some("310000000004"), "tags", "invalid_format"),
            ]
        );
        // Record 0 was refused, so record 1 above was not a repeat; two good ones are.
        let duplicates = parse(&records(json!([full(), full()]))).unwrap_err();
        assert_eq!(duplicates.errors.len(), 1);
        assert_eq!(
            (
                duplicates.errors[0].index,
                duplicates.errors[0].field.as_str(),
                duplicates.errors[0].reason.as_str()
            ),
            (1, "account_no", "duplicate")
        );
    }
}
