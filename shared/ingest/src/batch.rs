//! INTEG-3 batch bodies: a JSON array of records, a JSON object `{"records": [...]}`, or
//! NDJSON (one record per line); `Content-Encoding: gzip` allowed. Every record is a
//! JSON object. Limits keep one batch within one instance's memory.

use std::io::Read;

use serde_json::{Map, Value};

use crate::report::Report;

/// The largest body accepted as sent.
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// The largest body after decompression.
pub const MAX_DECODED_BYTES: usize = 32 << 20;
/// The most records in one batch.
pub const MAX_RECORDS: usize = 20_000;

/// How records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Ndjson,
}

impl Format {
    /// From `Content-Type`: `application/json` or an NDJSON type
    /// (`application/x-ndjson`, `application/ndjson`, `application/jsonl`).
    pub fn from_content_type(content_type: Option<&str>) -> Option<Format> {
        let essence = content_type?.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Some(Format::Json),
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" => {
                Some(Format::Ndjson)
            }
            _ => None,
        }
    }
}

/// Why a body is not a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// A `Content-Encoding` other than `gzip` / `identity`.
    UnsupportedEncoding,
    /// Over [`MAX_BODY_BYTES`] / [`MAX_DECODED_BYTES`].
    TooLarge,
    /// Over [`MAX_RECORDS`].
    TooManyRecords,
    /// gzip that does not inflate.
    BadCompression,
    /// JSON that does not parse, or parses into something other than records.
    Malformed(String),
    /// Lines or records that are not JSON objects, each reported.
    Records(Report),
    /// No records at all.
    Empty,
}

/// Decompresses (if need be) and splits a body into records.
pub fn decode(
    body: &[u8],
    content_encoding: Option<&str>,
    format: Format,
) -> Result<Vec<Map<String, Value>>, BatchError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BatchError::TooLarge);
    }
    let inflated;
    let bytes: &[u8] = match content_encoding.map(|e| e.trim().to_ascii_lowercase()) {
        None => body,
        Some(e) if e.is_empty() || e == "identity" => body,
        Some(e) if e == "gzip" => {
            let mut out = Vec::new();
            let decoder = flate2::read::GzDecoder::new(body);
            decoder
                .take(MAX_DECODED_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|_| BatchError::BadCompression)?;
            if out.len() > MAX_DECODED_BYTES {
                return Err(BatchError::TooLarge);
            }
            inflated = out;
            &inflated
        }
        Some(_) => return Err(BatchError::UnsupportedEncoding),
    };
    let values = match format {
        Format::Json => json_records(bytes)?,
        Format::Ndjson => ndjson_records(bytes)?,
    };
    if values.is_empty() {
        return Err(BatchError::Empty);
    }
    if values.len() > MAX_RECORDS {
        return Err(BatchError::TooManyRecords);
    }
    let mut report = Report::default();
    let mut records = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        match value {
            Value::Object(map) => records.push(map),
            _ => report.add(index, None, "", "invalid_type"),
        }
    }
    if report.is_empty() {
        Ok(records)
    } else {
        Err(BatchError::Records(report))
    }
}

fn json_records(bytes: &[u8]) -> Result<Vec<Value>, BatchError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| BatchError::Malformed(e.to_string()))?;
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(mut map) => match map.remove("records") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err(BatchError::Malformed(
                "expected an array of records or {\"records\": [...]}".into(),
            )),
        },
        _ => Err(BatchError::Malformed(
            "expected an array of records or {\"records\": [...]}".into(),
        )),
    }
}

fn ndjson_records(bytes: &[u8]) -> Result<Vec<Value>, BatchError> {
    let text = std::str::from_utf8(bytes).map_err(|e| BatchError::Malformed(e.to_string()))?;
    let mut report = Report::default();
    let mut records = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Value>(line) {
            Ok(value) => records.push(value),
            Err(_) => {
                report.add(
                    records.len() + report.error_count,
                    None,
                    "",
                    "malformed_json",
                );
            }
        }
    }
    if report.is_empty() {
        Ok(records)
    } else {
        Err(BatchError::Records(report))
    }
}

