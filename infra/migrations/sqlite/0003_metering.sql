-- Shared power sockets (共享电源): sites, sockets, prepaid sessions, readings, alarms,
-- payments, the refund outbox and daily statements. Same subset as 0001: integer
-- milliseconds for instants, integer fen for money, ids as text, JSON as text.

-- A site (night market, fair, pump station) run by an operator agency.
CREATE TABLE IF NOT EXISTS power_sites (
    site_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    operator    TEXT NOT NULL,              -- the agency that set it up
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
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
    last_register_wh INTEGER,
    last_reading_at  INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
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
    prepaid_fen   INTEGER NOT NULL,
    session       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    charged_fen   INTEGER,                  -- set when settled
    refunded_fen  INTEGER,                  -- set when settled
    end_reason    TEXT,
    payment_txn   TEXT,
    created_at    INTEGER NOT NULL,
    activated_at  INTEGER,
    last_seen_at  INTEGER,                  -- server time of activation or last reading
    ended_at      INTEGER
);
CREATE INDEX IF NOT EXISTS power_sessions_socket ON power_sessions (socket_id, status);
CREATE INDEX IF NOT EXISTS power_sessions_status ON power_sessions (status, last_seen_at);
CREATE INDEX IF NOT EXISTS power_sessions_ended ON power_sessions (ended_at);

-- Payment confirmations, one per channel transaction (idempotency by its id).
CREATE TABLE IF NOT EXISTS power_payments (
    txn_id       TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES power_sessions (id),
    amount_fen   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL
);

-- Every accepted reading, once per meter and sequence number.
CREATE TABLE IF NOT EXISTS power_readings (
    meter_id     TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    session_id   TEXT,
    at           INTEGER NOT NULL,          -- device time
    register_wh  INTEGER NOT NULL,
    voltage_dv   INTEGER NOT NULL,
    current_ma   INTEGER NOT NULL,
    power_w      INTEGER NOT NULL,
    temp_dc      INTEGER NOT NULL,
    residual_ma  INTEGER NOT NULL,
    relay        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (meter_id, seq)
);

-- Protection trips, for the operator.
CREATE TABLE IF NOT EXISTS power_alarms (
    id          TEXT PRIMARY KEY,           -- ULID
    site_id     TEXT NOT NULL,
    socket_id   TEXT NOT NULL,
    meter_id    TEXT NOT NULL,
    session_id  TEXT,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    protection  TEXT NOT NULL,
    alarm       TEXT NOT NULL,              -- the core's Alarm as JSON
    created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS power_alarms_site ON power_alarms (site_id, at);

-- Refunds to the payment channel, written in the transaction that settles the
-- session; one per session. status: pending | delivered.
CREATE TABLE IF NOT EXISTS refund_outbox (
    session_id        TEXT PRIMARY KEY REFERENCES power_sessions (id),
    payment_txn       TEXT,
    amount_fen        INTEGER NOT NULL,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL,
    next_attempt_at   INTEGER NOT NULL,
    last_error        TEXT,
    channel_refund_id TEXT,
    created_at        INTEGER NOT NULL,
    delivered_at      INTEGER
);
CREATE INDEX IF NOT EXISTS refund_outbox_due ON refund_outbox (status, next_attempt_at);

-- The local stand-in for the channel's refund endpoint: refunds it accepted, one per
-- idempotency key, with the refund id it answered.
CREATE TABLE IF NOT EXISTS dev_channel_refunds (
    idem_key     TEXT PRIMARY KEY,
    refund_id    TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL
);

-- Daily statements per site (China local day), regenerated idempotently.
CREATE TABLE IF NOT EXISTS power_statements (
    site_id       TEXT NOT NULL,
    day           TEXT NOT NULL,            -- YYYY-MM-DD
    uses          INTEGER NOT NULL,
    energy_wh     INTEGER NOT NULL,
    prepaid_fen   INTEGER NOT NULL,
    revenue_fen   INTEGER NOT NULL,
    refunded_fen  INTEGER NOT NULL,
    alarms        INTEGER NOT NULL,
    statement     TEXT NOT NULL,            -- the core's DailyStatement as JSON
    generated_at  INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
);
