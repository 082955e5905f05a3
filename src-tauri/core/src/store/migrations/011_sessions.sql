-- Sessions that end (issue 16): a manager's password reset or disabling an account ends
-- that account's sessions in every running app (each app checks at least once a minute
-- against this stamp); an idle session signs out after the minutes the city sets.
ALTER TABLE accounts ADD COLUMN credentials_changed_at TEXT;

CREATE TABLE city_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO city_settings (key, value) VALUES ('idle_sign_out_minutes', '15');
