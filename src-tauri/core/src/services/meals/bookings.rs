//! Meal bookings at the elder centres (老年助餐): a client books days and meals, to eat at
//! the centre or to have delivered; cancels until the meal's cut-off; is served. Every
//! booking and every serving runs the one safety rule, `domain::meals::clashes`, against the
//! facility's published menu for that day and meal.
//!
//! Decisions worth knowing:
//! - A booking is for the client's own facility, by someone who may book meals there
//!   (`Action::BookMeals`), for an active client, for today or later (a same-day booking
//!   after the cancellation cut-off is allowed: a walk-in can usually still be fed, while a
//!   cancelled portion is already cooked).
//! - A request (several days × several meals) is all or nothing: every day and meal needs a
//!   published menu, no meal may already be booked, and no dish may clash with an allergy of
//!   the client unless a substitute is chosen for it. Otherwise nothing is written and the
//!   error names the day, the dish and the allergy.
//! - A substitute replaces its dish wherever the dish is on the requested meals; it must be
//!   an active dish of the same facility that does not itself clash, and it must replace a
//!   dish that is on at least one of them (a choice that applies nowhere is a mistake). A
//!   substitute may also be chosen for a dish that merely does not suit a diet.
//! - A dish that does not suit a diet (sugary for a diabetic, not halal…) is a warning: the
//!   request comes back as [`BookingOutcome::NeedsConfirmation`] with every warning and
//!   nothing written; sent again with `confirm_diet`, the bookings that carry warnings
//!   record who confirmed them and when.
//! - Cancellation closes at [`cancel_cutoff`]: breakfast at 18:00 the day before, lunch at
//!   09:30 and dinner at 14:00 the same day, Beijing time, when the kitchen orders and
//!   starts cooking. A served booking is never cancelled.
//! - Serving re-runs the check against the menu as it is now (a menu changed after the
//!   booking may now clash): an allergy clash without a substitute refuses; diet warnings
//!   the booking never had confirmed must be confirmed by whoever serves (a confirmation
//!   given at booking stands for the booking: the table keeps who and when, not which
//!   warnings). A delivery counts as served when it is handed over at the door. Serving is
//!   recorded on the meal's day or later (a clerk catching up), never ahead. The subsidy
//!   that applies is fixed then (see `subsidy`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plates::{diet_warnings, plates, refusal_text, substitute_map, substitutions, DishCache, Plate};
use super::{client_eater, meal_dishes, subsidy};
use crate::clock::{local_day, local_offset};
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::meals::{Meal, MealMode};
use crate::domain::person::{ClientStatus, DietNeed, PersonKind};
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::read;
use crate::store::{utc_stamp, Db};

/// The most days one request may book (a month and a bit): a longer run is a standing order.
pub const MAX_DAYS_PER_REQUEST: usize = 62;

code_enum! {
    BookingStatus { Booked = "booked", Cancelled = "cancelled", Served = "served" }
}

/// A dish the client gets instead of one on the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SubstituteChoice {
    pub dish_id: i64,
    pub substitute_dish_id: i64,
}

/// The booking form: days × meals for one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BookingRequest {
    pub client_id: i64,
    /// The days to book ("2026-11-30"); the UI expands a from–to range into its days.
    #[ts(type = "string[]")]
    #[serde(deserialize_with = "crate::dates::days")]
    pub days: Vec<NaiveDate>,
    pub meals: Vec<Meal>,
    pub mode: MealMode,
    #[serde(default)]
    pub substitutes: Vec<SubstituteChoice>,
    /// The clerk has seen the diet warnings and confirms them.
    #[serde(default)]
    pub confirm_diet: bool,
}

/// A dish that does not suit one of the client's diets, on one day's meal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DietWarning {
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub meal: Meal,
    /// The dish as served (the substitute, if one was chosen).
    pub dish_id: i64,
    pub dish_name: String,
    pub need: DietNeed,
}

/// A substitute recorded on a booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Substitution {
    pub dish_id: i64,
    pub dish_name: String,
    pub substitute_dish_id: i64,
    pub substitute_name: String,
    pub chosen_by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Booking {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub facility_id: i64,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub meal: Meal,
    pub mode: MealMode,
    pub status: BookingStatus,
    /// Made by this standing order, if any.
    pub standing_order_id: Option<i64>,
    pub diet_confirmed_by: Option<String>,
    pub diet_confirmed_at: Option<String>,
    pub substitutions: Vec<Substitution>,
    pub cancelled_at: Option<String>,
    pub cancelled_by_name: Option<String>,
    pub cancel_reason: Option<String>,
    pub served_at: Option<String>,
    pub served_by_name: Option<String>,
    /// Fixed when served: `subsidy::SubsidyCategory` code and amount.
    pub subsidy_category: Option<String>,
    pub subsidy_fen: Option<i64>,
    pub created_by_name: String,
    pub created_at: String,
}

