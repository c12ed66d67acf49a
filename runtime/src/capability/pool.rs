//! One SQLite file (or shared in-memory database) with a pool of open connections,
//! used by both the `spin:sqlite` databases and the SQLite-backed key-value stores.

use crate::runtime_config::StoreLocation;
use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a writer waits for another writer before giving up with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept per database.
const MAX_IDLE: usize = 64;
/// The most of a database file mapped into memory.
const MMAP_BYTES: i64 = 16 << 30;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;
/// Each connection's page cache, KiB.
const CACHE_KIB: i64 = 32 << 10;

pub struct SqlitePool {
    uri: String,
    idle: Mutex<Vec<Connection>>,
    init_sql: &'static str,
    /// Writers take turns here, asynchronously. A guest transaction spans several host
    /// calls with awaits between them; if a second writer on the same serving thread
    /// met SQLite's lock instead, its busy wait would block the thread the first one
    /// needs to finish. Queued here, it yields until the first one commits.
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl SqlitePool {
    /// `init_sql` runs once on every new connection (after the pragmas).
    pub fn new(label: &str, location: &StoreLocation, init_sql: &'static str) -> Result<Self> {
        let uri = match location {
            StoreLocation::SqliteFile(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                format!("file:{}", path.display())
            }
            // A named shared-cache in-memory database, so every connection of this
            // process sees the same data, as one file would.
            StoreLocation::InMemory => format!(
                "file:zhanye-mem-{}-{label}?mode=memory&cache=shared",
                std::process::id()
            ),
            // The runtime config accepts Redis only for key-value stores, which open
            // it themselves; this is a guard, not a path a valid config takes.
            StoreLocation::Redis(_) => {
                anyhow::bail!("{label:?} is a Redis store, not a SQLite database")
            }
        };
        let pool = Self {
            uri,
            idle: Mutex::new(Vec::new()),
            init_sql,
            writer: Arc::new(tokio::sync::Mutex::new(())),
        };
        // Open one connection now so a bad path fails at start-up, not on first use.
        let conn = pool.open()?;
        pool.release(conn);
        Ok(pool)
    }

    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.uri,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open SQLite database {}", self.uri))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // An app's routes use a few hundred distinct statements; rusqlite keeps 16
        // prepared by default, so a mixed load kept parsing the same SQL again.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // WAL lets readers run beside one writer; NORMAL sync is durable across a
        // process crash, which is the failure the runtime must survive.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A database of millions of rows does not fit SQLite's 2 MiB page cache. Reads go
        // through a memory map (the OS page cache, shared by every connection); each
        // connection's own cache mostly holds the pages a write batch dirties.
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(128);
        if !self.init_sql.is_empty() {
            conn.execute_batch(self.init_sql)?;
        }
        Ok(conn)
    }

    pub fn acquire(&self) -> Result<Connection> {
        if let Some(conn) = self.idle.lock().expect("pool lock").pop() {
            return Ok(conn);
        }
        self.open()
    }

    /// Returns a connection; an open transaction left by a guest is rolled back first.
    pub fn release(&self, conn: Connection) {
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return; // drop it rather than pool a connection in an unknown state
        }
        let mut idle = self.idle.lock().expect("pool lock");
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    /// Waits for this database's write turn; the turn lasts as long as the guard.
    pub async fn write_turn(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.writer.clone().lock_owned().await
    }

    /// Runs `f` on a pooled connection.
    pub fn with<R>(&self, f: impl FnOnce(&Connection) -> R) -> Result<R> {
        let conn = self.acquire()?;
        let r = f(&conn);
        self.release(conn);
        Ok(r)
    }
}

/// What a statement needs from the write queue, judged from its first keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteNeed {
    /// Reads and transaction ends run without a turn.
    None,
    /// A write outside a transaction takes a turn for the statement.
    Statement,
    /// `BEGIN` / `SAVEPOINT` outside a transaction take a turn until it ends.
    Transaction,
}

pub fn write_need(statement: &str) -> WriteNeed {
    let keyword: String = statement
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    match keyword.as_str() {
        "SELECT" | "EXPLAIN" | "COMMIT" | "END" | "ROLLBACK" | "RELEASE" | "VALUES" => {
            WriteNeed::None
        }
        "BEGIN" | "SAVEPOINT" => WriteNeed::Transaction,
        // Writes, and anything unrecognised (WITH … INSERT, PRAGMA x = y): a turn
        // costs little and is always safe.
        _ => WriteNeed::Statement,
    }
}

/// Runs blocking SQLite work on the current worker without stalling the other tasks
/// scheduled on it.
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_needs() {
        let cases = [
            ("SELECT 1", WriteNeed::None),
            ("  select * from t", WriteNeed::None),
            ("COMMIT", WriteNeed::None),
            ("ROLLBACK TO sp", WriteNeed::None),
            ("RELEASE sp", WriteNeed::None),
            ("BEGIN IMMEDIATE", WriteNeed::Transaction),
            ("begin", WriteNeed::Transaction),
            ("SAVEPOINT x", WriteNeed::Transaction),
            ("INSERT INTO t VALUES (1)", WriteNeed::Statement),
            ("update t set a = 1", WriteNeed::Statement),
            ("WITH x AS (SELECT 1) DELETE FROM t", WriteNeed::Statement),
            ("CREATE TABLE t (a)", WriteNeed::Statement),
        ];
        for (sql, need) in cases {
            assert_eq!(write_need(sql), need, "{sql}");
        }
    }
}
