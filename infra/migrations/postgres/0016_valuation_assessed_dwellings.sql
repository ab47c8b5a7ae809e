-- The dwellings that some run has assessed successfully, each once: what the
-- dashboard's coverage counts. It replaces the index of every run's results by unit
-- code, which grew by a row per dwelling with every run (twelve city runs: 7.5 million
-- entries, a third of a run's time once past the page cache) while this table stays
-- at one row per dwelling. A chunk's successful results are added in the transaction
-- that stores them.
CREATE TABLE IF NOT EXISTS assessed_dwellings (
    unit_code TEXT PRIMARY KEY
);
INSERT INTO assessed_dwellings (unit_code)
    SELECT DISTINCT unit_code FROM assessments WHERE error_code IS NULL
    ON CONFLICT (unit_code) DO NOTHING;
DROP INDEX IF EXISTS assessments_unit;
