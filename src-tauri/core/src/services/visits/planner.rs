//! "Plan the week": the facility's care plans, staff hours, leave and homes turned into a
//! scheduling instance (the benchmark's format, `crate::schedule`), solved, and written
//! back as visits.
//!
//! Decisions worth knowing:
//! - Only days after today are planned: today's visits are under way.
//! - Visits placed or moved by hand, weekly-series occurrences and anything recorded stay
//!   where they are; they enter the instance pinned to their staff member at their time
//!   (a single window), so the new visits are planned around them. A visit placed by hand
//!   without anyone gets a staff member at its time if one is free. The previous automatic
//!   plan of those days (planned, untouched) is replaced.
//! - A kept visit whose staff member is on leave or off that day is covered: first by a
//!   colleague at its time; failing that, a weekly occurrence (not one whose time was set by
//!   hand) may move within its plan item's time window that day. Every visit still left with
//!   someone away is listed in the report (`uncovered`, with the reason), so the result never
//!   says "all placed" while a visit waits on someone who is not there.
//! - What each plan item still needs: its visits a week, spread over its preferred days
//!   (`domain::visits::day_groups`), less the visits it already has that week (cancelled
//!   ones count: someone decided against that visit). Each new visit may take place on any
//!   day of its group, inside the item's time window.
//! - Care staff are the active caregivers, nurses and health workers; one working day per
//!   staff member and day they work and are not on leave, from their start to their end,
//!   with overtime counted after eight hours. Skills: 0 = any care, then one number per
//!   `Skill`.
//! - Walking times are the conflict rules' (`Place::walk_to`): a home without coordinates
//!   is 15 minutes from everywhere. A working day starts and ends at the facility, in the
//!   scheduler as in the conflict rules.
//! - A kept visit the solver cannot fit (it is in conflict already: the week view says so)
//!   still holds its time: a new visit that would run into it is left out and explained
//!   (`fixed_visit_in_the_way`), never double-booked.
//! - The client's usual caregiver (most visits in the four weeks before) is preferred.
//! - A client receives one visit at a time, which the benchmark's problem does not say: a
//!   new visit that lands on another of the client's is kept out of that time and the week
//!   solved again (at most three times); what still clashes is left out (`client_busy`).
//! - Nothing waits on the solver: the week is read on a reader, solved (at most
//!   `time_limit`) outside any transaction, and written in one short transaction that first
//!   checks that nothing the plan relies on changed meanwhile (`fingerprint`); if something
//!   did, the week is read and solved again, so nobody's change is overwritten.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::edit::{insert_visit, VisitRow};
use super::week::{fill_week, home_points, staff_facts, week_visits};
use super::{facility_point, visit_slot, Visit};
use crate::dates::monday_of;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::person::Skill;
use crate::domain::visits::{day_groups, CarePlace, GeoPoint, Place, StaffFacts, VisitSource, VisitStatus};
use crate::error::{Invalid, Result};
use crate::schedule::{self, Id, Instance, SolveOptions, UnplacedReason, Window};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::visits::plans::PlanItem;
use crate::store::{Db, Tx};

/// Minutes a working day holds before overtime counts.
const WORKDAY_MIN: i64 = 8 * 60;
/// A missed visit costs as much as 1,000 minutes of walking: placing comes first.
const UNMET_PENALTY: f64 = 1000.0;
const OVERTIME_WEIGHT: f64 = 2.0;
const CONTINUITY_WEIGHT: f64 = 10.0;
/// Weeks looked back for a client's usual caregiver.
const USUAL_CARER_WEEKS: u64 = 4;
/// The scheduler's time for one facility's week (`solve_week` shares it out): it stops
/// earlier when its searches stop improving.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_millis(800);

/// A visit the scheduler could not place, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UnplacedVisit {
    pub facility_id: i64,
    pub facility_name: String,
    pub client_id: i64,
    pub client_name: String,
    pub plan_item_id: i64,
    pub title: String,
    /// The days it could have taken place (its preferred days still ahead this week).
    #[ts(type = "Array<string>")]
    pub days: Vec<NaiveDate>,
    /// `no_carer_with_skill`, `pinned_carer_unavailable`, `no_window_in_working_hours`,
    /// `no_room_left`, `fixed_visit_in_the_way` (a visit kept where it was, in conflict
    /// already, holds the time the scheduler wanted) or `client_busy` (the client's other
    /// visits leave no time for it).
    pub reason: String,
    pub skill: Option<Skill>,
    /// For `no_room_left`: how many skilled working days it would fit alone.
    pub carer_days: Option<u32>,
}

