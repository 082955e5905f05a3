-- 008: care visits. Where homes and facilities stand (for walking times), each client's
-- care plan (services with visits a week, duration, preferred days and time window, skill
-- and place), staff leave, the visits of each week (planned by hand, by the scheduler or
-- by a weekly series, then recorded as done, missed or refused), and which staff member a
-- caregiver's sign-in account is.

-- WGS-84 degrees. A home without coordinates is assumed a 15-minute walk from anywhere in
-- its living circle.
ALTER TABLE facilities ADD COLUMN lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90);
ALTER TABLE facilities ADD COLUMN lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180);
ALTER TABLE clients ADD COLUMN home_lat REAL CHECK (home_lat IS NULL OR home_lat BETWEEN -90 AND 90);
ALTER TABLE clients ADD COLUMN home_lon REAL CHECK (home_lon IS NULL OR home_lon BETWEEN -180 AND 180);

-- A caregiver (or nurse) signs in as themselves: their visits are the ones they record.
ALTER TABLE accounts ADD COLUMN staff_id INTEGER REFERENCES staff(id);

-- One service of a client's care plan. Never deleted once visits point at it: ended.
CREATE TABLE care_plan_items (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    facility_id     INTEGER NOT NULL REFERENCES facilities(id),
    -- domain::facility::Service: medical, daily_care, rehabilitation, nursing, meals, recreation.
    service         TEXT NOT NULL,
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    visits_per_week INTEGER NOT NULL CHECK (visits_per_week BETWEEN 1 AND 14),
    duration_min    INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 240),
    -- Bit 0 Monday … bit 6 Sunday.
    preferred_days  INTEGER NOT NULL CHECK (preferred_days BETWEEN 1 AND 127),
    -- Minutes after local midnight: the visit takes place inside [window_start, window_end].
    window_start    INTEGER NOT NULL CHECK (window_start BETWEEN 0 AND 1440),
    window_end      INTEGER NOT NULL CHECK (window_end BETWEEN 0 AND 1440),
    -- domain::person::Skill code, NULL = any care staff.
    skill           TEXT,
    place           TEXT NOT NULL CHECK (place IN ('home', 'centre')),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT,
    note            TEXT,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (window_end - window_start >= duration_min)
) STRICT;
CREATE INDEX care_plan_items_client ON care_plan_items(client_id);
CREATE INDEX care_plan_items_facility ON care_plan_items(facility_id);

CREATE TABLE staff_leave (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    from_day   TEXT NOT NULL,
    to_day     TEXT NOT NULL,
    reason     TEXT,
    created_at TEXT NOT NULL,
    CHECK (to_day >= from_day)
) STRICT;
CREATE INDEX staff_leave_staff ON staff_leave(staff_id, from_day);

-- "The same visit every Tuesday at 09:00 with 王芳": its occurrences are written into
-- visits week by week; moving or cancelling one occurrence changes that row only.
CREATE TABLE visit_series (
    id           INTEGER PRIMARY KEY,
    facility_id  INTEGER NOT NULL REFERENCES facilities(id),
    plan_item_id INTEGER NOT NULL REFERENCES care_plan_items(id),
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    staff_id     INTEGER REFERENCES staff(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 240),
    from_day     TEXT NOT NULL,
    until_day    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX visit_series_facility ON visit_series(facility_id);

CREATE TABLE visits (
    id              INTEGER PRIMARY KEY,
    facility_id     INTEGER NOT NULL REFERENCES facilities(id),
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    plan_item_id    INTEGER NOT NULL REFERENCES care_plan_items(id),
    series_id       INTEGER REFERENCES visit_series(id),
    -- The day the series meant this occurrence for, kept when it is moved.
    series_day      TEXT,
    staff_id        INTEGER REFERENCES staff(id),
    -- Local date and minutes after local midnight (Asia/Shanghai).
    day             TEXT NOT NULL,
    start_min       INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    duration_min    INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 240),
    place           TEXT NOT NULL CHECK (place IN ('home', 'centre')),
    source          TEXT NOT NULL CHECK (source IN ('manual', 'scheduler', 'series')),
    -- Placed or moved by hand: the scheduler plans around it and never moves it.
    locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    status          TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'done', 'missed', 'refused', 'cancelled')),
    done_start_min  INTEGER CHECK (done_start_min IS NULL OR done_start_min BETWEEN 0 AND 1439),
    done_end_min    INTEGER CHECK (done_end_min IS NULL OR done_end_min BETWEEN 0 AND 1440),
    reason          TEXT,
    note            TEXT,
    recorded_by     INTEGER,
    recorded_by_name TEXT,
    recorded_at     TEXT,
    -- A missed visit made up later points the new visit at the missed one.
    makes_up_for    INTEGER REFERENCES visits(id),
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'done') = (done_start_min IS NOT NULL AND done_end_min IS NOT NULL)),
    CHECK (status NOT IN ('missed', 'refused') OR reason IS NOT NULL)
) STRICT;
CREATE INDEX visits_facility_day ON visits(facility_id, day);
CREATE INDEX visits_staff_day ON visits(staff_id, day);
CREATE INDEX visits_client_day ON visits(client_id, day);
CREATE INDEX visits_plan_item ON visits(plan_item_id, day);
-- The make-up of a missed visit is looked up by it (and deleting checks the reference).
CREATE INDEX visits_makes_up_for ON visits(makes_up_for) WHERE makes_up_for IS NOT NULL;
CREATE UNIQUE INDEX visits_series_occurrence ON visits(series_id, series_day) WHERE series_id IS NOT NULL;
