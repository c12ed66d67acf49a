//! The end-to-end harness. A suite calls [`TestApp::start`] (or the builder) with the
//! `zhanye` binary and a manifest; the components are built once per test process and
//! each test gets its own app on fresh state, stopped and removed when the [`TestApp`]
//! is dropped. Which runtime serves it comes from the environment:
//!
//! - nothing set: `zhanye up` on a free port with a fresh state directory;
//! - `ZHANYE_RUNTIME` = a command prefix such as `spin up`: that runtime, started per
//!   test with `-f <manifest> --listen 127.0.0.1:<port> --runtime-config-file <rc>`,
//!   where `rc` puts the default SQLite database and key-value store in a fresh folder.
//!   The harness then does over HTTP what `zhanye up` does inside itself: the schema
//!   (`POST /api/admin/migrate`), with `--demo` the demo data (`POST /api/admin/demo`)
//!   and the demo customers and catalog (`zhanye generate --demo`, which only speaks to
//!   the app's webhooks). The admin token is the suite's `SPIN_VARIABLE_ADMIN_TOKEN`;
//!   an app started without one is set up with a harness token and restarted without it;
//! - `ZHANYE_BASE_URL` = the URL of an app somebody else started: every test talks to
//!   that one app, so tests that change accounts or data are not isolated from each
//!   other (fine for read-only smoke runs). The app must have been started with the
//!   suites' admin token and signing key and the demo data; `ZHANYE_TEST_DATABASE`
//!   names its database for the tests that reach it directly ([`TestApp::db`]).
//!
//! Whatever runs the app, the suites reach its database only through [`TestApp::db`].
//! Checks that need `zhanye` itself (its verbs, log, limits) are guarded by
//! [`TestApp::runs_locally`]; those that only need to stop and restart the runtime, by
//! [`TestApp::owns_process`].

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

mod db;
mod external;
mod http;
mod stores;
pub use db::{DATABASE_ENV, TestDb};
pub use http::{Client, Reply};
pub use stores::{ManagedStores, STORES_ENV, managed as managed_stores};

/// Names a running app to test instead of starting one per test.
pub const BASE_URL_ENV: &str = "ZHANYE_BASE_URL";
/// A command prefix that starts a Spin-compatible runtime (e.g. `spin up`).
pub const RUNTIME_ENV: &str = "ZHANYE_RUNTIME";

/// What serves the suites' apps, as the environment chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// `zhanye up` from this workspace, one per test (the default).
    Zhanye,
    /// Another runtime, one per test: the command prefix of `ZHANYE_RUNTIME`.
    Command(Vec<String>),
    /// One app at `ZHANYE_BASE_URL`, shared by every test.
    Shared(String),
}

impl Runtime {
    pub fn from_env() -> Runtime {
        let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match (set(BASE_URL_ENV), set(RUNTIME_ENV)) {
            (Some(_), Some(_)) => panic!(
                "set {BASE_URL_ENV} (one running app) or {RUNTIME_ENV} (a runtime to start \
                 per test), not both"
            ),
            (Some(base), None) => Runtime::Shared(base.trim_end_matches('/').to_string()),
            (None, Some(prefix)) => Runtime::Command(external::parse_prefix(&prefix)),
            (None, None) => Runtime::Zhanye,
        }
    }
}

/// How a [`TestApp`] came to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `zhanye up`, started by the harness.
    Zhanye,
    /// Another runtime, started by the harness (`ZHANYE_RUNTIME`).
    Started,
    /// Somebody else's app (`ZHANYE_BASE_URL`).
    Shared,
}

fn fresh_state_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("zhanye-e2e-")
        .tempdir()
        .expect("temp state dir")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// The app's manifest (`spin.toml` at the repo root).
pub fn app_manifest() -> PathBuf {
    repo_root().join("spin.toml")
}

/// The test fixture app's manifest.
pub fn fixture_manifest() -> PathBuf {
    repo_root().join("tests/fixture-app/spin.toml")
}

/// Builds every component of `manifest` once per test process (later calls wait for
/// the first and reuse its outcome).
pub fn ensure_built(zhanye: &Path, manifest: &Path) {
    static BUILT: OnceLock<Mutex<BTreeMap<PathBuf, bool>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut done = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(ok) = done.get(manifest) {
        assert!(*ok, "building {} failed earlier", manifest.display());
        return;
    }
    let status = Command::new(zhanye)
        .arg("build")
        .arg("-f")
        .arg(manifest)
        .status()
        .expect("run zhanye build");
    done.insert(manifest.to_path_buf(), status.success());
    assert!(
        status.success(),
        "zhanye build -f {} failed",
        manifest.display()
    );
}

/// How to start an app.
pub struct AppBuilder {
    zhanye: PathBuf,
    manifest: PathBuf,
    env: Vec<(String, String)>,
    args: Vec<String>,
    state_dir: Option<tempfile::TempDir>,
}

