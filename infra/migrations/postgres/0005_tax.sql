-- The PostgreSQL twin of infra/migrations/sqlite/0005_tax.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Property-transfer taxes (不动产交易涉税): registry holdings per ID number, stored
-- assessments (the full computed lines as JSON, never recomputed), payments, the
-- registry hand-off outbox and the local registry stand-in. Same subset as 0001.

-- Holdings the housing registry reports for one ID number (the core's Vec<Holding>
-- as JSON). A row, even with no holdings, means the registry has an answer for it.
CREATE TABLE IF NOT EXISTS tax_registry_holdings (
    id_number   TEXT PRIMARY KEY,
    holdings    TEXT NOT NULL,
    source      TEXT NOT NULL,              -- the agency actor that imported it
    updated_at  BIGINT NOT NULL
);

-- One assessment. `request` is the contract as received (JSON), `assessment` the
-- core's Assessment as JSON with every line; status: assessed | paid.
CREATE TABLE IF NOT EXISTS tax_assessments (
    id                  TEXT PRIMARY KEY,   -- ULID
    created_by          TEXT NOT NULL,      -- audit actor of the caller
    owner_subject       TEXT,               -- the creating user's subject
    owner_prefix        TEXT NOT NULL,      -- object-key prefix of the creator, e.g. citizen/u-1/
    buyer_account       TEXT,               -- token subject of the buyer, if given
    seller_account      TEXT,               -- token subject of the seller, if given
    buyer_id_number     TEXT NOT NULL,
    seller_id_number    TEXT NOT NULL,
    unit_code           TEXT NOT NULL,
    rule_set_version    TEXT NOT NULL,
    house_count_source  TEXT NOT NULL,      -- registry | pledge
    assessed_price_fen  BIGINT NOT NULL,
    total_fen           BIGINT NOT NULL,
    status              TEXT NOT NULL,
    request             TEXT NOT NULL,
    assessment          TEXT NOT NULL,      -- the core's Assessment: every line
    basis               TEXT NOT NULL,      -- house count, family, prices, notes
    payment_txn         TEXT,
    paid_at             BIGINT,
    declaration_key     TEXT,               -- object key, once rendered
    created_at          BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tax_assessments_unit ON tax_assessments (unit_code);

-- Payment confirmations, one per channel transaction (idempotency by its id).
CREATE TABLE IF NOT EXISTS tax_payments (
    txn_id         TEXT PRIMARY KEY,
    assessment_id  TEXT NOT NULL REFERENCES tax_assessments (id),
    amount_fen     BIGINT NOT NULL,
    received_at    BIGINT NOT NULL
);

-- Paid-tax records for the registry, written in the transaction that records the
-- payment; one per assessment. status: pending | delivered.
CREATE TABLE IF NOT EXISTS registry_outbox (
    assessment_id     TEXT PRIMARY KEY REFERENCES tax_assessments (id),
    record            TEXT NOT NULL,        -- the core's PaidTaxRecord as JSON
    status            TEXT NOT NULL,
    attempts          BIGINT NOT NULL,
    next_attempt_at   BIGINT NOT NULL,
    last_error        TEXT,
    registry_receipt  TEXT,
    created_at        BIGINT NOT NULL,
    delivered_at      BIGINT
);
CREATE INDEX IF NOT EXISTS registry_outbox_due ON registry_outbox (status, next_attempt_at);

-- The local stand-in for the registry's intake: records it accepted, one per
-- idempotency key, with the receipt it answered.
CREATE TABLE IF NOT EXISTS dev_registry_records (
    idem_key     TEXT PRIMARY KEY,
    receipt_id   TEXT NOT NULL,
    record       TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);

-- Records other agencies report for the after-the-fact risk screening: tax refunds
-- paid out and certificates issued (the core's RefundRecord / CertificateRecord as
-- JSON). kind: refund | certificate.
CREATE TABLE IF NOT EXISTS tax_risk_inputs (
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    record      TEXT NOT NULL,
    source      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (kind, record_id)
);

-- Risk flags for officers, once per code and set of records (re-screening adds none).
CREATE TABLE IF NOT EXISTS tax_risk_flags (
    flag_key       TEXT PRIMARY KEY,        -- <code>:<record ids joined by ','>
    code           TEXT NOT NULL,
    flag           TEXT NOT NULL,           -- the core's RiskFlag as JSON
    first_seen_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tax_risk_flags_seen ON tax_risk_flags (first_seen_at);
