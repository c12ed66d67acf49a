//! `zhanye-runtime`: a Spin-compatible runtime on wasmtime. It builds, serves and
//! schedules the components of any Spin manifest (v2): HTTP components on WASI 0.2
//! (`wasi:http/incoming-handler@0.2`) or WASI 0.3 (`wasi:http/handler@0.3.0`), cron
//! components (`fermyon:spin-cron@2.0.0`), with Spin's SQLite, key-value, variables,
//! PostgreSQL and outbound-HTTP semantics, so the same `spin.toml` and `.wasm` files run here
//! and under real Spin. It knows nothing of any particular app.
//!
//! The public API is what a command line and an in-process benchmark need:
//!
//! - [`AppOptions`] (or [`cli::AppArgs`], their command-line flags) and [`Limits`]:
//!   which manifest, where its stores live, per-instance memory and time limits;
//! - [`App::load`]: the app's components compiled (or taken from the cache), linked
//!   and pre-instantiated once; each request or event then gets a fresh instance;
//! - [`HttpTrigger`] answers requests (in-process with [`HttpTrigger::handle`]), and
//!   [`serve`] puts it on a listening address until told to stop;
//! - [`CronTrigger`] runs the cron schedules, or fires one event on demand;
//! - [`build`] runs the components' build commands;
//! - [`manifest`], [`AppVariables`] and [`AppOptions::default_sqlite_path`] for what a
//!   tool reads of an app without loading it; [`log`] for the runtime's log lines.
//!
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! use std::sync::Arc;
//! use zhanye_runtime::{App, AppOptions, CronTrigger, HttpTrigger, Limits};
//!
//! let opts = AppOptions::new("spin.toml".as_ref(), None, None, Limits::default())?;
//! let app = Arc::new(App::load(&opts)?);
//! let http = HttpTrigger::new(app.clone())?;
//! let cron = Arc::new(CronTrigger::new(app)?);
//! let (stop, stopped) = tokio::sync::watch::channel(false);
//! let serving = zhanye_runtime::serve("127.0.0.1:3000", http.clone(), 2, stopped)?;
//! http.set_origin(format!("http://{}", serving.addr));
//! tokio::spawn(cron.run());
//! zhanye_runtime::stop_signal().await;
//! let _ = stop.send(true);
//! serving.wait()?;
//! # Ok(())
//! # }
//! ```

mod app;
mod build_cmd;
mod capability;
pub mod cli;
mod engine;
pub mod log;
pub mod manifest;
mod runtime_config;
mod state;
mod trigger;

pub use app::{App, AppOptions, select_components};
pub use build_cmd::build;
pub use capability::postgres::{PgConnection, tool_client as postgres_client};
pub use capability::variables::AppVariables;
pub use engine::Limits;
pub use trigger::cron::{CronJob, CronTrigger, parse_event_time, parse_expression};
pub use trigger::http::{Body, HttpTrigger};
pub use trigger::limits::ServeLimits;
pub use trigger::routes::Route;
pub use trigger::server::{Serving, default_threads, serve, stop_signal};
