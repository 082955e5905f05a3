//! A year of meals at the demo facilities, as the meals services would have written it: each
//! facility's dish library, a published menu every week, the elderly clients' standing orders
//! and the bookings they and the desk made, serving with the subsidy fixed, and the food
//! samples (留样) the kitchens kept.
//!
//! How the year is drawn, and why:
//! - Libraries: a centre keeps 24–30 dishes of a northern-Chinese canteen (粥, 馒头, 花卷, 红烧肉,
//!   手把肉, 羊肉烩面…), a station 18–24 for lunch, a childcare unit 18–24 children's dishes.
//!   Allergens are those of the ingredients (酱油 holds soy and wheat), declared as the words
//!   name them; pork is never halal, while beef, mutton, fish, eggs, vegetables and staples
//!   are cooked halal; eggs are not counted vegetarian. Prices are a subsidised canteen's:
//!   0.5–3 yuan for a staple, porridge, egg or soup, 4–6 for vegetables, 8–15 for meat.
//! - Menus: the last 52 weeks, this week and the next (so the demo can book ahead), published
//!   by the facility's manager on the Friday before. Centres serve breakfast, lunch and
//!   dinner, stations lunch, units breakfast and lunch, Monday to Friday, 2–4 dishes a meal.
//!   Each facility rotates six week plans dealt from its own library, never the same one two
//!   weeks running; a unit keeps a plan one or two weeks (带量食谱 are changed every 1–2
//!   weeks), with grams per child by age group, none for under-ones of a dish with added salt
//!   or sugar, and cooks only on the days its morning-check sheets show it open (so not in the
//!   Spring Festival fortnight).
//! - Standing orders: about 15 % of clients (28 % of those living alone, 22 % of the
//!   subsidised), mostly weekday lunch, delivered to most of those living alone; a third began
//!   during the year; 6 % were stopped by the desk, and the order of a client suspended, moved
//!   or dead was stopped that day, the bookings it had made from then cancelled, as
//!   `stop_for_client_status` does. About 8 % of the other clients book now and then at the
//!   desk. Clients get their subsidy category here (it is the meals' column): about 4 % low
//!   income, 1 % extreme poverty, 3 % disabled.
//! - Bookings follow the services: an order's days are booked by `materialize` when the week's
//!   menu is published (no substitutes; diet warnings left for whoever serves); a day whose
//!   dishes clash with the client's allergy is skipped by it and booked by the desk instead,
//!   with a safe substitute (nine times in ten); a desk booking also substitutes, most of the
//!   time, a dish that does not suit a halal, vegetarian or low-sugar diet when the library
//!   has a suitable one, and the clerk confirms any warning left. Past meals were served at
//!   meal time (a delivery handed over a little earlier), the warnings nobody had confirmed
//!   confirmed by whoever served, and the subsidy fixed from the client's category that day;
//!   about 1 % were cancelled before the cut-off and 0.5 % never collected. From today on
//!   they are still booked: today is left for the demo user.
//! - Food samples: every dish of every meal at the centres and units, 100–160 g, kept 48
//!   hours and thrown away soon after (Monday morning where the kitchen closes at weekends);
//!   about 1 % of dishes were not sampled — the gaps a report should find. Stations keep
//!   none: their lunch is cooked, and sampled, in the kitchen of the circle's centre.
//! - Sizes: menus and samples do not grow with the scale (some 130,000 menu items and 70,000
//!   samples); SQLite writes them itself, a week at a time, from the facilities' plans.
//!   Bookings do grow: about 4,300 a week at scale 1, so a year of them would take seconds
//!   in every test that seeds a demo and a million rows at city scale. They are seeded for the
//!   last [`booking_weeks`] weeks (a quarter at scales 1 and 2, four weeks from scale 6) and
//!   the current and next; earlier weeks have menus and samples but no bookings. The stage
//!   adds about 1.4 s to a debug build's seeding at scale 1 and 3 s to a release build's at
//!   scale 10.
//!
//! Where each part lives: `catalogue` (the dishes a library is dealt from), `calendar` (days
//! and stamps), `kitchens` (libraries, week plans, menus, food samples) and `bookings` (the
//! diners, their standing orders, the bookings); this module runs the stage. Every row but
//! the bulk-copied menu items and samples goes through the services' writers.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, CachedStatement, Connection, Statement};

