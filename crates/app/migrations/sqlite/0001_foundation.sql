-- The foundation: regions, topics, people, their grants, sessions, one-time tokens, email.
-- Timestamps are UTC, written by the application as RFC 3339 text at whole seconds.

CREATE TABLE divisions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    fips TEXT NOT NULL,
    division_id INTEGER NOT NULL REFERENCES divisions (id),
    time_zones TEXT NOT NULL
);

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    stages TEXT NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    pronouns TEXT NOT NULL DEFAULT '',
    region_id INTEGER REFERENCES regions (id),
    time_zone TEXT NOT NULL DEFAULT 'America/New_York',
    library_type TEXT NOT NULL DEFAULT 'other',
    institution TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'early',
    years_in_profession INTEGER NOT NULL DEFAULT 0,
    languages TEXT NOT NULL DEFAULT 'en',
    modality TEXT NOT NULL DEFAULT 'either',
    hours_per_month INTEGER NOT NULL DEFAULT 2,
    bio TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'members',
    requested_role TEXT NOT NULL DEFAULT '',
    email_confirmed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A coordinator lists the active people of a region by name: both equalities, then the order.
CREATE INDEX people_region_status_name ON people (region_id, status, name);
CREATE INDEX people_name ON people (name);
-- The national directory lists active people by name: equality, then the order.
CREATE INDEX people_status_name ON people (status, name);

CREATE TABLE person_topics (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    kind TEXT NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (person_id, kind, topic_id)
);

CREATE INDEX person_topics_topic ON person_topics (topic_id, person_id);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    region_id INTEGER REFERENCES regions (id),
    granted_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE UNIQUE INDEX grants_unique ON grants (person_id, role, COALESCE(region_id, 0));
CREATE INDEX grants_role_region ON grants (role, region_id, person_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT '',
    region_id INTEGER REFERENCES regions (id),
    name TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE INDEX one_time_tokens_email ON one_time_tokens (email, purpose);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
