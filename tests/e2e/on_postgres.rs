//! The app's suites again, on the managed stores: every app a test starts runs on a
//! fresh PostgreSQL database and a Redis key-value store of its own (what
//! `ZHANYE_TEST_STORES=postgres` does for the `e2e` binary; this binary does it
//! without being asked, so `cargo test` proves both backends). The runtime's own suites
//! (`runtime*`, `deploy`) and `scale_out` (always on PostgreSQL) run once, in `e2e`.
//!
//! `cargo test -p zhanye --test e2e_postgres customers::` runs one suite here.

// The helpers only the runtime's suites use are not called here.
#[allow(dead_code)]
mod common;

mod approvals;
mod assessment;
mod assessment_api;
mod auth;
mod checkin;
mod customer_ingest;
mod customers;
mod fuzz;
mod generate;
mod home;
mod hooks;
mod platform;
mod products;
mod second_factor;
mod tasks;
mod web;
