-- 002: people in full. Clients' care details and emergency contacts, capability
-- assessments (GB/T 42195-2022), children's guardians and authorised pick-up persons,
-- staff skills and working hours, the day's check-ins and check-outs, and a change counter
-- that the in-memory search index watches so that it is rebuilt after any change to people,
-- whoever made it (app, CLI, import).

ALTER TABLE clients ADD COLUMN living_situation TEXT NOT NULL DEFAULT 'unknown'
    CHECK (living_situation IN ('unknown', 'alone', 'with_spouse', 'with_children', 'with_others', 'institution'));
-- JSON arrays of codes (chronic conditions, diet needs) and of free-text allergens.
ALTER TABLE clients ADD COLUMN chronic_conditions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN diet_needs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN allergies TEXT NOT NULL DEFAULT '[]';
-- Separate consent to processing health data (PIPL): when, and who recorded it.
ALTER TABLE clients ADD COLUMN consent_on TEXT;
ALTER TABLE clients ADD COLUMN consent_by TEXT;
ALTER TABLE clients ADD COLUMN status_since TEXT;
ALTER TABLE clients ADD COLUMN notes TEXT;

CREATE TABLE client_contacts (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    relation  TEXT NOT NULL,
    phone     TEXT NOT NULL
) STRICT;
CREATE INDEX client_contacts_client ON client_contacts(client_id);

CREATE TABLE assessments (
    id                INTEGER PRIMARY KEY,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    assessed_on       TEXT NOT NULL,
    assessor_id       INTEGER NOT NULL,
    assessor_name     TEXT NOT NULL,
    -- The form as filled in (item scores per part, flags), so it can be shown again.
    scores_json       TEXT NOT NULL,
    total             INTEGER NOT NULL CHECK (total BETWEEN 0 AND 90),
    preliminary_level INTEGER NOT NULL CHECK (preliminary_level BETWEEN 0 AND 4),
    level             INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    notes             TEXT,
    created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX assessments_client ON assessments(client_id, assessed_on);

ALTER TABLE children ADD COLUMN allergies TEXT NOT NULL DEFAULT '[]';
ALTER TABLE children ADD COLUMN diet_needs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE children ADD COLUMN consent_on TEXT;
ALTER TABLE children ADD COLUMN consent_by TEXT;
ALTER TABLE children ADD COLUMN notes TEXT;

-- Guardians (监护人) and authorised pick-up persons (接送人). A child is handed only to a
-- row here with may_pick_up = 1.
CREATE TABLE child_contacts (
    id          INTEGER PRIMARY KEY,
    child_id    INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    relation    TEXT NOT NULL,
    phone       TEXT NOT NULL,
    is_guardian INTEGER NOT NULL CHECK (is_guardian IN (0, 1)),
    may_pick_up INTEGER NOT NULL CHECK (may_pick_up IN (0, 1)),
    -- Last four characters of the pick-up person's ID card, checked at the door.
    id_tail     TEXT CHECK (id_tail IS NULL OR length(id_tail) = 4),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX child_contacts_child ON child_contacts(child_id);

ALTER TABLE staff ADD COLUMN id_number TEXT;
ALTER TABLE staff ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
ALTER TABLE staff ADD COLUMN work_starts TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE staff ADD COLUMN work_ends TEXT NOT NULL DEFAULT '17:00';
-- Bit i set = works on ISO weekday i + 1 (Monday = bit 0); 31 = Monday to Friday.
ALTER TABLE staff ADD COLUMN work_days INTEGER NOT NULL DEFAULT 31;
ALTER TABLE staff ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE staff ADD COLUMN updated_at TEXT;
CREATE UNIQUE INDEX staff_id_number ON staff(id_number) WHERE id_number IS NOT NULL;

-- One row per stay: checked in, and checked out (NULL while the person is in).
CREATE TABLE attendance (
    id              INTEGER PRIMARY KEY,
    facility_id     INTEGER NOT NULL REFERENCES facilities(id),
    person_kind     TEXT NOT NULL CHECK (person_kind IN ('client', 'child')),
    person_id       INTEGER NOT NULL,
    -- The local (Asia/Shanghai) date of the check-in: the day's board.
    day             TEXT NOT NULL,
    in_at           TEXT NOT NULL,
    in_by           INTEGER NOT NULL,
    out_at          TEXT,
    out_by          INTEGER,
    picked_up_by    INTEGER REFERENCES child_contacts(id),
    picked_up_name  TEXT
) STRICT;
CREATE UNIQUE INDEX attendance_open ON attendance(person_kind, person_id) WHERE out_at IS NULL;
CREATE INDEX attendance_day ON attendance(facility_id, day);

CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    rev  INTEGER NOT NULL
) STRICT;
INSERT INTO change_counters (name, rev) VALUES ('people', 0);

CREATE TRIGGER clients_rev_insert AFTER INSERT ON clients
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER clients_rev_update AFTER UPDATE ON clients
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER clients_rev_delete AFTER DELETE ON clients
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER children_rev_insert AFTER INSERT ON children
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER children_rev_update AFTER UPDATE ON children
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER children_rev_delete AFTER DELETE ON children
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER staff_rev_insert AFTER INSERT ON staff
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER staff_rev_update AFTER UPDATE ON staff
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER staff_rev_delete AFTER DELETE ON staff
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
-- A child is found by a guardian's phone, so contacts count too.
CREATE TRIGGER child_contacts_rev_insert AFTER INSERT ON child_contacts
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER child_contacts_rev_update AFTER UPDATE ON child_contacts
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
CREATE TRIGGER child_contacts_rev_delete AFTER DELETE ON child_contacts
BEGIN UPDATE change_counters SET rev = rev + 1 WHERE name = 'people'; END;
