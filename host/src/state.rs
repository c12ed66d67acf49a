//! What one component instance's store holds: WASI, `wasi:http`, our Spin
//! capabilities, and its resource limits.

use crate::capability::CapView;
use crate::capability::pool::SqlitePool;
use crate::outbound::OutboundHooks;
use crate::variables::ComponentVariables;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// The app's stores, opened once and shared by every instance.
#[derive(Default)]
pub struct AppStores {
    pub sqlite: BTreeMap<String, Arc<SqlitePool>>,
    pub key_value: BTreeMap<String, Arc<SqlitePool>>,
}

/// One component's view of the Spin capabilities: what it may open, its variables.
pub struct ComponentCaps {
    pub variables: ComponentVariables,
    pub kv_allowed: Vec<String>,
    pub sqlite_allowed: Vec<String>,
    /// `allowed_outbound_hosts`, also checked by the Redis, MQTT, MySQL and PostgreSQL
    /// interfaces before they open anything.
    pub allowed_hosts: Arc<crate::outbound::AllowedHosts>,
    /// `ai_models`: the models the LLM interface may use.
    pub ai_models: Vec<String>,
    pub stores: Arc<AppStores>,
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
