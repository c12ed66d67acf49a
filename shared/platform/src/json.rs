//! JSON bodies in and out.
//!
//! Reading is generic over the body type, so the same code serves Spin's incoming
//! request body and the in-memory bodies of native tests.

use bytes::{Bytes, BytesMut};
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Display;

use crate::body::ReplyBody;
use crate::problem::{ApiError, FieldError, Localized, reason};
use crate::respond::Reply;

/// The `Content-Type` of every JSON answer.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The body limit routes use unless they need more (64 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Reads a request's JSON body into `T`.
///
/// - a `Content-Type` other than `application/json` or `application/*+json` (a
///   `charset` other than UTF-8 included), or none at all, is 415
///   `unsupported_media_type`;
/// - a body over `limit` bytes is 413 `payload_too_large` (checked against
///   `Content-Length` first, then while reading);
/// - an empty or syntactically broken body is 400 `validation_failed` whose detail says
///   where it broke;
/// - JSON of the wrong shape is 422 `validation_failed` naming the field (`required`,
///   `invalid_type`, `unknown_field`, `invalid`).
pub async fn read_json<T, B>(request: http::Request<B>, limit: usize) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    check_content_type(
        request
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("invalid")),
    )?;
    let body = read_body(request.into_body(), limit).await?;
    parse_json(&body)
}

/// As [`read_json`] for a body that may be left out: an empty body (whatever its
/// `Content-Type`) is `T::default()`; anything else is read as [`read_json`] reads it.
pub async fn read_optional_json<T, B>(
    request: http::Request<B>,
    limit: usize,
) -> Result<T, ApiError>
where
    T: DeserializeOwned + Default,
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("invalid").to_owned());
    let body = read_body(request.into_body(), limit).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    check_content_type(content_type.as_deref())?;
    parse_json(&body)
}

/// Reads a whole body, refusing more than `limit` bytes with 413.
pub async fn read_body<B>(mut body: B, limit: usize) -> Result<Bytes, ApiError>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    if body.size_hint().lower() > limit as u64 {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut collected = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::malformed(Localized::new(
                "请求体读取失败。",
                "The request body could not be read.",
            ))
            .with_cause(format!("reading the request body: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > limit {
                return Err(ApiError::payload_too_large(limit));
            }
            collected.extend_from_slice(&data);
        }
    }
    Ok(collected.freeze())
}

/// Accepts `application/json` and `application/<anything>+json`, with an optional UTF-8
/// `charset`; 415 otherwise (including no `Content-Type`).
pub fn check_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let Some(content_type) = content_type else {
        return Err(ApiError::unsupported_media_type());
    };
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    let charset_ok = parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    });
    if is_json && charset_ok {
        Ok(())
    } else {
        Err(ApiError::unsupported_media_type())
    }
}

/// Parses JSON text into `T`, with the errors of [`read_json`].
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed(Localized::new(
            "请求体为空，需要 JSON 数据。",
            "The request body is empty; JSON is expected.",
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(error) => {
            let path = error.path().to_string();
            let refusal = json_error(&path, error.inner());
            if is_wrong_type(error.inner())
                && let Some(value) = with_whole_numbers(body)
            {
                return refuse_an_array_for_an_object::<T>(body).map(|()| value);
            }
            return Err(refusal);
        }
    };
    deserializer
        .end()
        .map_err(|error| json_error(".", &error))?;
    refuse_an_array_for_an_object::<T>(body)?;
    Ok(value)
}

fn is_wrong_type(error: &serde_json::Error) -> bool {
    error.is_data() && error.to_string().starts_with("invalid type")
}

/// JSON has one kind of number, so `5.0` is the integer 5 to a client (and to JSON
/// Schema, which the OpenAPI document uses); serde refuses it where an integer is
/// read. A body refused for a value's type is read again with every whole number
/// written as an integer, and taken if that reads.
fn with_whole_numbers<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    write_whole_numbers_as_integers(&mut value);
    serde_json::from_value(value).ok()
}

