//! Spin's key-value stores, backed by SQLite as Spin's default store is: one table of
//! (store, key) → value per store file. Every interface version a component may import
//! works on the same stores through one [`Store`]: `spin:key-value@3.0.0` (here),
//! `fermyon:spin/key-value@2.0.0` ([`spin2`]) and `wasi:keyvalue@0.2.0-draft2`
//! ([`wasi`]), so data written through one is read through the others.

mod spin2;
mod wasi;

pub use wasi::Cas;

use super::bindings::spin::key_value::key_value::{Error, Host, HostStore, HostStoreWithStore};
use super::pool::{SqlitePool, blocking};
use super::{CapView, Caps};
use rusqlite::OptionalExtension;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Created on every new connection to a key-value file.
pub const KV_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS spin_key_value (
    store TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (store, key)
) WITHOUT ROWID;";

/// Per-app state: the key-value stores some loaded component lists, by label, each
/// opened once where the runtime config puts it and shared by every instance.
pub type AppStores = BTreeMap<String, Arc<SqlitePool>>;

/// Per-component state: the labels of its `key_value_stores` and the app's stores.
pub struct ComponentStores {
    pub allowed: Vec<String>,
    pub open: Arc<AppStores>,
}

/// The host side of a guest's open store, whichever interface opened it.
#[derive(Clone)]
pub struct Store {
    label: String,
    pool: Arc<SqlitePool>,
}

/// A `fermyon:spin/key-value@2.0.0` store: its own resource type, the same store.
pub struct Spin2Store(Store);

/// A `wasi:keyvalue/store@0.2.0-draft2` bucket: its own resource type, the same store.
pub struct Bucket(Store);

/// Why a label cannot be opened, before each interface names it in its own error type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Not among the component's `key_value_stores` (whether it exists or not).
    AccessDenied,
    /// Granted, but no store of that label is configured.
    NoSuchStore,
}

/// Spin's rule: the component's own list is checked first, so an ungranted label is
/// `access-denied` even when no such store exists.
pub fn open_store(view: &CapView<'_>, label: &str) -> Result<Store, OpenError> {
    let stores = &view.caps.key_value;
    if !stores.allowed.iter().any(|s| s == label) {
        return Err(OpenError::AccessDenied);
    }
    let pool = stores.open.get(label).ok_or(OpenError::NoSuchStore)?;
    Ok(Store {
        label: label.to_string(),
        pool: pool.clone(),
    })
}

/// An implementation failure (I/O, a bad stored value): each interface's `other`.
pub type KvResult<T> = Result<T, String>;

