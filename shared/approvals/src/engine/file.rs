//! Filing a request: the form checked, its subject checked against the requester's
//! data scope and its state, the chain resolved, then one transaction that refuses a
//! second pending request about the same subject, stores the request, its chain and
//! its `submitted` history row, and audits it.

use chrono::NaiveDate;
use serde_json::{Value, json};
use zhanye_customers::rules::optional_text;
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, Db, FieldError, Localized};
use zhanye_staff::Principal;

use super::audit_target;
use crate::chain;
use crate::decision::COMMENT_MAX_CHARS;
use crate::kind::{Event, Kind, audit_action};
use crate::payload::Payload;
use crate::store::requests::{self, NewRequest};
use crate::store::{org, prospects, subjects};

/// A request ready to file.
#[derive(Debug, Clone)]
pub struct Filing {
    pub payload: Payload,
    /// The prospect or customer it is about.
    pub subject_id: Option<i64>,
    pub title: String,
    /// The unit the chain is resolved above: the requester's, or a transfer's
    /// customer's.
    pub anchor_unit_path: String,
    pub comment: String,
}

fn no_approver() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "找不到可以审批该申请的人员，请联系营业部。",
        "Nobody can approve this request; contact your branch.",
    ))
}

fn already_pending(kind: Kind) -> ApiError {
    match kind {
        Kind::CustomerTransfer => ApiError::conflict().with_detail(Localized::new(
            "该客户已有待审批的转让申请。",
            "The customer already has a pending transfer request.",
        )),
        _ => ApiError::conflict().with_detail(Localized::new(
            format!("该潜在客户已有待审批的{}。", kind.name().0),
            format!(
                "The prospect already has a pending {}.",
                kind.name().1.to_lowercase()
            ),
        )),
    }
}

/// Files `filing` for `requester`; answers the request's id.
pub async fn file(
    db: &Db,
    requester: &Principal,
    filing: Filing,
    now: &str,
) -> Result<i64, ApiError> {
    let kind = filing.payload.kind();
    let org = org::view(db, &filing.anchor_unit_path).await?;
    let chain = chain::resolve(kind.levels(), &org, requester).ok_or_else(no_approver)?;
    let payload = filing.payload.to_json();
    db.transaction(async |tx| {
        // Checked inside the write transaction, so two filings cannot both pass.
        if let Some(subject) = filing.subject_id
            && requests::pending_for(tx, kind, subject).await?.is_some()
        {
            return Err(already_pending(kind));
        }
        let id = requests::insert(
            tx,
            &NewRequest {
                kind,
                subject_id: filing.subject_id,
                title: &filing.title,
                payload: &payload,
                requester_code: &requester.code,
                unit_path: &requester.unit_path,
                chain: &chain,
                comment: &filing.comment,
            },
            now,
        )
        .await?;
        let detail = match &filing.payload {
            Payload::CustomerTransfer(transfer) => json!({
                "request_id": id,
                "suggested_code": transfer.suggested_code,
            }),
            _ => json!({
                "request_id": id,
                "kind": kind.as_str(),
                "subject_id": filing.subject_id,
                "chain": chain,
            }),
        };
        tx.audit(
            &requester.code,
            audit_action(kind, Event::Submitted),
            Some(&audit_target(kind, id, filing.subject_id)),
            Some(&detail.to_string()),
        )
        .await?;
        Ok(id)
    })
    .await
}

/// `POST /api/approvals`: a form of a kind filed there (every kind but transfers), by
/// `requester` on `today`. Answers the request's id.
pub async fn file_form(
    db: &Db,
    requester: &Principal,
    kind: &str,
    payload: &Value,
    comment: Option<&str>,
    today: NaiveDate,
    now: &str,
) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    let kind = match Kind::parse(kind.trim()) {
        Some(kind) if kind.filed_directly() => Some(kind),
        Some(_) => {
            return Err(
                ApiError::invalid_field("kind", reason::INVALID).with_detail(Localized::new(
                    "客户转让请在客户明细中提交（POST /api/customers/{id}/transfers）。",
                    "Customer transfers are filed on the customer (POST /api/customers/{id}/transfers).",
                )),
            );
        }
        None if kind.trim().is_empty() => {
            errors.push(FieldError::new("kind", reason::REQUIRED));
            None
        }
        None => {
            errors.push(FieldError::new("kind", reason::INVALID));
            None
        }
    };
    let comment = optional_text("comment", comment, COMMENT_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let payload = match kind.map(|kind| Payload::parse(kind, payload, today)) {
        Some(Ok(payload)) => Some(payload),
        Some(Err(refusals)) => {
            errors.extend(refusals);
            None
        }
        None => None,
    };
    let Some(payload) = payload.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let (subject_id, subject_name) = match &payload {
        Payload::Development(book) => {
            let prospect = readable_prospect(db, requester, book.prospect_id).await?;
            if prospect.status != "potential" {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    "只有潜在状态的客户可以提交开发任务书。",
                    "Only a prospect in `potential` status can be put in a development task book.",
                )));
            }
            (Some(prospect.id), Some(prospect.name))
        }
        Payload::NewCustomer(confirmation) => {
            let prospect = readable_prospect(db, requester, confirmation.prospect_id).await?;
            if prospect.status != "developing" {
                return Err(ApiError::conflict().with_detail(Localized::new(
                    "只有开发中的潜在客户可以提交新客户确认。",
                    "Only a prospect being developed can be confirmed as a new customer.",
                )));
            }
            if prospect.owner_code() != requester.code {
                return Err(ApiError::forbidden().with_detail(Localized::new(
                    "只有开发该潜在客户的人员可以提交新客户确认。",
                    "Only who develops the prospect may file its new-customer confirmation.",
                )));
            }
            let customer = subjects::customer_by_account(db, &confirmation.account_no)
                .await?
                .filter(|c| !c.deleted)
                .ok_or_else(|| {
                    ApiError::invalid_field("payload.account_no", "unknown_reference").with_detail(
                        Localized::new(
                            "交易系统尚未推送该资金账号的客户。",
                            "The trading system has not sent a customer with this account number.",
                        ),
                    )
                })?;
            if prospects::confirmed_as(db, customer.id).await?.is_some() {
                return Err(already_confirmed());
            }
            (Some(prospect.id), Some(prospect.name))
        }
        _ => (None, None),
    };
    let filing = Filing {
        title: payload.title(subject_name.as_deref()),
        payload,
        subject_id,
        anchor_unit_path: requester.unit_path.clone(),
        comment,
    };
    file(db, requester, filing, now).await
}

/// 409: the account was already confirmed from another prospect.
pub(super) fn already_confirmed() -> ApiError {
    ApiError::conflict().with_detail(Localized::new(
        "该资金账号已确认为其他潜在客户开发的新客户。",
        "The account has already been confirmed as another prospect's new customer.",
    ))
}

/// A prospect the requester reads (ORG-4); one they do not is refused as unknown.
async fn readable_prospect(
    db: &Db,
    requester: &Principal,
    id: i64,
) -> Result<prospects::Prospect, ApiError> {
    prospects::find(db, id)
        .await?
        .filter(|p| p.owner_code() == requester.code || requester.reads_unit(&p.unit_path))
        .ok_or_else(|| ApiError::invalid_field("payload.prospect_id", "unknown_reference"))
}