/// Finds records whose key repeats an earlier one in the same batch, reporting each
/// repeat under `field`.
pub fn report_duplicates<'a>(
    keys: impl IntoIterator<Item = (usize, Option<&'a str>)>,
    field: &str,
    report: &mut Report,
) {
    let mut seen = std::collections::HashSet::new();
    for (index, key) in keys {
        if let Some(key) = key
            && !seen.insert(key)
        {
            report.add(index, Some(key), field, "duplicate");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn formats() {
        let json = Some(Format::Json);
        assert_eq!(
            Format::from_content_type(Some("application/json; charset=utf-8")),
            json
        );
        assert_eq!(
            Format::from_content_type(Some("application/x-ndjson")),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_content_type(Some("text/csv")), None);
        assert_eq!(Format::from_content_type(None), None);
    }

    #[test]
    fn bodies_decode_into_records() {
        let array = decode(br#"[{"a":1},{"a":2}]"#, None, Format::Json).unwrap();
        assert_eq!(array.len(), 2);
        let wrapped = decode(br#"{"records":[{"a":1}]}"#, Some("identity"), Format::Json).unwrap();
        assert_eq!(wrapped[0]["a"], 1);
        let lines = decode(b"{\"a\":1}\n\n{\"a\":2}\r\n", None, Format::Ndjson).unwrap();
        assert_eq!(lines.len(), 2);
        let zipped = decode(
            &gzip(b"{\"a\":1}\n{\"a\":2}\n"),
            Some("gzip"),
            Format::Ndjson,
        )
        .unwrap();
        assert_eq!(zipped[1]["a"], 2);
    }

    #[test]
    fn bad_bodies_are_refused() {
        assert!(matches!(
            decode(b"[", None, Format::Json),
            Err(BatchError::Malformed(_))
        ));
        assert!(matches!(
            decode(b"5", None, Format::Json),
            Err(BatchError::Malformed(_))
        ));
        assert_eq!(decode(b"[]", None, Format::Json), Err(BatchError::Empty));
        assert_eq!(
            decode(b"[1]", Some("br"), Format::Json),
            Err(BatchError::UnsupportedEncoding)
        );
        assert_eq!(
            decode(b"not gzip", Some("gzip"), Format::Json),
            Err(BatchError::BadCompression)
        );
        let Err(BatchError::Records(report)) = decode(br#"[{"a":1}, 2, "x"]"#, None, Format::Json)
        else {
            panic!("records not objects")
        };
        assert_eq!(report.error_count, 2);
        assert_eq!((report.errors[0].index, report.errors[1].index), (1, 2));
        let Err(BatchError::Records(report)) =
            decode(b"{\"a\":1}\n{oops\n{\"a\":3}\n", None, Format::Ndjson)
        else {
            panic!("malformed line")
        };
        assert_eq!(report.errors[0].index, 1);
        assert_eq!(report.errors[0].reason, "malformed_json");
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(decode(&big, None, Format::Json), Err(BatchError::TooLarge));
        let many = format!("[{}{{}}]", "{},".repeat(MAX_RECORDS));
        assert_eq!(
            decode(many.as_bytes(), None, Format::Json),
            Err(BatchError::TooManyRecords)
        );
    }

    #[test]
    fn duplicates_are_reported() {
        let mut report = Report::default();
        report_duplicates(
            [
                (0, Some("A")),
                (1, Some("B")),
                (2, Some("A")),
                (3, None),
                (4, None),
            ],
            "code",
            &mut report,
        );
        assert_eq!(report.error_count, 1);
        assert_eq!(report.errors[0].index, 2);
        assert_eq!(report.errors[0].key.as_deref(), Some("A"));
    }
}
