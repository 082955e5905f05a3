//! The kitchens: each facility's dish library, its rotating week plans, a year of
//! published menus, and the food samples its cooks kept.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use rand::rngs::SmallRng;
use rand::Rng;
use rusqlite::params;

use super::bookings::Seat;
use super::calendar::{meal_index, At};
use super::catalogue::{grams_json, Course, DishSpec, CHILD_DISHES, ELDER_DISHES};
use super::{Meals, MENU_HISTORY_WEEKS};
use crate::domain::facility::FacilityKind;
use crate::domain::meals::{DishFacts, Meal, MealMode};
use crate::error::Result;
use crate::services::meals::dishes::{insert_dish, DishFields};
use crate::services::meals::menus::{insert_menu, NewMenu};
use crate::store::utc_stamp;

/// Week plans a facility rotates.
pub(super) const PLANS_PER_FACILITY: usize = 6;
/// A week's menu items from the facility's (?7) plan (?8) on the days cooked (?9, bit 0
/// Monday), dated ?2–?6.
pub(super) const ITEMS_SQL: &str = "
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
pub(super) const SAMPLES_SQL: &str = "
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

/// A dish of one facility's library.
pub(super) struct KitchenDish {
    pub(super) id: i64,
    pub(super) spec: &'static DishSpec,
    pub(super) facts: DishFacts,
}

/// One dish of a week plan: its index in the library and, at a unit, its grams.
pub(super) struct PlanItem {
    pub(super) dish: usize,
    pub(super) grams: Option<String>,
}

/// A week's dishes by weekday (Monday to Friday) and meal (breakfast, lunch, dinner).
pub(super) type WeekPlan = [[Vec<PlanItem>; 3]; 5];

/// The people of a facility who publish menus, book, serve and take samples.
#[derive(Default)]
pub(super) struct Crew {
    pub(super) managers: Vec<String>,
    pub(super) desk: Vec<String>,
    pub(super) carers: Vec<String>,
    pub(super) cooks: Vec<String>,
}

pub(super) fn one(rng: &mut SmallRng, from: &[String], fallback: &[String], last_resort: &str) -> String {
    let from = if from.is_empty() { fallback } else { from };
    if from.is_empty() {
        last_resort.to_string()
    } else {
        from[rng.random_range(0..from.len())].clone()
    }
}

pub(super) struct Kitchen {
    pub(super) id: i64,
    pub(super) kind: FacilityKind,
    pub(super) dishes: Vec<KitchenDish>,
    pub(super) plans: Vec<WeekPlan>,
    /// Each week's plan and menu, from the first; none for a week the unit was closed.
    pub(super) weeks: Vec<Option<(usize, i64)>>,
    /// The booking weeks' menus, from `booking_from`.
    pub(super) seats: Vec<Option<Seat>>,
    pub(super) crew: Crew,
    /// Past days the unit was open, as its morning checks show (childcare only).
    pub(super) open_days: HashSet<NaiveDate>,
}

impl Kitchen {
    pub(super) fn meals(&self) -> &'static [Meal] {
        match self.kind {
            FacilityKind::ElderCentre => &[Meal::Breakfast, Meal::Lunch, Meal::Dinner],
            FacilityKind::ElderStation => &[Meal::Lunch],
            FacilityKind::Childcare => &[Meal::Breakfast, Meal::Lunch],
        }
    }

    /// Whether the kitchen cooks on a weekday.
    pub(super) fn cooks_on(&self, day: NaiveDate, today: NaiveDate) -> bool {
        self.kind != FacilityKind::Childcare || day >= today || self.open_days.contains(&day)
    }

    pub(super) fn of_course(&self, courses: &[Course]) -> Vec<usize> {
        (0..self.dishes.len()).filter(|&i| courses.contains(&self.dishes[i].spec.course)).collect()
    }

    pub(super) fn menu(&self, plan: usize, weekday: usize, meal: Meal) -> &[PlanItem] {
        &self.plans[plan][weekday][meal_index(meal)]
    }

    pub(super) fn server(&self, rng: &mut SmallRng, mode: MealMode) -> String {
        match mode {
            MealMode::Delivery => one(rng, &self.crew.carers, &self.crew.desk, "演示护理员"),
            MealMode::DineIn if rng.random_bool(0.5) => one(rng, &self.crew.desk, &self.crew.carers, "演示前台"),
            MealMode::DineIn => one(rng, &self.crew.carers, &self.crew.desk, "演示护理员"),
        }
    }
}

impl Meals<'_> {
    pub(super) fn kitchens(&self) -> Result<Vec<Kitchen>> {
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
    pub(super) fn library(&mut self, kitchen: &mut Kitchen) -> Result<()> {
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
            let fields = DishFields {
                name: spec.name.to_string(),
                ingredients: spec.ingredients.to_string(),
                allergens: spec.allergens.to_vec(),
                suits: spec.suits.to_vec(),
                added_salt: spec.salt,
                added_sugar: spec.sugar,
                portion: Some(spec.portion.to_string()),
                price_fen: spec.price_fen,
            };
            let id = insert_dish(self.conn, kitchen.id, &fields, true, &created)?;
            let facts = DishFacts {
                name: fields.name,
                ingredients: fields.ingredients,
                allergens: fields.allergens,
                suits: fields.suits,
                added_salt: spec.salt,
                added_sugar: spec.sugar,
            };
            kitchen.dishes.push(KitchenDish { id, spec, facts });
            self.counts.dishes += 1;
        }
        Ok(())
    }

    /// The week plans the facility rotates: each course's dishes dealt round the week from a
    /// shuffled deck, so a dish comes back only when the others of its course have had a turn.
    pub(super) fn plans(&mut self, kitchen: &mut Kitchen) {
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
    pub(super) fn save_plans(&mut self, kitchen: &Kitchen) -> Result<()> {
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
    pub(super) fn menu_week(&mut self, kitchen: &mut Kitchen, week: u64) -> Result<()> {
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
        let menu_id = insert_menu(
            self.conn,
            &NewMenu {
                facility_id: kitchen.id,
                week_start: start,
                published: Some((self.calendar.stamp(published).as_str(), manager.as_str())),
                created_at: &self.calendar.stamp(created),
            },
        )?;
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
    pub(super) fn samples(&mut self, kitchen: &Kitchen) -> Result<()> {
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
}
