//! `zhanye-tools`: the Zhanye app's tools behind `zhanye generate` and `zhanye bench`.
//!
//! - [`generate`]: deterministic data (org tree, staff, customers and their figures,
//!   products) from a seed, loaded through the app's trading and issuer webhooks of a
//!   running app; [`generate::load_demo`] is what `zhanye up --demo` pushes.
//! - [`bench`](mod@bench): load benches of a running app (HTTP, accounts, customers, T+1,
//!   products) and the runtime's own suite, which starts a fixture app in-process
//!   through `zhanye-runtime`'s public API.

pub mod bench;
pub mod generate;
