-- Hub schema 6 (docs/money.md, "The city's settlement"): the city office also sends its
-- decisions on a facility's settlement sheet and the lock of the month. They are the
-- facility's rows, read by its PCs; the rest of a facility's data stays read-only to it.
DROP POLICY city_adds ON hub.changes;
CREATE POLICY city_adds ON hub.changes FOR INSERT TO cc_city
    WITH CHECK (pc = hub.my_pc()
                AND (facility_id IS NULL OR entity IN ('accounts', 'settlements', 'settlement_lines')));
