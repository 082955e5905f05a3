-- 023: an index under every foreign key. Deleting or re-keying a parent row makes SQLite
-- look for the rows that refer to it; without an index on the referring column that is a
-- scan of the whole child table for each parent row. Deleting a child's contact scanned
-- every attendance row, a dish every menu item and food sample, a settlement line every
-- other line (two settlement lines a second at the demo's scale, where a month has ten
-- thousand). Nullable columns get partial indexes: only rows that refer take room.
-- tests/store_schema.rs holds every foreign key of every table to this.
CREATE INDEX accounts_staff ON accounts (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX accounts_facility ON accounts (facility_id) WHERE facility_id IS NOT NULL;
CREATE INDEX clients_community ON clients (community_id);
CREATE INDEX attendance_picked_up_by ON attendance (picked_up_by) WHERE picked_up_by IS NOT NULL;
CREATE INDEX alerts_checkup ON alerts (checkup_id);
CREATE INDEX alerts_client ON alerts (client_id);
CREATE INDEX growth_measurements_facility ON growth_measurements (facility_id);
CREATE INDEX menu_items_dish ON menu_items (dish_id);
CREATE INDEX standing_orders_facility ON standing_orders (facility_id);
CREATE INDEX bookings_standing_order ON bookings (standing_order_id) WHERE standing_order_id IS NOT NULL;
CREATE INDEX booking_substitutions_dish ON booking_substitutions (dish_id);
CREATE INDEX booking_substitutions_substitute ON booking_substitutions (substitute_dish_id);
CREATE INDEX food_samples_dish ON food_samples (dish_id);
CREATE INDEX visit_series_staff ON visit_series (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX visit_series_client ON visit_series (client_id);
CREATE INDEX visit_series_plan_item ON visit_series (plan_item_id);
CREATE INDEX settlement_lines_corrects ON settlement_lines (corrects_line_id) WHERE corrects_line_id IS NOT NULL;
CREATE INDEX settlement_lines_client ON settlement_lines (client_id);
-- These two have indexes that cannot serve: partial ones (open alerts; bookings not
-- cancelled).
CREATE INDEX alerts_facility ON alerts (facility_id);
CREATE INDEX bookings_client ON bookings (client_id);
