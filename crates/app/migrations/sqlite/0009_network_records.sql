-- Cohort readiness from the records themselves: a convening may name co-hosts, who
-- co-facilitate it alongside its host.

CREATE TABLE convening_cohosts (
    convening_id INTEGER NOT NULL REFERENCES convenings (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (convening_id, person_id)
);

CREATE INDEX convening_cohosts_person ON convening_cohosts (person_id);
-- Hosting counts as co-facilitation too.
CREATE INDEX convenings_host ON convenings (host_id, starts_at);

-- Supply and demand of one region: its people's stages without reading their rows, then
-- their applications and offers in waiting cycles, each answered from the index alone.
CREATE INDEX people_region_stage ON people (region_id, status, stage);
CREATE INDEX applications_person_cycle ON applications (person_id, cycle_id);
CREATE INDEX offers_person_cycle ON offers (person_id, cycle_id, stages, capacity);
