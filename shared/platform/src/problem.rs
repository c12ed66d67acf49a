//! The one error type of every route, rendered as RFC 9457 `application/problem+json`.
//!
//! A problem carries a stable machine `code` (see [`code`]) and a human `title` and
//! `detail` in the request's language. Validation problems list per-field errors:
//!
//! ```json
//! {"type":"urn:zhanye:problem:validation_failed","title":"数据校验失败","status":422,
//!  "code":"validation_failed","detail":"提交的数据有误，请检查后重试。",
//!  "errors":[{"field":"page_size","reason":"out_of_range","message":"超出允许范围"}]}
//! ```

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use std::fmt;

use crate::lang::Lang;

/// The stable machine codes. Clients branch on these, never on texts.
pub mod code {
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const PASSWORD_CHANGE_REQUIRED: &str = "password_change_required";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const VALIDATION_FAILED: &str = "validation_failed";
    pub const CONFLICT: &str = "conflict";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const INTERNAL: &str = "internal";
    pub const ACCOUNT_LOCKED: &str = "account_locked";
    pub const INVALID_VERIFICATION_CODE: &str = "invalid_verification_code";
    pub const INVALID_SIGNATURE: &str = "invalid_signature";
    pub const UNAVAILABLE: &str = "unavailable";
    pub const SECOND_FACTOR_ENROLMENT_REQUIRED: &str = "second_factor_enrolment_required";
    pub const INITIAL_PASSWORD_EXPIRED: &str = "initial_password_expired";

    /// Every code above, in the order listed.
    pub const ALL: &[&str] = &[
        INVALID_CREDENTIALS,
        PASSWORD_CHANGE_REQUIRED,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        VALIDATION_FAILED,
        CONFLICT,
        RATE_LIMITED,
        PAYLOAD_TOO_LARGE,
        METHOD_NOT_ALLOWED,
        UNSUPPORTED_MEDIA_TYPE,
        INTERNAL,
        ACCOUNT_LOCKED,
        INVALID_VERIFICATION_CODE,
        INVALID_SIGNATURE,
        UNAVAILABLE,
        SECOND_FACTOR_ENROLMENT_REQUIRED,
        INITIAL_PASSWORD_EXPIRED,
    ];
}

/// Machine reasons for [`FieldError::reason`] that have a catalogued message. Other
/// reasons are allowed (snake_case); they get a generic message.
pub mod reason {
    pub const REQUIRED: &str = "required";
    pub const INVALID: &str = "invalid";
    pub const INVALID_TYPE: &str = "invalid_type";
    pub const INVALID_FORMAT: &str = "invalid_format";
    pub const OUT_OF_RANGE: &str = "out_of_range";
    pub const TOO_SHORT: &str = "too_short";
    pub const TOO_LONG: &str = "too_long";
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    pub const DUPLICATE: &str = "duplicate";
    /// A submitted current password that is wrong.
    pub const INCORRECT: &str = "incorrect";
    /// Password rules (AUTH-3).
    pub const NEEDS_LETTERS_AND_DIGITS: &str = "needs_letters_and_digits";
    pub const CONTAINS_BIRTH_DATE: &str = "contains_birth_date";
    pub const TOO_COMMON: &str = "too_common";
    pub const INVALID_CHARACTERS: &str = "invalid_characters";
    /// A name or free text holding a character that changes how it is shown without
    /// being seen (bidi controls, zero-width characters: [`crate::text`]).
    pub const MISLEADING_CHARACTER: &str = "misleading_character";
    pub const REUSED: &str = "reused";
}

