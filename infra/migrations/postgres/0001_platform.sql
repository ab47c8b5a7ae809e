-- The PostgreSQL twin of infra/migrations/sqlite/0001_platform.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Platform tables every function shares. The SQL subset SQLite and PostgreSQL both
-- accept: INTEGER/TEXT/BLOB, timestamps as integer milliseconds since the Unix epoch,
-- ids as text (ULIDs or random hex). Applied once, in file-name order.

-- Agency API keys. Only the SHA-256 of the whole key is stored, never the key.
CREATE TABLE IF NOT EXISTS api_keys (
    key_id       TEXT PRIMARY KEY,          -- 16 lower-case hex digits, safe to log
    agency_id    TEXT NOT NULL,
    hash         TEXT NOT NULL,             -- hex SHA-256 of ysk_<key_id>_<secret>
    scopes       TEXT NOT NULL,             -- space-separated, e.g. "valuation:read valuation:import"
    revoked_at   BIGINT,
    expires_at   BIGINT,
    last_used_at BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_agency ON api_keys (agency_id);

-- Idempotency-Key records, scoped to the caller. A row without status is in progress.
CREATE TABLE IF NOT EXISTS idempotency (
    caller       TEXT NOT NULL,             -- the principal's audit actor
    idem_key     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,             -- hex SHA-256 of method, path and body
    status       BIGINT,
    content_type TEXT,
    body         BYTEA,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);

-- Audit log: who did what to which record, with digests of before and after.
CREATE TABLE IF NOT EXISTS audit_log (
    id            TEXT PRIMARY KEY,         -- ULID
    at            BIGINT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    before_digest TEXT,
    after_digest  TEXT,
    request_id    TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log (subject, at);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at);

-- Nonces of signed device requests, kept for the replay window.
CREATE TABLE IF NOT EXISTS device_nonces (
    device_id    TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    retain_until BIGINT NOT NULL,
    UNIQUE (device_id, nonce)
);
CREATE INDEX IF NOT EXISTS device_nonces_retain ON device_nonces (retain_until);
