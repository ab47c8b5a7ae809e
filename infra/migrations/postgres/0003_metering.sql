-- The PostgreSQL twin of infra/migrations/sqlite/0003_metering.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Shared power sockets (共享电源): sites, sockets, prepaid sessions, readings, alarms,
-- payments, the refund outbox and daily statements. Same subset as 0001: integer
-- milliseconds for instants, integer fen for money, ids as text, JSON as text.

-- A site (night market, fair, pump station) run by an operator agency.
CREATE TABLE IF NOT EXISTS power_sites (
    site_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    operator    TEXT NOT NULL,              -- the agency that set it up
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- A socket, its meter (the device id that signs readings), the device's HMAC secret
-- (kept in clear to verify; never answered, never logged), its dated models and its
-- dated tariff plan (core JSON), and the last reading seen from it.
CREATE TABLE IF NOT EXISTS power_sockets (
    socket_id        TEXT PRIMARY KEY,
    site_id          TEXT NOT NULL REFERENCES power_sites (site_id),
    meter_id         TEXT NOT NULL UNIQUE,
    device_secret    TEXT NOT NULL,
    models           TEXT NOT NULL,
    tariff           TEXT NOT NULL,
    last_register_wh BIGINT,
    last_reading_at  BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS power_sockets_site ON power_sockets (site_id);

-- A prepaid session. `session` is the core's Session as JSON; the columns beside it
-- are what queries need. `version` guards read-modify-write (optimistic locking).
-- status: created | active | ended | cancelled.
CREATE TABLE IF NOT EXISTS power_sessions (
    id            TEXT PRIMARY KEY,         -- ULID
    socket_id     TEXT NOT NULL REFERENCES power_sockets (socket_id),
    site_id       TEXT NOT NULL,
    meter_id      TEXT NOT NULL,
    owner         TEXT NOT NULL,            -- the customer's audit actor (user:<sub>)
    status        TEXT NOT NULL,
    prepaid_fen   BIGINT NOT NULL,
    session       TEXT NOT NULL,
    version       BIGINT NOT NULL,
    charged_fen   BIGINT,                  -- set when settled
    refunded_fen  BIGINT,                  -- set when settled
    end_reason    TEXT,
    payment_txn   TEXT,
    created_at    BIGINT NOT NULL,
    activated_at  BIGINT,
    last_seen_at  BIGINT,                  -- server time of activation or last reading
    ended_at      BIGINT
);
CREATE INDEX IF NOT EXISTS power_sessions_socket ON power_sessions (socket_id, status);
CREATE INDEX IF NOT EXISTS power_sessions_status ON power_sessions (status, last_seen_at);
CREATE INDEX IF NOT EXISTS power_sessions_ended ON power_sessions (ended_at);

-- Payment confirmations, one per channel transaction (idempotency by its id).
CREATE TABLE IF NOT EXISTS power_payments (
    txn_id       TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES power_sessions (id),
    amount_fen   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL
);

-- Every accepted reading, once per meter and sequence number.
CREATE TABLE IF NOT EXISTS power_readings (
    meter_id     TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    session_id   TEXT,
    at           BIGINT NOT NULL,          -- device time
    register_wh  BIGINT NOT NULL,
    voltage_dv   BIGINT NOT NULL,
    current_ma   BIGINT NOT NULL,
    power_w      BIGINT NOT NULL,
    temp_dc      BIGINT NOT NULL,
    residual_ma  BIGINT NOT NULL,
    relay        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (meter_id, seq)
);

-- Protection trips, for the operator.
CREATE TABLE IF NOT EXISTS power_alarms (
    id          TEXT PRIMARY KEY,           -- ULID
    site_id     TEXT NOT NULL,
    socket_id   TEXT NOT NULL,
    meter_id    TEXT NOT NULL,
    session_id  TEXT,
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    protection  TEXT NOT NULL,
    alarm       TEXT NOT NULL,              -- the core's Alarm as JSON
    created_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS power_alarms_site ON power_alarms (site_id, at);

-- Refunds to the payment channel, written in the transaction that settles the
-- session; one per session. status: pending | delivered.
CREATE TABLE IF NOT EXISTS refund_outbox (
    session_id        TEXT PRIMARY KEY REFERENCES power_sessions (id),
    payment_txn       TEXT,
    amount_fen        BIGINT NOT NULL,
    status            TEXT NOT NULL,
    attempts          BIGINT NOT NULL,
    next_attempt_at   BIGINT NOT NULL,
    last_error        TEXT,
    channel_refund_id TEXT,
    created_at        BIGINT NOT NULL,
    delivered_at      BIGINT
);
CREATE INDEX IF NOT EXISTS refund_outbox_due ON refund_outbox (status, next_attempt_at);

-- The local stand-in for the channel's refund endpoint: refunds it accepted, one per
-- idempotency key, with the refund id it answered.
CREATE TABLE IF NOT EXISTS dev_channel_refunds (
    idem_key     TEXT PRIMARY KEY,
    refund_id    TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL
);

-- Daily statements per site (China local day), regenerated idempotently.
CREATE TABLE IF NOT EXISTS power_statements (
    site_id       TEXT NOT NULL,
    day           TEXT NOT NULL,            -- YYYY-MM-DD
    uses          BIGINT NOT NULL,
    energy_wh     BIGINT NOT NULL,
    prepaid_fen   BIGINT NOT NULL,
    revenue_fen   BIGINT NOT NULL,
    refunded_fen  BIGINT NOT NULL,
    alarms        BIGINT NOT NULL,
    statement     TEXT NOT NULL,            -- the core's DailyStatement as JSON
    generated_at  BIGINT NOT NULL,
    PRIMARY KEY (site_id, day)
);
