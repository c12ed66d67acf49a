//! Starting any Spin-compatible runtime per test (`ZHANYE_RUNTIME`, e.g. `spin up`): a
//! fresh runtime config in a fresh folder, a free port, and then over HTTP what
//! `zhanye up` does inside itself at start-up (schema, demo data, demo customers).

use crate::db::TestDb;
use crate::{AppBuilder, Kind, TestApp, ensure_built};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The file names Spin itself gives the default stores in its state folder, so the
/// folder reads the same whichever runtime wrote it.
pub(crate) const SQLITE_FILE: &str = "sqlite_db.db";
const KV_FILE: &str = "sqlite_key_value.db";
const RUNTIME_CONFIG_FILE: &str = "runtime-config.toml";
const LOG_FILE: &str = "runtime.log";

/// The admin token the harness gives a runtime only to set its database up, when the
/// suite started the app without one; the app is then restarted without it, so that it
/// runs as the suite asked.
const SETUP_ADMIN_TOKEN: &str = "zhanye-harness-setup-token";

/// The `zhanye up` flags the harness carries out itself for another runtime. Any other
/// flag is `zhanye`'s own (limits, its own runtime config) and is not passed on: the
/// tests that depend on one are guarded by [`TestApp::runs_locally`].
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Flags {
    pub demo: bool,
    pub no_demo_customers: bool,
    pub no_migrate: bool,
    pub zhanye_only: Vec<String>,
}

impl Flags {
    pub fn parse(args: &[String]) -> Flags {
        let mut flags = Flags::default();
        for arg in args {
            match arg.as_str() {
                "--demo" => flags.demo = true,
                "--no-demo-customers" => flags.no_demo_customers = true,
                "--no-migrate" => flags.no_migrate = true,
                // Spin has no such switch: the schedules run if the runtime runs
                // them (the app's run on the 28th to the 31st, 18:00 to 24:00 UTC).
                "--no-cron" => {}
                other => flags.zhanye_only.push(other.to_string()),
            }
        }
        flags
    }
}

/// The command prefix `ZHANYE_RUNTIME` gives, split on white space (so a path with
/// spaces needs a symlink or a wrapper script).
pub(crate) fn parse_prefix(value: &str) -> Vec<String> {
    value.split_whitespace().map(str::to_string).collect()
}

/// Spin's runtime config putting the default database and key-value store in `dir`.
fn runtime_config(dir: &Path) -> String {
    let quoted = |file: &str| toml::Value::String(dir.join(file).display().to_string());
    format!(
        "# Written by the test harness: this test's own stores.\n\
         [sqlite_database.default]\ntype = \"spin\"\npath = {}\n\n\
         [key_value_store.default]\ntype = \"spin\"\npath = {}\n",
        quoted(SQLITE_FILE),
        quoted(KV_FILE)
    )
}

