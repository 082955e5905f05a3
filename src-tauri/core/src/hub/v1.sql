-- Hub schema 1 (docs/sync.md): the log of changes, the enrolled PCs, and who may read and
-- write which changes.

CREATE SCHEMA hub;

CREATE TABLE hub.meta (version integer NOT NULL);
INSERT INTO hub.meta VALUES (0);

-- One row per enrolled PC: its login role, its facility (NULL: the city office) and the id
-- its changes carry.
CREATE TABLE hub.pcs (
    role_name   name PRIMARY KEY,
    facility_id integer,
    pc          uuid NOT NULL UNIQUE,
    enrolled_at timestamptz NOT NULL DEFAULT now()
);

-- The log. A change is never updated or deleted. (pc, seq) is the PC's own numbering of its
-- changes: a batch pushed twice inserts nothing the second time.
CREATE TABLE hub.changes (
    id          bigserial PRIMARY KEY,
    -- NULL: the city's reference data (structure, facilities, subsidy rates, accounts).
    facility_id integer,
    pc          uuid NOT NULL,
    seq         bigint NOT NULL CHECK (seq > 0),
    -- Hybrid logical clock of the change, as text that sorts in clock order.
    hlc         text NOT NULL,
    entity      text NOT NULL,
    uid         uuid NOT NULL,
    fields      jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pc, seq)
);
CREATE INDEX changes_facility ON hub.changes (facility_id, id);

-- Group roles (cluster-wide, so made only if missing): every facility PC, the city office.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cc_facility') THEN
        CREATE ROLE cc_facility NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cc_city') THEN
        CREATE ROLE cc_city NOLOGIN;
    END IF;
END
$$;

-- The signed-in PC's facility and id, read with the owner's rights (the PCs cannot read
-- hub.pcs themselves).
CREATE FUNCTION hub.my_facility() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp
    AS $$ SELECT facility_id FROM hub.pcs WHERE role_name = session_user $$;
CREATE FUNCTION hub.my_pc() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp
    AS $$ SELECT pc FROM hub.pcs WHERE role_name = session_user $$;

REVOKE ALL ON SCHEMA hub FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA hub FROM PUBLIC;
GRANT USAGE ON SCHEMA hub TO cc_facility, cc_city;
-- Append-only for the PCs: reading and adding, never changing or removing.
GRANT SELECT, INSERT ON hub.changes TO cc_facility, cc_city;
GRANT USAGE ON SEQUENCE hub.changes_id_seq TO cc_facility, cc_city;
GRANT EXECUTE ON FUNCTION hub.my_facility(), hub.my_pc() TO cc_facility, cc_city;

ALTER TABLE hub.changes ENABLE ROW LEVEL SECURITY;
-- A facility's PCs read their facility's changes and the city's reference data, and add
-- changes of their facility under their own PC id only.
CREATE POLICY facility_reads ON hub.changes FOR SELECT TO cc_facility
    USING (facility_id = hub.my_facility() OR facility_id IS NULL);
CREATE POLICY facility_adds ON hub.changes FOR INSERT TO cc_facility
    WITH CHECK (facility_id = hub.my_facility() AND pc = hub.my_pc());
-- The city office reads everything and adds only reference data, under its own PC id.
CREATE POLICY city_reads ON hub.changes FOR SELECT TO cc_city USING (true);
CREATE POLICY city_adds ON hub.changes FOR INSERT TO cc_city
    WITH CHECK (facility_id IS NULL AND pc = hub.my_pc());
