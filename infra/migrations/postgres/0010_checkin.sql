-- The PostgreSQL twin of infra/migrations/sqlite/0010_checkin.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Check-in (码上服务 · 入企扫码): the enterprise register with each enterprise's current
-- code serial, agencies' published rules and officers, officers' scans, inspections,
-- enterprises' reports of entry without a scan, and surveys.
-- SQL shared by SQLite and PostgreSQL: INTEGER ms timestamps, TEXT ids, JSON as text.

CREATE TABLE IF NOT EXISTS checkin_enterprises (
    credit_code   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    division_code TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    code_serial   BIGINT NOT NULL,         -- the current code's serial; older ones are revoked
    code_issued_at BIGINT NOT NULL,
    import_id     TEXT,
    updated_at    BIGINT NOT NULL
);

-- Upload slots for register files, until imported.
CREATE TABLE IF NOT EXISTS checkin_import_slots (
    object_key  TEXT PRIMARY KEY,
    slot        TEXT NOT NULL,              -- the core's UploadSlot as JSON
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Register imports, one per file checksum. status: applied | rejected.
CREATE TABLE IF NOT EXISTS checkin_imports (
    id           TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    object_key   TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    rows_total   BIGINT NOT NULL,
    rows_applied BIGINT NOT NULL,
    report       TEXT,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT NOT NULL
);

-- An agency's published rules (name, routine cap, items, campaigns) as the core's JSON.
CREATE TABLE IF NOT EXISTS checkin_agencies (
    agency      TEXT PRIMARY KEY,
    rules       TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS checkin_officers (
    agency             TEXT NOT NULL,
    subject            TEXT NOT NULL,
    name               TEXT NOT NULL,
    certificate_number TEXT NOT NULL,
    valid_from         TEXT NOT NULL,       -- YYYY-MM-DD
    valid_until        TEXT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (agency, subject)
);

-- Every officer's scan. status: waiting (for a second officer) | started | joined | lapsed.
CREATE TABLE IF NOT EXISTS checkin_scans (
    id            TEXT PRIMARY KEY,
    agency        TEXT NOT NULL,
    officer       TEXT NOT NULL,
    enterprise    TEXT NOT NULL,
    scanned_at    BIGINT NOT NULL,
    plan          TEXT NOT NULL,            -- what the officer declared, as JSON
    status        TEXT NOT NULL,
    inspection_id TEXT
);
CREATE INDEX IF NOT EXISTS checkin_scans_waiting
    ON checkin_scans (enterprise, agency, status, scanned_at);
CREATE INDEX IF NOT EXISTS checkin_scans_month
    ON checkin_scans (scanned_at, agency);

CREATE TABLE IF NOT EXISTS checkin_inspections (
    id             TEXT PRIMARY KEY,
    enterprise     TEXT NOT NULL,
    agency         TEXT NOT NULL,
    kind           TEXT NOT NULL,           -- routine | case | special
    reason         TEXT,                    -- case: why
    campaign       TEXT,                    -- special: which campaign
    item           TEXT NOT NULL,
    item_name      TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    approval_ref   TEXT NOT NULL,
    arrival_at     BIGINT NOT NULL,
    arrival_year   BIGINT NOT NULL,        -- China Standard Time, for the annual cap
    started_at     BIGINT NOT NULL,
    late_mode      TEXT,                    -- emergency | outage
    late_reason    TEXT,
    plan           TEXT NOT NULL,
    left_at        BIGINT,
    left_by        TEXT,
    outcome        TEXT,
    result_note    TEXT,
    follow_up      TEXT,
    rating_stars   BIGINT,
    rating_comment TEXT,
    rated_at       BIGINT,
    complaint_case TEXT
);
CREATE INDEX IF NOT EXISTS checkin_inspections_enterprise
    ON checkin_inspections (enterprise, agency, arrival_at);
CREATE INDEX IF NOT EXISTS checkin_inspections_cap
    ON checkin_inspections (agency, enterprise, arrival_year, kind);
CREATE INDEX IF NOT EXISTS checkin_inspections_agency
    ON checkin_inspections (agency, arrival_at);
CREATE INDEX IF NOT EXISTS checkin_inspections_arrival
    ON checkin_inspections (arrival_at);

CREATE TABLE IF NOT EXISTS checkin_inspection_officers (
    inspection_id      TEXT NOT NULL,
    officer            TEXT NOT NULL,
    certificate_number TEXT NOT NULL,
    scanned_at         BIGINT NOT NULL,
    PRIMARY KEY (inspection_id, officer)
);
CREATE INDEX IF NOT EXISTS checkin_inspection_officers_officer
    ON checkin_inspection_officers (officer);

-- An enterprise's report of officers who entered without scanning; a complaints case
-- for the discipline office carries it.
CREATE TABLE IF NOT EXISTS checkin_no_scan_reports (
    id           TEXT PRIMARY KEY,
    enterprise   TEXT NOT NULL,
    agency       TEXT NOT NULL,
    occurred_on  TEXT NOT NULL,
    description  TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    reported_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS checkin_no_scan_reports_month
    ON checkin_no_scan_reports (reported_at, agency);

CREATE TABLE IF NOT EXISTS checkin_surveys (
    id              TEXT PRIMARY KEY,
    agency          TEXT NOT NULL,
    title           TEXT NOT NULL,
    questions       TEXT NOT NULL,          -- JSON: [{text, choices: [..]}]
    industry_prefix TEXT NOT NULL,          -- '' for every industry
    division_prefix TEXT NOT NULL,          -- '' for every division
    opens_at        BIGINT NOT NULL,
    closes_at       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS checkin_survey_answers (
    survey_id   TEXT NOT NULL,
    enterprise  TEXT NOT NULL,
    answers     TEXT NOT NULL,              -- JSON: [choice index per question]
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, enterprise)
);
