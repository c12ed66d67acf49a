//! Spin's key-value stores, each kept where the runtime config puts it: in SQLite
//! ([`sqlite`], Spin's default) or in Redis ([`redis`]). Every interface version a
//! component may import works on the same stores through one [`Store`]:
//! `spin:key-value@3.0.0` (here), `fermyon:spin/key-value@2.0.0` ([`spin2`]) and
//! `wasi:keyvalue@0.2.0-draft2` ([`wasi`]), so data written through one is read through
//! the others, whichever backend holds it.

mod redis;
mod spin2;
mod sqlite;
mod wasi;

pub use wasi::Cas;

use super::bindings::spin::key_value::key_value::{Error, Host, HostStore, HostStoreWithStore};
use super::pool::SqlitePool;
use super::{CapView, Caps};
use crate::runtime_config::StoreLocation;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Per-app state: the key-value stores some loaded component lists, by label, each
/// opened once where the runtime config puts it and shared by every instance.
pub type AppStores = BTreeMap<String, Store>;

/// Per-component state: the labels of its `key_value_stores` and the app's stores.
pub struct ComponentStores {
    pub allowed: Vec<String>,
    pub open: Arc<AppStores>,
}

/// One store, whichever backend holds it; also the host side of a guest's open store,
/// whichever interface opened it. Cloning shares the backend.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Redis(Arc<redis::RedisStore>),
}

/// A `fermyon:spin/key-value@2.0.0` store: its own resource type, the same store.
pub struct Spin2Store(Store);

/// A `wasi:keyvalue/store@0.2.0-draft2` bucket: its own resource type, the same store.
pub struct Bucket(Store);

/// Why a label cannot be opened, before each interface names it in its own error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Not among the component's `key_value_stores` (whether it exists or not).
    AccessDenied,
    /// Granted, but no store of that label is configured.
    NoSuchStore,
    /// Configured, but its backend cannot be reached (a Redis server that is down).
    Other(String),
}

/// Spin's rule: the component's own list is checked first, so an ungranted label is
/// `access-denied` even when no such store exists. The backend is not reached yet:
/// [`Store::ready`] does that.
pub fn open_store(view: &CapView<'_>, label: &str) -> Result<Store, OpenError> {
    let stores = &view.caps.key_value;
    if !stores.allowed.iter().any(|s| s == label) {
        return Err(OpenError::AccessDenied);
    }
    stores
        .open
        .get(label)
        .cloned()
        .ok_or(OpenError::NoSuchStore)
}

/// [`open_store`] and [`Store::ready`] for the synchronous interfaces (WASI 0.2).
pub fn open_store_now(view: &CapView<'_>, label: &str) -> Result<Store, OpenError> {
    let store = open_store(view, label)?;
    wait(store.ready()).map_err(OpenError::Other)?;
    Ok(store)
}

/// Runs a store call to its end from a synchronous host function: the WASI 0.2
/// interfaces are bound synchronously, so the guest's call waits here (a SQLite call
/// is done in one poll; a Redis one waits for its answer from the Redis runtime).
pub fn wait<R>(call: impl Future<Output = R>) -> R {
    futures::executor::block_on(call)
}

/// An implementation failure (I/O, a bad stored value): each interface's `other`.
pub type KvResult<T> = Result<T, String>;

impl Store {
    /// Opens the store `label` where `location` puts it (a Redis one connects on first
    /// use, so only its URL is checked here).
    pub fn open(label: &str, location: &StoreLocation) -> anyhow::Result<Self> {
        Ok(match location {
            StoreLocation::Redis(url) => Self::Redis(Arc::new(redis::RedisStore::new(label, url)?)),
            sqlite_location => {
                let pool = SqlitePool::new(label, sqlite_location, sqlite::KV_SCHEMA)?;
                Self::Sqlite(sqlite::SqliteStore::new(label, Arc::new(pool)))
            }
        })
    }

