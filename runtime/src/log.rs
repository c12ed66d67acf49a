//! The runtime's log: access lines and errors go to stderr through one background
//! writer that wakes on a short timer, so a busy server pays neither a write system
//! call nor a thread wake-up per request.

use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How long a line may wait before it is written.
const FLUSH_EVERY: Duration = Duration::from_millis(20);

static PENDING: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

fn pending() -> &'static Mutex<Vec<String>> {
    PENDING.get_or_init(|| {
        std::thread::Builder::new()
            .name("zhanye-log".into())
            .spawn(drain)
            .expect("log thread");
        Mutex::new(Vec::new())
    })
}

fn drain() {
    // Take stderr's lock only while writing: components' own stdout/stderr writes
    // go to the same stream and must never wait long on this thread.
    let mut batch = Vec::new();
    loop {
        std::thread::sleep(FLUSH_EVERY);
        if let Some(p) = PENDING.get() {
            std::mem::swap(
                &mut batch,
                &mut *p.lock().unwrap_or_else(|e| e.into_inner()),
            );
        }
        if batch.is_empty() {
            continue;
        }
        let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stderr().lock());
        for line in batch.drain(..) {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
}

/// Queues one line (written within 20 ms); [`log_info!`](crate::log_info)
/// and [`log_error!`](crate::log_error) prefix it with the time and level.
pub fn line(text: String) {
    pending()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(text);
}

/// Writes what is queued now (before the process exits).
pub fn flush() {
    if let Some(p) = PENDING.get() {
        let lines = std::mem::take(&mut *p.lock().unwrap_or_else(|e| e.into_inner()));
        let mut err = std::io::stderr().lock();
        for l in lines {
            let _ = writeln!(err, "{l}");
        }
    }
}

/// The current UTC time as the log writes it (RFC 3339, milliseconds).
pub fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Logs a line at level INFO, formatted as `format!` does.
#[macro_export]
macro_rules! log_info {
    ($($arg:tt)*) => { $crate::log::line(format!("{} INFO  {}", $crate::log::now(), format!($($arg)*))) };
}

/// Logs a line at level ERROR, formatted as `format!` does.
#[macro_export]
macro_rules! log_error {
    ($($arg:tt)*) => { $crate::log::line(format!("{} ERROR {}", $crate::log::now(), format!($($arg)*))) };
}
