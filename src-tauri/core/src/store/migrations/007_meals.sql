-- 007: meals. Each facility's dish library (allergens, the diets a dish suits, added salt
-- and sugar, portion, price in fen); weekly menus built from it (for childcare units, the
-- grams per child by age group: 带量食谱); elderly clients' bookings, standing orders that
-- become bookings, the substitutes chosen for allergies and the diet warnings confirmed;
-- serving; the subsidy per meal by client category; and the food samples kept 48 hours.

CREATE TABLE dishes (
    id           INTEGER PRIMARY KEY,
    facility_id  INTEGER NOT NULL REFERENCES facilities(id),
    name         TEXT NOT NULL,
    ingredients  TEXT NOT NULL DEFAULT '',
    -- JSON arrays of codes: domain::meals::Allergen, and the DietNeed codes the dish suits.
    allergens    TEXT NOT NULL DEFAULT '[]',
    suits        TEXT NOT NULL DEFAULT '[]',
    added_salt   INTEGER NOT NULL DEFAULT 1 CHECK (added_salt IN (0, 1)),
    added_sugar  INTEGER NOT NULL DEFAULT 0 CHECK (added_sugar IN (0, 1)),
    portion      TEXT,
    price_fen    INTEGER NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    is_demo      INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (facility_id, name)
) STRICT;

-- One week (Monday to Sunday) of one facility. Only a published menu can be booked.
CREATE TABLE menus (
    id                INTEGER PRIMARY KEY,
    facility_id       INTEGER NOT NULL REFERENCES facilities(id),
    week_start        TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at      TEXT,
    published_by_name TEXT,
    note              TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (facility_id, week_start)
) STRICT;

CREATE TABLE menu_items (
    id         INTEGER PRIMARY KEY,
    menu_id    INTEGER NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    meal       TEXT NOT NULL CHECK (meal IN ('breakfast', 'lunch', 'dinner')),
    dish_id    INTEGER NOT NULL REFERENCES dishes(id),
    position   INTEGER NOT NULL DEFAULT 0,
    -- Childcare: grams per child by age group, JSON {"under_1": 0, "1_to_2": 40, …}; NULL elsewhere.
    grams_json TEXT,
    UNIQUE (menu_id, day, meal, dish_id)
) STRICT;
CREATE INDEX menu_items_day ON menu_items(day, meal);

-- A client's standing order ("every weekday lunch"), turned into daily bookings ahead of
-- time; stopped (never deleted) when the client is suspended, moves or dies.
CREATE TABLE standing_orders (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    facility_id     INTEGER NOT NULL REFERENCES facilities(id),
    meal            TEXT NOT NULL CHECK (meal IN ('breakfast', 'lunch', 'dinner')),
    -- Bit 0 Monday … bit 6 Sunday.
    weekdays        INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    mode            TEXT NOT NULL CHECK (mode IN ('dine_in', 'delivery')),
    from_day        TEXT NOT NULL,
    to_day          TEXT,
    stopped_on      TEXT,
    stopped_reason  TEXT,
    created_by_name TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX standing_orders_client ON standing_orders(client_id);

CREATE TABLE bookings (
    id                INTEGER PRIMARY KEY,
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    facility_id       INTEGER NOT NULL REFERENCES facilities(id),
    day               TEXT NOT NULL,
    meal              TEXT NOT NULL CHECK (meal IN ('breakfast', 'lunch', 'dinner')),
    mode              TEXT NOT NULL CHECK (mode IN ('dine_in', 'delivery')),
    status            TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'served')),
    standing_order_id INTEGER REFERENCES standing_orders(id),
    -- Who confirmed the diet warnings of the day's dishes for this client, and when.
    diet_confirmed_by TEXT,
    diet_confirmed_at TEXT,
    cancelled_at      TEXT,
    cancelled_by_name TEXT,
    cancel_reason     TEXT,
    -- Served at the centre, or handed over at the door for a delivery.
    served_at         TEXT,
    served_by_name    TEXT,
    -- The subsidy category and amount that applied, fixed when served.
    subsidy_category  TEXT,
    subsidy_fen       INTEGER,
    created_by_name   TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX bookings_one_per_meal ON bookings(client_id, day, meal) WHERE status != 'cancelled';
CREATE INDEX bookings_facility_day ON bookings(facility_id, day, meal);

-- The safe dish served instead of one that clashes with the client's allergy.
CREATE TABLE booking_substitutions (
    booking_id         INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    dish_id            INTEGER NOT NULL REFERENCES dishes(id),
    substitute_dish_id INTEGER NOT NULL REFERENCES dishes(id),
    chosen_by_name     TEXT NOT NULL,
    PRIMARY KEY (booking_id, dish_id)
) STRICT;

-- 助餐补贴: the city's amount per meal served, by client category.
ALTER TABLE clients ADD COLUMN subsidy_category TEXT NOT NULL DEFAULT 'standard'
    CHECK (subsidy_category IN ('standard', 'low_income', 'extreme_poverty', 'disabled'));
CREATE TABLE subsidy_rates (
    category     TEXT PRIMARY KEY
        CHECK (category IN ('standard', 'aged_80', 'low_income', 'extreme_poverty', 'disabled')),
    fen_per_meal INTEGER NOT NULL CHECK (fen_per_meal >= 0)
) STRICT;
INSERT INTO subsidy_rates (category, fen_per_meal) VALUES
    ('standard', 0), ('aged_80', 300), ('low_income', 500), ('disabled', 500), ('extreme_poverty', 800);

-- 留样: at least 100 g of every dish of every meal, kept 48 hours.
CREATE TABLE food_samples (
    id              INTEGER PRIMARY KEY,
    facility_id     INTEGER NOT NULL REFERENCES facilities(id),
    day             TEXT NOT NULL,
    meal            TEXT NOT NULL CHECK (meal IN ('breakfast', 'lunch', 'dinner')),
    dish_id         INTEGER NOT NULL REFERENCES dishes(id),
    grams           REAL NOT NULL CHECK (grams >= 100),
    sampled_at      TEXT NOT NULL,
    sampled_by_name TEXT NOT NULL,
    discard_after   TEXT NOT NULL,
    discarded_at    TEXT,
    UNIQUE (facility_id, day, meal, dish_id)
) STRICT;
