-- Program cycles, second part: self-match (a mentee asks a suggested mentor directly), cycles
-- for a group of regions, and the career check-ins that keep stage and needs current.

ALTER TABLE cycles ADD COLUMN self_match BOOLEAN NOT NULL DEFAULT FALSE;

-- The regions of a cycle for a group of regions; a national or one-region cycle has none.
CREATE TABLE cycle_regions (
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions (id),
    PRIMARY KEY (cycle_id, region_id)
);

CREATE INDEX cycle_regions_region ON cycle_regions (region_id);

-- A mentee's request to a mentor of a self-match cycle; `proposal_id` is the accepted pair.
CREATE TABLE match_requests (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    mentee_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    mentor_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    score INTEGER NOT NULL,
    status TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    proposal_id INTEGER REFERENCES proposals (id),
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (cycle_id, mentee_id, mentor_id)
);

CREATE INDEX match_requests_mentor ON match_requests (mentor_id, status);
CREATE INDEX match_requests_mentee ON match_requests (mentee_id, status);

-- Each confirmation or update of a person's career stage and needs: their timeline.
CREATE TABLE career_checks (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    needs TEXT NOT NULL,
    stage_changed BOOLEAN NOT NULL,
    needs_changed BOOLEAN NOT NULL,
    checked_at TEXT NOT NULL
);

CREATE INDEX career_checks_person ON career_checks (person_id, checked_at);

-- A matching run or a publication working in the background, so the page can say it is
-- running; at most one runs per cycle at a time.
CREATE TABLE matching_jobs (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    error TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX matching_jobs_cycle ON matching_jobs (cycle_id, id);
CREATE UNIQUE INDEX matching_jobs_running ON matching_jobs (cycle_id) WHERE status = 'running';
