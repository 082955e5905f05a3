//! Standing orders (e.g. "every weekday lunch, delivered"): kept per client, turned into
//! daily bookings ahead of time by [`materialize`], stopped (never deleted) by the desk or
//! when the client is suspended, moves or dies.
//!
//! Decisions worth knowing:
//! - An order needs an active client of the actor's facility, at least one weekday, and
//!   starts today or later; two open orders of one client for the same meal may not share
//!   a weekday over overlapping periods (weekday lunch delivered + Saturday lunch dine-in is
//!   fine).
//! - `materialize` books, for each open order of a facility, every day from today through
//!   `through` where the order applies, the facility's menu for that meal is published, the
//!   meal's cancellation cut-off has not passed (so the kitchen's count never grows behind
//!   its back) and the client has no booking for that meal yet — a booking cancelled by hand
//!   counts, so a cancellation is never undone. The commands call it when the bookings
//!   screen opens and after a menu is published; it is idempotent.
//! - The same safety check as a booking runs on every day. A day whose dishes clash with an
//!   allergy of the client is skipped and reported ([`SkippedMeal`]) so the desk can book it
//!   with a substitute; it is never booked unsafely. An order carries no substitutes: each
//!   menu changes weekly, so a substitute is chosen per booking.
//! - Diet warnings are not confirmed by an order (nobody saw that week's dishes): a
//!   materialized booking with warnings carries them unconfirmed; the kitchen sheet lists
//!   them and whoever serves must confirm them (see `bookings::serve`).
//! - Stopping an order by hand cancels the bookings it made whose cut-off has not passed.
//!   A client's suspension, move or death stops every open order and cancels every booking
//!   not yet served from that day on, today's included, whatever the cut-off: the client
//!   will not eat them. Reinstating the client restarts nothing.

use std::collections::hash_map::Entry as Slot;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::bookings::{cancel_cutoff, cancel_upcoming_for_client, require_active_client, write_booking, BookingRow};
use super::plates::{plates, refusal_text, DishCache};
use super::{client_eater, meal_dishes};
use crate::clock::local_day;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::{bits_to_days, days_to_bits};
use crate::domain::meals::{Meal, MealMode};
use crate::domain::person::{ClientStatus, PersonKind};
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::read;
use crate::store::{utc_stamp, Db, Tx};

/// How far ahead `materialize` may book.
pub const MAX_DAYS_AHEAD: u64 = 62;

/// The standing order form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StandingOrderInput {
    pub client_id: i64,
    pub meal: Meal,
    /// 1 Monday … 7 Sunday.
    pub weekdays: Vec<u8>,
    pub mode: MealMode,
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub from: NaiveDate,
    /// The last day, if the order ends.
    #[ts(type = "string | null")]
    #[serde(default, deserialize_with = "crate::dates::optional_day")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StandingOrder {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub facility_id: i64,
    pub meal: Meal,
    pub weekdays: Vec<u8>,
    pub mode: MealMode,
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub stopped_on: Option<NaiveDate>,
    /// Why: the desk's words, or the client's new status (`suspended`, `moved`, `deceased`).
    pub stopped_reason: Option<String>,
    pub created_by_name: String,
    pub created_at: String,
}

impl StandingOrder {
    fn from_row(r: &Row) -> rusqlite::Result<StandingOrder> {
        Ok(StandingOrder {
            id: r.get("id")?,
            client_id: r.get("client_id")?,
            client_name: r.get("client_name")?,
            facility_id: r.get("facility_id")?,
            meal: r.get::<_, Meal>("meal")?,
            weekdays: bits_to_days(r.get("weekdays")?),
            mode: r.get::<_, MealMode>("mode")?,
            from: read::day(r, "from_day")?,
            to: read::opt_day(r, "to_day")?,
            stopped_on: read::opt_day(r, "stopped_on")?,
            stopped_reason: r.get("stopped_reason")?,
            created_by_name: r.get("created_by_name")?,
            created_at: r.get("created_at")?,
        })
    }

    /// Whether the order asks for its meal on `day`.
    pub fn applies_on(&self, day: NaiveDate) -> bool {
        let weekday = day.weekday().number_from_monday() as u8;
        self.stopped_on.is_none()
            && day >= self.from
            && self.to.is_none_or(|to| day <= to)
            && self.weekdays.contains(&weekday)
    }
}

const ORDER_SELECT: &str =
    "SELECT so.*, cl.name AS client_name FROM standing_orders so JOIN clients cl ON cl.id = so.client_id";

