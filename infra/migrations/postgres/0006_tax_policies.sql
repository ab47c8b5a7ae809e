-- The PostgreSQL twin of infra/migrations/sqlite/0006_tax_policies.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- 免申即享 and 红利账单: the tax bureau's policy catalogue (versions, as data), the
-- enterprise attributes the conditions look at, the matches a schedule keeps, and the
-- savings the bill sums. Same SQL subset as 0001.

-- One published catalogue version (the core's PolicyCatalogue as JSON). Versions never
-- change; the current catalogue is the one published last.
CREATE TABLE IF NOT EXISTS tax_policy_catalogues (
    version       TEXT PRIMARY KEY,
    catalogue     TEXT NOT NULL,
    source        TEXT NOT NULL,              -- the agency actor that published it
    published_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tax_policy_catalogues_published
    ON tax_policy_catalogues (published_at);

-- Enterprise attributes (the core's Enterprise as JSON). matched_version/matched_at
-- say which catalogue the matches were last computed with; a row whose attributes
-- changed since, or whose catalogue is not the current one, is due again.
CREATE TABLE IF NOT EXISTS tax_enterprises (
    credit_code      TEXT PRIMARY KEY,
    attributes       TEXT NOT NULL,
    source           TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    matched_version  TEXT,
    matched_at       BIGINT
);
CREATE INDEX IF NOT EXISTS tax_enterprises_matched ON tax_enterprises (matched_version);

-- The policies an enterprise enjoys (the core's PolicyMatch as JSON, with reasons).
-- A match that no longer holds is kept with ended_at, so the history stays readable.
CREATE TABLE IF NOT EXISTS tax_policy_matches (
    credit_code        TEXT NOT NULL,
    policy_id          TEXT NOT NULL,
    catalogue_version  TEXT NOT NULL,
    policy_match       TEXT NOT NULL,
    first_matched_at   BIGINT NOT NULL,      -- start of the current run of matches
    matched_at         BIGINT NOT NULL,
    ended_at           BIGINT,
    PRIMARY KEY (credit_code, policy_id)
);

-- Savings the tax system recorded per enterprise and policy (one per record id, so
-- a re-sent batch counts once); the dividend bill sums them per period.
CREATE TABLE IF NOT EXISTS tax_policy_savings (
    record_id    TEXT PRIMARY KEY,
    credit_code  TEXT NOT NULL,
    policy_id    TEXT NOT NULL,
    on_date      TEXT NOT NULL,               -- YYYY-MM-DD, compares as text
    saved_fen    BIGINT NOT NULL,
    source       TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tax_policy_savings_code_date
    ON tax_policy_savings (credit_code, on_date);
