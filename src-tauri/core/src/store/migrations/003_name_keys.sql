-- 003: a pinyin sort key beside each person's name, so that lists read in the order
-- Chinese readers expect (丁 ding before 王 wang), not in code-point order. The app fills it
-- on every write; here pinyin_key(), registered by the app on its connections, fills it for
-- the people already on file.

ALTER TABLE clients ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE clients SET name_key = pinyin_key(name);
UPDATE children SET name_key = pinyin_key(name);
UPDATE staff SET name_key = pinyin_key(name);
CREATE INDEX clients_facility_name ON clients(facility_id, name_key);
CREATE INDEX children_facility_name ON children(facility_id, name_key);
CREATE INDEX staff_facility_name ON staff(facility_id, name_key);
