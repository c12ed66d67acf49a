//! Products (营销产品, PROD-1..5): the catalog's vocabularies, the suitability rule
//! (适当性) in plain Rust, and in [`store`] the named SQL over migration 0005.
//!
//! | module | what |
//! |---|---|
//! | [`risk`] | 风险等级 R1–R5 (低 … 高), parsed from every form staff type |
//! | [`vocab`] | product status, category and document kinds, with their labels |
//! | [`suitability`] | PROD-4: which risk tolerance covers which level, refusals with reasons |
//! | [`filters`] | PROD-2 the list's filters, from the query string |
//! | [`export`] | PROD-2 the export's columns |
//! | [`download`] | how a document download is named |
//! | [`store`] | the SQL |

pub mod download;
pub mod export;
pub mod filters;
pub mod risk;
pub mod store;
pub mod suitability;
pub mod vocab;

/// A product code as issuers write it (letters, digits, `-`, `_`; at most 32),
/// upper-cased as stored; `None` when no product could have it.
pub use zhanye_ingest::topics::products::product_code;

pub use filters::Filters;
pub use risk::RiskLevel;
pub use suitability::{Refusal, RiskTolerance};
pub use vocab::{DocumentKind, ProductCategory, ProductStatus};
