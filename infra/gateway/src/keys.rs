//! `yingshang keys`: agency API keys in the application's database — the `default`
//! SQLite database of a state folder, or the PostgreSQL database `database_url`
//! names — created (the key is shown once; only its SHA-256 is stored), listed
//! (never a secret), and revoked. The rules (format, hashing, scopes) are the core's.
//! The statements are the same on both (the subset they share).

use rand::RngCore;
use sqlx::SqlitePool;
use yingshang_core::security::AgencyId;
use yingshang_core::security::apikey::{Scope, generate};

const INSERT: &str = "INSERT INTO api_keys (key_id, agency_id, hash, scopes, revoked_at, expires_at, last_used_at, created_at)
    VALUES ($1, $2, $3, $4, NULL, $5, NULL, $6)";
const REVOKE: &str = "UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL";
const LIST: &str =
    "SELECT key_id, agency_id, scopes, revoked_at, expires_at, last_used_at, created_at
    FROM api_keys ORDER BY created_at, key_id";

/// A key as listed: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyRow {
    /// The key's public id.
    pub key_id: String,
    /// The agency it acts for.
    pub agency_id: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// When it was revoked (ms), if it was.
    pub revoked_at: Option<i64>,
    /// When it expires (ms), if it does.
    pub expires_at: Option<i64>,
    /// When it was last used (ms).
    pub last_used_at: Option<i64>,
    /// When it was made (ms).
    pub created_at: i64,
}

/// Where the keys live.
pub enum KeyStore {
    /// A state folder's `default` database.
    Sqlite(SqlitePool),
    /// A PostgreSQL database (its schema applied by `yingshang migrate`).
    Postgres(tokio_postgres::Client),
}

impl KeyStore {
    /// Opens the store a `--database-url` names (`postgres://…`), or else the
    /// `default` database of `state_dir`, which must exist.
    pub async fn open(
        database_url: Option<&str>,
        state_dir: &std::path::Path,
    ) -> anyhow::Result<Self> {
        if let Some(url) = database_url {
            anyhow::ensure!(
                url.starts_with("postgres://") || url.starts_with("postgresql://"),
                "--database-url must be a postgres:// URL (SQLite: use --state-dir)"
            );
            return Ok(Self::Postgres(
                crate::host::postgres::connect_native(url).await?,
            ));
        }
        let db = state_dir.join("sqlite_db.db");
        anyhow::ensure!(
            db.exists(),
            "{} does not exist; run `yingshang up` first",
            db.display()
        );
        Ok(Self::Sqlite(crate::databases::open_pool(&db, 1).await?))
    }

    /// Closes the connections.
    pub async fn close(self) {
        if let Self::Sqlite(pool) = self {
            pool.close().await;
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Creates a key for `agency` with `scopes`, valid for `days` (forever if `None`).
/// Returns the full key: it is shown once and cannot be recovered.
pub async fn create(
    store: &KeyStore,
    agency: &str,
    scopes: &[String],
    days: Option<u32>,
) -> anyhow::Result<String> {
    let agency =
        AgencyId::parse(agency).map_err(|e| anyhow::anyhow!("agency: {}", e.message_en()))?;
    anyhow::ensure!(
        !scopes.is_empty(),
        "give at least one --scope (e.g. valuation:import)"
    );
    let scopes = scopes
        .iter()
        .map(|s| {
            Scope::parse(s)
                .map(|s| s.as_str().to_owned())
                .map_err(|e| anyhow::anyhow!("scope `{s}`: {}", e.message_en()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut random = [0u8; 40];
    rand::rng().fill_bytes(&mut random);
    let key = generate(&random);
    let now = now_ms();
    let expires = days.map(|d| now + i64::from(d) * 86_400_000);
    let scopes = scopes.join(" ");
    match store {
        KeyStore::Sqlite(pool) => {
            sqlx::query(INSERT)
                .bind(key.key_id.as_str())
                .bind(agency.as_str())
                .bind(&key.hash)
                .bind(&scopes)
                .bind(expires)
                .bind(now)
                .execute(pool)
                .await?;
        }
        KeyStore::Postgres(client) => {
            let args: [&(dyn tokio_postgres::types::ToSql + Sync); 6] = [
                &key.key_id.as_str(),
                &agency.as_str(),
                &key.hash,
                &scopes,
                &expires,
                &now,
            ];
            client.execute(INSERT, &args).await?;
        }
    }
    Ok(key.key)
}

/// Revokes a key; `false` when there is no such unrevoked key.
pub async fn revoke(store: &KeyStore, key_id: &str) -> anyhow::Result<bool> {
    let changed = match store {
        KeyStore::Sqlite(pool) => sqlx::query(REVOKE)
            .bind(now_ms())
            .bind(key_id)
            .execute(pool)
            .await?
            .rows_affected(),
        KeyStore::Postgres(client) => client.execute(REVOKE, &[&now_ms(), &key_id]).await?,
    };
    Ok(changed == 1)
}

/// Every key, without secrets.
pub async fn list(store: &KeyStore) -> anyhow::Result<Vec<KeyRow>> {
    match store {
        KeyStore::Sqlite(pool) => Ok(sqlx::query_as::<_, KeyRow>(LIST).fetch_all(pool).await?),
        KeyStore::Postgres(client) => Ok(client
            .query(LIST, &[])
            .await?
            .iter()
            .map(|r| KeyRow {
                key_id: r.get(0),
                agency_id: r.get(1),
                scopes: r.get(2),
                revoked_at: r.get(3),
                expires_at: r.get(4),
                last_used_at: r.get(5),
                created_at: r.get(6),
            })
            .collect()),
    }
}
