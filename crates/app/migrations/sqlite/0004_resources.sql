-- The resource library: resources with their working copy, published versions, files,
-- authors, topics and stages, reviews, ratings, collections and digest settings.
-- Full-text search: an FTS5 index over published versions, kept in step by triggers.

CREATE TABLE resource_files (
    id INTEGER PRIMARY KEY,
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL
);

CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    file_id INTEGER REFERENCES resource_files (id),
    audience TEXT NOT NULL,
    format TEXT NOT NULL,
    license TEXT NOT NULL,
    visibility TEXT NOT NULL,
    status TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 0,
    first_published_at TEXT,
    review_due_at TEXT,
    views INTEGER NOT NULL DEFAULT 0,
    downloads INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX resources_status ON resources (status, review_due_at);

CREATE TABLE resource_versions (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT NOT NULL,
    file_id INTEGER REFERENCES resource_files (id),
    license TEXT NOT NULL,
    visibility TEXT NOT NULL,
    approved_by INTEGER REFERENCES people (id),
    published_at TEXT NOT NULL,
    UNIQUE (resource_id, number)
);

CREATE INDEX resource_versions_published ON resource_versions (published_at);

CREATE TABLE resource_authors (
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (resource_id, person_id)
);

CREATE INDEX resource_authors_person ON resource_authors (person_id, resource_id);

CREATE TABLE resource_topics (
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (resource_id, topic_id)
);

CREATE INDEX resource_topics_topic ON resource_topics (topic_id, resource_id);

CREATE TABLE resource_stages (
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    PRIMARY KEY (resource_id, stage)
);

CREATE INDEX resource_stages_stage ON resource_stages (stage, resource_id);

CREATE TABLE resource_reviews (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    action TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE INDEX resource_reviews_resource ON resource_reviews (resource_id, id);

CREATE TABLE resource_ratings (
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    helpful BOOLEAN NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (resource_id, person_id)
);

CREATE TABLE resource_collections (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE resource_collection_items (
    collection_id INTEGER NOT NULL REFERENCES resource_collections (id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (collection_id, resource_id)
);

CREATE TABLE resource_digest_settings (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    frequency TEXT NOT NULL,
    last_sent_month TEXT
);

-- SQLite only: the full-text index. It reads its text from resource_versions (external
-- content), so it stores only the index; the triggers keep it in step with that table.
CREATE VIRTUAL TABLE resource_versions_fts USING fts5(
    title,
    summary,
    body,
    content = 'resource_versions',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER resource_versions_fts_insert AFTER INSERT ON resource_versions BEGIN
    INSERT INTO resource_versions_fts (rowid, title, summary, body)
    VALUES (new.id, new.title, new.summary, new.body);
END;

CREATE TRIGGER resource_versions_fts_delete AFTER DELETE ON resource_versions BEGIN
    INSERT INTO resource_versions_fts (resource_versions_fts, rowid, title, summary, body)
    VALUES ('delete', old.id, old.title, old.summary, old.body);
END;

CREATE TRIGGER resource_versions_fts_update AFTER UPDATE ON resource_versions BEGIN
    INSERT INTO resource_versions_fts (resource_versions_fts, rowid, title, summary, body)
    VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO resource_versions_fts (rowid, title, summary, body)
    VALUES (new.id, new.title, new.summary, new.body);
END;
