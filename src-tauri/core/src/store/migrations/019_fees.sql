-- Fees (docs/money.md, "Prices with the day they start" and "Charges, credits and the two
-- payers"). A facility's fee settings, each with the first day it applies: the price of a
-- meal, of an hour of a home-care service, a childcare unit's monthly fee and daily meal
-- fee, and the unit's rule for crediting absent days. The setting on a day is the row with
-- the latest first day on or before it. A row is never changed once a charge has used it:
-- a new row with a later first day replaces it (services/fees). Item codes and their units
-- are checked in Rust (services::fees::FeeItem): fen for prices, days for the credit rule.
CREATE TABLE fee_settings (
    id          INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facilities(id),
    item        TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value >= 0),
    from_day    TEXT NOT NULL,
    set_by_name TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    uid         BLOB
) STRICT;
CREATE UNIQUE INDEX fee_settings_item_day ON fee_settings (facility_id, item, from_day);
CREATE UNIQUE INDEX fee_settings_uid ON fee_settings (uid) WHERE uid IS NOT NULL;

-- The share of a done home visit's price the city pays (政府购买服务), by category, in
-- percent. Like the meal subsidy, it is fixed on the visit when it is recorded done, so a
-- later change of rate or of the client's category never rewrites a past month.
ALTER TABLE subsidy_rates ADD COLUMN visit_percent INTEGER NOT NULL DEFAULT 0
    CHECK (visit_percent BETWEEN 0 AND 100);
UPDATE subsidy_rates SET visit_percent = CASE category
    WHEN 'standard' THEN 0 WHEN 'aged_80' THEN 50 ELSE 100 END;

ALTER TABLE visits ADD COLUMN subsidy_category TEXT;
ALTER TABLE visits ADD COLUMN city_percent INTEGER CHECK (city_percent IS NULL OR city_percent BETWEEN 0 AND 100);
-- Visits done before this version: their client's category as recorded now (80 or over on
-- the visit's day counts as aged_80), at the rates above.
UPDATE visits SET subsidy_category = (
        SELECT CASE WHEN cl.subsidy_category = 'standard'
                     AND cl.birth_date <= date(visits.day, '-80 years') THEN 'aged_80'
                    ELSE cl.subsidy_category END
          FROM clients cl WHERE cl.id = visits.client_id)
 WHERE status = 'done';
UPDATE visits SET city_percent = CASE WHEN place = 'home'
        THEN (SELECT visit_percent FROM subsidy_rates r WHERE r.category = visits.subsidy_category) ELSE 0 END
 WHERE status = 'done';
