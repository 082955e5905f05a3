-- The monthly report's rolls (report/figures.rs, `rolls`): how many clients each facility
-- has, took in and lost in a month, from four columns of every client row. This index holds
-- them, so the city's report reads a narrow index in facility order instead of 60,000 wide
-- client rows (their names, contacts and health notes): bench_report, README.
CREATE INDEX clients_roll ON clients(facility_id, created_at, status, status_since);
