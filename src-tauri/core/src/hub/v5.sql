-- Hub schema 5 (docs/money.md, "Payments and receipts"): each PC has a number within its
-- facility (the city office's PCs among themselves), given at enrolment, that its receipts
-- carry. Receipts are numbered per PC, so two PCs of a centre working offline never give
-- the same number; 1 is left to a PC that has not joined the hub.
ALTER TABLE hub.pcs ADD COLUMN number integer;
UPDATE hub.pcs p SET number = n.number
  FROM (SELECT role_name, 1 + row_number() OVER (PARTITION BY facility_id ORDER BY enrolled_at, role_name) AS number
          FROM hub.pcs) n
 WHERE n.role_name = p.role_name;
ALTER TABLE hub.pcs ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX pcs_number ON hub.pcs (coalesce(facility_id, 0), number);

CREATE FUNCTION hub.my_number() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp
    AS $$ SELECT number FROM hub.pcs WHERE role_name = session_user $$;
GRANT EXECUTE ON FUNCTION hub.my_number() TO cc_facility, cc_city;
