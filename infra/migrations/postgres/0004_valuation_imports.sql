-- The PostgreSQL twin of infra/migrations/sqlite/0004_valuation_imports.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Valuation imports (一房一价 data from agencies): CSV files uploaded to object storage
-- through upload slots, checked whole, then applied whole or rejected with a per-row
-- report. Same subset as 0002: integer milliseconds, JSON as text.

-- Upload slots issued to agencies: what the agency declared, until it imports.
CREATE TABLE IF NOT EXISTS valuation_import_slots (
    object_key  TEXT PRIMARY KEY,           -- chosen by the function: agency/<id>/<purpose>/<random>.csv
    kind        TEXT NOT NULL,              -- base_prices | coefficient_table | dwellings
    slot        TEXT NOT NULL,              -- the core's UploadSlot as JSON (owner, size, sha256, expiry)
    created_by  TEXT NOT NULL,              -- audit actor
    created_at  BIGINT NOT NULL
);

-- Imports: one per kind and file checksum, so a file imported twice is answered from
-- the first import. status: received (checked, being staged) | applied | rejected.
CREATE TABLE IF NOT EXISTS valuation_imports (
    id           TEXT PRIMARY KEY,          -- ULID
    kind         TEXT NOT NULL,
    sha256       TEXT NOT NULL,             -- 64 hex digits
    object_key   TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    rows_total   BIGINT NOT NULL,          -- data rows in the file
    rows_staged  BIGINT NOT NULL,          -- rows in valuation_import_dwellings (staged imports)
    rows_applied BIGINT NOT NULL,          -- rows written to the target tables
    report       TEXT,                      -- ImportReport JSON when rejected
    table_version TEXT,                     -- the version a coefficient-table import published
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    finished_at  BIGINT,                   -- applied or rejected
    UNIQUE (kind, sha256)
);

-- Rows of a large register import, staged chunk by chunk; promoted into dwellings in
-- one transaction when every row is staged, then deleted.
CREATE TABLE IF NOT EXISTS valuation_import_dwellings (
    import_id     TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    division_code TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    building_id   TEXT NOT NULL,
    floor         BIGINT NOT NULL,
    total_storeys BIGINT NOT NULL,
    has_lift      BIGINT NOT NULL,
    orientation   TEXT NOT NULL,
    layout        TEXT NOT NULL,
    view_key      TEXT NOT NULL,
    build_year    BIGINT NOT NULL,
    decoration    TEXT NOT NULL,
    area_centi_m2 BIGINT NOT NULL,
    end_unit      BIGINT NOT NULL,
    structure     TEXT NOT NULL,
    PRIMARY KEY (import_id, unit_code)
);
