//! The Spin capabilities our runtime gives components, one module each, with the
//! bindings generated from the WIT that ships in the spin-sdk crate.

pub mod key_value;
pub mod pool;
pub mod sqlite;
pub mod variables;

use crate::state::HostState;
use wasmtime::component::{HasData, Linker, ResourceTable};

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "zhanye:host/spin-imports",
        imports: { default: trappable },
        with: {
            "spin:sqlite/sqlite.connection": crate::capability::sqlite::Connection,
            "spin:key-value/key-value.store": crate::capability::key_value::Store,
        },
    });
}

pub(crate) mod cron_bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "fermyon:spin-cron/spin-cron",
        exports: { default: async },
    });
}

/// What a host function of ours sees of the store: the resource table and the
/// component's capability state.
pub struct CapView<'a> {
    pub table: &'a mut ResourceTable,
    pub caps: &'a crate::state::ComponentCaps,
}

/// Marker type naming our capabilities' view of the store for the generated bindings.
pub struct Caps;

impl HasData for Caps {
    type Data<'a> = CapView<'a>;
}

pub fn add_to_linker(linker: &mut Linker<HostState>) -> anyhow::Result<()> {
    use bindings::{spin, wasi};
    spin::sqlite::sqlite::add_to_linker::<_, Caps>(linker, HostState::caps)?;
    spin::key_value::key_value::add_to_linker::<_, Caps>(linker, HostState::caps)?;
    spin::variables::variables::add_to_linker::<_, Caps>(linker, HostState::caps)?;
    wasi::config::store::add_to_linker::<_, Caps>(linker, HostState::caps)?;
    Ok(())
}
