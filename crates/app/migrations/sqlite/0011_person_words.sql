-- The directory's word index: each word of a person's name and institution, folded to
-- lowercase ASCII where a letter has an accent, so a search finds people by word prefix
-- through an index instead of scanning every row.
CREATE TABLE person_words (
    word TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (word, person_id)
);

-- Replacing a person's words after a profile edit finds them by person.
CREATE INDEX person_words_person ON person_words (person_id);
