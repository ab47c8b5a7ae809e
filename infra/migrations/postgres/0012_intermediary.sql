-- The PostgreSQL twin of infra/migrations/sqlite/0012_intermediary.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- The intermediary marketplace (网上中介超市): items staff added to the built-in
-- catalogue, providers (intermediary agencies, by credit code) and their
-- qualifications, projects with their rounds, bids, evaluations, sanctions and the
-- handling of warnings, the credit feed, OCDS releases as published, and the
-- notification outbox (SMS and the approval system's intake).
-- SQL shared by SQLite and PostgreSQL: INTEGER ms timestamps, TEXT ids, JSON as text.

CREATE TABLE IF NOT EXISTS intermediary_items (
    code       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,               -- the core's item as JSON
    added_by   TEXT NOT NULL,
    added_at   BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS intermediary_providers (
    credit_code   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,            -- for SMS reminders; never published
    registered_at BIGINT NOT NULL,
    serious_violation BIGINT NOT NULL,     -- 1: red card (expelled)
    handling_step TEXT                      -- warning_interview | rectify | enforcement
);

CREATE TABLE IF NOT EXISTS intermediary_qualifications (
    credit_code   TEXT NOT NULL,
    qualification TEXT NOT NULL,            -- a qualification type of the catalogue
    certificate   TEXT NOT NULL,
    valid_until   TEXT NOT NULL,            -- YYYY-MM-DD
    status        TEXT NOT NULL,            -- pending | approved | rejected
    reason        TEXT,
    decided_by    TEXT,
    decided_at    BIGINT,
    PRIMARY KEY (credit_code, qualification)
);

CREATE TABLE IF NOT EXISTS intermediary_projects (
    id               TEXT PRIMARY KEY,
    ocid             TEXT NOT NULL UNIQUE,
    owner            TEXT NOT NULL,         -- enterprise:<credit code> | agency:<agency id>
    owner_name       TEXT NOT NULL,
    owner_phone      TEXT NOT NULL,
    title            TEXT NOT NULL,
    item             TEXT NOT NULL,
    budget_cap_fen   BIGINT NOT NULL,
    method           TEXT NOT NULL,         -- direct | random_draw | scoring
    price_weight     BIGINT,               -- scoring: the price's weight in percent
    statutory_working_days BIGINT NOT NULL,
    contractual_days BIGINT NOT NULL,
    round            BIGINT NOT NULL,      -- 1, raised by each re-announcement
    bid_deadline     BIGINT NOT NULL,
    seed             TEXT NOT NULL,         -- hex; secret until the round closes
    commitment       TEXT NOT NULL,         -- SHA-256 of the seed, published with the notice
    status           TEXT NOT NULL,         -- open | failed | choosing | scoring | awarded | contracted | delivered | evaluated
    winner           TEXT,
    award_price_fen  BIGINT,
    score_centi      BIGINT,
    valid_bidders    TEXT,                  -- JSON array of credit codes, sorted, at the close
    signed_on        TEXT,
    statutory_due    TEXT,
    contractual_due  TEXT,
    delivered_on     TEXT,
    result_summary   TEXT,
    published_at     BIGINT NOT NULL,
    closed_at        BIGINT,
    awarded_at       BIGINT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS intermediary_projects_due
    ON intermediary_projects (status, bid_deadline);

CREATE TABLE IF NOT EXISTS intermediary_bids (
    project_id     TEXT NOT NULL,
    round          BIGINT NOT NULL,
    provider       TEXT NOT NULL,
    price_fen      BIGINT NOT NULL,
    proposal       TEXT NOT NULL,
    proposal_score BIGINT,
    submitted_at   BIGINT NOT NULL,
    PRIMARY KEY (project_id, round, provider)
);

CREATE TABLE IF NOT EXISTS intermediary_evaluations (
    project_id      TEXT PRIMARY KEY,
    provider        TEXT NOT NULL,
    timeliness      BIGINT NOT NULL,
    quality         BIGINT NOT NULL,
    attitude        BIGINT NOT NULL,
    fees            BIGINT NOT NULL,
    total           BIGINT NOT NULL,
    stars           BIGINT NOT NULL,
    burden_reversed BIGINT NOT NULL,
    evidence_due    TEXT,                   -- YYYY-MM-DD when the burden is reversed
    evidence        TEXT,
    evidence_at     BIGINT,
    evaluated_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS intermediary_evaluations_provider
    ON intermediary_evaluations (provider, evaluated_at);

CREATE TABLE IF NOT EXISTS intermediary_sanctions (
    id           TEXT PRIMARY KEY,
    provider     TEXT NOT NULL,
    misconduct   TEXT NOT NULL,
    proven_on    TEXT NOT NULL,
    frozen_until TEXT NOT NULL,
    note         TEXT NOT NULL,
    imposed_by   TEXT NOT NULL,
    imposed_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS intermediary_sanctions_provider
    ON intermediary_sanctions (provider);

-- The credit feed other platforms read: sanctions and cards, newest last.
CREATE TABLE IF NOT EXISTS intermediary_credit_events (
    id           TEXT PRIMARY KEY,          -- ULID: the feed's order and cursor
    provider     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

-- OCDS releases as published (never changed afterwards).
CREATE TABLE IF NOT EXISTS intermediary_releases (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL,
    tag          TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS intermediary_releases_project
    ON intermediary_releases (project_id, published_at);
CREATE INDEX IF NOT EXISTS intermediary_releases_published
    ON intermediary_releases (published_at, id);

-- Reminders sent, so a sweep never sends one twice.
CREATE TABLE IF NOT EXISTS intermediary_reminders (
    project_id TEXT NOT NULL,
    which      TEXT NOT NULL,               -- statutory | contractual | overdue-…
    days_ahead BIGINT NOT NULL,
    sent_at    BIGINT NOT NULL,
    PRIMARY KEY (project_id, which, days_ahead)
);

-- Notifications: SMS to owners and agencies, results to the approval system.
CREATE TABLE IF NOT EXISTS intermediary_outbox (
    message_id      TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,          -- sms | approval_result
    body            TEXT NOT NULL,          -- the JSON sent
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    receipt         TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX IF NOT EXISTS intermediary_outbox_due
    ON intermediary_outbox (status, next_attempt_at);

-- What the local stand-ins received (the SMS gateway and the approval system).
CREATE TABLE IF NOT EXISTS dev_sms_messages (
    idempotency_key TEXT PRIMARY KEY,
    receipt_id      TEXT NOT NULL,
    body            TEXT NOT NULL,
    received_at     BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS dev_approval_results (
    idempotency_key TEXT PRIMARY KEY,
    receipt_id      TEXT NOT NULL,
    body            TEXT NOT NULL,
    received_at     BIGINT NOT NULL
);
