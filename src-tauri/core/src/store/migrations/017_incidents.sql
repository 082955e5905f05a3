-- Incidents (意外事件): a fall, choking, wandering off… of a client or a child, as reported
-- by whoever saw it, then reviewed and closed by a manager (docs/domain.md, "Incidents").
-- Kinds are GB 38600-2019's nine risks plus "other"; the codes are checked in Rust
-- (domain/incident.rs). Times are UTC instants. A report is never deleted, and once closed
-- never changed: a later correction is a new report (the triggers below hold that even
-- against a bug; changes applied from the hub pass, as they were checked where made).
CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    person_kind      TEXT NOT NULL CHECK (person_kind IN ('client', 'child')),
    person_id        INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('none', 'minor', 'serious')),
    occurred_at      TEXT NOT NULL,
    place            TEXT NOT NULL,
    what_happened    TEXT NOT NULL,
    injury           TEXT,
    action_taken     TEXT NOT NULL,
    to_hospital      INTEGER NOT NULL DEFAULT 0 CHECK (to_hospital IN (0, 1)),
    hospital         TEXT,
    witnesses        TEXT,
    family_told_at   TEXT,
    family_told_who  TEXT,
    family_told_how  TEXT,
    reported_by      INTEGER,
    reported_by_name TEXT NOT NULL,
    reported_at      TEXT NOT NULL,
    updated_at       TEXT,
    closed_at        TEXT,
    closed_by        INTEGER,
    closed_by_name   TEXT,
    review_note      TEXT,
    uid              BLOB
) STRICT;
CREATE INDEX incidents_facility ON incidents (facility_id, occurred_at);
CREATE INDEX incidents_person ON incidents (person_kind, person_id, occurred_at);
CREATE INDEX incidents_open ON incidents (facility_id) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX incidents_uid ON incidents (uid) WHERE uid IS NOT NULL;

-- Giving a closed report its first uid, as every row gets one when the PC joins the hub
-- (sync/outbox.rs), changes nothing of it and passes.
CREATE TRIGGER incidents_closed_kept BEFORE UPDATE ON incidents
    WHEN OLD.closed_at IS NOT NULL AND (SELECT applying FROM sync_state) = 0
     AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'incident.closed');
END;

CREATE TRIGGER incidents_never_deleted BEFORE DELETE ON incidents
    WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    SELECT RAISE(ABORT, 'incident.kept');
END;
