-- 006: children's health at the childcare units (托儿所幼儿园卫生保健工作规范): the daily
-- morning and noon checks, medicine brought from home and each dose given, and growth
-- measurements with their WHO z-scores. Which examinations are due is derived from these
-- rows and the children's ages, never stored, so it cannot go stale.

-- One check per child, day and session; a correction the same day overwrites the row (the
-- audit log keeps the row before). The findings of 一摸二看三问四查 are flags; fever is
-- derived from the temperature when it is stored.
CREATE TABLE child_checks (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id),
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    -- The local (Asia/Shanghai) date of the check.
    day              TEXT NOT NULL,
    session          TEXT NOT NULL CHECK (session IN ('morning', 'noon')),
    temperature      REAL,
    fever            INTEGER NOT NULL CHECK (fever IN (0, 1)),
    poor_spirits     INTEGER NOT NULL CHECK (poor_spirits IN (0, 1)),
    red_throat       INTEGER NOT NULL CHECK (red_throat IN (0, 1)),
    rash             INTEGER NOT NULL CHECK (rash IN (0, 1)),
    poor_eating      INTEGER NOT NULL CHECK (poor_eating IN (0, 1)),
    poor_sleep       INTEGER NOT NULL CHECK (poor_sleep IN (0, 1)),
    abnormal_stools  INTEGER NOT NULL CHECK (abnormal_stools IN (0, 1)),
    -- What unsafe object was found on the child (四查); NULL when nothing was.
    unsafe_item      TEXT,
    note             TEXT,
    action           TEXT NOT NULL CHECK (action IN ('none', 'observe', 'isolate', 'send_home')),
    guardian_told_at TEXT,
    guardian_told_by TEXT,
    checked_by       INTEGER NOT NULL,
    checked_by_name  TEXT NOT NULL,
    checked_at       TEXT NOT NULL,
    UNIQUE (child_id, day, session)
) STRICT;
CREATE INDEX child_checks_facility_day ON child_checks(facility_id, day, session);

-- Medicine brought from home (带药), signed for by a guardian, and each dose given.
CREATE TABLE child_medicines (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id),
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    medicine         TEXT NOT NULL,
    dose             TEXT NOT NULL,
    times_per_day    INTEGER NOT NULL CHECK (times_per_day BETWEEN 1 AND 6),
    -- When in the day, as the guardian wrote it ("10:00, 14:00").
    times            TEXT,
    from_day         TEXT NOT NULL,
    to_day           TEXT NOT NULL CHECK (to_day >= from_day),
    guardian_name    TEXT NOT NULL,
    note             TEXT,
    recorded_by      INTEGER NOT NULL,
    recorded_by_name TEXT NOT NULL,
    recorded_at      TEXT NOT NULL
) STRICT;
CREATE INDEX child_medicines_facility ON child_medicines(facility_id, to_day);
CREATE INDEX child_medicines_child ON child_medicines(child_id);

CREATE TABLE child_medicine_doses (
    id            INTEGER PRIMARY KEY,
    medicine_id   INTEGER NOT NULL REFERENCES child_medicines(id),
    -- The local date the dose was given on: doses are counted per day.
    day           TEXT NOT NULL,
    given_at      TEXT NOT NULL,
    given_by      INTEGER NOT NULL,
    given_by_name TEXT NOT NULL,
    note          TEXT
) STRICT;
CREATE INDEX child_medicine_doses_medicine ON child_medicine_doses(medicine_id, day);

-- Growth measurements. The z-scores (WHO Child Growth Standards) are computed when the
-- measurement is recorded and kept with it, so a later change of method never rewrites
-- what the health worker was shown; a child older than the WHO tables (1856 days) gets none.
CREATE TABLE growth_measurements (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id),
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    measured_on      TEXT NOT NULL,
    age_days         INTEGER NOT NULL CHECK (age_days >= 0),
    weight_kg        REAL,
    height_cm        REAL,
    head_cm          REAL,
    purpose          TEXT NOT NULL CHECK (purpose IN ('entry', 'periodic', 'routine')),
    zscores_json     TEXT NOT NULL,
    note             TEXT,
    measured_by      INTEGER NOT NULL,
    measured_by_name TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK (weight_kg IS NOT NULL OR height_cm IS NOT NULL)
) STRICT;
CREATE INDEX growth_measurements_child ON growth_measurements(child_id, measured_on);
