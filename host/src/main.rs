//! `zhanye`: Zhanye's Spin-compatible runtime. It builds, serves and schedules the
//! components of a Spin manifest (v2) on wasmtime, with Spin's SQLite, key-value,
//! variables and outbound-HTTP semantics, so the same `spin.toml` and `.wasm` files
//! run here and under real Spin.

mod app;
mod bench;
mod build_cmd;
mod capability;
mod engine;
mod generate;
mod log;
mod manifest;
mod migrate;
mod outbound;
mod runtime_config;
mod state;
mod trigger;
mod variables;

use anyhow::{Context, Result};
use app::{App, AppOptions};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "zhanye", version, about = "Zhanye's Spin-compatible runtime")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone, Debug)]
pub(crate) struct AppArgs {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    manifest: PathBuf,
    /// Where the default stores and other local state live (default: `.spin` beside the manifest).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Spin runtime configuration (store locations).
    #[arg(long)]
    runtime_config_file: Option<PathBuf>,
    /// Largest linear memory one instance may have, in MiB.
    #[arg(long, default_value_t = 256)]
    max_memory_mb: usize,
    /// Time one request or cron event may take, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    timeout_ms: u64,
    /// Instances alive at once.
    #[arg(long, default_value_t = 1000)]
    max_instances: u32,
}

impl AppArgs {
    pub(crate) fn options(&self) -> Result<AppOptions> {
        let manifest = self
            .manifest
            .canonicalize()
            .with_context(|| format!("no manifest at {}", self.manifest.display()))?;
        let app_dir = manifest
            .parent()
            .context("manifest has no folder")?
            .to_path_buf();
        let state_dir = self
            .state_dir
            .clone()
            .unwrap_or_else(|| app_dir.join(".spin"));
        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        Ok(AppOptions {
            manifest,
            state_dir,
            runtime_config_file: self.runtime_config_file.clone(),
            limits: engine::Limits {
                max_memory_bytes: self.max_memory_mb << 20,
                timeout: Duration::from_millis(self.timeout_ms),
                max_instances: self.max_instances,
            },
            cache_dir: cache_dir(),
            components: Vec::new(),
        })
    }
}

/// Compiled components are cached per user, like Spin's wasmtime cache.
fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ZHANYE_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("zhanye").join("components")
}

#[derive(Subcommand)]
enum Cmd {
    /// Run each component's build command.
    Build {
        #[arg(short = 'f', long = "from", default_value = "spin.toml")]
        manifest: PathBuf,
        /// Build only these components.
        #[arg(short = 'c', long = "component-id")]
        components: Vec<String>,
    },
    /// Serve the app: HTTP routes and cron schedules.
    Up {
        #[command(flatten)]
        app: AppArgs,
        /// Address to listen on; port 0 picks a free port (printed on start).
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: String,
        /// Build the components first.
        #[arg(long)]
        build: bool,
        /// Serve only this component (repeatable), as `spin up -c`: the routes of the
        /// others answer 404 and their cron schedules do not run.
        #[arg(short = 'c', long = "component-id")]
        components: Vec<String>,
        /// Load the demo data before serving (and the demo customers, through the app's
        /// own trading webhook, before the banner).
        #[arg(long)]
        demo: bool,
        /// With --demo, skip the demo customers.
        #[arg(long, hide = true)]
        no_demo_customers: bool,
        /// Leave the schema as it is (e.g. to migrate through the admin routes).
        #[arg(long)]
        no_migrate: bool,
        /// Do not run the cron schedules.
        #[arg(long)]
        no_cron: bool,
        /// Serving threads, each with its own runtime (default: one per core).
        #[arg(long)]
        http_threads: Option<usize>,
        /// Stop (gracefully) when standard input closes: lets a supervising process
        /// such as the test harness take the server down with it.
        #[arg(long, hide = true)]
        stop_on_stdin_eof: bool,
    },
    /// Cron trigger tools.
    Cron {
        #[command(subcommand)]
        cmd: CronCmd,
    },
    /// Bring the schema of the default SQLite database up to date.
    Migrate {
        #[command(flatten)]
        app: AppArgs,
    },
    /// Apply migrations, then load the demo data.
    Demo {
        #[command(flatten)]
        app: AppArgs,
    },
    /// Load-test a running app and print requests/s and latency percentiles.
    Bench(bench::BenchArgs),
    /// Generate data (org, staff, customers and their figures; products) from a seed and
    /// load it through the trading partner's and the issuer's webhooks of a running app.
    Generate {
        #[command(flatten)]
        args: generate::GenerateArgs,
        #[command(flatten)]
        issuer: generate::products::ProductArgs,
    },
}

