-- Program cycles: the cycle and its recorded moves, mentees' applications, mentors' offers,
-- matching runs with their proposals, the coordinator's pinned and forbidden pairs, and the
-- mentorships that both people accepted. Dates without a time are TEXT 'YYYY-MM-DD'.

CREATE TABLE cycles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    region_id INTEGER REFERENCES regions (id),
    state TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    matching_on TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    duration_months INTEGER NOT NULL,
    cadence TEXT NOT NULL,
    answer_days INTEGER NOT NULL,
    weights TEXT NOT NULL,
    copied_from INTEGER REFERENCES cycles (id),
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX cycles_region ON cycles (region_id, state);

CREATE TABLE cycle_moves (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    move TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    moved_at TEXT NOT NULL
);

CREATE INDEX cycle_moves_cycle ON cycle_moves (cycle_id, moved_at);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    goals TEXT NOT NULL,
    same_library_type BOOLEAN NOT NULL,
    nearby BOOLEAN NOT NULL,
    wants_peer BOOLEAN NOT NULL,
    avoid_same_institution BOOLEAN NOT NULL,
    language TEXT NOT NULL,
    modality TEXT NOT NULL,
    availability TEXT NOT NULL,
    affinity TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (cycle_id, person_id)
);

CREATE INDEX applications_person ON applications (person_id);
-- The waitlist and the matching page list a cycle's applications in order of submission.
CREATE INDEX applications_order ON applications (cycle_id, submitted_at, id);

CREATE TABLE application_needs (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (application_id, rank)
);

CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    capacity INTEGER NOT NULL,
    stages TEXT NOT NULL,
    modality TEXT NOT NULL,
    availability TEXT NOT NULL,
    affinity TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (cycle_id, person_id)
);

CREATE INDEX offers_person ON offers (person_id);

CREATE TABLE offer_topics (
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (offer_id, topic_id)
);

CREATE TABLE matching_runs (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people (id),
    summary TEXT NOT NULL,
    ran_at TEXT NOT NULL
);

CREATE INDEX matching_runs_cycle ON matching_runs (cycle_id, id);

CREATE TABLE pair_rules (
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    mentee_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    mentor_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (cycle_id, mentee_id, mentor_id)
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    solver TEXT NOT NULL,
    mentee_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    mentor_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    status TEXT NOT NULL,
    mentee_answer TEXT NOT NULL DEFAULT '',
    mentor_answer TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    answer_by TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX proposals_cycle ON proposals (cycle_id, status, solver, mentee_id);
CREATE INDEX proposals_mentee ON proposals (mentee_id, status);
CREATE INDEX proposals_mentor ON proposals (mentor_id, status);

CREATE TABLE mentorships (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id),
    proposal_id INTEGER NOT NULL UNIQUE REFERENCES proposals (id),
    mentee_id INTEGER NOT NULL REFERENCES people (id),
    mentor_id INTEGER NOT NULL REFERENCES people (id),
    liaison_id INTEGER REFERENCES people (id),
    status TEXT NOT NULL,
    started_at TEXT NOT NULL
);

CREATE INDEX mentorships_mentee ON mentorships (mentee_id);
CREATE INDEX mentorships_mentor ON mentorships (mentor_id);
