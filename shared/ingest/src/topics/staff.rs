//! Topic `staff` (ORG-2/3): `{code, name, unit_code, position, roles, status, gender,
//! birth_date, mobile, email, id_number}`. The code fixes the kind (`A…` broker, `00…`
//! employee); `roles` defaults to `["rep"]`, `status` to `normal`. The ID number is
//! only checked here; the store keeps a verifier and a masked copy.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_staff::identity::normalise_id_number;
use zhanye_staff::vocab::{Gender, StaffStatus};
use zhanye_staff::{Role, Roles, StaffCode};

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;

/// One staff member as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub index: usize,
    pub code: StaffCode,
    pub name: String,
    pub unit_code: String,
    pub position: String,
    pub roles: Roles,
    pub status: StaffStatus,
    pub gender: Option<Gender>,
    pub birth_date: NaiveDate,
    pub mobile: String,
    pub email: Option<String>,
    /// Normalised.
    pub id_number: String,
}

/// 11 digits starting with 1 (a mainland mobile).
pub fn is_mobile(text: &str) -> bool {
    text.len() == 11 && text.starts_with('1') && text.bytes().all(|b| b.is_ascii_digit())
}

pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<StaffRecord>, Report> {
    let mut report = Report::default();
    let mut staff = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let code = fields.text("code", 16).and_then(|text| {
            let parsed = StaffCode::parse(&text).ok();
            if parsed.is_none() {
                fields.fail("code", "invalid_format");
            }
            parsed
        });
        fields.key = code.as_ref().map(|c| c.as_str().to_owned());
        let name = fields.text("name", 32);
        let unit_code = fields.text("unit_code", 32);
        let position = fields.optional_text("position", 32).unwrap_or_default();
        let roles = match fields.optional_list("roles") {
            None => Some(Roles::new([Role::Rep])),
            Some(list) if list.is_empty() => {
                fields.fail("roles", "required");
                None
            }
            Some(list) => {
                let parsed: Option<Vec<Role>> = list.iter().map(|r| Role::parse(r)).collect();
                if parsed.is_none() {
                    fields.fail("roles", "invalid");
                }
                parsed.map(Roles::new)
            }
        };
        let status = fields
            .optional_one_of("status")
            .unwrap_or(StaffStatus::Normal);
        let gender = fields.optional_one_of("gender");
        let birth_date = fields.date("birth_date");
        let mobile = fields.text("mobile", 11).filter(|m| {
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
        let id_number = fields.text("id_number", 18).and_then(|id| {
            let normalised = normalise_id_number(&id);
            if normalised.is_none() {
                fields.fail("id_number", "invalid_format");
            }
            normalised
        });
        if let (
            Some(code),
            Some(name),
            Some(unit_code),
            Some(roles),
            Some(birth_date),
            Some(mobile),
            Some(id_number),
        ) = (code, name, unit_code, roles, birth_date, mobile, id_number)
        {
            staff.push(StaffRecord {
                index,
                code,
                name,
                unit_code,
                position,
                roles,
                status,
                gender,
                birth_date,
                mobile,
                email,
                id_number,
            });
        }
    }
    report_duplicates(
        staff.iter().map(|s| (s.index, Some(s.code.as_str()))),
        "code",
        &mut report,
    );
    report.finish(staff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    fn good() -> Value {
        json!({"code": "a0101", "name": "钱进", "unit_code": "T-1", "birth_date": "1991-02-03",
               "mobile": "13900000101", "id_number": "31010119910203001x"})
    }

    #[test]
    fn good_records_parse_with_defaults() {
        let staff = parse(&records(json!([good()]))).unwrap();
        let s = &staff[0];
        assert_eq!(s.code.as_str(), "A0101");
        assert_eq!(s.roles, Roles::new([Role::Rep]));
        assert_eq!(s.status, StaffStatus::Normal);
        assert_eq!(s.id_number, "31010119910203001X");
    }

    #[test]
    fn bad_records_are_reported() {
        let mut bad = good();
        bad["code"] = json!("B1");
        bad["mobile"] = json!("12345");
        bad["birth_date"] = json!("1991-2-3");
        bad["roles"] = json!(["rep", "king"]);
        bad["email"] = json!("nobody");
        bad["id_number"] = json!("123");
        bad["status"] = json!("asleep");
        let report = parse(&records(json!([bad, good(), good()]))).unwrap_err();
        let got: Vec<(usize, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "code", "invalid_format"),
                (0, "roles", "invalid"),
                (0, "status", "invalid"),
                (0, "birth_date", "invalid_format"),
                (0, "mobile", "invalid_format"),
                (0, "email", "invalid_format"),
                (0, "id_number", "invalid_format"),
                (2, "code", "duplicate"),
            ]
        );
        assert!(is_mobile("13800000001") && !is_mobile("23800000001"));
    }
}