#[derive(Subcommand)]
enum CronCmd {
    /// Run one event of a cron component now.
    Fire {
        component: String,
        /// The event's time instead of now, in RFC 3339 (e.g. 2026-10-01T02:00:00+08:00).
        #[arg(long, value_parser = trigger::cron::parse_event_time)]
        at: Option<u64>,
        #[command(flatten)]
        app: AppArgs,
    },
    /// List the schedules.
    List {
        #[command(flatten)]
        app: AppArgs,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("zhanye-worker")
        .build()?;
    let result = rt.block_on(run(cli.cmd));
    log::flush();
    result
}

/// The `default` database gets the app's migrations when the app keeps them
/// (`migrations/` beside the manifest).
fn app_has_migrations(opts: &AppOptions) -> bool {
    opts.manifest
        .parent()
        .is_some_and(|d| d.join("migrations").is_dir())
}

/// Secrets left at their demo values are fine for a demo and nowhere else.
fn warn_about_demo_secrets(opts: &AppOptions) -> Result<()> {
    let manifest = manifest::LoadedManifest::load(&opts.manifest)?;
    let variables = variables::AppVariables::resolve(&manifest.manifest, std::env::vars())?;
    let demo = variables.demo_secrets(&manifest.manifest);
    if !demo.is_empty() {
        log_error!(
            "WARNING: secret variable(s) {} still have their demo values; set SPIN_VARIABLE_<NAME> outside a demo",
            demo.join(", ")
        );
    }
    Ok(())
}

fn prepare_database(opts: &AppOptions, demo: bool) -> Result<()> {
    if !app_has_migrations(opts) {
        return Ok(());
    }
    let rc =
        runtime_config::RuntimeConfig::load(&opts.state_dir, opts.runtime_config_file.as_deref())?;
    let Some(db) = rc.default_sqlite_path() else {
        return Ok(());
    };
    for (v, name) in migrate::apply(db, migrate::Set::Schema)? {
        log_info!("applied migration {v:04}_{name}");
    }
    if demo {
        for (v, name) in migrate::apply(db, migrate::Set::Demo)? {
            log_info!("loaded demo data {v:04}_{name}");
        }
    }
    log_info!("schema version {}", migrate::schema_version(db)?);
    Ok(())
}

async fn run(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Build {
            manifest,
            components,
        } => {
            let m = manifest::LoadedManifest::load(&manifest)?;
            build_cmd::build(&m, &components)
        }
        Cmd::Up {
            app,
            listen,
            build,
            components,
            demo,
            no_demo_customers,
            no_migrate,
            no_cron,
            http_threads,
            stop_on_stdin_eof,
        } => {
            if build {
                build_cmd::build(&manifest::LoadedManifest::load(&app.manifest)?, &[])?;
            }
            let mut opts = app.options()?;
            opts.components = components;
            // Refuse an unknown component id before touching the database.
            app::select_components(
                &manifest::LoadedManifest::load(&opts.manifest)?.manifest,
                &opts.components,
            )?;
            if !no_migrate {
                prepare_database(&opts, demo)?;
            }
            if !demo {
                warn_about_demo_secrets(&opts)?;
            }
            up(
                &opts,
                &listen,
                !no_cron,
                http_threads.unwrap_or_else(default_threads),
                stop_on_stdin_eof,
                demo && !no_demo_customers,
            )
            .await
        }
        Cmd::Cron { cmd } => match cmd {
            CronCmd::Fire { component, at, app } => {
                let opts = app.options()?;
                let app = Arc::new(App::load(&opts)?);
                // Self-requests made by the event are answered in-process.
                let _http = trigger::http::HttpTrigger::new(app.clone())?;
                let cron = trigger::cron::CronTrigger::new(app)?;
                match at {
                    Some(timestamp) => cron.fire_at(&component, timestamp).await?,
                    None => cron.fire(&component).await?,
                }
                println!("fired {component}: ok");
                Ok(())
            }
            CronCmd::List { app } => {
                let m = manifest::LoadedManifest::load(&app.manifest)?;
                for t in &m.manifest.trigger.cron {
                    trigger::cron::parse_expression(&t.cron_expression)?;
                    println!("{}\t{}", t.component, t.cron_expression);
                }
                Ok(())
            }
        },
        Cmd::Migrate { app } => {
            let opts = app.options()?;
            prepare_database(&opts, false)?;
            Ok(())
        }
        Cmd::Demo { app } => {
            let opts = app.options()?;
            prepare_database(&opts, true)?;
            Ok(())
        }
        Cmd::Bench(args) => bench::run(args).await,
        Cmd::Generate { args, issuer } => generate::run(args, issuer).await,
    }
}

pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

async fn up(
    opts: &AppOptions,
    listen: &str,
    with_cron: bool,
    threads: usize,
    stop_on_eof: bool,
    demo_customers: bool,
) -> Result<()> {
    let app = Arc::new(App::load(opts)?);
    let http = trigger::http::HttpTrigger::new(app.clone())?;
    let cron = Arc::new(trigger::cron::CronTrigger::new(app.clone())?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let serving = trigger::server::start(listen, http.clone(), threads, stop_rx)?;
    let addr = serving.addr;
    http.set_origin(format!("http://{addr}"));
    if demo_customers {
        load_demo_customers(opts, addr).await?;
    }
    print_banner(&addr.to_string(), &http, &opts.state_dir);
    if with_cron && !cron.jobs.is_empty() {
        tokio::spawn(cron.clone().run());
    }
    if stop_on_eof {
        tokio::select! {
            _ = trigger::server::stop_signal() => {}
            _ = stdin_closed() => {}
        }
    } else {
        trigger::server::stop_signal().await
    }
    log_info!("stopping: waiting for in-flight requests");
    let _ = stop_tx.send(true);
    tokio::task::spawn_blocking(move || serving.wait()).await??;
    log_info!("stopped");
    Ok(())
}

/// The demo customers, pushed through the app's own trading webhook before the banner
/// (so whoever waits for it finds them loaded); apps without that partner skip it.
async fn load_demo_customers(opts: &AppOptions, addr: std::net::SocketAddr) -> Result<()> {
    let manifest = manifest::LoadedManifest::load(&opts.manifest)?;
    let variables = variables::AppVariables::resolve(&manifest.manifest, std::env::vars())?;
    let Some(secret) = variables
        .get("hook_secret_trading")
        .filter(|s| !s.is_empty())
    else {
        return Ok(());
    };
    let mut target = addr;
    if target.ip().is_unspecified() {
        target.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let issuer = variables
        .get("hook_secret_issuer")
        .filter(|s| !s.is_empty());
    generate::load_demo(&format!("http://{target}"), secret, issuer).await;
    Ok(())
}

async fn stdin_closed() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        while matches!(std::io::Read::read(&mut stdin, &mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    let _ = rx.await;
}

fn print_banner(addr: &str, http: &trigger::http::HttpTrigger, state_dir: &Path) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving http://{addr}");
    let _ = writeln!(out, "State directory: {}", state_dir.display());
    let _ = writeln!(out, "Available Routes:");
    for r in http.routes() {
        let _ = writeln!(out, "  {}: http://{addr}{}", r.component, r.raw);
    }
    let _ = out.flush();
}