/// What planning did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanReport {
    #[ts(type = "string")]
    pub week_start: NaiveDate,
    /// The first day planned (after today).
    #[ts(type = "string")]
    pub from_day: NaiveDate,
    pub facilities: u32,
    /// New visits placed.
    pub placed: u32,
    /// Kept visits given a staff member: placed by hand without anyone, or weekly ones
    /// whose staff member is away that day (leave, a day off).
    pub assigned: u32,
    /// Visits kept where they were (by hand, weekly, recorded).
    pub kept: u32,
    /// Visits of the previous automatic plan replaced.
    pub replaced: u32,
    pub unplaced: Vec<UnplacedVisit>,
    pub walking_min: i64,
    pub overtime_min: i64,
    /// Σ over clients of (distinct caregivers in the week − 1).
    pub caregiver_changes: u64,
    /// Visits left with a staff member who is on leave or off that day: nobody could cover
    /// them (see [`UncoveredVisit`]).
    pub uncovered: Vec<UncoveredVisit>,
    pub secs: f64,
}

/// A kept visit whose staff member is away that day and that nobody could take over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UncoveredVisit {
    pub facility_id: i64,
    pub facility_name: String,
    pub visit_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub title: String,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub start_min: u32,
    /// Who has it, and is away.
    pub staff_id: i64,
    pub staff_name: Option<String>,
    /// `on_leave` or `not_working_day`.
    pub away: String,
    /// Its time was set by hand, so only that time was tried.
    pub time_fixed: bool,
    /// As for [`UnplacedVisit::reason`].
    pub reason: String,
    pub skill: Option<Skill>,
}

/// Progress of a plan over several facilities: which one, and how far its solve is.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlanProgress {
    pub facility_name: String,
    pub index: u32,
    pub total: u32,
    pub fraction: f32,
}

/// Where "plan the week" runs: one facility, or every elder facility of a living circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanScope {
    Facility(i64),
    Circle(i64),
}

impl PlanScope {
    /// The window's choice, which names exactly one of the two.
    pub fn from_choice(facility_id: Option<i64>, circle_id: Option<i64>) -> Result<PlanScope> {
        match (facility_id, circle_id) {
            (Some(f), None) => Ok(PlanScope::Facility(f)),
            (None, Some(c)) => Ok(PlanScope::Circle(c)),
            _ => Err(Invalid::new("visit.plan_scope", "facility_id").into()),
        }
    }
}

/// Plans the week of Monday `week_start` in `scope`.
pub fn plan_week(
    db: &Db,
    actor: &Actor,
    scope: PlanScope,
    week_start: NaiveDate,
    time_limit: Duration,
    progress: &dyn Fn(PlanProgress),
) -> Result<PlanReport> {
    match scope {
        PlanScope::Facility(f) => plan_facility_week(db, actor, f, week_start, time_limit, progress),
        PlanScope::Circle(c) => plan_circle_week(db, actor, c, week_start, time_limit, progress),
    }
}

/// Plans the week of Monday `week_start` at one facility.
pub fn plan_facility_week(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    week_start: NaiveDate,
    time_limit: Duration,
    progress: &dyn Fn(PlanProgress),
) -> Result<PlanReport> {
    actor.require_at(Action::PlanSchedules, facility_id)?;
    plan_facilities(db, actor, &[facility_id], week_start, time_limit, progress)
}

/// Plans the week at every elder facility of a living circle, one after another.
pub fn plan_circle_week(
    db: &Db,
    actor: &Actor,
    circle_id: i64,
    week_start: NaiveDate,
    time_limit: Duration,
    progress: &dyn Fn(PlanProgress),
) -> Result<PlanReport> {
    actor.require(Action::PlanSchedules)?;
    let facilities: Vec<i64> = db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT f.id FROM facilities f JOIN communities co ON co.id = f.community_id
              WHERE co.circle_id = ?1 AND f.kind IN ('elder_centre', 'elder_station') ORDER BY f.id",
        )?;
        let ids = stmt.query_map([circle_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    })?;
    for f in &facilities {
        actor.require_at(Action::PlanSchedules, *f)?;
    }
    plan_facilities(db, actor, &facilities, week_start, time_limit, progress)
}

