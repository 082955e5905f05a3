-- The audit log travels through the city hub (docs/sync.md, "The audit log"). This PC's own
-- entries stay in `audit_log`, in its own hash chain; `audit_pushed` is the last of them the
-- hub has. Other PCs' entries (the centre's other PCs; at the city office every PC's) are
-- kept apart in `audit_remote`, as their PC sealed them, append-only like the log itself;
-- `audit_pulled` is the hub's place of the last one received.
ALTER TABLE sync_state ADD COLUMN audit_pushed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN audit_pulled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_remote (
    -- The entry's place in the hub's log.
    hub_id            INTEGER PRIMARY KEY,
    pc                TEXT NOT NULL,
    -- The facility of the PC that wrote it (NULL: the city office).
    pc_facility_id    INTEGER,
    -- The entry as its PC sealed it (services/audit/chain.rs), checked on arrival.
    entry_id          INTEGER NOT NULL,
    at                TEXT NOT NULL,
    account_id        INTEGER NOT NULL,
    username          TEXT NOT NULL,
    action            TEXT NOT NULL,
    entity            TEXT NOT NULL,
    entity_id         TEXT,
    facility_id       INTEGER,
    before_json       TEXT,
    after_json        TEXT,
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL,
    display_name      TEXT,
    -- The record the entry is about, when it travels: found here by its uid.
    entity_uid        BLOB
) STRICT;
CREATE INDEX audit_remote_at ON audit_remote (at);
CREATE INDEX audit_remote_facility_at ON audit_remote (facility_id, at);

CREATE TRIGGER audit_remote_no_update BEFORE UPDATE ON audit_remote
BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;
CREATE TRIGGER audit_remote_no_delete BEFORE DELETE ON audit_remote
BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;

-- What the other PC did in a conflict (docs/sync.md, "Order and conflicts"): 'i' an insert,
-- 'u' an update, 'd' a delete. A change this PC's rules refuse (field '*') is a record
-- recorded on both PCs, an update that would break a rule here (a user name taken here),
-- or a delete of a record still used here.
ALTER TABLE sync_conflicts ADD COLUMN remote_op TEXT CHECK (remote_op IN ('i', 'u', 'd'));

-- The city's subsidy rates and settings travel from the city office to every PC (each row's
-- uid made from its key, the same on every PC, as the districts').
ALTER TABLE subsidy_rates ADD COLUMN uid BLOB;
ALTER TABLE city_settings ADD COLUMN uid BLOB;

-- The last of this PC's changes the hub is known to hold (docs/sync.md, "Pushing and
-- pulling"): a PC restored from a backup finds the hub holding later ones it sent after the
-- backup, and takes them back. For a PC that joined already: everything before its first
-- change still waiting.
ALTER TABLE sync_state ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET acked_seq = coalesce((SELECT min(seq) - 1 FROM sync_outbox),
                                           (SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'), 0);
