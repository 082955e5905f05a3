-- 005: why a checkup was taken. A follow-up answers an earlier raised reading or the
-- quarterly control of hypertension and diabetes; the annual check is the yearly health
-- management visit of a client aged 65 or more. What is due is derived from these rows and
-- the clients' conditions and ages, never stored, so it cannot go stale.

ALTER TABLE checkups ADD COLUMN purpose TEXT NOT NULL DEFAULT 'routine'
    CHECK (purpose IN ('routine', 'follow_up', 'annual'));
CREATE INDEX checkups_facility ON checkups(facility_id, taken_at);
