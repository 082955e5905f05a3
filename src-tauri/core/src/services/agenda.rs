//! The home page: what each role must do today at its facility (or, for the city office,
//! across the city), each item a count the UI links to the page where it is done.
//!
//! Decisions worth knowing:
//! - The figures the monthly report also shows (people on the roll, follow-ups overdue, food
//!   samples missing) are counted by the report's own functions for the month so far
//!   (`report::figures`), so the home page and the report of the same day cannot disagree;
//!   only those figures are read, not the rest of the month's report.
//! - Every section is computed only for the roles that act on it: a front desk gets the
//!   desk's, a nurse the nurse's, a facility manager all three of the facility; the city
//!   office gets the city's and, when it chooses a facility, that facility's as a manager.
//! - Nothing here writes: the home page is a read, on a reader, never waiting on a writer.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::visits::week;
use crate::domain::account::{Action, Actor, Role};
use crate::domain::facility::FacilityKind;
use crate::domain::incident::SERIOUS_SQL;
use crate::domain::month::Month;
use crate::domain::visits::ConflictKind;
use crate::error::Result;
use crate::report::figures::{self, FollowUpCounts};
use crate::services::health::FollowUpBook;
use crate::store::Db;

/// A person named on the home page, to open their record from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// The front desk's day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeskDay {
    /// Clients with a meal booked today or a visit at the centre today.
    pub clients_expected: u32,
    /// Children enrolled today (a childcare unit).
    pub children_expected: u32,
    /// Checked in and not yet out: at closing time, who is still here.
    pub still_in: u32,
}

/// The nurse's day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NurseDay {
    /// Urgent readings nobody has handled.
    pub open_alerts: u32,
    /// Follow-ups past their day (as the monthly report counts them).
    pub follow_ups_overdue: u32,
    /// Follow-ups falling due in the next 7 days.
    pub follow_ups_this_week: u32,
    /// Children's examinations overdue or due within the due list's horizon.
    pub exams_due: u32,
    /// Doses of medicine from home still to give today.
    pub doses_still_due: u32,
}

/// The facility manager's day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ManagerDay {
    /// Conflicts in this week's visits from today on, and of them the visits with a staff
    /// member on leave.
    pub visit_conflicts: u32,
    pub visits_on_leave: u32,
    /// Visits from today to the week's end that nobody has been given.
    pub visits_unassigned: u32,
    /// Dishes of this month's published menus, served so far, without a food sample logged
    /// (a childcare unit; as the monthly report counts them).
    pub samples_missing: u32,
    /// Last month (`YYYY-MM`), and whether its report has been made for this facility.
    pub last_month: String,
    pub last_month_reported: bool,
}

/// A facility's day, each section for the roles that act on it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FacilityDay {
    pub facility_id: i64,
    pub facility_name: String,
    pub kind: FacilityKind,
    /// On the roll today, as the monthly report counts them: clients (an elder facility) or
    /// children (a childcare unit).
    pub on_roll: u32,
    pub desk: Option<DeskDay>,
    pub nurse: Option<NurseDay>,
    pub manager: Option<ManagerDay>,
}

/// One living circle's open health work, for the city office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CircleHealth {
    pub circle_id: i64,
    pub circle_name: String,
    pub open_alerts: u32,
    pub follow_ups_overdue: u32,
}

/// The city office's day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CityDay {
    /// `YYYY-MM`.
    pub last_month: String,
    /// Facilities whose report of last month nobody has made yet.
    pub not_reported: Vec<Named>,
    pub facilities: u32,
    /// Circles with open alerts or overdue follow-ups, most first.
    pub circles: Vec<CircleHealth>,
}

/// The home page of the signed-in account.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Agenda {
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub facility: Option<FacilityDay>,
    pub city: Option<CityDay>,
}

/// Days ahead the nurse's "this week" looks.
const WEEK_AHEAD: u64 = 7;

/// The actor's home page for `today`: their facility's day, or for the city office the city's
/// (and `facility_id`'s, when one is chosen).
pub fn agenda(db: &Db, actor: &Actor, facility_id: Option<i64>, today: NaiveDate) -> Result<Agenda> {
    actor.require(Action::ViewPeople)?;
    let facility_id = actor.facility_id.or(facility_id);
    if let Some(f) = facility_id {
        actor.require_at(Action::ViewPeople, f)?;
    }
    db.read(|c| {
        let facility = facility_id.map(|f| facility_day(c, actor, f, today)).transpose()?;
        let city = actor.is_city_wide().then(|| city_day(c, today)).transpose()?;
        Ok(Agenda { day: today, facility, city })
    })
}

