-- The coordinator network: terms, applications to coordinate, cohorts with their curriculum
-- and records, and mentor circles. Dates of terms, cohorts and gatherings are calendar dates
-- (TEXT 'YYYY-MM-DD' here, DATE on PostgreSQL); timestamps are UTC as elsewhere.

CREATE TABLE coordinator_terms (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions (id),
    role TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    appointed_by INTEGER REFERENCES people (id),
    cut_short_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX coordinator_terms_region ON coordinator_terms (region_id, role, starts_on);
CREATE INDEX coordinator_terms_person ON coordinator_terms (person_id, region_id);

CREATE TABLE coordinator_applications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions (id),
    statement TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by INTEGER REFERENCES people (id),
    decided_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX coordinator_applications_region ON coordinator_applications (region_id, status);

CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    lead_id INTEGER REFERENCES people (id),
    min_convenings INTEGER NOT NULL,
    min_resources INTEGER NOT NULL,
    min_sessions INTEGER NOT NULL,
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE TABLE cohort_members (
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    enrolled_at TEXT NOT NULL,
    graduated_at TEXT,
    graduated_by INTEGER REFERENCES people (id),
    override_reason TEXT,
    PRIMARY KEY (cohort_id, person_id)
);

CREATE INDEX cohort_members_person ON cohort_members (person_id);

CREATE TABLE cohort_modules (
    id INTEGER PRIMARY KEY,
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    due_on TEXT,
    resource_url TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX cohort_modules_cohort ON cohort_modules (cohort_id, due_on);

CREATE TABLE module_completions (
    module_id INTEGER NOT NULL REFERENCES cohort_modules (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (module_id, person_id)
);

CREATE TABLE cohort_records (
    id INTEGER PRIMARY KEY,
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    note TEXT NOT NULL,
    logged_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE INDEX cohort_records_member ON cohort_records (cohort_id, person_id, kind);

CREATE TABLE circles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    guide_id INTEGER NOT NULL REFERENCES people (id),
    region_id INTEGER REFERENCES regions (id),
    topic_id INTEGER REFERENCES topics (id),
    created_at TEXT NOT NULL
);

CREATE TABLE circle_members (
    circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    joined_at TEXT,
    PRIMARY KEY (circle_id, person_id)
);

CREATE INDEX circle_members_person ON circle_members (person_id, status);

CREATE TABLE circle_gatherings (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,
    note TEXT NOT NULL,
    logged_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE INDEX circle_gatherings_circle ON circle_gatherings (circle_id, held_on);

CREATE TABLE circle_notes (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX circle_notes_circle ON circle_notes (circle_id, created_at);
