//! `spin:postgres/postgres@4.2.0` on tokio-postgres, as Spin's host provides it:
//! the guest names a server by its connection string; the address must be allowed
//! by the component's `allowed_outbound_hosts` (`postgres://host:port`, port 5432
//! when left out); connections are pooled per address (and root certificate), at
//! most [`POOL_SIZE`] each, and a guest connection holds one pooled connection until
//! it is dropped, so `BEGIN … COMMIT` across calls is one transaction. Values are
//! mapped in [`super::postgres_types`]; errors are Spin's variants with the texts
//! Spin gives.
//!
//! Beyond what Spin does:
//! - a connection given back inside a transaction (a guest that trapped, or whose
//!   request the gateway gave up) is rolled back before it is reused, and closed if
//!   that fails; Spin's pool would hand it, still in the transaction, to the next
//!   guest;
//! - `connection-builder.build` checks `allowed_outbound_hosts` like `open` (Spin
//!   checks it only in `build-async`);
//! - no statement starts once the gateway has given up on the request
//!   ([`crate::deadline`]), and one running then is cancelled on the server;
//! - statements are prepared once per pooled connection (cached), and a query's
//!   columns are the statement's, also when it answers no row (Spin answers no
//!   columns then);
//! - TLS (every `sslmode` but `disable`) goes through rustls with the Mozilla roots
//!   and the builder's root certificate, where Spin uses the system's OpenSSL.

// The error type is Spin's WIT variant (its query-failed case carries the server's
// fields); its size is the contract's, not ours to box.
#![allow(clippy::result_large_err)]

use crate::host::SpinHost;
pub use crate::host::postgres_pool::{POOL_SIZE, POOLS, Pools, connect_native};
use crate::host::postgres_pool::{PooledConnection, RootCa};
use crate::host::postgres_types::{column_value, data_type, parameter, size_of};
use crate::state::StoreData;
use crate::world::postgres::{
    Column, Connection, ConnectionBuilder, DbError, DbValue, Error, Host, HostConnection,
    HostConnectionBuilder, HostConnectionBuilderWithStore, HostConnectionWithStore, ParameterValue,
    QueryError, RowSet,
};
use futures::TryStreamExt as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio_postgres::types::ToSql;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Most bytes of rows the host buffers for one query (as Spin).
pub const MAX_RESULT_BYTES: usize = 128 << 20;

/// A guest's connection builder.
pub struct GuestBuilder {
    address: String,
    root_ca: Option<RootCa>,
}

/// A guest's open connection: one pooled connection.
pub struct GuestConnection {
    conn: Arc<PooledConnection>,
}

fn connection_failed(message: impl Into<String>) -> Error {
    Error::ConnectionFailed(message.into())
}

/// Whether the component may reach every server the address names, as Spin checks it.
fn ensure_allowed(data: &StoreData, address: &str) -> Result<(), Error> {
    let config: tokio_postgres::Config = address
        .parse()
        .map_err(|e: tokio_postgres::Error| connection_failed(e.to_string()))?;
    let ports = config.get_ports();
    for (i, host) in config.get_hosts().iter().enumerate() {
        match host {
            tokio_postgres::config::Host::Tcp(host) => {
                let port = ports
                    .get(i)
                    .or_else(|| (ports.len() == 1).then(|| &ports[0]))
                    .copied();
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if !data.component.allowed_hosts.allows("postgres", host, port) {
                    let shown = match port {
                        Some(p) => format!("{host}:{p}"),
                        None => host.to_owned(),
                    };
                    return Err(connection_failed(format!(
                        "address postgres://{shown} is not permitted"
                    )));
                }
            }
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(_) => {
                return Err(connection_failed(
                    "Unix sockets are not supported on WebAssembly",
                ));
            }
        }
    }
    Ok(())
}

async fn connect(
    pools: Arc<crate::state::AppShared>,
    address: &str,
    root_ca: Option<&RootCa>,
) -> Result<GuestConnection, Error> {
    let pool = pools
        .postgres
        .pool(address, root_ca)
        .map_err(|e| connection_failed(format!("{e:?}")))?;
    let client = pool
        .pool
        .get()
        .await
        .map_err(|e| connection_failed(format!("{e:?}")))?;
    Ok(GuestConnection {
        conn: Arc::new(PooledConnection {
            client: Some(client),
            tls: pool.tls,
            in_transaction: AtomicBool::new(false),
        }),
    })
}

fn query_failed(e: tokio_postgres::Error) -> Error {
    let as_text = format!("{e:?}");
    Error::QueryFailed(match e.as_db_error() {
        None => QueryError::Text(as_text),
        Some(db) => {
            let mut extras = Vec::new();
            let mut extra = |name: &str, v: Option<String>| {
                if let Some(v) = v {
                    extras.push((name.to_owned(), v));
                }
            };
            extra("column", db.column().map(str::to_owned));
            extra("constraint", db.constraint().map(str::to_owned));
            extra("routine", db.routine().map(str::to_owned));
            extra("hint", db.hint().map(str::to_owned));
            extra("table", db.table().map(str::to_owned));
            extra("datatype", db.datatype().map(str::to_owned));
            extra("schema", db.schema().map(str::to_owned));
            extra("file", db.file().map(str::to_owned));
            extra("line", db.line().map(|l| l.to_string()));
            extra("where_", db.where_().map(str::to_owned));
            QueryError::DbError(DbError {
                as_text,
                severity: db.severity().to_owned(),
                code: db.code().code().to_owned(),
                message: db.message().to_owned(),
                detail: db.detail().map(str::to_owned),
                extras,
            })
        }
    })
}

