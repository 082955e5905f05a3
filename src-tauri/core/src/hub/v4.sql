-- Hub schema 4 (docs/sync.md, "A person who moves"): a PC that moves a client or child to
-- another facility sends the person's records under that facility too, so that its PCs
-- receive them. A facility's PC may add, under another facility, only the first values of
-- a record its own facility's log already holds (an insert of a uid written under its
-- facility before): it passes on its own records, and never writes into another facility's
-- records it has not held.
CREATE INDEX changes_uid ON hub.changes (uid, facility_id);

CREATE POLICY facility_relays ON hub.changes FOR INSERT TO cc_facility
    WITH CHECK (
        pc = hub.my_pc() AND op = 'i' AND facility_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM hub.changes held
                     WHERE held.uid = changes.uid AND held.facility_id = hub.my_facility())
    );
