-- Hub schema 3 (docs/sync.md, "The audit log"; "Who reads what"): every PC's audit entries, as its PC wrote
-- and sealed them, append-only, so the city office sees who did what anywhere. Kept apart
-- from the log of changes: an entry is not a record to apply but a fact to keep, and each
-- PC's own hash chain stays whole (entries from elsewhere never enter it).
CREATE TABLE hub.audit (
    id                bigserial PRIMARY KEY,
    -- The facility of the PC that wrote the entry (NULL: the city office): who may read it.
    facility_id       integer,
    pc                uuid NOT NULL,
    -- The entry as its PC holds it: its number there, its fields, and the hash that seals
    -- them to the entry before it (services/audit/chain.rs).
    entry_id          bigint NOT NULL,
    at                text NOT NULL,
    account_id        bigint NOT NULL,
    username          text NOT NULL,
    action            text NOT NULL,
    entity            text NOT NULL,
    entity_id         text,
    entry_facility_id integer,
    before_json       text,
    after_json        text,
    prev_hash         text NOT NULL,
    hash              text NOT NULL,
    -- Not sealed, for the reader: the account's name on its PC, and the record's uid when
    -- the entry is about a record that travels.
    display_name      text,
    entity_uid        uuid,
    received_at       timestamptz NOT NULL DEFAULT now(),
    -- An entry sent twice is kept once. Not (pc, entry_id): a PC restored from a backup
    -- numbers its new entries again from where the backup stood, and both are true.
    UNIQUE (pc, hash)
);
CREATE INDEX audit_facility ON hub.audit (facility_id, id);

GRANT SELECT, INSERT ON hub.audit TO cc_facility, cc_city;
GRANT USAGE ON SEQUENCE hub.audit_id_seq TO cc_facility, cc_city;

ALTER TABLE hub.audit ENABLE ROW LEVEL SECURITY;
-- A facility's PCs read the entries of their facility's PCs and add their own.
CREATE POLICY facility_reads ON hub.audit FOR SELECT TO cc_facility
    USING (facility_id = hub.my_facility());
CREATE POLICY facility_adds ON hub.audit FOR INSERT TO cc_facility
    WITH CHECK (facility_id = hub.my_facility() AND pc = hub.my_pc());
-- The city office reads every entry and adds its own.
CREATE POLICY city_reads ON hub.audit FOR SELECT TO cc_city USING (true);
CREATE POLICY city_adds ON hub.audit FOR INSERT TO cc_city
    WITH CHECK (facility_id IS NULL AND pc = hub.my_pc());

-- The city office also sends the accounts it makes and resets for a facility (they are the
-- facility's rows, read by its PCs); facility data otherwise stays read-only to it.
DROP POLICY city_adds ON hub.changes;
CREATE POLICY city_adds ON hub.changes FOR INSERT TO cc_city
    WITH CHECK (pc = hub.my_pc() AND (facility_id IS NULL OR entity = 'accounts'));
