//! `spin:key-value/key-value@3.0.0` on SQLite, in the same table layout as Spin's
//! own SQLite store (`spin_key_value(store, key, value)`), one file per label.
//! Writes are refused once the gateway has given up on the guest's request
//! ([`crate::deadline`]).

use crate::deadline::Effect;
use crate::host::SpinHost;
use crate::state::StoreData;
use crate::world::key_value::{Error, Host, HostStore, HostStoreWithStore, Store};
use sqlx::SqlitePool;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// The schema, created when a store file is opened.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS spin_key_value (
    store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))";
const GET: &str = "SELECT value FROM spin_key_value WHERE store = $1 AND key = $2";
const SET: &str = "INSERT INTO spin_key_value (store, key, value) VALUES ($1, $2, $3)
    ON CONFLICT (store, key) DO UPDATE SET value = excluded.value";
const DELETE: &str = "DELETE FROM spin_key_value WHERE store = $1 AND key = $2";
const EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM spin_key_value WHERE store = $1 AND key = $2)";
const KEYS: &str = "SELECT key FROM spin_key_value WHERE store = $1 ORDER BY key";

/// Most stores one instance may hold open at once.
pub const MAX_OPEN_STORES: usize = 256;

/// A guest's open store.
pub struct GuestStore {
    label: String,
    pool: SqlitePool,
}

fn other(e: impl std::fmt::Display) -> Error {
    Error::Other(e.to_string())
}

fn open_store(data: &StoreData, label: &str) -> Result<GuestStore, Error> {
    if !data.component.key_value_stores.contains(label) {
        return Err(Error::AccessDenied);
    }
    let pool = data
        .app
        .key_value
        .get(label)
        .ok_or(Error::NoSuchStore)?
        .clone();
    Ok(GuestStore {
        label: label.to_owned(),
        pool,
    })
}

fn store_of(data: &mut StoreData, s: &Resource<Store>) -> Result<(String, SqlitePool), Error> {
    data.table
        .get(s)
        .map(|g| (g.label.clone(), g.pool.clone()))
        .map_err(other)
}

/// A write's store, unless the gateway gave up on the request; the write counts as
/// under way while the [`Effect`] lives.
fn writing(
    data: &mut StoreData,
    s: &Resource<Store>,
) -> Result<(String, SqlitePool, Effect), Error> {
    let effect = data.stop.effect().map_err(other)?;
    let (label, pool) = store_of(data, s)?;
    Ok((label, pool, effect))
}

impl Host for StoreData {
    fn convert_error(&mut self, err: Error) -> anyhow::Result<Error> {
        Ok(err)
    }
}

impl HostStore for StoreData {
    async fn drop(&mut self, s: Resource<Store>) -> anyhow::Result<()> {
        self.open_stores = self.open_stores.saturating_sub(1);
        self.table.delete(s)?;
        Ok(())
    }
}

impl<T: Send> HostStoreWithStore<T> for SpinHost {
    async fn open(accessor: &Accessor<T, Self>, label: String) -> Result<Resource<Store>, Error> {
        accessor.with(|mut a| {
            let data = a.get();
            if data.open_stores >= MAX_OPEN_STORES {
                return Err(Error::StoreTableFull);
            }
            let store = open_store(data, &label)?;
            let r = data.table.push(store).map_err(other)?;
            data.open_stores += 1;
            Ok(r)
        })
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        s: Resource<Store>,
        key: String,
    ) -> Result<Option<Vec<u8>>, Error> {
        let (label, pool) = accessor.with(|mut a| store_of(a.get(), &s))?;
        sqlx::query_scalar::<_, Vec<u8>>(GET)
            .bind(label)
            .bind(key)
            .fetch_optional(&pool)
            .await
            .map_err(other)
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        s: Resource<Store>,
        key: String,
        value: Vec<u8>,
    ) -> Result<(), Error> {
        let (label, pool, _effect) = accessor.with(|mut a| writing(a.get(), &s))?;
        sqlx::query(SET)
            .bind(label)
            .bind(key)
            .bind(value)
            .execute(&pool)
            .await
            .map(|_| ())
            .map_err(other)
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        s: Resource<Store>,
        key: String,
    ) -> Result<(), Error> {
        let (label, pool, _effect) = accessor.with(|mut a| writing(a.get(), &s))?;
        sqlx::query(DELETE)
            .bind(label)
            .bind(key)
            .execute(&pool)
            .await
            .map(|_| ())
            .map_err(other)
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        s: Resource<Store>,
        key: String,
    ) -> Result<bool, Error> {
        let (label, pool) = accessor.with(|mut a| store_of(a.get(), &s))?;
        sqlx::query_scalar::<_, bool>(EXISTS)
            .bind(label)
            .bind(key)
            .fetch_one(&pool)
            .await
            .map_err(other)
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        s: Resource<Store>,
    ) -> anyhow::Result<(StreamReader<String>, FutureReader<Result<(), Error>>)> {
        let found = accessor.with(|mut a| store_of(a.get(), &s));
        let (keys, outcome) = match found {
            Ok((label, pool)) => match sqlx::query_scalar::<_, String>(KEYS)
                .bind(label)
                .fetch_all(&pool)
                .await
            {
                Ok(keys) => (keys, Ok(())),
                Err(e) => (Vec::new(), Err(other(e))),
            },
            Err(e) => (Vec::new(), Err(e)),
        };
        accessor.with(|mut a| {
            let keys = StreamReader::new(&mut a, keys).map_err(anyhow::Error::from)?;
            let done = FutureReader::new(&mut a, async move { Ok::<_, wasmtime::Error>(outcome) })
                .map_err(anyhow::Error::from)?;
            Ok((keys, done))
        })
    }
}
