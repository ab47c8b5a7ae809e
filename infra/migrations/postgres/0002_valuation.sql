-- The PostgreSQL twin of infra/migrations/sqlite/0002_valuation.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Per-dwelling valuation (一房一价). Money in integer fen, coefficients in integer
-- parts per million, areas in integer 0.01 m², dates as text YYYY-MM-DD, timestamps
-- as integer milliseconds. No floats. Imports (CSV through object storage) land in
-- the same tables; `source` says where a row came from.

-- Coefficient tables: versioned per city, the checked table data as JSON.
CREATE TABLE IF NOT EXISTS coefficient_tables (
    version        TEXT PRIMARY KEY,
    city_code      TEXT NOT NULL,           -- 6-digit division code, e.g. 410300
    effective_from TEXT NOT NULL,           -- YYYY-MM-DD
    data           TEXT NOT NULL,           -- TableData JSON (coefficients in ppm)
    source         TEXT NOT NULL,           -- 'demo', or the import that brought it
    created_at     BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS coefficient_tables_city ON coefficient_tables (city_code, effective_from);

-- Base prices per community ('' building) or building, dated.
CREATE TABLE IF NOT EXISTS base_prices (
    community_id     TEXT NOT NULL,
    building_id      TEXT NOT NULL,         -- '' for the community's own price
    effective_from   TEXT NOT NULL,         -- YYYY-MM-DD
    price_per_m2_fen BIGINT NOT NULL,
    source           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (community_id, building_id, effective_from)
);

-- The dwelling register.
CREATE TABLE IF NOT EXISTS dwellings (
    unit_code     TEXT PRIMARY KEY,         -- 28 characters, GB/T 37346, upper case
    division_code TEXT NOT NULL,            -- positions 1-6
    community_id  TEXT NOT NULL,
    building_id   TEXT NOT NULL,
    floor         BIGINT NOT NULL,
    total_storeys BIGINT NOT NULL,
    has_lift      BIGINT NOT NULL,         -- 0/1
    orientation   TEXT NOT NULL,            -- machine keys
    layout        TEXT NOT NULL,
    view_key      TEXT NOT NULL,
    build_year    BIGINT NOT NULL,
    decoration    TEXT NOT NULL,
    area_centi_m2 BIGINT NOT NULL,
    end_unit      BIGINT NOT NULL,         -- 0/1
    structure     TEXT NOT NULL,
    source        TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS dwellings_community ON dwellings (community_id, building_id);
CREATE INDEX IF NOT EXISTS dwellings_division ON dwellings (division_code, unit_code);

-- Re-assessment runs over a whole city, processed chunk by chunk (keyset on unit_code).
CREATE TABLE IF NOT EXISTS reassessment_runs (
    id            TEXT PRIMARY KEY,         -- ULID
    city_code     TEXT NOT NULL,
    unit_prefix   TEXT NOT NULL,            -- unit codes covered start with this
    assessed_on   TEXT NOT NULL,            -- YYYY-MM-DD
    table_version TEXT NOT NULL,
    status        TEXT NOT NULL,            -- 'running' | 'finished'
    last_unit     TEXT NOT NULL,            -- keyset cursor; '' before the first chunk
    total         BIGINT NOT NULL,         -- dwellings in scope when created
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    finished_at   BIGINT
);

-- Results of runs: one row per run and dwelling, upserted, so a chunk processed twice
-- leaves the same rows. A dwelling that cannot be assessed has error_code set.
CREATE TABLE IF NOT EXISTS assessments (
    run_id              TEXT NOT NULL,
    unit_code           TEXT NOT NULL,
    assessed_on         TEXT NOT NULL,
    unit_price_fen      BIGINT,
    total_value_fen     BIGINT,
    area_centi_m2       BIGINT,
    base_price_fen      BIGINT,
    base_price_from     TEXT,
    base_price_level    TEXT,
    table_version       TEXT NOT NULL,
    factors             TEXT,               -- JSON: dimension, value, coefficient_ppm
    error_code          TEXT,
    computed_at         BIGINT NOT NULL,
    PRIMARY KEY (run_id, unit_code)
);
CREATE INDEX IF NOT EXISTS assessments_unit ON assessments (unit_code);
