-- Mentorships from kickoff to graduation: the pair's agreement, goals with milestones, the
-- meeting log (whose private notes only the pair reads), the thirty-day fit answers, end-date
-- extensions, and the closing reflections. Dates without a time are TEXT 'YYYY-MM-DD'.

-- The day the pair plans to end: the cycle's end at first, then the agreement's, then any
-- extension's.
ALTER TABLE mentorships ADD COLUMN ends_on TEXT;
ALTER TABLE mentorships ADD COLUMN ended_at TEXT;
ALTER TABLE mentorships ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';

-- Coordinators list the pairs of a cycle by status; the daily task reads the active ones.
CREATE INDEX mentorships_cycle_status ON mentorships (cycle_id, status);
CREATE INDEX mentorships_status ON mentorships (status, id);

CREATE TABLE mentorship_agreements (
    mentorship_id INTEGER PRIMARY KEY REFERENCES mentorships (id) ON DELETE CASCADE,
    goals TEXT NOT NULL,
    cadence TEXT NOT NULL,
    meeting_mode TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    mentee_confirmed_at TEXT,
    mentor_confirmed_at TEXT,
    updated_by INTEGER REFERENCES people (id),
    updated_at TEXT NOT NULL
);

CREATE TABLE mentorship_goals (
    id INTEGER PRIMARY KEY,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    progress INTEGER NOT NULL,
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX mentorship_goals_mentorship ON mentorship_goals (mentorship_id, id);

CREATE TABLE goal_milestones (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES mentorship_goals (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    done BOOLEAN NOT NULL,
    done_at TEXT
);

CREATE INDEX goal_milestones_goal ON goal_milestones (goal_id, id);

CREATE TABLE mentorship_meetings (
    id INTEGER PRIMARY KEY,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    met_on TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    mode TEXT NOT NULL,
    topics TEXT NOT NULL,
    private_notes TEXT NOT NULL,
    logged_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

-- Health and the dashboards read each pair's last meeting and meeting count.
CREATE INDEX mentorship_meetings_mentorship ON mentorship_meetings (mentorship_id, met_on);

CREATE TABLE mentorship_fit (
    mentorship_id INTEGER NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (mentorship_id, person_id)
);

CREATE TABLE mentorship_extensions (
    id INTEGER PRIMARY KEY,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE INDEX mentorship_extensions_mentorship ON mentorship_extensions (mentorship_id, id);

CREATE TABLE mentorship_reflections (
    mentorship_id INTEGER NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reflection TEXT NOT NULL,
    attainment INTEGER NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (mentorship_id, person_id)
);
