//! Putting visits in the week by hand: a visit of a plan item, moving one (a drag on the
//! week view), cancelling one, and weekly series.
//!
//! Decisions worth knowing:
//! - Only planned visits move or cancel, and never into the past; a visit placed or moved
//!   by hand is locked, so the scheduler plans around it.
//! - A conflict does not refuse a move: the week view shows it and says why (a manager may
//!   knowingly ask someone to stay late). A staff member of another facility, or one no
//!   longer working, is refused.
//! - A series is made from a visit ("every Tuesday at 09:00 with 王芳"). Moving or
//!   cancelling one occurrence changes that row only; ending the series cancels its
//!   occurrences after its last day (a new time is a new series from that day).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plans::load_item;
use super::{load_visit, Visit};
use crate::domain::account::{Action, Actor};
use crate::domain::visits::{parse_clock, CarePlace, VisitReason, VisitSource, VisitStatus};
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::meals::subsidy::visit_share;
use crate::services::scope::{facility_for, Owned};
use crate::store::{Db, Tx};

/// A visit placed by hand, or a missed one made up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewVisit {
    pub plan_item_id: i64,
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub day: NaiveDate,
    /// "HH:MM".
    pub start: String,
    pub staff_id: Option<i64>,
}

/// Where a drag (or the move form) puts a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitMove {
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub day: NaiveDate,
    pub start: String,
    pub staff_id: Option<i64>,
}

/// A row about to be written to `visits`, by the table's one writer, [`write_visit`]: the
/// desk's and the scheduler's planned visits, and the demo city's year of history.
pub(crate) struct VisitRow {
    pub facility_id: i64,
    pub client_id: i64,
    pub plan_item_id: i64,
    pub staff_id: Option<i64>,
    pub day: NaiveDate,
    pub start_min: u32,
    pub duration_min: u32,
    pub place: CarePlace,
    pub source: VisitSource,
    pub locked: bool,
    pub makes_up_for: Option<i64>,
    /// The weekly series that put it in the week, and the day the series gave it.
    pub series: Option<(i64, NaiveDate)>,
    pub status: VisitStatus,
    /// What was recorded of it, once it is past.
    pub record: Option<VisitRecordRow>,
    pub is_demo: bool,
}

/// A visit's outcome as recorded: the times it was done, or why not; who recorded it, when.
pub(crate) struct VisitRecordRow {
    pub done: Option<(u32, u32)>,
    pub reason: Option<VisitReason>,
    pub by: i64,
    pub by_name: String,
    /// UTC stamp.
    pub at: String,
}

/// Writes one visit row, `stamp` its creation; its id.
pub(crate) fn write_visit(c: &Connection, row: &VisitRow, stamp: &str) -> Result<i64> {
    let record = row.record.as_ref();
    let share = match row.status {
        VisitStatus::Done => Some(visit_share(c, row.client_id, row.day, row.place == CarePlace::Home)?),
        _ => None,
    };
    c.prepare_cached(
        "INSERT INTO visits (facility_id, client_id, plan_item_id, series_id, series_day, staff_id, day, start_min,
             duration_min, place, source, locked, status, done_start_min, done_end_min, reason, recorded_by,
             recorded_by_name, recorded_at, makes_up_for, is_demo, created_at, updated_at, subsidy_category,
             city_percent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22,
                 ?23, ?24)",
    )?
    .execute(params![
        row.facility_id,
        row.client_id,
        row.plan_item_id,
        row.series.map(|(id, _)| id),
        row.series.map(|(_, day)| day.to_string()),
        row.staff_id,
        row.day.to_string(),
        row.start_min,
        row.duration_min,
        row.place,
        row.source,
        row.locked,
        row.status,
        record.and_then(|r| r.done).map(|(start, _)| start),
        record.and_then(|r| r.done).map(|(_, end)| end),
        record.and_then(|r| r.reason),
        record.map(|r| r.by),
        record.map(|r| r.by_name.as_str()),
        record.map(|r| r.at.as_str()),
        row.makes_up_for,
        row.is_demo,
        stamp,
        share.map(|s| s.0),
        share.map(|s| s.1),
    ])?;
    Ok(c.last_insert_rowid())
}

/// A planned visit written in the transaction, stamped with its instant.
pub(crate) fn insert_visit(c: &Tx, row: &VisitRow) -> Result<i64> {
    write_visit(c, row, &c.stamp())
}