fn plan_facilities(
    db: &Db,
    actor: &Actor,
    facilities: &[i64],
    week_start: NaiveDate,
    time_limit: Duration,
    progress: &dyn Fn(PlanProgress),
) -> Result<PlanReport> {
    let started = Instant::now();
    let week_start = monday_of(week_start);
    let from_day = (db.clock().today() + Days::new(1)).max(week_start);
    let mut report = PlanReport {
        week_start,
        from_day,
        facilities: facilities.len() as u32,
        placed: 0,
        assigned: 0,
        kept: 0,
        replaced: 0,
        unplaced: Vec::new(),
        walking_min: 0,
        overtime_min: 0,
        caregiver_changes: 0,
        uncovered: Vec::new(),
        secs: 0.0,
    };
    for (i, &facility_id) in facilities.iter().enumerate() {
        let name = db.read(|c| {
            let (name, kind): (String, FacilityKind) =
                c.query_row("SELECT name, kind FROM facilities WHERE id = ?1", [facility_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if !kind.is_elder() {
                return Err(crate::error::Invalid::new("visit.not_elder_facility", "facility_id").into());
            }
            Ok(name)
        })?;
        let tick = |fraction: f32| {
            progress(PlanProgress {
                facility_name: name.clone(),
                index: i as u32 + 1,
                total: facilities.len() as u32,
                fraction,
            })
        };
        tick(0.0);
        // The week's series occurrences first: the plan is made around them.
        fill_week(db, actor, facility_id, week_start)?;
        let one = plan_one(db, actor, facility_id, &name, week_start, from_day, time_limit, &tick)?;
        report.placed += one.placed;
        report.assigned += one.assigned;
        report.kept += one.kept;
        report.replaced += one.replaced;
        report.unplaced.extend(one.unplaced);
        report.walking_min += one.walking_min;
        report.overtime_min += one.overtime_min;
        report.caregiver_changes += one.caregiver_changes;
        report.uncovered.extend(one.uncovered);
        tick(1.0);
    }
    report.secs = started.elapsed().as_secs_f64();
    Ok(report)
}

struct FacilityPlan {
    placed: u32,
    assigned: u32,
    kept: u32,
    replaced: u32,
    unplaced: Vec<UnplacedVisit>,
    walking_min: i64,
    overtime_min: i64,
    caregiver_changes: u64,
    uncovered: Vec<UncoveredVisit>,
}

/// The facility and week being planned, for the explanations.
struct PlanAt {
    facility_id: i64,
    facility_name: String,
    week_start: NaiveDate,
}

/// What a visit of the instance stands for in the database.
enum Origin {
    /// A new visit of this plan item.
    New(usize),
    /// An existing visit kept at its time (`staff` none: anyone may take it — placed by
    /// hand without anyone, or its staff member is away that day: then `cover` says who and
    /// whether it may move).
    Kept { visit_id: i64, staff: Option<i64>, cover: Option<Box<Cover>> },
}

/// A kept visit whose staff member is away that day.
struct Cover {
    visit: Visit,
    away: &'static str,
    /// Its plan item (an index into the week's items) when the visit may move within the
    /// item's window that day: a weekly occurrence whose time nobody set by hand.
    movable_in: Option<usize>,
    /// Set once it has been offered the item's whole window.
    widened: bool,
}

/// Times a facility's week is read and solved again when someone changed it while it was
/// being solved, before giving up with a message to try again.
const PLAN_ATTEMPTS: usize = 3;

/// Plans one facility's week in three steps, so that nothing else waits on the solver:
/// the week is read on a reader (with a fingerprint of what the plan relies on), solved
/// outside any transaction, and written in one short transaction that first checks the
/// fingerprint — if a visit, plan item, staff member, leave, series, client or the
/// facility's place changed meanwhile, the week is read and solved again.
#[allow(clippy::too_many_arguments)]
fn plan_one(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    facility_name: &str,
    week_start: NaiveDate,
    from_day: NaiveDate,
    time_limit: Duration,
    tick: &dyn Fn(f32),
) -> Result<FacilityPlan> {
    let at = PlanAt { facility_id, facility_name: facility_name.to_string(), week_start };
    let today = db.clock().today();
    for _ in 0..PLAN_ATTEMPTS {
        let (week, seen) =
            db.read(|c| Ok((read_week(c, &at, from_day, today)?, fingerprint(c, facility_id, week_start)?)))?;
        let solved = solve_week(&at, week, time_limit, tick);
        let written = db.write(|c| {
            if fingerprint(c, facility_id, week_start)? != seen {
                return Ok(None);
            }
            let plan = write_plan(c, actor, facility_id, &solved)?;
            Entry::new(AuditAction::PlanWeek, AuditEntity::Visits, week_start)
                .facility(Some(facility_id))
                .after(&serde_json::json!({
                    "placed": plan.placed, "assigned": plan.assigned, "kept": plan.kept, "replaced": plan.replaced,
                    "unplaced": plan.unplaced.len(), "uncovered": plan.uncovered.len(),
                    "from_day": from_day.to_string(),
                }))
                .write(c, actor)?;
            Ok(Some(plan))
        })?;
        if let Some(plan) = written {
            return Ok(plan);
        }
    }
    Err(crate::error::Invalid::new("visit.plan_changed_meanwhile", "week_start").with("facility", facility_name).into())
}

/// What a facility's week holds for the planner, read in one snapshot.
struct WeekToPlan {
    items: Vec<PlanItem>,
    instance: Instance,
    origins: Vec<Origin>,
    /// The previous automatic plan of the days planned (planned, untouched): replaced.
    replaced: Vec<i64>,
}

fn read_week(c: &Connection, at: &PlanAt, from_day: NaiveDate, today: NaiveDate) -> Result<WeekToPlan> {
    let (facility_id, week_start) = (at.facility_id, at.week_start);
    let mut existing = week_visits(c, facility_id, week_start)?;
    let replaced: Vec<i64> = existing
        .iter()
        .filter(|v| {
            v.day >= from_day && v.source == VisitSource::Scheduler && v.status == VisitStatus::Planned && !v.locked
        })
        .map(|v| v.id)
        .collect();
    existing.retain(|v| !replaced.contains(&v.id));
    let items = active_items(c, facility_id, week_start, today)?;
    let staff_all = staff_facts(c, facility_id, week_start)?;
    let staff: Vec<StaffFacts> = staff_all.iter().filter(|s| s.job.does_care()).cloned().collect();

    let mut b = Builder::new(c, facility_id)?;
    let mut origins = Vec::new();
    // Visits already in the week from the first planned day: fixed where they are. One of
    // a weekly series (not moved by hand) whose staff member is away that day is fixed in
    // time only, so that a colleague covers it.
    let away = |staff: i64, day: NaiveDate| match staff_all.iter().find(|s| s.id == staff) {
        Some(s) if s.on_leave(day) => Some("on_leave"),
        Some(s) if !s.works_on(day) => Some("not_working_day"),
        Some(_) => None,
        None => Some("not_working_day"),
    };
    for v in existing.iter().filter(|v| v.day >= from_day && v.status == VisitStatus::Planned) {
        let window = absolute(week_start, v.day, v.start_min);
        let away = v.staff_id.and_then(|s| away(s, v.day));
        let staff = v.staff_id.filter(|_| away.is_none());
        b.push_visit(v.client_id, v.place, v.duration_min, v.skill, vec![Window { start: window, end: window }], staff);
        let cover = away.map(|away| {
            Box::new(Cover {
                visit: v.clone(),
                away,
                movable_in: (!v.locked && v.series_id.is_some())
                    .then(|| items.iter().position(|i| i.id == v.plan_item_id))
                    .flatten(),
                widened: false,
            })
        });
        origins.push(Origin::Kept { visit_id: v.id, staff, cover });
    }
    // What each item still needs this week.
    for (index, item) in items.iter().enumerate() {
        for days in needed_groups(item, &existing) {
            let windows: Vec<Window> = days
                .iter()
                .map(|d| week_start + Days::new(u64::from(*d) - 1))
                .filter(|d| *d >= from_day && *d >= item.starts_on && item.ends_on.is_none_or(|e| *d <= e))
                .map(|d| Window {
                    start: absolute(week_start, d, item.window_min.0),
                    end: absolute(week_start, d, item.window_min.1 - item.duration_min),
                })
                .collect();
            if windows.is_empty() {
                continue; // its days are past (or outside the item's dates)
            }
            b.push_visit(item.client_id, item.place, item.duration_min, item.skill, windows, None);
            origins.push(Origin::New(index));
        }
    }
    b.preferred_carers(c, facility_id, week_start)?;
    b.vehicles(&staff, week_start, from_day);
    Ok(WeekToPlan { items, instance: b.finish(), origins, replaced })
}

/// What planning decided, to be written.
struct SolvedWeek {
    new_visits: Vec<VisitRow>,
    /// Kept visits and who takes them (those placed without anyone, or whose staff is away),
    /// with the new start (minutes after midnight) of one moved within its day.
    assignments: Vec<(i64, i64, Option<u32>)>,
    replaced: Vec<i64>,
    kept: u32,
    unplaced: Vec<UnplacedVisit>,
    uncovered: Vec<UncoveredVisit>,
    score: schedule::Score,
}

fn solve_week(at: &PlanAt, week: WeekToPlan, time_limit: Duration, tick: &dyn Fn(f32)) -> SolvedWeek {
    let WeekToPlan { items, mut instance, mut origins, replaced } = week;
    let week_start = at.week_start;
    let kept = origins.iter().filter(|o| matches!(o, Origin::Kept { .. })).count() as u32;
    // The week's time: three fifths for the first plan (the solver searches again from other
    // seeds while it has time), the rest for solving again below, each time at least a fifth.
    let began = Instant::now();
    let left = || time_limit.saturating_sub(began.elapsed()).max(time_limit / 5);
    let options = SolveOptions {
        time_limit: time_limit * 3 / 5,
        seed: week_start.num_days_from_ce() as u64,
        progress: Some(tick),
    };
    let mut solution = schedule::solve(&instance, &options);
    // A weekly visit nobody could cover at its time may move within its item's window that
    // day, clear of the client's other kept visits; the week is solved again once.
    let mut widened_any = false;
    for u in &solution.unplaced {
        let Origin::Kept { cover: Some(cover), .. } = &mut origins[u.visit] else { continue };
        let Some(item) = cover.movable_in.map(|i| &items[i]) else { continue };
        let day = cover.visit.day;
        let busy: Vec<(i64, i64)> = instance
            .visits
            .iter()
            .enumerate()
            .filter(|(i, v)| *i != u.visit && v.client == instance.visits[u.visit].client)
            .filter_map(|(_, v)| (v.windows.len() == 1 && v.windows[0].start == v.windows[0].end).then_some(v))
            .map(|v| (v.windows[0].start, v.windows[0].start + v.service))
            .collect();
        let service = instance.visits[u.visit].service;
        let mut windows = vec![Window {
            start: absolute(week_start, day, item.window_min.0),
            end: absolute(week_start, day, item.window_min.1.saturating_sub(cover.visit.duration_min)),
        }];
        for (from, to) in busy {
            windows = windows
                .into_iter()
                .flat_map(|w| {
                    [
                        Window { start: w.start, end: w.end.min(from - service) },
                        Window { start: w.start.max(to), end: w.end },
                    ]
                })
                .filter(|w| w.start <= w.end)
                .collect();
        }
        if !windows.is_empty() {
            instance.visits[u.visit].windows = windows;
            cover.widened = true;
            widened_any = true;
        }
    }
    if widened_any {
        solution = schedule::solve(&instance, &SolveOptions { time_limit: left(), ..options });
    }
    // The benchmark's problem does not know that a client receives one visit at a time:
    // a new visit that lands on another of the same client's is kept out of that time and
    // the week solved again (rarely more than once); what still clashes is left out.
    for _ in 0..CLIENT_CLASH_ROUNDS {
        let clashes = client_clashes(&instance, &solution, &origins);
        if clashes.is_empty() {
            break;
        }
        for (v, busy_from, busy_to) in clashes {
            let visit = &mut instance.visits[v];
            let latest_before = busy_from - visit.service;
            let windows: Vec<Window> = visit
                .windows
                .iter()
                .flat_map(|w| {
                    [
                        Window { start: w.start, end: w.end.min(latest_before) },
                        Window { start: w.start.max(busy_to), end: w.end },
                    ]
                })
                .filter(|w| w.start <= w.end)
                .collect();
            if !windows.is_empty() {
                visit.windows = windows;
            }
        }
        solution = schedule::solve(&instance, &SolveOptions { time_limit: left(), ..options });
    }
    let client_busy: Vec<usize> = client_clashes(&instance, &solution, &origins).into_iter().map(|c| c.0).collect();

    // A kept visit the solver could not fit (the week already shows its conflict) still
    // holds its time: a new visit that would run into it is left out and explained.
    let blocked: Vec<(i64, &schedule::Visit)> = solution
        .unplaced
        .iter()
        .filter_map(|u| match origins[u.visit] {
            Origin::Kept { staff: Some(staff), .. } => Some((staff, &instance.visits[u.visit])),
            // Left with the staff member who is away: they hold nobody else's time.
            _ => None,
        })
        .collect();
    let runs_into = |staff: i64, v: &schedule::Visit, start: i64| {
        blocked.iter().any(|(s, k)| {
            let k_start = k.windows[0].start;
            *s == staff
                && k_start / 1440 == start / 1440
                && start + v.service + instance.travel[v.loc][k.loc] > k_start
                && k_start + k.service + instance.travel[k.loc][v.loc] > start
        })
    };
    let mut unplaced: Vec<UnplacedVisit> = Vec::new();
    let mut new_visits = Vec::new();
    let mut assignments = Vec::new();
    for route in &solution.routes {
        let vehicle = instance.vehicles.iter().find(|v| v.id == route.vehicle).expect("the solver's own vehicle");
        let Id::Number(staff_id) = vehicle.carer else { unreachable!("carers are staff ids") };
        for stop in &route.stops {
            match &origins[stop.visit] {
                Origin::New(index) if runs_into(staff_id, &instance.visits[stop.visit], stop.start) => {
                    unplaced.push(explain(at, &items[*index], &instance.visits[stop.visit], None));
                }
                Origin::New(index) if client_busy.contains(&stop.visit) => {
                    unplaced.push(UnplacedVisit {
                        reason: "client_busy".into(),
                        ..explain(at, &items[*index], &instance.visits[stop.visit], None)
                    });
                }
                Origin::New(index) => {
                    let item = &items[*index];
                    let (day, start_min) = local(week_start, stop.start);
                    new_visits.push(VisitRow {
                        facility_id: at.facility_id,
                        client_id: item.client_id,
                        plan_item_id: item.id,
                        staff_id: Some(staff_id),
                        day,
                        start_min,
                        duration_min: item.duration_min,
                        place: item.place,
                        source: VisitSource::Scheduler,
                        locked: false,
                        makes_up_for: None,
                        series: None,
                        status: VisitStatus::Planned,
                        record: None,
                        is_demo: false,
                    });
                }
                Origin::Kept { visit_id, staff: None, cover } => {
                    // Moved within the day only when it was offered the item's window.
                    let start_min = cover.as_ref().filter(|c| c.widened).map(|_| local(week_start, stop.start).1);
                    assignments.push((*visit_id, staff_id, start_min));
                }
                Origin::Kept { .. } => {}
            }
        }
    }
    let mut uncovered = Vec::new();
    for u in &solution.unplaced {
        match &origins[u.visit] {
            Origin::New(index) => {
                unplaced.push(explain(at, &items[*index], &instance.visits[u.visit], Some(&u.reason)))
            }
            Origin::Kept { cover: Some(cover), .. } => uncovered.push(uncovered_visit(at, cover, &u.reason)),
            Origin::Kept { .. } => {} // stays where it was; the week view shows its conflict
        }
    }
    SolvedWeek { new_visits, assignments, replaced, kept, unplaced, uncovered, score: solution.score }
}

/// Writes a solved week: the previous automatic plan out, the new visits in, the kept
/// visits' staff set. Each visit removed, placed, moved or given to another caregiver is
/// audited on its own (after the week's summary entry the caller writes).
fn write_plan(c: &Tx, actor: &Actor, facility_id: i64, solved: &SolvedWeek) -> Result<FacilityPlan> {
    let audit =
        |action: AuditAction, id: i64, before: Option<&serde_json::Value>, after: Option<&serde_json::Value>| {
            let mut entry = Entry::new(action, AuditEntity::Visit, id).facility(Some(facility_id));
            if let Some(b) = before {
                entry = entry.before(b);
            }
            if let Some(a) = after {
                entry = entry.after(a);
            }
            entry.write(c, actor)
        };
    let mut delete = c.prepare_cached("DELETE FROM visits WHERE id = ?1 AND facility_id = ?2")?;
    for id in &solved.replaced {
        let before = visit_slot(c, *id)?;
        if delete.execute(params![id, facility_id])? > 0 {
            audit(AuditAction::Delete, *id, before.as_ref(), None)?;
        }
    }
    for row in &solved.new_visits {
        let id = insert_visit(c, row)?;
        audit(AuditAction::Create, id, None, visit_slot(c, id)?.as_ref())?;
    }
    let mut assigned = 0;
    for (visit_id, staff_id, start_min) in &solved.assignments {
        let before = visit_slot(c, *visit_id)?;
        let changed = c.execute(
            "UPDATE visits SET staff_id = ?2, start_min = coalesce(?3, start_min), updated_at = ?4
              WHERE id = ?1 AND (staff_id IS NOT ?2 OR start_min IS NOT coalesce(?3, start_min))",
            params![visit_id, staff_id, start_min, c.stamp()],
        )?;
        if changed > 0 {
            let after = visit_slot(c, *visit_id)?;
            let moved = before.as_ref().map(|b| &b["start_min"]) != after.as_ref().map(|a| &a["start_min"]);
            let action = if moved { AuditAction::Move } else { AuditAction::Reassign };
            audit(action, *visit_id, before.as_ref(), after.as_ref())?;
        }
        assigned += changed as u32;
    }
    Ok(FacilityPlan {
        placed: solved.new_visits.len() as u32,
        assigned,
        kept: solved.kept,
        replaced: solved.replaced.len() as u32,
        unplaced: solved.unplaced.clone(),
        walking_min: solved.score.travel,
        overtime_min: solved.score.overtime,
        caregiver_changes: solved.score.continuity,
        uncovered: solved.uncovered.clone(),
    })
}

/// A digest of everything a facility's plan of the week relies on: the week's visits, the
/// plan items, staff and their leave, the weekly series, the clients (status, home) and
/// the facility's place. Equal digests before and after solving mean nobody changed them.
fn fingerprint(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    const OF_FACILITY: &[&str] = &[
        "SELECT id, updated_at FROM care_plan_items WHERE facility_id = ?1 ORDER BY id",
        "SELECT id, updated_at FROM staff WHERE facility_id = ?1 ORDER BY id",
        "SELECT l.id, l.from_day, l.to_day FROM staff_leave l JOIN staff s ON s.id = l.staff_id
          WHERE s.facility_id = ?1 ORDER BY l.id",
        "SELECT id, updated_at FROM visit_series WHERE facility_id = ?1 ORDER BY id",
        "SELECT id, status, home_lat, home_lon, updated_at FROM clients WHERE facility_id = ?1 ORDER BY id",
        "SELECT lat, lon, updated_at FROM facilities WHERE id = ?1",
    ];
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut digest = |stmt: &mut rusqlite::CachedStatement, params: &[&dyn rusqlite::ToSql]| -> Result<()> {
        let columns = stmt.column_count();
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            for i in 0..columns {
                match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => 0u8.hash(&mut h),
                    rusqlite::types::ValueRef::Integer(n) => (1u8, n).hash(&mut h),
                    rusqlite::types::ValueRef::Real(x) => (2u8, x.to_bits()).hash(&mut h),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => (3u8, t).hash(&mut h),
                }
            }
        }
        Ok(())
    };
    let week_end = week_start + Days::new(6);
    digest(
        &mut c.prepare_cached(
            "SELECT id, staff_id, day, start_min, duration_min, status, locked, source, series_id, updated_at
               FROM visits WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY id",
        )?,
        &[&facility_id, &week_start.to_string(), &week_end.to_string()],
    )?;
    for sql in OF_FACILITY {
        digest(&mut c.prepare_cached(sql)?, &[&facility_id])?;
    }
    Ok(h.finish())
}

