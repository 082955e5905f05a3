-- The floor of the city's monthly figures (bench_report): every figure the report's SQL
-- part gives, made by SQLite alone, with the indexes that suit each pass best and one
-- pass over each table. Parameters: :first, :last (the month's first and last local day),
-- :before (the day before :first), :from, :until (the same days as stored UTC instants).
-- The follow-up rules and the allergy checks (Rust in the app) are written here as the
-- few SQL expressions they come to on the stored values.

-- Indexes (created once on the benchmark's copy before timing).
CREATE INDEX IF NOT EXISTS floor_clients ON clients(facility_id, id, created_at, status, status_since, consent_on);
CREATE INDEX IF NOT EXISTS floor_attendance ON attendance(day, facility_id, person_kind, person_id);
CREATE INDEX IF NOT EXISTS floor_bookings ON bookings(day, facility_id, client_id, status, meal, mode, subsidy_category, subsidy_fen);
CREATE INDEX IF NOT EXISTS floor_visits ON visits(day, facility_id, status, client_id, reason, done_start_min, done_end_min, makes_up_for);
CREATE INDEX IF NOT EXISTS floor_checkups ON checkups(client_id, taken_at, purpose, systolic, diastolic, glucose_fasting, worst_level, facility_id);
CREATE INDEX IF NOT EXISTS floor_assessments ON assessments(client_id, assessed_on, id, level);
CREATE INDEX IF NOT EXISTS floor_child_checks ON child_checks(day, facility_id, session);
-- (end of indexes)

-- Rolls: clients, then children.
SELECT facility_id,
       sum(created_at < :until AND NOT (status IN ('moved', 'deceased') AND coalesce(status_since, '') <= :last)),
       sum(created_at >= :from AND created_at < :until),
       sum(status IN ('moved', 'deceased') AND status_since BETWEEN :first AND :last)
FROM clients GROUP BY facility_id;
SELECT facility_id,
       sum(enrolled_on <= :last AND (left_on IS NULL OR left_on > :last)),
       sum(enrolled_on BETWEEN :first AND :last),
       sum(left_on BETWEEN :first AND :last)
FROM children GROUP BY facility_id;

-- Attendance: person-days per day, people.
SELECT facility_id, day, count(*), count(DISTINCT person_kind || person_id)
FROM attendance WHERE day BETWEEN :first AND :last GROUP BY facility_id, day;

-- Bookings: the month's totals (status, meal, mode, category) and the clients served.
SELECT facility_id, status, meal, mode, subsidy_category, count(*), sum(subsidy_fen), count(DISTINCT client_id)
FROM bookings WHERE day BETWEEN :first AND :last GROUP BY facility_id, status, meal, mode, subsidy_category;
SELECT b.facility_id, count(*) FROM booking_substitutions s JOIN bookings b ON b.id = s.booking_id
WHERE b.day BETWEEN :first AND :last AND b.status = 'served' GROUP BY b.facility_id;

-- Visits: by status and reason, minutes, make-ups.
SELECT facility_id, status, reason, count(*), sum(done_end_min - done_start_min), count(makes_up_for),
       count(DISTINCT client_id)
FROM visits WHERE day BETWEEN :first AND :last GROUP BY facility_id, status, reason;

-- Checkups: the month's counts, and each client's latest blood pressure, fasting glucose
-- and annual checkup as of the day before the month and its last day (what the follow-up
-- rules read), in one pass over the checkups in client order.
SELECT facility_id, count(*), count(DISTINCT client_id), sum(worst_level IN ('raised', 'urgent')), sum(worst_level = 'urgent')
FROM checkups WHERE taken_at >= :from AND taken_at < :until GROUP BY facility_id;
SELECT client_id,
       max(CASE WHEN systolic IS NOT NULL AND taken_at < :from THEN taken_at || (systolic >= 140 OR diastolic >= 90) END),
       max(CASE WHEN systolic IS NOT NULL AND taken_at < :until THEN taken_at || (systolic >= 140 OR diastolic >= 90) END),
       max(CASE WHEN glucose_fasting IS NOT NULL AND taken_at < :from THEN taken_at || (glucose_fasting >= 7.0) END),
       max(CASE WHEN glucose_fasting IS NOT NULL AND taken_at < :until THEN taken_at || (glucose_fasting >= 7.0) END),
       max(CASE WHEN purpose = 'annual' AND taken_at < :from THEN taken_at END),
       max(CASE WHEN purpose = 'annual' AND taken_at < :until THEN taken_at END)
FROM checkups GROUP BY client_id;

-- Capability: each client's latest level by the month's end.
SELECT client_id, max(assessed_on || '#' || id), sum(assessed_on >= :first)
FROM assessments WHERE assessed_on <= :last GROUP BY client_id;

-- Children's checks, growth, samples.
SELECT facility_id, session, count(*), sum(fever), sum(poor_spirits), sum(red_throat), sum(rash), sum(poor_eating),
       sum(poor_sleep), sum(abnormal_stools), sum(coalesce(trim(unsafe_item), '') != ''),
       sum(action = 'observe'), sum(action = 'isolate'), sum(action = 'send_home')
FROM child_checks WHERE day BETWEEN :first AND :last GROUP BY facility_id, session;
SELECT child_id, max(measured_on || '#' || id), sum(measured_on >= :first)
FROM growth_measurements WHERE measured_on <= :last GROUP BY child_id;
SELECT m.facility_id, count(s.id), count(*) - count(s.id)
FROM menu_items i JOIN menus m ON m.id = i.menu_id
LEFT JOIN food_samples s ON s.facility_id = m.facility_id AND s.day = i.day AND s.meal = i.meal AND s.dish_id = i.dish_id
WHERE m.status = 'published' AND i.day BETWEEN :first AND :last GROUP BY m.facility_id;

-- Incidents of the month, by kind.
SELECT facility_id, kind, count(*), sum(severity = 'serious' OR to_hospital = 1), sum(to_hospital),
       sum(closed_at IS NULL OR closed_at >= :until)
FROM incidents WHERE occurred_at >= :from AND occurred_at < :until GROUP BY facility_id, kind;

-- Fees of the month as kept (services::fees::months): by facility and item, then the
-- balances owed and paid ahead at the month's end.
SELECT facility_id, purpose, charged_fen, credited_fen, paid_fen, city_fen
FROM ledger_months WHERE month = substr(:first, 1, 7);
SELECT facility_id, owing, owed_fen, in_hand_fen FROM ledger_months_done WHERE month = substr(:first, 1, 7);
