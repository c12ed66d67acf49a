//! The `hooks` component: `POST /hooks/{partner}/{topic}`, where partners push data
//! (INTEG-1).
//!
//! A request is accepted when (INTEG-2):
//! - the partner is known and has a secret (the Spin variable `hook_secret_<partner>`;
//!   empty turns the partner off);
//! - `X-Timestamp` is within 5 minutes of now and `X-Signature` is
//!   `sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>` over the body as sent;
//! - it carries an `Idempotency-Key`.
//!
//! The body is a batch (JSON array, `{"records": [...]}` or NDJSON; gzip allowed). It is
//! checked whole and applied in one transaction together with the delivery record and
//! its audit row (INTEG-3): any bad record refuses the batch (422 with a per-record
//! report) and nothing is applied; the 200 comes only after the commit. A redelivery
//! with the same key and body answers the first result (`Idempotent-Replayed: true`)
//! and changes nothing; the same key with another body is 409.
//!
//! | partner | topics |
//! |---|---|
//! | `trading` | `org-units`, `staff`, `customers`, `customer-relations`, `monthly-performance`, `daily-assets`, `trades`, `fund-transfers`, `account-events` |
//! | `issuer` | `products` |
//!
//! The trading partner's records (the partner contract; amounts are yuan as decimal
//! strings such as `"25435595.41"`, or JSON numbers with at most two decimals; days
//! `YYYY-MM-DD`, months `YYYY-MM`; `?` marks an optional field):
//!
//! | topic | record | applied |
//! |---|---|---|
//! | `org-units` | `{code, name, kind: hq\|region\|branch\|team, parent_code?}` | upsert by `code` |
//! | `staff` | `{code, name, unit_code, position?, roles?, status?, gender?, birth_date, mobile, email?, id_number}` | upsert by `code` |
//! | `customers` | `{account_no, name, kind?, gender?, birth_date?, mobile?, email?, address?, id_number?, status?, grade?, level?, risk_tolerance?, open_date?, effective_date?, assessment_effective_date?, tags?, owner_code?}` | upsert by `account_no`; optional fields left out keep what is stored |
//! | `customer-relations` | `{account_no, staff_code}` | the staff member becomes the owner |
//! | `monthly-performance` | `{account_no, month, total_assets, normal_assets, margin_assets, repo_holding, floating_holding, quant_holding, daily_average_assets, total_volume, normal_volume, collateral_volume, credit_volume, total_commission, normal_commission, collateral_commission, credit_commission}` | upsert by (`account_no`, `month`); each total the sum of its parts |
//! | `daily-assets` | `{account_no, date, total_assets, cash}` | upsert by (`account_no`, `date`); the newest date is the customer's current assets |
//! | `trades` | `{trade_no, account_no, date, security_code, security_name, side: buy\|sell, quantity, amount, commission}` | insert; moves positions and the last trading day |
//! | `fund-transfers` | `{transfer_no, account_no, date, direction: in\|out, amount}` | insert |
//! | `account-events` | `{event_no, account_no, date, kind, detail?}` | insert; `opened`, `effective`, `assessment_effective` set the customer's date, `cancelled`, `custody_transferred`, `closed` lose it |
//!
//! The issuer partner's records (PROD-5; secret `hook_secret_issuer`):
//!
//! | topic | record | applied |
//! |---|---|---|
//! | `products` | `{code, name, manager, risk_level: 1..5 \| "R1".."R5", status: on_sale\|issuing\|ended, category: financial\|information\|advisory, term?, expected_yield?, value_date?, maturity_date?, min_subscription?, intro?, risk_characteristics?, face_value?, custodian?, management_term?, fees?, documents?: [{kind: risk_disclosure\|contract\|prospectus, file_name, content_base64}]}` | upsert by `code` (upper-cased); the record replaces every field (optional ones left out are cleared); each document sent (a PDF, `%PDF-`, at most 2 MiB) replaces that kind, kinds not sent are kept |
//!
//! Each field's rules are in `zhanye_ingest::topics::<topic>`. A key repeated within a
//! batch (`account_no`, or with `month` / `date`; `trade_no`, `transfer_no`,
//! `event_no`) is refused (`duplicate`); an account number, owner or staff code that is
//! not stored is refused (`unknown_reference`); a number already stored (trades,
//! transfers, events) is skipped. The answer's `outcome` counts the records
//! `created`, `updated` and `unchanged`.

mod deliveries;
mod topics;

use zhanye_ingest::Report;
use zhanye_ingest::batch::{self, BatchError, Format};
use zhanye_ingest::signature::{self, SignatureError};
use zhanye_platform::Request;
use zhanye_platform::json::read_body;
use zhanye_platform::problem::reason;
use zhanye_platform::time::now_unix;
use zhanye_platform::{ApiError, ApiResult, Db, FieldError, Localized, Reply};

use crate::deliveries::Delivery;

/// The partners and the topics each may push.
const PARTNERS: &[(&str, &[&str])] = &[
    (
        "trading",
        &[
            "org-units",
            "staff",
            "customers",
            "customer-relations",
            "monthly-performance",
            "daily-assets",
            "trades",
            "fund-transfers",
            "account-events",
        ],
    ),
    ("issuer", &["products"]),
];

zhanye_platform::http_component!(route);