/// Times the week is solved again to keep a client's visits apart.
const CLIENT_CLASH_ROUNDS: usize = 3;

/// New visits of the solution that overlap another visit of the same client (by anyone),
/// with the other visit's start and end: (visit, busy from, busy to). Of two new visits,
/// the later one gives way.
fn client_clashes(instance: &Instance, solution: &schedule::Solution, origins: &[Origin]) -> Vec<(usize, i64, i64)> {
    let mut placed: Vec<(usize, i64, i64)> = solution
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(|s| (s.visit, s.start, s.start + instance.visits[s.visit].service)))
        .collect();
    placed.sort_by_key(|p| (p.1, p.0));
    let mut out = Vec::new();
    for (i, &(a, a_start, a_end)) in placed.iter().enumerate() {
        for &(b, b_start, b_end) in &placed[i + 1..] {
            if b_start >= a_end {
                break;
            }
            if instance.visits[a].client != instance.visits[b].client {
                continue;
            }
            match (&origins[a], &origins[b]) {
                (_, Origin::New(_)) => out.push((b, a_start, a_end)),
                (Origin::New(_), _) => out.push((a, b_start, b_end)),
                _ => {} // two kept visits: the week view shows it
            }
        }
    }
    out
}

/// The words' code for why a visit was left out, and for `no_room_left` the carer-days it
/// would have fitted.
fn reason_code(reason: Option<&UnplacedReason>) -> (&'static str, Option<u32>) {
    match reason {
        Some(UnplacedReason::NoCarerWithSkill { .. }) => ("no_carer_with_skill", None),
        Some(UnplacedReason::PinnedCarerUnavailable { .. }) => ("pinned_carer_unavailable", None),
        Some(UnplacedReason::NoWindowInWorkingHours) => ("no_window_in_working_hours", None),
        Some(UnplacedReason::NoRoomLeft { carer_days }) => ("no_room_left", Some(*carer_days as u32)),
        None => ("fixed_visit_in_the_way", None),
    }
}

