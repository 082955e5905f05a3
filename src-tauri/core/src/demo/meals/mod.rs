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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, CachedStatement, Connection, Statement};

use super::{SeedProgress, SeedReport, Seeder};
use crate::clock::local_offset;
use crate::dates::monday_of;
use crate::domain::facility::FacilityKind;
use crate::domain::meals::{clashes, Clash, DishFacts, EaterFacts, Meal, MealMode};
use crate::domain::person::DietNeed;
use crate::error::Result;
use crate::services::meals::subsidy::{category_on, SubsidyCategory};
use crate::store::read;
use crate::store::utc_stamp;

mod catalogue;
use catalogue::{grams_json, Course, DishSpec, CHILD_DISHES, ELDER_DISHES};

/// Weeks of menus before the current one.
const MENU_HISTORY_WEEKS: u64 = 52;
/// Week plans a facility rotates.
const PLANS_PER_FACILITY: usize = 6;
/// A week's menu items from the facility's (?7) plan (?8) on the days cooked (?9, bit 0
/// Monday), dated ?2–?6.
const ITEMS_SQL: &str = "
    INSERT INTO menu_items (menu_id, day, meal, dish_id, position, grams_json)
    SELECT ?1, CASE weekday WHEN 0 THEN ?2 WHEN 1 THEN ?3 WHEN 2 THEN ?4 WHEN 3 THEN ?5 ELSE ?6 END,
           meal, dish_id, position, grams_json
    FROM temp.demo_meal_plan WHERE facility_id = ?7 AND plan = ?8 AND (?9 >> weekday) & 1
    ORDER BY weekday, meal_order, position";

/// The food samples of a week's menu (?3) before today (?4), by the cook on duty (?2): every
/// dish but about 1 in 100 (the gaps), 100–160 g, taken in the half hour before the meal,
/// kept 48 hours and thrown away within the hour or so after — or, where the kitchen is
/// closed at weekends (?5), on the Monday morning — unless that is today or later (then it
/// is the user's to throw away). What varies is drawn from a hash of the item's id:
/// deterministic, and all in SQLite. Stamps are put together from `temp.demo_meal_days`
/// rather than by SQLite's date functions, which would take twice as long as the inserts:
/// Wuhai is 8 hours ahead, so a breakfast sample (07:00–07:20) is stamped the day before.
const SAMPLES_SQL: &str = "
    INSERT INTO food_samples (facility_id, day, meal, dish_id, grams, sampled_at, sampled_by_name, discard_after,
                              discarded_at)
    SELECT ?1, day, meal, dish_id, 100 + 5 * (h / 100 % 13),
           taken_day || at, ?2, kept_day || at,
           CASE WHEN ?5 AND weekday >= 3
                THEN CASE WHEN monday_after < ?4
                          THEN monday_after || printf('T00:%02d:%02dZ', 10 + h / 26000 % 50, h / 7 % 60) END
                WHEN plus2 < ?4
                THEN kept_day || printf('T%02d:%02d:%02dZ', (u + later) / 60, (u + later) % 60, h / 7 % 60) END
    FROM (SELECT i.day, i.meal, i.dish_id, h, u, d.weekday, d.plus2, d.monday_after,
                 CASE i.meal WHEN 'breakfast' THEN d.prev ELSE i.day END AS taken_day,
                 CASE i.meal WHEN 'breakfast' THEN d.plus1 ELSE d.plus2 END AS kept_day,
                 printf('T%02d:%02d:%02dZ', u / 60, u % 60, h / 7 % 60) AS at,
                 CASE i.meal WHEN 'breakfast' THEN 5 + h / 26000 % 35 ELSE 5 + h / 26000 % 85 END AS later
          FROM (SELECT day, meal, dish_id, h,
                       (CASE meal WHEN 'breakfast' THEN 420 WHEN 'lunch' THEN 660 ELSE 1020 END + h / 1300 % 20
                        + 1440 - 480) % 1440 AS u
                FROM (SELECT day, meal, dish_id, id * 2654435761 % 4294967291 AS h
                      FROM menu_items WHERE menu_id = ?3 AND day < ?4)
                WHERE h % 100 != 0) i
          JOIN temp.demo_meal_days d ON d.day = i.day)";

/// Weeks of bookings before the current one: a quarter at scales 1 and 2, fewer as the
/// city grows — 8 at scale 3, 6 at 4, 4 from 6 — so that the stage stays near three seconds
/// at city scale (see the module's notes).
pub(super) fn booking_weeks(scale: u32) -> u64 {
    u64::from(26 / scale.max(1)).clamp(4, 13)
}

/// An instant as a local day and the seconds after its midnight; `Ord` is time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct At {
    day: NaiveDate,
    /// Below 86,400.
    second: u32,
}

impl At {
    fn new(day: NaiveDate, minutes: f64) -> At {
        let s = (minutes * 60.0).round() as i64;
        if (0..86_400).contains(&s) {
            return At { day, second: s as u32 };
        }
        let day = day.checked_add_signed(chrono::Duration::days(s.div_euclid(86_400))).expect("in range");
        At { day, second: s.rem_euclid(86_400) as u32 }
    }

    fn plus_minutes(self, minutes: f64) -> At {
        At::new(self.day, f64::from(self.second) / 60.0 + minutes)
    }

    fn instant(self) -> DateTime<Utc> {
        local_offset().from_local_datetime(&self.day.and_time(NaiveTime::MIN)).single().expect("fixed offset").to_utc()
            + chrono::Duration::seconds(i64::from(self.second))
    }
}

/// Day strings and UTC stamps without chrono's formatting, which would dominate a debug
/// build's time over a few hundred thousand rows.
struct Calendar {
    first: NaiveDate,
    iso: Vec<String>,
}

impl Calendar {
    fn new(first: NaiveDate, last: NaiveDate) -> Calendar {
        Calendar { first, iso: first.iter_days().take_while(|d| *d <= last).map(|d| d.to_string()).collect() }
    }

