//! Topic `products` of the issuer partner (PROD-5): one product per record, upserted by
//! `code`. A record is the product as the issuer has it now: optional fields left out
//! (or null) are cleared. Documents sent replace the stored document of their kind;
//! kinds not sent are kept.
//!
//! | field | |
//! |---|---|
//! | `code` | required, 1–32 letters, digits, `-` or `_`; stored upper case; once per batch |
//! | `name` | required, at most 100 characters |
//! | `manager` | required (管理人), at most 100 |
//! | `risk_level` | required: 1–5, or `"R1"`–`"R5"` (低, 中低, 中, 中高, 高) |
//! | `status` | required [`ProductStatus`]: `on_sale`, `issuing` or `ended` |
//! | `category` | required [`ProductCategory`]: `financial`, `information` or `advisory` |
//! | `term`, `expected_yield`, `min_subscription`, `face_value`, `custodian` | at most 200 |
//! | `value_date`, `maturity_date` | `YYYY-MM-DD`; maturity not before the value date |
//! | `intro`, `risk_characteristics`, `management_term`, `fees` | at most 2,000 |
//! | `documents` | an array of `{kind, file_name, content_base64}`: `kind` a [`DocumentKind`]: `risk_disclosure`, `contract` or `prospectus` (once each per record), `file_name` at most 100 characters without `/` or `\`, the content a PDF (`%PDF-`) of 1 byte to [`MAX_DOCUMENT_BYTES`] |

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::vocab::{DocumentKind, ProductCategory, ProductStatus};

/// The largest document accepted, decoded (2 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 2 << 20;
/// The longest product code.
pub const MAX_CODE: usize = 32;
const SHORT_TEXT: usize = 200;
const LONG_TEXT: usize = 2_000;

/// One document as sent, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub kind: DocumentKind,
    pub file_name: String,
    pub content: Vec<u8>,
    /// SHA-256 of `content`, lower-case hex.
    pub sha256: String,
}

/// One product as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRecord {
    pub index: usize,
    /// Upper case.
    pub code: String,
    pub name: String,
    pub manager: String,
    /// 1..=5.
    pub risk_level: u8,
    pub status: ProductStatus,
    pub category: ProductCategory,
    pub term: Option<String>,
    pub expected_yield: Option<String>,
    pub value_date: Option<chrono::NaiveDate>,
    pub maturity_date: Option<chrono::NaiveDate>,
    pub min_subscription: Option<String>,
    pub intro: Option<String>,
    pub risk_characteristics: Option<String>,
    pub face_value: Option<String>,
    pub custodian: Option<String>,
    pub management_term: Option<String>,
    pub fees: Option<String>,
    pub documents: Vec<DocumentRecord>,
}

/// A product code as issuers write it, upper-cased; `None` when it is not one.
pub fn product_code(text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.len() <= MAX_CODE
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| text.to_ascii_uppercase())
}

/// A risk level sent as a number 1–5 or as `R1`–`R5`.
fn risk_level(fields: &mut Fields, record: &Map<String, Value>) -> Option<u8> {
    let level = match record.get("risk_level") {
        None | Some(Value::Null) => {
            fields.fail("risk_level", "required");
            return None;
        }
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(text)) => {
            let text = text.trim();
            let digits = text
                .strip_prefix('R')
                .or_else(|| text.strip_prefix('r'))
                .unwrap_or(text);
            if digits.len() == 1 {
                digits.parse::<u64>().ok()
            } else {
                None
            }
        }
        Some(_) => {
            fields.fail("risk_level", "invalid_type");
            return None;
        }
    };
    match level {
        Some(n @ 1..=5) => u8::try_from(n).ok(),
        _ => {
            fields.fail("risk_level", "invalid");
            None
        }
    }
}