/// Why the item's visit was left out: the solver's reason, or (none) a visit kept by hand
/// in its way.
fn explain(at: &PlanAt, item: &PlanItem, visit: &schedule::Visit, reason: Option<&UnplacedReason>) -> UnplacedVisit {
    let (code, carer_days) = reason_code(reason);
    let mut days: Vec<NaiveDate> =
        visit.windows.iter().map(|w| at.week_start + Days::new((w.start / 1440) as u64)).collect();
    days.dedup();
    UnplacedVisit {
        facility_id: at.facility_id,
        facility_name: at.facility_name.clone(),
        client_id: item.client_id,
        client_name: item.client_name.clone(),
        plan_item_id: item.id,
        title: item.title.clone(),
        days,
        reason: code.to_string(),
        skill: item.skill,
        carer_days,
    }
}

fn uncovered_visit(at: &PlanAt, cover: &Cover, reason: &UnplacedReason) -> UncoveredVisit {
    let v = &cover.visit;
    UncoveredVisit {
        facility_id: at.facility_id,
        facility_name: at.facility_name.clone(),
        visit_id: v.id,
        client_id: v.client_id,
        client_name: v.client_name.clone(),
        title: v.title.clone(),
        day: v.day,
        start_min: v.start_min,
        staff_id: v.staff_id.unwrap_or_default(),
        staff_name: v.staff_name.clone(),
        away: cover.away.to_string(),
        time_fixed: cover.movable_in.is_none(),
        reason: reason_code(Some(reason)).0.to_string(),
        skill: v.skill,
    }
}

