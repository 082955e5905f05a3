-- 004: nurses' checkups of elderly clients, each value stored with how it read, and the
-- alert list that urgent readings go on at once until someone handles them.

CREATE TABLE checkups (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    taken_at         TEXT NOT NULL,
    recorded_by      INTEGER NOT NULL,
    recorded_by_name TEXT NOT NULL,
    systolic         INTEGER,
    diastolic        INTEGER,
    heart_rate       INTEGER,
    glucose_fasting  REAL,
    glucose_random   REAL,
    temperature      REAL,
    weight_kg        REAL,
    height_cm        REAL,
    waist_cm         REAL,
    spo2             INTEGER,
    -- The worst reading of the checkup, for lists; every reading is in findings_json.
    worst_level      TEXT NOT NULL CHECK (worst_level IN ('normal', 'high_normal', 'raised', 'urgent')),
    findings_json    TEXT NOT NULL,
    notes            TEXT,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX checkups_client ON checkups(client_id, taken_at);

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    facility_id  INTEGER NOT NULL REFERENCES facilities(id),
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    checkup_id   INTEGER NOT NULL REFERENCES checkups(id),
    code         TEXT NOT NULL,
    value        TEXT NOT NULL,
    raised_at    TEXT NOT NULL,
    handled_at   TEXT,
    handled_by   TEXT,
    handled_note TEXT
) STRICT;
CREATE INDEX alerts_open ON alerts(facility_id) WHERE handled_at IS NULL;
