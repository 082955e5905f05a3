-- The city hub, the PC's side (docs/sync.md). Each row that can travel gets a `uid` (16
-- bytes, a UUIDv7 made on the PC that made the row), filled when the PC joins the hub; local
-- ids (rowids) stay as they are. Triggers written when the PC joins (src-tauri/core/src/sync/) record
-- every change in `sync_outbox`, in the transaction of the write itself.

ALTER TABLE accounts ADD COLUMN uid BLOB;
ALTER TABLE alerts ADD COLUMN uid BLOB;
ALTER TABLE assessments ADD COLUMN uid BLOB;
ALTER TABLE attendance ADD COLUMN uid BLOB;
ALTER TABLE audit_log ADD COLUMN uid BLOB;
ALTER TABLE bookings ADD COLUMN uid BLOB;
ALTER TABLE booking_substitutions ADD COLUMN uid BLOB;
ALTER TABLE care_plan_items ADD COLUMN uid BLOB;
ALTER TABLE checkups ADD COLUMN uid BLOB;
ALTER TABLE child_checks ADD COLUMN uid BLOB;
ALTER TABLE child_classes ADD COLUMN uid BLOB;
ALTER TABLE child_contacts ADD COLUMN uid BLOB;
ALTER TABLE child_medicine_doses ADD COLUMN uid BLOB;
ALTER TABLE child_medicines ADD COLUMN uid BLOB;
ALTER TABLE children ADD COLUMN uid BLOB;
ALTER TABLE client_contacts ADD COLUMN uid BLOB;
ALTER TABLE clients ADD COLUMN uid BLOB;
ALTER TABLE communities ADD COLUMN uid BLOB;
ALTER TABLE dishes ADD COLUMN uid BLOB;
ALTER TABLE districts ADD COLUMN uid BLOB;
ALTER TABLE facilities ADD COLUMN uid BLOB;
ALTER TABLE food_samples ADD COLUMN uid BLOB;
ALTER TABLE growth_measurements ADD COLUMN uid BLOB;
ALTER TABLE living_circles ADD COLUMN uid BLOB;
ALTER TABLE menu_items ADD COLUMN uid BLOB;
ALTER TABLE menus ADD COLUMN uid BLOB;
ALTER TABLE staff ADD COLUMN uid BLOB;
ALTER TABLE staff_leave ADD COLUMN uid BLOB;
ALTER TABLE standing_orders ADD COLUMN uid BLOB;
ALTER TABLE visit_series ADD COLUMN uid BLOB;
ALTER TABLE visits ADD COLUMN uid BLOB;

-- One row: this PC at the hub. `pc` is NULL until the PC joins; `facility_id` NULL with a
-- `pc` is the city office. `applying` is 1 while changes from the hub are applied, so the
-- triggers do not send them back. The hybrid logical clock is (hlc_ms, hlc_n).
CREATE TABLE sync_state (
    only_row     INTEGER PRIMARY KEY CHECK (only_row = 1),
    pc           TEXT,
    facility_id  INTEGER,
    role         TEXT,
    joined_at    TEXT,
    last_pulled  INTEGER NOT NULL DEFAULT 0,
    hlc_ms       INTEGER NOT NULL DEFAULT 0,
    hlc_n        INTEGER NOT NULL DEFAULT 0,
    applying     INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_error   TEXT
);
INSERT INTO sync_state (only_row) VALUES (1);

-- Changes made here and not yet acknowledged by the hub, in the order they were made.
-- `fields` holds the new values of the fields the change set (references as the uid of the
-- row referred to); `seen` is the last hub change this PC had applied when it was made.
CREATE TABLE sync_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    uid         BLOB NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('i', 'u', 'd')),
    fields      TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    facility_id INTEGER,
    seen        INTEGER NOT NULL
);
CREATE INDEX sync_outbox_row ON sync_outbox (entity, uid);

-- The clock of the last change applied to each field of each row, and whether it was made
-- here (then `hub_id` is its place in the hub's log): what decides whether an incoming
-- change is newer, and whether it was made without seeing ours.
CREATE TABLE sync_field_clock (
    entity TEXT NOT NULL,
    uid    BLOB NOT NULL,
    field  TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    mine   INTEGER NOT NULL,
    hub_id INTEGER NOT NULL,
    PRIMARY KEY (entity, uid, field)
) WITHOUT ROWID;

-- A care-critical field changed here and on another PC, each without seeing the other: the
-- value here stays until a manager picks one. `field` '*': a record from another PC that
-- duplicates one here (the same client checked in on two PCs), not applied
-- (docs/sync.md, "Order and conflicts").
CREATE TABLE sync_conflicts (
    id           INTEGER PRIMARY KEY,
    entity       TEXT NOT NULL,
    uid          BLOB NOT NULL,
    facility_id  INTEGER,
    field        TEXT NOT NULL,
    local_value  TEXT,
    remote_value TEXT,
    remote_hlc   TEXT NOT NULL,
    remote_pc    TEXT NOT NULL,
    found_at     TEXT NOT NULL,
    resolved_at  TEXT,
    resolved_by  TEXT,
    kept         TEXT CHECK (kept IN ('local', 'remote'))
);
CREATE INDEX sync_conflicts_open ON sync_conflicts (entity, uid, field) WHERE resolved_at IS NULL;
