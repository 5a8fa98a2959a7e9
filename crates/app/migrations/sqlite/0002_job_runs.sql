-- Scheduled work done once across every instance: a run claims its key by inserting it.
CREATE TABLE job_runs (
    run_key TEXT PRIMARY KEY,
    claimed_at TEXT NOT NULL
);