impl AppBuilder {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Extra `zhanye up` arguments (e.g. `--timeout-ms 500`). On another runtime the
    /// harness carries out `--demo`, `--no-demo-customers` and `--no-migrate` itself,
    /// accepts `--no-cron` (Spin has no such switch: the schedules run if the runtime
    /// runs them) and leaves out the rest, which are `zhanye`'s own.
    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.into());
        self
    }

    /// Reuse a state directory (e.g. to restart on the same data, on any runtime the
    /// harness starts).
    pub fn state_dir(mut self, dir: tempfile::TempDir) -> Self {
        self.state_dir = Some(dir);
        self
    }

    /// The `zhanye up` command this builder would run, for tests that drive the
    /// process themselves (always `zhanye`, whatever the environment chooses).
    pub fn command(&self, state_dir: &Path) -> Command {
        let mut cmd = Command::new(&self.zhanye);
        cmd.arg("up")
            .arg("-f")
            .arg(&self.manifest)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--state-dir")
            .arg(state_dir)
            .arg("--stop-on-stdin-eof")
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// Runs `zhanye up` expecting it to refuse to start (bad manifest, config or
    /// variables, all checked before any component is loaded) and returns what it
    /// printed on stderr. Always `zhanye`: the messages are its own.
    pub fn start_failure(self) -> String {
        let state = tempfile::tempdir().expect("temp state dir");
        let mut child = self
            .command(state.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zhanye up");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                assert!(!status.success(), "zhanye up exited successfully");
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return err;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("zhanye up started although it was expected to refuse");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the app on the runtime the environment chooses (see the crate docs).
    pub fn start(self) -> TestApp {
        match Runtime::from_env() {
            Runtime::Zhanye => self.start_zhanye(),
            Runtime::Command(prefix) => external::start(self, prefix),
            Runtime::Shared(base_url) => TestApp {
                base_url,
                kind: Kind::Shared,
                child: None,
                stdin: None,
                state_dir: None,
                log_path: None,
                db: TestDb::from_env(),
                zhanye: self.zhanye,
                manifest: self.manifest,
                env: self.env,
                stores: None,
            },
        }
    }

    fn start_zhanye(self) -> TestApp {
        ensure_built(&self.zhanye, &self.manifest);
        let state_dir = self.state_dir.unwrap_or_else(fresh_state_dir);
        let log_path = state_dir.path().join("zhanye.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut builder = AppBuilder {
            state_dir: None,
            ..self
        };
        let stores = builder.use_managed_stores(state_dir.path());
        let db = match &stores {
            Some(stores) => Some(TestDb::Postgres(stores.database_url())),
            None => zhanye_database(&builder.args, state_dir.path()),
        };
        let mut child = builder
            .command(state_dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start zhanye up");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let base_url = read_banner(stdout, &mut child, &log_path);
        TestApp {
            base_url,
            kind: Kind::Zhanye,
            child: Some(child),
            stdin,
            state_dir: Some(state_dir),
            log_path: Some(log_path),
            db,
            zhanye: builder.zhanye,
            manifest: builder.manifest,
            env: builder.env,
            stores,
        }
    }

    /// On the managed stores (see [`stores`]), the variables and runtime config that put
    /// this app's data in PostgreSQL and Redis; none for a test that brings its own
    /// runtime config (it tests the embedded stores' files).
    fn use_managed_stores(&mut self, state_dir: &Path) -> Option<ManagedStores> {
        let own_config = self
            .args
            .iter()
            .any(|a| a.starts_with("--runtime-config-file"));
        if !stores::managed() || own_config {
            return None;
        }
        let stores = ManagedStores::for_state_dir(state_dir);
        self.env.extend(stores.env());
        let config = ManagedStores::runtime_config_file(state_dir);
        self.args.push("--runtime-config-file".into());
        self.args.push(config.to_string_lossy().into_owned());
        Some(stores)
    }
}

/// The default database of `zhanye up` with these arguments: the one a
/// `--runtime-config-file` names, else `sqlite_db.db` in the state directory; none
/// when it is in memory.
fn zhanye_database(args: &[String], state_dir: &Path) -> Option<TestDb> {
    let default = || Some(TestDb::Sqlite(state_dir.join(external::SQLITE_FILE)));
    let file = args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "--runtime-config-file" => args.get(i + 1).map(PathBuf::from),
        a => a.strip_prefix("--runtime-config-file=").map(PathBuf::from),
    });
    let Some(file) = file else {
        return default();
    };
    let text = std::fs::read_to_string(&file).ok()?;
    let config: toml::Value = toml::from_str(&text).ok()?;
    let Some(decl) = config.get("sqlite_database").and_then(|d| d.get("default")) else {
        return default();
    };
    // Relative paths are relative to the config file's folder, as Spin reads them.
    let path = decl.get("path")?.as_str()?;
    let base = file.parent().unwrap_or(Path::new("."));
    Some(TestDb::Sqlite(base.join(path)))
}

/// Waits for `Serving http://…` and keeps draining stdout afterwards.
fn read_banner(stdout: std::process::ChildStdout, child: &mut Child, log: &Path) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("Serving ") {
                let _ = tx.send(url.trim().to_string());
                break;
            }
        }
        for _ in lines {}
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(url) = rx.recv_timeout(Duration::from_millis(100)) {
            return url;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "zhanye up exited with {status} before serving; log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "zhanye up did not start in time");
    }
}