fn load_order(c: &Connection, id: i64) -> Result<StandingOrder> {
    c.prepare_cached(&format!("{ORDER_SELECT} WHERE so.id = ?1"))?.query_row([id], StandingOrder::from_row).map_err(
        |e| match e {
            rusqlite::Error::QueryReturnedNoRows => {
                CoreError::NotFound { entity: AuditEntity::StandingOrder, id: id.to_string() }
            }
            other => other.into(),
        },
    )
}

impl StandingOrderInput {
    fn validate(&self, today: NaiveDate) -> Result<i64, Invalid> {
        if self.weekdays.is_empty() {
            return Err(Invalid::new("standing_order.no_weekdays", "weekdays"));
        }
        if let Some(bad) = self.weekdays.iter().find(|d| !(1..=7).contains(*d)) {
            return Err(Invalid::new("standing_order.weekday_invalid", "weekdays").with("value", bad));
        }
        if self.from < today {
            return Err(Invalid::new("standing_order.from_past", "from").with("day", self.from));
        }
        if self.to.is_some_and(|to| to < self.from) {
            return Err(Invalid::new("standing_order.range_invalid", "to"));
        }
        Ok(days_to_bits(&self.weekdays))
    }
}

/// A standing order as stored: what [`write_standing_order`], the one writer of
/// `standing_orders`, takes.
pub(crate) struct StandingOrderRow<'a> {
    pub client_id: i64,
    pub facility_id: i64,
    pub meal: Meal,
    /// The ISO weekdays it books, as bits (Monday = 1).
    pub weekdays: i64,
    pub mode: MealMode,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// The day it stopped, and why.
    pub stopped: Option<(NaiveDate, &'a str)>,
    pub created_by_name: &'a str,
    pub created_at: &'a str,
}

/// Inserts a standing order (no audit: the caller writes it) and returns its id.
pub(crate) fn write_standing_order(c: &Connection, row: &StandingOrderRow) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO standing_orders (client_id, facility_id, meal, weekdays, mode, from_day, to_day, stopped_on,
                                      stopped_reason, created_by_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        row.client_id,
        row.facility_id,
        row.meal.as_str(),
        row.weekdays,
        row.mode.as_str(),
        row.from.to_string(),
        row.to.map(|d| d.to_string()),
        row.stopped.map(|(day, _)| day.to_string()),
        row.stopped.map(|(_, why)| why),
        row.created_by_name,
        row.created_at,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Creates a standing order. Audited. Call [`materialize`] to turn it into bookings.
pub fn create_standing_order(
    db: &Db,
    actor: &Actor,
    input: &StandingOrderInput,
    now: DateTime<Utc>,
) -> Result<StandingOrder> {
    actor.require(Action::BookMeals)?;
    let weekdays = input.validate(local_day(now))?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::BookMeals, PersonKind::Client, input.client_id)?;
        require_active_client(c, input.client_id)?;
        // Open-ended orders run to the end of time; ISO dates compare as text.
        let far = "9999-12-31".to_string();
        let overlapping: Option<i64> = c
            .prepare_cached(
                "SELECT id FROM standing_orders
                 WHERE client_id = ?1 AND meal = ?2 AND stopped_on IS NULL AND (weekdays & ?6) != 0
                   AND from_day <= ?4 AND coalesce(to_day, ?5) >= ?3 LIMIT 1",
            )?
            .query_row(
                params![
                    input.client_id,
                    input.meal.as_str(),
                    input.from.to_string(),
                    input.to.map_or(far.clone(), |d| d.to_string()),
                    far,
                    weekdays,
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = overlapping {
            return Err(Invalid::new("standing_order.overlaps", "meal").with("id", other).into());
        }
        let stamp = utc_stamp(now);
        let id = write_standing_order(
            c,
            &StandingOrderRow {
                client_id: input.client_id,
                facility_id,
                meal: input.meal,
                weekdays,
                mode: input.mode,
                from: input.from,
                to: input.to,
                stopped: None,
                created_by_name: &actor.display_name,
                created_at: &stamp,
            },
        )?;
        let order = load_order(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::StandingOrder, order.id)
            .facility(Some(facility_id))
            .after(&order)
            .write(c, actor)?;
        Ok(order)
    })
}

