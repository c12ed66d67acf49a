//! 营销任务执行 (TASK-3), the execution form (工作执行): 地址, 时间, 协同人员 (optional),
//! 内容. Checked here without the store; whether each co-worker is a staff member in
//! normal status is settled with the facts the store finds ([`coworker_refusal`]).

use std::collections::HashSet;

use zhanye_customers::rules::StaffFacts;
use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;
use zhanye_staff::StaffCode;

use crate::fields::{ADDRESS_MAX_CHARS, CONTENT_MAX_CHARS, required_text, time_in, why};
use crate::plan::PLAN_MAX_PAST_SECONDS;
use crate::when::stored;

/// 协同人员 per task.
pub const MAX_COWORKERS: usize = 20;
/// Clock difference tolerated between a client and the server, seconds.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// The execution form as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecutionInput<'a> {
    pub actual_address: &'a str,
    pub actual_at: &'a str,
    pub coworkers: &'a [String],
    pub content: &'a str,
}

/// A checked execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// 地址 where the work was done.
    pub actual_address: String,
    /// 时间 it was done, RFC 3339 UTC.
    pub actual_at: String,
    /// 协同人员, canonical codes in the order given.
    pub coworkers: Vec<String>,
    /// 内容 of what was done.
    pub content: String,
}

