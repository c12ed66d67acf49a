//! Customers (CUST, HOME-1, ORG-4/5): the rules in plain Rust, and in [`store`] the
//! named SQL over migration 0004 that the `customers`, `home` and `hooks` components
//! share.
//!
//! | module | what |
//! |---|---|
//! | [`alerts`] | ALERT-1: the kinds of alerts and the acknowledgement's note |
//! | [`scope`] | ORG-4: who reads and who writes a customer |
//! | [`month`] | the business month, stored `yyyymm` |
//! | [`status`] | customer status, contact vocabularies, account events |
//! | [`performance`] | CUST-3 monthly performance and its parts |
//! | [`home`] | HOME-1: what a customer adds to its owner's month |
//! | [`masking`] | contact data as shown to those who may not see it whole |
//! | [`rules`] | notes, contact records, delegations and transfers, checked before they are stored |
//! | [`store`] | the SQL |

pub mod alerts;
pub mod home;
pub mod masking;
pub mod month;
pub mod performance;
pub mod rules;
pub mod scope;
pub mod status;
pub mod store;

pub use month::Month;
pub use scope::{Holder, Reads};