use super::{SeedProgress, SeedReport, Seeder};
use crate::dates::monday_of;
use crate::domain::meals::EaterFacts;
use crate::error::Result;
use crate::services::meals::subsidy::SubsidyCategory;

mod bookings;
mod calendar;
mod catalogue;
mod kitchens;

use bookings::{Diner, Verdict};
use calendar::{At, Calendar};
use kitchens::{ITEMS_SQL, SAMPLES_SQL};

/// Weeks of menus before the current one.
const MENU_HISTORY_WEEKS: u64 = 52;

/// Weeks of bookings before the current one: a quarter at scales 1 and 2, fewer as the
/// city grows — 8 at scale 3, 6 at 4, 4 from 6 — so that the stage stays near three seconds
/// at city scale (see the module's notes).
pub(super) fn booking_weeks(scale: u32) -> u64 {
    u64::from(26 / scale.max(1)).clamp(4, 13)
}

/// The stage's own statements. Dishes, menus, standing orders and bookings go through the
/// services' writers; menu items and food samples are copied by SQLite from the temporary
/// plan and day tables, a week at a time (set-based, as some 200,000 rows would take a
/// debug build seconds one by one), into the columns the services write.
struct Writer<'c> {
    /// On the temporary plan table: prepared, not cached, as the table goes at the end.
    plan: Statement<'c>,
    items: Statement<'c>,
    samples: Statement<'c>,
    category: CachedStatement<'c>,
}

/// What the stage counts, for the report.
#[derive(Default)]
struct Counts {
    dishes: u64,
    menus: u64,
    bookings: u64,
    meals_served: u64,
    food_samples: u64,
}

/// The meals stage: the connection and statements, the calendar, and what every
/// facility's year shares.
struct Meals<'c> {
    conn: &'c Connection,
    today: NaiveDate,
    /// A fast generator seeded from the seeder's: ChaCha, unoptimised, would dominate a
    /// debug build's time here.
    rng: SmallRng,
    w: Writer<'c>,
    calendar: Calendar,
    first_week: NaiveDate,
    booking_from: NaiveDate,
    rates: HashMap<SubsidyCategory, i64>,
    profiles: Vec<EaterFacts>,
    /// By (profile, dish id).
    verdicts: HashMap<(usize, i64), Verdict>,
    diners: Vec<Diner>,
    counts: Counts,
}

impl Seeder<'_> {
    pub(super) fn meals(
        &mut self,
        scale: u32,
        report: &mut SeedReport,
        progress: &mut dyn FnMut(SeedProgress),
    ) -> Result<()> {
        let rng = SmallRng::seed_from_u64(self.rng.random());
        let mut m = Meals::new(self.conn, self.today, scale, rng)?;
        m.diners()?;
        let mut kitchens = m.kitchens()?;
        for kitchen in kitchens.iter_mut() {
            m.library(kitchen)?;
            m.plans(kitchen);
            m.save_plans(kitchen)?;
        }
        let weeks = MENU_HISTORY_WEEKS + 2;
        let total = weeks + 2;
        for week in 0..weeks {
            for kitchen in kitchens.iter_mut() {
                m.menu_week(kitchen, week)?;
            }
            progress(SeedProgress { stage: "meals".into(), done: week + 1, total });
        }
        let mut orders = Vec::new();
        for kitchen in kitchens.iter_mut() {
            m.samples(kitchen)?;
            if kitchen.kind.is_elder() {
                orders.extend(m.standing_orders(kitchen)?);
                m.seats(kitchen);
            }
        }
        progress(SeedProgress { stage: "meals".into(), done: weeks + 1, total });
        orders.sort_by_key(|o| o.diner);
        m.bookings(&kitchens, &orders)?;
        report.dishes = m.counts.dishes;
        report.menus = m.counts.menus;
        report.bookings = m.counts.bookings;
        report.meals_served = m.counts.meals_served;
        report.food_samples = m.counts.food_samples;
        drop(m);
        self.conn.execute_batch("DROP TABLE temp.demo_meal_plan; DROP TABLE temp.demo_meal_days;")?;
        Ok(())
    }
}