fn text_failure(message: impl Into<String>) -> Error {
    Error::QueryFailed(QueryError::Text(message.into()))
}

/// Whether a statement that succeeded leaves its connection inside a transaction
/// (`Some(true)`), outside one (`Some(false)`), or as it was (`None`).
fn transaction_after(statement: &str) -> Option<bool> {
    let words: Vec<String> = statement
        .split_whitespace()
        .take(2)
        .map(|w| w.trim_end_matches(';').to_ascii_uppercase())
        .collect();
    match words.first().map(String::as_str) {
        Some("BEGIN") => Some(true),
        Some("START") if words.get(1).is_some_and(|w| w == "TRANSACTION") => Some(true),
        Some("COMMIT" | "END" | "ABORT") => Some(false),
        Some("ROLLBACK") if words.get(1).is_none_or(|w| w != "TO") => Some(false),
        _ => None,
    }
}

/// A statement's run: the connection it runs on, and the effect that keeps a
/// given-up request's answer waiting until it has ended (cancelling it on the
/// server when the request is given up meanwhile).
struct Run {
    conn: Arc<PooledConnection>,
    _effect: crate::deadline::Effect,
}

fn begin(data: &mut StoreData, c: &Resource<Connection>) -> Result<Run, Error> {
    let conn = data
        .table
        .get(c)
        .map(|g| g.conn.clone())
        .map_err(|_| connection_failed("no connection found"))?;
    let client = conn
        .client
        .as_ref()
        .ok_or_else(|| connection_failed("no connection found"))?;
    let cancel = client.cancel_token();
    let tls = conn.tls.clone();
    let effect = data
        .stop
        .interruptible_effect(move || {
            let (cancel, tls) = (cancel.clone(), tls.clone());
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = match tls {
                        Some(tls) => cancel.cancel_query(tls).await,
                        None => cancel.cancel_query(tokio_postgres::NoTls).await,
                    };
                });
            }
        })
        .map_err(|e| Error::Other(e.to_string()))?;
    Ok(Run {
        conn,
        _effect: effect,
    })
}

fn parameters(
    params: Vec<ParameterValue>,
    wrap: fn(String) -> Error,
) -> Result<Vec<Box<dyn ToSql + Send + Sync>>, Error> {
    params
        .into_iter()
        .map(parameter)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| wrap(format!("{e:?}")))
}

impl Run {
    fn client(&self) -> Result<&deadpool_postgres::Object, Error> {
        self.conn
            .client
            .as_ref()
            .ok_or_else(|| connection_failed("no connection found"))
    }

    fn ran(&self, statement: &str) {
        if let Some(inside) = transaction_after(statement) {
            self.conn.in_transaction.store(inside, Ordering::Release);
        }
    }

    async fn execute(&self, statement: &str, params: Vec<ParameterValue>) -> Result<u64, Error> {
        let params = parameters(params, Error::ValueConversionFailed)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let client = self.client()?;
        let prepared = client
            .prepare_cached(statement)
            .await
            .map_err(query_failed)?;
        let n = client
            .execute(&prepared, &refs)
            .await
            .map_err(query_failed)?;
        self.ran(statement);
        Ok(n)
    }

    async fn query(&self, statement: &str, params: Vec<ParameterValue>) -> Result<RowSet, Error> {
        let params = parameters(params, Error::BadParameter)?;
        let client = self.client()?;
        let prepared = client
            .prepare_cached(statement)
            .await
            .map_err(query_failed)?;
        let columns = prepared
            .columns()
            .iter()
            .map(|c| Column {
                name: c.name().to_owned(),
                data_type: data_type(c.type_()),
            })
            .collect();
        let stream = client
            .query_raw(
                &prepared,
                params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)),
            )
            .await
            .map_err(query_failed)?;
        futures::pin_mut!(stream);
        let mut rows = Vec::new();
        let mut bytes = std::mem::size_of::<RowSet>();
        while let Some(row) = stream.try_next().await.map_err(query_failed)? {
            let values = (0..row.len())
                .map(|i| column_value(&row, i))
                .collect::<Result<Vec<DbValue>, _>>()
                .map_err(|e| text_failure(format!("{e:?}")))?;
            bytes += size_of(&values);
            if bytes > MAX_RESULT_BYTES {
                return Err(text_failure(format!(
                    "query result exceeds limit of {MAX_RESULT_BYTES} bytes"
                )));
            }
            rows.push(values);
        }
        self.ran(statement);
        Ok(RowSet { columns, rows })
    }
}

