//! `zhanye`: Zhanye's Spin-compatible runtime as a command. The runtime itself
//! (`zhanye-runtime`) builds, serves and schedules the components of any Spin
//! manifest (v2) on wasmtime; this binary adds what the Zhanye app brings: its schema
//! migrations and demo data ([`migrate`]), and its tools (`zhanye-tools`: the data
//! generator and the benches).

mod migrate;
mod migrate_pg;

use anyhow::Result;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhanye_runtime::cli::{AppArgs, ServeArgs};
use zhanye_runtime::manifest::{LoadedManifest, Manifest};
use zhanye_runtime::{
    App, AppOptions, AppVariables, CronTrigger, HttpTrigger, ServeLimits, log_error, log_info,
};
use zhanye_tools::{bench, generate};

#[derive(Parser)]
#[command(name = "zhanye", version, about = "Zhanye's Spin-compatible runtime")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
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
        #[command(flatten)]
        serve: ServeArgs,
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
        #[arg(long, value_parser = zhanye_runtime::parse_event_time)]
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
    zhanye_runtime::log::flush();
    result
}

/// The `default` database gets the app's migrations when the app keeps them
/// (`migrations/` beside the manifest).
fn app_has_migrations(opts: &AppOptions) -> bool {
    opts.manifest
        .parent()
        .is_some_and(|d| d.join("migrations").is_dir())
}

/// How the app marks a secret's value as a demo one.
const DEMO_PREFIX: &str = "demo-";

