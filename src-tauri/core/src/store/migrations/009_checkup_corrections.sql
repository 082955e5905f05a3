-- 009: a checkup's values can be corrected (a misread, a slip of the finger) by the nurse who
-- took it or a manager of its facility. The row keeps who corrected it last and when; the audit
-- log keeps every before and after. An open alert the correction made moot is closed by it,
-- marked so (its note then says what the reading was and became), rather than left for a nurse
-- to "handle" a reading that never was.

ALTER TABLE checkups ADD COLUMN corrected_at TEXT;
ALTER TABLE checkups ADD COLUMN corrected_by_name TEXT;
ALTER TABLE alerts ADD COLUMN closed_by_correction INTEGER NOT NULL DEFAULT 0 CHECK (closed_by_correction IN (0, 1));
