//! Marketing tasks (营销任务, TASK-1..5): the rules in plain Rust, and in [`store`] the
//! named SQL over migration 0006 that the `tasks` component (and HOME's to-do list)
//! use.
//!
//! | module | what |
//! |---|---|
//! | [`status`] | the life cycle: open → done by execution, open → cancelled; overdue |
//! | [`plan`] | 营销任务发起: the set-up form (工作设置) |
//! | [`execution`] | 营销任务执行: the execution form (工作执行) and its co-workers |
//! | [`access`] | who sees, executes, cancels and assigns a task (ORG-4) |
//! | [`listing`] | what a task list asks for: to-dos, history, team, co-worked, assigned (我发起的) |
//! | [`period`] | the period of a team's activity (活动量) |
//! | [`when`] | times as typed (RFC 3339, or China-time wall clocks) and as stored |
//! | [`fields`] | the forms' text fields and refusal reasons |
//! | [`view`] | a task as answered: plan, execution, history, what the caller may do |
//! | [`store`] | the SQL |

pub mod access;
pub mod execution;
pub mod fields;
pub mod listing;
pub mod period;
pub mod plan;
pub mod status;
pub mod store;
pub mod view;
pub mod when;

pub use status::{TaskStatus, Transition};
