//! Care visits: what a care plan asks for, where a visit takes place, how long it takes to
//! walk between two places, and what makes a week's schedule wrong. The conflict rules run
//! on the week view, on every move and after the scheduler, so they live here, once, on
//! plain facts with no database.
//!
//! Decisions worth knowing:
//! - Walking time is estimated from coordinates: the straight-line distance × 1.3 for
//!   streets and crossings, at 80 m a minute (4.8 km/h, between the 4 and 5 km/h people
//!   walk), rounded up to whole minutes — the same rule the scheduler's benchmark uses. A
//!   home without coordinates is assumed [`UNKNOWN_WALK_MIN`] away: a living circle is a
//!   15-minute walk across, so the estimate is never optimistic. Such a conflict says the
//!   time is estimated.
//! - A visit on a day the staff member does not work, on leave, or outside their hours is
//!   a conflict, not a refusal: a manager may knowingly ask someone to cover, and the
//!   schedule shows it in red until it is resolved.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::person::{Skill, StaffJob};
use crate::codes::code_enum;
use crate::error::Invalid;

/// Metres walked a minute: 4.8 km/h.
pub const WALK_METRES_PER_MIN: f64 = 80.0;
/// Streets are longer than the straight line between two doors.
pub const DETOUR_FACTOR: f64 = 1.3;
/// Assumed walk to or from a place without coordinates: across a living circle.
pub const UNKNOWN_WALK_MIN: u32 = 15;

code_enum! {
    /// Where a planned service takes place.
    CarePlace { Home = "home", Centre = "centre" }
}

code_enum! {
    VisitStatus {
        Planned = "planned",
        Done = "done",
        Missed = "missed",
        Refused = "refused",
        Cancelled = "cancelled",
    }
}

code_enum! {
    /// Who put the visit in the week.
    VisitSource { Manual = "manual", Scheduler = "scheduler", Series = "series" }
}

code_enum! {
    /// Why a visit was missed or refused (the monthly report counts them).
    VisitReason {
        ClientAway = "client_away",
        ClientIll = "client_ill",
        InHospital = "in_hospital",
        ClientDeclined = "client_declined",
        StaffUnavailable = "staff_unavailable",
        Weather = "weather",
        Other = "other",
    }
}

/// A point on the map, WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Both present and on the globe, or none: a half-typed location is no location.
    pub fn from_parts(lat: Option<f64>, lon: Option<f64>) -> Option<GeoPoint> {
        match (lat, lon) {
            (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
                Some(GeoPoint { lat, lon })
            }
            _ => None,
        }
    }

    /// Great-circle distance in metres (haversine; exact enough across a city).
    pub fn metres_to(self, other: GeoPoint) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_000.0;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }

    /// The point `east` and `north` metres away (for the demo's homes around a centre).
    pub fn offset(self, east: f64, north: f64) -> GeoPoint {
        const M_PER_DEG_LAT: f64 = 111_320.0;
        GeoPoint {
            lat: self.lat + north / M_PER_DEG_LAT,
            lon: self.lon + east / (M_PER_DEG_LAT * self.lat.to_radians().cos()),
        }
    }
}

/// "HH:MM" (also "H:MM", and "24:00" for the end of a day) → minutes after midnight.
pub fn parse_clock(raw: &str, field: &'static str) -> Result<u32, Invalid> {
    let bad = || Invalid::new("visit.time_invalid", field).with("value", raw);
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) || raw.trim().len() > 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Minutes after midnight → "HH:MM".
pub fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Whole minutes to walk `metres` of straight line.
pub fn walk_minutes_for(metres: f64) -> u32 {
    (metres * DETOUR_FACTOR / WALK_METRES_PER_MIN).ceil() as u32
}

/// A walk between two places, and whether it is a guess (a place without coordinates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    pub minutes: u32,
    pub estimated: bool,
}

/// Where a visit happens, for walking: the facility, or one client's home.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    Centre(Option<GeoPoint>),
    Home { client_id: i64, at: Option<GeoPoint> },
}

impl Place {
    pub fn point(self) -> Option<GeoPoint> {
        match self {
            Place::Centre(p) | Place::Home { at: p, .. } => p,
        }
    }

    fn same_as(self, other: Place) -> bool {
        match (self, other) {
            (Place::Centre(_), Place::Centre(_)) => true,
            (Place::Home { client_id: a, .. }, Place::Home { client_id: b, .. }) => a == b,
            _ => false,
        }
    }