impl<'c> Meals<'c> {
    fn new(conn: &'c Connection, today: NaiveDate, scale: u32, rng: SmallRng) -> Result<Meals<'c>> {
        conn.execute_batch(
            "CREATE TEMP TABLE demo_meal_plan (facility_id INTEGER NOT NULL, plan INTEGER NOT NULL, weekday INTEGER NOT NULL,
                                               meal_order INTEGER NOT NULL, meal TEXT NOT NULL, dish_id INTEGER NOT NULL,
                                               position INTEGER NOT NULL, grams_json TEXT);
             CREATE INDEX temp.demo_meal_plan_plan ON demo_meal_plan (facility_id, plan);
             CREATE TEMP TABLE demo_meal_days (day TEXT PRIMARY KEY, prev TEXT NOT NULL, plus1 TEXT NOT NULL,
                                               plus2 TEXT NOT NULL, monday_after TEXT NOT NULL,
                                               weekday INTEGER NOT NULL) WITHOUT ROWID;",
        )?;
        let this_week = monday_of(today);
        let first_week = this_week - Days::new(7 * MENU_HISTORY_WEEKS);
        let w = Writer {
            plan: conn.prepare(
                "INSERT INTO temp.demo_meal_plan (facility_id, plan, weekday, meal_order, meal, dish_id, position, grams_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            items: conn.prepare(ITEMS_SQL)?,
            samples: conn.prepare(SAMPLES_SQL)?,
            category: conn.prepare_cached("UPDATE clients SET subsidy_category = ?1 WHERE id = ?2")?,
        };
        let mut rates = HashMap::new();
        let mut stmt = conn.prepare("SELECT category, fen_per_meal FROM subsidy_rates")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(category) = SubsidyCategory::parse(&r.get::<_, String>(0)?) {
                rates.insert(category, r.get(1)?);
            }
        }
        let calendar = Calendar::new(first_week - Days::new(7), this_week + Days::new(21));
        let mut day = conn.prepare(
            "INSERT INTO temp.demo_meal_days (day, prev, plus1, plus2, monday_after, weekday) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for d in first_week.iter_days().take_while(|d| *d < this_week + Days::new(14)) {
            let weekday = d.weekday().num_days_from_monday();
            let at = |n: i64| calendar.day(d.checked_add_signed(chrono::Duration::days(n)).expect("in range"));
            day.execute(params![at(0), at(-1), at(1), at(2), at(7 - i64::from(weekday)), weekday])?;
        }
        Ok(Meals {
            conn,
            today,
            rng,
            w,
            calendar,
            first_week,
            booking_from: this_week - Days::new(7 * booking_weeks(scale)),
            rates,
            profiles: Vec::new(),
            verdicts: HashMap::new(),
            diners: Vec::new(),
            counts: Counts::default(),
        })
    }

    /// The latest a booking or a menu can have been made: yesterday afternoon.
    fn latest(&self) -> At {
        At::new(self.today - Days::new(1), 16.0 * 60.0 + 30.0)
    }

    /// A week's menu is published on the Friday afternoon before (never later than yesterday).
    fn published_at(&self, week_start: NaiveDate) -> At {
        At::new(week_start - Days::new(3), 16.0 * 60.0 + 30.0).min(self.latest())
    }
}