/// A day and start the visit can take: not in the past, ending by midnight.
fn slot(day: NaiveDate, start: &str, duration_min: u32, today: NaiveDate) -> Result<u32, Invalid> {
    if day < today {
        return Err(Invalid::new("visit.day_past", "day").with("day", day));
    }
    let start_min = parse_clock(start, "start")?;
    if start_min + duration_min > 24 * 60 {
        return Err(Invalid::new("visit.past_midnight", "start"));
    }
    Ok(start_min)
}

/// The staff member exists, works at `facility_id` and is active.
fn require_staff_at(c: &Connection, staff_id: i64, facility_id: i64) -> Result<()> {
    let row: Option<(i64, bool)> = c
        .prepare_cached("SELECT facility_id, active FROM staff WHERE id = ?1")?
        .query_row([staff_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(CoreError::NotFound { entity: AuditEntity::Staff, id: staff_id.to_string() }),
        Some((f, true)) if f == facility_id => Ok(()),
        Some(_) => Err(Invalid::new("visit.staff_not_here", "staff_id").into()),
    }
}

pub fn create_visit(db: &Db, actor: &Actor, input: &NewVisit) -> Result<Visit> {
    actor.require(Action::ScheduleVisits)?;
    db.write(|c| add_visit(c, actor, input, None))
}

pub(crate) fn add_visit(c: &Tx, actor: &Actor, input: &NewVisit, makes_up_for: Option<i64>) -> Result<Visit> {
    let item = load_item(c, input.plan_item_id, c.today())?;
    actor.require_at(Action::ScheduleVisits, item.facility_id)?;
    super::require_elder_client(c, item.client_id)?;
    let start_min = slot(input.day, &input.start, item.duration_min, c.today())?;
    if input.day < item.starts_on || item.ends_on.is_some_and(|end| input.day > end) {
        return Err(Invalid::new("visit.outside_plan", "day").with("day", input.day).into());
    }
    if let Some(s) = input.staff_id {
        require_staff_at(c, s, item.facility_id)?;
    }
    let id = insert_visit(
        c,
        &VisitRow {
            facility_id: item.facility_id,
            client_id: item.client_id,
            plan_item_id: item.id,
            staff_id: input.staff_id,
            day: input.day,
            start_min,
            duration_min: item.duration_min,
            place: item.place,
            source: VisitSource::Manual,
            locked: true,
            makes_up_for,
            series: None,
            status: VisitStatus::Planned,
            record: None,
            is_demo: false,
        },
    )?;
    let visit = load_visit(c, id)?;
    Entry::new(AuditAction::Create, AuditEntity::Visit, id)
        .facility(Some(visit.facility_id))
        .after(&visit)
        .write(c, actor)?;
    Ok(visit)
}

/// A planned visit of the actor's facility, for a change.
fn planned_visit(c: &Connection, actor: &Actor, id: i64, action: Action) -> Result<Visit> {
    let visit = load_visit(c, id)?;
    actor.require_at(action, visit.facility_id)?;
    if visit.status != VisitStatus::Planned {
        return Err(Invalid::new("visit.not_planned", "status").with("status", visit.status.as_str()).into());
    }
    Ok(visit)
}

pub fn move_visit(db: &Db, actor: &Actor, id: i64, to: &VisitMove) -> Result<Visit> {
    actor.require(Action::ScheduleVisits)?;
    db.write(|c| {
        let before = planned_visit(c, actor, id, Action::ScheduleVisits)?;
        if before.day < c.today() {
            return Err(Invalid::new("visit.day_past", "day").with("day", before.day).into());
        }
        let start_min = slot(to.day, &to.start, before.duration_min, c.today())?;
        if let Some(s) = to.staff_id {
            require_staff_at(c, s, before.facility_id)?;
        }
        c.prepare_cached(
            "UPDATE visits SET day = ?2, start_min = ?3, staff_id = ?4, locked = 1, updated_at = ?5 WHERE id = ?1",
        )?
        .execute(params![id, to.day.to_string(), start_min, to.staff_id, c.stamp()])?;
        let after = load_visit(c, id)?;
        Entry::new(AuditAction::Move, AuditEntity::Visit, id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Cancels one planned visit (one occurrence of a series: the rest stay).
pub fn cancel_visit(db: &Db, actor: &Actor, id: i64) -> Result<Visit> {
    actor.require(Action::ScheduleVisits)?;
    db.write(|c| {
        let before = planned_visit(c, actor, id, Action::ScheduleVisits)?;
        c.execute(
            "UPDATE visits SET status = 'cancelled', locked = 1, updated_at = ?2 WHERE id = ?1",
            params![id, c.stamp()],
        )?;
        let after = load_visit(c, id)?;
        Entry::new(AuditAction::Cancel, AuditEntity::Visit, id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Makes a planned visit weekly: the same weekday, time and staff member from its day on.
pub fn make_weekly(db: &Db, actor: &Actor, id: i64) -> Result<Visit> {
    actor.require(Action::PlanSchedules)?;
    db.write(|c| {
        let before = planned_visit(c, actor, id, Action::PlanSchedules)?;
        if before.series_id.is_some() {
            return Err(Invalid::new("visit.already_weekly", "series_id").into());
        }
        let now = c.stamp();
        let series = SeriesRow {
            facility_id: before.facility_id,
            plan_item_id: before.plan_item_id,
            client_id: before.client_id,
            staff_id: before.staff_id,
            weekday: before.day.weekday().number_from_monday(),
            start_min: before.start_min,
            duration_min: before.duration_min,
            from_day: before.day,
            until_day: None,
        };
        let series_id = write_series(c, &series, &now)?;
        c.execute(
            "UPDATE visits SET series_id = ?2, series_day = day, source = 'series', locked = 0, updated_at = ?3
              WHERE id = ?1",
            params![id, series_id, now],
        )?;
        let after = load_visit(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::VisitSeries, series_id)
            .facility(Some(after.facility_id))
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// A weekly series as stored: what [`write_series`], the one writer of `visit_series`, takes.
pub(crate) struct SeriesRow {
    pub facility_id: i64,
    pub plan_item_id: i64,
    pub client_id: i64,
    pub staff_id: Option<i64>,
    /// ISO weekday, Monday = 1.
    pub weekday: u32,
    pub start_min: u32,
    pub duration_min: u32,
    pub from_day: NaiveDate,
    pub until_day: Option<NaiveDate>,
}

/// Inserts a weekly series made at `at`, for the service and the demo city alike; returns
/// its id.
pub(crate) fn write_series(c: &Connection, row: &SeriesRow, at: &str) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO visit_series (facility_id, plan_item_id, client_id, staff_id, weekday, start_min, duration_min,
             from_day, until_day, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        row.facility_id,
        row.plan_item_id,
        row.client_id,
        row.staff_id,
        row.weekday,
        row.start_min,
        row.duration_min,
        row.from_day.to_string(),
        row.until_day.map(|d| d.to_string()),
        at,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Ends a series after `last_day`: its later occurrences not yet recorded are cancelled.
pub fn end_series(db: &Db, actor: &Actor, series_id: i64, last_day: NaiveDate) -> Result<()> {
    actor.require(Action::PlanSchedules)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::PlanSchedules, Owned::VisitSeries, series_id)?;
        let from_day: String = c
            .prepare_cached("SELECT from_day FROM visit_series WHERE id = ?1")?
            .query_row([series_id], |r| r.get(0))?;
        let last = last_day.to_string();
        // Ending the day before it starts stops it from its first occurrence on.
        if (last_day + chrono::Days::new(1)).to_string() < from_day {
            return Err(Invalid::new("visit.series_ends_before_start", "until_day").into());
        }
        let now = c.stamp();
        c.execute(
            "UPDATE visit_series SET until_day = ?2, updated_at = ?3 WHERE id = ?1",
            params![series_id, last, now],
        )?;
        c.execute(
            "UPDATE visits SET status = 'cancelled', updated_at = ?3
              WHERE series_id = ?1 AND day > ?2 AND status = 'planned'",
            params![series_id, last, now],
        )?;
        Entry::new(AuditAction::End, AuditEntity::VisitSeries, series_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "until_day": last }))
            .write(c, actor)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_must_be_today_or_later_and_end_by_midnight() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(slot(today, "09:00", 60, today).unwrap(), 540);
        assert_eq!(slot(today, "23:30", 60, today).unwrap_err().code, "visit.past_midnight");
        assert_eq!(slot(today.pred_opt().unwrap(), "09:00", 60, today).unwrap_err().code, "visit.day_past");
    }
}
