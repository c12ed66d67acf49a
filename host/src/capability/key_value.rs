//! `spin:key-value@3.0.0`, backed by SQLite as Spin's default store is: one table of
//! (store, key) → value per store file.

use super::bindings::spin::key_value::key_value::{Error, Host, HostStore, HostStoreWithStore};
use super::pool::{SqlitePool, blocking};
use super::{CapView, Caps};
use rusqlite::OptionalExtension;
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Created on every new connection to a key-value file.
pub const KV_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS spin_key_value (
    store TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (store, key)
) WITHOUT ROWID;";

/// The host side of a guest's open `store`.
pub struct Store {
    label: String,
    pool: Arc<SqlitePool>,
}

impl Store {
    fn run<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<R>,
    ) -> Result<R, Error> {
        blocking(|| match self.pool.with(|c| f(c, &self.label)) {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(Error::Other(e.to_string())),
            Err(e) => Err(Error::Other(e.to_string())),
        })
    }

    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.run(|c, store| {
            c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .query_row((store, key), |r| r.get::<_, Vec<u8>>(0))
                .optional()
        })
    }

    pub fn set(&self, key: &str, value: &[u8]) -> Result<(), Error> {
        self.run(|c, store| {
            c.prepare_cached(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
            )?
            .execute((store, key, value))
            .map(|_| ())
        })
    }

    pub fn delete(&self, key: &str) -> Result<(), Error> {
        self.run(|c, store| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .execute((store, key))
                .map(|_| ())
        })
    }

    pub fn exists(&self, key: &str) -> Result<bool, Error> {
        self.run(|c, store| {
            c.prepare_cached("SELECT 1 FROM spin_key_value WHERE store = ?1 AND key = ?2")?
                .exists((store, key))
        })
    }

    pub fn keys(&self) -> Result<Vec<String>, Error> {
        self.run(|c, store| {
            let mut stmt =
                c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")?;
            stmt.query_map([store], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
    }
}

fn open(view: &mut CapView<'_>, label: &str) -> wasmtime::Result<Result<Resource<Store>, Error>> {
    if !view.caps.kv_allowed.iter().any(|s| s == label) {
        return Ok(Err(Error::AccessDenied));
    }
    let Some(pool) = view.caps.stores.key_value.get(label) else {
        return Ok(Err(Error::NoSuchStore));
    };
    let store = Store {
        label: label.to_string(),
        pool: pool.clone(),
    };
    Ok(Ok(view.table.push(store)?))
}

/// Runs `f` against the guest's store resource.
fn with_store<T, R>(
    accessor: &Accessor<T, Caps>,
    res: &Resource<Store>,
    f: impl FnOnce(&Store) -> R,
) -> wasmtime::Result<R> {
    accessor.with(|mut access| {
        let view = access.get();
        let store = view.table.get(res)?;
        Ok(f(store))
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