fn facility_day(c: &Connection, actor: &Actor, facility_id: i64, today: NaiveDate) -> Result<FacilityDay> {
    let (name, kind): (String, FacilityKind) =
        c.query_row("SELECT name, kind FROM facilities WHERE id = ?1", [facility_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let on_roll = figures::registered_on(c, facility_id, today)?;
    let role = actor.role;
    let manages = matches!(role, Role::FacilityManager | Role::CityAdmin);
    let desk = (manages || role == Role::FrontDesk).then(|| desk_day(c, facility_id, kind, today)).transpose()?;
    let nurse = (manages || role == Role::Nurse).then(|| nurse_day(c, facility_id, kind, today)).transpose()?;
    let manager = manages.then(|| manager_day(c, actor, facility_id, kind, today)).transpose()?;
    Ok(FacilityDay { facility_id, facility_name: name, kind, on_roll: on_roll as u32, desk, nurse, manager })
}

fn count(c: &Connection, sql: &str, facility_id: i64, day: NaiveDate) -> Result<u32> {
    Ok(c.prepare_cached(sql)?.query_row(params![facility_id, day.to_string()], |r| r.get(0))?)
}

/// Clients expected today: a meal booked or a visit at the centre, not cancelled.
const EXPECTED_CLIENTS: &str = "SELECT client_id FROM bookings WHERE facility_id = ?1 AND day = ?2 AND status != 'cancelled'
     UNION SELECT client_id FROM visits WHERE facility_id = ?1 AND day = ?2 AND place = 'centre' AND status = 'planned'";

fn desk_day(c: &Connection, facility_id: i64, kind: FacilityKind, today: NaiveDate) -> Result<DeskDay> {
    let (clients_expected, children_expected) = if kind.is_elder() {
        (count(c, &format!("SELECT count(*) FROM ({EXPECTED_CLIENTS})"), facility_id, today)?, 0)
    } else {
        let children = count(
            c,
            "SELECT count(*) FROM children WHERE facility_id = ?1 AND enrolled_on <= ?2 AND (left_on IS NULL OR left_on >= ?2)",
            facility_id,
            today,
        )?;
        (0, children)
    };
    let still_in = count(
        c,
        "SELECT count(*) FROM attendance WHERE facility_id = ?1 AND out_at IS NULL AND day <= ?2",
        facility_id,
        today,
    )?;
    Ok(DeskDay { clients_expected, children_expected, still_in })
}

/// What waits on the nurses of facility `facility_id` (None: of every facility): urgent
/// readings not handled, and serious incidents not yet closed (services/incidents.rs).
fn open_alerts(c: &Connection, facility_id: Option<i64>) -> Result<u32> {
    let sql = format!(
        "SELECT (SELECT count(*) FROM alerts WHERE handled_at IS NULL AND (?1 IS NULL OR facility_id = ?1))
              + (SELECT count(*) FROM incidents WHERE closed_at IS NULL AND {SERIOUS_SQL}
                   AND (?1 IS NULL OR facility_id = ?1))"
    );
    Ok(c.prepare_cached(&sql)?.query_row([facility_id], |r| r.get(0))?)
}

fn nurse_day(c: &Connection, facility_id: i64, kind: FacilityKind, today: NaiveDate) -> Result<NurseDay> {
    let open_alerts = open_alerts(c, Some(facility_id))?;
    if kind.is_elder() {
        // One read of the book for both figures; overdue as the month's report counts it.
        let book = FollowUpBook::read(c, facility_id)?;
        let overdue = FollowUpCounts::of(&book, Month::of(today), today).overdue;
        let horizon = today + Days::new(WEEK_AHEAD);
        let this_week = book.due(None, today, horizon, None).iter().filter(|d| !d.overdue).count() as u32;
        Ok(NurseDay {
            open_alerts,
            follow_ups_overdue: overdue as u32,
            follow_ups_this_week: this_week,
            exams_due: 0,
            doses_still_due: 0,
        })
    } else {
        let exams_due = super::child_health::growth_due_in(c, facility_id, today)?.len() as u32;
        let doses_still_due =
            super::child_health::medicines_in(c, facility_id, today)?.iter().map(|m| u32::from(m.still_due)).sum();
        Ok(NurseDay { open_alerts, follow_ups_overdue: 0, follow_ups_this_week: 0, exams_due, doses_still_due })
    }
}

fn manager_day(
    c: &Connection,
    actor: &Actor,
    facility_id: i64,
    kind: FacilityKind,
    today: NaiveDate,
) -> Result<ManagerDay> {
    let samples_missing = if kind.is_elder() { 0 } else { figures::samples_missing_on(c, facility_id, today)? };
    let (mut visit_conflicts, mut visits_on_leave, mut visits_unassigned) = (0, 0, 0);
    if kind.is_elder() {
        let w = week::week_in(c, actor, facility_id, today)?;
        let ahead: Vec<_> = w.conflicts.iter().filter(|k| k.day >= today).collect();
        visit_conflicts = ahead.len() as u32;
        visits_on_leave = ahead.iter().filter(|k| k.kind == ConflictKind::OnLeave).count() as u32;
        visits_unassigned = w
            .visits
            .iter()
            .filter(|v| {
                v.day >= today && v.staff_id.is_none() && v.status == crate::domain::visits::VisitStatus::Planned
            })
            .count() as u32;
    }
    let last_month = Month::of(today).previous();
    let last_month_reported = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'export' AND entity = 'monthly_report'
                              AND entity_id = ?2 AND facility_id = ?1)",
        )?
        .query_row(params![facility_id, last_month.to_string()], |r| r.get(0))?;
    Ok(ManagerDay {
        visit_conflicts,
        visits_on_leave,
        visits_unassigned,
        samples_missing: samples_missing as u32,
        last_month: last_month.to_string(),
        last_month_reported,
    })
}

