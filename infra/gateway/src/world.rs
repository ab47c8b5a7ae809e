//! The only place that generates bindings: Spin's host interfaces, from the WIT in
//! `infra/gateway/wit` (Spin's published files, unchanged).

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "wit",
    world: "yingshang:gateway/host",
    imports: { default: async | trappable },
    trappable_error_type: {
        "spin:sqlite/sqlite@3.1.0.error" => spin::sqlite::sqlite::Error,
        "spin:variables/variables@3.0.0.error" => spin::variables::variables::Error,
        "spin:key-value/key-value@3.0.0.error" => spin::key_value::key_value::Error,
        "spin:postgres/postgres@4.2.0.error" => spin::postgres::postgres::Error,
    },
    with: {
        "spin:sqlite/sqlite@3.1.0.connection": crate::host::sqlite::GuestConnection,
        "spin:key-value/key-value@3.0.0.store": crate::host::key_value::GuestStore,
        "spin:postgres/postgres@4.2.0.connection": crate::host::postgres::GuestConnection,
        "spin:postgres/postgres@4.2.0.connection-builder": crate::host::postgres::GuestBuilder,
    },
    anyhow: true,
});

pub use spin::key_value::key_value;
pub use spin::postgres::postgres;
pub use spin::sqlite::sqlite;
pub use spin::variables::variables;