/// Plan items in force some day of the week, of active clients.
fn active_items(c: &Connection, facility_id: i64, week_start: NaiveDate, today: NaiveDate) -> Result<Vec<PlanItem>> {
    let end = week_start + Days::new(6);
    Ok(c.prepare_cached(
        "SELECT p.*, cl.name AS client_name FROM care_plan_items p JOIN clients cl ON cl.id = p.client_id
          WHERE p.facility_id = ?1 AND cl.status = 'active' AND p.starts_on <= ?3
            AND (p.ends_on IS NULL OR p.ends_on >= ?2)
          ORDER BY p.id",
    )?
    .query_map(params![facility_id, week_start.to_string(), end.to_string()], PlanItem::reader(today))?
    .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The day groups of `item` not yet covered by a visit it has this week.
fn needed_groups(item: &PlanItem, existing: &[Visit]) -> Vec<Vec<u8>> {
    let mut groups = day_groups(&item.preferred_days, item.visits_per_week);
    for v in existing.iter().filter(|v| v.plan_item_id == item.id) {
        let weekday = v.day.weekday().number_from_monday() as u8;
        // The group that holds its day, else any group: the visit counts either way.
        let at = groups.iter().position(|g| g.contains(&weekday)).or((!groups.is_empty()).then_some(0));
        if let Some(i) = at {
            groups.remove(i);
        }
    }
    groups
}

/// Minutes from Monday 00:00 of `week_start` to `minute` of `day`.
fn absolute(week_start: NaiveDate, day: NaiveDate, minute: u32) -> i64 {
    (day - week_start).num_days() * 1440 + i64::from(minute)
}

fn local(week_start: NaiveDate, at: i64) -> (NaiveDate, u32) {
    (week_start + Days::new((at / 1440) as u64), (at % 1440) as u32)
}

/// The scheduler's number for a skill: 0 is any care work, then one per `Skill`.
fn skill_number(skill: Option<Skill>) -> u8 {
    skill.map_or(0, |s| 1 + Skill::ALL.iter().position(|k| *k == s).unwrap_or(0) as u8)
}

/// Builds the instance: points (the facility first), walking times, visits, vehicles.
struct Builder {
    centre: Option<GeoPoint>,
    homes: HashMap<i64, Option<GeoPoint>>,
    /// Point index of each client's home.
    home_index: HashMap<i64, usize>,
    places: Vec<Place>,
    visits: Vec<schedule::Visit>,
    vehicles: Vec<schedule::Vehicle>,
    carers: Vec<schedule::Carer>,
}

impl Builder {
    fn new(c: &Connection, facility_id: i64) -> Result<Builder> {
        let centre = facility_point(c, facility_id)?;
        Ok(Builder {
            centre,
            homes: home_points(c, facility_id)?,
            home_index: HashMap::new(),
            places: vec![Place::Centre(centre)],
            visits: Vec::new(),
            vehicles: Vec::new(),
            carers: Vec::new(),
        })
    }

    fn point_of(&mut self, client_id: i64, place: CarePlace) -> usize {
        if place == CarePlace::Centre {
            return 0;
        }
        if let Some(i) = self.home_index.get(&client_id) {
            return *i;
        }
        let at = self.homes.get(&client_id).copied().flatten();
        self.places.push(Place::Home { client_id, at });
        self.home_index.insert(client_id, self.places.len() - 1);
        self.places.len() - 1
    }

    fn push_visit(
        &mut self,
        client_id: i64,
        place: CarePlace,
        duration_min: u32,
        skill: Option<Skill>,
        windows: Vec<Window>,
        pinned_staff: Option<i64>,
    ) {
        let loc = self.point_of(client_id, place);
        self.visits.push(schedule::Visit {
            client: Id::Number(client_id),
            loc,
            service: i64::from(duration_min),
            skill: skill_number(skill),
            windows,
            pinned_carer: pinned_staff.map(Id::Number),
            preferred_carer: None,
        });
    }

    /// Each client's usual caregiver: most visits in the weeks before this one.
    fn preferred_carers(&mut self, c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<()> {
        let since = week_start - Days::new(7 * USUAL_CARER_WEEKS);
        let mut stmt = c.prepare_cached(
            "SELECT client_id, staff_id FROM visits
              WHERE facility_id = ?1 AND day >= ?2 AND day < ?3 AND staff_id IS NOT NULL
                AND status IN ('planned', 'done')
              GROUP BY client_id, staff_id ORDER BY client_id, count(*) DESC, staff_id",
        )?;
        let mut usual: HashMap<i64, i64> = HashMap::new();
        let mut rows = stmt.query(params![facility_id, since.to_string(), week_start.to_string()])?;
        while let Some(r) = rows.next()? {
            usual.entry(r.get(0)?).or_insert(r.get(1)?);
        }
        for v in &mut self.visits {
            if let (Id::Number(client), None) = (&v.client, &v.pinned_carer) {
                v.preferred_carer = usual.get(client).map(|s| Id::Number(*s));
            }
        }
        Ok(())
    }

    /// One vehicle per staff member and day they work, from `from_day`, not on leave.
    fn vehicles(&mut self, staff: &[StaffFacts], week_start: NaiveDate, from_day: NaiveDate) {
        for s in staff {
            let mut skills: Vec<u8> =
                std::iter::once(0).chain(s.skills.iter().map(|k| skill_number(Some(*k)))).collect();
            skills.sort_unstable();
            skills.dedup();
            self.carers.push(schedule::Carer { id: Id::Number(s.id), skills: skills.clone() });
            for offset in 0..7u32 {
                let day = week_start + Days::new(u64::from(offset));
                if day < from_day || !s.works_on(day) || s.on_leave(day) {
                    continue;
                }
                let start = absolute(week_start, day, s.work_start_min);
                let end = absolute(week_start, day, s.work_end_min);
                self.vehicles.push(schedule::Vehicle {
                    id: Id::Number(self.vehicles.len() as i64),
                    carer: Id::Number(s.id),
                    day: offset,
                    start,
                    end,
                    max_duration: (end - start).min(WORKDAY_MIN),
                    skills: skills.clone(),
                });
            }
        }
    }

    fn finish(self) -> Instance {
        let origin = self.centre;
        let points = self
            .places
            .iter()
            .map(|p| match (origin, p.point()) {
                (Some(o), Some(at)) => local_metres(o, at),
                _ => [0.0, 0.0],
            })
            .collect();
        let travel = self
            .places
            .iter()
            .map(|a| self.places.iter().map(|b| i64::from(a.walk_to(*b).minutes)).collect())
            .collect();
        Instance {
            points,
            travel,
            visits: self.visits,
            carers: self.carers,
            vehicles: self.vehicles,
            unmet_penalty: UNMET_PENALTY,
            overtime_weight: OVERTIME_WEIGHT,
            continuity_weight: CONTINUITY_WEIGHT,
        }
    }
}

/// `at` in metres east and north of `origin` (for the instance's points; the walking
/// times come from the great-circle distance).
fn local_metres(origin: GeoPoint, at: GeoPoint) -> [f64; 2] {
    let north = origin.metres_to(GeoPoint { lat: at.lat, lon: origin.lon });
    let east = origin.metres_to(GeoPoint { lat: origin.lat, lon: at.lon });
    [if at.lon < origin.lon { -east } else { east }, if at.lat < origin.lat { -north } else { north }]
}
