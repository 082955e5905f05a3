//! The month's figures of each facility, read with SQL in one read transaction. Every query
//! groups by facility, so one facility's report and the city's 113 rows are the same code:
//! the city report is the facility figures of all of them, added up.
//!
//! Days are local (Asia/Shanghai): stored instants (checkups, registrations) are shifted
//! by eight hours before their date is taken, as the rest of the app does.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use crate::clock::local_offset;
use crate::domain::facility::FacilityKind;
use crate::domain::followup::{Due, DueReason};
use crate::domain::incident::{IncidentKind, SERIOUS_SQL};
use crate::domain::meals::{clashes, DishFacts, EaterFacts, PREPARED};
use crate::domain::month::Month;
use crate::domain::person::{months_between, DietNeed};
use crate::error::Result;
use crate::services::fees::months::{month_money, MonthMoney};
use crate::services::health::FollowUpBook;
use crate::services::meals::dish_facts;
use crate::services::meals::subsidy::{month_totals_by_facility, MonthTotals};
use crate::store::read;
use crate::store::utc_stamp;

/// Where a facility stands in the city.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityPlace {
    pub id: i64,
    pub name: String,
    pub kind: FacilityKind,
    pub circle_id: i64,
    pub circle: String,
    pub district_id: i64,
    pub district: String,
}

/// People registered at the month's end, and who came and went in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roll {
    pub registered: i64,
    pub new: i64,
    pub left: i64,
}

/// Check-ins at the door: person-days, distinct people, and one count per day of the month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attendance {
    pub person_days: i64,
    pub people: i64,
    pub daily: Vec<i64>,
}

