//! What staff write about a customer, checked before anything is stored: notes and
//! contact records (CUST-5), delegation periods, and who may take a customer as its
//! delegate or new owner (ORG-5; transfers are decided through the approvals engine).
//! Plain Rust; the store supplies the facts (who a staff member is, which branch a unit
//! belongs to).

use chrono::{DateTime, Days, NaiveDate};
use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;
use zhanye_platform::text::has_misleading_character;
use zhanye_platform::time::{china_date, parse_date, rfc3339};
use zhanye_staff::org::is_within;
use zhanye_staff::{Role, Roles};
use zhanye_vocabulary::Vocabulary;

use crate::month::Month;
use crate::status::{ContactKind, ContactNature};

/// 批注 body, characters.
pub const NOTE_MAX_CHARS: usize = 500;
/// 沟通主题, characters.
pub const TOPIC_MAX_CHARS: usize = 100;
/// 沟通备注, characters.
pub const REMARKS_MAX_CHARS: usize = 500;
/// Reasons of delegations and transfers, characters.
pub const REASON_MAX_CHARS: usize = 200;
/// The longest delegation, in days, both ends counted.
pub const DELEGATION_MAX_DAYS: u64 = 180;
/// How far ahead a delegation may be set to start, in days.
pub const DELEGATION_MAX_LEAD_DAYS: u64 = 180;
/// Clock difference tolerated between a client and the server, seconds.
const CLOCK_SKEW_SECONDS: i64 = 300;
/// Contact records before this are refused as typing mistakes.
const EARLIEST_CONTACT: &str = "2000-01-01T00:00:00Z";

/// Why a field is refused, beyond the catalogued reasons.
pub mod why {
    /// No such staff member (or not one the caller may name).
    pub const UNKNOWN_REFERENCE: &str = "unknown_reference";
    /// Suspended or left.
    pub const NOT_ACTIVE: &str = "not_active";
    /// A delegate must be a rep (营销代表).
    pub const NOT_A_REP: &str = "not_a_rep";
    /// Not in the customer's branch.
    pub const OTHER_BRANCH: &str = "other_branch";
    /// The customer's owner themself.
    pub const IS_OWNER: &str = "is_owner";
    /// A time after now.
    pub const IN_THE_FUTURE: &str = "in_the_future";
}

/// A text field that must be present: trimmed, at least one and at most `max`
/// characters.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        Err(FieldError::new(field, reason::REQUIRED))
    } else if text.chars().count() > max {
        Err(FieldError::new(field, reason::TOO_LONG))
    } else if has_misleading_character(text) {
        Err(FieldError::new(field, reason::MISLEADING_CHARACTER))
    } else {
        Ok(text.to_owned())
    }
}

/// An optional text field: trimmed, empty when absent, at most `max` characters.
pub fn optional_text(field: &str, text: Option<&str>, max: usize) -> Result<String, FieldError> {
    let text = text.unwrap_or_default().trim();
    if text.chars().count() > max {
        Err(FieldError::new(field, reason::TOO_LONG))
    } else if has_misleading_character(text) {
        Err(FieldError::new(field, reason::MISLEADING_CHARACTER))
    } else {
        Ok(text.to_owned())
    }
}

/// A 批注 body (CUST-5).
pub fn note_body(body: &str) -> Result<String, FieldError> {
    required_text("body", body, NOTE_MAX_CHARS)
}

/// A 沟通记录 as submitted.
#[derive(Debug, Clone, Default)]
pub struct ContactInput<'a> {
    pub contacted_at: &'a str,
    pub nature: &'a str,
    pub kind: &'a str,
    pub topic: &'a str,
    pub satisfaction: Option<i64>,
    pub remarks: Option<&'a str>,
}

/// A 沟通记录 as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// RFC 3339 UTC.
    pub contacted_at: String,
    /// The China-time month of the contact (the CUST-5 due list counts by it).
    pub month: Month,
    pub nature: ContactNature,
    pub kind: ContactKind,
    pub topic: String,
    pub satisfaction: Option<i64>,
    pub remarks: String,
}