    pub fn walk_to(self, other: Place) -> Walk {
        if self.same_as(other) {
            return Walk { minutes: 0, estimated: false };
        }
        match (self.point(), other.point()) {
            (Some(a), Some(b)) => Walk { minutes: walk_minutes_for(a.metres_to(b)), estimated: false },
            _ => Walk { minutes: UNKNOWN_WALK_MIN, estimated: true },
        }
    }
}

/// Visit minutes a week the capability level (GB/T 42195-2022, 0 = intact … 4 = total
/// loss) suggests: a starting point for the manager, who decides.
pub fn suggested_weekly_minutes(level: u8) -> (u32, u32) {
    match level {
        0 => (0, 60),
        1 => (60, 180),
        2 => (180, 360),
        3 => (360, 600),
        _ => (600, 1200),
    }
}

/// Splits a plan's preferred days among its visits a week, so that three visits on
/// Monday–Friday fall on different days (Mon+Thu, Tue+Fri, Wed) rather than all on the
/// same one. Visit `i` may take place on any day of group `i`; with more visits than
/// days, groups repeat (twice a day on each day).
pub fn day_groups(preferred_days: &[u8], visits_per_week: u32) -> Vec<Vec<u8>> {
    let mut days = preferred_days.to_vec();
    days.sort_unstable();
    days.dedup();
    let n = visits_per_week as usize;
    if days.is_empty() || n == 0 {
        return Vec::new();
    }
    if n >= days.len() {
        return (0..n).map(|i| vec![days[i % days.len()]]).collect();
    }
    let mut groups = vec![Vec::new(); n];
    for (i, d) in days.into_iter().enumerate() {
        groups[i % n].push(d);
    }
    groups
}

/// A staff member's availability in the week being checked.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffFacts {
    pub id: i64,
    pub job: StaffJob,
    pub skills: Vec<Skill>,
    /// ISO weekdays worked, 1 = Monday.
    pub work_days: Vec<u8>,
    pub work_start_min: u32,
    pub work_end_min: u32,
    /// Inclusive ranges of days away.
    pub leave: Vec<(NaiveDate, NaiveDate)>,
}

impl StaffFacts {
    pub fn on_leave(&self, day: NaiveDate) -> bool {
        self.leave.iter().any(|(from, to)| *from <= day && day <= *to)
    }

    pub fn works_on(&self, day: NaiveDate) -> bool {
        self.work_days.contains(&(day.weekday().number_from_monday() as u8))
    }
}

/// A planned visit as the conflict rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFacts {
    pub id: i64,
    pub client_id: i64,
    pub staff_id: Option<i64>,
    pub day: NaiveDate,
    pub start_min: u32,
    pub duration_min: u32,
    pub place: Place,
    pub skill: Option<Skill>,
}

impl VisitFacts {
    fn end_min(&self) -> u32 {
        self.start_min + self.duration_min
    }
}

code_enum! {
    ConflictKind {
        DoubleBooked = "double_booked",
        /// One client, two visits at once by different people.
        ClientDoubleBooked = "client_double_booked",
        NotWorkingDay = "not_working_day",
        OnLeave = "on_leave",
        OutsideHours = "outside_hours",
        MissingSkill = "missing_skill",
        NoWalkTime = "no_walk_time",
        /// The day starts at the facility: no time to walk from it to the first visit.
        NoWalkFromCentre = "no_walk_from_centre",
        /// …and ends there: no time to walk back after the last.
        NoWalkToCentre = "no_walk_to_centre",
    }
}

/// Something wrong with a staff member's day, and the visits concerned.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub staff_id: i64,
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// One visit, or the two that clash (in time order).
    pub visit_ids: Vec<i64>,
    /// The skill missing.
    pub skill: Option<Skill>,
    /// NoWalkTime: minutes needed to walk, and the minutes between the two visits.
    pub walk_min: Option<u32>,
    pub gap_min: Option<i32>,
    /// The walk is a guess: a place has no coordinates.
    pub estimated: bool,
}

impl Conflict {
    fn one(kind: ConflictKind, v: &VisitFacts, staff_id: i64) -> Conflict {
        Conflict {
            kind,
            staff_id,
            day: v.day,
            visit_ids: vec![v.id],
            skill: None,
            walk_min: None,
            gap_min: None,
            estimated: false,
        }
    }
}

