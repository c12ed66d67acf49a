//! The one approvals engine (审批, TASK-6): kinds, approver chains, state history, the
//! effect of each kind, and its SQL. Every request — a development task book or a
//! new-customer confirmation of a prospect (CUST-6), an expense or collaboration
//! request, a customer transfer (ORG-5) — is filed, decided step by step and
//! withdrawn the same way, and appears in its approver's to-dos.
//!
//! | module | what |
//! |---|---|
//! | [`kind`] | the kinds, statuses and history events; audit action names |
//! | [`payload`] | each kind's form, checked before it is stored |
//! | [`chain`] | approver chains resolved against the org tree; who holds a step |
//! | [`decision`] | who sees, decides and withdraws a request |
//! | [`prospect`] | 潜在客户 as recorded (CUST-6) |
//! | [`view`] | requests as answered: summaries, chain, history, to-dos |
//! | [`engine`] | filing, deciding (with each kind's effect) and withdrawing, each one transaction |
//! | [`store`] | the SQL over migration 0007 |
//!
//! Everything but [`engine`] and [`store`] is plain Rust with table-driven unit tests.

pub mod chain;
pub mod decision;
pub mod engine;
pub mod kind;
pub mod payload;
pub mod prospect;
pub mod store;
pub mod view;

pub use chain::Step;
pub use kind::{Event, Kind, Status};
