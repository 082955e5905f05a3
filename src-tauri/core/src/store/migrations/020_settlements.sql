-- The city's settlement (政府购买服务结算): each month each facility's sheet of what the city
-- pays for, one line per subsidised meal served and per home visit done with a city share,
-- signed off by the facility's manager, each line approved or rejected by the city office,
-- then the month locked (docs/money.md, "The city's settlement"). A later correction of a
-- locked month is an adjustment line on a later sheet, naming the line it corrects.
CREATE TABLE settlements (
    id               INTEGER PRIMARY KEY,
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    -- 'YYYY-MM'
    month            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'locked')),
    -- Left out of the sheet and counted apart (JSON: missed, refused, cancelled visits,
    -- cancelled meals, meals served without a subsidy), as at signing.
    left_out         TEXT NOT NULL DEFAULT '{}',
    signed_by_name   TEXT,
    signed_at        TEXT,
    locked_by_name   TEXT,
    locked_at        TEXT,
    uid              BLOB,
    UNIQUE (facility_id, month)
) STRICT;
CREATE UNIQUE INDEX settlements_uid ON settlements (uid) WHERE uid IS NOT NULL;

CREATE TABLE settlement_lines (
    id               INTEGER PRIMARY KEY,
    settlement_id    INTEGER NOT NULL REFERENCES settlements(id),
    kind             TEXT NOT NULL CHECK (kind IN ('meal', 'visit', 'adjustment')),
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    -- services::meals::subsidy::SubsidyCategory
    category         TEXT NOT NULL,
    day              TEXT NOT NULL,
    -- The meal (breakfast, lunch, dinner) or the visit's service.
    what             TEXT NOT NULL,
    minutes          INTEGER,
    -- The unit price: the meal's subsidy, or the service's price per hour.
    unit_fen         INTEGER NOT NULL,
    amount_fen       INTEGER NOT NULL,
    -- The record behind it: bookings or visits, by id; an adjustment's is the line it corrects.
    source_table     TEXT NOT NULL,
    source_id        INTEGER NOT NULL,
    corrects_line_id INTEGER REFERENCES settlement_lines(id),
    note             TEXT,
    decision         TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'rejected')),
    reason           TEXT,
    decided_by_name  TEXT,
    decided_at       TEXT,
    uid              BLOB,
    CHECK (decision != 'rejected' OR length(trim(coalesce(reason, ''))) > 0)
) STRICT;
CREATE INDEX settlement_lines_sheet ON settlement_lines (settlement_id, kind, day);
CREATE INDEX settlement_lines_source ON settlement_lines (source_table, source_id);
CREATE UNIQUE INDEX settlement_lines_uid ON settlement_lines (uid) WHERE uid IS NOT NULL;

-- A locked month's sheet never changes, nor its lines.
CREATE TRIGGER settlement_locked_kept BEFORE UPDATE ON settlements
    WHEN (SELECT applying FROM sync_state) = 0 AND OLD.status = 'locked'
     AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'settlement.locked');
END;
CREATE TRIGGER settlement_lines_locked_kept BEFORE UPDATE ON settlement_lines
    WHEN (SELECT applying FROM sync_state) = 0 AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
     AND (SELECT status FROM settlements WHERE id = OLD.settlement_id) = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'settlement.locked');
END;
CREATE TRIGGER settlement_lines_never_deleted BEFORE DELETE ON settlement_lines
    WHEN (SELECT applying FROM sync_state) = 0
     AND (SELECT status FROM settlements WHERE id = OLD.settlement_id) != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'settlement.locked');
END;

-- The records behind a locked month: its meals and visits are as the city settled them.
CREATE TRIGGER bookings_locked_month_update BEFORE UPDATE ON bookings
    WHEN (SELECT applying FROM sync_state) = 0 AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND ((s.facility_id = OLD.facility_id AND s.month = substr(OLD.day, 1, 7))
                   OR (s.facility_id = NEW.facility_id AND s.month = substr(NEW.day, 1, 7))))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
CREATE TRIGGER bookings_locked_month_insert BEFORE INSERT ON bookings
    WHEN (SELECT applying FROM sync_state) = 0
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND s.facility_id = NEW.facility_id AND s.month = substr(NEW.day, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
CREATE TRIGGER bookings_locked_month_delete BEFORE DELETE ON bookings
    WHEN (SELECT applying FROM sync_state) = 0
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND s.facility_id = OLD.facility_id AND s.month = substr(OLD.day, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
CREATE TRIGGER visits_locked_month_update BEFORE UPDATE ON visits
    WHEN (SELECT applying FROM sync_state) = 0 AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND ((s.facility_id = OLD.facility_id AND s.month = substr(OLD.day, 1, 7))
                   OR (s.facility_id = NEW.facility_id AND s.month = substr(NEW.day, 1, 7))))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
CREATE TRIGGER visits_locked_month_insert BEFORE INSERT ON visits
    WHEN (SELECT applying FROM sync_state) = 0
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND s.facility_id = NEW.facility_id AND s.month = substr(NEW.day, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
CREATE TRIGGER visits_locked_month_delete BEFORE DELETE ON visits
    WHEN (SELECT applying FROM sync_state) = 0
     AND EXISTS (SELECT 1 FROM settlements s WHERE s.status = 'locked'
                 AND s.facility_id = OLD.facility_id AND s.month = substr(OLD.day, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'settlement.month_locked');
END;