/// What a booking request did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum BookingOutcome {
    /// Nothing was written: show the warnings, and send the request again with
    /// `confirm_diet` if the clerk confirms them.
    NeedsConfirmation {
        warnings: Vec<DietWarning>,
    },
    Booked {
        bookings: Vec<Booking>,
    },
}

/// What serving did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum ServeOutcome {
    /// Nothing was written: the dishes as they are now do not suit a diet and nobody has
    /// confirmed that; serve again with `confirm_diet` to confirm.
    NeedsConfirmation { warnings: Vec<DietWarning> },
    /// The warnings that stand (already confirmed) are shown again to whoever serves.
    Served { booking: Box<Booking>, warnings: Vec<DietWarning> },
}

impl Booking {
    fn from_row(r: &Row) -> rusqlite::Result<Booking> {
        Ok(Booking {
            id: r.get("id")?,
            client_id: r.get("client_id")?,
            client_name: r.get("client_name")?,
            facility_id: r.get("facility_id")?,
            day: read::day(r, "day")?,
            meal: r.get::<_, Meal>("meal")?,
            mode: r.get::<_, MealMode>("mode")?,
            status: r.get::<_, BookingStatus>("status")?,
            standing_order_id: r.get("standing_order_id")?,
            diet_confirmed_by: r.get("diet_confirmed_by")?,
            diet_confirmed_at: r.get("diet_confirmed_at")?,
            substitutions: Vec::new(),
            cancelled_at: r.get("cancelled_at")?,
            cancelled_by_name: r.get("cancelled_by_name")?,
            cancel_reason: r.get("cancel_reason")?,
            served_at: r.get("served_at")?,
            served_by_name: r.get("served_by_name")?,
            subsidy_category: r.get("subsidy_category")?,
            subsidy_fen: r.get("subsidy_fen")?,
            created_by_name: r.get("created_by_name")?,
            created_at: r.get("created_at")?,
        })
    }
}

const BOOKING_SELECT: &str =
    "SELECT b.*, cl.name AS client_name FROM bookings b JOIN clients cl ON cl.id = b.client_id";

pub(crate) fn load_booking(c: &Connection, id: i64) -> Result<Booking> {
    let mut booking = c
        .prepare_cached(&format!("{BOOKING_SELECT} WHERE b.id = ?1"))?
        .query_row([id], Booking::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Booking, id: id.to_string() })?;
    booking.substitutions = substitutions_of(c, id)?;
    Ok(booking)
}

