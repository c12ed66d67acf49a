//! `wasi:keyvalue@0.2.0-draft2` (`store`, `atomics`, `batch`), which spin-sdk 5.2
//! components import: buckets are the same stores as Spin's key-value interfaces.

use super::super::CapView;
use super::super::bindings::wasi::keyvalue::{atomics, batch, store};
use super::{Bucket, KvResult, OpenError, Store, open_store_now, wait};
use std::future::Future;
use wasmtime::component::Resource;

/// The host side of a guest's `cas` handle: the value the key held when the handle was
/// made (or last read through `current`), which the swap requires it still holds.
pub struct Cas {
    store: Store,
    key: String,
    seen: Option<Vec<u8>>,
}

impl CapView<'_> {
    fn bucket<'s, R, F: Future<Output = KvResult<R>>>(
        &'s self,
        res: &Resource<Bucket>,
        f: impl FnOnce(&'s Store) -> F,
    ) -> wasmtime::Result<Result<R, store::Error>> {
        let bucket = self.table.get(res)?;
        Ok(wait(f(&bucket.0)).map_err(store::Error::Other))
    }

    /// A new `cas` handle on `key`, holding its value now.
    fn new_cas(
        &mut self,
        store: Store,
        key: String,
    ) -> wasmtime::Result<Result<Resource<Cas>, store::Error>> {
        let seen = match wait(store.get(&key)) {
            Ok(v) => v,
            Err(e) => return Ok(Err(store::Error::Other(e))),
        };
        Ok(Ok(self.table.push(Cas { store, key, seen })?))
    }
}

impl store::Host for CapView<'_> {
    fn open(
        &mut self,
        identifier: String,
    ) -> wasmtime::Result<Result<Resource<Bucket>, store::Error>> {
        match open_store_now(self, &identifier) {
            Ok(s) => Ok(Ok(self.table.push(Bucket(s))?)),
            Err(OpenError::AccessDenied) => Ok(Err(store::Error::AccessDenied)),
            Err(OpenError::NoSuchStore) => Ok(Err(store::Error::NoSuchStore)),
            Err(OpenError::Other(detail)) => Ok(Err(store::Error::Other(detail))),
        }
    }
}

impl store::HostBucket for CapView<'_> {
    fn get(
        &mut self,
        self_: Resource<Bucket>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, store::Error>> {
        self.bucket(&self_, |s| s.get(&key))
    }

    fn set(
        &mut self,
        self_: Resource<Bucket>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), store::Error>> {
        self.bucket(&self_, |s| s.set(&key, &value))
    }

    fn delete(
        &mut self,
        self_: Resource<Bucket>,
        key: String,
    ) -> wasmtime::Result<Result<(), store::Error>> {
        self.bucket(&self_, |s| s.delete(&key))
    }

    fn exists(
        &mut self,
        self_: Resource<Bucket>,
        key: String,
    ) -> wasmtime::Result<Result<bool, store::Error>> {
        self.bucket(&self_, |s| s.exists(&key))
    }

    /// Every key in one page with no cursor back, as Spin answers; so a cursor can only
    /// be made up by the guest, and is refused as `other`, as Spin refuses it.
    fn list_keys(
        &mut self,
        self_: Resource<Bucket>,
        cursor: Option<String>,
    ) -> wasmtime::Result<Result<store::KeyResponse, store::Error>> {
        if cursor.is_some() {
            return Ok(Err(store::Error::Other(
                "list-keys: cursors are not supported; the first page holds every key".to_owned(),
            )));
        }
        Ok(self
            .bucket(&self_, |s| s.keys())?
            .map(|keys| store::KeyResponse { keys, cursor: None }))
    }

    fn drop(&mut self, rep: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl batch::Host for CapView<'_> {
    fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> wasmtime::Result<Result<Vec<(String, Option<Vec<u8>>)>, store::Error>> {
        Ok(self.bucket(&bucket, |s| s.get_many(&keys))?.map(|pairs| {
            pairs
                .into_iter()
                .map(|(key, value)| (key, Some(value)))
                .collect()
        }))
    }

    fn set_many(
        &mut self,
        bucket: Resource<Bucket>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> wasmtime::Result<Result<(), store::Error>> {
        self.bucket(&bucket, |s| s.set_many(&key_values))
    }

    fn delete_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> wasmtime::Result<Result<(), store::Error>> {
        self.bucket(&bucket, |s| s.delete_many(&keys))
    }
}

impl atomics::Host for CapView<'_> {
    fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: i64,
    ) -> wasmtime::Result<Result<i64, store::Error>> {
        self.bucket(&bucket, |s| s.increment(&key, delta))
    }

    /// Swaps only if the key still holds what the handle saw; otherwise `cas-failed`
    /// with a new handle that has seen the newer value, for the retry.
    fn swap(
        &mut self,
        cas: Resource<Cas>,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), atomics::CasError>> {
        let cas = self.table.delete(cas)?;
        match wait(
            cas.store
                .compare_and_swap(&cas.key, cas.seen.as_deref(), &value),
        ) {
            Ok(true) => Ok(Ok(())),
            Ok(false) => match self.new_cas(cas.store, cas.key)? {
                Ok(retry) => Ok(Err(atomics::CasError::CasFailed(retry))),
                Err(e) => Ok(Err(atomics::CasError::StoreError(e))),
            },
            Err(e) => Ok(Err(atomics::CasError::StoreError(store::Error::Other(e)))),
        }
    }
}

impl atomics::HostCas for CapView<'_> {
    fn new(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
    ) -> wasmtime::Result<Result<Resource<Cas>, store::Error>> {
        let store = self.table.get(&bucket)?.0.clone();
        self.new_cas(store, key)
    }

    fn current(
        &mut self,
        self_: Resource<Cas>,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, store::Error>> {
        let cas = self.table.get_mut(&self_)?;
        match wait(cas.store.get(&cas.key)) {
            Ok(value) => {
                cas.seen.clone_from(&value);
                Ok(Ok(value))
            }
            Err(e) => Ok(Err(store::Error::Other(e))),
        }
    }

    fn drop(&mut self, rep: Resource<Cas>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}