/// Every conflict in `visits` (planned ones, assigned or not) given the staff's facts and
/// where the facility is (a working day starts and ends there, as the scheduler plans it).
/// Unassigned visits have none but a client's overlapping visits; visits of staff not in
/// `staff` are checked for time clashes only.
pub fn conflicts(visits: &[VisitFacts], staff: &[StaffFacts], centre: Place) -> Vec<Conflict> {
    let by_id: BTreeMap<i64, &StaffFacts> = staff.iter().map(|s| (s.id, s)).collect();
    let mut days: BTreeMap<(i64, NaiveDate), Vec<&VisitFacts>> = BTreeMap::new();
    for v in visits {
        if let Some(s) = v.staff_id {
            days.entry((s, v.day)).or_default().push(v);
        }
    }
    let mut out = Vec::new();
    for ((staff_id, day), mut list) in days {
        list.sort_by_key(|v| (v.start_min, v.id));
        if let Some(s) = by_id.get(&staff_id) {
            let away = if s.on_leave(day) {
                Some(ConflictKind::OnLeave)
            } else if !s.works_on(day) {
                Some(ConflictKind::NotWorkingDay)
            } else {
                None
            };
            for v in &list {
                if let Some(kind) = away {
                    out.push(Conflict::one(kind, v, staff_id));
                } else if v.start_min < s.work_start_min || v.end_min() > s.work_end_min {
                    out.push(Conflict::one(ConflictKind::OutsideHours, v, staff_id));
                }
                if let Some(skill) = v.skill.filter(|k| !s.skills.contains(k)) {
                    out.push(Conflict { skill: Some(skill), ..Conflict::one(ConflictKind::MissingSkill, v, staff_id) });
                }
            }
            if away.is_none() {
                out.extend(centre_walks(s, &list, centre));
            }
        }
        out.extend(day_clashes(staff_id, day, &list));
    }
    out.extend(client_clashes(visits));
    out
}

/// A client's visits that overlap though made by different people (or not yet anyone):
/// nobody can be bathed and taken to rehabilitation at once. Reported under the first
/// visit's staff member.
fn client_clashes(visits: &[VisitFacts]) -> Vec<Conflict> {
    let mut by_client: BTreeMap<(i64, NaiveDate), Vec<&VisitFacts>> = BTreeMap::new();
    for v in visits {
        by_client.entry((v.client_id, v.day)).or_default().push(v);
    }
    let mut out = Vec::new();
    for list in by_client.values_mut() {
        list.sort_by_key(|v| (v.start_min, v.id));
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if b.start_min >= a.end_min() {
                    break;
                }
                if a.staff_id.is_none() || a.staff_id != b.staff_id {
                    out.push(Conflict {
                        visit_ids: vec![a.id, b.id],
                        ..Conflict::one(ConflictKind::ClientDoubleBooked, a, a.staff_id.or(b.staff_id).unwrap_or(0))
                    });
                }
            }
        }
    }
    out
}

/// The walk from the facility to the day's first visit after work starts, and back after
/// the last before it ends (a visit outside the hours is already flagged as such).
fn centre_walks(s: &StaffFacts, list: &[&VisitFacts], centre: Place) -> Vec<Conflict> {
    let mut out = Vec::new();
    let within = |v: &VisitFacts| v.start_min >= s.work_start_min && v.end_min() <= s.work_end_min;
    let legs = [(list.first(), ConflictKind::NoWalkFromCentre), (list.last(), ConflictKind::NoWalkToCentre)];
    for (visit, kind) in legs {
        let Some(v) = visit.filter(|v| within(v)) else { continue };
        let (walk, gap) = match kind {
            ConflictKind::NoWalkFromCentre => (centre.walk_to(v.place), v.start_min - s.work_start_min),
            _ => (v.place.walk_to(centre), s.work_end_min - v.end_min()),
        };
        if walk.minutes > gap {
            out.push(Conflict {
                walk_min: Some(walk.minutes),
                gap_min: Some(gap as i32),
                estimated: walk.estimated,
                ..Conflict::one(kind, v, s.id)
            });
        }
    }
    out
}