impl Store {
    fn run<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<R>,
    ) -> KvResult<R> {
        blocking(|| match self.pool.with(|c| f(c, &self.label)) {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        })
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: the write lock is taken before the
    /// first read, so a read-modify-write cannot interleave with another writer's, in
    /// this process or another.
    fn run_atomic<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> KvResult<R>,
    ) -> KvResult<R> {
        blocking(|| {
            let outcome = self.pool.with(|c| {
                c.execute_batch("BEGIN IMMEDIATE")
                    .map_err(|e| e.to_string())?;
                match f(c, &self.label) {
                    Ok(r) => c
                        .execute_batch("COMMIT")
                        .map(|()| r)
                        .map_err(|e| e.to_string()),
                    Err(e) => {
                        // The pool also rolls back on release; this keeps the error ours.
                        let _ = c.execute_batch("ROLLBACK");
                        Err(e)
                    }
                }
            });
            outcome.map_err(|e| e.to_string())?
        })
    }

    pub fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        self.run(|c, store| read(c, store, key))
    }

    pub fn set(&self, key: &str, value: &[u8]) -> KvResult<()> {
        self.run(|c, store| write(c, store, key, value))
    }

    pub fn delete(&self, key: &str) -> KvResult<()> {
        self.run(|c, store| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .execute((store, key))
                .map(|_| ())
        })
    }

    pub fn exists(&self, key: &str) -> KvResult<bool> {
        self.run(|c, store| {
            c.prepare_cached("SELECT 1 FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .exists((store, key))
        })
    }

    pub fn keys(&self) -> KvResult<Vec<String>> {
        self.run(|c, store| {
            let mut stmt =
                c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")?;
            stmt.query_map([store], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
    }

    /// The pairs of `keys` that exist, in the order asked; a missing key is left out,
    /// as Spin's SQLite store does.
    pub fn get_many(&self, keys: &[String]) -> KvResult<Vec<(String, Vec<u8>)>> {
        self.run(|c, store| {
            let mut found = Vec::with_capacity(keys.len());
            for key in keys {
                if let Some(value) = read(c, store, key)? {
                    found.push((key.clone(), value));
                }
            }
            Ok(found)
        })
    }

    pub fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> KvResult<()> {
        self.run(|c, store| {
            pairs
                .iter()
                .try_for_each(|(key, value)| write(c, store, key, value))
        })
    }

    pub fn delete_many(&self, keys: &[String]) -> KvResult<()> {
        self.run(|c, store| {
            let mut stmt =
                c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?;
            keys.iter()
                .try_for_each(|key| stmt.execute((store, key)).map(|_| ()))
        })
    }

    /// Adds `delta` to the counter at `key` (absent counts as 0) and returns the new
    /// value. Counters are 8-byte little-endian integers, as Spin stores them.
    pub fn increment(&self, key: &str, delta: i64) -> KvResult<i64> {
        self.run_atomic(|c, store| {
            let current = match read(c, store, key).map_err(|e| e.to_string())? {
                None => 0,
                Some(bytes) => i64::from_le_bytes(bytes.as_slice().try_into().map_err(|_| {
                    format!(
                        "the value of {key:?} is {} bytes, not an 8-byte counter",
                        bytes.len()
                    )
                })?),
            };
            let next = current
                .checked_add(delta)
                .ok_or_else(|| format!("incrementing {key:?} by {delta} overflows"))?;
            write(c, store, key, &next.to_le_bytes()).map_err(|e| e.to_string())?;
            Ok(next)
        })
    }

    /// Sets `key` to `value` only if it still holds `expected` (`None`: still absent).
    /// Returns whether it did.
    pub fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> KvResult<bool> {
        self.run(|c, store| {
            let changed = match expected {
                Some(old) => c
                    .prepare_cached(
                        "UPDATE spin_key_value SET value = ?4
                         WHERE store = ?1 AND key = ?2 AND value = ?3",
                    )?
                    .execute((store, key, old, value))?,
                None => c
                    .prepare_cached(
                        "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                         ON CONFLICT (store, key) DO NOTHING",
                    )?
                    .execute((store, key, value))?,
            };
            Ok(changed == 1)
        })
    }
}

fn read(c: &rusqlite::Connection, store: &str, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?
        .query_row((store, key), |r| r.get::<_, Vec<u8>>(0))
        .optional()
}

fn write(c: &rusqlite::Connection, store: &str, key: &str, value: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
    )?
    .execute((store, key, value))
    .map(|_| ())
}

// ---------------------------------------------------------------------------
// spin:key-value@3.0.0

fn open(view: &mut CapView<'_>, label: &str) -> wasmtime::Result<Result<Resource<Store>, Error>> {
    match open_store(view, label) {
        Ok(store) => Ok(Ok(view.table.push(store)?)),
        Err(OpenError::AccessDenied) => Ok(Err(Error::AccessDenied)),
        Err(OpenError::NoSuchStore) => Ok(Err(Error::NoSuchStore)),
    }
}

/// Runs `f` against the guest's store resource.
fn with_store<T, R>(
    accessor: &Accessor<T, Caps>,
    res: &Resource<Store>,
    f: impl FnOnce(&Store) -> KvResult<R>,
) -> wasmtime::Result<Result<R, Error>> {
    accessor.with(|mut access| {
        let view = access.get();
        let store = view.table.get(res)?;
        Ok(f(store).map_err(Error::Other))
    })
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
        accessor.with(|mut access| open(&mut access.get(), &label))
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        with_store(accessor, &self_, |s| s.get(&key))
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), Error>> {
        with_store(accessor, &self_, |s| s.set(&key, &value))
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<(), Error>> {
        with_store(accessor, &self_, |s| s.delete(&key))
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
        key: String,
    ) -> wasmtime::Result<Result<bool, Error>> {
        with_store(accessor, &self_, |s| s.exists(&key))
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        self_: Resource<Store>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), Error>>)> {
        let keys = with_store(accessor, &self_, |s| s.keys())?;
        accessor.with(|mut access| {
            let (keys, outcome) = match keys {
                Ok(k) => (k, Ok(())),
                Err(e) => (Vec::new(), Err(e)),
            };
            let stream = StreamReader::new(&mut access, keys)?;
            let done = FutureReader::new(&mut access, async move {
                wasmtime::Result::<Result<(), Error>>::Ok(outcome)
            })?;
            Ok((stream, done))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime_config::StoreLocation;

    fn store(label: &str) -> Store {
        Store {
            label: label.to_string(),
            pool: Arc::new(
                SqlitePool::new(
                    &format!("kv-test-{label}"),
                    &StoreLocation::InMemory,
                    KV_SCHEMA,
                )
                .unwrap(),
            ),
        }
    }

    #[test]
    fn counters_are_little_endian_and_start_at_zero() {
        let s = store("counters");
        assert_eq!(s.increment("n", 2), Ok(2));
        assert_eq!(s.increment("n", -5), Ok(-3));
        assert_eq!(s.get("n").unwrap(), Some((-3i64).to_le_bytes().to_vec()));
        s.set("text", b"abc").unwrap();
        assert!(s.increment("text", 1).is_err());
        s.set("max", &i64::MAX.to_le_bytes()).unwrap();
        assert!(s.increment("max", 1).is_err());
        assert_eq!(s.get("max").unwrap(), Some(i64::MAX.to_le_bytes().to_vec()));
    }

    #[test]
    fn compare_and_swap_needs_the_value_seen() {
        let s = store("cas");
        assert_eq!(s.compare_and_swap("k", None, b"1"), Ok(true));
        assert_eq!(s.compare_and_swap("k", None, b"2"), Ok(false));
        assert_eq!(s.compare_and_swap("k", Some(b"0"), b"2"), Ok(false));
        assert_eq!(s.compare_and_swap("k", Some(b"1"), b"2"), Ok(true));
        assert_eq!(s.get("k").unwrap(), Some(b"2".to_vec()));
    }

    #[test]
    fn batches_skip_missing_keys() {
        let s = store("batch");
        s.set_many(&[("a".into(), b"1".to_vec()), ("b".into(), b"2".to_vec())])
            .unwrap();
        let keys = ["b".to_string(), "zz".to_string(), "a".to_string()];
        assert_eq!(
            s.get_many(&keys).unwrap(),
            [
                ("b".to_string(), b"2".to_vec()),
                ("a".to_string(), b"1".to_vec())
            ]
        );
        s.delete_many(&keys).unwrap();
        assert!(s.keys().unwrap().is_empty());
    }
}