/// Stops an order from today, and cancels the bookings it made that can still be
/// cancelled (before their cut-off). Audited.
pub fn stop_standing_order(
    db: &Db,
    actor: &Actor,
    order_id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StandingOrder> {
    actor.require(Action::BookMeals)?;
    let reason = text::optional_text(reason, 200, "reason")?.unwrap_or_else(|| "stopped".to_string());
    let today = local_day(now);
    db.write(|c| {
        let before = load_order(c, order_id)?;
        actor.require_at(Action::BookMeals, before.facility_id)?;
        if before.stopped_on.is_some() {
            return Err(Invalid::new("standing_order.already_stopped", "id").into());
        }
        c.prepare_cached("UPDATE standing_orders SET stopped_on = ?1, stopped_reason = ?2 WHERE id = ?3")?
            .execute(params![today.to_string(), reason, order_id])?;
        let upcoming: Vec<(i64, String, String)> = c
            .prepare_cached(
                "SELECT id, day, meal FROM bookings WHERE standing_order_id = ?1 AND status = 'booked' AND day >= ?2",
            )?
            .query_map(params![order_id, today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let stamp = utc_stamp(now);
        let mut cancelled = Vec::new();
        for (id, day, meal) in upcoming {
            let (Ok(day), Some(meal)) = (day.parse::<NaiveDate>(), Meal::parse(&meal)) else { continue };
            if now < cancel_cutoff(day, meal) {
                c.prepare_cached(
                    "UPDATE bookings SET status = 'cancelled', cancelled_at = ?1, cancelled_by_name = ?2,
                                         cancel_reason = 'standing_order_stopped'
                     WHERE id = ?3",
                )?
                .execute(params![stamp, actor.display_name, id])?;
                cancelled.push(id);
            }
        }
        let after = load_order(c, order_id)?;
        Entry::new(AuditAction::Stop, AuditEntity::StandingOrder, order_id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&serde_json::json!({ "order": after, "cancelled_bookings": cancelled }))
            .write(c, actor)?;
        Ok(after)
    })
}

/// A facility's standing orders (only the open ones unless `include_stopped`), optionally
/// one client's, by client name.
pub fn standing_orders(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    client_id: Option<i64>,
    include_stopped: bool,
) -> Result<Vec<StandingOrder>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        Ok(c.prepare_cached(&format!(
            "{ORDER_SELECT} WHERE so.facility_id = ?1 AND (?2 IS NULL OR so.client_id = ?2)
               AND (?3 OR so.stopped_on IS NULL)
             ORDER BY cl.name_key, so.id"
        ))?
        .query_map(params![facility_id, client_id, include_stopped], StandingOrder::from_row)?
        .collect::<rusqlite::Result<_>>()?)
    })
}

/// Stops the client's open orders and cancels their bookings not yet served from `today`
/// on, when their status becomes suspended, moved or deceased; nothing otherwise. Runs in
/// the status change's own transaction and writes its own audit entry.
pub(crate) fn stop_for_client_status(
    c: &Tx,
    actor: &Actor,
    client_id: i64,
    facility_id: i64,
    status: ClientStatus,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    if status == ClientStatus::Active {
        return Ok(());
    }
    let (orders, cancelled) = stop_client_meals(c, actor, client_id, today, status.as_str(), now)?;
    if orders.is_empty() && cancelled.is_empty() {
        return Ok(());
    }
    Entry::new(AuditAction::StopMeals, AuditEntity::Client, client_id)
        .facility(Some(facility_id))
        .after(&serde_json::json!({
            "status": status.as_str(),
            "stopped_orders": orders,
            "cancelled_bookings": cancelled,
        }))
        .write(c, actor)
}