fn builder_of(
    data: &mut StoreData,
    b: &Resource<ConnectionBuilder>,
) -> Result<(String, Option<RootCa>), Error> {
    data.table
        .get(b)
        .map(|g| (g.address.clone(), g.root_ca.clone()))
        .map_err(|_| connection_failed("no builder found"))
}

impl Host for StoreData {
    fn convert_error(&mut self, err: Error) -> anyhow::Result<Error> {
        Ok(err)
    }
}

impl HostConnectionBuilder for StoreData {
    async fn new(&mut self, address: String) -> anyhow::Result<Resource<ConnectionBuilder>> {
        Ok(self.table.push(GuestBuilder {
            address,
            root_ca: None,
        })?)
    }

    async fn set_ca_root(
        &mut self,
        b: Resource<ConnectionBuilder>,
        certificate: String,
    ) -> Result<(), Error> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject as _;
        let certs: Vec<_> = CertificateDer::pem_slice_iter(certificate.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| Error::Other(format!("invalid root certificate: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Other(
                "invalid root certificate: no PEM certificate found".into(),
            ));
        }
        use sha2::Digest as _;
        let hash = hex::encode(sha2::Sha256::digest(certificate.as_bytes()));
        let builder = self
            .table
            .get_mut(&b)
            .map_err(|_| connection_failed("no builder found"))?;
        builder.root_ca = Some(RootCa {
            pem: certificate,
            hash,
        });
        Ok(())
    }

    async fn build(
        &mut self,
        b: Resource<ConnectionBuilder>,
    ) -> Result<Resource<Connection>, Error> {
        let (address, root_ca) = builder_of(self, &b)?;
        ensure_allowed(self, &address)?;
        let conn = connect(self.app.clone(), &address, root_ca.as_ref()).await?;
        self.table
            .push(conn)
            .map_err(|_| connection_failed("too many connections"))
    }

    async fn drop(&mut self, b: Resource<ConnectionBuilder>) -> anyhow::Result<()> {
        self.table.delete(b)?;
        Ok(())
    }
}

impl<T: Send> HostConnectionBuilderWithStore<T> for SpinHost {
    async fn build_async(
        accessor: &Accessor<T, Self>,
        b: Resource<ConnectionBuilder>,
    ) -> Result<Resource<Connection>, Error> {
        let (address, root_ca, app) = accessor.with(|mut a| {
            let data = a.get();
            let (address, root_ca) = builder_of(data, &b)?;
            ensure_allowed(data, &address)?;
            Ok::<_, Error>((address, root_ca, data.app.clone()))
        })?;
        let conn = connect(app, &address, root_ca.as_ref()).await?;
        accessor.with(|mut a| {
            a.get()
                .table
                .push(conn)
                .map_err(|_| connection_failed("too many connections"))
        })
    }
}

impl HostConnection for StoreData {
    async fn open(&mut self, address: String) -> Result<Resource<Connection>, Error> {
        ensure_allowed(self, &address)?;
        let conn = connect(self.app.clone(), &address, None).await?;
        self.table
            .push(conn)
            .map_err(|_| connection_failed("too many connections"))
    }

    async fn query(
        &mut self,
        c: Resource<Connection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<RowSet, Error> {
        begin(self, &c)?.query(&statement, params).await
    }

    async fn execute(
        &mut self,
        c: Resource<Connection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<u64, Error> {
        begin(self, &c)?.execute(&statement, params).await
    }

    async fn drop(&mut self, c: Resource<Connection>) -> anyhow::Result<()> {
        self.table.delete(c)?;
        Ok(())
    }
}

impl<T: Send> HostConnectionWithStore<T> for SpinHost {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        address: String,
    ) -> Result<Resource<Connection>, Error> {
        let app = accessor.with(|mut a| {
            let data = a.get();
            ensure_allowed(data, &address).map(|()| data.app.clone())
        })?;
        let conn = connect(app, &address, None).await?;
        accessor.with(|mut a| {
            a.get()
                .table
                .push(conn)
                .map_err(|_| connection_failed("too many connections"))
        })
    }

    async fn query_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<
        (
            Vec<Column>,
            StreamReader<Vec<DbValue>>,
            FutureReader<Result<(), Error>>,
        ),
        Error,
    > {
        let run = accessor.with(|mut a| begin(a.get(), &c))?;
        let RowSet { columns, rows } = run.query(&statement, params).await?;
        drop(run);
        accessor.with(|mut a| {
            let rows = StreamReader::new(&mut a, rows).map_err(|e| Error::Other(e.to_string()))?;
            let done = FutureReader::new(&mut a, async {
                Ok::<_, wasmtime::Error>(Ok::<(), Error>(()))
            })
            .map_err(|e| Error::Other(e.to_string()))?;
            Ok((columns, rows, done))
        })
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        c: Resource<Connection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<u64, Error> {
        let run = accessor.with(|mut a| begin(a.get(), &c))?;
        run.execute(&statement, params).await
    }
}

#[cfg(test)]
#[path = "postgres_tests.rs"]
mod tests;