fn one_of<V: Vocabulary>(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<V> {
    let found = V::parse(text);
    if found.is_none() {
        let why = if text.trim().is_empty() {
            reason::REQUIRED
        } else {
            reason::INVALID
        };
        errors.push(FieldError::new(field, why));
    }
    found
}

/// Checks a contact record at `now` (Unix seconds): `contacted_at` RFC 3339 and not in
/// the future, `nature` and `kind` from their vocabularies, `topic` 1–100 characters,
/// `satisfaction` 1–5 when given, `remarks` at most 500.
pub fn contact(input: &ContactInput<'_>, now: i64) -> Result<Contact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let earliest = DateTime::parse_from_rfc3339(EARLIEST_CONTACT)
        .map(|t| t.timestamp())
        .unwrap_or_default();
    let at = match DateTime::parse_from_rfc3339(input.contacted_at.trim()) {
        Err(_) if input.contacted_at.trim().is_empty() => {
            errors.push(FieldError::new("contacted_at", reason::REQUIRED));
            None
        }
        Err(_) => {
            errors.push(FieldError::new("contacted_at", reason::INVALID_FORMAT));
            None
        }
        Ok(t) if t.timestamp() > now + CLOCK_SKEW_SECONDS => {
            errors.push(FieldError::new("contacted_at", why::IN_THE_FUTURE));
            None
        }
        Ok(t) if t.timestamp() < earliest => {
            errors.push(FieldError::new("contacted_at", reason::OUT_OF_RANGE));
            None
        }
        Ok(t) => Some(t.timestamp()),
    };
    let nature = one_of("nature", input.nature, &mut errors);
    let kind = one_of("kind", input.kind, &mut errors);
    let topic = required_text("topic", input.topic, TOPIC_MAX_CHARS).map_err(|e| errors.push(e));
    if input.satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
        errors.push(FieldError::new("satisfaction", reason::OUT_OF_RANGE));
    }
    let remarks =
        optional_text("remarks", input.remarks, REMARKS_MAX_CHARS).map_err(|e| errors.push(e));
    match (at, nature, kind, topic, remarks) {
        (Some(at), Some(nature), Some(kind), Ok(topic), Ok(remarks)) if errors.is_empty() => {
            Ok(Contact {
                contacted_at: rfc3339(at),
                month: Month::of(china_date(at)),
                nature,
                kind,
                topic,
                satisfaction: input.satisfaction,
                remarks,
            })
        }
        _ => Err(errors),
    }
}

/// The days a delegation runs, both included: `starts_on` (default `today`, not before
/// it, at most 180 days ahead) to `ends_on` (not before `starts_on`, at most 180 days
/// in all).
pub fn delegation_period(
    today: NaiveDate,
    starts_on: Option<&str>,
    ends_on: &str,
) -> Result<(NaiveDate, NaiveDate), Vec<FieldError>> {
    let mut errors = Vec::new();
    let start = match starts_on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(text) => match parse_date(text) {
            None => {
                errors.push(FieldError::new("starts_on", reason::INVALID_FORMAT));
                None
            }
            Some(day)
                if day < today
                    || today
                        .checked_add_days(Days::new(DELEGATION_MAX_LEAD_DAYS))
                        .is_some_and(|latest| day > latest) =>
            {
                errors.push(FieldError::new("starts_on", reason::OUT_OF_RANGE));
                None
            }
            Some(day) => Some(day),
        },
    };
    let end = match parse_date(ends_on.trim()) {
        None if ends_on.trim().is_empty() => {
            errors.push(FieldError::new("ends_on", reason::REQUIRED));
            None
        }
        None => {
            errors.push(FieldError::new("ends_on", reason::INVALID_FORMAT));
            None
        }
        Some(day) => Some(day),
    };
    if let (Some(start), Some(end)) = (start, end) {
        let latest = start.checked_add_days(Days::new(DELEGATION_MAX_DAYS - 1));
        if end < start || latest.is_none_or(|latest| end > latest) {
            errors.push(FieldError::new("ends_on", reason::OUT_OF_RANGE));
        }
    }
    match (start, end) {
        (Some(start), Some(end)) if errors.is_empty() => Ok((start, end)),
        _ => Err(errors),
    }
}

/// A staff member as the ORG-5 checks need to see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFacts {
    pub code: String,
    pub name: String,
    /// `normal`, `suspended` or `left`.
    pub status: String,
    pub roles: Roles,
    pub unit_path: String,
}

