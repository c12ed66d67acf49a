//! Key-value stores kept in Redis (`type = "redis"` in the runtime config), laid out as
//! Spin's `spin-key-value-redis` lays them out: each value as plain bytes under its own
//! key in the URL's database, with no prefix. The store is therefore the whole database
//! (`get-keys` lists every key in it), and other Redis clients see the same data.
//!
//! One managed connection per store, made when a guest first opens the store (as Spin
//! makes it, so an unreachable server fails that `open` with `other` rather than the
//! app's start) and made again in the background after it drops. The connection and
//! every command run on a small runtime of their own (`zhanye-redis`), as PostgreSQL's
//! do: each serving thread has a runtime of its own that may be busy in a guest or
//! gone, and a socket belongs to the runtime that opened it.

use super::KvResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Cmd, FromRedisValue, cmd};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::OnceCell;

static RT: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("zhanye-redis")
        .enable_all()
        .build()
        .expect("cannot start the Redis client runtime")
});

/// How long one attempt to reach the server may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a command may wait for its answer before the guest gets `other`.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts after the first, 100 ms apart and doubling: a refused connection fails the
/// guest's `open` within a second, not after the client's default of six.
const RETRIES: usize = 2;

/// Sets `KEYS[1]` to `ARGV[3]` only if it holds `ARGV[2]` (`ARGV[1]` = "1") or is absent
/// (`ARGV[1]` = "0"); 1 if it did. One script runs atomically in Redis, so nothing can
/// write the key between the comparison and the write.
const COMPARE_AND_SET: &str = r"
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
";

pub struct RedisStore {
    label: String,
    client: Client,
    /// The server as messages name it: the URL without credentials.
    shown: String,
    connection: OnceCell<ConnectionManager>,
}

impl RedisStore {
    /// Checks the URL (a malformed one stops the app's start, as in Spin); connects
    /// only on first use.
    pub fn new(label: &str, url: &str) -> anyhow::Result<Self> {
        let shown = without_credentials(url);
        let client = Client::open(url).map_err(|e| {
            anyhow::anyhow!("key-value store {label:?}: invalid Redis URL {shown:?}: {e}")
        })?;
        Ok(Self {
            label: label.to_string(),
            client,
            shown,
            connection: OnceCell::new(),
        })
    }

    /// The shared connection, made now if none was yet (a failure is not kept: the
    /// next use tries again).
    async fn connection(&self) -> KvResult<ConnectionManager> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(RETRIES);
        self.connection
            .get_or_try_init(|| self.client.get_connection_manager_with_config(config))
            .await
            .cloned()
            .map_err(|e| {
                format!(
                    "key-value store {:?}: cannot connect to Redis at {}: {e}",
                    self.label, self.shown
                )
            })
    }

    /// Runs `command` on the Redis runtime and hands back its answer as `T`.
    async fn query<T: FromRedisValue + Send + 'static>(
        self: &Arc<Self>,
        command: Cmd,
    ) -> KvResult<T> {
        let store = self.clone();
        RT.spawn(async move {
            let mut connection = store.connection().await?;
            command
                .query_async(&mut connection)
                .await
                .map_err(|e| format!("Redis at {}: {e}", store.shown))
        })
        .await
        .map_err(|e| format!("Redis at {}: the command was lost: {e}", self.shown))?
    }

    /// Connects, so that `open` reports an unreachable server as Spin's does.
    pub async fn ready(self: &Arc<Self>) -> KvResult<()> {
        let store = self.clone();
        RT.spawn(async move { store.connection().await.map(drop) })
            .await
            .map_err(|e| format!("Redis at {}: the connection was lost: {e}", self.shown))?
    }

    pub async fn get(self: &Arc<Self>, key: &str) -> KvResult<Option<Vec<u8>>> {
        self.query(cmd("GET").arg(key).clone()).await
    }

    pub async fn set(self: &Arc<Self>, key: &str, value: &[u8]) -> KvResult<()> {
        self.query(cmd("SET").arg(key).arg(value).clone()).await
    }

    pub async fn delete(self: &Arc<Self>, key: &str) -> KvResult<()> {
        self.query(cmd("DEL").arg(key).clone()).await
    }

    pub async fn exists(self: &Arc<Self>, key: &str) -> KvResult<bool> {
        self.query(cmd("EXISTS").arg(key).clone()).await
    }

    /// Every key of the database (Spin's `KEYS *`), sorted as the SQLite store lists them.
    pub async fn keys(self: &Arc<Self>) -> KvResult<Vec<String>> {
        let mut keys: Vec<String> = self.query(cmd("KEYS").arg("*").clone()).await?;
        keys.sort_unstable();
        Ok(keys)
    }

    pub async fn get_many(self: &Arc<Self>, keys: &[String]) -> KvResult<Vec<(String, Vec<u8>)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<Option<Vec<u8>>> = self.query(cmd("MGET").arg(keys).clone()).await?;
        Ok(keys
            .iter()
            .cloned()
            .zip(values)
            .filter_map(|(key, value)| Some((key, value?)))
            .collect())
    }

    /// One `MSET`: every pair is written at once.
    pub async fn set_many(self: &Arc<Self>, pairs: &[(String, Vec<u8>)]) -> KvResult<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        let mut command = cmd("MSET");
        for (key, value) in pairs {
            command.arg(key).arg(value);
        }
        self.query(command).await
    }

    pub async fn delete_many(self: &Arc<Self>, keys: &[String]) -> KvResult<()> {
        if keys.is_empty() {
            return Ok(());
        }
        self.query(cmd("DEL").arg(keys).clone()).await
    }

    /// Redis's own `INCRBY`, as Spin uses: the counter is the decimal text of the number
    /// (not the SQLite store's 8 bytes), and a value that is not one is an error.
    pub async fn increment(self: &Arc<Self>, key: &str, delta: i64) -> KvResult<i64> {
        self.query(cmd("INCRBY").arg(key).arg(delta).clone()).await
    }

    pub async fn compare_and_swap(
        self: &Arc<Self>,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> KvResult<bool> {
        let mut command = cmd("EVAL");
        command
            .arg(COMPARE_AND_SET)
            .arg(1)
            .arg(key)
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or_default())
            .arg(value);
        self.query::<i64>(command).await.map(|set| set == 1)
    }
}

/// `url` with any `user:password@` left out, for messages and logs.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_leave_credentials_out() {
        assert_eq!(
            without_credentials("redis://:s3cret@cache:6380/2"),
            "redis://cache:6380/2"
        );
        assert_eq!(
            without_credentials("redis://127.0.0.1:6379/3"),
            "redis://127.0.0.1:6379/3"
        );
    }

    #[test]
    fn a_malformed_url_names_the_store() {
        let e = RedisStore::new("sessions", "http://nowhere")
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("\"sessions\"") && e.contains("http://nowhere"),
            "{e}"
        );
    }

    /// Port 1 of the loopback refuses connections: the use fails as `other`-worthy
    /// text naming the store and the server, promptly.
    #[test]
    fn an_unreachable_server_fails_on_use_naming_it() {
        let store = Arc::new(RedisStore::new("default", "redis://user:pw@127.0.0.1:1/0").unwrap());
        let started = std::time::Instant::now();
        let e = futures::executor::block_on(store.get("k")).unwrap_err();
        assert!(
            e.contains("\"default\"") && e.contains("redis://127.0.0.1:1/0") && !e.contains("pw"),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{e}");
    }
}