    fn day(&self, d: NaiveDate) -> &str {
        &self.iso[(d - self.first).num_days() as usize]
    }

    /// As stored, e.g. "2026-11-27T03:42:10Z" for 11:42:10 in Wuhai.
    fn stamp(&self, at: At) -> String {
        let utc = i64::from(at.second) - 8 * 3600;
        let index = (at.day - self.first).num_days() + utc.div_euclid(86_400);
        let s = utc.rem_euclid(86_400);
        match usize::try_from(index).ok().and_then(|i| self.iso.get(i)) {
            Some(day) => format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60),
            None => utc_stamp(at.instant()),
        }
    }
}

/// A dish of one facility's library.
struct KitchenDish {
    id: i64,
    spec: &'static DishSpec,
    facts: DishFacts,
}

/// One dish of a week plan: its index in the library and, at a unit, its grams.
struct PlanItem {
    dish: usize,
    grams: Option<String>,
}

/// A week's dishes by weekday (Monday to Friday) and meal (breakfast, lunch, dinner).
type WeekPlan = [[Vec<PlanItem>; 3]; 5];

/// The people of a facility who publish menus, book, serve and take samples.
#[derive(Default)]
struct Crew {
    managers: Vec<String>,
    desk: Vec<String>,
    carers: Vec<String>,
    cooks: Vec<String>,
}

fn one(rng: &mut SmallRng, from: &[String], fallback: &[String], last_resort: &str) -> String {
    let from = if from.is_empty() { fallback } else { from };
    if from.is_empty() {
        last_resort.to_string()
    } else {
        from[rng.random_range(0..from.len())].clone()
    }
}

struct Kitchen {
    id: i64,
    kind: FacilityKind,
    dishes: Vec<KitchenDish>,
    plans: Vec<WeekPlan>,
    /// Each week's plan and menu, from the first; none for a week the unit was closed.
    weeks: Vec<Option<(usize, i64)>>,
    /// The booking weeks' menus, from `booking_from`.
    seats: Vec<Option<Seat>>,
    crew: Crew,
    /// Past days the unit was open, as its morning checks show (childcare only).
    open_days: HashSet<NaiveDate>,
}

impl Kitchen {
    fn meals(&self) -> &'static [Meal] {
        match self.kind {
            FacilityKind::ElderCentre => &[Meal::Breakfast, Meal::Lunch, Meal::Dinner],
            FacilityKind::ElderStation => &[Meal::Lunch],
            FacilityKind::Childcare => &[Meal::Breakfast, Meal::Lunch],
        }
    }

    /// Whether the kitchen cooks on a weekday.
    fn cooks_on(&self, day: NaiveDate, today: NaiveDate) -> bool {
        self.kind != FacilityKind::Childcare || day >= today || self.open_days.contains(&day)
    }

    fn of_course(&self, courses: &[Course]) -> Vec<usize> {
        (0..self.dishes.len()).filter(|&i| courses.contains(&self.dishes[i].spec.course)).collect()
    }

    fn menu(&self, plan: usize, weekday: usize, meal: Meal) -> &[PlanItem] {
        &self.plans[plan][weekday][meal_index(meal)]
    }

    fn server(&self, rng: &mut SmallRng, mode: MealMode) -> String {
        match mode {
            MealMode::Delivery => one(rng, &self.crew.carers, &self.crew.desk, "演示护理员"),
            MealMode::DineIn if rng.random_bool(0.5) => one(rng, &self.crew.desk, &self.crew.carers, "演示前台"),
            MealMode::DineIn => one(rng, &self.crew.carers, &self.crew.desk, "演示护理员"),
        }
    }
}

/// A week's menu as the desk saw it: its plan, when it was published, and the clerk who
/// opened the bookings screen then.
struct Seat {
    plan: usize,
    published: At,
    stamp: String,
    clerk: String,
}

/// A client as the meals see them.
struct Diner {
    id: i64,
    facility_id: i64,
    birth: NaiveDate,
    /// Suspended, moved or deceased: the day it happened, and the status.
    left: Option<(NaiveDate, String)>,
    alone: bool,
    category: SubsidyCategory,
    /// Index into the eater profiles; none when no dish can clash (no food allergy and no
    /// diet that warns).
    profile: Option<usize>,
}

/// What the rules say of one dish for one eater.
#[derive(Debug, Clone, Copy, Default)]
struct Verdict {
    refuses: bool,
    warns: bool,
}

impl Verdict {
    fn clean(self) -> bool {
        !self.refuses && !self.warns
    }
}

struct Order {
    id: i64,
    diner: usize,
    meal: Meal,
    /// Bit 0 Monday … bit 4 Friday.
    weekdays: u8,
    mode: MealMode,
    from: NaiveDate,
    /// Stopped that day, and the reason stored: the client's new status, or the desk's words.
    stop: Option<(NaiveDate, String)>,
    created: At,
}

fn is_status(reason: &str) -> bool {
    matches!(reason, "suspended" | "moved" | "deceased")
}

impl Order {
    fn wants(&self, day: NaiveDate, meal: Meal) -> bool {
        self.meal == meal && day >= self.from && self.weekdays & (1 << day.weekday().num_days_from_monday()) != 0
    }

    /// Stopped in the morning — by the desk at 08:00, on a change of the client's status at
    /// 10:00 — so that day's breakfast was booked past its cut-off, and served, either way.
    fn stopped_by(&self, day: NaiveDate, meal: Meal) -> Option<&(NaiveDate, String)> {
        let stop = self.stop.as_ref()?;
        let still_on = day < stop.0 || (day == stop.0 && meal == Meal::Breakfast);
        (!still_on).then_some(stop)
    }

    fn applies_on(&self, day: NaiveDate, meal: Meal) -> bool {
        self.wants(day, meal) && self.stopped_by(day, meal).is_none()
    }