impl Attendance {
    /// Days on which anyone came.
    pub fn open_days(&self) -> i64 {
        self.daily.iter().filter(|&&n| n > 0).count() as i64
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitFigures {
    /// Every visit of the month that was not cancelled: what was to be done.
    pub planned: i64,
    pub done: i64,
    pub missed: i64,
    pub refused: i64,
    /// Still "planned": not recorded yet (or still to come, in the current month).
    pub unrecorded: i64,
    pub cancelled: i64,
    /// Make-up visits done for missed ones.
    pub made_up: i64,
    /// Minutes of care actually given (done visits' recorded start to end).
    pub minutes_done: i64,
    /// (status, reason code, count) of missed and refused visits, most frequent first.
    pub reasons: Vec<(String, String, i64)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthFigures {
    pub checkups: i64,
    pub clients_checked: i64,
    /// Checkups with a raised or urgent reading.
    pub abnormal: i64,
    pub urgent: i64,
    /// Follow-ups that fell due by the month's end: carried in, or arising in the month.
    pub follow_ups_due: i64,
    /// Of those due, the ones done by the month's end.
    pub follow_ups_done: i64,
    /// Follow-ups still overdue at the month's end (or today, in the current month).
    pub follow_ups_overdue: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CapabilityFigures {
    /// Registered clients by their latest level on or before the month's end, levels 0–4.
    pub levels: [i64; 5],
    pub not_assessed: i64,
    pub assessed_in_month: i64,
}

/// The month's incident reports (docs/domain.md, "Incidents"): those that happened in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentFigures {
    /// Per kind, in `IncidentKind::ALL` order.
    pub by_kind: [i64; INCIDENT_KINDS],
    /// A serious injury or a hospital transfer.
    pub serious: i64,
    pub to_hospital: i64,
    /// Not yet closed at the month's end (or now, in the current month).
    pub open: i64,
}

/// How many kinds an incident can be of.
pub const INCIDENT_KINDS: usize = IncidentKind::ALL.len();

impl IncidentFigures {
    pub fn total(&self) -> i64 {
        self.by_kind.iter().sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ElderFigures {
    pub roll: Roll,
    /// Clients who came in, were served a meal or had a visit done.
    pub served: i64,
    pub attendance: Attendance,
    pub meals: MonthTotals,
    /// Dishes swapped for another on served bookings (allergies, diets).
    pub substitutions: i64,
    pub visits: VisitFigures,
    pub health: HealthFigures,
    pub capability: CapabilityFigures,
    pub incidents: IncidentFigures,
    /// What its people were charged and paid, and what they owe at the end.
    pub money: MonthMoney,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckFigures {
    pub morning: i64,
    pub noon: i64,
    /// Checks (either session) with any sign.
    pub with_signs: i64,
    /// Per sign, in `SIGNS` order.
    pub signs: [i64; 8],
    pub observed: i64,
    pub isolated: i64,
    pub sent_home: i64,
}

/// The signs as stored columns, in the order of `CheckFigures::signs` and of the i18n keys.
pub const SIGNS: [&str; 8] =
    ["fever", "poor_spirits", "red_throat", "rash", "poor_eating", "poor_sleep", "abnormal_stools", "unsafe_item"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GrowthFigures {
    pub measured_in_month: i64,
    /// Enrolled children with a measurement on or before the month's end; the shares below
    /// are of their latest measurement.
    pub with_measurement: i64,
    /// Weight-for-age, length/height-for-age or weight-for-length/height below −2 SD.
    pub below_minus_2sd: i64,
    /// Weight-for-length/height above +2 SD.
    pub above_plus_2sd: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildFigures {
    pub roll: Roll,
    pub attendance: Attendance,
    pub checks: CheckFigures,
    pub growth: GrowthFigures,
    /// Dishes of the published menus with a sample logged, and without.
    pub samples_kept: i64,
    pub samples_missing: i64,
    /// A child's dish that must be replaced (allergy, or salt and sugar under one), over
    /// the month's menu days.
    pub allergy_substitutions: i64,
    pub incidents: IncidentFigures,
    /// What its families were charged and paid, and what they owe at the end.
    pub money: MonthMoney,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Figures {
    Elder(Box<ElderFigures>),
    Child(Box<ChildFigures>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacilityMonth {
    pub place: FacilityPlace,
    pub figures: Figures,
}

/// The month's figures of one facility or (None) every facility, in the city's order:
/// district, living circle, kind, name. `today` bounds the current month ("overdue" is as
/// of today, not of days still to come). `progress(done, total)` is called per facility.
pub fn gather(
    c: &Connection,
    facility: Option<i64>,
    month: Month,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<FacilityMonth>> {
    let places = places(c, facility)?;
    let span = Span::new(facility, month, today);
    let people = people_and_health(c, &span)?;
    let activity = activity(c, &span, &places)?;
    Ok(assemble(places, &span, people, activity, progress))
}

/// `gather` on the readers of one snapshot (`Db::read_together`, at least one): with
/// two or more, the people and their health on one and what was done in the month on
/// another, side by side; one reads both in turn.
pub fn gather_together(
    readers: &mut [Connection],
    facility: Option<i64>,
    month: Month,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<FacilityMonth>> {
    let [first, second, ..] = readers else {
        let one = readers.first().expect("a reader to gather the figures on");
        return gather(one, facility, month, today, progress);
    };
    let places = places(first, facility)?;
    let span = Span::new(facility, month, today);
    let (people, activity) = std::thread::scope(|s| {
        let span = &span;
        let people = s.spawn(move || people_and_health(second, span));
        let activity = activity(first, span, &places);
        (people.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), activity)
    });
    Ok(assemble(places, &span, people?, activity?, progress))
}

/// Who is on the rolls and how they are: registrations, capability, follow-ups, growth,
/// food samples.
struct PeopleAndHealth {
    rolls: HashMap<i64, Roll>,
    capability: HashMap<i64, CapabilityFigures>,
    follow_ups: HashMap<i64, FollowUpCounts>,
    growth: HashMap<i64, GrowthFigures>,
    samples: HashMap<i64, (i64, i64)>,
}

fn people_and_health(c: &Connection, span: &Span) -> Result<PeopleAndHealth> {
    let follow_ups = FollowUpBook::read_range(c, span.lo, span.hi)?
        .into_iter()
        .map(|(id, book)| (id, FollowUpCounts::of(&book, span.month, span.as_of)))
        .collect();
    Ok(PeopleAndHealth {
        rolls: rolls(c, span)?,
        capability: capability(c, span)?,
        follow_ups,
        growth: growth(c, span)?,
        samples: samples(c, span)?,
    })
}

/// What was done in the month: days in, meals, visits, checkups, children's checks, the
/// substitute plates of each childcare unit among `places`, and each one's fees.
struct Activity {
    attendance: HashMap<i64, Attendance>,
    served: HashMap<i64, i64>,
    meals: HashMap<i64, MonthTotals>,
    substitutions: HashMap<i64, i64>,
    visits: HashMap<i64, VisitFigures>,
    checkups: HashMap<i64, HealthFigures>,
    checks: HashMap<i64, CheckFigures>,
    allergy_substitutions: HashMap<i64, i64>,
    incidents: HashMap<i64, IncidentFigures>,
    money: HashMap<i64, MonthMoney>,
}

fn activity(c: &Connection, span: &Span, places: &[FacilityPlace]) -> Result<Activity> {
    let (attendance, came) = attendance(c, span)?;
    let allergy_substitutions = places
        .iter()
        .filter(|place| !place.kind.is_elder())
        .map(|place| Ok((place.id, allergy_substitutions(c, place.id, span.month, span.as_of)?)))
        .collect::<Result<_>>()?;
    Ok(Activity {
        attendance,
        served: served_clients(c, span, came)?,
        meals: month_totals_by_facility(c, span.lo, span.hi, span.month.first(), span.as_of + chrono::Days::new(1))?,
        substitutions: substitutions(c, span)?,
        visits: visits(c, span)?,
        checkups: checkups(c, span)?,
        checks: child_checks(c, span)?,
        allergy_substitutions,
        incidents: incidents(c, span)?,
        money: places
            .iter()
            .map(|place| Ok((place.id, month_money(c, place.id, span.month, span.today)?)))
            .collect::<Result<_>>()?,
    })
}

/// Each place's figures from what was read, in the places' order.
fn assemble(
    places: Vec<FacilityPlace>,
    span: &Span,
    mut people: PeopleAndHealth,
    mut activity: Activity,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<FacilityMonth> {
    let days = span.month.days().count();
    let total = places.len();
    let mut out = Vec::with_capacity(total);
    for (i, place) in places.into_iter().enumerate() {
        progress(i, total);
        let id = place.id;
        let roll = people.rolls.remove(&id).unwrap_or_default();
        let attendance = activity
            .attendance
            .remove(&id)
            .unwrap_or_else(|| Attendance { daily: vec![0; days], ..Default::default() });
        let figures = if place.kind.is_elder() {
            let follow_ups = people.follow_ups.remove(&id).unwrap_or_default();
            Figures::Elder(Box::new(ElderFigures {
                roll,
                served: activity.served.get(&id).copied().unwrap_or(0),
                attendance,
                meals: activity.meals.remove(&id).unwrap_or_else(|| MonthTotals::empty(Some(id), span.month.first())),
                substitutions: activity.substitutions.get(&id).copied().unwrap_or(0),
                visits: activity.visits.remove(&id).unwrap_or_default(),
                health: HealthFigures {
                    follow_ups_due: follow_ups.due,
                    follow_ups_done: follow_ups.done,
                    follow_ups_overdue: follow_ups.overdue,
                    ..activity.checkups.remove(&id).unwrap_or_default()
                },
                capability: people.capability.remove(&id).unwrap_or_default(),
                incidents: activity.incidents.remove(&id).unwrap_or_default(),
                money: activity.money.remove(&id).unwrap_or_default(),
            }))
        } else {
            let (samples_kept, samples_missing) = people.samples.get(&id).copied().unwrap_or((0, 0));
            Figures::Child(Box::new(ChildFigures {
                roll,
                attendance,
                checks: activity.checks.remove(&id).unwrap_or_default(),
                growth: people.growth.remove(&id).unwrap_or_default(),
                samples_kept,
                samples_missing,
                allergy_substitutions: activity.allergy_substitutions.get(&id).copied().unwrap_or(0),
                incidents: activity.incidents.remove(&id).unwrap_or_default(),
                money: activity.money.remove(&id).unwrap_or_default(),
            }))
        };
        out.push(FacilityMonth { place, figures });
    }
    progress(total, total);
    out
}

/// The month's last day, or today in the current month: days still to come have nothing to
/// count.
pub fn last_day_counted(month: Month, today: NaiveDate) -> NaiveDate {
    today.min(month.last())
}

/// What every query binds by name: the facilities (`:lo` to `:hi`, one or all, a range
/// SQLite takes from the (facility_id, day) indexes, where `?1 IS NULL OR facility_id = ?1`
/// would scan), the first and last day counted (`:first`, `:last`), and the same days as
/// stored instants (`:from`, `:until`: UTC, from the first day's local midnight to the one
/// after the last day; compared as text, the app's one `utc_stamp` format).
struct Span {
    lo: i64,
    hi: i64,
    month: Month,
    /// The last day counted (`last_day_counted`).
    as_of: NaiveDate,
    /// The day in Wuhai: the fees of a month that is over are read as kept.
    today: NaiveDate,
    first: String,
    last: String,
    from_utc: String,
    until_utc: String,
}

impl Span {
    /// The facility (or every one) in `month`, counted up to `today` in the current month.
    fn new(facility: Option<i64>, month: Month, today: NaiveDate) -> Span {
        let midnight = |d: NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).expect("midnight exists");
            utc_stamp(local.and_local_timezone(local_offset()).single().expect("a fixed offset").to_utc())
        };
        let (lo, hi) = facility.map_or((0, i64::MAX), |f| (f, f));
        let (first, last) = (month.first(), last_day_counted(month, today));
        Span {
            lo,
            hi,
            month,
            as_of: last,
            today,
            first: first.to_string(),
            last: last.to_string(),
            from_utc: midnight(first),
            until_utc: midnight(last + chrono::Days::new(1)),
        }
    }

    /// `sql` as this span reads best when it takes every row of the facilities
    /// (`read::facility_range`).
    fn table<'q>(&self, sql: &'q str) -> Cow<'q, str> {
        read::facility_range(sql, self.lo, self.hi)
    }

    /// `sql` as this span reads best when it takes the month's days of the facilities
    /// (`read::facility_days`).
    fn days<'q>(&self, sql: &'q str) -> Cow<'q, str> {
        read::facility_days(sql, self.lo, self.hi)
    }

    /// The parameters `stmt` names (a query uses some of them).
    fn bind(&self, stmt: &rusqlite::Statement) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
        let all: [(&'static str, &dyn rusqlite::ToSql); 6] = [
            (":lo", &self.lo),
            (":hi", &self.hi),
            (":first", &self.first),
            (":last", &self.last),
            (":from", &self.from_utc),
            (":until", &self.until_utc),
        ];
        all.into_iter().filter(|(name, _)| matches!(stmt.parameter_index(name), Ok(Some(_)))).collect()
    }
}

fn places(c: &Connection, facility: Option<i64>) -> Result<Vec<FacilityPlace>> {
    let mut stmt = c.prepare_cached(
        "SELECT f.id, f.name, f.kind, lc.id, lc.name, d.id, d.name
         FROM facilities f JOIN communities co ON co.id = f.community_id
         JOIN living_circles lc ON lc.id = co.circle_id JOIN districts d ON d.id = lc.district_id
         WHERE ?1 IS NULL OR f.id = ?1
         ORDER BY d.id, lc.id, f.kind = 'childcare', f.kind, f.name, f.id",
    )?;
    let rows = stmt.query_map([facility], |r| {
        Ok(FacilityPlace {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            circle_id: r.get(3)?,
            circle: r.get(4)?,
            district_id: r.get(5)?,
            district: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A count column: SQL's sum() over no row, or over NULLs only, is NULL.
fn n(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0))
}

/// One count per facility, from a query of (facility, count).
fn counts(c: &Connection, sql: &str, span: &Span) -> Result<HashMap<i64, i64>> {
    by_facility(c, sql, span, |count: &mut i64, r| {
        *count = n(r, 1)?;
        Ok(())
    })
}

/// Grouped counts keyed by facility, from a query whose first column is the facility.
fn by_facility<T>(
    c: &Connection,
    sql: &str,
    span: &Span,
    mut fold: impl FnMut(&mut T, &rusqlite::Row) -> rusqlite::Result<()>,
) -> Result<HashMap<i64, T>>
where
    T: Default,
{
    let mut out: HashMap<i64, T> = HashMap::new();
    let mut stmt = c.prepare_cached(sql)?;
    let params = span.bind(&stmt);
    let mut rows = stmt.query(&*params)?;
    while let Some(r) = rows.next()? {
        fold(out.entry(r.get(0)?).or_default(), r)?;
    }
    Ok(out)
}

fn rolls(c: &Connection, span: &Span) -> Result<HashMap<i64, Roll>> {
    let roll = |roll: &mut Roll, r: &rusqlite::Row| {
        *roll = Roll { registered: n(r, 1)?, new: n(r, 2)?, left: n(r, 3)? };
        Ok(())
    };
    // Clients: registered on the day of their record; gone when moved or deceased.
    let mut out = by_facility(
        c,
        &span.table(
            "SELECT facility_id,
                    sum(created_at < :until
                        AND NOT (status IN ('moved', 'deceased') AND coalesce(status_since, '') <= :last)),
                    sum(created_at >= :from AND created_at < :until),
                    sum(status IN ('moved', 'deceased') AND status_since BETWEEN :first AND :last)
             FROM clients WHERE facility_id BETWEEN :lo AND :hi GROUP BY facility_id",
        ),
        span,
        roll,
    )?;
    // Children: enrolled and left on the days their record says.
    out.extend(by_facility(
        c,
        &span.table(
            "SELECT facility_id,
                    sum(enrolled_on <= :last AND (left_on IS NULL OR left_on > :last)),
                    sum(enrolled_on BETWEEN :first AND :last),
                    sum(left_on BETWEEN :first AND :last)
             FROM children WHERE facility_id BETWEEN :lo AND :hi GROUP BY facility_id",
        ),
        span,
        roll,
    )?);
    Ok(out)
}

/// Each facility's clients seen in the month.
type ClientsSeen = HashMap<i64, HashSet<i64>>;

/// Check-ins at the door of each facility, and the clients who came (for `served_clients`):
/// one pass over the month's attendance, each person counted once a day.
fn attendance(c: &Connection, span: &Span) -> Result<(HashMap<i64, Attendance>, ClientsSeen)> {
    let (first, days) = (span.month.first(), span.month.days().count());
    #[derive(Default)]
    struct Seen {
        daily: HashSet<(usize, bool, i64)>,
        people: HashSet<(bool, i64)>,
        clients: HashSet<i64>,
    }
    let seen = by_facility(
        c,
        &span.days(
            "SELECT facility_id, day, person_kind = 'client', person_id FROM attendance
             WHERE facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last",
        ),
        span,
        |seen: &mut Seen, r| {
            let Ok(day) = read::text(r, 1)?.parse::<NaiveDate>() else { return Ok(()) };
            let i = (day - first).num_days() as usize;
            let (client, person): (bool, i64) = (r.get(2)?, r.get(3)?);
            if i < days {
                seen.daily.insert((i, client, person));
                seen.people.insert((client, person));
            }
            if client {
                seen.clients.insert(person);
            }
            Ok(())
        },
    )?;
    let mut out = HashMap::new();
    let mut came = HashMap::new();
    for (id, seen) in seen {
        let mut daily = vec![0; days];
        for (i, _, _) in &seen.daily {
            daily[*i] += 1;
        }
        let attendance = Attendance { person_days: seen.daily.len() as i64, people: seen.people.len() as i64, daily };
        out.insert(id, attendance);
        came.insert(id, seen.clients);
    }
    Ok((out, came))
}

/// Clients who came in (`came`, from `attendance`), were served a meal or had a visit done.
fn served_clients(c: &Connection, span: &Span, mut came: ClientsSeen) -> Result<HashMap<i64, i64>> {
    let mut stmt = c.prepare_cached(&span.days(
        "SELECT facility_id, client_id FROM bookings
         WHERE status = 'served' AND facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last
         UNION ALL SELECT facility_id, client_id FROM visits
         WHERE status = 'done' AND facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last",
    ))?;
    let params = span.bind(&stmt);
    let mut rows = stmt.query(&*params)?;
    while let Some(r) = rows.next()? {
        came.entry(r.get(0)?).or_default().insert(r.get(1)?);
    }
    Ok(came.into_iter().map(|(id, clients)| (id, clients.len() as i64)).collect())
}

fn substitutions(c: &Connection, span: &Span) -> Result<HashMap<i64, i64>> {
    counts(
        c,
        &span.days(
            "SELECT b.facility_id, count(*) FROM booking_substitutions s JOIN bookings b ON b.id = s.booking_id
             WHERE b.status = 'served' AND b.facility_id BETWEEN :lo AND :hi AND b.day BETWEEN :first AND :last
             GROUP BY b.facility_id",
        ),
        span,
    )
}

fn visits(c: &Connection, span: &Span) -> Result<HashMap<i64, VisitFigures>> {
    let mut out = by_facility(
        c,
        &span.days(
            "SELECT facility_id, status, count(*),
                    coalesce(sum(CASE WHEN status = 'done' THEN done_end_min - done_start_min END), 0),
                    sum(status = 'done' AND makes_up_for IS NOT NULL)
             FROM visits WHERE facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last
             GROUP BY facility_id, status",
        ),
        span,
        |v: &mut VisitFigures, r| {
            let status: String = r.get(1)?;
            let count = n(r, 2)?;
            match status.as_str() {
                "done" => {
                    v.done = count;
                    v.minutes_done = n(r, 3)?;
                    v.made_up = n(r, 4)?;
                }
                "missed" => v.missed = count,
                "refused" => v.refused = count,
                "planned" => v.unrecorded = count,
                _ => v.cancelled = count,
            }
            v.planned = v.done + v.missed + v.refused + v.unrecorded;
            Ok(())
        },
    )?;
    let reasons = by_facility(
        c,
        &span.days(
            "SELECT facility_id, status, coalesce(reason, 'other'), count(*) FROM visits
             WHERE status IN ('missed', 'refused') AND facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last
             GROUP BY facility_id, status, reason",
        ),
        span,
        |list: &mut Vec<(String, String, i64)>, r| {
            list.push((r.get(1)?, r.get(2)?, n(r, 3)?));
            Ok(())
        },
    )?;
    for (id, mut list) in reasons {
        list.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
        out.entry(id).or_default().reasons = list;
    }
    Ok(out)
}

fn checkups(c: &Connection, span: &Span) -> Result<HashMap<i64, HealthFigures>> {
    by_facility(
        c,
        &span.days(
            "SELECT facility_id, count(*), count(DISTINCT client_id),
                    sum(worst_level IN ('raised', 'urgent')), sum(worst_level = 'urgent')
             FROM checkups
             WHERE facility_id BETWEEN :lo AND :hi AND taken_at >= :from AND taken_at < :until
             GROUP BY facility_id",
        ),
        span,
        |h: &mut HealthFigures, r| {
            h.checkups = n(r, 1)?;
            h.clients_checked = n(r, 2)?;
            h.abnormal = n(r, 3)?;
            h.urgent = n(r, 4)?;
            Ok(())
        },
    )
}

/// The incident reports of the month's days, by kind; open is as of the end of the last day
/// counted, so a month's report reads the same when made again after a later closing.
fn incidents(c: &Connection, span: &Span) -> Result<HashMap<i64, IncidentFigures>> {
    by_facility(
        c,
        &span.days(&format!(
            "SELECT facility_id, kind, count(*), sum({SERIOUS_SQL}), sum(to_hospital),
                    sum(closed_at IS NULL OR closed_at >= :until)
             FROM incidents
             WHERE facility_id BETWEEN :lo AND :hi AND occurred_at >= :from AND occurred_at < :until
             GROUP BY facility_id, kind"
        )),
        span,
        |f: &mut IncidentFigures, r| {
            let kind: IncidentKind = r.get(1)?;
            let at = IncidentKind::ALL.iter().position(|k| *k == kind).expect("a kind of ALL");
            f.by_kind[at] += n(r, 2)?;
            f.serious += n(r, 3)?;
            f.to_hospital += n(r, 4)?;
            f.open += n(r, 5)?;
            Ok(())
        },
    )
}

/// Follow-ups of the month, as three figures a reader can add up (done + overdue <= due):
/// due, every follow-up that fell due by the month's end (as the month began, and any that
/// arose in it); done, those whose next due day moved on (a qualifying checkup was taken);
/// overdue, those not done and past their day at the month's end (or today).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUpCounts {
    pub due: i64,
    pub done: i64,
    pub overdue: i64,
}

impl FollowUpCounts {
    /// The counts of one facility's book for `month`, as of `as_of` (its last day counted).
    pub(crate) fn of(book: &FollowUpBook, month: Month, as_of: NaiveDate) -> FollowUpCounts {
        let before = month.first().pred_opt().unwrap_or(month.first());
        let mut counts = FollowUpCounts { due: 0, done: 0, overdue: 0 };
        // Client by client (a follow-up is a client's reason): as the month began, what fell
        // due by its end; at its end (or today), every rule's next due day, however far — a
        // done follow-up moves it months on.
        for (at_start, at_end) in book.plans_on(before, as_of) {
            let at_end = at_end.unwrap_or_default();
            let started: Vec<&Due> = at_start.iter().flatten().filter(|s| s.due_on <= month.last()).collect();
            let done: Vec<DueReason> = started
                .iter()
                .filter(|s| at_end.iter().any(|e| e.reason == s.reason && e.due_on > s.due_on))
                .map(|s| s.reason)
                .collect();
            let arose =
                at_end.iter().filter(|e| e.due_on <= month.last() && !started.iter().any(|s| s.reason == e.reason));
            counts.due += (started.len() + arose.count()) as i64;
            counts.done += done.len() as i64;
            counts.overdue += at_end.iter().filter(|e| e.due_on < as_of && !done.contains(&e.reason)).count() as i64;
        }
        counts
    }
}

/// People on a facility's roll today, as `gather` counts them for the month so far: the
/// home page shows this figure without reading the rest of the month's report.
pub(crate) fn registered_on(c: &Connection, facility_id: i64, today: NaiveDate) -> Result<i64> {
    let span = Span::new(Some(facility_id), Month::of(today), today);
    Ok(rolls(c, &span)?.get(&facility_id).map_or(0, |r| r.registered))
}

/// Dishes a childcare unit served this month up to today with no food sample kept, as
/// `gather` counts them.
pub(crate) fn samples_missing_on(c: &Connection, facility_id: i64, today: NaiveDate) -> Result<i64> {
    let span = Span::new(Some(facility_id), Month::of(today), today);
    Ok(samples(c, &span)?.get(&facility_id).map_or(0, |(_, missing)| *missing))
}

fn capability(c: &Connection, span: &Span) -> Result<HashMap<i64, CapabilityFigures>> {
    // The clients registered at the month's end (as `rolls` counts them) by their latest
    // level by then (the later day, then the later record); every client's assessments of
    // the month, where the client is now. Both from the index by client, which holds the
    // level (migration 016): a seek each.
    by_facility(
        c,
        &span.table(
            "SELECT cl.facility_id,
                        cl.created_at < :until
                        AND NOT (cl.status IN ('moved', 'deceased') AND coalesce(cl.status_since, '') <= :last),
                        (SELECT level FROM assessments WHERE client_id = cl.id AND assessed_on <= :last
                         ORDER BY assessed_on DESC, id DESC LIMIT 1),
                        (SELECT count(*) FROM assessments WHERE client_id = cl.id AND assessed_on BETWEEN :first AND :last)
                 FROM clients cl WHERE cl.facility_id BETWEEN :lo AND :hi",
        ),
        span,
        |f: &mut CapabilityFigures, r| {
            f.assessed_in_month += n(r, 3)?;
            if r.get(1)? {
                match r.get::<_, Option<i64>>(2)? {
                    Some(level @ 0..=4) => f.levels[level as usize] += 1,
                    _ => f.not_assessed += 1,
                }
            }
            Ok(())
        },
    )
}

fn child_checks(c: &Connection, span: &Span) -> Result<HashMap<i64, CheckFigures>> {
    by_facility(
        c,
        &span.days(
            "SELECT facility_id, session, count(*),
                    sum(fever OR poor_spirits OR red_throat OR rash OR poor_eating OR poor_sleep OR abnormal_stools
                        OR coalesce(trim(unsafe_item), '') != ''),
                    sum(fever), sum(poor_spirits), sum(red_throat), sum(rash), sum(poor_eating), sum(poor_sleep),
                    sum(abnormal_stools), sum(coalesce(trim(unsafe_item), '') != ''),
                    sum(action = 'observe'), sum(action = 'isolate'), sum(action = 'send_home')
             FROM child_checks WHERE facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last
             GROUP BY facility_id, session",
        ),
        span,
        |f: &mut CheckFigures, r| {
            let count = n(r, 2)?;
            match r.get::<_, String>(1)?.as_str() {
                "morning" => f.morning = count,
                _ => f.noon = count,
            }
            f.with_signs += n(r, 3)?;
            for (i, sign) in f.signs.iter_mut().enumerate() {
                *sign += n(r, 4 + i)?;
            }
            f.observed += n(r, 12)?;
            f.isolated += n(r, 13)?;
            f.sent_home += n(r, 14)?;
            Ok(())
        },
    )
}

fn growth(c: &Connection, span: &Span) -> Result<HashMap<i64, GrowthFigures>> {
    // The latest measurement of each child enrolled at the month's end, and its z-scores.
    let mut out = by_facility(
        c,
        &span.table(
            "SELECT ch.facility_id, g.zscores_json FROM children ch
             JOIN growth_measurements g ON g.id = (
                 SELECT id FROM growth_measurements WHERE child_id = ch.id AND measured_on <= :last
                 ORDER BY measured_on DESC, id DESC LIMIT 1)
             WHERE ch.facility_id BETWEEN :lo AND :hi AND ch.enrolled_on <= :last AND (ch.left_on IS NULL OR ch.left_on > :last)",
        ),
        span,
        |g: &mut GrowthFigures, r| {
            let scores: Vec<serde_json::Value> = serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default();
            let z = |indicator: &str| {
                scores.iter().find(|s| s["indicator"] == indicator).and_then(|s| s["z"].as_f64())
            };
            g.with_measurement += 1;
            if ["weight_for_age", "length_for_age", "weight_for_length"].iter().any(|i| z(i).is_some_and(|z| z < -2.0)) {
                g.below_minus_2sd += 1;
            }
            if z("weight_for_length").is_some_and(|z| z > 2.0) {
                g.above_plus_2sd += 1;
            }
            Ok(())
        },
    )?;
    let measured = counts(
        c,
        &span.table(
            "SELECT facility_id, count(*) FROM growth_measurements
             WHERE facility_id BETWEEN :lo AND :hi AND measured_on BETWEEN :first AND :last GROUP BY facility_id",
        ),
        span,
    )?;
    for (id, n) in measured {
        out.entry(id).or_default().measured_in_month = n;
    }
    Ok(out)
}

/// (kept, missing) samples of the dishes on the month's published menus.
fn samples(c: &Connection, span: &Span) -> Result<HashMap<i64, (i64, i64)>> {
    by_facility(
        c,
        &span.table(
            "SELECT m.facility_id, count(s.id), count(*) - count(s.id)
             FROM menu_items i JOIN menus m ON m.id = i.menu_id
             LEFT JOIN food_samples s ON s.facility_id = m.facility_id AND s.day = i.day AND s.meal = i.meal
                                     AND s.dish_id = i.dish_id
             WHERE m.facility_id BETWEEN :lo AND :hi AND m.status = 'published' AND i.day BETWEEN :first AND :last
             GROUP BY m.facility_id",
        ),
        span,
        |pair: &mut (i64, i64), r| {
            *pair = (n(r, 1)?, n(r, 2)?);
            Ok(())
        },
    )
}

/// Dishes a child must not have (an allergy, or salt and sugar under one), summed over the
/// month's days up to `as_of` on which the unit had a published menu: each is a substitute
/// plate the kitchen made. Each day counts what that day's allergy list
/// (`build_allergy_list`) shows as refused; the month is read at once, and a child's
/// answer for a dish is worked out once (it changes only with the first birthday).
fn allergy_substitutions(c: &Connection, facility_id: i64, month: Month, as_of: NaiveDate) -> Result<i64> {
    let (first, last) = (month.first().to_string(), as_of.to_string());
    let mut dishes: HashMap<i64, DishFacts> = HashMap::new();
    let mut on_menu: Vec<(NaiveDate, i64)> = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT i.day, d.* FROM menu_items i JOIN menus m ON m.id = i.menu_id JOIN dishes d ON d.id = i.dish_id
         WHERE m.facility_id = ?1 AND m.status = 'published' AND i.day BETWEEN ?2 AND ?3",
    )?;
    let mut rows = stmt.query(params![facility_id, first, last])?;
    while let Some(r) = rows.next()? {
        let dish: i64 = r.get("id")?;
        if let std::collections::hash_map::Entry::Vacant(slot) = dishes.entry(dish) {
            slot.insert(dish_facts(r)?);
        }
        on_menu.push((read::day(r, 0)?, dish));
    }
    if on_menu.is_empty() {
        return Ok(0);
    }
    // The children enrolled on any day of the span, as the day's list reads them.
    struct Child {
        enrolled_on: NaiveDate,
        left_on: Option<NaiveDate>,
        birth_date: NaiveDate,
        allergies: Vec<String>,
        diet_needs: Vec<DietNeed>,
    }
    let children: Vec<Child> = c
        .prepare_cached(
            "SELECT enrolled_on, left_on, birth_date, allergies, diet_needs FROM children
             WHERE facility_id = ?1 AND enrolled_on <= ?3 AND (left_on IS NULL OR left_on >= ?2)",
        )?
        .query_map(params![facility_id, first, last], |r| {
            Ok(Child {
                enrolled_on: read::day(r, 0)?,
                left_on: read::opt_day(r, 1)?,
                birth_date: read::day(r, 2)?,
                allergies: read::json(r, 3)?,
                diet_needs: read::json(r, 4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Most children have no allergy and no diet the kitchen must change a dish for: such a
    // child clashes with nothing once a year old (`clashes`: salt and sugar are for infants
    // only), and is passed over.
    let plain: Vec<bool> = children
        .iter()
        .map(|child| {
            child.allergies.iter().all(|a| a.trim().is_empty()) && child.diet_needs.iter().all(|n| PREPARED.contains(n))
        })
        .collect();
    let mut answers: HashMap<(usize, i64, bool), i64> = HashMap::new();
    let mut total = 0;
    for (day, dish) in on_menu {
        for (i, child) in children.iter().enumerate() {
            if child.enrolled_on > day || child.left_on.is_some_and(|l| l < day) {
                continue;
            }
            let age_months = months_between(child.birth_date, day);
            if plain[i] && age_months >= 12 {
                continue;
            }
            total += *answers.entry((i, dish, age_months < 12)).or_insert_with(|| {
                let eater = EaterFacts {
                    allergies: child.allergies.clone(),
                    diet_needs: child.diet_needs.clone(),
                    age_months: Some(age_months),
                };
                clashes(&eater, &dishes[&dish]).iter().filter(|clash| clash.refuses()).count() as i64
            });
        }
    }
    Ok(total)
}