/// A running app; stopped and cleaned up on drop.
pub struct TestApp {
    pub base_url: String,
    kind: Kind,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    state_dir: Option<tempfile::TempDir>,
    log_path: Option<PathBuf>,
    db: Option<TestDb>,
    zhanye: PathBuf,
    manifest: PathBuf,
    env: Vec<(String, String)>,
    /// The PostgreSQL and Redis databases of this app, dropped with it unless its
    /// state is handed on to a restart.
    stores: Option<ManagedStores>,
}

impl TestApp {
    pub fn builder(zhanye: impl Into<PathBuf>, manifest: impl Into<PathBuf>) -> AppBuilder {
        AppBuilder {
            zhanye: zhanye.into(),
            manifest: manifest.into(),
            env: Vec::new(),
            args: Vec::new(),
            state_dir: None,
        }
    }

    pub fn start(zhanye: impl Into<PathBuf>, manifest: impl Into<PathBuf>) -> Self {
        Self::builder(zhanye, manifest).start()
    }

    /// Whether this app runs on `zhanye` started by the harness (false on another
    /// runtime, and against `ZHANYE_BASE_URL`).
    pub fn is_local(&self) -> bool {
        self.kind == Kind::Zhanye
    }

    /// For checks that need `zhanye` itself (its state directory, its verbs, its log,
    /// its start-up flags): false, with a note, on any other runtime.
    pub fn runs_locally(&self, what: &str) -> bool {
        if !self.is_local() {
            eprintln!("checked on zhanye only: {what}");
        }
        self.is_local()
    }

    /// For checks that need the harness to own the runtime's process (to kill it and
    /// start it again on the same state, or to have started it with particular
    /// variables): true on `zhanye` and on a `ZHANYE_RUNTIME`, false, with a note,
    /// against `ZHANYE_BASE_URL`.
    pub fn owns_process(&self, what: &str) -> bool {
        let owned = self.kind != Kind::Shared;
        if !owned {
            eprintln!("not checked against a shared app: {what}");
        }
        owned
    }

    /// The app's database, to set fixtures up and read what the API does not show.
    pub fn db(&self) -> &TestDb {
        self.db.as_ref().unwrap_or_else(|| match self.kind {
            Kind::Shared => panic!(
                "this test reaches the app's database: set {DATABASE_ENV} to the database \
                 of the app at {BASE_URL_ENV} (the path its runtime config gives \
                 [sqlite_database.default])"
            ),
            _ => panic!("this app's default database is not a file the harness can open"),
        })
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base_url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The folder of the app's state (stores, log, the runtime config the harness
    /// wrote for another runtime); only for an app the harness started.
    pub fn state_dir(&self) -> &Path {
        self.state_dir
            .as_ref()
            .expect("an app the harness started")
            .path()
    }

    /// The runtime's log so far (access lines, errors).
    pub fn log(&self) -> String {
        self.log_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    }

    /// Waits until the log contains `needle` (the log is written asynchronously).
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Runs another `zhanye` verb against this app's manifest and state directory,
    /// with the same environment the app was started with (on `zhanye` only: guard
    /// with [`TestApp::runs_locally`]).
    pub fn zhanye(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(&self.zhanye);
        cmd.args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("-f")
            .arg(&self.manifest)
            .arg("--state-dir")
            .arg(self.state_dir());
        if self.stores.is_some() {
            cmd.arg("--runtime-config-file")
                .arg(ManagedStores::runtime_config_file(self.state_dir()));
        }
        cmd.output().expect("run zhanye")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    pub fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let child = self.child.as_mut()?;
        if self.kind == Kind::Started {
            let status = external::stop(child);
            self.child = None;
            return status;
        }
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(s)) = child.try_wait() {
                self.child = None;
                return Some(s);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return child.wait().ok();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            if self.kind == Kind::Started {
                external::kill(&mut child);
            } else {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Kills the runtime with SIGKILL, as a crash would (nothing in flight finishes),
    /// and hands back its state directory, to start again on it.
    pub fn crash_keep_state(mut self) -> tempfile::TempDir {
        self.kill();
        self.stores = None;
        self.state_dir.take().expect("an app the harness started")
    }

    /// Stops the app and hands back its state directory, to start again on it.
    pub fn stop_keep_state(mut self) -> tempfile::TempDir {
        self.terminate();
        self.stores = None;
        self.state_dir.take().expect("an app the harness started")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.stdin.take());
        self.kill();
        if let Some(stores) = self.stores.take() {
            stores.remove();
        }
        if let (true, Some(p)) = (std::thread::panicking(), &self.log_path) {
            let mut text = String::new();
            if let Ok(mut f) = std::fs::File::open(p) {
                let _ = f.read_to_string(&mut text);
            }
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("--- runtime log (last lines) ---");
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}
