//! The platform glue every Zhanye component uses.
//!
//! | module | what |
//! |---|---|
//! | [`problem`] | [`ApiError`]: the one error type, rendered as RFC 9457 problem+json |
//! | [`lang`] | [`Lang`]: zh-CN (default) or en, from `Accept-Language` |
//! | [`page`] | [`PageQuery`] / [`Page`]: `?page=&page_size=` in, `{items,total,page,page_size}` out |
//! | [`query`] | [`QueryParams`]: decoded query strings |
//! | [`json`] | reading JSON bodies with a size limit, building JSON answers |
//! | [`respond`] | [`Reply`] / [`Outgoing`]: from a handler's result to the HTTP response |
//! | [`db`] | [`Db`]: `spin:sqlite` queries, typed rows, transactions, the audit log |
//! | [`auth`] | bearer tokens, constant-time comparison |
//! | [`time`] | now, as the app stores it |
//!
//! Everything but [`db`] is plain Rust over the `http` types and is unit-tested natively;
//! [`db`] calls the `spin:sqlite` imports, which exist only inside a Spin host (spin-sdk
//! compiles natively, so the whole crate builds and its pure parts are tested with
//! `cargo test -p zhanye-platform`).

pub mod auth;
pub mod db;
pub mod json;
pub mod lang;
pub mod page;
pub mod problem;
pub mod query;
pub mod respond;
pub mod time;

#[cfg(test)]
mod testing;

pub use db::{Db, FromValue, Row, Value};
pub use lang::Lang;
pub use page::{Page, PageQuery};
pub use problem::{ApiError, FieldError, Localized};
pub use query::QueryParams;
pub use respond::{ApiResult, Outgoing, Reply};
