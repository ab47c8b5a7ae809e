-- A run keeps its own counts of results and failed results, added to in the same
-- transaction that moves its cursor over a chunk. Counting the result rows after
-- every chunk (0007) read the run's part of the primary key each time: a city-wide
-- run of N dwellings in chunks of C read about N²/2C index entries, 20 million at
-- Luoyang's 621,400 and two billion at ten times that. Runs that exist already
-- start from their counted rows.
ALTER TABLE reassessment_runs ADD COLUMN processed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reassessment_runs ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
UPDATE reassessment_runs SET
    processed = (SELECT COUNT(*) FROM assessments a WHERE a.run_id = reassessment_runs.id),
    failed = (SELECT COUNT(*) FROM assessments a
              WHERE a.run_id = reassessment_runs.id AND a.error_code IS NOT NULL);
