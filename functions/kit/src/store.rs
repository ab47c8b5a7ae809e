//! The kit's SQL, as named constants, and the only code that runs it: the platform
//! tables of `infra/migrations/sqlite/0001_platform.sql`. Parameters are `$1…$n` in
//! order of appearance, which SQLite and PostgreSQL both read.

use crate::db::{self, Db, DbError, Row};
use std::collections::BTreeSet;
use time::OffsetDateTime;
use yingshang_core::security::AgencyId;
use yingshang_core::security::apikey::{ApiKeyRecord, KeyId, Scope};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::idempotency::{
    Fingerprint, IdempotencyKey, IdempotencyRecord, StoredResponse,
};

/// Starts a transaction, taking SQLite's write lock at once. A deferred `BEGIN` reads
/// under a snapshot and upgrades to a writer at its first write; if another
/// connection committed in between, SQLite answers `SQLITE_BUSY` at once without
/// waiting on the busy timeout (the snapshot is stale), and the request fails. Every
/// transaction of the functions writes, so it waits for the lock up front instead.
const BEGIN_SQLITE: &str = "BEGIN IMMEDIATE";
/// The same on PostgreSQL: a transaction that first takes the database's one write
/// lock (an advisory lock held until it ends). Every function's rules were written
/// for SQLite's one writer at a time — read, decide, write, with nobody writing in
/// between — and this keeps that true on a server shared by many gateways, without
/// touching a rule. Reads outside transactions do not take it.
const BEGIN_POSTGRES: [&str; 2] = ["BEGIN", "SELECT pg_advisory_xact_lock(7223)"];

/// Whether a statement may write: anything but a query (`SELECT`, `VALUES`, or a
/// `WITH` that ends in one) and the transaction statements themselves.
pub fn is_write(sql: &str) -> bool {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match first.as_str() {
        "SELECT" | "VALUES" | "BEGIN" | "COMMIT" | "ROLLBACK" | "END" | "SHOW" => false,
        "WITH" => {
            let upper = sql.to_ascii_uppercase();
            ["INSERT ", "UPDATE ", "DELETE "]
                .iter()
                .any(|w| upper.contains(w))
        }
        _ => true,
    }
}

/// The statements that start a write transaction on either backend.
pub fn begin_statements(postgres: bool) -> &'static [&'static str] {
    if postgres {
        &BEGIN_POSTGRES
    } else {
        std::slice::from_ref(&BEGIN_SQLITE)
    }
}
/// Commits it.
pub const COMMIT: &str = "COMMIT";
/// Rolls it back.
pub const ROLLBACK: &str = "ROLLBACK";

const SELECT_API_KEY: &str = "SELECT key_id, agency_id, hash, scopes, revoked_at, expires_at \
     FROM api_keys WHERE key_id = $1";
const TOUCH_API_KEY: &str = "UPDATE api_keys SET last_used_at = $1 WHERE key_id = $2";

const SELECT_IDEMPOTENCY: &str = "SELECT fingerprint, status, content_type, body, created_at \
     FROM idempotency WHERE caller = $1 AND idem_key = $2";
/// Claims a key: a new row, an abandoned claim (no answer, claimed before `$5`) or
/// an expired record (claimed before `$6`) taken over. Nothing changes while another
/// live request holds it, nor while an answer is kept.
const CLAIM_IDEMPOTENCY: &str = "INSERT INTO idempotency (caller, idem_key, fingerprint, created_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (caller, idem_key) DO UPDATE SET \
     fingerprint = excluded.fingerprint, created_at = excluded.created_at, \
     status = NULL, content_type = NULL, body = NULL \
     WHERE (idempotency.status IS NULL AND idempotency.created_at < $5) \
     OR idempotency.created_at < $6";
/// Deletes the records claimed before `$1` (past their retention).
const EXPIRE_IDEMPOTENCY: &str = "DELETE FROM idempotency WHERE created_at < $1";
/// Stores the answer of the claim made at `$6`, if it still holds the key.
const COMPLETE_IDEMPOTENCY: &str = "UPDATE idempotency SET status = $1, content_type = $2, body = $3 \
     WHERE caller = $4 AND idem_key = $5 AND created_at = $6 AND status IS NULL";
/// Releases the claim made at `$3`, if it still holds the key unanswered.
const DELETE_IDEMPOTENCY: &str = "DELETE FROM idempotency \
     WHERE caller = $1 AND idem_key = $2 AND created_at = $3 AND status IS NULL";