/// The media type of a problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One rejected input field. `field` names it as the client sent it (`page_size`,
/// `contacts[2].mobile`); `reason` is a machine token from [`reason`] or the route's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The reason in words.
    pub fn message(&self, lang: Lang) -> &'static str {
        let (zh, en) = match self.reason.as_str() {
            reason::REQUIRED => ("必填", "is required"),
            reason::INVALID_TYPE => ("类型不正确", "has the wrong type"),
            reason::INVALID_FORMAT => ("格式不正确", "is not in the expected format"),
            reason::OUT_OF_RANGE => ("超出允许范围", "is out of range"),
            reason::TOO_SHORT => ("太短", "is too short"),
            reason::TOO_LONG => ("太长", "is too long"),
            reason::UNKNOWN_FIELD => ("不是可接受的字段", "is not an accepted field"),
            reason::DUPLICATE => ("与已有数据重复", "duplicates an existing value"),
            reason::INCORRECT => ("不正确", "is incorrect"),
            reason::NEEDS_LETTERS_AND_DIGITS => (
                "须同时包含字母和数字",
                "must contain both letters and digits",
            ),
            reason::CONTAINS_BIRTH_DATE => ("不能包含出生日期", "must not contain the birth date"),
            reason::TOO_COMMON => ("过于简单", "is too common"),
            reason::INVALID_CHARACTERS => (
                "含有不允许的字符",
                "contains characters that are not allowed",
            ),
            reason::MISLEADING_CHARACTER => (
                "含有不可见的方向控制或零宽字符",
                "contains an invisible direction-control or zero-width character",
            ),
            reason::REUSED => (
                "不能与最近 3 次使用的密码相同",
                "must differ from the last 3 passwords",
            ),
            _ => ("无效", "is invalid"),
        };
        lang.pick(zh, en)
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// The error every handler returns. Build one with a constructor ([`ApiError::not_found`],
/// [`ApiError::validation`], …) and refine it with the `with_*` methods.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field_errors: Vec<FieldError>,
    /// The rarely used parts, boxed to keep `Result<_, ApiError>` small.
    extra: Option<Box<Extra>>,
    logged: bool,
}

