//! A client or child who moves to another facility. What is still to come goes with them
//! or ends; what already happened stays with the facility where it happened, so the old
//! facility keeps its history (visits done, meals served, checkups, doses given) while its
//! scope no longer reaches the person's current record. The rules and why each item goes
//! or ends: docs/domain.md, "Moving to another facility".
//!
//! The move takes effect on the day it is saved: from that day the new facility plans,
//! books and doses. Everything here runs in the transaction that saves the new facility,
//! so a refused save moves nothing. Once the PC syncs, the person's records go to the new
//! facility's PCs too (docs/sync.md, "A person who moves").

use chrono::{Days, NaiveDate};
use rusqlite::params;
use serde::Serialize;

use crate::domain::account::Actor;
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::families;
use crate::services::meals::standing::stop_client_meals;
use crate::store::Tx;
use crate::sync;

/// What a move carried over or ended, by row id: the audit entry of the move.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Carried {
    from_facility: i64,
    to_facility: i64,
    /// Care-plan items that had started: ended at the old facility on the day of the move
    /// and continued at the new one from that day, as (old item, new item).
    plan_items_continued: Vec<(i64, i64)>,
    /// Care-plan items not yet started: moved whole.
    plan_items_moved: Vec<i64>,
    /// Planned visits from the day of the move on: the old facility's staff no longer go.
    visits_cancelled: Vec<i64>,
    /// Weekly series of the old facility, ended the day before the move.
    series_ended: Vec<i64>,
    /// Meals are cooked where the client was: orders stop and unserved bookings are
    /// cancelled; the new facility books its own.
    standing_orders_stopped: Vec<i64>,
    bookings_cancelled: Vec<i64>,
    /// Open alerts go to the new facility's nurses; handled ones stay.
    alerts_moved: Vec<i64>,
    /// Courses of medicine that had started: ended the day before the move and continued
    /// at the new unit from that day, with the day's doses already given (no second dose).
    medicines_continued: Vec<(i64, i64)>,
    /// Courses not yet started: moved whole.
    medicines_moved: Vec<i64>,
    /// Checked out of the old facility if still in.
    checked_out: bool,
    /// The family of the old facility the person was taken out of (a family pays at one
    /// facility; the new one may make another).
    family_left: Option<i64>,
}

/// Carries a client's future from `from` to `to` and audits what moved.
pub(crate) fn move_client(c: &Tx, actor: &Actor, client_id: i64, from: i64, to: i64, today: NaiveDate) -> Result<()> {
    let mut carried = Carried { from_facility: from, to_facility: to, ..Carried::default() };
    carry_plan_items(c, client_id, from, to, today, &mut carried)?;
    (carried.standing_orders_stopped, carried.bookings_cancelled) =
        stop_client_meals(c, actor, client_id, today, "transferred", &c.stamp())?;
    carried.alerts_moved = ids(
        c,
        "UPDATE alerts SET facility_id = ?3 WHERE client_id = ?1 AND facility_id = ?2 AND handled_at IS NULL
         RETURNING id",
        params![client_id, from, to],
    )?;
    carried.checked_out = check_out(c, actor, PersonKind::Client, client_id)?;
    carried.family_left = families::leave(c, PersonKind::Client, client_id)?;
    sync::queue_move(c, PersonKind::Client, client_id, to)?;
    write_entry(c, actor, AuditEntity::Client, client_id, &carried)
}

/// Carries a child's future from `from` to `to` and audits what moved.
pub(crate) fn move_child(c: &Tx, actor: &Actor, child_id: i64, from: i64, to: i64, today: NaiveDate) -> Result<()> {
    let mut carried = Carried { from_facility: from, to_facility: to, ..Carried::default() };
    carry_medicines(c, child_id, from, to, today, &mut carried)?;
    carried.checked_out = check_out(c, actor, PersonKind::Child, child_id)?;
    carried.family_left = families::leave(c, PersonKind::Child, child_id)?;
    sync::queue_move(c, PersonKind::Child, child_id, to)?;
    write_entry(c, actor, AuditEntity::Child, child_id, &carried)
}

