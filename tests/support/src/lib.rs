//! The end-to-end harness. A suite calls [`TestApp::start`] (or the builder) with the
//! `zhanye` binary and a manifest: the components are built once per test process,
//! `zhanye up` is started on a free port with a fresh state directory, and the app is
//! stopped and its state removed when the [`TestApp`] is dropped.
//!
//! Setting `ZHANYE_BASE_URL` points the suites at an already running Spin-compatible
//! runtime (for example real `spin up`) instead of starting one.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

mod http;
pub use http::{Client, Reply};

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

    /// Extra `zhanye up` arguments (e.g. `--timeout-ms 500`).
    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.into());
        self
    }

    /// Reuse a state directory (e.g. to restart on the same data).
    pub fn state_dir(mut self, dir: tempfile::TempDir) -> Self {
        self.state_dir = Some(dir);
        self
    }

    /// The `zhanye up` command this builder would run, for tests that drive the
    /// process themselves.
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
    /// printed on stderr.
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

    pub fn start(self) -> TestApp {
        if let Ok(base) = std::env::var("ZHANYE_BASE_URL") {
            return TestApp {
                base_url: base.trim_end_matches('/').to_string(),
                child: None,
                stdin: None,
                state_dir: None,
                log_path: None,
                zhanye: self.zhanye,
                manifest: self.manifest,
                env: self.env,
            };
        }
        ensure_built(&self.zhanye, &self.manifest);
        let state_dir = match self.state_dir {
            Some(d) => d,
            None => tempfile::Builder::new()
                .prefix("zhanye-e2e-")
                .tempdir()
                .expect("temp state dir"),
        };
        let log_path = state_dir.path().join("zhanye.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let builder = AppBuilder {
            state_dir: None,
            ..self
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
            child: Some(child),
            stdin,
            state_dir: Some(state_dir),
            log_path: Some(log_path),
            zhanye: builder.zhanye,
            manifest: builder.manifest,
            env: builder.env,
        }
    }
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
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    state_dir: Option<tempfile::TempDir>,
    log_path: Option<PathBuf>,
    zhanye: PathBuf,
    manifest: PathBuf,
    env: Vec<(String, String)>,
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

    /// Whether this app was started by the harness (false against an external runtime).
    pub fn is_local(&self) -> bool {
        self.child.is_some() || self.state_dir.is_some()
    }

    /// For checks that need the runtime's process (its state directory, its verbs,
    /// its start-up flags): false, with a note, when the suite runs against an
    /// external runtime through `ZHANYE_BASE_URL`.
    pub fn runs_locally(&self, what: &str) -> bool {
        if !self.is_local() {
            eprintln!("not checked against an external runtime: {what}");
        }
        self.is_local()
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base_url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn state_dir(&self) -> &Path {
        self.state_dir.as_ref().expect("local app").path()
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
    /// with the same environment the app was started with.
    pub fn zhanye(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(&self.zhanye);
        cmd.args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("-f")
            .arg(&self.manifest)
            .arg("--state-dir")
            .arg(self.state_dir());
        cmd.output().expect("run zhanye")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    pub fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let child = self.child.as_mut()?;
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

    /// Kills the runtime with SIGKILL, as a crash would (nothing in flight finishes),
    /// and hands back its state directory, to start again on it.
    pub fn crash_keep_state(mut self) -> tempfile::TempDir {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.state_dir.take().expect("local app")
    }

    /// Stops the app and hands back its state directory, to start again on it.
    pub fn stop_keep_state(mut self) -> tempfile::TempDir {
        self.terminate();
        self.state_dir.take().expect("local app")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let (true, Some(p)) = (std::thread::panicking(), &self.log_path) {
            let mut text = String::new();
            if let Ok(mut f) = std::fs::File::open(p) {
                let _ = f.read_to_string(&mut text);
            }
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("--- zhanye log (last lines) ---");
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}
