//! Topic `customer-relations` (客户-员工关系): `{account_no, staff_code}` makes the staff
//! member the customer's owner. Both must exist; an account appears once per batch.

use serde_json::{Map, Value};
use zhanye_staff::StaffCode;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::topics::customers::staff_code;

/// One relation as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRecord {
    pub index: usize,
    pub account_no: String,
    pub staff_code: StaffCode,
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<RelationRecord>, Report> {
    let mut report = Report::default();
    let mut relations = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let account_no = fields.text("account_no", 32);
        fields.key = account_no.clone();
        let code_text = fields.text("staff_code", 16);
        let code = staff_code(&mut fields, "staff_code", code_text);
        if let (Some(account_no), Some(staff_code)) = (account_no, code) {
            relations.push(RelationRecord {
                index,
                account_no,
                staff_code,
            });
        }
    }
    report_duplicates(
        relations
            .iter()
            .map(|r| (r.index, Some(r.account_no.as_str()))),
        "account_no",
        &mut report,
    );
    report.finish(relations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    #[test]
    fn good_records_parse() {
        let relations = parse(&records(json!([
            {"account_no": "310000000001", "staff_code": "a0002"},
            {"account_no": "310000000002", "staff_code": "0010001"}
        ])))
        .unwrap();
        assert_eq!(relations[0].staff_code.as_str(), "A0002");
        assert_eq!(
            (relations[1].index, relations[1].account_no.as_str()),
            (1, "310000000002")
        );
    }

    #[test]
    fn bad_records_are_reported() {
        let report = parse(&records(json!([
            {"account_no": "310000000001", "staff_code": "B0002"},
            {"account_no": "310000000002"},
            {"staff_code": "A0001"},
            {"account_no": "310000000003", "staff_code": 1},
            {"account_no": "310000000004", "staff_code": "A0001"},
            {"account_no": "310000000004", "staff_code": "A0002"}
        ])))
        .unwrap_err();
        let got: Vec<(usize, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "staff_code", "invalid_format"),
                (1, "staff_code", "required"),
                (2, "account_no", "required"),
                (3, "staff_code", "invalid_type"),
                (5, "account_no", "duplicate"),
            ]
        );
    }
}
