//! The runtime's log: access lines and errors go to stderr through one background
//! writer, so a busy server does not pay a write system call per request.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, Sender, channel};

static SINK: OnceLock<std::sync::Mutex<Sender<String>>> = OnceLock::new();

fn sink() -> &'static std::sync::Mutex<Sender<String>> {
    SINK.get_or_init(|| {
        let (tx, rx) = channel::<String>();
        std::thread::Builder::new()
            .name("zhanye-log".into())
            .spawn(move || drain(rx))
            .expect("log thread");
        std::sync::Mutex::new(tx)
    })
}

fn drain(rx: Receiver<String>) {
    // Buffer here and take stderr's lock only while flushing: components' own
    // stdout/stderr writes go to the same stream and must never wait on this thread.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stderr());
    while let Ok(line) = rx.recv() {
        let _ = writeln!(out, "{line}");
        // Write everything already queued, then flush once.
        while let Ok(line) = rx.try_recv() {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
}

pub fn line(text: String) {
    let tx = sink().lock().map(|s| s.clone());
    if let Ok(tx) = tx {
        if tx.send(text.clone()).is_err() {
            eprintln!("{text}");
        }
    }
}

pub fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[macro_export]
macro_rules! log_info {
    ($($arg:tt)*) => { $crate::log::line(format!("{} INFO  {}", $crate::log::now(), format!($($arg)*))) };
}

#[macro_export]
macro_rules! log_error {
    ($($arg:tt)*) => { $crate::log::line(format!("{} ERROR {}", $crate::log::now(), format!($($arg)*))) };
}
