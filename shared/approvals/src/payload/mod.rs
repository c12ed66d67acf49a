//! What each kind of request carries (its form), checked before anything is stored.
//! The stored JSON is the answered JSON: each form serialises as it was validated.

mod fields;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zhanye_money::Money;
use zhanye_platform::FieldError;

use crate::kind::Kind;
pub use fields::Fields;

/// 开发目标, 业务需求: characters.
pub const GOAL_MAX_CHARS: usize = 500;
/// 开发方式: characters.
pub const METHOD_MAX_CHARS: usize = 200;
/// 资金账号: characters, as the trading partner sends it.
pub const ACCOUNT_NO_MAX_CHARS: usize = 32;
/// 事由 of an expense and of a transfer: characters.
pub const REASON_MAX_CHARS: usize = 200;
/// 对象 of an expense: characters.
pub const TARGET_MAX_CHARS: usize = 100;
/// 用途 of an expense: characters.
pub const USE_MAX_CHARS: usize = 200;
/// The texts of a collaboration request: characters.
pub const COLLABORATION_MAX_CHARS: usize = 1000;
/// The largest expense one request may ask for (a typing mistake beyond it).
pub const EXPENSE_MAX_YUAN: i64 = 10_000_000;
/// How far ahead a development deadline or an expense date may lie, in days.
pub const DAYS_AHEAD: u64 = 366;
/// Expense dates before this are typing mistakes.
const EARLIEST_EXPENSE: (i32, u32, u32) = (2000, 1, 1);

/// 客户开发任务书 (CUST-6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentBook {
    pub prospect_id: i64,
    /// 开发目标.
    pub goal: String,
    /// 开发期限, `YYYY-MM-DD`, not before the day it is filed.
    pub deadline: String,
    /// 开发方式.
    pub method: String,
    /// 业务需求.
    pub needs: String,
}

/// 新客户确认 (CUST-6): the account the developed prospect opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomerConfirmation {
    pub prospect_id: i64,
    /// 资金账号, of a customer the trading partner has pushed.
    pub account_no: String,
}

/// 费用申请 (客户开发费用申请表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseRequest {
    /// 事由.
    pub reason: String,
    /// 时间, `YYYY-MM-DD`.
    pub time: String,
    /// 对象.
    pub target: String,
    /// 用途.
    #[serde(rename = "use")]
    pub usage: String,
    /// 金额, above zero.
    pub amount: Money,
}

/// 业务协作申请 (投资顾问业务协作申请书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollaborationRequest {
    /// 遇到的实际问题、困难.
    pub problem: String,
    /// 协作具体需求.
    pub needs: String,
    /// 较为理想的解决方案 (optional, empty when not given).
    pub proposal: String,
}

/// 转让 (ORG-5): why, and whom the owner suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub reason: String,
    pub suggested_code: Option<String>,
}

/// A validated form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Development(DevelopmentBook),
    NewCustomer(NewCustomerConfirmation),
    Expense(ExpenseRequest),
    Collaboration(CollaborationRequest),
    CustomerTransfer(TransferRequest),
}

impl Payload {
    pub fn kind(&self) -> Kind {
        match self {
            Payload::Development(_) => Kind::Development,
            Payload::NewCustomer(_) => Kind::NewCustomer,
            Payload::Expense(_) => Kind::Expense,
            Payload::Collaboration(_) => Kind::Collaboration,
            Payload::CustomerTransfer(_) => Kind::CustomerTransfer,
        }
    }

    /// The prospect a development or new-customer request is about.
    pub fn prospect_id(&self) -> Option<i64> {
        match self {
            Payload::Development(book) => Some(book.prospect_id),
            Payload::NewCustomer(confirmation) => Some(confirmation.prospect_id),
            _ => None,
        }
    }

    /// As stored and answered.
    pub fn to_json(&self) -> Value {
        let value = match self {
            Payload::Development(p) => serde_json::to_value(p),
            Payload::NewCustomer(p) => serde_json::to_value(p),
            Payload::Expense(p) => serde_json::to_value(p),
            Payload::Collaboration(p) => serde_json::to_value(p),
            Payload::CustomerTransfer(p) => serde_json::to_value(p),
        };
        value.unwrap_or(Value::Null)
    }