/// Stops a client's standing orders (with `reason`) and cancels their bookings not yet
/// served from `today` on (with `client_<reason>`): the client's meals from here on, in the
/// caller's transaction. Returns the orders stopped and the bookings cancelled.
pub(crate) fn stop_client_meals(
    c: &Tx,
    actor: &Actor,
    client_id: i64,
    today: NaiveDate,
    reason: &str,
    now: &str,
) -> Result<(Vec<i64>, Vec<i64>)> {
    let orders: Vec<i64> = c
        .prepare_cached("SELECT id FROM standing_orders WHERE client_id = ?1 AND stopped_on IS NULL ORDER BY id")?
        .query_map([client_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    c.prepare_cached(
        "UPDATE standing_orders SET stopped_on = ?1, stopped_reason = ?2 WHERE client_id = ?3 AND stopped_on IS NULL",
    )?
    .execute(params![today.to_string(), reason, client_id])?;
    let cancelled = cancel_upcoming_for_client(c, actor, client_id, today, &format!("client_{reason}"), now)?;
    Ok((orders, cancelled))
}

// ---------------------------------------------------------------------------------------
// Turning orders into bookings.

/// An allergy clash that kept a standing order from booking a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AllergyClash {
    pub dish_id: i64,
    pub dish_name: String,
    pub allergy: String,
}

/// A day a standing order could not book safely: the desk books it with a substitute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SkippedMeal {
    pub standing_order_id: i64,
    pub client_id: i64,
    pub client_name: String,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub meal: Meal,
    pub clashes: Vec<AllergyClash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MaterializeReport {
    /// Bookings made now.
    pub booked: usize,
    /// Of those, how many carry diet warnings nobody has confirmed yet.
    pub unconfirmed_diet: usize,
    pub skipped: Vec<SkippedMeal>,
}

/// Turns the facility's open standing orders into bookings from today through `through`
/// (see the module's notes). Audited with one entry listing the bookings made.
pub fn materialize(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    through: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MaterializeReport> {
    actor.require_at(Action::BookMeals, facility_id)?;
    let today = local_day(now);
    let through = through.min(today + Days::new(MAX_DAYS_AHEAD));
    db.write(|c| {
        let mut report = MaterializeReport { booked: 0, unconfirmed_diet: 0, skipped: Vec::new() };
        if through < today {
            return Ok(report);
        }
        let orders: Vec<StandingOrder> = c
            .prepare_cached(&format!(
                "{ORDER_SELECT} WHERE so.facility_id = ?1 AND so.stopped_on IS NULL AND cl.status = 'active'
                   AND so.from_day <= ?3 AND (so.to_day IS NULL OR so.to_day >= ?2)
                 ORDER BY so.id"
            ))?
            .query_map(params![facility_id, today.to_string(), through.to_string()], StandingOrder::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        if orders.is_empty() {
            return Ok(report);
        }
        // Every booking row in the range, cancelled ones too: a cancellation is never undone.
        let taken: HashSet<(i64, String, String)> = c
            .prepare_cached(
                "SELECT client_id, day, meal FROM bookings WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3",
            )?
            .query_map(params![facility_id, today.to_string(), through.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut menus = HashMap::new();
        let mut eaters = HashMap::new();
        let mut dishes = DishCache::default();
        let no_substitutes = HashMap::new();
        let stamp = utc_stamp(now);
        let mut made = Vec::new();
        for order in &orders {
            let mut day = today.max(order.from);
            while day <= through {
                let next = day + Days::new(1);
                if !order.applies_on(day)
                    || now >= cancel_cutoff(day, order.meal)
                    || taken.contains(&(order.client_id, day.to_string(), order.meal.as_str().to_string()))
                {
                    day = next;
                    continue;
                }
                let menu = match menus.entry((day, order.meal)) {
                    Slot::Occupied(known) => known.into_mut(),
                    Slot::Vacant(slot) => slot.insert(meal_dishes(c, facility_id, day, order.meal)?),
                };
                if menu.is_empty() {
                    day = next;
                    continue;
                }
                let eater = match eaters.entry(order.client_id) {
                    Slot::Occupied(known) => known.into_mut(),
                    Slot::Vacant(slot) => slot.insert(client_eater(c, order.client_id)?),
                };
                let plates = plates(c, &mut dishes, menu, eater, &no_substitutes)?;
                let refused: Vec<AllergyClash> = plates
                    .iter()
                    .filter_map(|p| {
                        p.refusal().map(|clash| AllergyClash {
                            dish_id: p.dish_id,
                            dish_name: p.dish_name.clone(),
                            allergy: refusal_text(clash),
                        })
                    })
                    .collect();
                if !refused.is_empty() {
                    report.skipped.push(SkippedMeal {
                        standing_order_id: order.id,
                        client_id: order.client_id,
                        client_name: order.client_name.clone(),
                        day,
                        meal: order.meal,
                        clashes: refused,
                    });
                    day = next;
                    continue;
                }
                if plates.iter().any(|p| !p.warned_diets().is_empty()) {
                    report.unconfirmed_diet += 1;
                }
                let by = actor.display_name.as_str();
                let id = write_booking(
                    c,
                    &BookingRow {
                        mode: order.mode,
                        standing_order_id: Some(order.id),
                        ..BookingRow::booked(order.client_id, facility_id, day, order.meal, by, &stamp)
                    },
                )?;
                made.push(id);
                day = next;
            }
        }
        report.booked = made.len();
        if !made.is_empty() || !report.skipped.is_empty() {
            Entry::new(AuditAction::Materialize, AuditEntity::StandingOrders, facility_id)
                .facility(Some(facility_id))
                .after(&serde_json::json!({
                    "through": through,
                    "bookings": made,
                    "skipped": report.skipped.len(),
                }))
                .write(c, actor)?;
        }
        Ok(report)
    })
}