fn city_day(c: &Connection, today: NaiveDate) -> Result<CityDay> {
    let last_month = Month::of(today).previous();
    let not_reported: Vec<Named> = c
        .prepare_cached(
            "SELECT f.id, f.name FROM facilities f
             WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'export' AND a.entity = 'monthly_report'
                                 AND a.entity_id = ?1 AND a.facility_id = f.id)
             ORDER BY f.id",
        )?
        .query_map([last_month.to_string()], |r| Ok(Named { id: r.get(0)?, name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let facilities: u32 = c.query_row("SELECT count(*) FROM facilities", [], |r| r.get(0))?;
    let mut circles: BTreeMap<i64, CircleHealth> = BTreeMap::new();
    let mut elder = c.prepare_cached(&format!(
        "SELECT f.id, f.kind, lc.id, lc.name,
                (SELECT count(*) FROM alerts a WHERE a.facility_id = f.id AND a.handled_at IS NULL)
                + (SELECT count(*) FROM incidents i WHERE i.facility_id = f.id AND i.closed_at IS NULL
                     AND {SERIOUS_SQL})
         FROM facilities f JOIN communities co ON co.id = f.community_id JOIN living_circles lc ON lc.id = co.circle_id
         ORDER BY f.id"
    ))?;
    let rows: Vec<(i64, FacilityKind, i64, String, u32)> = elder
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (facility_id, kind, circle_id, circle_name, alerts) in rows {
        if !kind.is_elder() {
            continue;
        }
        // Overdue as the nurse's list counts it: past its day, as of today.
        let overdue =
            FollowUpBook::read(c, facility_id)?.due(None, today, today, None).iter().filter(|d| d.overdue).count();
        let circle = circles.entry(circle_id).or_insert_with(|| CircleHealth {
            circle_id,
            circle_name,
            open_alerts: 0,
            follow_ups_overdue: 0,
        });
        circle.open_alerts += alerts;
        circle.follow_ups_overdue += overdue as u32;
    }
    let mut circles: Vec<CircleHealth> =
        circles.into_values().filter(|k| k.open_alerts + k.follow_ups_overdue > 0).collect();
    circles.sort_by_key(|k| (std::cmp::Reverse((k.open_alerts, k.follow_ups_overdue)), k.circle_id));
    Ok(CityDay { last_month: last_month.to_string(), not_reported, facilities, circles })
}

/// Urgent readings nobody has handled and serious incidents not yet closed, in the actor's
/// reach: their facility, or the city. The badge on 健康 and in the window title.
pub fn open_alert_count(db: &Db, actor: &Actor) -> Result<u32> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| open_alerts(c, actor.facility_id))
}
