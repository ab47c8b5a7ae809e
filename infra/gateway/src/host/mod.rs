//! Host implementations of Spin's interfaces, one file per interface, over the
//! per-store [`crate::state::StoreData`].

pub mod key_value;
pub mod outbound;
pub mod postgres;
mod postgres_pool;
mod postgres_types;
pub mod sqlite;
mod sqlite_statement;
pub mod variables;

/// Marks the store data as the host for the Spin interfaces in `bindgen!`'s
/// `add_to_linker` (the `HasData` pattern).
pub struct SpinHost;

impl wasmtime::component::HasData for SpinHost {
    type Data<'a> = &'a mut crate::state::StoreData;
}

/// Adds Spin's interfaces to a linker.
pub fn add_to_linker(
    linker: &mut wasmtime::component::Linker<crate::state::StoreData>,
) -> anyhow::Result<()> {
    use crate::world;
    world::sqlite::add_to_linker::<_, SpinHost>(linker, |s| s).map_err(anyhow::Error::from)?;
    world::variables::add_to_linker::<_, SpinHost>(linker, |s| s).map_err(anyhow::Error::from)?;
    world::key_value::add_to_linker::<_, SpinHost>(linker, |s| s).map_err(anyhow::Error::from)?;
    world::postgres::add_to_linker::<_, SpinHost>(linker, |s| s).map_err(anyhow::Error::from)?;
    Ok(())
}
