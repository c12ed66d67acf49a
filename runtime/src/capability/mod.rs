//! The Spin capabilities our runtime gives components, one module each, with the
//! bindings generated from the WIT that ships in the spin-sdk crates. Each capability
//! serves every interface version a component may import (Spin 3 for WASI 0.3
//! components, Spin 2 and `wasi:keyvalue` for WASI 0.2 ones) from the same state.

pub mod address;
pub mod key_value;
pub mod llm;
pub mod mqtt;
pub mod mysql;
pub mod outbound_http;
pub mod pool;
pub mod postgres;
pub mod redis;
pub mod sqlite;
pub mod variables;

use crate::state::HostState;
use wasmtime::component::{HasData, Linker, Resource, ResourceTable};

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "zhanye:host/spin-imports",
        // SQLite statements of WASI 0.2 guests may wait for a database's write turn:
        // asynchronously, so that the serving thread goes on with other requests.
        imports: {
            "spin:sqlite/sqlite.[method]connection.execute": async | trappable,
            "fermyon:spin/sqlite.[method]connection.execute": async | trappable,
            // PostgreSQL calls wait on the network: asynchronously, for the same reason.
            "fermyon:spin/postgres.[static]connection.open": async | trappable,
            "fermyon:spin/postgres.[method]connection.query": async | trappable,
            "fermyon:spin/postgres.[method]connection.execute": async | trappable,
            "spin:postgres/postgres@3.0.0.[static]connection.open": async | trappable,
            "spin:postgres/postgres@3.0.0.[method]connection.query": async | trappable,
            "spin:postgres/postgres@3.0.0.[method]connection.execute": async | trappable,
            "spin:postgres/postgres@4.2.0.[static]connection.open": async | trappable,
            "spin:postgres/postgres@4.2.0.[method]connection.query": async | trappable,
            "spin:postgres/postgres@4.2.0.[method]connection.execute": async | trappable,
            "spin:postgres/postgres@4.2.0.[method]connection-builder.build": async | trappable,
            default: trappable,
        },
        with: {
            "spin:sqlite/sqlite.connection": crate::capability::sqlite::Connection,
            "spin:key-value/key-value.store": crate::capability::key_value::Store,
            "fermyon:spin/sqlite.connection": crate::capability::sqlite::Spin2Connection,
            "fermyon:spin/key-value.store": crate::capability::key_value::Spin2Store,
            "wasi:keyvalue/store.bucket": crate::capability::key_value::Bucket,
            "wasi:keyvalue/atomics.cas": crate::capability::key_value::Cas,
            "fermyon:spin/redis.connection": crate::capability::NoConnection,
            "fermyon:spin/mqtt.connection": crate::capability::NoConnection,
            "fermyon:spin/mysql.connection": crate::capability::NoConnection,
            "fermyon:spin/postgres.connection": crate::capability::postgres::PgConnection,
            "spin:postgres/postgres@3.0.0.connection": crate::capability::postgres::PgConnection,
            "spin:postgres/postgres@4.2.0.connection": crate::capability::postgres::PgConnection,
            "spin:postgres/postgres@4.2.0.connection-builder": crate::capability::postgres::PgBuilder,
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

/// The connection of an interface the runtime has no backend for (Redis, MQTT,
/// MySQL): `open` always fails, so no value of it ever exists.
pub enum NoConnection {}

/// The answer to a call on a [`NoConnection`] handle. The host never hands one out, so
/// a guest cannot hold one; this traps rather than invent a result.
fn no_connection<T>(_: Resource<NoConnection>) -> wasmtime::Result<T> {
    Err(wasmtime::Error::msg(
        "no connection of this kind can exist in this runtime",
    ))
}

pub fn add_to_linker(linker: &mut Linker<HostState>) -> anyhow::Result<()> {
    use bindings::{fermyon, spin, wasi};
    let get = HostState::caps;

    // Spin 3 and wasi:config (WASI 0.3 components; `spin:sqlite@3.1.0` also serves
    // WASI 0.2 components' `spin:sqlite@3.0.0`).
    spin::sqlite::sqlite::add_to_linker::<_, Caps>(linker, get)?;
    spin::key_value::key_value::add_to_linker::<_, Caps>(linker, get)?;
    spin::variables::variables::add_to_linker::<_, Caps>(linker, get)?;
    spin::postgres3_0_0::postgres::add_to_linker::<_, Caps>(linker, get)?;
    spin::postgres4_2_0::postgres::add_to_linker::<_, Caps>(linker, get)?;
    wasi::config::store::add_to_linker::<_, Caps>(linker, get)?;

    // Spin 2 (fermyon:spin@2.0.0) and wasi:keyvalue, which spin-sdk 5.2 imports.
    fermyon::spin::key_value::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::variables::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::sqlite::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::llm::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::redis::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::mqtt::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::rdbms_types::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::mysql::add_to_linker::<_, Caps>(linker, get)?;
    fermyon::spin::postgres::add_to_linker::<_, Caps>(linker, get)?;
    wasi::keyvalue::store::add_to_linker::<_, Caps>(linker, get)?;
    wasi::keyvalue::atomics::add_to_linker::<_, Caps>(linker, get)?;
    wasi::keyvalue::batch::add_to_linker::<_, Caps>(linker, get)?;
    Ok(())
}