/// The secret variables still holding a demo value (one that begins with `demo-`),
/// which must not be used outside a demo.
fn demo_secrets(manifest: &Manifest, variables: &AppVariables) -> Vec<String> {
    manifest
        .variables
        .iter()
        .filter(|(name, decl)| {
            decl.secret
                && variables
                    .get(name)
                    .is_some_and(|value| value.starts_with(DEMO_PREFIX))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Secrets left at their demo values are fine for a demo and nowhere else.
fn warn_about_demo_secrets(opts: &AppOptions) -> Result<()> {
    let manifest = LoadedManifest::load(&opts.manifest)?;
    let variables = AppVariables::resolve(&manifest.manifest, std::env::vars())?;
    let demo = demo_secrets(&manifest.manifest, &variables);
    if !demo.is_empty() {
        log_error!(
            "WARNING: secret variable(s) {} still have their demo values; set SPIN_VARIABLE_<NAME> outside a demo",
            demo.join(", ")
        );
    }
    Ok(())
}

/// Applies the schema (and with `demo` the demo data) to the app's database: the
/// PostgreSQL one when the app's `database_url` variable names one, else the `default`
/// SQLite database where the runtime config puts it.
async fn prepare_database(opts: &AppOptions, demo: bool) -> Result<()> {
    if !app_has_migrations(opts) {
        return Ok(());
    }
    if let Some(url) = postgres_url(opts)? {
        for (v, name) in migrate_pg::apply(&url, migrate::Set::Schema).await? {
            log_info!("applied migration {v:04}_{name}");
        }
        if demo {
            for (v, name) in migrate_pg::apply(&url, migrate::Set::Demo).await? {
                log_info!("loaded demo data {v:04}_{name}");
            }
        }
        log_info!(
            "schema version {} (PostgreSQL)",
            migrate_pg::schema_version(&url).await?
        );
        return Ok(());
    }
    let Some(db) = opts.default_sqlite_path()? else {
        return Ok(());
    };
    let db = db.as_path();
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

/// The app's `database_url` variable, when it names a PostgreSQL database.
fn postgres_url(opts: &AppOptions) -> Result<Option<String>> {
    let manifest = LoadedManifest::load(&opts.manifest)?;
    let variables = AppVariables::resolve(&manifest.manifest, std::env::vars())?;
    Ok(variables
        .get("database_url")
        .filter(|url| zhanye_migrations::postgres::is_postgres_url(url))
        .map(|url| url.trim().to_string()))
}

async fn run(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Build {
            manifest,
            components,
        } => {
            let m = LoadedManifest::load(&manifest)?;
            zhanye_runtime::build(&m, &components)
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
            serve,
            stop_on_stdin_eof,
        } => {
            if build {
                zhanye_runtime::build(&LoadedManifest::load(&app.manifest)?, &[])?;
            }
            let mut opts = app.options()?;
            opts.components = components;
            // Refuse an unknown component id before touching the database.
            zhanye_runtime::select_components(
                &LoadedManifest::load(&opts.manifest)?.manifest,
                &opts.components,
            )?;
            if !no_migrate {
                prepare_database(&opts, demo).await?;
            }
            if !demo {
                warn_about_demo_secrets(&opts)?;
            }
            let limits = serve.limits(opts.limits.max_instances);
            up(
                &opts,
                limits,
                &listen,
                !no_cron,
                http_threads.unwrap_or_else(zhanye_runtime::default_threads),
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
                let _http = HttpTrigger::new(app.clone())?;
                let cron = CronTrigger::new(app)?;
                match at {
                    Some(timestamp) => cron.fire_at(&component, timestamp).await?,
                    None => cron.fire(&component).await?,
                }
                println!("fired {component}: ok");
                Ok(())
            }
            CronCmd::List { app } => {
                let m = LoadedManifest::load(&app.manifest)?;
                for t in &m.manifest.trigger.cron {
                    zhanye_runtime::parse_expression(&t.cron_expression)?;
                    println!("{}\t{}", t.component, t.cron_expression);
                }
                Ok(())
            }
        },
        Cmd::Migrate { app } => {
            let opts = app.options()?;
            prepare_database(&opts, false).await?;
            Ok(())
        }
        Cmd::Demo { app } => {
            let opts = app.options()?;
            prepare_database(&opts, true).await?;
            Ok(())
        }
        Cmd::Bench(args) => bench::run(args).await,
        Cmd::Generate { args, issuer } => generate::run(args, issuer).await,
    }
}

async fn up(
    opts: &AppOptions,
    limits: ServeLimits,
    listen: &str,
    with_cron: bool,
    threads: usize,
    stop_on_eof: bool,
    demo_customers: bool,
) -> Result<()> {
    let app = Arc::new(App::load(opts)?);
    let http = HttpTrigger::with_limits(app.clone(), limits)?;
    let cron = Arc::new(CronTrigger::new(app.clone())?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let serving = zhanye_runtime::serve(listen, http.clone(), threads, stop_rx)?;
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
            _ = zhanye_runtime::stop_signal() => {}
            _ = stdin_closed() => {}
        }
    } else {
        zhanye_runtime::stop_signal().await
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
    let manifest = LoadedManifest::load(&opts.manifest)?;
    let variables = AppVariables::resolve(&manifest.manifest, std::env::vars())?;
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

fn print_banner(addr: &str, http: &HttpTrigger, state_dir: &Path) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving http://{addr}");
    let _ = writeln!(out, "State directory: {}", state_dir.display());
    let _ = writeln!(out, "Available Routes:");
    for r in http.routes() {
        let _ = writeln!(out, "  {}: http://{addr}{}", r.component, r.raw);
    }
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        toml::from_str(
            r#"
spin_manifest_version = 2
[application]
name = "x"
[variables]
greeting = { default = "hello" }
token = { required = true, secret = true }
optional = { }
"#,
        )
        .unwrap()
    }

    #[test]
    fn demo_secrets_are_found() {
        let with = |token: &str| {
            AppVariables::resolve(
                &manifest(),
                [
                    ("SPIN_VARIABLE_TOKEN".to_string(), token.to_string()),
                    (
                        "SPIN_VARIABLE_GREETING".to_string(),
                        "demo-hello".to_string(),
                    ),
                ],
            )
            .unwrap()
        };
        assert_eq!(
            demo_secrets(&manifest(), &with("demo-only-token")),
            vec!["token"]
        );
        // Only secrets count: greeting is demo-valued but not secret.
        assert!(demo_secrets(&manifest(), &with("real-token")).is_empty());
    }
}
