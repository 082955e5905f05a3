//! The diners: clients as the meals see them, their standing orders, and the bookings of
//! the booking weeks as the desk, the orders and the servers would have left them.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rusqlite::params;

use super::calendar::{cancel_cutoff, meal_minutes, At};
use super::kitchens::{one, Kitchen, KitchenDish, PlanItem};
use super::Meals;
use crate::dates::monday_of;
use crate::domain::facility::FacilityKind;
use crate::domain::meals::{clashes, Clash, EaterFacts, Meal, MealMode};
use crate::domain::person::DietNeed;
use crate::error::Result;
use crate::services::meals::bookings::{write_booking, BookingRow, BookingStatus, ServedRow};
use crate::services::meals::standing::{write_standing_order, StandingOrderRow};
use crate::services::meals::subsidy::{category_on, SubsidyCategory};
use crate::store::read;
use crate::store::utc_stamp;

/// A week's menu as the desk saw it: its plan, when it was published, and the clerk who
/// opened the bookings screen then.
pub(super) struct Seat {
    pub(super) plan: usize,
    pub(super) published: At,
    pub(super) stamp: String,
    pub(super) clerk: String,
}

/// A client as the meals see them.
pub(super) struct Diner {
    pub(super) id: i64,
    pub(super) facility_id: i64,
    pub(super) birth: NaiveDate,
    /// Suspended, moved or deceased: the day it happened, and the status.
    pub(super) left: Option<(NaiveDate, String)>,
    pub(super) alone: bool,
    pub(super) category: SubsidyCategory,
    /// Index into the eater profiles; none when no dish can clash (no food allergy and no
    /// diet that warns).
    pub(super) profile: Option<usize>,
}

/// What the rules say of one dish for one eater.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Verdict {
    pub(super) refuses: bool,
    pub(super) warns: bool,
}

impl Verdict {
    pub(super) fn clean(self) -> bool {
        !self.refuses && !self.warns
    }
}

pub(super) struct Order {
    pub(super) id: i64,
    pub(super) diner: usize,
    pub(super) meal: Meal,
    /// Bit 0 Monday … bit 4 Friday.
    pub(super) weekdays: u8,
    pub(super) mode: MealMode,
    pub(super) from: NaiveDate,
    /// Stopped that day, and the reason stored: the client's new status, or the desk's words.
    pub(super) stop: Option<(NaiveDate, String)>,
    pub(super) created: At,
}

pub(super) fn is_status(reason: &str) -> bool {
    matches!(reason, "suspended" | "moved" | "deceased")
}

impl Order {
    pub(super) fn wants(&self, day: NaiveDate, meal: Meal) -> bool {
        self.meal == meal && day >= self.from && self.weekdays & (1 << day.weekday().num_days_from_monday()) != 0
    }

    /// Stopped in the morning — by the desk at 08:00, on a change of the client's status at
    /// 10:00 — so that day's breakfast was booked past its cut-off, and served, either way.
    pub(super) fn stopped_by(&self, day: NaiveDate, meal: Meal) -> Option<&(NaiveDate, String)> {
        let stop = self.stop.as_ref()?;
        let still_on = day < stop.0 || (day == stop.0 && meal == Meal::Breakfast);
        (!still_on).then_some(stop)
    }

    pub(super) fn applies_on(&self, day: NaiveDate, meal: Meal) -> bool {
        self.wants(day, meal) && self.stopped_by(day, meal).is_none()
    }

    /// A booking `materialize` had made before the stop, cancelled by it: a day of the weeks
    /// published then (the next one too from the Friday evening).
    pub(super) fn cancelled_on(&self, day: NaiveDate, meal: Meal) -> Option<&(NaiveDate, String)> {
        let stop = self.stopped_by(day, meal)?;
        let ahead = if stop.0.weekday().num_days_from_monday() >= 5 { 13 } else { 6 };
        (self.wants(day, meal) && day <= monday_of(stop.0) + Days::new(ahead)).then_some(stop)
    }
}

/// One meal of one day at one facility.
#[derive(Clone, Copy)]
pub(super) struct Sitting<'k> {
    pub(super) day: NaiveDate,
    pub(super) meal: Meal,
    pub(super) menu: &'k [PlanItem],
    /// When the week's menu was published, and its standing orders booked by `materialize`
    /// as the clerk opened the bookings screen.
    pub(super) published: At,
    pub(super) published_stamp: &'k str,
    pub(super) clerk: &'k str,
}

/// A meal as booked: the substitutes chosen (menu dish → substitute) and whether a dish left
/// on the plate does not suit a diet.
#[derive(Default)]
pub(super) struct Plates {
    pub(super) substitutes: Vec<(i64, i64)>,
    pub(super) warns: bool,
}