    /// A stored form back; `None` when it does not read as `kind`'s (never written so).
    pub fn from_stored(kind: Kind, text: &str) -> Option<Payload> {
        Some(match kind {
            Kind::Development => Payload::Development(serde_json::from_str(text).ok()?),
            Kind::NewCustomer => Payload::NewCustomer(serde_json::from_str(text).ok()?),
            Kind::Expense => Payload::Expense(serde_json::from_str(text).ok()?),
            Kind::Collaboration => Payload::Collaboration(serde_json::from_str(text).ok()?),
            Kind::CustomerTransfer => Payload::CustomerTransfer(serde_json::from_str(text).ok()?),
        })
    }

    /// The one-line summary lists and to-dos show; `subject` is the prospect's or
    /// customer's name.
    pub fn title(&self, subject: Option<&str>) -> String {
        let subject = subject.unwrap_or_default();
        match self {
            Payload::Development(_) => format!("客户开发任务书：{subject}"),
            Payload::NewCustomer(p) => format!("新客户确认：{subject}（{}）", p.account_no),
            Payload::Expense(p) => format!("费用申请：{}（{} 元）", p.reason, p.amount),
            Payload::Collaboration(p) => {
                format!("业务协作申请：{}", shortened(&p.problem, 30))
            }
            Payload::CustomerTransfer(_) => format!("客户转让：{subject}"),
        }
    }

    /// Checks `payload` as a `kind` form filed on `today`.
    pub fn parse(
        kind: Kind,
        payload: &Value,
        today: NaiveDate,
    ) -> Result<Payload, Vec<FieldError>> {
        let mut f = Fields::of(payload)?;
        let parsed = match kind {
            Kind::Development => {
                let prospect_id = f.id("prospect_id");
                let goal = f.text("goal", GOAL_MAX_CHARS);
                let deadline = f.date("deadline", today, today, DAYS_AHEAD);
                let method = f.text("method", METHOD_MAX_CHARS);
                let needs = f.text("needs", GOAL_MAX_CHARS);
                (|| {
                    Some(Payload::Development(DevelopmentBook {
                        prospect_id: prospect_id?,
                        goal: goal?,
                        deadline: deadline?.to_string(),
                        method: method?,
                        needs: needs?,
                    }))
                })()
            }
            Kind::NewCustomer => {
                let prospect_id = f.id("prospect_id");
                let account_no = f.text("account_no", ACCOUNT_NO_MAX_CHARS);
                (|| {
                    Some(Payload::NewCustomer(NewCustomerConfirmation {
                        prospect_id: prospect_id?,
                        account_no: account_no?,
                    }))
                })()
            }
            Kind::Expense => {
                let reason = f.text("reason", REASON_MAX_CHARS);
                let (y, m, d) = EARLIEST_EXPENSE;
                let earliest = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
                let time = f.date("time", earliest, today, DAYS_AHEAD);
                let target = f.text("target", TARGET_MAX_CHARS);
                let usage = f.text("use", USE_MAX_CHARS);
                let amount = f.amount("amount", Money::from_fen(EXPENSE_MAX_YUAN * 100));
                (|| {
                    Some(Payload::Expense(ExpenseRequest {
                        reason: reason?,
                        time: time?.to_string(),
                        target: target?,
                        usage: usage?,
                        amount: amount?,
                    }))
                })()
            }
            Kind::Collaboration => {
                let problem = f.text("problem", COLLABORATION_MAX_CHARS);
                let needs = f.text("needs", COLLABORATION_MAX_CHARS);
                let proposal = f.optional_text("proposal", COLLABORATION_MAX_CHARS);
                (|| {
                    Some(Payload::Collaboration(CollaborationRequest {
                        problem: problem?,
                        needs: needs?,
                        proposal: proposal?,
                    }))
                })()
            }
            Kind::CustomerTransfer => {
                let reason = f.text("reason", REASON_MAX_CHARS);
                let suggested = f.optional_text("suggested_code", 16);
                (|| {
                    Some(Payload::CustomerTransfer(TransferRequest {
                        reason: reason?,
                        suggested_code: Some(suggested?).filter(|s| !s.is_empty()),
                    }))
                })()
            }
        };
        f.finish()?;
        // Every field read without a refusal, so each part is there.
        parsed.ok_or_else(Vec::new)
    }
}

/// The first `max` characters, with an ellipsis when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
