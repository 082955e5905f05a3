-- The hub this PC joined (docs/sync.md): its libpq connection string, with the PC's own
-- role and password as the city office enrolled it, so the app syncs on its own without
-- anyone typing them again. It lives in the database, which is encrypted (SQLCipher) on every
-- installation, so the password is protected at rest as every record is; nothing shows it.
ALTER TABLE sync_state ADD COLUMN hub TEXT;

-- `last_error` now holds the error's code and parameters as JSON (the screen translates
-- them); a message in the old form is dropped.
UPDATE sync_state SET last_error = NULL;
