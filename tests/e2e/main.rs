//! The black-box suites, one test binary: a module per suite, each test named
//! `suite::test` (`cargo test -p zhanye --test e2e platform::` runs one suite), and
//! one harness for all of them (`common`, over `zhanye_test_support`).

mod common;

mod approvals;
mod assessment;
mod assessment_api;
mod auth;
mod checkin;
mod customer_ingest;
mod customers;
mod deploy;
mod fuzz;
mod generate;
mod home;
mod hooks;
mod platform;
mod products;
mod runtime;
mod runtime_limits;
mod runtime_redis;
mod runtime_spin2;
mod scale_out;
mod schemathesis;
mod second_factor;
mod tasks;
mod under_attack;
mod web;
