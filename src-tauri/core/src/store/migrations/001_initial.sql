-- CareCircle schema version 1. Shipped migrations are never edited: add a new file.
-- 'CCRC' marks the file as ours, so a restore or --db can refuse someone else's database.
PRAGMA application_id = 1128485443;

-- The city's three districts are facts, not demo data (GB/T 2260 area codes).
CREATE TABLE districts (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO districts (id, code, name) VALUES
    (1, '150302', '海勃湾区'),
    (2, '150303', '海南区'),
    (3, '150304', '乌达区');

CREATE TABLE living_circles (
    id          INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name        TEXT NOT NULL UNIQUE,
    is_demo     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX living_circles_district ON living_circles(district_id);

CREATE TABLE communities (
    id        INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES living_circles(id),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('community', 'village')),
    is_demo   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (circle_id, name)
) STRICT;

CREATE TABLE facilities (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('elder_centre', 'elder_station', 'childcare')),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    community_id   INTEGER NOT NULL REFERENCES communities(id),
    address        TEXT,
    phone          TEXT,
    opens_at       TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    open_days      INTEGER NOT NULL CHECK (open_days BETWEEN 1 AND 127),
    capacity       INTEGER NOT NULL CHECK (capacity >= 0),
    services       INTEGER NOT NULL DEFAULT 0,
    age_min_months INTEGER,
    age_max_months INTEGER,
    is_demo        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX facilities_community ON facilities(community_id);

CREATE TABLE child_classes (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    name        TEXT NOT NULL,
    UNIQUE (facility_id, name)
) STRICT;

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL
        CHECK (role IN ('front_desk', 'nurse', 'caregiver', 'facility_manager', 'city_admin')),
    facility_id     INTEGER REFERENCES facilities(id),
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    last_sign_in_at TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- the city administrator belongs to every facility, everyone else to exactly one
    CHECK ((role = 'city_admin') = (facility_id IS NULL))
) STRICT;

-- Who changed what, when, with the record before and after. account_id 0 is the CLI.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  INTEGER NOT NULL,
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    facility_id INTEGER,
    before_json TEXT,
    after_json  TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_facility_at ON audit_log(facility_id, at);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    name        TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    job         TEXT NOT NULL
        CHECK (job IN ('manager', 'front_desk', 'nurse', 'health_worker', 'caregiver', 'cook', 'teacher')),
    phone       TEXT,
    is_demo     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX staff_facility ON staff(facility_id);

CREATE TABLE clients (
    id           INTEGER PRIMARY KEY,
    facility_id  INTEGER NOT NULL REFERENCES facilities(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date   TEXT NOT NULL,
    id_number    TEXT UNIQUE,
    ethnicity    TEXT NOT NULL,
    phone        TEXT,
    address      TEXT,
    status       TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'moved', 'deceased')),
    is_demo      INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX clients_facility ON clients(facility_id);

CREATE TABLE children (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    class_id    INTEGER REFERENCES child_classes(id),
    name        TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date  TEXT NOT NULL,
    id_number   TEXT UNIQUE,
    ethnicity   TEXT NOT NULL,
    enrolled_on TEXT NOT NULL,
    left_on     TEXT,
    is_demo     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX children_facility ON children(facility_id);
CREATE INDEX children_class ON children(class_id);
