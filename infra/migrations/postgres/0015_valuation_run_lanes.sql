-- A re-assessment run is cut into lanes: consecutive ranges of its unit codes, each
-- with its own keyset cursor, so that several callers can process one run at once
-- (yingshang_core::valuation::lanes). Lane i covers the codes after lane i-1's
-- `through_unit` ('' for lane 0) up to and including its own; the last lane's
-- `through_unit` is NULL: to the end of the run's prefix. The run keeps its counts and
-- its status (finished when every lane is); its own `last_unit` is no longer moved.
-- Runs that exist already become runs of one lane where they stood.
CREATE TABLE IF NOT EXISTS reassessment_lanes (
    run_id       TEXT NOT NULL,
    lane         BIGINT NOT NULL,          -- 0, 1, … in unit-code order
    through_unit TEXT,                     -- the lane's last unit code; NULL: the prefix's end
    last_unit    TEXT NOT NULL,            -- keyset cursor; the previous lane's end at first
    status       TEXT NOT NULL,            -- 'running' | 'finished'
    PRIMARY KEY (run_id, lane)
);
INSERT INTO reassessment_lanes (run_id, lane, through_unit, last_unit, status)
    SELECT id, 0, NULL, last_unit, status FROM reassessment_runs;