/// Checks the execution form of a task of `responsible_code` set up at `created_at`
/// (Unix seconds), at `now`. The work cannot have happened in the future, nor long
/// before the task was set up (no earlier than a plan itself may lie).
pub fn execution(
    input: &ExecutionInput<'_>,
    responsible_code: &str,
    created_at: i64,
    now: i64,
) -> Result<Execution, Vec<FieldError>> {
    let mut errors = Vec::new();
    let actual_address = required_text("actual_address", input.actual_address, ADDRESS_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    let actual_at = match time_in(
        "actual_at",
        input.actual_at,
        created_at - PLAN_MAX_PAST_SECONDS,
        i64::MAX,
    ) {
        Ok(at) if at > now + CLOCK_SKEW_SECONDS => {
            errors.push(FieldError::new("actual_at", why::IN_THE_FUTURE));
            None
        }
        Ok(at) => Some(stored(at)),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let coworkers = coworker_codes(input.coworkers, responsible_code, &mut errors);
    let content = required_text("content", input.content, CONTENT_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    match (actual_address, actual_at, content) {
        (Some(actual_address), Some(actual_at), Some(content)) if errors.is_empty() => {
            Ok(Execution {
                actual_address,
                actual_at,
                coworkers,
                content,
            })
        }
        _ => Err(errors),
    }
}

/// Canonical co-worker codes: well-formed, not the responsible, each once.
fn coworker_codes(
    given: &[String],
    responsible_code: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    if given.len() > MAX_COWORKERS {
        errors.push(FieldError::new("coworkers", reason::OUT_OF_RANGE));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut codes = Vec::new();
    for (i, text) in given.iter().enumerate() {
        let field = format!("coworkers[{i}]");
        match StaffCode::parse(text) {
            Err(_) => errors.push(FieldError::new(field, reason::INVALID_FORMAT)),
            Ok(code) if code.as_str() == responsible_code => {
                errors.push(FieldError::new(field, why::IS_RESPONSIBLE));
            }
            Ok(code) if !seen.insert(code.as_str().to_owned()) => {
                errors.push(FieldError::new(field, reason::DUPLICATE));
            }
            Ok(code) => codes.push(code.as_str().to_owned()),
        }
    }
    codes
}

/// Why a co-worker is refused, given what the store knows of them: no such staff
/// member, or one not in normal status.
pub fn coworker_refusal(staff: Option<&StaffFacts>) -> Option<&'static str> {
    match staff {
        None => Some(why::UNKNOWN_REFERENCE),
        Some(staff) if staff.status != "normal" => Some(why::NOT_ACTIVE),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhanye_staff::Roles;

    // 2026-03-10T07:30:00Z, 15:30 in China; the task was set up a day before.
    const NOW: i64 = 1_773_127_800;
    const CREATED: i64 = NOW - 24 * 3600;

    /// The seed's execution: 上海市合肥路, 上门拜访.
    fn seed(coworkers: &[String]) -> ExecutionInput<'_> {
        ExecutionInput {
            actual_address: "上海市合肥路",
            actual_at: "2026-03-10 15:00",
            coworkers,
            content: "上门拜访",
        }
    }

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn the_seed_execution() {
        let coworkers = codes(&["a0002", "0010001"]);
        let done = execution(&seed(&coworkers), "A0001", CREATED, NOW).unwrap();
        assert_eq!(done.actual_address, "上海市合肥路");
        assert_eq!(done.actual_at, "2026-03-10T07:00:00Z");
        assert_eq!(done.coworkers, ["A0002", "0010001"]);
        assert_eq!(done.content, "上门拜访");
        assert!(
            execution(&seed(&[]), "A0001", CREATED, NOW)
                .unwrap()
                .coworkers
                .is_empty()
        );
    }

    #[test]
    fn bad_executions_name_each_field() {
        let long = "址".repeat(201);
        let many: Vec<String> = (1..=21).map(|i| format!("A{i:04}")).collect();
        let twice = codes(&["A0002", " a0002", "A0001", "x", "A0003"]);
        let none: Vec<String> = Vec::new();
        let cases: Vec<(ExecutionInput<'_>, Vec<(&str, &str)>)> = vec![
            (
                ExecutionInput {
                    actual_address: "",
                    ..seed(&none)
                },
                vec![("actual_address", "required")],
            ),
            (
                ExecutionInput {
                    actual_address: &long,
                    ..seed(&none)
                },
                vec![("actual_address", "too_long")],
            ),
            (
                ExecutionInput {
                    actual_at: "",
                    ..seed(&none)
                },
                vec![("actual_at", "required")],
            ),
            (
                ExecutionInput {
                    actual_at: "12/09/2014 15:49",
                    ..seed(&none)
                },
                vec![("actual_at", "invalid_format")],
            ),
            (
                ExecutionInput {
                    actual_at: "2026-03-10 15:40",
                    ..seed(&none)
                },
                vec![("actual_at", "in_the_future")],
            ),
            (
                ExecutionInput {
                    actual_at: "2026-01-01 09:00",
                    ..seed(&none)
                },
                vec![("actual_at", "out_of_range")],
            ),
            (seed(&many), vec![("coworkers", "out_of_range")]),
            (
                seed(&twice),
                vec![
                    ("coworkers[1]", "duplicate"),
                    ("coworkers[2]", "is_responsible"),
                    ("coworkers[3]", "invalid_format"),
                ],
            ),
            (
                ExecutionInput {
                    content: " ",
                    ..seed(&none)
                },
                vec![("content", "required")],
            ),
        ];
        for (input, expected) in cases {
            let got = execution(&input, "A0001", CREATED, NOW).unwrap_err();
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|e| (e.field.as_str(), e.reason.as_str()))
                .collect();
            assert_eq!(got, expected, "{input:?}");
        }
        // A little clock skew is fine.
        assert!(
            execution(
                &ExecutionInput {
                    actual_at: "2026-03-10 15:34",
                    ..seed(&none)
                },
                "A0001",
                CREATED,
                NOW
            )
            .is_ok()
        );
    }

    #[test]
    fn coworkers_must_be_staff_in_normal_status() {
        let staff = |status: &str| StaffFacts {
            code: "A0002".into(),
            name: "王芳".into(),
            status: status.into(),
            roles: Roles::from_stored("rep"),
            unit_path: "/1/2/4/8/".into(),
        };
        let cases = [
            (None, Some("unknown_reference")),
            (Some(staff("normal")), None),
            (Some(staff("suspended")), Some("not_active")),
            (Some(staff("left")), Some("not_active")),
        ];
        for (facts, expected) in cases {
            assert_eq!(coworker_refusal(facts.as_ref()), expected, "{facts:?}");
        }
    }
}
