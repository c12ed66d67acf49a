//! `fermyon:spin/key-value@2.0.0`, the key-value interface of WASI 0.2 Spin apps: the
//! same stores as `spin:key-value@3.0.0`, synchronous calls (each [`wait`]s for its
//! store's answer).

use super::super::CapView;
use super::super::bindings::fermyon::spin::key_value::{Error, Host, HostStore};
use super::{KvResult, OpenError, Spin2Store, Store, open_store_now, wait};
use std::future::Future;
use wasmtime::component::Resource;

impl CapView<'_> {
    fn spin2_store<'s, R, F: Future<Output = KvResult<R>>>(
        &'s self,
        res: &Resource<Spin2Store>,
        f: impl FnOnce(&'s Store) -> F,
    ) -> wasmtime::Result<Result<R, Error>> {
        let store = self.table.get(res)?;
        Ok(wait(f(&store.0)).map_err(Error::Other))
    }
}

impl Host for CapView<'_> {}

impl HostStore for CapView<'_> {
    fn open(&mut self, label: String) -> wasmtime::Result<Result<Resource<Spin2Store>, Error>> {
        match open_store_now(self, &label) {
            Ok(store) => Ok(Ok(self.table.push(Spin2Store(store))?)),
            Err(OpenError::AccessDenied) => Ok(Err(Error::AccessDenied)),
            Err(OpenError::NoSuchStore) => Ok(Err(Error::NoSuchStore)),
            Err(OpenError::Other(detail)) => Ok(Err(Error::Other(detail))),
        }
    }

    fn get(
        &mut self,
        self_: Resource<Spin2Store>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        self.spin2_store(&self_, |s| s.get(&key))
    }

    fn set(
        &mut self,
        self_: Resource<Spin2Store>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), Error>> {
        self.spin2_store(&self_, |s| s.set(&key, &value))
    }

    fn delete(
        &mut self,
        self_: Resource<Spin2Store>,
        key: String,
    ) -> wasmtime::Result<Result<(), Error>> {
        self.spin2_store(&self_, |s| s.delete(&key))
    }

    fn exists(
        &mut self,
        self_: Resource<Spin2Store>,
        key: String,
    ) -> wasmtime::Result<Result<bool, Error>> {
        self.spin2_store(&self_, |s| s.exists(&key))
    }

    fn get_keys(
        &mut self,
        self_: Resource<Spin2Store>,
    ) -> wasmtime::Result<Result<Vec<String>, Error>> {
        self.spin2_store(&self_, |s| s.keys())
    }

    fn drop(&mut self, rep: Resource<Spin2Store>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}