/// The runtime's process group: Spin runs trigger plugins (cron) as child processes,
/// so stopping the runtime means signalling all of them.
pub(crate) fn signal_group(child: &Child, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{}", child.id()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Stops the runtime and everything it started: SIGTERM first (Spin and `zhanye` stop
/// cleanly on it), SIGKILL if it lingers.
pub(crate) fn stop(child: &mut Child) -> Option<std::process::ExitStatus> {
    signal_group(child, "TERM");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > deadline {
            signal_group(child, "KILL");
            return child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Kills the runtime and its children at once, as a crash would.
pub(crate) fn kill(child: &mut Child) {
    signal_group(child, "KILL");
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A value of the app's variable `name` as the runtime will see it: what the suite
/// sets, else what the test process inherits, else the manifest's default.
fn variable(builder: &AppBuilder, name: &str) -> Option<String> {
    let key = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
    if let Some((_, v)) = builder.env.iter().rev().find(|(k, _)| *k == key) {
        return Some(v.clone());
    }
    if let Ok(v) = std::env::var(&key) {
        return Some(v);
    }
    let text = std::fs::read_to_string(&builder.manifest).ok()?;
    let manifest: toml::Value = toml::from_str(&text).ok()?;
    manifest
        .get("variables")?
        .get(name)?
        .get("default")?
        .as_str()
        .map(str::to_string)
}

/// The runtime once it answers HTTP.
struct Running {
    child: Child,
    base_url: String,
    log_path: PathBuf,
}

/// Starts `prefix -f manifest --listen 127.0.0.1:PORT --runtime-config-file RC` and
/// waits until it answers; a port taken between choosing and binding it is chosen again.
fn spawn(prefix: &[String], builder: &AppBuilder, env: &[(String, String)], dir: &Path) -> Running {
    let log_path = dir.join(LOG_FILE);
    for _attempt in 0..3 {
        let port = free_port();
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut cmd = Command::new(&prefix[0]);
        cmd.args(&prefix[1..])
            .arg("-f")
            .arg(&builder.manifest)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--runtime-config-file")
            .arg(dir.join(RUNTIME_CONFIG_FILE))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log file")))
            .stderr(Stdio::from(log));
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e})", prefix.join(" ")));
        let base_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if crate::http::answers(&base_url) {
                return Running {
                    child,
                    base_url,
                    log_path,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                if log.to_ascii_lowercase().contains("address already in use") {
                    break;
                }
                panic!(
                    "{} exited with {status} before answering HTTP; its output:\n{log}",
                    prefix.join(" ")
                );
            }
            if Instant::now() > deadline {
                kill(&mut child);
                panic!(
                    "{} did not answer HTTP on port {port} in time; its output:\n{}",
                    prefix.join(" "),
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("no free port for {} after three tries", prefix.join(" "));
}

/// What `zhanye up` does to the default database before serving, through the admin
/// component: the schema migrations, and with `--demo` the demo data scripts.
fn migrate(running: &mut Running, token: &str, demo: bool) {
    let admin = crate::Client::new(&running.base_url).bearer(token);
    let mut steps = vec!["/api/admin/migrate"];
    if demo {
        steps.push("/api/admin/demo");
    }
    for path in steps {
        let reply = admin.post_json(path, &json!({}));
        if reply.status != 200 {
            kill(&mut running.child);
            panic!(
                "POST {path} answered {}: {}\nruntime output:\n{}",
                reply.status,
                reply.text(),
                std::fs::read_to_string(&running.log_path).unwrap_or_default()
            );
        }
    }
}

/// The demo customers and product catalog, pushed through the app's webhooks as
/// `zhanye up --demo` pushes them, by `zhanye generate --demo` (an HTTP client only).
fn load_demo_customers(builder: &AppBuilder, running: &mut Running) {
    let Some(trading) = variable(builder, "hook_secret_trading").filter(|s| !s.is_empty()) else {
        // `zhanye up --demo` skips them too when the trading partner is off.
        return;
    };
    let Some(issuer) = variable(builder, "hook_secret_issuer").filter(|s| !s.is_empty()) else {
        kill(&mut running.child);
        panic!(
            "the harness loads the demo customers with the demo catalog; it cannot without \
             hook_secret_issuer (pass --no-demo-customers)"
        );
    };
    let out = Command::new(&builder.zhanye)
        .arg("generate")
        .arg("--url")
        .arg(&running.base_url)
        .arg("--demo")
        .env("ZHANYE_HOOK_SECRET", trading)
        .env("ZHANYE_ISSUER_SECRET", issuer)
        .output()
        .expect("run zhanye generate");
    if !out.status.success() {
        kill(&mut running.child);
        panic!(
            "zhanye generate --demo failed:\n{}\n{}\nruntime output:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&running.log_path).unwrap_or_default()
        );
    }
}

/// Starts the app on the runtime `prefix` names, on fresh state (or the state folder
/// the builder hands back, to restart on it).
pub(crate) fn start(mut builder: AppBuilder, prefix: Vec<String>) -> TestApp {
    assert!(!prefix.is_empty(), "ZHANYE_RUNTIME is empty");
    ensure_built(&builder.zhanye, &builder.manifest);
    let flags = Flags::parse(&builder.args);
    if !flags.zhanye_only.is_empty() {
        eprintln!(
            "not passed to {}: zhanye's own flags {}",
            prefix.join(" "),
            flags.zhanye_only.join(" ")
        );
    }
    let state_dir = builder
        .state_dir
        .take()
        .unwrap_or_else(crate::fresh_state_dir);
    let dir = state_dir.path().to_path_buf();
    std::fs::write(dir.join(RUNTIME_CONFIG_FILE), runtime_config(&dir)).expect("runtime config");

    // As `zhanye up`: migrations when the app keeps them, unless told not to.
    let has_migrations = builder
        .manifest
        .parent()
        .is_some_and(|d| d.join("migrations").is_dir());
    let migrating = has_migrations && !flags.no_migrate;
    let token = variable(&builder, "admin_token").filter(|t| !t.is_empty());
    let mut setup_env = builder.env.clone();
    setup_env.push(("SPIN_VARIABLE_ADMIN_TOKEN".into(), SETUP_ADMIN_TOKEN.into()));
    let mut running = match (&token, migrating) {
        (Some(token), true) => {
            let mut running = spawn(&prefix, &builder, &builder.env, &dir);
            migrate(&mut running, token, flags.demo);
            running
        }
        (None, true) => {
            let mut running = spawn(&prefix, &builder, &setup_env, &dir);
            migrate(&mut running, SETUP_ADMIN_TOKEN, flags.demo);
            stop(&mut running.child);
            spawn(&prefix, &builder, &builder.env, &dir)
        }
        (_, false) => spawn(&prefix, &builder, &builder.env, &dir),
    };
    if flags.demo && !flags.no_demo_customers {
        load_demo_customers(&builder, &mut running);
    }
    TestApp {
        base_url: running.base_url,
        kind: Kind::Started,
        child: Some(running.child),
        stdin: None,
        db: Some(TestDb::Sqlite(dir.join(SQLITE_FILE))),
        state_dir: Some(state_dir),
        log_path: Some(running.log_path),
        zhanye: builder.zhanye,
        manifest: builder.manifest,
        env: builder.env,
        stores: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harness_flags_are_carried_out_and_the_rest_left_to_zhanye() {
        let args: Vec<String> = ["--demo", "--no-cron", "--timeout-ms", "800"]
            .map(String::from)
            .to_vec();
        let flags = Flags::parse(&args);
        assert!(flags.demo);
        assert!(!flags.no_migrate && !flags.no_demo_customers);
        assert_eq!(flags.zhanye_only, ["--timeout-ms", "800"]);
    }

    #[test]
    fn the_runtime_config_names_both_default_stores_in_the_folder() {
        let dir = Path::new("/tmp/some \"dir\"");
        let parsed: toml::Value = toml::from_str(&runtime_config(dir)).unwrap();
        let db = &parsed["sqlite_database"]["default"];
        assert_eq!(db["type"].as_str(), Some("spin"));
        assert_eq!(
            db["path"].as_str(),
            Some(dir.join(SQLITE_FILE).to_str().unwrap())
        );
        let kv = &parsed["key_value_store"]["default"];
        assert_eq!(kv["type"].as_str(), Some("spin"));
        assert_eq!(
            kv["path"].as_str(),
            Some(dir.join(KV_FILE).to_str().unwrap())
        );
    }

    #[test]
    fn the_prefix_is_split_on_white_space() {
        assert_eq!(
            parse_prefix("  spin up  -c health "),
            ["spin", "up", "-c", "health"]
        );
    }
}
