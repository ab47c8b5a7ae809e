//! The PostgreSQL host's connections: pools per address and root certificate (as
//! Spin: [`POOL_SIZE`] each, [`POOLS`] addresses), TLS through rustls, the rollback of
//! a connection given back inside a transaction, and the gateway's own connections
//! ([`connect_native`]: migrations, `keys`).

use anyhow::Context as _;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Most connections pooled per address (as Spin).
pub const POOL_SIZE: usize = 64;
/// Most addresses with a pool at once (as Spin); another address evicts one.
pub const POOLS: usize = 16;
type PoolKey = (String, Option<String>);

/// The application's connection pools, by address and root certificate.
#[derive(Default)]
pub struct Pools {
    pools: Mutex<HashMap<PoolKey, Pool>>,
}

#[derive(Clone)]
pub(super) struct Pool {
    pub(super) pool: deadpool_postgres::Pool,
    pub(super) tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

/// A root certificate a guest gave its builder: PEM, and its hash as the pool key.
#[derive(Clone)]
pub(super) struct RootCa {
    pub(super) pem: String,
    pub(super) hash: String,
}

pub(super) struct PooledConnection {
    pub(super) client: Option<deadpool_postgres::Object>,
    pub(super) tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    /// A transaction was begun and has not ended.
    pub(super) in_transaction: AtomicBool,
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        if !self.in_transaction.load(Ordering::Acquire) {
            return;
        }
        let Some(client) = self.client.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        drop(deadpool_postgres::Object::take(client));
                    }
                });
            }
            // Taken out of the pool and closed: the server rolls the transaction back.
            Err(_) => drop(deadpool_postgres::Object::take(client)),
        }
    }
}

fn tls_connector(
    root_ca: Option<&RootCa>,
) -> anyhow::Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(ca) = root_ca {
        for cert in CertificateDer::pem_slice_iter(ca.pem.as_bytes()) {
            roots.add(cert?)?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

fn create_pool(address: &str, root_ca: Option<&RootCa>) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = address.parse()?;
    let manager_config = deadpool_postgres::ManagerConfig {
        recycling_method: deadpool_postgres::RecyclingMethod::Clean,
    };
    let (manager, tls) = if config.get_ssl_mode() == tokio_postgres::config::SslMode::Disable {
        let m =
            deadpool_postgres::Manager::from_config(config, tokio_postgres::NoTls, manager_config);
        (m, None)
    } else {
        let tls = tls_connector(root_ca)?;
        let m = deadpool_postgres::Manager::from_config(config, tls.clone(), manager_config);
        (m, Some(tls))
    };
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()?;
    Ok(Pool { pool, tls })
}

/// A connection of the gateway's own (migrations), with the TLS the host uses.
pub async fn connect_native(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let config: tokio_postgres::Config = url.parse().context("parsing the database URL")?;
    let client = if config.get_ssl_mode() == tokio_postgres::config::SslMode::Disable {
        let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        client
    } else {
        let (client, connection) = config.connect(tls_connector(None)?).await?;
        tokio::spawn(connection);
        client
    };
    Ok(client)
}

impl Pools {
    pub(super) fn pool(&self, address: &str, root_ca: Option<&RootCa>) -> anyhow::Result<Pool> {
        let key = (address.to_owned(), root_ca.map(|c| c.hash.clone()));
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = pools.get(&key) {
            return Ok(p.clone());
        }
        let pool = create_pool(address, root_ca)?;
        if pools.len() >= POOLS
            && let Some(evicted) = pools.keys().next().cloned()
        {
            pools.remove(&evicted);
        }
        pools.insert(key, pool.clone());
        Ok(pool)
    }

    /// Closes every pooled connection (at shutdown).
    pub fn close(&self) {
        let pools = std::mem::take(&mut *self.pools.lock().unwrap_or_else(|e| e.into_inner()));
        for p in pools.values() {
            p.pool.close();
        }
    }
}