/// A booking about to be written.
pub(super) struct Pending {
    pub(super) diner: usize,
    pub(super) mode: MealMode,
    pub(super) standing_order_id: Option<i64>,
    pub(super) plates: Plates,
    pub(super) created: At,
    pub(super) created_stamp: String,
    pub(super) created_by: String,
    pub(super) confirmed: Option<(String, At)>,
}

/// What became of a booking, when, and by whom.
pub(super) enum Status {
    Booked,
    Cancelled(At, String, String),
    Served(At, String),
}

impl Meals<'_> {
    pub(super) fn verdict(&mut self, profile: usize, dish: &KitchenDish) -> Verdict {
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
    pub(super) fn judge(&mut self, diner: usize, kitchen: &Kitchen, menu: &[PlanItem]) -> Verdict {
        let Some(profile) = self.diners[diner].profile else { return Verdict::default() };
        menu.iter().fold(Verdict::default(), |all, item| {
            let v = self.verdict(profile, &kitchen.dishes[item.dish]);
            Verdict { refuses: all.refuses || v.refuses, warns: all.warns || v.warns }
        })
    }

    /// The clients, each given a subsidy category (助餐补贴: about 4 % low income, 1 % in
    /// extreme poverty and 3 % disabled; the rest standard, which counts as aged 80 from the
    /// 80th birthday), and a day in the menus' year for those no longer active.
    pub(super) fn diners(&mut self) -> Result<()> {
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

    /// The standing orders of the facility's clients (see the module's notes).
    pub(super) fn standing_orders(&mut self, kitchen: &Kitchen) -> Result<Vec<Order>> {
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
                let id = write_standing_order(
                    self.conn,
                    &StandingOrderRow {
                        client_id: diner.id,
                        facility_id: kitchen.id,
                        meal,
                        weekdays: i64::from(weekdays),
                        mode,
                        from,
                        to: None,
                        stopped: stop.as_ref().map(|(day, why)| (*day, why.as_str())),
                        created_by_name: &clerk,
                        created_at: &utc_stamp(created.instant()),
                    },
                )?;
                out.push(Order { id, diner: index, meal, weekdays, mode, from, stop: stop.clone(), created });
            }
        }
        Ok(out)
    }

    /// The booking weeks' menus as the desk saw them: when each was published, and who
    /// opened the bookings screen then (and so booked the standing orders' meals).
    pub(super) fn seats(&mut self, kitchen: &mut Kitchen) {
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
    pub(super) fn bookings(&mut self, kitchens: &[Kitchen], orders: &[Order]) -> Result<()> {
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
    pub(super) fn order_day(&mut self, kitchen: &Kitchen, order: &Order, sitting: Sitting) -> Result<()> {
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
        let row = Pending {
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
    pub(super) fn desk_booking(
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
        let row = Pending {
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
    pub(super) fn choose_plates(&mut self, kitchen: &Kitchen, diner: usize, menu: &[PlanItem]) -> Option<Plates> {
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
    pub(super) fn outcome(&mut self, kitchen: &Kitchen, sitting: Sitting, row: &Pending) -> Status {
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
    pub(super) fn write_booking(
        &mut self,
        kitchen: &Kitchen,
        sitting: Sitting,
        row: Pending,
        status: Status,
    ) -> Result<()> {
        let diner = &self.diners[row.diner];
        let stamp = |at: At| self.calendar.stamp(at);
        let mut confirmed = row.confirmed.map(|(by, at)| (by, stamp(at)));
        let (mut cancelled, mut served) = (None, None);
        let code = match status {
            Status::Booked => BookingStatus::Booked,
            Status::Cancelled(at, by, why) => {
                cancelled = Some((stamp(at), by, why));
                BookingStatus::Cancelled
            }
            Status::Served(at, by) => {
                // Whoever serves confirms the warnings nobody confirmed at booking.
                if row.plates.warns && confirmed.is_none() {
                    confirmed = Some((by.clone(), stamp(at)));
                }
                let category = category_on(diner.category, diner.birth, sitting.day);
                served = Some((stamp(at), by, category, self.rates.get(&category).copied().unwrap_or(0)));
                self.counts.meals_served += 1;
                BookingStatus::Served
            }
        };
        write_booking(
            self.conn,
            &BookingRow {
                client_id: diner.id,
                facility_id: kitchen.id,
                day: sitting.day,
                meal: sitting.meal,
                mode: row.mode,
                status: code,
                standing_order_id: row.standing_order_id,
                diet_confirmed: confirmed.as_ref().map(|(by, at)| (by.as_str(), at.as_str())),
                cancelled: cancelled.as_ref().map(|(at, by, why)| (at.as_str(), by.as_str(), why.as_str())),
                served: served.as_ref().map(|(at, by, category, fen)| ServedRow {
                    at,
                    by,
                    subsidy_category: *category,
                    subsidy_fen: *fen,
                }),
                created_by_name: &row.created_by,
                created_at: &row.created_stamp,
                substitutes: &row.plates.substitutes,
            },
        )?;
        self.counts.bookings += 1;
        Ok(())
    }
}
