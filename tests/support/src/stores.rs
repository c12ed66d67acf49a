//! The managed stores a test's app may run on instead of the embedded ones: with
//! `ZHANYE_TEST_STORES=postgres`, every app the harness starts gets a fresh PostgreSQL
//! database (`database_url`) and a Redis database of its own as the `default`
//! key-value store (`[key_value_store.default] type = "redis"` in the runtime config it
//! is given), both dropped when the test is done. Where they live is written into the
//! app's state directory, so an app restarted on the same state finds the same data.
//!
//! PostgreSQL is reached at `ZHANYE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432`), Redis at `ZHANYE_TEST_REDIS` (default
//! `redis://127.0.0.1:6379`); the suites use Redis databases 4 to 13.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Chooses the stores: unset or `embedded` for SQLite, `postgres` for PostgreSQL + Redis.
pub const STORES_ENV: &str = "ZHANYE_TEST_STORES";
const POSTGRES_ENV: &str = "ZHANYE_TEST_POSTGRES";
const REDIS_ENV: &str = "ZHANYE_TEST_REDIS";
/// The file in a state directory that says which managed stores it uses.
const MARKER: &str = "managed-stores.toml";
/// The runtime config the app is started with.
pub const RUNTIME_CONFIG: &str = "managed-runtime-config.toml";
/// Redis databases the suites may take (others are left to people and other tests).
const REDIS_DATABASES: std::ops::RangeInclusive<u8> = 4..=13;

/// The test binary that runs the suites on PostgreSQL and Redis without being asked.
const MANAGED_BINARY: &str = "e2e_postgres";

/// Whether the environment asks for PostgreSQL and Redis, or this is the test binary
/// that always runs on them.
pub fn managed() -> bool {
    match std::env::var(STORES_ENV) {
        Ok(v) if v.trim().eq_ignore_ascii_case("postgres") => true,
        Ok(v) if v.trim().eq_ignore_ascii_case("embedded") => false,
        Ok(v) if !v.trim().is_empty() => {
            panic!("{STORES_ENV}={v}: expected `embedded` or `postgres`")
        }
        _ => is_managed_binary(),
    }
}

fn is_managed_binary() -> bool {
    std::env::current_exe().ok().is_some_and(|exe| {
        exe.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&format!("{MANAGED_BINARY}-")) || n == MANAGED_BINARY)
    })
}

fn server() -> String {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into())
        .trim_end_matches('/')
        .to_string()
}

fn redis_server() -> String {
    std::env::var(REDIS_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into())
        .trim_end_matches('/')
        .to_string()
}

/// The managed stores of one state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedStores {
    pub database: String,
    pub redis_db: u8,
}

impl ManagedStores {
    /// The stores `state_dir` already uses, or new ones recorded there.
    pub fn for_state_dir(state_dir: &Path) -> ManagedStores {
        if let Some(found) = Self::recorded(state_dir) {
            return found;
        }
        drop_abandoned_databases();
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let database = format!(
            "zy_e2e_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin_client()
            .batch_execute(&format!("CREATE DATABASE {database}"))
            .unwrap_or_else(|e| panic!("creating PostgreSQL database {database}: {e}"));
        let redis_db = take_redis_database();
        flush_redis(redis_db);
        let stores = ManagedStores { database, redis_db };
        std::fs::write(
            state_dir.join(MARKER),
            format!(
                "database = {:?}\nredis_db = {}\n",
                stores.database, stores.redis_db
            ),
        )
        .expect("write the managed stores marker");
        std::fs::write(state_dir.join(RUNTIME_CONFIG), stores.runtime_config())
            .expect("write the managed runtime config");
        stores
    }

    fn recorded(state_dir: &Path) -> Option<ManagedStores> {
        let text = std::fs::read_to_string(state_dir.join(MARKER)).ok()?;
        let table: toml::Table = toml::from_str(&text).ok()?;
        Some(ManagedStores {
            database: table.get("database")?.as_str()?.to_string(),
            redis_db: u8::try_from(table.get("redis_db")?.as_integer()?).ok()?,
        })
    }

    /// The app's `database_url`.
    pub fn database_url(&self) -> String {
        format!("{}/{}", server(), self.database)
    }

    /// The app's `database_host`: the server's scheme, host and port.
    pub fn database_host(&self) -> String {
        let server = server();
        let (scheme, rest) = server.split_once("://").unwrap_or(("postgres", &server));
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        let host = host.split('/').next().unwrap_or(host);
        format!("{scheme}://{host}")
    }

    /// The Spin runtime config putting the `default` key-value store in Redis.
    pub fn runtime_config(&self) -> String {
        format!(
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"{}/{}\"\n",
            redis_server(),
            self.redis_db
        )
    }

    /// The variables the app is started with, as environment variables.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("SPIN_VARIABLE_DATABASE_URL".into(), self.database_url()),
            ("SPIN_VARIABLE_DATABASE_HOST".into(), self.database_host()),
        ]
    }

    /// The runtime config file in `state_dir`.
    pub fn runtime_config_file(state_dir: &Path) -> PathBuf {
        state_dir.join(RUNTIME_CONFIG)
    }

    /// Drops the database and empties and frees the Redis database.
    pub fn remove(&self) {
        let _ = admin_client().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.database
        ));
        flush_redis(self.redis_db);
        give_back_redis_database(self.redis_db);
    }
}