/// Whether `candidate` may take a customer of `owner_code` whose branch is at
/// `branch_path`: a staff member in normal status in that branch, not the owner, and a
/// rep when `needs_rep` (delegates must be; a transfer's new owner need not). Answers the
/// refusal's reason.
pub fn staff_refusal(
    candidate: Option<&StaffFacts>,
    owner_code: &str,
    branch_path: &str,
    needs_rep: bool,
) -> Option<&'static str> {
    let Some(staff) = candidate else {
        return Some(why::UNKNOWN_REFERENCE);
    };
    if staff.code == owner_code {
        Some(why::IS_OWNER)
    } else if staff.status != "normal" {
        Some(why::NOT_ACTIVE)
    } else if !is_within(&staff.unit_path, branch_path) {
        Some(why::OTHER_BRANCH)
    } else if needs_rep && !staff.roles.has(Role::Rep) {
        Some(why::NOT_A_REP)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn reasons(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect()
    }

    #[test]
    fn notes_are_one_to_500_characters() {
        assert_eq!(
            note_body("  客户希望了解两融业务  ").unwrap(),
            "客户希望了解两融业务"
        );
        assert_eq!(note_body(&"批".repeat(500)).unwrap().chars().count(), 500);
        assert_eq!(note_body(&"批".repeat(501)).unwrap_err().reason, "too_long");
        assert_eq!(note_body(" \n ").unwrap_err().reason, "required");
    }

    // 2026-11-21T15:59:59Z is 23:59:59 on 21 November in China.
    const NOW: i64 = 1_763_740_799;

    fn input(contacted_at: &str) -> ContactInput<'_> {
        ContactInput {
            contacted_at,
            nature: "active",
            kind: "inquiry",
            topic: "咨询两融开户条件",
            satisfaction: Some(5),
            remarks: None,
        }
    }

    #[test]
    fn a_contact_record_keeps_its_china_month() {
        let made = contact(&input("2025-10-31T17:30:00+00:00"), NOW).unwrap();
        // 01:30 on 1 November in China.
        assert_eq!(made.contacted_at, "2025-10-31T17:30:00Z");
        assert_eq!(made.month.to_string(), "2025-11");
        assert_eq!(
            (made.nature, made.kind),
            (ContactNature::Active, ContactKind::Inquiry)
        );
        assert_eq!(made.remarks, "");
        let local = contact(&input("2025-11-01T08:00:00+08:00"), NOW).unwrap();
        assert_eq!(local.contacted_at, "2025-11-01T00:00:00Z");
        // Now itself and a little clock skew are fine.
        assert!(contact(&input("2025-11-21T16:04:00Z"), NOW).is_ok());
    }

    #[test]
    fn bad_contact_records_name_each_field() {
        let long_remarks = "备".repeat(501);
        let long_topic = "题".repeat(101);
        let cases: Vec<(ContactInput<'_>, Vec<(&str, &str)>)> = vec![
            (
                input("2025-11-22T00:00:00Z"),
                vec![("contacted_at", "in_the_future")],
            ),
            (
                input("2025-11-21"),
                vec![("contacted_at", "invalid_format")],
            ),
            (input(""), vec![("contacted_at", "required")]),
            (
                input("1999-12-31T00:00:00Z"),
                vec![("contacted_at", "out_of_range")],
            ),
            (
                ContactInput {
                    nature: "angry",
                    kind: "",
                    ..input("2025-11-01T00:00:00Z")
                },
                vec![("nature", "invalid"), ("kind", "required")],
            ),
            (
                ContactInput {
                    topic: " ",
                    satisfaction: Some(6),
                    remarks: Some(&long_remarks),
                    ..input("2025-11-01T00:00:00Z")
                },
                vec![
                    ("topic", "required"),
                    ("satisfaction", "out_of_range"),
                    ("remarks", "too_long"),
                ],
            ),
            (
                ContactInput {
                    topic: &long_topic,
                    satisfaction: Some(0),
                    ..input("2025-11-01T00:00:00Z")
                },
                vec![("topic", "too_long"), ("satisfaction", "out_of_range")],
            ),
        ];
        for (i, (case, expected)) in cases.into_iter().enumerate() {
            let errors = contact(&case, NOW).unwrap_err();
            assert_eq!(reasons(&errors), expected, "case {i}");
        }
    }

    #[test]
    fn delegation_periods() {
        let today = day("2026-03-10");
        let ok: &[(Option<&str>, &str, &str, &str)] = &[
            (None, "2026-03-10", "2026-03-10", "2026-03-10"),
            (Some(""), "2026-04-10", "2026-03-10", "2026-04-10"),
            (Some("2026-03-12"), "2026-03-31", "2026-03-12", "2026-03-31"),
            // 180 days, both ends counted.
            (None, "2026-09-05", "2026-03-10", "2026-09-05"),
        ];
        for (starts_on, ends_on, start, end) in ok {
            assert_eq!(
                delegation_period(today, *starts_on, ends_on).unwrap(),
                (day(start), day(end)),
                "{starts_on:?} {ends_on}"
            );
        }
        type Refusal<'a> = &'a [(&'a str, &'a str)];
        let bad: &[(Option<&str>, &str, Refusal)] = &[
            (None, "2026-09-06", &[("ends_on", "out_of_range")]),
            (None, "2026-03-09", &[("ends_on", "out_of_range")]),
            (
                Some("2026-03-09"),
                "2026-03-20",
                &[("starts_on", "out_of_range")],
            ),
            (
                Some("2026-09-07"),
                "2026-09-08",
                &[("starts_on", "out_of_range")],
            ),
            (
                Some("2026-3-12"),
                "x",
                &[
                    ("starts_on", "invalid_format"),
                    ("ends_on", "invalid_format"),
                ],
            ),
            (None, "", &[("ends_on", "required")]),
        ];
        for (starts_on, ends_on, expected) in bad {
            let errors = delegation_period(today, *starts_on, ends_on).unwrap_err();
            assert_eq!(reasons(&errors), *expected, "{starts_on:?} {ends_on}");
        }
    }

    #[test]
    fn who_may_take_a_customer() {
        let staff = |code: &str, status: &str, roles: &str, path: &str| StaffFacts {
            code: code.into(),
            name: String::new(),
            status: status.into(),
            roles: Roles::from_stored(roles),
            unit_path: path.into(),
        };
        let branch = "/1/2/4/";
        let teammate = staff("A0002", "normal", "rep", "/1/2/4/8/");
        let other_team = staff("A0003", "normal", "rep", "/1/2/4/9/");
        let other_branch = staff("A0004", "normal", "rep", "/1/3/6/11/");
        let suspended = staff("A0002", "suspended", "rep", "/1/2/4/8/");
        let manager = staff("0010002", "normal", "branch_manager", "/1/2/4/");
        let lead = staff("0010001", "normal", "lead,rep", "/1/2/4/8/");
        let owner = staff("A0001", "normal", "rep", "/1/2/4/8/");
        // (candidate, needs_rep, refusal)
        let table: &[(Option<&StaffFacts>, bool, Option<&str>)] = &[
            (Some(&teammate), true, None),
            (Some(&other_team), true, None),
            (Some(&lead), true, None),
            (Some(&other_branch), true, Some("other_branch")),
            (Some(&suspended), true, Some("not_active")),
            (Some(&manager), true, Some("not_a_rep")),
            (Some(&manager), false, None),
            (Some(&owner), false, Some("is_owner")),
            (None, false, Some("unknown_reference")),
        ];
        for (i, (candidate, needs_rep, expected)) in table.iter().enumerate() {
            assert_eq!(
                staff_refusal(*candidate, "A0001", branch, *needs_rep),
                *expected,
                "row {i}"
            );
        }
    }

    #[test]
    fn required_and_optional_texts() {
        assert_eq!(required_text("reason", " 调岗 ", 200).unwrap(), "调岗");
        assert_eq!(
            required_text("reason", "", 200).unwrap_err().reason,
            "required"
        );
        assert_eq!(optional_text("comment", None, 5).unwrap(), "");
        assert_eq!(
            optional_text("comment", Some("123456"), 5)
                .unwrap_err()
                .reason,
            "too_long"
        );
        // A bidi override or a zero-width space would make the text show as another.
        for text in ["abc\u{202e}gpj.exe", "张\u{200b}三", "\u{feff}备注"] {
            assert_eq!(
                required_text("topic", text, 200).unwrap_err().reason,
                "misleading_character",
                "{text:?}"
            );
            assert_eq!(
                optional_text("remarks", Some(text), 200)
                    .unwrap_err()
                    .reason,
                "misleading_character",
                "{text:?}"
            );
        }
    }
}