/// Overlaps between any two visits of the day, and between consecutive ones the walk
/// that does not fit in the gap.
fn day_clashes(staff_id: i64, day: NaiveDate, list: &[&VisitFacts]) -> Vec<Conflict> {
    let mut out = Vec::new();
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            if b.start_min >= a.end_min() {
                break;
            }
            out.push(Conflict {
                visit_ids: vec![a.id, b.id],
                ..Conflict::one(ConflictKind::DoubleBooked, a, staff_id)
            });
        }
    }
    for pair in list.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let gap = b.start_min as i32 - a.end_min() as i32;
        if gap < 0 {
            continue; // already a double booking
        }
        let walk = a.place.walk_to(b.place);
        if walk.minutes as i32 > gap {
            out.push(Conflict {
                kind: ConflictKind::NoWalkTime,
                staff_id,
                day,
                visit_ids: vec![a.id, b.id],
                skill: None,
                walk_min: Some(walk.minutes),
                gap_min: Some(gap),
                estimated: walk.estimated,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const CENTRE: GeoPoint = GeoPoint { lat: 39.6550, lon: 106.7940 };
    const CENTRE_PLACE: Place = Place::Centre(Some(CENTRE));

    fn home(client_id: i64, east: f64, north: f64) -> Place {
        Place::Home { client_id, at: Some(CENTRE.offset(east, north)) }
    }

    fn staff(id: i64) -> StaffFacts {
        StaffFacts {
            id,
            job: StaffJob::Caregiver,
            skills: vec![Skill::CaregiverCertificate],
            work_days: vec![1, 2, 3, 4, 5],
            work_start_min: 8 * 60,
            work_end_min: 17 * 60,
            leave: vec![],
        }
    }

    fn visit(id: i64, start: u32, duration: u32, place: Place) -> VisitFacts {
        // 2026-11-30 is a Monday.
        let client_id = match place {
            Place::Home { client_id, .. } => client_id,
            Place::Centre(_) => 100 + id,
        };
        VisitFacts {
            id,
            client_id,
            staff_id: Some(1),
            day: day("2026-11-30"),
            start_min: start,
            duration_min: duration,
            place,
            skill: None,
        }
    }

    fn kinds(c: &[Conflict]) -> Vec<ConflictKind> {
        c.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn walking_time_follows_the_benchmark_rule() {
        // 800 m straight: 800 × 1.3 / 80 = 13 minutes exactly.
        let a = Place::Centre(Some(CENTRE));
        let b = home(7, 800.0, 0.0);
        let w = a.walk_to(b);
        assert!(!w.estimated);
        assert!((12..=13).contains(&w.minutes), "{w:?}");
        // The same home twice is no walk; a home without coordinates is a 15-minute guess.
        assert_eq!(b.walk_to(home(7, 800.0, 0.0)).minutes, 0);
        let unknown = Place::Home { client_id: 9, at: None };
        assert_eq!(a.walk_to(unknown), Walk { minutes: UNKNOWN_WALK_MIN, estimated: true });
        assert_eq!(walk_minutes_for(800.0), 13);
        assert_eq!(walk_minutes_for(801.0), 14);
    }

    #[test]
    fn the_offset_and_the_distance_agree() {
        let p = CENTRE.offset(300.0, 400.0);
        assert!((CENTRE.metres_to(p) - 500.0).abs() < 1.0);
    }

    #[test]
    fn a_clean_day_has_no_conflicts() {
        let v = [visit(1, 9 * 60, 60, home(1, 0.0, 300.0)), visit(2, 10 * 60 + 10, 45, home(2, 0.0, 600.0))];
        assert!(conflicts(&v, &[staff(1)], CENTRE_PLACE).is_empty());
    }

    #[test]
    fn overlapping_visits_are_a_double_booking() {
        let v = [visit(1, 9 * 60, 60, home(1, 0.0, 0.0)), visit(2, 9 * 60 + 30, 30, home(1, 0.0, 0.0))];
        let c = conflicts(&v, &[staff(1)], CENTRE_PLACE);
        assert_eq!(kinds(&c), vec![ConflictKind::DoubleBooked]);
        assert_eq!(c[0].visit_ids, vec![1, 2]);
    }

    #[test]
    fn a_gap_shorter_than_the_walk_is_flagged_with_both_figures() {
        // 1 km apart: 1000 × 1.3 / 80 = 16.25 → 17 minutes; only 10 between the visits.
        let v = [visit(1, 9 * 60, 50, home(1, 0.0, 0.0)), visit(2, 10 * 60, 30, home(2, 1000.0, 0.0))];
        let c = conflicts(&v, &[staff(1)], CENTRE_PLACE);
        assert_eq!(kinds(&c), vec![ConflictKind::NoWalkTime]);
        assert_eq!(c[0].walk_min, Some(17));
        assert_eq!(c[0].gap_min, Some(10));
        assert!(!c[0].estimated);
    }

    #[test]
    fn hours_days_leave_and_skills() {
        let mut s = staff(1);
        let early = visit(1, 7 * 60 + 30, 60, home(1, 0.0, 0.0));
        assert_eq!(
            kinds(&conflicts(std::slice::from_ref(&early), std::slice::from_ref(&s), CENTRE_PLACE)),
            vec![ConflictKind::OutsideHours]
        );
        let late = visit(2, 16 * 60 + 30, 45, home(1, 0.0, 0.0));
        assert_eq!(kinds(&conflicts(&[late], &[s.clone()], CENTRE_PLACE)), vec![ConflictKind::OutsideHours]);

        let saturday = VisitFacts { day: day("2026-12-05"), ..visit(3, 9 * 60, 30, home(1, 0.0, 0.0)) };
        assert_eq!(kinds(&conflicts(&[saturday], &[s.clone()], CENTRE_PLACE)), vec![ConflictKind::NotWorkingDay]);

        s.leave.push((day("2026-11-30"), day("2026-12-01")));
        let on_leave = visit(4, 9 * 60, 30, home(1, 0.0, 0.0));
        assert_eq!(kinds(&conflicts(&[on_leave], &[s.clone()], CENTRE_PLACE)), vec![ConflictKind::OnLeave]);

        let nursing = VisitFacts {
            skill: Some(Skill::NurseLicence),
            day: day("2026-12-02"),
            ..visit(5, 9 * 60, 30, home(1, 0.0, 0.0))
        };
        let c = conflicts(&[nursing], &[s], CENTRE_PLACE);
        assert_eq!(kinds(&c), vec![ConflictKind::MissingSkill]);
        assert_eq!(c[0].skill, Some(Skill::NurseLicence));
    }

    #[test]
    fn the_day_starts_and_ends_with_a_walk_from_and_to_the_facility() {
        // 1 km away: 17 minutes. At 08:10, ten minutes after work starts: too soon; ending
        // 16:50, ten minutes before it ends: too late to walk back.
        let far = home(1, 1000.0, 0.0);
        let first = visit(1, 8 * 60 + 10, 30, far);
        let last = visit(2, 16 * 60 + 20, 30, far);
        let c = conflicts(&[first, last], &[staff(1)], CENTRE_PLACE);
        assert_eq!(kinds(&c), vec![ConflictKind::NoWalkFromCentre, ConflictKind::NoWalkToCentre]);
        assert_eq!((c[0].visit_ids.clone(), c[0].walk_min, c[0].gap_min), (vec![1], Some(17), Some(10)));
        assert_eq!((c[1].visit_ids.clone(), c[1].gap_min), (vec![2], Some(10)));
        // At the centre itself, no walk.
        let here = visit(3, 8 * 60, 30, CENTRE_PLACE);
        assert!(conflicts(&[here], &[staff(1)], CENTRE_PLACE).is_empty());
    }

    #[test]
    fn a_client_cannot_have_two_visits_at_once_by_different_people() {
        let bath = visit(1, 9 * 60, 60, home(1, 0.0, 0.0));
        let rehab = VisitFacts { staff_id: Some(2), ..visit(2, 9 * 60 + 30, 45, home(1, 0.0, 0.0)) };
        let c = conflicts(&[bath.clone(), rehab], &[staff(1), staff(2)], CENTRE_PLACE);
        assert_eq!(kinds(&c), vec![ConflictKind::ClientDoubleBooked]);
        assert_eq!(c[0].visit_ids, vec![1, 2]);
        // After one another, fine.
        let later = VisitFacts { staff_id: Some(2), ..visit(3, 10 * 60, 45, home(1, 0.0, 0.0)) };
        assert!(conflicts(&[bath, later], &[staff(1), staff(2)], CENTRE_PLACE).is_empty());
    }

    #[test]
    fn unassigned_visits_have_no_conflicts() {
        let v = VisitFacts { staff_id: None, ..visit(1, 3 * 60, 60, home(1, 0.0, 0.0)) };
        assert!(conflicts(&[v], &[staff(1)], CENTRE_PLACE).is_empty());
    }

    #[test]
    fn clock_times_read_and_write() {
        assert_eq!(parse_clock("08:30", "f").unwrap(), 510);
        assert_eq!(parse_clock(" 9:05 ", "f").unwrap(), 545);
        assert_eq!(parse_clock("24:00", "f").unwrap(), 1440);
        for bad in ["24:01", "8:60", "0830", "", "ab:cd", "-1:00", "08:30:00"] {
            assert_eq!(parse_clock(bad, "f").unwrap_err().code, "visit.time_invalid", "{bad}");
        }
        assert_eq!(clock(545), "09:05");
    }

    #[test]
    fn preferred_days_are_spread_over_the_visits() {
        assert_eq!(day_groups(&[1, 2, 3, 4, 5], 2), vec![vec![1, 3, 5], vec![2, 4]]);
        assert_eq!(day_groups(&[1, 3, 5], 3), vec![vec![1], vec![3], vec![5]]);
        assert_eq!(day_groups(&[2], 2), vec![vec![2], vec![2]]);
        assert!(day_groups(&[], 2).is_empty());
    }
}
