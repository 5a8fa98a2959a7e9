-- The directory's word index: each word of a person's name and institution, folded to
-- lowercase ASCII where a letter has an accent, so a search finds people by word prefix
-- through an index instead of scanning every row. Byte order ("C") makes a prefix a range.
CREATE TABLE person_words (
    word TEXT COLLATE "C" NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (word, person_id)
);

-- Replacing a person's words after a profile edit finds them by person.
CREATE INDEX person_words_person ON person_words (person_id);
