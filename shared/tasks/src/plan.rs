//! 营销任务发起 (TASK-1), the set-up form (工作设置): 资金账号 (optional — "如果是现有团队
//! 客户, 请输入资金账号, 否则留空"), 客户/公司名称, 地址, 时间, 负责营销人员, 内容.
//!
//! Checked here without the store: shapes, lengths and the planned time's range. The
//! store then settles what needs facts — whether the account is a customer the caller
//! reads, and whether the responsible staff member is one the caller may assign.

use zhanye_platform::FieldError;
use zhanye_platform::problem::reason;
use zhanye_staff::StaffCode;

use crate::fields::{
    ACCOUNT_NO_MAX_CHARS, ADDRESS_MAX_CHARS, CONTENT_MAX_CHARS, CUSTOMER_NAME_MAX_CHARS,
    optional_text, required_text, time_in,
};
use crate::when::stored;

/// How far back a plan's time may lie: a visit set up a little after it was agreed.
pub const PLAN_MAX_PAST_SECONDS: i64 = 30 * 24 * 3600;
/// How far ahead a plan's time may lie.
pub const PLAN_MAX_AHEAD_SECONDS: i64 = 2 * 366 * 24 * 3600;

/// The set-up form as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanInput<'a> {
    pub account_no: Option<&'a str>,
    pub customer_name: Option<&'a str>,
    pub planned_address: &'a str,
    pub planned_at: &'a str,
    pub responsible_code: Option<&'a str>,
    pub content: &'a str,
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// 资金账号 of an existing customer, to be looked up in the caller's scope.
    pub account_no: Option<String>,
    /// 客户/公司名称 as typed; always present without an account number (with one, the
    /// customer's own name is used).
    pub customer_name: Option<String>,
    /// 地点.
    pub planned_address: String,
    /// 时间, RFC 3339 UTC.
    pub planned_at: String,
    /// 负责营销人员 in canonical form; `None` for the caller themself.
    pub responsible_code: Option<String>,
    /// 内容.
    pub content: String,
}