async fn route(request: Request) -> ApiResult<Reply> {
    let path = request.uri().path().to_owned();
    let mut parts = path.trim_matches('/').split('/');
    let (Some("hooks"), Some(partner), Some(topic), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ApiError::not_found());
    };
    if request.method() != http::Method::POST {
        return Err(ApiError::method_not_allowed("POST"));
    }
    let (partner, topic) = (partner.to_owned(), topic.to_owned());
    let headers = request.headers().clone();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());

    let body = read_body(request.into_body(), batch::MAX_BODY_BYTES).await?;
    let secret = partner_secret(&partner).await?;
    signature::verify(
        secret.as_bytes(),
        header("x-timestamp"),
        header("x-signature"),
        &body,
        now_unix(),
    )
    .map_err(signature_error)?;

    // Past the signature, the partner is who it says: unknown topics may be named.
    let topics = PARTNERS
        .iter()
        .find(|(name, _)| *name == partner)
        .map(|(_, topics)| *topics)
        .unwrap_or_default();
    if !topics.contains(&topic.as_str()) {
        return Err(ApiError::not_found().with_detail(Localized::new(
            format!("合作方 {partner} 没有主题 {topic}。"),
            format!("Partner {partner} has no topic {topic}."),
        )));
    }
    let key = header("idempotency-key")
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| ApiError::invalid_field("Idempotency-Key", reason::REQUIRED))?
        .to_owned();
    let format = Format::from_content_type(header("content-type"))
        .ok_or_else(ApiError::unsupported_media_type)?;

    let delivery = Delivery::new(&partner, &topic, &key, &body);
    let db = Db::open_default().await?;
    // A redelivery is answered before the body is even decoded.
    if let Some(reply) = deliveries::replay(&db, &delivery).await? {
        return Ok(reply);
    }
    let records = batch::decode(&body, header("content-encoding"), format).map_err(batch_error)?;
    let count = records.len();
    db.transaction(async |tx| {
        // Checked again under the write lock: a concurrent redelivery may have won.
        if let Some(reply) = deliveries::replay(tx, &delivery).await? {
            return Ok(reply);
        }
        let mut report = Report::default();
        let outcome = topics::apply(tx, &topic, &records, &mut report).await?;
        if !report.is_empty() {
            return Err(refused(&report));
        }
        let answer = serde_json::json!({
            "status": "applied",
            "partner": partner,
            "topic": topic,
            "records": count,
            "outcome": outcome,
        });
        deliveries::record(tx, &delivery, count, &answer).await?;
        tx.audit(
            &format!("partner:{partner}"),
            &format!("hook.{topic}"),
            Some(&key),
            Some(&answer.to_string()),
        )
        .await?;
        zhanye_platform::json::ok(&answer)
    })
    .await
}

async fn partner_secret(partner: &str) -> Result<String, ApiError> {
    if !PARTNERS.iter().any(|(name, _)| *name == partner) {
        return Err(ApiError::invalid_signature().with_cause(format!("unknown partner {partner}")));
    }
    let secret = zhanye_platform::spin::optional_variable(&format!("hook_secret_{partner}"))
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    if secret.is_empty() {
        return Err(
            ApiError::invalid_signature().with_cause(format!("partner {partner} has no secret"))
        );
    }
    Ok(secret)
}

fn signature_error(error: SignatureError) -> ApiError {
    let detail = match error {
        SignatureError::MissingTimestamp => Localized::new(
            "缺少或无法识别 X-Timestamp（Unix 秒）。",
            "X-Timestamp (Unix seconds) is missing or unreadable.",
        ),
        SignatureError::StaleTimestamp => Localized::new(
            "X-Timestamp 与服务器时间相差超过 5 分钟。",
            "X-Timestamp is more than 5 minutes from the server's clock.",
        ),
        SignatureError::MissingSignature => Localized::new(
            "缺少或无法识别 X-Signature（sha256=<十六进制>）。",
            "X-Signature (sha256=<hex>) is missing or unreadable.",
        ),
        SignatureError::Mismatch => Localized::new("签名不匹配。", "The signature does not match."),
    };
    ApiError::invalid_signature().with_detail(detail)
}

fn batch_error(error: BatchError) -> ApiError {
    match error {
        BatchError::UnsupportedEncoding => ApiError::unsupported_media_type(),
        BatchError::TooLarge => ApiError::payload_too_large(batch::MAX_BODY_BYTES),
        BatchError::TooManyRecords => ApiError::new(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            zhanye_platform::problem::code::PAYLOAD_TOO_LARGE,
        )
        .with_detail(Localized::new(
            format!("一批最多 {} 条记录。", batch::MAX_RECORDS),
            format!("A batch holds at most {} records.", batch::MAX_RECORDS),
        )),
        BatchError::BadCompression => ApiError::malformed(Localized::new(
            "gzip 内容无法解压。",
            "The gzip body does not inflate.",
        )),
        BatchError::Malformed(why) => ApiError::malformed(Localized::new(
            format!("批量数据无法解析：{why}"),
            format!("The batch cannot be read: {why}"),
        )),
        BatchError::Empty => ApiError::invalid_field("records", reason::REQUIRED),
        BatchError::Records(report) => refused(&report),
    }
}

/// 422 with the per-record report; nothing was applied.
fn refused(report: &Report) -> ApiError {
    let errors = report
        .errors
        .iter()
        .map(|e| {
            let field = if e.field.is_empty() {
                format!("records[{}]", e.index)
            } else {
                format!("records[{}].{}", e.index, e.field)
            };
            FieldError::new(field, e.reason.clone())
        })
        .collect();
    ApiError::validation(errors)
        .with_detail(Localized::new(
            format!("批量数据有 {} 处错误，整批未导入。", report.error_count),
            format!(
                "The batch has {} error(s); nothing was applied.",
                report.error_count
            ),
        ))
        .with_extension("error_count", serde_json::json!(report.error_count))
        .with_extension(
            "records",
            serde_json::to_value(&report.errors).unwrap_or_default(),
        )
}
