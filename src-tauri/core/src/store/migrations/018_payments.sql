-- Payments taken at the desk, each with its receipt (收款收据): docs/money.md, "Payments and
-- receipts". Amounts in fen. A receipt's number is its facility's, its PC's (the hub's
-- number of the PC, `sync_state.pc_number`; 1 before the PC joins) and its year's, and runs
-- 1, 2, 3… within them with no gap (会计基础工作规范 art. 48). A payment is never deleted
-- and never changed; a receipt given in error is voided, keeping its number and content,
-- once (the triggers below hold both even against a bug; changes applied from the hub
-- pass, as they were checked where made).
ALTER TABLE sync_state ADD COLUMN pc_number INTEGER;

CREATE TABLE payments (
    id               INTEGER PRIMARY KEY,
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    person_kind      TEXT NOT NULL CHECK (person_kind IN ('client', 'child')),
    person_id        INTEGER NOT NULL,
    payer_name       TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    note             TEXT,
    amount_fen       INTEGER NOT NULL CHECK (amount_fen > 0),
    method           TEXT NOT NULL CHECK (method IN ('cash', 'wechat', 'alipay', 'card')),
    received_by      INTEGER,
    received_by_name TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    receipt_year     INTEGER NOT NULL,
    receipt_pc       INTEGER NOT NULL CHECK (receipt_pc > 0),
    receipt_seq      INTEGER NOT NULL CHECK (receipt_seq > 0),
    voided_at        TEXT,
    voided_by        INTEGER,
    voided_by_name   TEXT,
    void_reason      TEXT,
    uid              BLOB
) STRICT;
CREATE UNIQUE INDEX payments_receipt ON payments (facility_id, receipt_year, receipt_pc, receipt_seq);
CREATE INDEX payments_person ON payments (person_kind, person_id, received_at);
CREATE INDEX payments_facility ON payments (facility_id, received_at);
CREATE UNIQUE INDEX payments_uid ON payments (uid) WHERE uid IS NOT NULL;

-- What was received stays as it was received; the void columns are set once. Giving a row
-- its first uid when the PC joins the hub (sync/outbox.rs) changes nothing of it.
CREATE TRIGGER payments_kept BEFORE UPDATE ON payments
    WHEN (SELECT applying FROM sync_state) = 0 AND (OLD.uid IS NOT NULL OR NEW.uid IS NULL)
     AND (OLD.voided_at IS NOT NULL
          OR NEW.facility_id IS NOT OLD.facility_id OR NEW.person_kind IS NOT OLD.person_kind
          OR NEW.person_id IS NOT OLD.person_id OR NEW.payer_name IS NOT OLD.payer_name
          OR NEW.purpose IS NOT OLD.purpose OR NEW.note IS NOT OLD.note
          OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.method IS NOT OLD.method
          OR NEW.received_by IS NOT OLD.received_by OR NEW.received_by_name IS NOT OLD.received_by_name
          OR NEW.received_at IS NOT OLD.received_at OR NEW.receipt_year IS NOT OLD.receipt_year
          OR NEW.receipt_pc IS NOT OLD.receipt_pc OR NEW.receipt_seq IS NOT OLD.receipt_seq)
BEGIN
    SELECT RAISE(ABORT, 'payment.kept');
END;

CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
    WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    SELECT RAISE(ABORT, 'payment.kept');
END;