fn substitutions_of(c: &Connection, booking_id: i64) -> Result<Vec<Substitution>> {
    Ok(c.prepare_cached(
        "SELECT s.dish_id, d.name, s.substitute_dish_id, sd.name, s.chosen_by_name
         FROM booking_substitutions s JOIN dishes d ON d.id = s.dish_id JOIN dishes sd ON sd.id = s.substitute_dish_id
         WHERE s.booking_id = ?1 ORDER BY s.dish_id",
    )?
    .query_map([booking_id], |r| {
        Ok(Substitution {
            dish_id: r.get(0)?,
            dish_name: r.get(1)?,
            substitute_dish_id: r.get(2)?,
            substitute_name: r.get(3)?,
            chosen_by_name: r.get(4)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

fn load_bookings(c: &Connection, sql_where: &str, args: impl rusqlite::Params) -> Result<Vec<Booking>> {
    let mut stmt = c.prepare_cached(&format!("{BOOKING_SELECT} {sql_where}"))?;
    let mut out: Vec<Booking> = stmt.query_map(args, Booking::from_row)?.collect::<rusqlite::Result<_>>()?;
    for b in &mut out {
        b.substitutions = substitutions_of(c, b.id)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Booking.

pub(crate) fn require_active_client(c: &Connection, client_id: i64) -> Result<()> {
    let status: String = c.query_row("SELECT status FROM clients WHERE id = ?1", [client_id], |r| r.get(0))?;
    if status == ClientStatus::Active.as_str() {
        Ok(())
    } else {
        Err(Invalid::new("booking.client_not_active", "client_id").with("status", status).into())
    }
}

fn booked_already(c: &Connection, client_id: i64, day: NaiveDate, meal: Meal) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT count(*) > 0 FROM bookings WHERE client_id = ?1 AND day = ?2 AND meal = ?3 AND status != 'cancelled'",
    )?
    .query_row(params![client_id, day.to_string(), meal.as_str()], |r| r.get(0))?)
}

impl BookingRequest {
    /// The days, sorted and without repeats, each today or later.
    fn checked_days(&self, today: NaiveDate) -> Result<Vec<NaiveDate>, Invalid> {
        let mut days = self.days.clone();
        days.sort();
        days.dedup();
        if days.is_empty() {
            return Err(Invalid::new("booking.no_days", "days"));
        }
        if days.len() > MAX_DAYS_PER_REQUEST {
            return Err(Invalid::new("booking.too_many_days", "days").with("max", MAX_DAYS_PER_REQUEST));
        }
        if days[0] < today {
            return Err(Invalid::new("booking.day_past", "days").with("day", days[0]));
        }
        Ok(days)
    }

    fn checked_meals(&self) -> Result<Vec<Meal>, Invalid> {
        let mut meals = self.meals.clone();
        meals.sort();
        meals.dedup();
        if meals.is_empty() {
            return Err(Invalid::new("booking.no_meals", "meals"));
        }
        Ok(meals)
    }
}

/// Checks the chosen substitutes: each an active dish of the facility, one per menu dish.
fn checked_substitutes(
    c: &Connection,
    dishes: &mut DishCache,
    facility_id: i64,
    choices: &[SubstituteChoice],
) -> Result<HashMap<i64, i64>> {
    let mut out = HashMap::new();
    for choice in choices {
        let usable =
            dishes.get(c, choice.substitute_dish_id)?.is_some_and(|d| d.facility_id == facility_id && d.active);
        if !usable || choice.substitute_dish_id == choice.dish_id {
            return Err(Invalid::new("booking.substitute_unknown", "substitutes")
                .with("id", choice.substitute_dish_id)
                .into());
        }
        if out.insert(choice.dish_id, choice.substitute_dish_id).is_some() {
            return Err(Invalid::new("booking.substitute_twice", "substitutes").with("id", choice.dish_id).into());
        }
    }
    Ok(out)
}

/// Refuses a meal whose plates clash with an allergy: a menu dish without a substitute, or
/// a substitute that itself clashes.
fn refuse_unsafe(day: NaiveDate, plates: &[Plate]) -> Result<(), Invalid> {
    for p in plates {
        if let Some(clash) = p.refusal() {
            let invalid = if p.is_substitute() {
                Invalid::new("booking.substitute_clashes", "substitutes")
            } else {
                Invalid::new("booking.allergy_clash", "substitutes")
            };
            return Err(invalid
                .with("day", day)
                .with("dish", &p.dish_name)
                .with("dish_id", p.dish_id)
                .with("allergy", refusal_text(clash)));
        }
    }
    Ok(())
}

/// A booking as stored, with the substitutes chosen for it: what [`write_booking`], the one
/// writer of `bookings` and `booking_substitutions`, takes. The services write a booking
/// booked (its safety already checked) and later serve or cancel it in place; the demo
/// writes its history as those steps would have left it.
pub(crate) struct BookingRow<'a> {
    pub client_id: i64,
    pub facility_id: i64,
    pub day: NaiveDate,
    pub meal: Meal,
    pub mode: MealMode,
    pub status: BookingStatus,
    pub standing_order_id: Option<i64>,
    /// Who confirmed the day's diet warnings for the client, and when (none when there
    /// were none, or nobody has yet).
    pub diet_confirmed: Option<(&'a str, &'a str)>,
    /// When, by whom and why it was cancelled.
    pub cancelled: Option<(&'a str, &'a str, &'a str)>,
    /// When and by whom it was served, with the subsidy then fixed.
    pub served: Option<ServedRow<'a>>,
    pub created_by_name: &'a str,
    pub created_at: &'a str,
    /// (dish on the menu, the dish served instead), chosen by whoever booked.
    pub substitutes: &'a [(i64, i64)],
}

/// The serving of a [`BookingRow`].
pub(crate) struct ServedRow<'a> {
    pub at: &'a str,
    pub by: &'a str,
    pub subsidy_category: subsidy::SubsidyCategory,
    pub subsidy_fen: i64,
}

impl<'a> BookingRow<'a> {
    /// A booking just made by `by` at `at`, none of it confirmed, served or cancelled yet.
    pub(crate) fn booked(
        client_id: i64,
        facility_id: i64,
        day: NaiveDate,
        meal: Meal,
        by: &'a str,
        at: &'a str,
    ) -> Self {
        BookingRow {
            client_id,
            facility_id,
            day,
            meal,
            mode: MealMode::DineIn,
            status: BookingStatus::Booked,
            standing_order_id: None,
            diet_confirmed: None,
            cancelled: None,
            served: None,
            created_by_name: by,
            created_at: at,
            substitutes: &[],
        }
    }
}

/// Inserts a booking with its substitutes (no audit: the caller writes it) and returns its id.
pub(crate) fn write_booking(c: &Connection, row: &BookingRow) -> Result<i64> {
    let (confirmed_by, confirmed_at) = row.diet_confirmed.unzip();
    let (cancelled_at, cancelled_by, cancel_reason) = match row.cancelled {
        Some((at, by, why)) => (Some(at), Some(by), Some(why)),
        None => (None, None, None),
    };
    let served = row.served.as_ref();
    c.prepare_cached(
        "INSERT INTO bookings (client_id, facility_id, day, meal, mode, status, standing_order_id,
                               diet_confirmed_by, diet_confirmed_at, cancelled_at, cancelled_by_name, cancel_reason,
                               served_at, served_by_name, subsidy_category, subsidy_fen, created_by_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        row.client_id,
        row.facility_id,
        row.day.to_string(),
        row.meal.as_str(),
        row.mode.as_str(),
        row.status,
        row.standing_order_id,
        confirmed_by,
        confirmed_at,
        cancelled_at,
        cancelled_by,
        cancel_reason,
        served.map(|s| s.at),
        served.map(|s| s.by),
        served.map(|s| s.subsidy_category),
        served.map(|s| s.subsidy_fen),
        row.created_by_name,
        row.created_at,
    ])?;
    let id = c.last_insert_rowid();
    let mut sub = c.prepare_cached(
        "INSERT INTO booking_substitutions (booking_id, dish_id, substitute_dish_id, chosen_by_name)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (dish, substitute) in row.substitutes {
        sub.execute(params![id, dish, substitute, row.created_by_name])?;
    }
    Ok(id)
}

/// Books meals for a client: all of the request or none of it (see the module's notes).
pub fn book(db: &Db, actor: &Actor, request: &BookingRequest, now: DateTime<Utc>) -> Result<BookingOutcome> {
    actor.require(Action::BookMeals)?;
    let days = request.checked_days(local_day(now))?;
    let meals = request.checked_meals()?;
    db.write(|c| {
        let client_id = request.client_id;
        let facility_id = facility_for(c, actor, Action::BookMeals, PersonKind::Client, client_id)?;
        require_active_client(c, client_id)?;
        let eater = client_eater(c, client_id)?;
        let mut dishes = DishCache::default();
        let substitutes = checked_substitutes(c, &mut dishes, facility_id, &request.substitutes)?;
        let mut replaced = HashSet::new();
        let mut planned = Vec::new();
        let mut warnings = Vec::new();
        for &day in &days {
            for &meal in &meals {
                let menu = meal_dishes(c, facility_id, day, meal)?;
                if menu.is_empty() {
                    return Err(Invalid::new("booking.no_menu", "days")
                        .with("day", day)
                        .with("meal", meal.as_str())
                        .into());
                }
                if booked_already(c, client_id, day, meal)? {
                    return Err(Invalid::new("booking.already_booked", "days")
                        .with("day", day)
                        .with("meal", meal.as_str())
                        .into());
                }
                let plates = plates(c, &mut dishes, &menu, &eater, &substitutes)?;
                refuse_unsafe(day, &plates)?;
                replaced.extend(plates.iter().filter(|p| p.is_substitute()).map(|p| p.menu_dish_id));
                let meal_warnings = diet_warnings(day, meal, &plates);
                let has_warnings = !meal_warnings.is_empty();
                warnings.extend(meal_warnings);
                planned.push((day, meal, plates, has_warnings));
            }
        }
        if let Some(unused) = substitutes.keys().find(|d| !replaced.contains(*d)) {
            return Err(Invalid::new("booking.substitute_not_on_menu", "substitutes").with("id", unused).into());
        }
        if !warnings.is_empty() && !request.confirm_diet {
            return Ok(BookingOutcome::NeedsConfirmation { warnings });
        }
        let stamp = utc_stamp(now);
        let mut bookings = Vec::with_capacity(planned.len());
        for (day, meal, plates, has_warnings) in planned {
            let by = actor.display_name.as_str();
            let id = write_booking(
                c,
                &BookingRow {
                    mode: request.mode,
                    diet_confirmed: has_warnings.then_some((by, stamp.as_str())),
                    substitutes: &substitutions(&plates),
                    ..BookingRow::booked(client_id, facility_id, day, meal, by, &stamp)
                },
            )?;
            let booking = load_booking(c, id)?;
            Entry::new(AuditAction::Create, AuditEntity::Booking, id)
                .facility(Some(facility_id))
                .after(&booking)
                .write(c, actor)?;
            bookings.push(booking);
        }
        Ok(BookingOutcome::Booked { bookings })
    })
}

// ---------------------------------------------------------------------------------------
// Cancelling.

/// When cancelling a meal closes, Beijing time: breakfast at 18:00 the day before, lunch at
/// 09:30 and dinner at 14:00 the same day.
pub fn cancel_cutoff(day: NaiveDate, meal: Meal) -> DateTime<Utc> {
    let (days_before, hour, minute) = match meal {
        Meal::Breakfast => (1, 18, 0),
        Meal::Lunch => (0, 9, 30),
        Meal::Dinner => (0, 14, 0),
    };
    let on = day - Days::new(days_before);
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time of day");
    local_offset()
        .from_local_datetime(&on.and_time(time))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

fn cutoff_text(at: DateTime<Utc>) -> String {
    at.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// Cancels a booking before its meal's cut-off. Audited.
pub fn cancel(db: &Db, actor: &Actor, booking_id: i64, reason: Option<&str>, now: DateTime<Utc>) -> Result<Booking> {
    actor.require(Action::BookMeals)?;
    let reason = text::optional_text(reason, 200, "reason")?;
    db.write(|c| {
        let before = load_booking(c, booking_id)?;
        actor.require_at(Action::BookMeals, before.facility_id)?;
        match before.status {
            BookingStatus::Served => return Err(Invalid::new("booking.already_served", "booking").into()),
            BookingStatus::Cancelled => return Err(Invalid::new("booking.already_cancelled", "booking").into()),
            BookingStatus::Booked => {}
        }
        let cutoff = cancel_cutoff(before.day, before.meal);
        if now >= cutoff {
            return Err(Invalid::new("booking.cancel_too_late", "booking").with("cutoff", cutoff_text(cutoff)).into());
        }
        c.prepare_cached(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = ?1, cancelled_by_name = ?2, cancel_reason = ?3
             WHERE id = ?4",
        )?
        .execute(params![utc_stamp(now), actor.display_name, reason, booking_id])?;
        let after = load_booking(c, booking_id)?;
        Entry::new(AuditAction::Cancel, AuditEntity::Booking, booking_id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Cancels every booking of the client not yet served from `today` on, whatever the
/// cut-off: a client suspended, moved or dead will not eat them. Returns their ids; the
/// caller audits.
pub(crate) fn cancel_upcoming_for_client(
    c: &Connection,
    actor: &Actor,
    client_id: i64,
    today: NaiveDate,
    reason: &str,
    now: &str,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = c
        .prepare_cached("SELECT id FROM bookings WHERE client_id = ?1 AND status = 'booked' AND day >= ?2 ORDER BY id")?
        .query_map(params![client_id, today.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut cancel = c.prepare_cached(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ?1, cancelled_by_name = ?2, cancel_reason = ?3
         WHERE id = ?4",
    )?;
    for id in &ids {
        cancel.execute(params![now, actor.display_name, reason, id])?;
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------
// Serving.

/// Records a booking as served (or a delivery as handed over), after checking its dishes
/// again against the menu as it is now. Fixes the subsidy that applies. Audited.
pub fn serve(db: &Db, actor: &Actor, booking_id: i64, confirm_diet: bool, now: DateTime<Utc>) -> Result<ServeOutcome> {
    actor.require(Action::ServeMeals)?;
    db.write(|c| {
        let before = load_booking(c, booking_id)?;
        actor.require_at(Action::ServeMeals, before.facility_id)?;
        match before.status {
            BookingStatus::Served => return Err(Invalid::new("serving.already_served", "booking").into()),
            BookingStatus::Cancelled => return Err(Invalid::new("serving.cancelled", "booking").into()),
            BookingStatus::Booked => {}
        }
        if before.day > local_day(now) {
            return Err(Invalid::new("serving.future_day", "booking").with("day", before.day).into());
        }
        let menu = meal_dishes(c, before.facility_id, before.day, before.meal)?;
        if menu.is_empty() {
            return Err(Invalid::new("serving.no_menu", "booking").with("day", before.day).into());
        }
        let eater = client_eater(c, before.client_id)?;
        let mut dishes = DishCache::default();
        let plates = plates(c, &mut dishes, &menu, &eater, &substitute_map(c, booking_id)?)?;
        if let Some(p) = plates.iter().find(|p| p.refusal().is_some()) {
            return Err(Invalid::new("serving.allergy_clash", "booking")
                .with("dish", &p.dish_name)
                .with("dish_id", p.dish_id)
                .with("allergy", refusal_text(p.refusal().expect("found above")))
                .into());
        }
        let warnings = diet_warnings(before.day, before.meal, &plates);
        let confirmed = before.diet_confirmed_by.is_some();
        if !warnings.is_empty() && !confirmed && !confirm_diet {
            return Ok(ServeOutcome::NeedsConfirmation { warnings });
        }
        let stamp = utc_stamp(now);
        if !warnings.is_empty() && !confirmed {
            c.prepare_cached("UPDATE bookings SET diet_confirmed_by = ?1, diet_confirmed_at = ?2 WHERE id = ?3")?
                .execute(params![actor.display_name, stamp, booking_id])?;
        }
        let (category, fen) = subsidy::subsidy_for(c, before.client_id, before.day)?;
        c.prepare_cached(
            "UPDATE bookings SET status = 'served', served_at = ?1, served_by_name = ?2, subsidy_category = ?3,
                                 subsidy_fen = ?4
             WHERE id = ?5",
        )?
        .execute(params![stamp, actor.display_name, category.as_str(), fen, booking_id])?;
        let booking = load_booking(c, booking_id)?;
        Entry::new(AuditAction::Serve, AuditEntity::Booking, booking_id)
            .facility(Some(booking.facility_id))
            .before(&before)
            .after(&booking)
            .write(c, actor)?;
        Ok(ServeOutcome::Served { booking: Box::new(booking), warnings })
    })
}

// ---------------------------------------------------------------------------------------
// Lists.

/// A client's bookings (every status) from `from` to `to`, by day and meal. The view of a
/// person's record is audited.
pub fn client_bookings(db: &Db, actor: &Actor, client_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<Booking>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, client_id)?;
        let out = load_bookings(
            c,
            "WHERE b.client_id = ?1 AND b.day BETWEEN ?2 AND ?3
             ORDER BY b.day, CASE b.meal WHEN 'breakfast' THEN 0 WHEN 'lunch' THEN 1 ELSE 2 END, b.id",
            params![client_id, from.to_string(), to.to_string()],
        )?;
        Ok((out, Entry::new(AuditAction::View, AuditEntity::ClientBookings, client_id).facility(Some(facility_id))))
    })
}

/// The serving list: one meal's bookings at a facility (not the cancelled ones), by name.
pub fn meal_bookings(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate, meal: Meal) -> Result<Vec<Booking>> {
    actor.require_at(Action::ServeMeals, facility_id)?;
    db.read(|c| {
        load_bookings(
            c,
            "WHERE b.facility_id = ?1 AND b.day = ?2 AND b.meal = ?3 AND b.status != 'cancelled'
             ORDER BY cl.name_key, b.id",
            params![facility_id, day.to_string(), meal.as_str()],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_offs_are_beijing_times() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(utc_stamp(cancel_cutoff(day, Meal::Breakfast)), "2026-11-29T10:00:00Z", "18:00 the day before");
        assert_eq!(utc_stamp(cancel_cutoff(day, Meal::Lunch)), "2026-11-30T01:30:00Z", "09:30 the same day");
        assert_eq!(utc_stamp(cancel_cutoff(day, Meal::Dinner)), "2026-11-30T06:00:00Z", "14:00 the same day");
        assert_eq!(cutoff_text(cancel_cutoff(day, Meal::Lunch)), "2026-11-30 09:30");
    }
}
