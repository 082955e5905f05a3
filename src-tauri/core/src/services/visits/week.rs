//! The week view: a facility's care staff with their hours and leave, every visit of the
//! week, and the conflicts the rules find in it (`domain::visits::conflicts`).
//!
//! Decisions worth knowing:
//! - Weekly series are written into a week by an explicit step, [`fill_week`] (the app takes
//!   it before showing a week, the scheduler before planning one), from today on: an
//!   occurrence is a row like any other visit, so moving or cancelling one changes that row
//!   only. Past days are never filled in after the fact. The step looks first on a reader
//!   and writes (audited) only when something is missing; the week itself is a plain read.
//! - Only planned visits are checked for conflicts: a visit done is history.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::{account_staff, facility_point, Visit, VISIT_SELECT};
use crate::domain::account::{Action, Actor};
use crate::domain::facility::bits_to_days;
use crate::domain::person::{Skill, StaffJob};
use crate::domain::visits::{
    conflicts, parse_clock, CarePlace, Conflict, GeoPoint, Place, StaffFacts, VisitFacts, VisitStatus,
};
use crate::error::Result;
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::read;
use crate::store::{Db, Tx};

/// A staff member as a row of the week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct WeekStaff {
    pub id: i64,
    pub name: String,
    /// The phone's last four digits: tells two people of the same name apart.
    pub phone_tail: Option<String>,
    pub job: StaffJob,
    pub skills: Vec<Skill>,
    pub work_days: Vec<u8>,
    pub work_starts: String,
    pub work_ends: String,
    /// Days of this week on leave.
    #[ts(type = "Array<string>")]
    pub leave_days: Vec<NaiveDate>,
    /// Minutes of planned and done visits this week.
    pub visit_min: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Week {
    pub facility_id: i64,
    #[ts(type = "string")]
    pub week_start: NaiveDate,
    pub staff: Vec<WeekStaff>,
    pub visits: Vec<Visit>,
    pub conflicts: Vec<Conflict>,
    /// The staff record of the signed-in account, if it has one (a caregiver's own visits).
    pub my_staff_id: Option<i64>,
}

/// The week from Monday `week_start`, as stored: a read (see [`fill_week`] for the series).
pub fn week(db: &Db, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<Week> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| week_in(c, actor, facility_id, week_start))
}