    /// A booking `materialize` had made before the stop, cancelled by it: a day of the weeks
    /// published then (the next one too from the Friday evening).
    fn cancelled_on(&self, day: NaiveDate, meal: Meal) -> Option<&(NaiveDate, String)> {
        let stop = self.stopped_by(day, meal)?;
        let ahead = if stop.0.weekday().num_days_from_monday() >= 5 { 13 } else { 6 };
        (self.wants(day, meal) && day <= monday_of(stop.0) + Days::new(ahead)).then_some(stop)
    }
}

/// One meal of one day at one facility.
#[derive(Clone, Copy)]
struct Sitting<'k> {
    day: NaiveDate,
    meal: Meal,
    menu: &'k [PlanItem],
    /// When the week's menu was published, and its standing orders booked by `materialize`
    /// as the clerk opened the bookings screen.
    published: At,
    published_stamp: &'k str,
    clerk: &'k str,
}

/// A meal as booked: the substitutes chosen (menu dish → substitute) and whether a dish left
/// on the plate does not suit a diet.
#[derive(Default)]
struct Plates {
    substitutes: Vec<(i64, i64)>,
    warns: bool,
}

/// A booking row about to be written.
struct BookingRow {
    diner: usize,
    mode: MealMode,
    standing_order_id: Option<i64>,
    plates: Plates,
    created: At,
    created_stamp: String,
    created_by: String,
    confirmed: Option<(String, At)>,
}

