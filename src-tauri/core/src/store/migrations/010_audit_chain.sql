-- The audit log becomes append-only and hash-chained (services/audit/chain.rs): each entry's
-- SHA-256 over its fields and the previous entry's hash. The entries already written are
-- hashed in order by the migration's hook, which then adds the triggers that refuse any
-- UPDATE or DELETE of the table.
ALTER TABLE audit_log ADD COLUMN hash TEXT;
