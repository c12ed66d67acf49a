//! What one component instance's store holds: WASI, `wasi:http`, our Spin
//! capabilities, and its resource limits. Each capability's own part of it (what a
//! component may open, its variables) is defined beside that capability's bindings.

use crate::capability::outbound_http::{AllowedHosts, OutboundHooks};
use crate::capability::variables::ComponentVariables;
use crate::capability::{CapView, key_value, sqlite};
use std::sync::Arc;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// One component's view of the Spin capabilities: what it may open, its variables.
pub struct ComponentCaps {
    pub variables: ComponentVariables,
    pub key_value: key_value::ComponentStores,
    pub sqlite: sqlite::ComponentDatabases,
    /// `allowed_outbound_hosts`, also checked by the Redis, MQTT, MySQL and PostgreSQL
    /// interfaces before they open anything.
    pub allowed_hosts: Arc<AllowedHosts>,
    /// `ai_models`: the models the LLM interface may use.
    pub ai_models: Vec<String>,
}

pub struct HostState {
    pub table: ResourceTable,
    pub wasi: WasiCtx,
    pub http: WasiHttpCtx,
    pub hooks: OutboundHooks,
    pub caps: Arc<ComponentCaps>,
    pub limits: StoreLimits,
}

impl HostState {
    pub fn caps(&mut self) -> CapView<'_> {
        CapView {
            table: &mut self.table,
            caps: &self.caps,
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}
