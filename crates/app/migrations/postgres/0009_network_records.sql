-- Cohort readiness from the records themselves: a convening may name co-hosts, who
-- co-facilitate it alongside its host.

CREATE TABLE convening_cohosts (
    convening_id BIGINT NOT NULL REFERENCES convenings (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (convening_id, person_id)
);

CREATE INDEX convening_cohosts_person ON convening_cohosts (person_id);
-- Hosting counts as co-facilitation too.
CREATE INDEX convenings_host ON convenings (host_id, starts_at);
