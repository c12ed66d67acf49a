//! Partner webhooks (INTEG-1..3): the parts that need no store, and the one table the
//! webhooks own:
//!
//! | module | what |
//! |---|---|
//! | [`signature`] | `X-Timestamp` + `X-Signature`: HMAC-SHA256 over timestamp and body, the 5-minute window |
//! | [`batch`] | a batch body: JSON array, `{"records": [...]}` or NDJSON, optionally gzip; size limits |
//! | [`report`] | the per-record error report of a refused batch |
//! | [`fields`] | reading a record's typed fields into the report |
//! | [`topics`] | the records of each topic, checked before anything is applied |
//! | [`vocab`] | the closed lists of customer, product, trade and account-event values |
//! | [`deliveries`] | committed deliveries and their answers (`hook_deliveries`), for idempotent replays |

pub mod batch;
pub mod deliveries;
pub mod fields;
pub mod report;
pub mod signature;
pub mod topics;
pub mod vocab;

pub use report::{RecordError, Report};
