//! `yingshang keys`: agency API keys in the application's `default` database —
//! created (the key is shown once; only its SHA-256 is stored), listed (never a
//! secret), and revoked. The rules (format, hashing, scopes) are the core's.

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

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Creates a key for `agency` with `scopes`, valid for `days` (forever if `None`).
/// Returns the full key: it is shown once and cannot be recovered.
pub async fn create(
    pool: &SqlitePool,
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
    sqlx::query(INSERT)
        .bind(key.key_id.as_str())
        .bind(agency.as_str())
        .bind(&key.hash)
        .bind(scopes.join(" "))
        .bind(expires)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(key.key)
}

/// Revokes a key; `false` when there is no such unrevoked key.
pub async fn revoke(pool: &SqlitePool, key_id: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query(REVOKE)
        .bind(now_ms())
        .bind(key_id)
        .execute(pool)
        .await?
        .rows_affected()
        == 1)
}

/// Every key, without secrets.
pub async fn list(pool: &SqlitePool) -> anyhow::Result<Vec<KeyRow>> {
    Ok(sqlx::query_as::<_, KeyRow>(LIST).fetch_all(pool).await?)
}