fn carry_plan_items(c: &Tx, client_id: i64, from: i64, to: i64, today: NaiveDate, out: &mut Carried) -> Result<()> {
    let day = today.to_string();
    let now = c.stamp();
    out.visits_cancelled = ids(
        c,
        "UPDATE visits SET status = 'cancelled', reason = 'client_transferred', updated_at = ?4
          WHERE client_id = ?1 AND facility_id = ?2 AND day >= ?3 AND status = 'planned' RETURNING id",
        params![client_id, from, day, now],
    )?;
    out.visits_cancelled.sort_unstable();
    out.series_ended = ids(
        c,
        "UPDATE visit_series SET until_day = ?4, updated_at = ?5
          WHERE client_id = ?1 AND facility_id = ?2 AND (until_day IS NULL OR until_day >= ?3) RETURNING id",
        params![client_id, from, day, previous(today).to_string(), now],
    )?;
    out.series_ended.sort_unstable();
    out.plan_items_moved = ids(
        c,
        "UPDATE care_plan_items SET facility_id = ?3, updated_at = ?5
          WHERE client_id = ?1 AND facility_id = ?2 AND starts_on > ?4 RETURNING id",
        params![client_id, from, to, day, now],
    )?;
    out.plan_items_moved.sort_unstable();
    let running: Vec<i64> = ids(
        c,
        "SELECT id FROM care_plan_items
          WHERE client_id = ?1 AND facility_id = ?2 AND starts_on <= ?3 AND (ends_on IS NULL OR ends_on >= ?3)
          ORDER BY id",
        params![client_id, from, day],
    )?;
    for old in running {
        c.prepare_cached(
            "INSERT INTO care_plan_items (client_id, facility_id, service, title, visits_per_week, duration_min,
                 preferred_days, window_start, window_end, skill, place, starts_on, ends_on, note, is_demo,
                 created_at, updated_at)
             SELECT client_id, ?2, service, title, visits_per_week, duration_min, preferred_days, window_start,
                 window_end, skill, place, ?3, ends_on, note, is_demo, ?4, ?4
               FROM care_plan_items WHERE id = ?1",
        )?
        .execute(params![old, to, day, now])?;
        let new = c.last_insert_rowid();
        c.prepare_cached("UPDATE care_plan_items SET ends_on = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![old, day, now])?;
        out.plan_items_continued.push((old, new));
    }
    Ok(())
}

fn carry_medicines(c: &Tx, child_id: i64, from: i64, to: i64, today: NaiveDate, out: &mut Carried) -> Result<()> {
    let day = today.to_string();
    out.medicines_moved = ids(
        c,
        "UPDATE child_medicines SET facility_id = ?3
          WHERE child_id = ?1 AND facility_id = ?2 AND from_day >= ?4 RETURNING id",
        params![child_id, from, to, day],
    )?;
    out.medicines_moved.sort_unstable();
    let running: Vec<i64> = ids(
        c,
        "SELECT id FROM child_medicines
          WHERE child_id = ?1 AND facility_id = ?2 AND from_day < ?3 AND to_day >= ?3 ORDER BY id",
        params![child_id, from, day],
    )?;
    for old in running {
        c.prepare_cached(
            "INSERT INTO child_medicines (child_id, facility_id, medicine, dose, times_per_day, times, from_day,
                 to_day, guardian_name, note, recorded_by, recorded_by_name, recorded_at)
             SELECT child_id, ?2, medicine, dose, times_per_day, times, ?3, to_day, guardian_name, note,
                 recorded_by, recorded_by_name, recorded_at
               FROM child_medicines WHERE id = ?1",
        )?
        .execute(params![old, to, day])?;
        let new = c.last_insert_rowid();
        c.prepare_cached("UPDATE child_medicines SET to_day = ?2 WHERE id = ?1")?
            .execute(params![old, previous(today).to_string()])?;
        // The day's doses count against the day's limit wherever the child now is.
        c.prepare_cached("UPDATE child_medicine_doses SET medicine_id = ?2 WHERE medicine_id = ?1 AND day >= ?3")?
            .execute(params![old, new, day])?;
        out.medicines_continued.push((old, new));
    }
    Ok(())
}

/// Checks the person out of wherever they are still checked in.
fn check_out(c: &Tx, actor: &Actor, kind: PersonKind, person_id: i64) -> Result<bool> {
    let changed = c
        .prepare_cached(
            "UPDATE attendance SET out_at = ?1, out_by = ?2
              WHERE person_kind = ?3 AND person_id = ?4 AND out_at IS NULL",
        )?
        .execute(params![c.stamp(), actor.account_id, kind.as_str(), person_id])?;
    Ok(changed > 0)
}

fn write_entry(c: &Tx, actor: &Actor, entity: AuditEntity, id: i64, carried: &Carried) -> Result<()> {
    Entry::new(AuditAction::Transfer, entity, id).facility(Some(carried.to_facility)).after(carried).write(c, actor)
}

fn previous(day: NaiveDate) -> NaiveDate {
    day - Days::new(1)
}

/// The first column of every row a statement returns (a query, or a change `RETURNING id`).
fn ids(c: &Tx, sql: &str, params: impl rusqlite::Params) -> Result<Vec<i64>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
