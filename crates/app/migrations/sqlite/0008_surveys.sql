-- Surveys: a cycle's check-ins and evaluations, their questions (copied from a built-in
-- template when sent, so later changes to a template never reinterpret old answers), the
-- people asked, one response per person, the answers, and the log of every time an admin
-- opened a named response.

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    audience TEXT NOT NULL,
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    scheduled BOOLEAN NOT NULL,
    sent_by INTEGER REFERENCES people (id),
    reminded_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX surveys_cycle ON surveys (cycle_id, template);
-- The scheduler looks for open surveys that are due a reminder.
CREATE INDEX surveys_closes ON surveys (closes_at);

CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    choices TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    UNIQUE (survey_id, position)
);

CREATE TABLE survey_recipients (
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (survey_id, person_id)
);

-- A person's due surveys, for their home page.
CREATE INDEX survey_recipients_person ON survey_recipients (person_id);

CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    UNIQUE (survey_id, person_id)
);

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    number INTEGER,
    text TEXT NOT NULL
);

CREATE INDEX survey_answers_response ON survey_answers (response_id);
-- The survey and the respondent's role are copied from the response so that a survey's
-- tallies are read from this index alone: tens of thousands of answers in one scan.
CREATE INDEX survey_answers_tally ON survey_answers (survey_id, question_id, role, number,
    response_id);

CREATE TABLE survey_access_log (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    admin_id INTEGER NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    opened_at TEXT NOT NULL
);

CREATE INDEX survey_access_log_opened ON survey_access_log (opened_at);