const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (id, at, actor, action, subject, before_digest, after_digest, request_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const INSERT_DEVICE_NONCE: &str = "INSERT INTO device_nonces (device_id, nonce, retain_until) \
     VALUES ($1, $2, $3) ON CONFLICT (device_id, nonce) DO NOTHING";
const DELETE_DEVICE_NONCES_BEFORE: &str = "DELETE FROM device_nonces WHERE retain_until < $1";

fn corrupt(what: &str) -> DbError {
    db::corrupt(what, "not a valid value")
}

fn api_key_of(row: &Row) -> Result<ApiKeyRecord, DbError> {
    let scopes = row
        .text(3)?
        .split_whitespace()
        .map(Scope::parse)
        .collect::<Result<BTreeSet<_>, _>>()
        .map_err(|_| corrupt("api_keys.scopes"))?;
    Ok(ApiKeyRecord {
        key_id: KeyId::parse(&row.text(0)?).map_err(|_| corrupt("api_keys.key_id"))?,
        agency: AgencyId::parse(&row.text(1)?).map_err(|_| corrupt("api_keys.agency_id"))?,
        hash: row.text(2)?,
        scopes,
        revoked_at: row.opt_int(4)?.map(crate::clock::from_unix_ms),
        expires_at: row.opt_int(5)?.map(crate::clock::from_unix_ms),
    })
}

/// The stored API key with this id, if any.
pub async fn api_key(db: &Db, key_id: &KeyId) -> Result<Option<ApiKeyRecord>, DbError> {
    match db
        .query_one(SELECT_API_KEY, vec![db::text(key_id.as_str())])
        .await?
    {
        Some(row) => api_key_of(&row).map(Some),
        None => Ok(None),
    }
}

/// Records that a key was used at `now`.
pub async fn touch_api_key(db: &Db, key_id: &KeyId, now: OffsetDateTime) -> Result<(), DbError> {
    db.execute(
        TOUCH_API_KEY,
        vec![
            db::int(crate::clock::unix_ms(now)),
            db::text(key_id.as_str()),
        ],
    )
    .await
    .map(drop)
}

/// The idempotency record of a caller's key, if any.
pub async fn idempotency_record(
    db: &Db,
    caller: &str,
    key: &IdempotencyKey,
) -> Result<Option<IdempotencyRecord>, DbError> {
    let Some(row) = db
        .query_one(
            SELECT_IDEMPOTENCY,
            vec![db::text(caller), db::text(key.as_str())],
        )
        .await?
    else {
        return Ok(None);
    };
    let fingerprint =
        Fingerprint::from_hex(&row.text(0)?).ok_or_else(|| corrupt("idempotency.fingerprint"))?;
    let response = match row.opt_int(1)? {
        Some(status) => Some(StoredResponse {
            status: u16::try_from(status).map_err(|_| corrupt("idempotency.status"))?,
            content_type: row.opt_text(2)?,
            body: row.bytes(3)?,
        }),
        None => None,
    };
    Ok(Some(IdempotencyRecord {
        key: key.clone(),
        fingerprint,
        response,
        claimed_at: crate::clock::from_unix_ms(row.int(4)?),
    }))
}

/// Claims a caller's key for a request at `now` (taking over a claim abandoned
/// before `stale_before`, or any record claimed before `expired_before`); false if
/// another live request holds it or its answer is still kept.
pub async fn claim_idempotency(
    db: &Db,
    caller: &str,
    key: &IdempotencyKey,
    fingerprint: &Fingerprint,
    now: OffsetDateTime,
    stale_before: OffsetDateTime,
    expired_before: OffsetDateTime,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            CLAIM_IDEMPOTENCY,
            vec![
                db::text(caller),
                db::text(key.as_str()),
                db::text(fingerprint.to_hex()),
                db::int(crate::clock::unix_ms(now)),
                db::int(crate::clock::unix_ms(stale_before)),
                db::int(crate::clock::unix_ms(expired_before)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Deletes the idempotency records claimed before `before`; answers how many.
pub async fn expire_idempotency(db: &Db, before: OffsetDateTime) -> Result<u64, DbError> {
    db.execute(
        EXPIRE_IDEMPOTENCY,
        vec![db::int(crate::clock::unix_ms(before))],
    )
    .await
}

/// Stores the response of the claim made at `claimed_at`; false if that claim no
/// longer holds the key unanswered (it was answered, or taken over).
pub async fn complete_idempotency(
    db: &Db,
    caller: &str,
    key: &IdempotencyKey,
    claimed_at: OffsetDateTime,
    response: &StoredResponse,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            COMPLETE_IDEMPOTENCY,
            vec![
                db::int(i64::from(response.status)),
                db::opt_text(response.content_type.clone()),
                db::blob(response.body.clone()),
                db::text(caller),
                db::text(key.as_str()),
                db::int(crate::clock::unix_ms(claimed_at)),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Releases the claim made at `claimed_at`, so that a retry runs again.
pub async fn release_idempotency(
    db: &Db,
    caller: &str,
    key: &IdempotencyKey,
    claimed_at: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        DELETE_IDEMPOTENCY,
        vec![
            db::text(caller),
            db::text(key.as_str()),
            db::int(crate::clock::unix_ms(claimed_at)),
        ],
    )
    .await
    .map(drop)
}

/// Writes one audit row.
pub async fn insert_audit(
    db: &Db,
    id: &str,
    entry: &AuditEntry,
    request_id: &str,
) -> Result<(), DbError> {
    db.execute(
        INSERT_AUDIT,
        vec![
            db::text(id),
            db::int(crate::clock::unix_ms(entry.at)),
            db::text(entry.actor.as_str()),
            db::text(entry.action.as_str()),
            db::text(entry.subject.as_str()),
            db::opt_text(entry.before_digest.clone()),
            db::opt_text(entry.after_digest.clone()),
            db::text(request_id),
        ],
    )
    .await
    .map(drop)
}

/// Remembers a device's nonce until `retain_until_ms`; false if it was already there.
pub async fn insert_device_nonce(
    db: &Db,
    device_id: &str,
    nonce: &str,
    retain_until_ms: i64,
) -> Result<bool, DbError> {
    let changed = db
        .execute(
            INSERT_DEVICE_NONCE,
            vec![
                db::text(device_id),
                db::text(nonce),
                db::int(retain_until_ms),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Forgets nonces retained until before `now_ms`.
pub async fn delete_device_nonces_before(db: &Db, now_ms: i64) -> Result<u64, DbError> {
    db.execute(DELETE_DEVICE_NONCES_BEFORE, vec![db::int(now_ms)])
        .await
}