struct Writer<'c> {
    dish: CachedStatement<'c>,
    menu: CachedStatement<'c>,
    /// On the temporary plan table: prepared, not cached, as the table goes at the end.
    plan: Statement<'c>,
    items: Statement<'c>,
    samples: Statement<'c>,
    order: CachedStatement<'c>,
    booking: CachedStatement<'c>,
    substitution: CachedStatement<'c>,
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
            dish: conn.prepare_cached(
                "INSERT INTO dishes (facility_id, name, ingredients, allergens, suits, added_salt, added_sugar, portion,
                                     price_fen, active, is_demo, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, 1, ?10, ?10)",
            )?,
            menu: conn.prepare_cached(
                "INSERT INTO menus (facility_id, week_start, status, published_at, published_by_name, created_at, updated_at)
                 VALUES (?1, ?2, 'published', ?3, ?4, ?5, ?3)",
            )?,
            plan: conn.prepare(
                "INSERT INTO temp.demo_meal_plan (facility_id, plan, weekday, meal_order, meal, dish_id, position, grams_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            items: conn.prepare(ITEMS_SQL)?,
            samples: conn.prepare(SAMPLES_SQL)?,
            order: conn.prepare_cached(
                "INSERT INTO standing_orders (client_id, facility_id, meal, weekdays, mode, from_day, to_day, stopped_on,
                                              stopped_reason, created_by_name, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9, ?10)",
            )?,
            booking: conn.prepare_cached(
                "INSERT INTO bookings (client_id, facility_id, day, meal, mode, status, standing_order_id,
                                       diet_confirmed_by, diet_confirmed_at, cancelled_at, cancelled_by_name,
                                       cancel_reason, served_at, served_by_name, subsidy_category, subsidy_fen,
                                       created_by_name, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?,
            substitution: conn.prepare_cached(
                "INSERT INTO booking_substitutions (booking_id, dish_id, substitute_dish_id, chosen_by_name)
                 VALUES (?1, ?2, ?3, ?4)",
            )?,
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

    fn verdict(&mut self, profile: usize, dish: &KitchenDish) -> Verdict {
        let eater = &self.profiles[profile];
        *self.verdicts.entry((profile, dish.id)).or_insert_with(|| {
            let found = clashes(eater, &dish.facts);
            Verdict {
                refuses: found.iter().any(Clash::refuses),
                warns: found.iter().any(|c| matches!(c, Clash::Diet { .. })),
            }
        })
    }

    /// The meal's plates as they are, without substitutes: any refused, any warned.
    fn judge(&mut self, diner: usize, kitchen: &Kitchen, menu: &[PlanItem]) -> Verdict {
        let Some(profile) = self.diners[diner].profile else { return Verdict::default() };
        menu.iter().fold(Verdict::default(), |all, item| {
            let v = self.verdict(profile, &kitchen.dishes[item.dish]);
            Verdict { refuses: all.refuses || v.refuses, warns: all.warns || v.warns }
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

    /// The clients, each given a subsidy category (助餐补贴: about 4 % low income, 1 % in
    /// extreme poverty and 3 % disabled; the rest standard, which counts as aged 80 from the
    /// 80th birthday), and a day in the menus' year for those no longer active.
    fn diners(&mut self) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, facility_id, birth_date, status, living_situation, allergies, diet_needs
             FROM clients WHERE is_demo = 1 ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut profiles: HashMap<(String, String), usize> = HashMap::new();
        let history_days = (self.today - self.first_week).num_days() as u64;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let status: String = r.get(3)?;
            let (allergies, diets): (String, String) = (r.get(5)?, r.get(6)?);
            let eater = EaterFacts {
                allergies: read::json_text("allergies", &allergies)?,
                diet_needs: read::json_text("diet_needs", &diets)?,
                age_months: None,
            };
            let may_clash = !eater.allergies.is_empty()
                || eater
                    .diet_needs
                    .iter()
                    .any(|n| matches!(n, DietNeed::LowSugar | DietNeed::Halal | DietNeed::Vegetarian));
            let profile = may_clash.then(|| {
                let next = self.profiles.len();
                *profiles.entry((allergies, diets)).or_insert_with(|| {
                    self.profiles.push(eater);
                    next
                })
            });
            let category = match self.rng.random_range(0..100) {
                0..=3 => SubsidyCategory::LowIncome,
                4 => SubsidyCategory::ExtremePoverty,
                5..=7 => SubsidyCategory::Disabled,
                _ => SubsidyCategory::Standard,
            };
            if category != SubsidyCategory::Standard {
                self.w.category.execute(params![category.as_str(), id])?;
            }
            let left =
                (status != "active").then(|| (self.today - Days::new(self.rng.random_range(1..=history_days)), status));
            self.diners.push(Diner {
                id,
                facility_id: r.get(1)?,
                birth: r.get::<_, String>(2)?.parse().unwrap_or(self.today),
                left,
                alone: r.get::<_, String>(4)? == "alone",
                category,
                profile,
            });
        }
        Ok(())
    }

    fn kitchens(&self) -> Result<Vec<Kitchen>> {
        let mut crews: HashMap<i64, Crew> = HashMap::new();
        let mut stmt = self.conn.prepare("SELECT facility_id, name, job FROM staff WHERE is_demo = 1 ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let crew = crews.entry(r.get(0)?).or_default();
            let name: String = r.get(1)?;
            match r.get::<_, String>(2)?.as_str() {
                "manager" => crew.managers.push(name),
                "front_desk" => crew.desk.push(name),
                "caregiver" | "teacher" => crew.carers.push(name),
                "cook" | "health_worker" => crew.cooks.push(name),
                _ => {}
            }
        }
        // A unit cooks on the days it was open: the days of its morning checks.
        let mut open: HashMap<i64, HashSet<NaiveDate>> = HashMap::new();
        let mut stmt =
            self.conn.prepare("SELECT DISTINCT facility_id, day FROM child_checks WHERE session = 'morning'")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Ok(day) = r.get::<_, String>(1)?.parse() {
                open.entry(r.get(0)?).or_default().insert(day);
            }
        }
        let mut stmt = self.conn.prepare("SELECT id, kind FROM facilities WHERE is_demo = 1 ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind) = row?;
            let Some(kind) = FacilityKind::parse(&kind) else { continue };
            out.push(Kitchen {
                id,
                kind,
                dishes: Vec::new(),
                plans: Vec::new(),
                weeks: Vec::new(),
                seats: Vec::new(),
                crew: crews.remove(&id).unwrap_or_default(),
                open_days: open.remove(&id).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// The facility's library: the first dish of each course it serves, and about half the rest.
    fn library(&mut self, kitchen: &mut Kitchen) -> Result<()> {
        use Course::*;
        let (specs, courses): (&'static [DishSpec], &[Course]) = match kitchen.kind {
            FacilityKind::ElderCentre => (ELDER_DISHES, &[Porridge, Bun, Rice, Side, Meat, Veg, Soup, Noodles]),
            FacilityKind::ElderStation => (ELDER_DISHES, &[Bun, Rice, Meat, Veg, Soup, Noodles]),
            FacilityKind::Childcare => (CHILD_DISHES, &[Porridge, Bun, Rice, Meat, Veg, Soup, Fruit]),
        };
        let size: usize = match kitchen.kind {
            FacilityKind::ElderCentre => self.rng.random_range(24..=30),
            _ => self.rng.random_range(18..=24),
        };
        // The first of each course, then others drawn until the library has its size; kept
        // in the lists' order.
        let offered: Vec<usize> = (0..specs.len()).filter(|&i| courses.contains(&specs[i].course)).collect();
        let mut chosen: Vec<usize> = Vec::new();
        let mut rest: Vec<usize> = Vec::new();
        for &i in &offered {
            if chosen.iter().any(|&c| specs[c].course == specs[i].course) {
                rest.push(i);
            } else {
                chosen.push(i);
            }
        }
        for i in (1..rest.len()).rev() {
            rest.swap(i, self.rng.random_range(0..=i));
        }
        chosen.extend(rest.into_iter().take(size.saturating_sub(chosen.len())));
        chosen.sort_unstable();
        let days_before = 7 * MENU_HISTORY_WEEKS + self.rng.random_range(14..200);
        let created = utc_stamp(At::new(self.today - Days::new(days_before), 10.0 * 60.0).instant());
        for spec in chosen.into_iter().map(|i| &specs[i]) {
            // Stored as `dishes::create_dish` stores them: codes sorted, each once.
            let mut allergens = spec.allergens.to_vec();
            allergens.sort();
            allergens.dedup();
            let mut suits = spec.suits.to_vec();
            suits.sort();
            suits.dedup();
            self.w.dish.execute(params![
                kitchen.id,
                spec.name,
                spec.ingredients,
                serde_json::to_string(&allergens).expect("codes serialise"),
                serde_json::to_string(&suits).expect("codes serialise"),
                spec.salt,
                spec.sugar,
                spec.portion,
                spec.price_fen,
                created,
            ])?;
            let facts = DishFacts {
                name: spec.name.to_string(),
                ingredients: spec.ingredients.to_string(),
                allergens,
                suits,
                added_salt: spec.salt,
                added_sugar: spec.sugar,
            };
            kitchen.dishes.push(KitchenDish { id: self.conn.last_insert_rowid(), spec, facts });
            self.counts.dishes += 1;
        }
        Ok(())
    }

    /// The week plans the facility rotates: each course's dishes dealt round the week from a
    /// shuffled deck, so a dish comes back only when the others of its course have had a turn.
    fn plans(&mut self, kitchen: &mut Kitchen) {
        use Course::*;
        let rng = &mut self.rng;
        for _ in 0..PLANS_PER_FACILITY {
            let mut decks: HashMap<Vec<u8>, (Vec<usize>, usize)> = HashMap::new();
            let mut plan: WeekPlan = Default::default();
            for day in plan.iter_mut() {
                let noodles = rng.random_bool(0.2);
                let courses: [Vec<&[Course]>; 3] = match kitchen.kind {
                    FacilityKind::ElderCentre => [
                        vec![&[Porridge], &[Bun], &[Side]],
                        if noodles {
                            vec![&[Noodles], &[Veg], &[Soup]]
                        } else {
                            vec![&[Rice, Bun], &[Meat], &[Veg], &[Soup]]
                        },
                        if rng.random_bool(0.35) {
                            vec![&[Noodles], &[Side]]
                        } else {
                            vec![&[Porridge], &[Bun], &[Veg]]
                        },
                    ],
                    FacilityKind::ElderStation => [
                        vec![],
                        if noodles { vec![&[Noodles], &[Veg]] } else { vec![&[Rice, Bun], &[Meat], &[Veg]] },
                        vec![],
                    ],
                    FacilityKind::Childcare => [
                        vec![&[Porridge], &[Bun]],
                        vec![&[Rice], &[Meat], &[Veg], if rng.random_bool(0.3) { &[Fruit] } else { &[Soup] }],
                        vec![],
                    ],
                };
                for (meal, courses) in day.iter_mut().zip(courses) {
                    for course in courses {
                        let key: Vec<u8> = course.iter().map(|c| *c as u8).collect();
                        let (deck, next) = decks.entry(key).or_insert_with(|| {
                            let mut deck = kitchen.of_course(course);
                            for i in (1..deck.len()).rev() {
                                deck.swap(i, rng.random_range(0..=i));
                            }
                            (deck, 0)
                        });
                        if deck.is_empty() {
                            continue;
                        }
                        let dish = deck[*next % deck.len()];
                        *next += 1;
                        if meal.iter().any(|i| i.dish == dish) {
                            continue;
                        }
                        // Units vary the portions a little from plan to plan.
                        let grams = (kitchen.kind == FacilityKind::Childcare)
                            .then(|| grams_json(kitchen.dishes[dish].spec, rng.random_range(0.9..1.1)));
                        meal.push(PlanItem { dish, grams });
                    }
                }
            }
            kitchen.plans.push(plan);
        }
    }

    /// The facility's week plans, for SQLite to write the menus from.
    fn save_plans(&mut self, kitchen: &Kitchen) -> Result<()> {
        for (p, plan) in kitchen.plans.iter().enumerate() {
            for (weekday, meals) in plan.iter().enumerate() {
                for (m, items) in meals.iter().enumerate() {
                    for (position, item) in items.iter().enumerate() {
                        let dish_id = kitchen.dishes[item.dish].id;
                        self.w.plan.execute(params![
                            kitchen.id,
                            p as i64,
                            weekday as i64,
                            m as i64,
                            Meal::ALL[m].as_str(),
                            dish_id,
                            position as i64,
                            item.grams
                        ])?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The facility's published menu of one week (none if the unit was closed all week),
    /// its items written by SQLite from the plan chosen. Weeks go round the facilities (the
    /// items' index by day then grows at its end, a quarter faster in a debug build).
    fn menu_week(&mut self, kitchen: &mut Kitchen, week: u64) -> Result<()> {
        let today = self.today;
        let start = self.first_week + Days::new(7 * week);
        let cooked = (0..5u64).filter(|i| kitchen.cooks_on(start + Days::new(*i), today)).fold(0i64, |m, i| m | 1 << i);
        if cooked == 0 {
            kitchen.weeks.push(None);
            return Ok(());
        }
        // Never the same plan two weeks running at an elder facility; a unit keeps one for
        // one or two weeks.
        let last = kitchen.weeks.iter().rev().find_map(|w| w.map(|(plan, _)| plan));
        let held = kitchen.weeks.iter().rev().map_while(|w| w.filter(|(p, _)| Some(*p) == last)).count();
        let keep = kitchen.kind == FacilityKind::Childcare && held == 1 && self.rng.random_bool(0.5);
        let plan = match last {
            Some(p) if keep => p,
            _ => {
                let p = self.rng.random_range(0..PLANS_PER_FACILITY);
                if Some(p) == last {
                    (p + 1) % PLANS_PER_FACILITY
                } else {
                    p
                }
            }
        };
        let published = self.published_at(start);
        let created = At::new(start - Days::new(10), 10.0 * 60.0 + self.rng.random_range(0.0..300.0));
        let manager = one(&mut self.rng, &kitchen.crew.managers, &kitchen.crew.desk, "演示站长");
        self.w.menu.execute(params![
            kitchen.id,
            self.calendar.day(start),
            self.calendar.stamp(published),
            manager,
            self.calendar.stamp(created),
        ])?;
        let menu_id = self.conn.last_insert_rowid();
        kitchen.weeks.push(Some((plan, menu_id)));
        self.counts.menus += 1;
        let day = |i: u64| self.calendar.day(start + Days::new(i));
        self.w.items.execute(params![
            menu_id,
            day(0),
            day(1),
            day(2),
            day(3),
            day(4),
            kitchen.id,
            plan as i64,
            cooked
        ])?;
        Ok(())
    }

    /// The food samples of the facility's meals before today, week by week, each taken by
    /// the cook on duty that week. Stations keep none: their lunch is cooked, and sampled,
    /// in the kitchen of the living circle's centre.
    fn samples(&mut self, kitchen: &Kitchen) -> Result<()> {
        if kitchen.kind == FacilityKind::ElderStation {
            return Ok(());
        }
        let closed_weekends = kitchen.kind != FacilityKind::ElderCentre;
        for (_, menu_id) in kitchen.weeks.iter().flatten() {
            let cook = one(&mut self.rng, &kitchen.crew.cooks, &kitchen.crew.desk, "演示厨师");
            let today = self.calendar.day(self.today);
            self.counts.food_samples +=
                self.w.samples.execute(params![kitchen.id, cook, menu_id, today, closed_weekends])? as u64;
        }
        Ok(())
    }

    /// The standing orders of the facility's clients (see the module's notes).
    fn standing_orders(&mut self, kitchen: &Kitchen) -> Result<Vec<Order>> {
        let today = self.today;
        let mut out = Vec::new();
        for (index, diner) in self.diners.iter().enumerate().filter(|(_, d)| d.facility_id == kitchen.id) {
            let subsidised = diner.category != SubsidyCategory::Standard;
            let share = if diner.alone {
                0.28
            } else if subsidised {
                0.22
            } else {
                0.12
            };
            if !self.rng.random_bool(share) {
                continue;
            }
            let rng = &mut self.rng;
            let delivered = rng.random_bool(if diner.alone { 0.65 } else { 0.12 });
            let mode = if delivered { MealMode::Delivery } else { MealMode::DineIn };
            let weekdays: u8 = match rng.random_range(0..100) {
                0..=69 => 0b11111,
                70..=84 => 0b10101,
                85..=94 => 0b01010,
                _ => 0b01111,
            };
            let from = if rng.random_bool(0.35) {
                self.first_week + Days::new(rng.random_range(0..(today - self.first_week).num_days() as u64))
            } else {
                self.first_week - Days::new(rng.random_range(30..900))
            };
            let stop = match &diner.left {
                Some(left) => Some(left.clone()),
                None if rng.random_bool(0.06) => {
                    let day = from.max(self.first_week) + Days::new(rng.random_range(7..200));
                    let why = ["家属接回同住", "改为自己做饭", "去外地子女家长住"][rng.random_range(0..3)];
                    (day < today).then(|| (day, why.to_string()))
                }
                None => None,
            };
            if stop.as_ref().is_some_and(|(s, _)| *s <= from) {
                continue;
            }
            let meals: &[Meal] = match (kitchen.kind, rng.random_range(0..100)) {
                (FacilityKind::ElderCentre, 80..=91) => &[Meal::Lunch, Meal::Dinner],
                (FacilityKind::ElderCentre, 92..=96) => &[Meal::Dinner],
                (FacilityKind::ElderCentre, 97..) => &[Meal::Breakfast, Meal::Lunch],
                _ => &[Meal::Lunch],
            };
            let created = At::new(from - Days::new(rng.random_range(1..6)), 9.0 * 60.0 + rng.random_range(0.0..420.0));
            let clerk = one(rng, &kitchen.crew.desk, &kitchen.crew.carers, "演示前台");
            for &meal in meals {
                self.w.order.execute(params![
                    diner.id,
                    kitchen.id,
                    meal.as_str(),
                    i64::from(weekdays),
                    mode.as_str(),
                    from.to_string(),
                    stop.as_ref().map(|(day, _)| day.to_string()),
                    stop.as_ref().map(|(_, why)| why.as_str()),
                    clerk,
                    utc_stamp(created.instant()),
                ])?;
                let id = self.conn.last_insert_rowid();
                out.push(Order { id, diner: index, meal, weekdays, mode, from, stop: stop.clone(), created });
            }
        }
        Ok(out)
    }

    /// The booking weeks' menus as the desk saw them: when each was published, and who
    /// opened the bookings screen then (and so booked the standing orders' meals).
    fn seats(&mut self, kitchen: &mut Kitchen) {
        let first = ((self.booking_from - self.first_week).num_days() / 7) as usize;
        for (week, plan) in kitchen.weeks.iter().enumerate().skip(first) {
            let seat = plan.map(|(plan, _)| {
                let published = self.published_at(self.first_week + Days::new(7 * week as u64));
                let clerk = one(&mut self.rng, &kitchen.crew.desk, &kitchen.crew.carers, "演示前台");
                Seat { plan, published, stamp: self.calendar.stamp(published), clerk }
            });
            kitchen.seats.push(seat);
        }
    }

    /// The bookings of the booking weeks, client by client as `materialize` walks an order's
    /// days (so the bookings' index by client, and the clients they point at, are written and
    /// read in order: at city scale that halves the time). Each client's standing orders and,
    /// for about 8 % of the others, the desk's occasional bookings.
    fn bookings(&mut self, kitchens: &[Kitchen], orders: &[Order]) -> Result<()> {
        let today = self.today;
        let at: HashMap<i64, usize> = kitchens.iter().enumerate().map(|(i, k)| (k.id, i)).collect();
        let mut next_order = 0;
        for diner in 0..self.diners.len() {
            let start = next_order;
            while next_order < orders.len() && orders[next_order].diner == diner {
                next_order += 1;
            }
            let own = &orders[start..next_order];
            let d = &self.diners[diner];
            let Some(kitchen) = at.get(&d.facility_id).map(|&i| &kitchens[i]).filter(|k| k.kind.is_elder()) else {
                continue;
            };
            let occasional = own.is_empty() && d.left.is_none() && self.rng.random_bool(0.08);
            if own.is_empty() && !occasional {
                continue;
            }
            for (week, seat) in kitchen.seats.iter().enumerate() {
                let Some(seat) = seat else { continue };
                let start = self.booking_from + Days::new(7 * week as u64);
                for weekday in 0..5 {
                    let day = start + Days::new(weekday as u64);
                    if !kitchen.cooks_on(day, today) {
                        continue;
                    }
                    for &meal in kitchen.meals() {
                        let sitting = Sitting {
                            day,
                            meal,
                            menu: kitchen.menu(seat.plan, weekday, meal),
                            published: seat.published,
                            published_stamp: &seat.stamp,
                            clerk: &seat.clerk,
                        };
                        for order in own {
                            self.order_day(kitchen, order, sitting)?;
                        }
                        // Walk-ups and calls to the desk: about a lunch a fortnight each.
                        let odds = if meal == Meal::Lunch { 0.09 } else { 0.015 };
                        if occasional && self.rng.random_bool(odds) {
                            let before = Days::new(self.rng.random_range(1..4));
                            let at = At::new(day - before, 9.0 * 60.0 + self.rng.random_range(0.0..450.0))
                                .max(seat.published.plus_minutes(30.0))
                                .min(self.latest());
                            let delivered = self.diners[diner].alone && self.rng.random_bool(0.4);
                            let mode = if delivered { MealMode::Delivery } else { MealMode::DineIn };
                            self.desk_booking(kitchen, diner, mode, sitting, at)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A standing order's meal: booked by `materialize` when the menu was published, unless a
    /// dish clashes with the client's allergy — `materialize` skips that day and the desk
    /// books it by hand with a substitute. A stop cancels what was already booked.
    fn order_day(&mut self, kitchen: &Kitchen, order: &Order, sitting: Sitting) -> Result<()> {
        let (day, meal) = (sitting.day, sitting.meal);
        let cancelled = order.cancelled_on(day, meal);
        if !order.applies_on(day, meal) && cancelled.is_none() {
            return Ok(());
        }
        let verdict = self.judge(order.diner, kitchen, sitting.menu);
        let made = sitting.published.max(order.created);
        if verdict.refuses {
            if cancelled.is_none() && self.rng.random_bool(0.9) {
                let at = made.plus_minutes(self.rng.random_range(10.0..300.0)).min(self.latest());
                self.desk_booking(kitchen, order.diner, order.mode, sitting, at)?;
            }
            return Ok(());
        }
        let created_stamp =
            if made == sitting.published { sitting.published_stamp.to_string() } else { self.calendar.stamp(made) };
        let row = BookingRow {
            diner: order.diner,
            mode: order.mode,
            standing_order_id: Some(order.id),
            plates: Plates { substitutes: Vec::new(), warns: verdict.warns },
            created: made,
            created_stamp,
            created_by: sitting.clerk.to_string(),
            confirmed: None,
        };
        if let Some((stop, reason)) = cancelled {
            let hour = if is_status(reason) { 10.0 } else { 8.0 };
            let at = At::new(*stop, hour * 60.0 + self.rng.random_range(0.0..60.0));
            let reason = if is_status(reason) { format!("client_{reason}") } else { "standing_order_stopped".into() };
            let clerk = sitting.clerk.to_string();
            return self.write_booking(kitchen, sitting, row, Status::Cancelled(at, clerk, reason));
        }
        let status = self.outcome(kitchen, sitting, &row);
        self.write_booking(kitchen, sitting, row, status)
    }

    /// A booking made at the desk (`bookings::book`): substitutes for the dishes that clash
    /// with an allergy (none safe: not booked), and mostly for those that do not suit a
    /// diet; the clerk confirms any warning left.
    fn desk_booking(
        &mut self,
        kitchen: &Kitchen,
        diner: usize,
        mode: MealMode,
        sitting: Sitting,
        at: At,
    ) -> Result<()> {
        let Some(plates) = self.choose_plates(kitchen, diner, sitting.menu) else { return Ok(()) };
        let clerk = one(&mut self.rng, &kitchen.crew.desk, &kitchen.crew.carers, "演示前台");
        let confirmed = plates.warns.then(|| (clerk.clone(), at));
        let created_stamp = self.calendar.stamp(at);
        let row = BookingRow {
            diner,
            mode,
            standing_order_id: None,
            plates,
            created: at,
            created_stamp,
            created_by: clerk,
            confirmed,
        };
        let status = self.outcome(kitchen, sitting, &row);
        self.write_booking(kitchen, sitting, row, status)
    }

    /// The plates a clerk books for the client: a safe substitute for every dish that
    /// clashes with an allergy (`None` if there is none), and usually one that suits for a
    /// dish that does not suit a diet, when the library has one.
    fn choose_plates(&mut self, kitchen: &Kitchen, diner: usize, menu: &[PlanItem]) -> Option<Plates> {
        let Some(profile) = self.diners[diner].profile else { return Some(Plates::default()) };
        let mut plates = Plates::default();
        let on_menu: Vec<usize> = menu.iter().map(|i| i.dish).collect();
        let mut taken: Vec<usize> = on_menu.clone();
        for &dish in &on_menu {
            let verdict = self.verdict(profile, &kitchen.dishes[dish]);
            if verdict.clean() || (!verdict.refuses && !self.rng.random_bool(0.7)) {
                plates.warns |= verdict.warns;
                continue;
            }
            // Of the same course first, then of one that can stand in for it.
            let course = kitchen.dishes[dish].spec.course;
            let mut candidates: Vec<usize> = (0..kitchen.dishes.len())
                .filter(|i| !taken.contains(i) && course.stand_ins().contains(&kitchen.dishes[*i].spec.course))
                .collect();
            candidates.sort_by_key(|&i| (kitchen.dishes[i].spec.course != course, (i * 7 + dish) % 11));
            let mut best: Option<(usize, Verdict)> = None;
            for c in candidates {
                let v = self.verdict(profile, &kitchen.dishes[c]);
                if v.clean() {
                    best = Some((c, v));
                    break;
                }
                if !v.refuses && best.is_none() && verdict.refuses {
                    best = Some((c, v));
                }
            }
            match best {
                Some((substitute, v)) => {
                    plates.substitutes.push((kitchen.dishes[dish].id, kitchen.dishes[substitute].id));
                    plates.warns |= v.warns;
                    taken.push(substitute);
                }
                None if verdict.refuses => return None,
                None => plates.warns = true,
            }
        }
        Some(plates)
    }

    /// What became of a booking: today's and later ones are still booked; a past one was
    /// mostly served, now and then cancelled before the cut-off or not collected.
    fn outcome(&mut self, kitchen: &Kitchen, sitting: Sitting, row: &BookingRow) -> Status {
        if sitting.day >= self.today {
            return Status::Booked;
        }
        let roll = self.rng.random_range(0..1000);
        if roll < 10 {
            let at = cancel_cutoff(sitting.day, sitting.meal).plus_minutes(-self.rng.random_range(20.0..900.0));
            if at > row.created.plus_minutes(5.0) {
                let clerk = one(&mut self.rng, &kitchen.crew.desk, &kitchen.crew.carers, "演示前台");
                let why = ["住院", "身体不适", "外出探亲", "家中有事", "子女接去小住"][self.rng.random_range(0..5)];
                return Status::Cancelled(at, clerk, why.to_string());
            }
        }
        if roll >= 995 {
            return Status::Booked;
        }
        let start = meal_minutes(sitting.meal) + if row.mode == MealMode::Delivery { -20.0 } else { 0.0 };
        let at = At::new(sitting.day, start + self.rng.random_range(0.0..60.0));
        Status::Served(at, kitchen.server(&mut self.rng, row.mode))
    }

    /// Writes the booking and its substitutes as the services would have left them.
    fn write_booking(&mut self, kitchen: &Kitchen, sitting: Sitting, row: BookingRow, status: Status) -> Result<()> {
        let diner = &self.diners[row.diner];
        let stamp = |at: At| self.calendar.stamp(at);
        let mut confirmed = row.confirmed.map(|(by, at)| (by, stamp(at)));
        let (mut cancelled, mut served, mut subsidy) = (None, None, None);
        let code = match status {
            Status::Booked => "booked",
            Status::Cancelled(at, by, why) => {
                cancelled = Some((stamp(at), by, why));
                "cancelled"
            }
            Status::Served(at, by) => {
                // Whoever serves confirms the warnings nobody confirmed at booking.
                if row.plates.warns && confirmed.is_none() {
                    confirmed = Some((by.clone(), stamp(at)));
                }
                let category = category_on(diner.category, diner.birth, sitting.day);
                subsidy = Some((category.as_str(), self.rates.get(&category).copied().unwrap_or(0)));
                served = Some((stamp(at), by));
                self.counts.meals_served += 1;
                "served"
            }
        };
        let (confirmed_by, confirmed_at) = confirmed.unzip();
        let (cancelled_at, cancelled_by, reason) = match cancelled {
            Some((at, by, why)) => (Some(at), Some(by), Some(why)),
            None => (None, None, None),
        };
        let (served_at, served_by) = served.unzip();
        let (category, fen) = subsidy.unzip();
        self.w.booking.execute(params![
            diner.id,
            kitchen.id,
            self.calendar.day(sitting.day),
            sitting.meal.as_str(),
            row.mode.as_str(),
            code,
            row.standing_order_id,
            confirmed_by,
            confirmed_at,
            cancelled_at,
            cancelled_by,
            reason,
            served_at,
            served_by,
            category,
            fen,
            row.created_by,
            row.created_stamp,
        ])?;
        let booking_id = self.conn.last_insert_rowid();
        for (dish, substitute) in &row.plates.substitutes {
            self.w.substitution.execute(params![booking_id, dish, substitute, row.created_by])?;
        }
        self.counts.bookings += 1;
        Ok(())
    }
}

/// What became of a booking, when, and by whom.
enum Status {
    Booked,
    Cancelled(At, String, String),
    Served(At, String),
}

/// The cut-off after which a meal can no longer be cancelled, as `bookings::cancel_cutoff`.
fn cancel_cutoff(day: NaiveDate, meal: Meal) -> At {
    match meal {
        Meal::Breakfast => At::new(day - Days::new(1), 18.0 * 60.0),
        Meal::Lunch => At::new(day, 9.0 * 60.0 + 30.0),
        Meal::Dinner => At::new(day, 14.0 * 60.0),
    }
}

fn meal_index(meal: Meal) -> usize {
    Meal::ALL.iter().position(|m| *m == meal).unwrap_or(0)
}

/// When a meal is served, in minutes after local midnight.
fn meal_minutes(meal: Meal) -> f64 {
    match meal {
        Meal::Breakfast => 7.0 * 60.0 + 30.0,
        Meal::Lunch => 11.0 * 60.0 + 30.0,
        Meal::Dinner => 17.0 * 60.0 + 30.0,
    }
}

#[cfg(test)]
mod tests {
    use super::catalogue::Infant;
    use super::*;
    use crate::domain::meals::allergens_named;

    #[test]
    fn no_dish_with_salt_or_sugar_is_weighed_for_under_ones() {
        for spec in CHILD_DISHES {
            let grams = grams_json(spec, 1.0);
            assert_eq!(
                grams.contains("under_1"),
                !spec.salt && !spec.sugar && spec.infant == Infant::Also,
                "{}",
                spec.name
            );
        }
        let rice = CHILD_DISHES.iter().find(|s| s.name == "软米饭").unwrap();
        assert_eq!(grams_json(rice, 1.0), r#"{"1_to_2":50,"2_to_3":60,"3_up":75}"#);
    }

    #[test]
    fn every_allergen_a_dish_s_words_name_is_declared() {
        // `Dish::unlisted_allergens` would point out any other on the demo's dish forms.
        for spec in ELDER_DISHES.iter().chain(CHILD_DISHES) {
            for named in allergens_named(&format!("{} {}", spec.name, spec.ingredients)) {
                assert!(spec.allergens.contains(&named), "{} does not declare {named:?}", spec.name);
            }
        }
    }

    #[test]
    fn dish_names_are_unique_within_a_library() {
        for specs in [ELDER_DISHES, CHILD_DISHES] {
            let names: HashSet<&str> = specs.iter().map(|s| s.name).collect();
            assert_eq!(names.len(), specs.len());
        }
    }

    #[test]
    fn stamps_are_utc_and_cross_midnight() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let calendar = Calendar::new(d("2026-11-01"), d("2026-11-30"));
        assert_eq!(calendar.stamp(At::new(d("2026-11-27"), 11.0 * 60.0 + 42.5)), "2026-11-27T03:42:30Z");
        assert_eq!(calendar.stamp(At::new(d("2026-11-27"), 7.0 * 60.0 + 10.0)), "2026-11-26T23:10:00Z");
        let far = At::new(d("2025-01-01"), 600.0);
        assert_eq!(calendar.stamp(far), utc_stamp(far.instant()));
        assert_eq!(At::new(d("2026-11-27"), -30.0), At::new(d("2026-11-26"), 23.5 * 60.0));
    }
}