/// [`week`] on an open connection (the home page reads it with other figures); the caller
/// has checked the actor's right to the facility.
pub(crate) fn week_in(c: &Connection, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<Week> {
    let week_start = crate::dates::monday_of(week_start);
    let visits = week_visits(c, facility_id, week_start)?;
    let facts = staff_facts(c, facility_id, week_start)?;
    let staff = week_staff(c, facility_id, week_start, &visits, &facts)?;
    let centre = Place::Centre(facility_point(c, facility_id)?);
    let conflicts = conflicts(&visit_facts(c, facility_id, &visits)?, &facts, centre);
    let my_staff_id = account_staff(c, actor)?;
    Ok(Week { facility_id, week_start, staff, visits, conflicts, my_staff_id })
}

pub(crate) fn week_visits(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<Vec<Visit>> {
    let end = week_start + Days::new(6);
    Ok(c.prepare_cached(&format!(
        "{VISIT_SELECT} WHERE v.facility_id = ?1 AND v.day BETWEEN ?2 AND ?3 ORDER BY v.day, v.start_min, v.id"
    ))?
    .query_map(params![facility_id, week_start.to_string(), end.to_string()], Visit::from_row)?
    .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Care staff: active caregivers, nurses and health workers, and anyone else who has a
/// visit this week.
fn week_staff(
    c: &Connection,
    facility_id: i64,
    week_start: NaiveDate,
    visits: &[Visit],
    facts: &[StaffFacts],
) -> Result<Vec<WeekStaff>> {
    let facts: HashMap<i64, &StaffFacts> = facts.iter().map(|s| (s.id, s)).collect();
    let mut minutes: HashMap<i64, u32> = HashMap::new();
    for v in visits.iter().filter(|v| matches!(v.status, VisitStatus::Planned | VisitStatus::Done)) {
        if let Some(s) = v.staff_id {
            *minutes.entry(s).or_default() += v.duration_min;
        }
    }
    let mut stmt = c.prepare_cached(
        "SELECT id, name, job, skills, work_days, work_starts, work_ends, phone FROM staff
          WHERE facility_id = ?1 AND active = 1 ORDER BY name COLLATE NOCASE, id",
    )?;
    let mut rows = stmt.query([facility_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let job = StaffJob::from_row(r, "job")?;
        if !job.does_care() && !minutes.contains_key(&id) {
            continue;
        }
        let leave_days =
            facts.get(&id).map(|f| week_days(week_start).filter(|d| f.on_leave(*d)).collect()).unwrap_or_default();
        let phone: Option<String> = r.get(7)?;
        out.push(WeekStaff {
            id,
            name: r.get(1)?,
            phone_tail: phone
                .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
                .filter(|d| d.len() >= 4)
                .map(|d| d[d.len() - 4..].to_string()),
            job,
            skills: read::json(r, 3)?,
            work_days: bits_to_days(r.get(4)?),
            work_starts: r.get(5)?,
            work_ends: r.get(6)?,
            leave_days,
            visit_min: minutes.get(&id).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

pub(crate) fn week_days(week_start: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    (0..7).map(move |i| week_start + Days::new(i))
}

/// Every active staff member of the facility with their hours, skills and the leave that
/// touches the week.
pub(crate) fn staff_facts(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<Vec<StaffFacts>> {
    let end = week_start + Days::new(6);
    let mut leave: HashMap<i64, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    let mut stmt = c.prepare_cached(
        "SELECT l.staff_id, l.from_day, l.to_day FROM staff_leave l JOIN staff s ON s.id = l.staff_id
          WHERE s.facility_id = ?1 AND l.from_day <= ?3 AND l.to_day >= ?2",
    )?;
    let mut rows = stmt.query(params![facility_id, week_start.to_string(), end.to_string()])?;
    while let Some(r) = rows.next()? {
        let span = (read::day(r, "from_day")?, read::day(r, "to_day")?);
        leave.entry(r.get(0)?).or_default().push(span);
    }
    let mut stmt = c.prepare_cached(
        "SELECT id, skills, work_days, work_starts, work_ends, job FROM staff WHERE facility_id = ?1 AND active = 1
          ORDER BY id",
    )?;
    let mut rows = stmt.query([facility_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let clock = |i: usize| -> Result<u32> { Ok(parse_clock(&r.get::<_, String>(i)?, "work_starts")?) };
        out.push(StaffFacts {
            id,
            job: StaffJob::from_row(r, "job")?,
            skills: read::json(r, 1)?,
            work_days: bits_to_days(r.get(2)?),
            work_start_min: clock(3)?,
            work_end_min: clock(4)?,
            leave: leave.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Homes of the facility's clients, for walking.
pub(crate) fn home_points(c: &Connection, facility_id: i64) -> Result<HashMap<i64, Option<GeoPoint>>> {
    let mut stmt = c.prepare_cached("SELECT id, home_lat, home_lon FROM clients WHERE facility_id = ?1")?;
    let rows = stmt.query_map([facility_id], |r| Ok((r.get(0)?, GeoPoint::from_parts(r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The planned visits as the conflict rules see them.
pub(crate) fn visit_facts(c: &Connection, facility_id: i64, visits: &[Visit]) -> Result<Vec<VisitFacts>> {
    let centre = facility_point(c, facility_id)?;
    let homes = home_points(c, facility_id)?;
    Ok(visits
        .iter()
        .filter(|v| v.status == VisitStatus::Planned)
        .map(|v| VisitFacts {
            id: v.id,
            client_id: v.client_id,
            staff_id: v.staff_id,
            day: v.day,
            start_min: v.start_min,
            duration_min: v.duration_min,
            place: match v.place {
                CarePlace::Centre => Place::Centre(centre),
                CarePlace::Home => {
                    Place::Home { client_id: v.client_id, at: homes.get(&v.client_id).copied().flatten() }
                }
            },
            skill: v.skill,
        })
        .collect())
}

/// The series occurrences of a day: one per series in force that day, of a client still
/// active and a plan item not ended. `?1` facility, `?2` day, `?3` ISO weekday.
const SERIES_OF_DAY: &str = "FROM visit_series vs
           JOIN care_plan_items p ON p.id = vs.plan_item_id
           JOIN clients cl ON cl.id = vs.client_id
          WHERE vs.facility_id = ?1 AND vs.weekday = ?3 AND vs.from_day <= ?2
            AND (vs.until_day IS NULL OR vs.until_day >= ?2)
            AND (p.ends_on IS NULL OR p.ends_on >= ?2) AND p.starts_on <= ?2
            AND cl.status = 'active'";

/// Writes the week's series occurrences from today on into the week, if any is missing
/// (an occurrence once written, moved or cancelled, is never written again); returns how
/// many it wrote. Anyone who may see the week may take this step: it carries out what a
/// manager decided when making the visit weekly. Audited when it writes.
pub fn fill_week(db: &Db, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<u32> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let week_start = crate::dates::monday_of(week_start);
    let today = db.clock().today();
    if db.read(|c| missing_series(c, facility_id, week_start, today))? == 0 {
        return Ok(0);
    }
    db.write(|c| {
        let written = fill_series(c, facility_id, week_start)?;
        if !written.is_empty() {
            Entry::new(AuditAction::FillSeries, AuditEntity::Visits, week_start)
                .facility(Some(facility_id))
                .after(&serde_json::json!({ "visits": written.len(), "from_day": today.max(week_start) }))
                .write(c, actor)?;
            // And each visit the step wrote, as if made by hand.
            for id in &written {
                Entry::new(AuditAction::Create, AuditEntity::Visit, id)
                    .facility(Some(facility_id))
                    .after(&super::visit_slot(c, *id)?)
                    .write(c, actor)?;
            }
        }
        Ok(written.len() as u32)
    })
}

/// How many series occurrences of the week, from `today` on, are not written yet.
fn missing_series(c: &Connection, facility_id: i64, week_start: NaiveDate, today: NaiveDate) -> Result<u32> {
    let mut count = c.prepare_cached(&format!(
        "SELECT count(*) {SERIES_OF_DAY}
            AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.series_id = vs.id AND v.series_day = ?2)"
    ))?;
    let mut missing = 0;
    for day in week_days(week_start).filter(|d| *d >= today) {
        missing += count.query_row(params![facility_id, day.to_string(), day.weekday().number_from_monday()], |r| {
            r.get::<_, u32>(0)
        })?;
    }
    Ok(missing)
}

/// Writes the week's occurrences of the facility's weekly series, from the transaction's
/// today on, unless already written; returns the ids of those it wrote.
pub(crate) fn fill_series(c: &Tx, facility_id: i64, week_start: NaiveDate) -> Result<Vec<i64>> {
    let today = c.today();
    let mut insert = c.prepare_cached(&format!(
        "INSERT OR IGNORE INTO visits (facility_id, client_id, plan_item_id, series_id, series_day, staff_id, day,
             start_min, duration_min, place, source, locked, status, created_at, updated_at)
         SELECT vs.facility_id, vs.client_id, vs.plan_item_id, vs.id, ?2, vs.staff_id, ?2, vs.start_min,
                vs.duration_min, p.place, 'series', 0, 'planned', ?4, ?4
         {SERIES_OF_DAY}
         RETURNING id"
    ))?;
    let mut written = Vec::new();
    for day in week_days(week_start).filter(|d| *d >= today) {
        let day_params = params![facility_id, day.to_string(), day.weekday().number_from_monday(), c.stamp()];
        let ids = insert.query_map(day_params, |r| r.get::<_, i64>(0))?;
        written.extend(ids.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(written)
}
