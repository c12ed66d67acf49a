//! What a task list asks for (`GET /api/tasks`): which tasks (the caller's own as the
//! responsible, the team's, or those they helped with), which status, a date range and
//! a customer.
//!
//! - `status=open` (default): the to-do list (待办, TASK-2), by planned time, and the
//!   date range applies to the planned time;
//! - `status=done`, `cancelled`, or `closed` (both): the history (历史任务, TASK-4),
//!   newest first, and the date range applies to the day it was done or cancelled;
//! - `from`, `to`: China-time days `YYYY-MM-DD`, both included;
//! - `q`: the customer — digits are an account-number (资金账号) prefix, anything else a
//!   customer-name prefix;
//! - `scope=own` (default), `team` (a lead's team, a manager's branch, HQ all),
//!   `coworked` (tasks the caller was a co-worker on) or `assigned` (我发起的: tasks the
//!   caller set up for someone else, which leave their own list).

use chrono::NaiveDate;
use zhanye_platform::problem::reason;
use zhanye_platform::time::parse_date;
use zhanye_platform::{ApiError, FieldError, QueryParams};

use crate::status::TaskStatus;
use crate::when::day_range;

/// The longest `q`, characters.
pub const TEXT_FILTER_MAX_CHARS: usize = 50;

/// Which statuses a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    One(TaskStatus),
    /// Done and cancelled: the whole history.
    Closed,
}

impl Listed {
    pub fn parse(text: &str) -> Option<Listed> {
        match text {
            "closed" => Some(Listed::Closed),
            other => TaskStatus::parse(other).map(Listed::One),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Listed::One(status) => status.as_str(),
            Listed::Closed => "closed",
        }
    }

    /// The to-do list, rather than the history.
    pub fn is_open(self) -> bool {
        self == Listed::One(TaskStatus::Open)
    }
}

/// Whose tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// The caller's, as the responsible.
    Own,
    /// The caller's team, branch or (HQ) the firm.
    Team,
    /// Tasks the caller was a co-worker on.
    Coworked,
    /// 我发起的: tasks the caller set up with someone else responsible.
    Assigned,
}

impl ListScope {
    pub fn parse(text: &str) -> Option<ListScope> {
        match text {
            "own" => Some(ListScope::Own),
            "team" => Some(ListScope::Team),
            "coworked" => Some(ListScope::Coworked),
            "assigned" => Some(ListScope::Assigned),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListScope::Own => "own",
            ListScope::Team => "team",
            ListScope::Coworked => "coworked",
            ListScope::Assigned => "assigned",
        }
    }
}

/// What `q` searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerText {
    /// A 资金账号: its start, or with four digits or more its end.
    AccountNo(String),
    /// Any part of the 客户/公司名称.
    Name(String),
}

/// A task list's filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Listed,
    pub scope: ListScope,
    /// Stored-time range `[start, end)` of the days asked for.
    pub range: Option<(String, String)>,
    pub text: Option<CustomerText>,
}

impl ListQuery {
    /// Reads `status`, `scope`, `from`, `to` and `q`; empty ones take their defaults.
    /// Anything unknown or malformed is a 422 naming the parameter.
    pub fn from_params(params: &QueryParams) -> Result<ListQuery, ApiError> {
        let mut errors = Vec::new();
        let status = match params.get_non_empty("status") {
            None => Listed::One(TaskStatus::Open),
            Some(text) => Listed::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new("status", reason::INVALID));
                Listed::One(TaskStatus::Open)
            }),
        };
        let scope = match params.get_non_empty("scope") {
            None => ListScope::Own,
            Some(text) => ListScope::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new("scope", reason::INVALID));
                ListScope::Own
            }),
        };
        let mut day = |name: &str| -> Option<NaiveDate> {
            let text = params.get_non_empty(name)?;
            parse_date(text).or_else(|| {
                errors.push(FieldError::new(name, reason::INVALID_FORMAT));
                None
            })
        };
        let (from, to) = (day("from"), day("to"));
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.push(FieldError::new("to", reason::OUT_OF_RANGE));
        }
        let q = params
            .get_text("q", TEXT_FILTER_MAX_CHARS)
            .unwrap_or_else(|error| {
                errors.push(error);
                None
            });
        let text = match q {
            None => None,
            Some(q) if q.bytes().all(|b| b.is_ascii_digit()) => {
                Some(CustomerText::AccountNo(q.to_owned()))
            }
            Some(q) => Some(CustomerText::Name(q.to_owned())),
        };
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let range = match (from, to) {
            (None, None) => None,
            (from, to) => Some(day_range(from, to)),
        };
        Ok(ListQuery {
            status,
            scope,
            range,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> Result<ListQuery, ApiError> {
        ListQuery::from_params(&QueryParams::parse(Some(text)))
    }

    #[test]
    fn defaults_are_the_callers_open_tasks() {
        let q = query("").unwrap();
        assert_eq!(q.status, Listed::One(TaskStatus::Open));
        assert!(q.status.is_open());
        assert_eq!(q.scope, ListScope::Own);
        assert_eq!((q.range, q.text), (None, None));
    }

    #[test]
    fn filters_as_asked() {
        let q = query("status=done&from=2026-03-01&to=2026-03-31&q=0021&scope=team").unwrap();
        assert_eq!(q.status, Listed::One(TaskStatus::Done));
        assert_eq!(q.scope, ListScope::Team);
        assert_eq!(
            q.range,
            Some((
                "2026-02-28T16:00:00Z".to_owned(),
                "2026-03-31T16:00:00Z".to_owned()
            ))
        );
        assert_eq!(q.text, Some(CustomerText::AccountNo("0021".into())));
        let q = query("status=closed&q=%E5%BC%A0&scope=coworked&from=2026-03-10").unwrap();
        assert_eq!(q.status, Listed::Closed);
        assert_eq!(q.scope, ListScope::Coworked);
        assert_eq!(q.text, Some(CustomerText::Name("张".into())));
        let assigned = query("scope=assigned&status=done").unwrap();
        assert_eq!(assigned.scope, ListScope::Assigned);
        assert_eq!(assigned.scope.as_str(), "assigned");
        assert_eq!(assigned.status, Listed::One(TaskStatus::Done));
        let (start, end) = q.range.unwrap();
        assert_eq!(start, "2026-03-09T16:00:00Z");
        assert_eq!(end, "9999-12-31T23:59:59Z");
        let q = query("to=2026-03-10").unwrap();
        let (start, end) = q.range.unwrap();
        assert_eq!(start, "0000-01-01T00:00:00Z");
        assert_eq!(end, "2026-03-10T16:00:00Z");
    }

    #[test]
    fn bad_filters_name_the_parameter() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("status=pending", &[("status", "invalid")]),
            ("scope=all", &[("scope", "invalid")]),
            ("from=2026-3-1", &[("from", "invalid_format")]),
            ("to=yesterday", &[("to", "invalid_format")]),
            ("from=2026-03-02&to=2026-03-01", &[("to", "out_of_range")]),
            (
                "q=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                &[("q", "too_long")],
            ),
            (
                "status=x&scope=y&from=z",
                &[
                    ("status", "invalid"),
                    ("scope", "invalid"),
                    ("from", "invalid_format"),
                ],
            ),
        ];
        for (text, expected) in cases {
            let error = query(text).unwrap_err();
            assert_eq!(error.status.as_u16(), 422, "{text}");
            let got: Vec<(&str, &str)> = error
                .field_errors
                .iter()
                .map(|e| (e.field.as_str(), e.reason.as_str()))
                .collect();
            assert_eq!(got, *expected, "{text}");
        }
    }
}