/// Standard base64 (RFC 4648, `=` padding optional, no line breaks); `None` when the
/// text is not that.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn value(byte: u8) -> Option<u32> {
        Some(u32::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    if text.len() != trimmed.len() && !text.len().is_multiple_of(4) {
        return None;
    }
    let bytes = trimmed.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            acc |= value(*b)? << (18 - 6 * i);
        }
        let produced = chunk.len() * 6 / 8;
        // Bits below the last whole byte must be zero (the canonical encoding).
        if acc & ((1u32 << (24 - 8 * produced)) - 1) != 0 {
            return None;
        }
        for i in 0..produced {
            out.push((acc >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

fn documents(fields: &mut Fields, record: &Map<String, Value>) -> Vec<DocumentRecord> {
    let items = match record.get("documents") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            fields.fail("documents", "invalid_type");
            return Vec::new();
        }
    };
    let mut documents: Vec<DocumentRecord> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |name: &str| format!("documents[{i}].{name}");
        let Some(item) = item.as_object() else {
            fields.fail(&format!("documents[{i}]"), "invalid_type");
            continue;
        };
        let kind = match item.get("kind").and_then(Value::as_str).map(str::trim) {
            Some(text) => match DocumentKind::parse(text) {
                Some(kind) if documents.iter().any(|d| d.kind == kind) => {
                    fields.fail(&at("kind"), "duplicate");
                    None
                }
                Some(kind) => Some(kind),
                None => {
                    fields.fail(&at("kind"), "invalid");
                    None
                }
            },
            None => {
                fields.fail(&at("kind"), "required");
                None
            }
        };
        let file_name = match item.get("file_name").and_then(Value::as_str).map(str::trim) {
            None | Some("") => {
                fields.fail(&at("file_name"), "required");
                None
            }
            Some(name)
                if name.chars().count() > 100
                    || name
                        .chars()
                        .any(|c| c.is_control() || c == '/' || c == '\\') =>
            {
                fields.fail(&at("file_name"), "invalid_format");
                None
            }
            // A bidi override would show `abc\u{202e}gpj.exe` as "abcexe.jpg".
            Some(name) if zhanye_platform::text::has_misleading_character(name) => {
                fields.fail(
                    &at("file_name"),
                    zhanye_platform::problem::reason::MISLEADING_CHARACTER,
                );
                None
            }
            Some(name) => Some(name.to_owned()),
        };
        let content = match item.get("content_base64").and_then(Value::as_str) {
            None => {
                fields.fail(&at("content_base64"), "required");
                None
            }
            // The encoded length bounds the decoded one: refuse before decoding.
            Some(text) if text.len() > MAX_DOCUMENT_BYTES / 3 * 4 + 4 => {
                fields.fail(&at("content_base64"), "too_large");
                None
            }
            Some(text) => match decode_base64(text.trim()) {
                None => {
                    fields.fail(&at("content_base64"), "invalid_format");
                    None
                }
                Some(bytes) if bytes.len() > MAX_DOCUMENT_BYTES => {
                    fields.fail(&at("content_base64"), "too_large");
                    None
                }
                Some(bytes) if !bytes.starts_with(b"%PDF-") => {
                    fields.fail(&at("content_base64"), "not_pdf");
                    None
                }
                Some(bytes) => Some(bytes),
            },
        };
        if let (Some(kind), Some(file_name), Some(content)) = (kind, file_name, content) {
            let sha256 = Sha256::digest(&content)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            documents.push(DocumentRecord {
                kind,
                file_name,
                content,
                sha256,
            });
        }
    }
    documents
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<ProductRecord>, Report> {
    let mut report = Report::default();
    let mut products = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let code = fields.text("code", MAX_CODE).and_then(|text| {
            let code = product_code(&text);
            if code.is_none() {
                fields.fail("code", "invalid_format");
            }
            code
        });
        fields.key = code.clone();
        let name = fields.text("name", 100);
        let manager = fields.text("manager", 100);
        let risk_level = risk_level(&mut fields, record);
        let status = fields.one_of("status");
        let category = fields.one_of("category");
        let term = fields.optional_text("term", SHORT_TEXT);
        let expected_yield = fields.optional_text("expected_yield", SHORT_TEXT);
        let value_date = fields.optional_date("value_date");
        let maturity_date = fields.optional_date("maturity_date");
        if let (Some(from), Some(to)) = (value_date, maturity_date)
            && to < from
        {
            fields.fail("maturity_date", "before_value_date");
        }
        let min_subscription = fields.optional_text("min_subscription", SHORT_TEXT);
        let intro = fields.optional_text("intro", LONG_TEXT);
        let risk_characteristics = fields.optional_text("risk_characteristics", LONG_TEXT);
        let face_value = fields.optional_text("face_value", SHORT_TEXT);
        let custodian = fields.optional_text("custodian", SHORT_TEXT);
        let management_term = fields.optional_text("management_term", LONG_TEXT);
        let fees = fields.optional_text("fees", LONG_TEXT);
        let documents = documents(&mut fields, record);
        if let (
            Some(code),
            Some(name),
            Some(manager),
            Some(risk_level),
            Some(status),
            Some(category),
        ) = (code, name, manager, risk_level, status, category)
        {
            products.push(ProductRecord {
                index,
                code,
                name,
                manager,
                risk_level,
                status,
                category,
                term,
                expected_yield,
                value_date,
                maturity_date,
                min_subscription,
                intro,
                risk_characteristics,
                face_value,
                custodian,
                management_term,
                fees,
                documents,
            });
        }
    }
    report_duplicates(
        products.iter().map(|p| (p.index, Some(p.code.as_str()))),
        "code",
        &mut report,
    );
    report.finish(products)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    /// "%PDF-1.4\n" in base64.
    const PDF: &str = "JVBERi0xLjQK";

    fn full() -> Value {
        json!({"code": "otc452", "name": "海通海融2号", "manager": "上海海通证券资产管理有限公司",
        "risk_level": "R2", "status": "ended", "category": "financial",
        "term": "无固定期限", "expected_yield": "首个封闭期的预期年化收益率为6.5%",
        "value_date": "2013-01-10", "maturity_date": "2013-01-24",
        "min_subscription": "参与的最低份额为10,000份", "intro": "本计划为中低风险品种",
        "risk_characteristics": "中低风险", "face_value": "100元", "custodian": "上海银行",
        "management_term": "本集合计划无固定管理期限", "fees": "托管费: 0.05%",
        "documents": [
            {"kind": "risk_disclosure", "file_name": "产品风险提示书.pdf", "content_base64": PDF},
            {"kind": "contract", "file_name": "产品合同.pdf", "content_base64": PDF}
        ]})
    }

    #[test]
    fn base64_decodes_canonical_text_only() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("", Some(b"")),
            ("TQ==", Some(b"M")),
            ("TQ", Some(b"M")),
            ("TWE=", Some(b"Ma")),
            ("TWFu", Some(b"Man")),
            ("JVBERi0xLjQK", Some(b"%PDF-1.4\n")),
            ("+/+/", Some(&[0xfb, 0xff, 0xbf])),
            ("T", None),
            ("TR==", None),
            ("TWF=", None),
            ("TQ===", None),
            ("TQ=", None),
            ("TW-u", None),
            ("TW u", None),
            ("中文", None),
        ];
        for (text, expected) in cases {
            assert_eq!(decode_base64(text).as_deref(), *expected, "{text:?}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(product_code("s19108").as_deref(), Some("S19108"));
        assert_eq!(product_code("OTC-452_a").as_deref(), Some("OTC-452_A"));
        for bad in ["", "S 1", "产品", "S/1", &"X".repeat(33)] {
            assert_eq!(product_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn good_records_parse() {
        let products = parse(&records(json!([
            full(),
            {"code": "S19108", "name": "海通OTC富国理财宝1号尊享第8期优先级14天",
             "manager": "富国资产管理（上海）有限公司", "risk_level": 1, "status": "on_sale",
             "category": "advisory"}
        ])))
        .unwrap();
        let p = &products[0];
        assert_eq!((p.code.as_str(), p.risk_level), ("OTC452", 2));
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.documents[0].content, b"%PDF-1.4\n");
        assert_eq!(p.documents[0].sha256.len(), 64);
        assert_eq!(p.custodian.as_deref(), Some("上海银行"));
        let bare = &products[1];
        assert_eq!((bare.risk_level, bare.term.clone()), (1, None));
        assert!(bare.documents.is_empty());
    }

    #[test]
    fn bad_records_are_reported() {
        let mut bad = full();
        bad["name"] = json!(" ");
        bad["risk_level"] = json!("R6");
        bad["status"] = json!("sold_out");
        bad["category"] = json!("stocks");
        bad["value_date"] = json!("2013-02-01");
        bad["fees"] = json!("费".repeat(2_001));
        bad["documents"] = json!([
            {"kind": "contract", "file_name": "a.pdf", "content_base64": "SGVsbG8="},
            {"kind": "contract", "file_name": "b/c.pdf", "content_base64": "%%%"},
            {"kind": "memo", "content_base64": PDF},
            "x"
        ]);
        let mut levels = full();
        levels["code"] = json!("L1");
        levels["risk_level"] = json!(0);
        let mut typed = full();
        typed["code"] = json!("L2");
        typed["risk_level"] = json!(true);
        typed["documents"] = json!({"kind": "contract"});
        let report = parse(&records(json!([
            bad,
            {"name": "无代码", "manager": "m", "risk_level": 1, "status": "ended", "category": "financial"},
            levels,
            typed,
            {"code": "产品", "name": "n", "manager": "m", "risk_level": "3", "status": "ended", "category": "financial"}
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
        let key = Some("OTC452");
        assert_eq!(
            got,
            [
                (0, key, "name", "required"),
                (0, key, "risk_level", "invalid"),
                (0, key, "status", "invalid"),
                (0, key, "category", "invalid"),
                (0, key, "maturity_date", "before_value_date"),
                (0, key, "fees", "invalid_format"),
                (0, key, "documents[0].content_base64", "not_pdf"),
                (0, key, "documents[1].file_name", "invalid_format"),
                (0, key, "documents[1].content_base64", "invalid_format"),
                (0, key, "documents[2].kind", "invalid"),
                (0, key, "documents[2].file_name", "required"),
                (0, key, "documents[3]", "invalid_type"),
                (1, None, "code", "required"),
                (2, Some("L1"), "risk_level", "invalid"),
                (3, Some("L2"), "risk_level", "invalid_type"),
                (3, Some("L2"), "documents", "invalid_type"),
                (4, None, "code", "invalid_format"),
            ]
        );
        let twice = parse(&records(json!([full(), full()]))).unwrap_err();
        assert_eq!(
            (
                twice.errors[0].index,
                twice.errors[0].field.as_str(),
                twice.errors[0].reason.as_str()
            ),
            (1, "code", "duplicate")
        );
        let mut doubled = full();
        doubled["documents"] = json!([
            {"kind": "contract", "file_name": "a.pdf", "content_base64": PDF},
            {"kind": "contract", "file_name": "b.pdf", "content_base64": PDF}
        ]);
        let report = parse(&records(json!([doubled]))).unwrap_err();
        assert_eq!(report.errors[0].field, "documents[1].kind");
        assert_eq!(report.errors[0].reason, "duplicate");
        let mut huge = full();
        huge["documents"] = json!([{"kind": "contract", "file_name": "a.pdf",
            "content_base64": "A".repeat(MAX_DOCUMENT_BYTES / 3 * 4 + 8)}]);
        assert_eq!(
            parse(&records(json!([huge]))).unwrap_err().errors[0].reason,
            "too_large"
        );
    }
}
