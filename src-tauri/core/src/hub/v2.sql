-- Hub schema 2 (docs/sync.md): what a change is (an insert, an update of some fields, a
-- delete), and the last change its PC had applied when it was made: with it, a PC tells a
-- change made after seeing its own from one made without (a conflict on a care-critical
-- field).
ALTER TABLE hub.changes
    ADD COLUMN op   char(1) NOT NULL DEFAULT 'u' CHECK (op IN ('i', 'u', 'd')),
    ADD COLUMN seen bigint  NOT NULL DEFAULT 0;