fn write_whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    // Above 2^53 a float no longer holds every integer exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() <= EXACT
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(write_whole_numbers_as_integers),
        Value::Object(members) => members
            .values_mut()
            .for_each(write_whole_numbers_as_integers),
        _ => {}
    }
}

/// serde's derived structs also read an array of their fields in order (`[null]` for
/// `{"reason": null}`), which no client means: a body that is an array where the route
/// reads an object is refused as a body of the wrong type.
fn refuse_an_array_for_an_object<T: DeserializeOwned>(body: &[u8]) -> Result<(), ApiError> {
    let is_array = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if is_array && reads_an_object::<T>() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            reason::INVALID_TYPE,
        )]));
    }
    Ok(())
}

/// Whether `T` reads a JSON object, asked of `T` itself: a probe answers each request
/// for a shape with an error naming it.
fn reads_an_object<T: DeserializeOwned>() -> bool {
    use serde::de::{Error, Visitor, value::Error as Shape};

    struct Probe;

    impl<'de> serde::Deserializer<'de> for Probe {
        type Error = Shape;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Shape> {
            Err(Shape::custom("other"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Shape> {
            Err(Shape::custom("object"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    matches!(T::deserialize(Probe), Err(shape) if shape.to_string() == "object")
}

fn json_error(path: &str, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::malformed(Localized::new(
            format!(
                "请求体不是有效的 JSON（第 {} 行第 {} 列）。",
                error.line(),
                error.column()
            ),
            format!(
                "The request body is not valid JSON (line {}, column {}).",
                error.line(),
                error.column()
            ),
        ))
        .with_cause(error),
        Category::Data => {
            let message = error.to_string();
            let parent = if path == "." { "" } else { path };
            let join = |name: &str| {
                if parent.is_empty() {
                    name.to_owned()
                } else {
                    format!("{parent}.{name}")
                }
            };
            let field_error = if let Some(name) = backticked_after(&message, "missing field ") {
                FieldError::new(join(name), reason::REQUIRED)
            } else if let Some(name) = backticked_after(&message, "unknown field ") {
                // The path already ends at the unknown key.
                let field = if parent == name || parent.ends_with(&format!(".{name}")) {
                    parent.to_owned()
                } else {
                    join(name)
                };
                FieldError::new(field, reason::UNKNOWN_FIELD)
            } else if message.starts_with("invalid type") {
                FieldError::new(field_or_body(parent), reason::INVALID_TYPE)
            } else {
                FieldError::new(field_or_body(parent), reason::INVALID)
            };
            ApiError::validation(vec![field_error]).with_cause(message)
        }
    }
}

fn field_or_body(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

/// `missing field `code` at line 1 column 2` → `code`.
fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(name, _)| name)
}

/// A JSON answer with `Content-Type: application/json; charset=utf-8`.
pub fn json_response<T: Serialize + ?Sized>(
    status: StatusCode,
    value: &T,
) -> Result<Reply, ApiError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal(format!("serialising a JSON answer: {e}")))?;
    let mut response = http::Response::new(ReplyBody::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    Ok(response)
}

/// A 200 JSON answer.
pub fn ok<T: Serialize + ?Sized>(value: &T) -> Result<Reply, ApiError> {
    json_response(StatusCode::OK, value)
}

/// A 201 JSON answer.
pub fn created<T: Serialize + ?Sized>(value: &T) -> Result<Reply, ApiError> {
    json_response(StatusCode::CREATED, value)
}

/// A 204 answer without a body.
pub fn no_content() -> Reply {
    let mut response = http::Response::new(ReplyBody::from(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::block_on;
    use http_body_util::{Full, StreamBody};
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Login {
        code: String,
        password: String,
        #[serde(default)]
        device: Option<Device>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Device {
        kind: String,
        #[allow(dead_code)]
        trusted: bool,
    }

    fn request(content_type: Option<&str>, body: &str) -> http::Request<Full<Bytes>> {
        let mut builder = http::Request::post("/api/auth/login");
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap()
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Withdrawal {
        #[serde(default)]
        comment: Option<String>,
    }

    #[test]
    fn optional_bodies_may_be_left_out() {
        let read = |content_type: Option<&str>, body: &str| {
            block_on(read_optional_json::<Withdrawal, _>(
                request(content_type, body),
                1024,
            ))
        };
        assert_eq!(read(None, "").unwrap(), Withdrawal::default());
        assert_eq!(
            read(Some("text/plain"), "  \n").unwrap(),
            Withdrawal::default()
        );
        assert_eq!(
            read(Some("application/json"), r#"{"comment":"不需要了"}"#).unwrap(),
            Withdrawal {
                comment: Some("不需要了".into())
            }
        );
        assert_eq!(read(None, "{}").unwrap_err().status, 415);
        assert_eq!(
            read(Some("application/json"), r#"{"note":1}"#)
                .unwrap_err()
                .status,
            422
        );
    }

    fn read(content_type: Option<&str>, body: &str, limit: usize) -> Result<Login, ApiError> {
        block_on(read_json(request(content_type, body), limit))
    }

    /// Status, code and (field, reason) pairs of a refusal.
    type Summary = (u16, &'static str, Vec<(String, String)>);

    fn summary(result: Result<Login, ApiError>) -> Summary {
        let error = result.unwrap_err();
        let fields = error
            .field_errors
            .iter()
            .map(|e| (e.field.clone(), e.reason.clone()))
            .collect();
        (error.status.as_u16(), error.code, fields)
    }

    #[test]
    fn reads_json() {
        let login = read(
            Some("application/json"),
            r#"{"code":"A1234","password":"pw"}"#,
            1024,
        )
        .unwrap();
        assert_eq!(login.code, "A1234");
        assert_eq!(login.device, None);
        for content_type in [
            "application/json; charset=utf-8",
            "Application/JSON;charset=\"UTF-8\"",
            "application/merge-patch+json",
        ] {
            assert!(read(Some(content_type), r#"{"code":"a","password":"b"}"#, 1024).is_ok());
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Rating {
        stars: u8,
        #[serde(default)]
        share: Option<f64>,
    }

    #[test]
    fn whole_numbers_read_as_integers() {
        let rating = |body: &str| parse_json::<Rating>(body.as_bytes());
        assert_eq!(
            rating(r#"{"stars":5.0,"share":1.0}"#).unwrap(),
            Rating {
                stars: 5,
                share: Some(1.0)
            }
        );
        assert_eq!(rating(r#"{"stars":4}"#).unwrap().stars, 4);
        for refused in [r#"{"stars":4.5}"#, r#"{"stars":"5"}"#, r#"{"stars":1e300}"#] {
            let error = rating(refused).unwrap_err();
            assert_eq!(error.status, 422, "{refused}");
            assert_eq!(error.field_errors[0].field, "stars", "{refused}");
        }
        // A duplicated member is still refused, not read twice.
        assert_eq!(
            rating(r#"{"stars":4,"stars":5.0}"#).unwrap_err().status,
            422
        );
    }

    #[test]
    fn refuses_bad_bodies() {
        let fields = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(f, r)| (f.to_string(), r.to_string()))
                .collect()
        };
        let json = Some("application/json");
        let oversized = "x".repeat(129);
        let cases: Vec<(Option<&str>, &str, Summary)> = vec![
            (None, "{}", (415, "unsupported_media_type", vec![])),
            (
                Some("text/plain"),
                "{}",
                (415, "unsupported_media_type", vec![]),
            ),
            (
                Some("application/jsonx"),
                "{}",
                (415, "unsupported_media_type", vec![]),
            ),
            (
                Some("application/json; charset=latin1"),
                "{}",
                (415, "unsupported_media_type", vec![]),
            ),
            (json, "", (400, "validation_failed", vec![])),
            (json, "  \n", (400, "validation_failed", vec![])),
            (json, "{\"code\":", (400, "validation_failed", vec![])),
            (json, "{code: 1}", (400, "validation_failed", vec![])),
            (
                json,
                r#"{"code":"a","password":"b"} trailing"#,
                (400, "validation_failed", vec![]),
            ),
            (
                json,
                r#"{"code":"a"}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("password", "required")]),
                ),
            ),
            (
                json,
                r#"{"code":1,"password":"b"}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("code", "invalid_type")]),
                ),
            ),
            (
                json,
                r#"{"code":"a","password":"b","extra":1}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("extra", "unknown_field")]),
                ),
            ),
            (
                json,
                r#"{"code":"a","password":"b","device":{"kind":"x"}}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("device.trusted", "required")]),
                ),
            ),
            (
                json,
                r#"{"code":"a","password":"b","device":{"kind":"x","trusted":"yes"}}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("device.trusted", "invalid_type")]),
                ),
            ),
            (
                json,
                r#"{"code":"a","password":"b","device":{"kind":"x","trusted":true,"os":1}}"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("device.os", "unknown_field")]),
                ),
            ),
            (
                json,
                r#"["a","b"]"#,
                (
                    422,
                    "validation_failed",
                    fields(&[("body", "invalid_type")]),
                ),
            ),
            (
                json,
                "42",
                (
                    422,
                    "validation_failed",
                    fields(&[("body", "invalid_type")]),
                ),
            ),
            (json, oversized.as_str(), (413, "payload_too_large", vec![])),
        ];
        for (content_type, body, expected) in cases {
            assert_eq!(
                summary(read(content_type, body, 128)),
                expected,
                "{content_type:?} {body}"
            );
        }
    }

    #[test]
    fn malformed_json_detail_is_localised_with_position() {
        let error = read(Some("application/json"), "{\n  \"code\": }", 1024).unwrap_err();
        let zh = error.detail(crate::Lang::ZhCn);
        let en = error.detail(crate::Lang::En);
        assert!(zh.contains("第 2 行"), "{zh}");
        assert!(en.contains("line 2"), "{en}");
    }

    #[test]
    fn limit_is_enforced_while_streaming() {
        // No Content-Length hint: chunks arrive one by one.
        let chunks: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> = (0..10)
            .map(|_| Ok(http_body::Frame::data(Bytes::from_static(b"0123456789"))))
            .collect();
        let body = StreamBody::new(futures_util::stream::iter(chunks));
        let error = block_on(read_body(body, 95)).unwrap_err();
        assert_eq!(error.code, "payload_too_large");

        let chunks: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> = (0..3)
            .map(|_| Ok(http_body::Frame::data(Bytes::from_static(b"ab"))))
            .collect();
        let body = StreamBody::new(futures_util::stream::iter(chunks));
        assert_eq!(
            block_on(read_body(body, 6)).unwrap(),
            Bytes::from_static(b"ababab")
        );
    }

    #[test]
    fn exact_limit_is_accepted() {
        let body = r#"{"code":"a","password":"b"}"#;
        assert!(read(Some("application/json"), body, body.len()).is_ok());
        assert_eq!(
            summary(read(Some("application/json"), body, body.len() - 1)).1,
            "payload_too_large"
        );
    }

    /// Compile-time check: Spin's incoming request body satisfies `read_json`'s bounds.
    #[allow(dead_code)]
    fn spin_requests_are_readable(
        request: crate::Request,
    ) -> impl Future<Output = Result<serde_json::Value, ApiError>> {
        read_json(request, DEFAULT_BODY_LIMIT)
    }

    #[test]
    fn builds_json_answers() {
        let response = ok(&json!({"status": "ok"})).unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/json; charset=utf-8"
        );
        assert_eq!(response.body().as_ref(), br#"{"status":"ok"}"#);
        assert_eq!(created(&[1, 2]).unwrap().status(), StatusCode::CREATED);
        let empty = no_content();
        assert_eq!(empty.status(), StatusCode::NO_CONTENT);
        assert!(empty.body().bytes().is_empty());
    }
}
