-- The PostgreSQL twin of infra/migrations/sqlite/0007_valuation_run_counts.sql: the same tables, columns,
-- keys and indexes; every integer is BIGINT (the functions bind 64-bit integers),
-- blobs are BYTEA.
-- Progress of a re-assessment run is counted from its result rows after every chunk.
-- The results are counted on the primary key (run_id, unit_code); the failures on
-- this partial index, which holds failed results only (an error code is rare), so
-- neither count reads the rows (with their factors JSON) and writing a successful
-- result costs nothing more. Before, counting read every row of the run, so each
-- chunk of a city-wide run was slower than the one before.
CREATE INDEX IF NOT EXISTS assessments_run_failed ON assessments (run_id)
    WHERE error_code IS NOT NULL;
