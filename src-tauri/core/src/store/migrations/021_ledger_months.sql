-- The ledger kept month by month (docs/money.md, "The ledger kept by month"): for each
-- facility and each month that is over, what its people were charged, credited and paid by
-- purpose, and each person's balance at the month's end, so the monthly report reads a year
-- of a city's fees from a few rows instead of deriving it again from every meal, visit and
-- childcare day (services::fees::months). Derived data, never synced: each PC keeps its own
-- and fills it when a report first asks for a month.
--
-- A month's rows count only while (facility_id, month) is in ledger_months_done. A change to
-- anything a month's ledger is derived from takes that month and every later one of the
-- facility off the list (the balances carry forward); the rows are then made again, in
-- month order, the next time they are asked for.
CREATE TABLE ledger_months (
    facility_id  INTEGER NOT NULL,
    month        TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    charged_fen  INTEGER NOT NULL,
    credited_fen INTEGER NOT NULL,
    paid_fen     INTEGER NOT NULL,
    city_fen     INTEGER NOT NULL,
    PRIMARY KEY (facility_id, month, purpose)
) STRICT, WITHOUT ROWID;

-- Balances that are not nil: what a person owes (+) or has in hand (−) at the month's end.
CREATE TABLE ledger_balances (
    facility_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    person_kind TEXT NOT NULL,
    person_id   INTEGER NOT NULL,
    balance_fen INTEGER NOT NULL,
    PRIMARY KEY (facility_id, month, person_kind, person_id)
) STRICT, WITHOUT ROWID;

-- The months kept, with their balances summed up: how many people owe at the month's end,
-- what they owe, and what others have paid ahead (a positive amount).
CREATE TABLE ledger_months_done (
    facility_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    owing       INTEGER NOT NULL,
    owed_fen    INTEGER NOT NULL,
    in_hand_fen INTEGER NOT NULL,
    PRIMARY KEY (facility_id, month)
) STRICT, WITHOUT ROWID;

-- What a month's ledger is derived from. A day's month is its first seven characters; a
-- stored instant's UTC month is the same as its local month or the one before, so taking
-- off from the UTC month takes off enough.
CREATE TRIGGER ledger_bookings_insert AFTER INSERT ON bookings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_bookings_update
    AFTER UPDATE OF facility_id, client_id, day, meal, status, subsidy_fen ON bookings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_bookings_delete AFTER DELETE ON bookings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
END;

CREATE TRIGGER ledger_visits_insert AFTER INSERT ON visits BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_visits_update
    AFTER UPDATE OF facility_id, client_id, plan_item_id, day, status, duration_min, done_start_min, done_end_min,
                    city_percent ON visits BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_visits_delete AFTER DELETE ON visits BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
END;
-- A plan item's service names the price of its visits.
CREATE TRIGGER ledger_plan_service AFTER UPDATE OF service ON care_plan_items BEGIN
    DELETE FROM ledger_months_done WHERE facility_id IN (OLD.facility_id, NEW.facility_id);
END;

-- A childcare day: which days the unit was open and which its children came.
CREATE TRIGGER ledger_attendance_insert AFTER INSERT ON attendance WHEN NEW.person_kind = 'child' BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_attendance_update AFTER UPDATE OF facility_id, person_kind, person_id, day ON attendance
    WHEN OLD.person_kind = 'child' OR NEW.person_kind = 'child' BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.day, 1, 7);
END;
CREATE TRIGGER ledger_attendance_delete AFTER DELETE ON attendance WHEN OLD.person_kind = 'child' BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.day, 1, 7);
END;

-- A child's enrolment: the months the unit's fees are charged for.
CREATE TRIGGER ledger_children_insert AFTER INSERT ON children BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.enrolled_on, 1, 7);
END;
CREATE TRIGGER ledger_children_update AFTER UPDATE OF facility_id, enrolled_on, left_on ON children BEGIN
    DELETE FROM ledger_months_done WHERE facility_id IN (OLD.facility_id, NEW.facility_id);
END;
CREATE TRIGGER ledger_children_delete AFTER DELETE ON children BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id;
END;

CREATE TRIGGER ledger_payments_insert AFTER INSERT ON payments BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.received_at, 1, 7);
END;
-- Payments are never deleted and only voided (018): the void's month is after the receipt's.
CREATE TRIGGER ledger_payments_update AFTER UPDATE ON payments BEGIN
    DELETE FROM ledger_months_done WHERE facility_id IN (OLD.facility_id, NEW.facility_id)
       AND month >= substr(min(OLD.received_at, NEW.received_at), 1, 7);
END;

CREATE TRIGGER ledger_fees_insert AFTER INSERT ON fee_settings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = NEW.facility_id AND month >= substr(NEW.from_day, 1, 7);
END;
CREATE TRIGGER ledger_fees_update AFTER UPDATE ON fee_settings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id IN (OLD.facility_id, NEW.facility_id)
       AND month >= substr(min(OLD.from_day, NEW.from_day), 1, 7);
END;
CREATE TRIGGER ledger_fees_delete AFTER DELETE ON fee_settings BEGIN
    DELETE FROM ledger_months_done WHERE facility_id = OLD.facility_id AND month >= substr(OLD.from_day, 1, 7);
END;
