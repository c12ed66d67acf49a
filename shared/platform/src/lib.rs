//! The platform glue every Zhanye component uses.
//!
//! | module | what |
//! |---|---|
//! | [`problem`] | [`ApiError`]: the one error type, rendered as RFC 9457 problem+json |
//! | [`lang`] | [`Lang`]: zh-CN (default) or en, from `Accept-Language` |
//! | [`page`] | [`PageQuery`] / [`Page`]: `?page=&page_size=` in, `{items,total,page,page_size}` out |
//! | [`query`] | [`QueryParams`]: decoded query strings |
//! | [`csv`] | CSV downloads (exports) |
//! | [`json`] | reading JSON bodies with a size limit, building JSON answers |
//! | [`respond`] | [`Reply`] / [`Outgoing`]: from a handler's result to the HTTP response, with the headers every answer carries |
//! | [`after_reply`] | work left for after the answer is sent (an SMS whose timing must not show) |
//! | [`text`] | characters refused in names and free text (bidi controls, zero-width characters) |
//! | [`body`] | [`ReplyBody`]: a whole body, or a stream of chunks for large downloads |
//! | [`db`] | [`Db`]: `spin:sqlite` queries, typed rows, transactions, the audit log |
//! | [`auth`] | bearer tokens, constant-time comparison |
//! | [`caller`] | [`Session`]: the one auth extractor (access token, revocation, forced password change) |
//! | [`context`] | [`RequestContext`]: a signed-in request's principal, database, time and language |
//! | [`session`] | access tokens (JWT) and token digests |
//! | [`kv`] | [`kv::Cache`]: the key-value store with expiring entries |
//! | [`random`] | tokens, ids and bytes from the host's random source |
//! | [`time`] | now, as the app stores it; China-time business days and months |
//! | [`spin`] | the Spin SDK line and WASI version: the entry point, [`Request`], variables, outbound HTTP |
//!
//! Everything but [`db`], [`kv`], the store calls of [`caller`] and the opening of a [`context`] is plain Rust over the `http` types and is unit-tested natively;
//! those call the `spin:sqlite` / `spin:key-value` imports, which exist only inside a Spin host (spin-sdk
//! compiles natively, so the whole crate builds and its pure parts are tested with
//! `cargo test -p zhanye-platform`).

pub mod after_reply;
pub mod attachment;
pub mod auth;
pub mod body;
pub mod caller;
pub mod context;
pub mod csv;
pub mod db;
pub mod grams;
pub mod json;
pub mod kv;
pub mod lang;
pub mod page;
pub mod problem;
pub mod query;
pub mod random;
pub mod respond;
pub mod session;
pub mod spin;
pub mod text;
pub mod time;
pub mod value;

#[cfg(test)]
mod testing;

pub use body::ReplyBody;
pub use caller::Session;
pub use context::RequestContext;
pub use db::{Db, Dialect, FromValue, Row, Value};
pub use lang::Lang;
pub use page::{Page, PageQuery};
pub use problem::{ApiError, FieldError, Localized};
pub use query::QueryParams;
pub use respond::{ApiResult, Outgoing, Reply};
pub use spin::Request;