    /// Reaches the backend, as Spin does when a guest opens a store: a Redis server
    /// that is down fails the `open` itself.
    pub async fn ready(&self) -> KvResult<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Redis(r) => r.ready().await,
        }
    }

    pub async fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        match self {
            Self::Sqlite(s) => s.get(key),
            Self::Redis(r) => r.get(key).await,
        }
    }

    pub async fn set(&self, key: &str, value: &[u8]) -> KvResult<()> {
        match self {
            Self::Sqlite(s) => s.set(key, value),
            Self::Redis(r) => r.set(key, value).await,
        }
    }

    pub async fn delete(&self, key: &str) -> KvResult<()> {
        match self {
            Self::Sqlite(s) => s.delete(key),
            Self::Redis(r) => r.delete(key).await,
        }
    }

    pub async fn exists(&self, key: &str) -> KvResult<bool> {
        match self {
            Self::Sqlite(s) => s.exists(key),
            Self::Redis(r) => r.exists(key).await,
        }
    }

    /// Every key of the store, sorted.
    pub async fn keys(&self) -> KvResult<Vec<String>> {
        match self {
            Self::Sqlite(s) => s.keys(),
            Self::Redis(r) => r.keys().await,
        }
    }

    /// The pairs of `keys` that exist, in the order asked; a missing key is left out,
    /// as Spin's SQLite store does.
    pub async fn get_many(&self, keys: &[String]) -> KvResult<Vec<(String, Vec<u8>)>> {
        match self {
            Self::Sqlite(s) => s.get_many(keys),
            Self::Redis(r) => r.get_many(keys).await,
        }
    }

    pub async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> KvResult<()> {
        match self {
            Self::Sqlite(s) => s.set_many(pairs),
            Self::Redis(r) => r.set_many(pairs).await,
        }
    }

    pub async fn delete_many(&self, keys: &[String]) -> KvResult<()> {
        match self {
            Self::Sqlite(s) => s.delete_many(keys),
            Self::Redis(r) => r.delete_many(keys).await,
        }
    }

    /// Adds `delta` to the counter at `key` (absent counts as 0) and returns the new
    /// value. How a counter is stored is the backend's, as in Spin: 8 little-endian
    /// bytes in SQLite, decimal text in Redis.
    pub async fn increment(&self, key: &str, delta: i64) -> KvResult<i64> {
        match self {
            Self::Sqlite(s) => s.increment(key, delta),
            Self::Redis(r) => r.increment(key, delta).await,
        }
    }

    /// Sets `key` to `value` only if it still holds `expected` (`None`: still absent).
    /// Returns whether it did.
    pub async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> KvResult<bool> {
        match self {
            Self::Sqlite(s) => s.compare_and_swap(key, expected, value),
            Self::Redis(r) => r.compare_and_swap(key, expected, value).await,
        }
    }
}

// ---------------------------------------------------------------------------
// spin:key-value@3.0.0

impl From<OpenError> for Error {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::AccessDenied => Error::AccessDenied,
            OpenError::NoSuchStore => Error::NoSuchStore,
            OpenError::Other(detail) => Error::Other(detail),
        }
    }
}

/// The store behind the guest's handle, taken out of the table so the call can await
/// its backend without holding the guest's store.
fn store_of<T>(accessor: &Accessor<T, Caps>, res: &Resource<Store>) -> wasmtime::Result<Store> {
    accessor.with(|mut access| Ok(access.get().table.get(res)?.clone()))
}

impl Host for CapView<'_> {}

impl HostStore for CapView<'_> {
    fn drop(&mut self, rep: Resource<Store>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl<T> HostStoreWithStore<T> for Caps {
    async fn open(
        accessor: &Accessor<T, Self>,
        label: String,
    ) -> wasmtime::Result<Result<Resource<Store>, Error>> {
        let store = match accessor.with(|mut access| open_store(&access.get(), &label)) {
            Ok(store) => store,
            Err(e) => return Ok(Err(e.into())),
        };
        if let Err(e) = store.ready().await {
            return Ok(Err(Error::Other(e)));
        }
        accessor.with(|mut access| Ok(Ok(access.get().table.push(store)?)))
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        let store = store_of(accessor, &self_)?;
        Ok(store.get(&key).await.map_err(Error::Other))
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), Error>> {
        let store = store_of(accessor, &self_)?;
        Ok(store.set(&key, &value).await.map_err(Error::Other))
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<(), Error>> {
        let store = store_of(accessor, &self_)?;
        Ok(store.delete(&key).await.map_err(Error::Other))
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<bool, Error>> {
        let store = store_of(accessor, &self_)?;
        Ok(store.exists(&key).await.map_err(Error::Other))
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), Error>>)> {
        let store = store_of(accessor, &self_)?;
        let (keys, outcome) = match store.keys().await {
            Ok(k) => (k, Ok(())),
            Err(e) => (Vec::new(), Err(Error::Other(e))),
        };
        accessor.with(|mut access| {
            let stream = StreamReader::new(&mut access, keys)?;
            let done = FutureReader::new(&mut access, async move {
                wasmtime::Result::<Result<(), Error>>::Ok(outcome)
            })?;
            Ok((stream, done))
        })
    }
}