/// Checks the set-up form at `now` (Unix seconds); every refused field is named.
pub fn plan(input: &PlanInput<'_>, now: i64) -> Result<Plan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = |result: Result<String, FieldError>| result.map_err(|e| errors.push(e)).ok();

    let account_no = match input.account_no.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(text)
            if text.len() <= ACCOUNT_NO_MAX_CHARS
                && text.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            Ok(Some(text.to_owned()))
        }
        Some(_) => Err(FieldError::new("account_no", reason::INVALID_FORMAT)),
    };
    let customer_name = optional_text(
        "customer_name",
        input.customer_name,
        CUSTOMER_NAME_MAX_CHARS,
    );
    let (account_no, customer_name) = match (account_no, customer_name) {
        (Ok(None), Ok(None)) => {
            keep(Err(FieldError::new("customer_name", reason::REQUIRED)));
            (None, None)
        }
        (account_no, customer_name) => (
            account_no.map_err(|e| keep(Err(e))).ok().flatten(),
            customer_name.map_err(|e| keep(Err(e))).ok().flatten(),
        ),
    };
    let planned_address = keep(required_text(
        "planned_address",
        input.planned_address,
        ADDRESS_MAX_CHARS,
    ));
    let planned_at = keep(
        time_in(
            "planned_at",
            input.planned_at,
            now - PLAN_MAX_PAST_SECONDS,
            now + PLAN_MAX_AHEAD_SECONDS,
        )
        .map(stored),
    );
    let responsible_code = match input
        .responsible_code
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(text) => match StaffCode::parse(text) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(_) => {
                keep(Err(FieldError::new(
                    "responsible_code",
                    reason::INVALID_FORMAT,
                )));
                None
            }
        },
    };
    let content = keep(required_text("content", input.content, CONTENT_MAX_CHARS));
    match (planned_address, planned_at, content) {
        (Some(planned_address), Some(planned_at), Some(content)) if errors.is_empty() => Ok(Plan {
            account_no,
            customer_name,
            planned_address,
            planned_at,
            responsible_code,
            content,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-03-10T07:30:00Z, 15:30 in China.
    const NOW: i64 = 1_773_127_800;

    /// The seed's example: 张思, 上海市合肥路1042号, 客户见证开户预约.
    fn seed() -> PlanInput<'static> {
        PlanInput {
            account_no: None,
            customer_name: Some("张思"),
            planned_address: "上海市合肥路1042号",
            planned_at: "2026-03-11 09:30",
            responsible_code: None,
            content: "客户见证开户预约",
        }
    }

    fn refusals(input: PlanInput<'_>) -> Vec<(String, String)> {
        plan(&input, NOW)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.reason))
            .collect()
    }

    #[test]
    fn the_seed_plan() {
        let made = plan(&seed(), NOW).unwrap();
        assert_eq!(made.customer_name.as_deref(), Some("张思"));
        assert_eq!(made.account_no, None);
        assert_eq!(made.planned_address, "上海市合肥路1042号");
        assert_eq!(made.planned_at, "2026-03-11T01:30:00Z");
        assert_eq!(made.responsible_code, None);
        assert_eq!(made.content, "客户见证开户预约");

        // With an account number the name may be left out, and a lead names a member
        // as people type codes (a lower-case `a` is `A`).
        let with_account = plan(
            &PlanInput {
                account_no: Some(" 002100000001 "),
                customer_name: Some(""),
                responsible_code: Some(" a0002 "),
                ..seed()
            },
            NOW,
        )
        .unwrap();
        assert_eq!(with_account.account_no.as_deref(), Some("002100000001"));
        assert_eq!(with_account.customer_name, None);
        assert_eq!(with_account.responsible_code.as_deref(), Some("A0002"));
        assert!(
            plan(
                &PlanInput {
                    responsible_code: Some(""),
                    ..seed()
                },
                NOW
            )
            .unwrap()
            .responsible_code
            .is_none()
        );
    }

    #[test]
    fn bad_plans_name_each_field() {
        let long_name = "名".repeat(101);
        let long_address = "路".repeat(201);
        let long_content = "容".repeat(1001);
        let long_account = "1".repeat(33);
        let cases: Vec<(PlanInput<'_>, Vec<(&str, &str)>)> = vec![
            (
                PlanInput {
                    customer_name: None,
                    ..seed()
                },
                vec![("customer_name", "required")],
            ),
            (
                PlanInput {
                    customer_name: Some("  "),
                    account_no: Some(" "),
                    ..seed()
                },
                vec![("customer_name", "required")],
            ),
            (
                PlanInput {
                    customer_name: Some(&long_name),
                    ..seed()
                },
                vec![("customer_name", "too_long")],
            ),
            (
                PlanInput {
                    account_no: Some("0021-0000"),
                    ..seed()
                },
                vec![("account_no", "invalid_format")],
            ),
            (
                PlanInput {
                    account_no: Some(&long_account),
                    ..seed()
                },
                vec![("account_no", "invalid_format")],
            ),
            (
                PlanInput {
                    planned_address: " ",
                    ..seed()
                },
                vec![("planned_address", "required")],
            ),
            (
                PlanInput {
                    planned_address: &long_address,
                    ..seed()
                },
                vec![("planned_address", "too_long")],
            ),
            (
                PlanInput {
                    planned_at: "",
                    ..seed()
                },
                vec![("planned_at", "required")],
            ),
            (
                PlanInput {
                    planned_at: "10/09/2014 15:32",
                    ..seed()
                },
                vec![("planned_at", "invalid_format")],
            ),
            (
                PlanInput {
                    planned_at: "2026-02-01 09:00",
                    ..seed()
                },
                vec![("planned_at", "out_of_range")],
            ),
            (
                PlanInput {
                    planned_at: "2029-01-01 09:00",
                    ..seed()
                },
                vec![("planned_at", "out_of_range")],
            ),
            (
                PlanInput {
                    responsible_code: Some("B0001"),
                    ..seed()
                },
                vec![("responsible_code", "invalid_format")],
            ),
            (
                PlanInput {
                    content: "",
                    ..seed()
                },
                vec![("content", "required")],
            ),
            (
                PlanInput {
                    content: &long_content,
                    ..seed()
                },
                vec![("content", "too_long")],
            ),
            (
                PlanInput {
                    account_no: None,
                    customer_name: None,
                    planned_address: "",
                    planned_at: "soon",
                    responsible_code: Some("?"),
                    content: "\u{7}",
                },
                vec![
                    ("customer_name", "required"),
                    ("planned_address", "required"),
                    ("planned_at", "invalid_format"),
                    ("responsible_code", "invalid_format"),
                    ("content", "invalid_characters"),
                ],
            ),
        ];
        for (input, expected) in cases {
            let got = refusals(input);
            let got: Vec<(&str, &str)> =
                got.iter().map(|(f, r)| (f.as_str(), r.as_str())).collect();
            assert_eq!(got, expected, "{input:?}");
        }
    }

    #[test]
    fn a_plan_may_lie_a_month_back_and_two_years_ahead() {
        let at = |text: &'static str| {
            plan(
                &PlanInput {
                    planned_at: text,
                    ..seed()
                },
                NOW,
            )
        };
        assert!(at("2026-02-09 16:00").is_ok());
        assert!(at("2026-02-08 15:29").is_err());
        assert!(at("2028-03-10 15:30").is_ok());
        assert!(at("2028-03-12 15:31").is_err());
        // Overdue from the start: planned an hour ago.
        assert_eq!(
            at("2026-03-10T06:30:00Z").unwrap().planned_at,
            "2026-03-10T06:30:00Z"
        );
    }
}
