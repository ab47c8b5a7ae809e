-- The PostgreSQL twin of infra/migrations/sqlite/0009_complaints.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Enterprise requests and complaints (接诉即办): the case ledger of the `complaints`
-- function. The case's full state is the core's `CaseState` as JSON (`state`); the
-- columns beside it are what lists, sweeps and the monthly analysis filter on.
-- SQL shared by SQLite and PostgreSQL: INTEGER ms timestamps, TEXT ids.

CREATE TABLE IF NOT EXISTS complaints_cases (
    id TEXT PRIMARY KEY,
    enterprise TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    lead_department TEXT,
    problem_key TEXT,
    received_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- An enterprise's own cases, newest first.
CREATE INDEX IF NOT EXISTS complaints_cases_enterprise
    ON complaints_cases (enterprise, status, received_at);
-- A department's open-case list (lead), by status and age.
CREATE INDEX IF NOT EXISTS complaints_cases_lead
    ON complaints_cases (lead_department, status, received_at);
-- The office's lists, the sweep (received/logged cases) and the month analysis.
CREATE INDEX IF NOT EXISTS complaints_cases_status
    ON complaints_cases (status, received_at);
CREATE INDEX IF NOT EXISTS complaints_cases_received
    ON complaints_cases (received_at);

-- Co-handling departments of a case (1+N), kept in step with `state`.
CREATE TABLE IF NOT EXISTS complaints_co_handlers (
    case_id TEXT NOT NULL,
    department TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, department)
);
CREATE INDEX IF NOT EXISTS complaints_co_handlers_department
    ON complaints_co_handlers (department, received_at);

-- Published typical cases (anonymised by the core; no enterprise data).
CREATE TABLE IF NOT EXISTS complaints_typical (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
