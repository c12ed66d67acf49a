//! `spin:variables@3.0.0`, `fermyon:spin/variables@2.0.0` and Spin's variables over
//! `wasi:config/store`: a component sees only its own `[component.x.variables]`,
//! templates already expanded, whichever interface it asks through. The values are
//! resolved once at start-up ([`resolve`]): [`AppVariables`] for the app,
//! [`ComponentVariables`] for each component.

use super::bindings::fermyon::spin::variables as spin2_vars;
use super::bindings::spin::variables::variables::{self as spin_vars};
use super::bindings::wasi::config::store as wasi_config;
use super::{CapView, Caps};
use wasmtime::component::Accessor;

mod resolve;

pub use resolve::{AppVariables, ComponentVariables, LookupError};

impl spin_vars::Host for CapView<'_> {}

impl<T> spin_vars::HostWithStore<T> for Caps {
    async fn get(
        accessor: &Accessor<T, Self>,
        name: String,
    ) -> wasmtime::Result<Result<String, spin_vars::Error>> {
        accessor.with(|mut access| {
            Ok(access.get().caps.variables.get(&name).map_err(|e| match e {
                LookupError::InvalidName(m) => spin_vars::Error::InvalidName(m),
                LookupError::Undefined(m) => spin_vars::Error::Undefined(m),
            }))
        })
    }
}

impl spin2_vars::Host for CapView<'_> {
    fn get(&mut self, name: String) -> wasmtime::Result<Result<String, spin2_vars::Error>> {
        Ok(self.caps.variables.get(&name).map_err(|e| match e {
            LookupError::InvalidName(m) => spin2_vars::Error::InvalidName(m),
            LookupError::Undefined(m) => spin2_vars::Error::Undefined(m),
        }))
    }
}

impl wasi_config::Host for CapView<'_> {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<String>, wasi_config::Error>> {
        Ok(match self.caps.variables.get(&key) {
            Ok(v) => Ok(Some(v)),
            Err(LookupError::Undefined(_)) => Ok(None),
            Err(LookupError::InvalidName(m)) => Err(wasi_config::Error::Upstream(m)),
        })
    }

    fn get_all(&mut self) -> wasmtime::Result<Result<Vec<(String, String)>, wasi_config::Error>> {
        Ok(Ok(self.caps.variables.all()))
    }
}
