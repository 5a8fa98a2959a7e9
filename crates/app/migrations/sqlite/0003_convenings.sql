-- Convenings: online meetings of an audience (the coordinator network or a region for now;
-- cohorts and circles later), with RSVPs, attendance, action items and calendar feeds.
-- Times are UTC, written by the application as RFC 3339 text at whole seconds.

-- A repeating convening is planned once; each of its meetings is a row of `convenings`.
CREATE TABLE convening_series (
    id INTEGER PRIMARY KEY,
    repeat_rule TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    meetings INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE convenings (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    series_id INTEGER REFERENCES convening_series (id),
    series_position INTEGER NOT NULL DEFAULT 1,
    audience_kind TEXT NOT NULL,
    audience_id INTEGER,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '',
    host_id INTEGER NOT NULL REFERENCES people (id),
    time_zone TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    video_url TEXT NOT NULL,
    recording_url TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX convenings_audience_start ON convenings (audience_kind, audience_id, starts_at);
CREATE INDEX convenings_start ON convenings (starts_at);
CREATE INDEX convenings_series ON convenings (series_id, series_position);

CREATE TABLE convening_rsvps (
    convening_id INTEGER NOT NULL REFERENCES convenings (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (convening_id, person_id)
);

CREATE TABLE convening_attendance (
    convening_id INTEGER NOT NULL REFERENCES convenings (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    recorded_by INTEGER REFERENCES people (id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (convening_id, person_id)
);

CREATE INDEX convening_attendance_person ON convening_attendance (person_id);

CREATE TABLE convening_action_items (
    id INTEGER PRIMARY KEY,
    convening_id INTEGER NOT NULL REFERENCES convenings (id) ON DELETE CASCADE,
    owner_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX convening_action_items_owner ON convening_action_items (owner_id, status, due_on);
CREATE INDEX convening_action_items_convening ON convening_action_items (convening_id);

-- One private feed per person; only the token's digest is stored.
CREATE TABLE calendar_feeds (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