#[derive(Debug, Clone, Default)]
struct Extra {
    detail: Option<Localized>,
    retry_after: Option<u64>,
    allow: Option<&'static str>,
    cause: Option<String>,
    /// RFC 9457 extension members, added to the document as they are.
    extensions: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// A problem with the catalogue's texts for `code`.
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        ApiError {
            status,
            code,
            field_errors: Vec::new(),
            extra: None,
            logged: false,
        }
    }

    fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// 401: wrong staff code or password (never says which).
    pub fn invalid_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS)
    }

    /// 403: the password is an initial or reset one and must be changed first.
    pub fn password_change_required() -> Self {
        Self::new(StatusCode::FORBIDDEN, code::PASSWORD_CHANGE_REQUIRED)
    }

    /// 403: the holder's role requires a second factor (TOTP) and none is set up yet; only
    /// setting one up (and signing out) is open.
    pub fn second_factor_enrolment_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            code::SECOND_FACTOR_ENROLMENT_REQUIRED,
        )
    }

    /// 403: the right initial or reset password, never changed and now too old to sign
    /// in with. Only answered after the password matched, so it tells nothing to a
    /// guesser.
    pub fn initial_password_expired() -> Self {
        Self::new(StatusCode::FORBIDDEN, code::INITIAL_PASSWORD_EXPIRED)
    }

    /// 401: no valid credentials (missing, expired or wrong token).
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code::UNAUTHORIZED)
    }

    /// 403: authenticated, but not allowed.
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, code::FORBIDDEN)
    }

    /// 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, code::NOT_FOUND)
    }

    /// 422: well-formed input that breaks the rules, field by field.
    pub fn validation(field_errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(StatusCode::UNPROCESSABLE_ENTITY, code::VALIDATION_FAILED);
        error.field_errors = field_errors;
        error
    }

    /// 422 for one field.
    pub fn invalid_field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, reason)])
    }

    /// 400 `validation_failed`: input that cannot even be read (malformed JSON or query).
    pub fn malformed(detail: Localized) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code::VALIDATION_FAILED).with_detail(detail)
    }

    /// 409: the request contradicts the current state.
    pub fn conflict() -> Self {
        Self::new(StatusCode::CONFLICT, code::CONFLICT)
    }

    /// 429, with `Retry-After` when given.
    pub fn rate_limited(retry_after_seconds: Option<u64>) -> Self {
        let mut error = Self::new(StatusCode::TOO_MANY_REQUESTS, code::RATE_LIMITED);
        if retry_after_seconds.is_some() {
            error.extra_mut().retry_after = retry_after_seconds;
        }
        error
    }

    /// 503 with `Retry-After`: a momentary failure of a backing store (a serialization
    /// conflict, a lost or exhausted connection) before anything was changed, so the
    /// client may send the same request again.
    pub fn unavailable(retry_after_seconds: u64) -> Self {
        let mut error = Self::new(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE);
        error.extra_mut().retry_after = Some(retry_after_seconds.max(1));
        error
    }

    /// 423: too many wrong passwords; the code is locked for `retry_after_seconds`.
    pub fn account_locked(retry_after_seconds: u64) -> Self {
        let mut error = Self::new(StatusCode::LOCKED, code::ACCOUNT_LOCKED);
        error.extra_mut().retry_after = Some(retry_after_seconds.max(1));
        error
    }

    /// 422: a verification code (SMS or TOTP) that is wrong, expired, used up or never
    /// sent (never says which): well-formed input the rules refuse, not input that
    /// could not be read.
    pub fn invalid_verification_code() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code::INVALID_VERIFICATION_CODE,
        )
    }

    /// 401: a partner request whose signature, timestamp or partner is not accepted.
    pub fn invalid_signature() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code::INVALID_SIGNATURE)
    }

    /// 413: the body is over `limit` bytes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, code::PAYLOAD_TOO_LARGE).with_detail(
            Localized::new(
                format!("请求内容过大，上限为 {limit} 字节。"),
                format!("The request body is too large; the limit is {limit} bytes."),
            ),
        )
    }

    /// 405, with the `Allow` header (e.g. `"GET"`, `"GET, POST"`).
    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut error = Self::new(StatusCode::METHOD_NOT_ALLOWED, code::METHOD_NOT_ALLOWED);
        error.extra_mut().allow = Some(allow);
        error
    }

    /// 415: the body is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::UNSUPPORTED_MEDIA_TYPE,
        )
    }

    /// 500. `cause` goes to the log, never to the client.
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL).with_cause(cause)
    }

    /// Replaces the catalogue's detail.
    pub fn with_detail(mut self, detail: Localized) -> Self {
        self.extra_mut().detail = Some(detail);
        self
    }

    /// Adds an RFC 9457 extension member to the problem document (for example the
    /// record count of a refused batch). Standard member names are not overwritten.
    pub fn with_extension(mut self, name: &str, value: serde_json::Value) -> Self {
        self.extra_mut().extensions.insert(name.to_owned(), value);
        self
    }

    /// Attaches what went wrong inside, for the log only.
    pub fn with_cause(mut self, cause: impl fmt::Display) -> Self {
        self.extra_mut().cause = Some(cause.to_string());
        self
    }

    /// Marks the cause as already logged where it happened, so responding does not log
    /// it again.
    pub fn mark_logged(mut self) -> Self {
        self.logged = true;
        self
    }

    pub fn cause(&self) -> Option<&str> {
        self.extra.as_ref()?.cause.as_deref()
    }

    pub fn is_logged(&self) -> bool {
        self.logged
    }

    pub fn retry_after(&self) -> Option<u64> {
        self.extra.as_ref()?.retry_after
    }

    pub fn allow(&self) -> Option<&'static str> {
        self.extra.as_ref()?.allow
    }

    /// `urn:zhanye:problem:<code>`.
    pub fn type_uri(&self) -> String {
        format!("urn:zhanye:problem:{}", self.code)
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        let entry = catalogue(self.code);
        lang.pick(entry.title_zh, entry.title_en)
    }

    pub fn detail(&self, lang: Lang) -> String {
        match self.extra.as_ref().and_then(|extra| extra.detail.as_ref()) {
            Some(detail) => detail.get(lang).to_owned(),
            None => {
                let entry = catalogue(self.code);
                lang.pick(entry.detail_zh, entry.detail_en).to_owned()
            }
        }
    }

    /// The problem document.
    pub fn to_problem(&self, lang: Lang) -> Problem {
        Problem {
            type_uri: self.type_uri(),
            title: self.title(lang).to_owned(),
            status: self.status.as_u16(),
            code: self.code,
            detail: self.detail(lang),
            errors: self
                .field_errors
                .iter()
                .map(|e| ProblemFieldError {
                    field: e.field.clone(),
                    reason: e.reason.clone(),
                    message: e.message(lang),
                })
                .collect(),
            extensions: self
                .extra
                .as_ref()
                .map(|extra| {
                    extra
                        .extensions
                        .iter()
                        .filter(|(name, _)| !STANDARD_MEMBERS.contains(&name.as_str()))
                        .map(|(name, value)| (name.clone(), value.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The whole HTTP response: status, `Content-Type: application/problem+json`,
    /// `Content-Language`, and `WWW-Authenticate` (401), `Allow` (405) or
    /// `Retry-After` (429) where they apply.
    pub fn to_response(&self, lang: Lang) -> http::Response<Bytes> {
        let body = serde_json::to_vec(&self.to_problem(lang))
            .expect("a problem document always serialises");
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.tag()),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(allow) = self.allow()
            && let Ok(value) = HeaderValue::from_str(allow)
        {
            headers.insert(header::ALLOW, value);
        }
        if let Some(seconds) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(cause) = self.cause() {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// An RFC 9457 problem document, as serialised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
    #[serde(flatten)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// Members every problem has; extensions may not replace them.
const STANDARD_MEMBERS: &[&str] = &["type", "title", "status", "code", "detail", "errors"];

/// A field error as serialised: the machine parts plus the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemFieldError {
    pub field: String,
    pub reason: String,
    pub message: &'static str,
}

struct Entry {
    title_zh: &'static str,
    title_en: &'static str,
    detail_zh: &'static str,
    detail_en: &'static str,
}

/// The message catalogue: one entry per code, both languages.
fn catalogue(code: &str) -> Entry {
    let (title_zh, title_en, detail_zh, detail_en) = match code {
        code::INVALID_CREDENTIALS => (
            "登录失败",
            "Sign-in failed",
            "工号或密码错误。",
            "The staff code or password is incorrect.",
        ),
        code::PASSWORD_CHANGE_REQUIRED => (
            "需要修改密码",
            "Password change required",
            "当前密码为初始密码或重置后的密码，请先修改密码。",
            "Your password is an initial or reset password; change it before continuing.",
        ),
        code::UNAUTHORIZED => (
            "未登录",
            "Unauthorized",
            "未登录或登录已失效，请重新登录。",
            "You are not signed in, or your session has expired; sign in again.",
        ),
        code::FORBIDDEN => (
            "无权操作",
            "Forbidden",
            "您没有执行此操作的权限。",
            "You are not allowed to do this.",
        ),
        code::NOT_FOUND => (
            "未找到",
            "Not found",
            "请求的资源不存在。",
            "The requested resource does not exist.",
        ),
        code::VALIDATION_FAILED => (
            "数据校验失败",
            "Validation failed",
            "提交的数据有误，请检查后重试。",
            "Some of the submitted data is invalid; check it and try again.",
        ),
        code::CONFLICT => (
            "操作冲突",
            "Conflict",
            "该操作与当前数据状态冲突，请刷新后重试。",
            "The request conflicts with the current state; refresh and try again.",
        ),
        code::RATE_LIMITED => (
            "操作过于频繁",
            "Too many requests",
            "操作过于频繁，请稍后再试。",
            "Too many requests; try again later.",
        ),
        code::PAYLOAD_TOO_LARGE => (
            "请求内容过大",
            "Payload too large",
            "请求内容过大。",
            "The request body is too large.",
        ),
        code::METHOD_NOT_ALLOWED => (
            "请求方法不允许",
            "Method not allowed",
            "此地址不支持该请求方法。",
            "This method is not allowed on this resource.",
        ),
        code::UNSUPPORTED_MEDIA_TYPE => (
            "不支持的内容类型",
            "Unsupported media type",
            "不支持的内容类型，请以 application/json 提交。",
            "Unsupported content type; send application/json.",
        ),
        code::ACCOUNT_LOCKED => (
            "账号已锁定",
            "Account locked",
            "密码错误次数过多，账号已锁定 15 分钟，请稍后再试或通过短信重置密码。",
            "Too many wrong passwords: sign-in is locked for 15 minutes. Try later or reset the password by SMS.",
        ),
        code::INVALID_VERIFICATION_CODE => (
            "验证码无效",
            "Invalid verification code",
            "验证码错误或已失效，请重新获取。",
            "The verification code is wrong or no longer valid; request a new one.",
        ),
        code::INVALID_SIGNATURE => (
            "签名无效",
            "Invalid signature",
            "请求签名无效、时间戳超出 5 分钟窗口或合作方未知。",
            "The request signature is invalid, its timestamp is outside the 5-minute window, or the partner is unknown.",
        ),
        code::UNAVAILABLE => (
            "服务暂时不可用",
            "Service unavailable",
            "服务暂时繁忙，未做任何更改，请稍后重试。",
            "The service is momentarily busy and nothing was changed; try again shortly.",
        ),
        code::SECOND_FACTOR_ENROLMENT_REQUIRED => (
            "需要设置两步验证",
            "Two-step verification required",
            "您的岗位要求使用动态验证码登录，请先在“账号安全”中绑定验证器。",
            "Your role requires a second factor: set up an authenticator app under Security first.",
        ),
        code::INITIAL_PASSWORD_EXPIRED => (
            "初始密码已过期",
            "Initial password expired",
            "初始密码或重置后的密码长时间未修改，已失效。请通过“忘记密码”用短信验证码重设，或联系营业部管理员申请重置密码。",
            "This initial or reset password was not changed in time and has expired. Use “Forgot password” to set a new one by SMS, or ask your branch admin for a manual reset.",
        ),
        _ => (
            "服务器内部错误",
            "Internal server error",
            "服务器内部错误，请稍后再试。",
            "Something went wrong on our side; try again later.",
        ),
    };
    Entry {
        title_zh,
        title_en,
        detail_zh,
        detail_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn body(error: &ApiError, lang: Lang) -> Value {
        serde_json::from_slice(error.to_response(lang).body()).unwrap()
    }

    #[test]
    fn constructors_have_the_documented_statuses_and_codes() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (ApiError::invalid_credentials(), 401, "invalid_credentials"),
            (
                ApiError::password_change_required(),
                403,
                "password_change_required",
            ),
            (ApiError::unauthorized(), 401, "unauthorized"),
            (
                ApiError::second_factor_enrolment_required(),
                403,
                "second_factor_enrolment_required",
            ),
            (
                ApiError::initial_password_expired(),
                403,
                "initial_password_expired",
            ),
            (ApiError::forbidden(), 403, "forbidden"),
            (ApiError::not_found(), 404, "not_found"),
            (ApiError::validation(vec![]), 422, "validation_failed"),
            (
                ApiError::invalid_field("x", reason::REQUIRED),
                422,
                "validation_failed",
            ),
            (
                ApiError::malformed(Localized::new("坏", "bad")),
                400,
                "validation_failed",
            ),
            (ApiError::conflict(), 409, "conflict"),
            (ApiError::rate_limited(None), 429, "rate_limited"),
            (ApiError::payload_too_large(10), 413, "payload_too_large"),
            (
                ApiError::method_not_allowed("GET"),
                405,
                "method_not_allowed",
            ),
            (
                ApiError::unsupported_media_type(),
                415,
                "unsupported_media_type",
            ),
            (ApiError::internal("boom"), 500, "internal"),
        ];
        for (error, status, code) in cases {
            assert_eq!((error.status.as_u16(), error.code), (status, code));
            let doc = body(&error, Lang::ZhCn);
            assert_eq!(doc["status"], status);
            assert_eq!(doc["code"], code);
            assert_eq!(doc["type"], format!("urn:zhanye:problem:{code}"));
        }
    }

    #[test]
    fn extensions_join_the_document_but_never_replace_its_members() {
        let error = ApiError::validation(vec![FieldError::new("records[2].code", "duplicate")])
            .with_extension("error_count", serde_json::json!(1))
            .with_extension("status", serde_json::json!(200));
        let text = serde_json::to_string(&error.to_problem(Lang::En)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["error_count"], 1);
        assert_eq!(value["status"], 422);
        assert_eq!(value["errors"][0]["field"], "records[2].code");
    }

    #[test]
    fn every_code_has_distinct_texts_in_both_languages() {
        let mut titles = std::collections::HashSet::new();
        for code in code::ALL {
            let error = ApiError::new(StatusCode::BAD_REQUEST, code);
            for lang in [Lang::ZhCn, Lang::En] {
                assert!(!error.title(lang).is_empty());
                assert!(!error.detail(lang).is_empty());
                assert!(titles.insert(error.title(lang)), "{code} title reused");
            }
            assert_ne!(error.detail(Lang::ZhCn), error.detail(Lang::En));
        }
    }

    #[test]
    fn renders_localised_problem_json() {
        let error = ApiError::not_found();
        let response = error.to_response(Lang::En);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert_eq!(response.headers()[header::CONTENT_LANGUAGE], "en");
        assert_eq!(
            body(&error, Lang::En),
            json!({
                "type": "urn:zhanye:problem:not_found",
                "title": "Not found",
                "status": 404,
                "code": "not_found",
                "detail": "The requested resource does not exist."
            })
        );
        let zh = body(&error, Lang::ZhCn);
        assert_eq!(zh["detail"], "请求的资源不存在。");
        assert!(zh.get("errors").is_none());
    }

    #[test]
    fn validation_lists_field_errors() {
        let error = ApiError::validation(vec![
            FieldError::new("page_size", reason::OUT_OF_RANGE),
            FieldError::new("code", "custom_rule"),
        ]);
        assert_eq!(
            body(&error, Lang::ZhCn)["errors"],
            json!([
                {"field": "page_size", "reason": "out_of_range", "message": "超出允许范围"},
                {"field": "code", "reason": "custom_rule", "message": "无效"}
            ])
        );
        assert_eq!(
            body(&error, Lang::En)["errors"][0]["message"],
            "is out of range"
        );
    }

    #[test]
    fn detail_override_and_headers() {
        let error = ApiError::conflict().with_detail(Localized::new("已存在", "exists"));
        assert_eq!(body(&error, Lang::ZhCn)["detail"], "已存在");
        assert_eq!(body(&error, Lang::En)["detail"], "exists");
        assert_eq!(body(&error, Lang::En)["title"], "Conflict");

        let response = ApiError::unauthorized().to_response(Lang::ZhCn);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(response.headers()[header::CONTENT_LANGUAGE], "zh-CN");

        let response = ApiError::method_not_allowed("GET, POST").to_response(Lang::ZhCn);
        assert_eq!(response.headers()[header::ALLOW], "GET, POST");

        let response = ApiError::rate_limited(Some(60)).to_response(Lang::ZhCn);
        assert_eq!(response.headers()[header::RETRY_AFTER], "60");
        let response = ApiError::rate_limited(None).to_response(Lang::ZhCn);
        assert!(!response.headers().contains_key(header::RETRY_AFTER));

        assert!(
            body(&ApiError::payload_too_large(1024), Lang::En)["detail"]
                .as_str()
                .unwrap()
                .contains("1024")
        );
    }

    #[test]
    fn stays_small() {
        assert!(std::mem::size_of::<ApiError>() <= 64);
    }

    #[test]
    fn internal_cause_stays_out_of_the_response() {
        let error = ApiError::internal("disk on fire at /var/db");
        assert_eq!(error.cause(), Some("disk on fire at /var/db"));
        assert_eq!(error.to_string(), "500 internal: disk on fire at /var/db");
        let text = String::from_utf8(error.to_response(Lang::En).body().to_vec()).unwrap();
        assert!(!text.contains("fire"));
        assert!(!error.is_logged());
        assert!(error.mark_logged().is_logged());
    }
}
