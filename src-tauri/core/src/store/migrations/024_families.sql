-- 024: families (docs/money.md, "A family's statement"). A family is who pays for several
-- people of one facility: a couple at an elder centre, two children of one unit. It names
-- the payer the statement is addressed to; each person belongs to at most one family. The
-- ledger stays each person's own (charges, payments and receipts name one person); a
-- family's statement lists its members' statements under their names and adds them up.
CREATE TABLE families (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    name        TEXT NOT NULL,
    payer_name  TEXT NOT NULL,
    payer_phone TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    uid         BLOB
) STRICT;
CREATE INDEX families_facility ON families (facility_id, name);
CREATE UNIQUE INDEX families_uid ON families (uid) WHERE uid IS NOT NULL;

CREATE TABLE family_members (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families(id),
    person_kind TEXT NOT NULL CHECK (person_kind IN ('client', 'child')),
    person_id   INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    uid         BLOB
) STRICT;
CREATE UNIQUE INDEX family_members_person ON family_members (person_kind, person_id);
CREATE INDEX family_members_family ON family_members (family_id);
CREATE UNIQUE INDEX family_members_uid ON family_members (uid) WHERE uid IS NOT NULL;
