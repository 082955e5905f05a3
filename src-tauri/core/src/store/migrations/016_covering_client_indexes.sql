-- The per-client indexes of checkups and assessments, holding what is read through them,
-- so those reads never step into the wide rows (a checkup's findings, an assessment's
-- answers):
-- - a client's checkup history (docs/domain.md, "Follow-ups of elderly clients"): the
--   Health page's follow-up book of a facility, and the monthly report's of the city;
-- - a client's latest capability level (the monthly report's capability table).
-- The same columns lead, so every lookup by client the old indexes served, these serve.
DROP INDEX checkups_client;
CREATE INDEX checkups_client ON checkups(client_id, taken_at, purpose, systolic, diastolic, glucose_fasting);
DROP INDEX assessments_client;
CREATE INDEX assessments_client ON assessments(client_id, assessed_on, id, level);