fn admin_client() -> postgres::Client {
    let url = format!("{}/postgres", server());
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to PostgreSQL at {url}: {e}"))
}

/// Databases left by a test process that no longer runs (killed mid-test).
fn drop_abandoned_databases() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut client = admin_client();
        let Ok(rows) = client.query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'zy\\_e2e\\_%'",
            &[],
        ) else {
            return;
        };
        for row in rows {
            let name: String = row.get(0);
            let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
            let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
            if !alive {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    });
}

static REDIS_TAKEN: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static REDIS_FREED: Condvar = Condvar::new();

fn take_redis_database() -> u8 {
    let mut taken = REDIS_TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if let Some(free) = REDIS_DATABASES.clone().find(|n| !taken.contains(n)) {
            taken.push(free);
            return free;
        }
        taken = REDIS_FREED
            .wait_timeout(taken, Duration::from_secs(1))
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

fn give_back_redis_database(n: u8) {
    let mut taken = REDIS_TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    taken.retain(|&t| t != n);
    REDIS_FREED.notify_all();
}

/// `FLUSHDB` on database `n`, in Redis's own protocol over a plain socket.
fn flush_redis(n: u8) {
    use std::io::{Read, Write};
    let address = redis_server();
    let address = address.trim_start_matches("redis://");
    let mut socket = std::net::TcpStream::connect(address)
        .unwrap_or_else(|e| panic!("connecting to Redis at {address}: {e}"));
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let select = n.to_string();
    let command = format!(
        "*2\r\n$6\r\nSELECT\r\n${}\r\n{select}\r\n*1\r\n$7\r\nFLUSHDB\r\n",
        select.len()
    );
    socket.write_all(command.as_bytes()).expect("send to Redis");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 64];
    while answer.iter().filter(|&&b| b == b'\n').count() < 2 {
        let read = socket.read(&mut buffer).expect("read from Redis");
        assert!(read > 0, "Redis closed the connection");
        answer.extend_from_slice(&buffer[..read]);
    }
    assert_eq!(
        answer,
        b"+OK\r\n+OK\r\n",
        "Redis answered {:?}",
        String::from_utf8_lossy(&answer)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_host_is_the_servers_scheme_host_and_port() {
        let stores = ManagedStores {
            database: "zy_e2e_1_0".into(),
            redis_db: 4,
        };
        // With the default server.
        if std::env::var(POSTGRES_ENV).is_err() {
            assert_eq!(
                stores.database_url(),
                "postgres://postgres@127.0.0.1:5432/zy_e2e_1_0"
            );
            assert_eq!(stores.database_host(), "postgres://127.0.0.1:5432");
        }
        assert!(stores.runtime_config().contains("type = \"redis\""));
        assert!(stores.runtime_config().ends_with("/4\"\n"));
    }
}
