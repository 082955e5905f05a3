//! Care visits in the demo city: where facilities stand and clients live, the care staff
//! with their skills, hours and leave, clients' care plans, each facility's regular week,
//! and a year of visits done, missed and refused.
//!
//! How it is drawn, and why:
//! - Places: each living circle sits a few kilometres from its district's centre (海勃湾,
//!   海南, 乌达), its facilities within 1.5 km of the circle's middle; 92 % of an elder
//!   facility's clients have their home located, within 1.5 km of the facility (most in a
//!   few residential compounds), the rest are not located (the walk is then assumed).
//! - Staff: the registry's demo staff have no care workers, so each centre gets 3–5
//!   caregivers and 1–2 nurses, each station one or two caregivers and often a nurse; one
//!   caregiver in three is trained in rehabilitation. Most work 08:00–17:00 on weekdays, some
//!   mornings only, some Tuesday to Saturday. Each takes a week or two of leave in the year.
//! - Plans: clients of 80 and over, living alone or with a stroke, dementia or diabetes are
//!   likelier to have one; a facility's plans fill about 40 % of its care staff's hours.
//!   Each plan holds one to three items (上门助浴, 助洁助餐, 用药检查, 康复训练, 健康监测,
//!   陪伴聊天) with their usual frequency, length, window, skill and place; a fifth began
//!   during the year, one in twenty has ended. What the regular week below cannot place
//!   (no one with the skill free then) is taken out of the plan, as a manager would.
//! - The regular week: each item's visits are given a day, time and staff member greedily
//!   (the same caregiver for a client where the skills allow), checking hours, overlaps (the
//!   staff member's and the client's) and the walks between homes and from and back to the
//!   facility, as the conflict rules do. Seven in ten become weekly series;
//!   the rest were placed by the scheduler week by week — so next week has work for "plan
//!   the week", and this week is complete.
//! - History: the last 52 weeks, from each item's start. Past visits are done 92 % of the
//!   time (started up to 10 minutes late, lasting within 10 minutes of the plan), missed 4 %
//!   (away, ill, in hospital, weather), refused 2.5 % and cancelled 1.5 %; half the missed
//!   are made up a day or two later. A visit on the day its caregiver is on leave goes to a
//!   colleague with the skill, or is missed with "staff unavailable". Today's are planned,
//!   for the demo user to record.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveTime, TimeZone};
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use super::{Ethnicity, Generation, SeedProgress, SeedReport, Seeder};
use crate::clock::local_offset;
use crate::dates::monday_of;
use crate::domain::facility::{days_to_bits, Service};
use crate::domain::person::{Skill, StaffFields, StaffJob};
use crate::domain::visits::{clock, day_groups, CarePlace, GeoPoint, Place, VisitReason, VisitSource, VisitStatus};
use crate::error::Result;
use crate::services::people::write_staff;
use crate::services::visits::edit::{write_series, write_visit, SeriesRow, VisitRecordRow, VisitRow};
use crate::services::visits::leave::write_leave;
use crate::services::visits::plans::{write_plan_item, PlanFields};
use crate::store::utc_stamp;

/// Weeks of visits before this one.
pub(super) const VISIT_HISTORY_WEEKS: u64 = 52;
/// Share of the care staff's hours the plans fill.
const PLAN_FILL: f64 = 0.4;

const DISTRICT_CENTRES: [(i64, GeoPoint); 3] = [
    (1, GeoPoint { lat: 39.6740, lon: 106.8250 }),
    (2, GeoPoint { lat: 39.4420, lon: 106.8870 }),
    (3, GeoPoint { lat: 39.5050, lon: 106.7250 }),
];

/// A kind of plan item as facilities write them.
struct Template {
    title: &'static str,
    service: Service,
    per_week: (u32, u32),
    minutes: u32,
    window: (u32, u32),
    skill: Option<Skill>,
    place: CarePlace,
}

const TEMPLATES: &[Template] = &[
    Template {
        title: "上门助浴",
        service: Service::DailyCare,
        per_week: (1, 2),
        minutes: 60,
        window: (540, 690),
        skill: Some(Skill::CaregiverCertificate),
        place: CarePlace::Home,
    },
    Template {
        title: "助洁助餐",
        service: Service::DailyCare,
        per_week: (2, 3),
        minutes: 45,
        window: (510, 690),
        skill: Some(Skill::CaregiverCertificate),
        place: CarePlace::Home,
    },
    Template {
        title: "用药检查",
        service: Service::Nursing,
        per_week: (2, 3),
        minutes: 20,
        window: (480, 660),
        skill: Some(Skill::NurseLicence),
        place: CarePlace::Home,
    },
    Template {
        title: "康复训练",
        service: Service::Rehabilitation,
        per_week: (2, 2),
        minutes: 45,
        window: (840, 990),
        skill: Some(Skill::Rehabilitation),
        place: CarePlace::Centre,
    },
    Template {
        title: "健康监测",
        service: Service::Medical,
        per_week: (1, 1),
        minutes: 30,
        window: (510, 690),
        skill: Some(Skill::NurseLicence),
        place: CarePlace::Home,
    },
    Template {
        title: "陪伴聊天",
        service: Service::Recreation,
        per_week: (1, 1),
        minutes: 60,
        window: (840, 1020),
        skill: None,
        place: CarePlace::Home,
    },
];

struct Carer {
    id: i64,
    name: String,
    skills: Vec<Skill>,
    days: Vec<u8>,
    start: u32,
    end: u32,
    leave: Vec<(NaiveDate, NaiveDate)>,
}

impl Carer {
    fn week_minutes(&self) -> u32 {
        self.days.len() as u32 * (self.end - self.start).min(480)
    }

    fn on_leave(&self, day: NaiveDate) -> bool {
        self.leave.iter().any(|(a, b)| *a <= day && day <= *b)
    }
}

struct Item {
    id: i64,
    client_id: i64,
    per_week: u32,
    days: Vec<u8>,
    window: (u32, u32),
    duration: u32,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    place: CarePlace,
    skill: Option<Skill>,
}

/// A regular slot of the week: item, ISO weekday, start, staff.
struct Slot {
    item: usize,
    weekday: u8,
    start: u32,
    carer: usize,
    series: Option<i64>,
}

#[derive(Default)]
pub(super) struct VisitCounts {
    pub visits: u64,
}

impl Seeder<'_> {
    pub(super) fn care_visits(
        &mut self,
        report: &mut SeedReport,
        progress: &mut dyn FnMut(SeedProgress),
    ) -> Result<()> {
        let mut rng = SmallRng::seed_from_u64(self.rng.random());
        self.locate(&mut rng)?;
        let facilities: Vec<(i64, bool, GeoPoint)> = {
            let mut stmt = self.conn.prepare(
                "SELECT id, kind = 'elder_centre', lat, lon FROM facilities WHERE kind != 'childcare' ORDER BY id",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, GeoPoint { lat: r.get(2)?, lon: r.get(3)? })))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut counts = VisitCounts::default();
        for (i, (facility_id, centre, at)) in facilities.iter().enumerate() {
            let carers = self.care_staff(&mut rng, *facility_id, *centre, report)?;
            let items = self.plans(&mut rng, *facility_id, &carers)?;
            let slots = self.regular_week(&mut rng, *facility_id, *at, &carers, &items)?;
            self.history(&mut rng, *facility_id, &carers, &items, &slots, &mut counts)?;
            if i % 8 == 0 {
                progress(SeedProgress { stage: "visits".into(), done: i as u64, total: facilities.len() as u64 });
            }
        }
        report.care_plan_items =
            self.conn.query_row("SELECT count(*) FROM care_plan_items", [], |r| r.get::<_, i64>(0))? as u64;
        report.visits = counts.visits;
        Ok(())
    }

    /// Facilities near their circle's middle; elder clients' homes near their facility.
    fn locate(&mut self, rng: &mut SmallRng) -> Result<()> {
        let circles: Vec<(i64, i64)> = {
            let mut stmt = self.conn.prepare("SELECT id, district_id FROM living_circles ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut middles = HashMap::new();
        for (circle, district) in circles {
            let base = DISTRICT_CENTRES.iter().find(|(d, _)| *d == district).map_or(DISTRICT_CENTRES[0].1, |(_, p)| *p);
            middles.insert(circle, base.offset(rng.random_range(-5000.0..5000.0), rng.random_range(-5000.0..5000.0)));
        }
        let facilities: Vec<(i64, i64)> = {
            let mut stmt = self.conn.prepare(
                "SELECT f.id, co.circle_id FROM facilities f JOIN communities co ON co.id = f.community_id ORDER BY f.id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut set_facility = self.conn.prepare("UPDATE facilities SET lat = ?2, lon = ?3 WHERE id = ?1")?;
        let mut set_home = self.conn.prepare("UPDATE clients SET home_lat = ?2, home_lon = ?3 WHERE id = ?1")?;
        for (facility, circle) in facilities {
            let at = middles[&circle].offset(rng.random_range(-1500.0..1500.0), rng.random_range(-1500.0..1500.0));
            set_facility.execute(params![facility, at.lat, at.lon])?;
            // A few residential compounds hold most homes.
            let compounds: Vec<GeoPoint> = (0..6).map(|_| around(rng, at, 1200.0)).collect();
            let clients: Vec<i64> = {
                let mut stmt = self.conn.prepare_cached("SELECT id FROM clients WHERE facility_id = ?1 ORDER BY id")?;
                let rows = stmt.query_map([facility], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for client in clients {
                if rng.random_bool(0.08) {
                    continue;
                }
                let home = if rng.random_bool(0.7) {
                    let compound = *compounds.choose(rng).expect("six compounds");
                    around(rng, compound, 150.0)
                } else {
                    around(rng, at, 1500.0)
                };
                set_home.execute(params![client, home.lat, home.lon])?;
            }
        }
        Ok(())
    }

    /// Skills for the registry's staff, and the facility's care workers.
    fn care_staff(
        &mut self,
        rng: &mut SmallRng,
        facility_id: i64,
        centre: bool,
        report: &mut SeedReport,
    ) -> Result<Vec<Carer>> {
        let (caregivers, nurses) = if centre {
            (rng.random_range(3..=5), rng.random_range(1..=2))
        } else {
            (rng.random_range(1..=2), usize::from(rng.random_bool(0.6)))
        };
        let mut carers = Vec::new();
        for n in 0..caregivers + nurses {
            let nurse = n >= caregivers;
            let male = rng.random_bool(if nurse { 0.1 } else { 0.3 });
            let ethnicity = if rng.random_bool(0.85) { Ethnicity::Han } else { Ethnicity::Mongol };
            let name = self.name(ethnicity, male, Generation::Adult);
            let phone = self.phone();
            let mut skills =
                if nurse { vec![Skill::NurseLicence, Skill::HealthWorker] } else { vec![Skill::CaregiverCertificate] };
            // The first caregiver of a centre is trained in rehabilitation, others now and then.
            if !nurse && ((centre && n == 0) || rng.random_bool(0.3)) {
                skills.push(Skill::Rehabilitation);
            }
            let (days, start, end): (Vec<u8>, u32, u32) = match rng.random_range(0..100) {
                0..=64 => (vec![1, 2, 3, 4, 5], 480, 1020),
                65..=79 => (vec![1, 2, 3, 4, 5], 480, 720),
                _ => (vec![2, 3, 4, 5, 6], 480, 1020),
            };
            let job = if nurse { StaffJob::Nurse } else { StaffJob::Caregiver };
            let fields = StaffFields {
                work_starts: clock(start),
                work_ends: clock(end),
                work_days_bits: days_to_bits(&days),
                ..self.staff_fields(facility_id, name.clone(), male, job, phone, skills.clone())
            };
            let id = write_staff(self.conn, &fields, &self.now, true)?;
            report.staff += 1;
            // A week or two of leave in the year, and now and then next week.
            let mut leave = Vec::new();
            let from = self.today - Days::new(rng.random_range(14..350));
            leave.push((from, from + Days::new(rng.random_range(4..13))));
            if rng.random_bool(0.08) {
                let from = monday_of(self.today) + Days::new(7 + rng.random_range(0..4));
                leave.push((from, from + Days::new(rng.random_range(0..2))));
            }
            for (a, b) in &leave {
                let reason = ["年假", "病假", "事假"][rng.random_range(0..3)];
                write_leave(self.conn, id, (*a, *b), Some(reason), &self.now)?;
            }
            carers.push(Carer { id, name, skills, days, start, end, leave });
        }
        Ok(carers)
    }

    /// Care plans for the clients who most need them, until they fill the staff's hours.
    fn plans(&mut self, rng: &mut SmallRng, facility_id: i64, carers: &[Carer]) -> Result<Vec<Item>> {
        let budget = carers.iter().map(Carer::week_minutes).sum::<u32>() as f64 * PLAN_FILL;
        let has = |s: Skill| carers.iter().any(|c| c.skills.contains(&s));
        let mut candidates: Vec<(f64, i64, bool)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, birth_date, living_situation, chronic_conditions FROM clients
                  WHERE facility_id = ?1 AND status = 'active' ORDER BY id",
            )?;
            let rows = stmt.query_map([facility_id], |r| {
                let birth: String = r.get(1)?;
                let situation: String = r.get(2)?;
                let conditions: String = r.get(3)?;
                Ok((r.get::<_, i64>(0)?, birth, situation, conditions))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, birth, situation, conditions) = row?;
                let old = birth.as_str() < (self.today - Days::new(80 * 365)).to_string().as_str();
                let mut need = rng.random_range(0.0..1.0);
                need += if old { 0.6 } else { 0.0 };
                need += if situation == "alone" { 0.4 } else { 0.0 };
                need += if conditions.contains("stroke") || conditions.contains("dementia") { 0.5 } else { 0.0 };
                let chronic = conditions.contains("hypertension") || conditions.contains("diabetes");
                out.push((need, id, chronic));
            }
            out
        };
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut used = 0.0;
        let mut items = Vec::new();
        for (_, client_id, chronic) in candidates {
            if used >= budget {
                break;
            }
            let mut picks: Vec<usize> = vec![if rng.random_bool(0.5) { 0 } else { 1 }];
            if chronic && has(Skill::NurseLicence) {
                picks.push(2);
            }
            if rng.random_bool(0.25) && has(Skill::Rehabilitation) {
                picks.push(3);
            }
            if rng.random_bool(0.3) {
                picks.push(if has(Skill::NurseLicence) && rng.random_bool(0.4) { 4 } else { 5 });
            }
            let starts_on = if rng.random_bool(0.2) {
                self.today - Days::new(rng.random_range(7..300))
            } else {
                self.today - Days::new(7 * VISIT_HISTORY_WEEKS + rng.random_range(7..400))
            };
            let ends_on = rng
                .random_bool(0.05)
                .then(|| self.today - Days::new(rng.random_range(1..60)))
                .filter(|e| *e > starts_on);
            for t in picks.into_iter().map(|i| &TEMPLATES[i]) {
                let per_week = rng.random_range(t.per_week.0..=t.per_week.1);
                let days: Vec<u8> = match per_week {
                    1 => vec![rng.random_range(1..=5)],
                    2 if rng.random_bool(0.5) => vec![2, 4],
                    _ => vec![1, 2, 3, 4, 5],
                };
                let days = if days.len() < per_week as usize { vec![1, 2, 3, 4, 5] } else { days };
                let fields = PlanFields {
                    service: t.service,
                    title: t.title.to_string(),
                    visits_per_week: per_week,
                    duration_min: t.minutes,
                    preferred_days: days_to_bits(&days),
                    window_start: t.window.0,
                    window_end: t.window.1,
                    skill: t.skill,
                    place: t.place,
                    starts_on,
                    ends_on,
                    note: None,
                };
                items.push(Item {
                    id: write_plan_item(self.conn, client_id, facility_id, &fields, &self.now, true)?,
                    client_id,
                    per_week,
                    days,
                    window: t.window,
                    duration: t.minutes,
                    starts_on,
                    ends_on,
                    place: t.place,
                    skill: t.skill,
                });
                // Room for the visit and a walk either side.
                used += f64::from(per_week * (t.minutes + 20));
            }
        }
        Ok(items)
    }

    /// Each item's visits given a weekday, time and staff member; most become weekly series.
    fn regular_week(
        &mut self,
        rng: &mut SmallRng,
        facility_id: i64,
        centre: GeoPoint,
        carers: &[Carer],
        items: &[Item],
    ) -> Result<Vec<Slot>> {
        let homes: HashMap<i64, Option<GeoPoint>> = {
            let mut stmt =
                self.conn.prepare_cached("SELECT id, home_lat, home_lon FROM clients WHERE facility_id = ?1")?;
            let rows =
                stmt.query_map([facility_id], |r| Ok((r.get(0)?, GeoPoint::from_parts(r.get(1)?, r.get(2)?))))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let depot = Place::Centre(Some(centre));
        let place = |item: &Item| match item.place {
            CarePlace::Centre => Place::Centre(Some(centre)),
            CarePlace::Home => {
                Place::Home { client_id: item.client_id, at: homes.get(&item.client_id).copied().flatten() }
            }
        };
        // Each carer's week: (weekday, start, end, place), kept sorted.
        let mut busy: Vec<Vec<(u8, u32, u32, Place)>> = vec![Vec::new(); carers.len()];
        let mut usual: HashMap<i64, usize> = HashMap::new();
        // Each client's visits (weekday, start, end): one at a time.
        let mut client_busy: HashMap<i64, Vec<(u8, u32, u32)>> = HashMap::new();
        let mut slots = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let (ws, we) = item.window;
            let here = place(item);
            for group in day_groups(&item.days, item.per_week) {
                let mut order: Vec<usize> =
                    (0..carers.len()).filter(|c| item.skill.is_none_or(|s| carers[*c].skills.contains(&s))).collect();
                let first = usual.get(&item.client_id).copied();
                order.sort_by_key(|c| (Some(*c) != first, busy[*c].len()));
                let found = order.iter().find_map(|&c| {
                    group.iter().filter(|d| carers[c].days.contains(d)).find_map(|&d| {
                        let carer = &carers[c];
                        // The day starts and ends at the facility (as the scheduler plans it).
                        let earliest = carer.start + depot.walk_to(here).minutes;
                        let latest = carer.end.saturating_sub(here.walk_to(depot).minutes + item.duration);
                        (ws.max(earliest)..=(we - item.duration).min(latest))
                            .step_by(15)
                            .find(|&start| {
                                let end = start + item.duration;
                                let free = client_busy
                                    .get(&item.client_id)
                                    .is_none_or(|b| b.iter().all(|&(bd, bs, be)| bd != d || be <= start || bs >= end));
                                free && fits(&busy[c], d, start, end, here)
                            })
                            .map(|start| (c, d, start))
                    })
                });
                if let Some((c, d, start)) = found {
                    busy[c].push((d, start, start + item.duration, here));
                    client_busy.entry(item.client_id).or_default().push((d, start, start + item.duration));
                    busy[c].sort_by_key(|b| (b.0, b.1));
                    usual.entry(item.client_id).or_insert(c);
                    slots.push(Slot { item: index, weekday: d, start, carer: c, series: None });
                }
            }
        }
        // What the staff could not take is not planned: the manager would have seen it. An
        // item keeps the visits a week that were placed (none placed: no item).
        for (index, item) in items.iter().enumerate() {
            let placed = slots.iter().filter(|s| s.item == index).count();
            if placed == 0 {
                self.conn.execute("DELETE FROM care_plan_items WHERE id = ?1", [item.id])?;
            } else {
                self.conn.execute(
                    "UPDATE care_plan_items SET visits_per_week = min(visits_per_week, ?2) WHERE id = ?1",
                    params![item.id, placed as i64],
                )?;
            }
        }
        // Seven in ten become weekly series, from the item's start.
        for slot in slots.iter_mut().filter(|_| rng.random_bool(0.7)) {
            let item = &items[slot.item];
            let series = SeriesRow {
                facility_id,
                plan_item_id: item.id,
                client_id: item.client_id,
                staff_id: Some(carers[slot.carer].id),
                weekday: u32::from(slot.weekday),
                start_min: slot.start,
                duration_min: item.duration,
                from_day: item.starts_on,
                until_day: item.ends_on,
            };
            slot.series = Some(write_series(self.conn, &series, &self.now)?);
        }
        Ok(slots)
    }

    /// The year's visits of the regular week, with what happened; this week's too.
    fn history(
        &mut self,
        rng: &mut SmallRng,
        facility_id: i64,
        carers: &[Carer],
        items: &[Item],
        slots: &[Slot],
        counts: &mut VisitCounts,
    ) -> Result<()> {
        let this_week = monday_of(self.today);
        for week in 0..=VISIT_HISTORY_WEEKS {
            let monday = this_week - Days::new(7 * (VISIT_HISTORY_WEEKS - week));
            for slot in slots {
                let item = &items[slot.item];
                let day = monday + Days::new(u64::from(slot.weekday) - 1);
                if day < item.starts_on || item.ends_on.is_some_and(|e| day > e) {
                    continue;
                }
                // From today on a series writes its own visits when the week is opened.
                if slot.series.is_some() && day >= self.today {
                    continue;
                }
                let skill_ok = |c: &Carer| item.skill.is_none_or(|s| c.skills.contains(&s));
                let mut carer = Some(slot.carer).filter(|c| !carers[*c].on_leave(day));
                if carer.is_none() {
                    carer = (0..carers.len()).find(|c| {
                        *c != slot.carer
                            && skill_ok(&carers[*c])
                            && carers[*c].days.contains(&slot.weekday)
                            && !carers[*c].on_leave(day)
                    });
                }
                let past = day < self.today;
                let roll = rng.random_range(0..1000);
                use VisitReason::*;
                let (status, reason) = match (past, carer) {
                    (false, _) => (VisitStatus::Planned, None),
                    (true, None) => (VisitStatus::Missed, Some(StaffUnavailable)),
                    (true, Some(_)) if roll < 920 => (VisitStatus::Done, None),
                    (true, Some(_)) if roll < 960 => (
                        VisitStatus::Missed,
                        Some([ClientAway, ClientIll, InHospital, Weather][rng.random_range(0..4)]),
                    ),
                    (true, Some(_)) if roll < 985 => (VisitStatus::Refused, Some(ClientDeclined)),
                    (true, Some(_)) => (VisitStatus::Cancelled, None),
                };
                let staff = carer.unwrap_or(slot.carer);
                let done = (status == VisitStatus::Done).then(|| {
                    let start = slot.start + rng.random_range(0..=10);
                    let length = (item.duration as i64 + rng.random_range(-10..=10)).max(5) as u32;
                    (start, (start + length).min(1440))
                });
                let record = (past && status != VisitStatus::Cancelled).then(|| VisitRecordRow {
                    done,
                    reason,
                    by: 0,
                    by_name: carers[staff].name.clone(),
                    at: self.stamp(day, done.map_or(slot.start, |d| d.1)),
                });
                let row = VisitRow {
                    facility_id,
                    client_id: item.client_id,
                    plan_item_id: item.id,
                    staff_id: Some(carers[staff].id),
                    day,
                    start_min: slot.start,
                    duration_min: item.duration,
                    place: item.place,
                    source: if slot.series.is_some() { VisitSource::Series } else { VisitSource::Scheduler },
                    locked: status == VisitStatus::Cancelled,
                    makes_up_for: None,
                    series: slot.series.map(|id| (id, day)),
                    status,
                    record,
                    is_demo: true,
                };
                let id = write_visit(self.conn, &row, &self.now)?;
                counts.visits += 1;
                if status == VisitStatus::Missed && reason != Some(StaffUnavailable) && rng.random_bool(0.5) {
                    let later = day + Days::new(rng.random_range(1..=2));
                    if later < self.today {
                        let (start, end) = (slot.start, slot.start + item.duration);
                        let make_up = VisitRow {
                            facility_id,
                            client_id: item.client_id,
                            plan_item_id: item.id,
                            staff_id: Some(carers[staff].id),
                            day: later,
                            start_min: start,
                            duration_min: item.duration,
                            place: item.place,
                            source: VisitSource::Manual,
                            locked: true,
                            makes_up_for: Some(id),
                            series: None,
                            status: VisitStatus::Done,
                            record: Some(VisitRecordRow {
                                done: Some((start, end)),
                                reason: None,
                                by: 0,
                                by_name: carers[staff].name.clone(),
                                at: self.stamp(later, end),
                            }),
                            is_demo: true,
                        };
                        write_visit(self.conn, &make_up, &self.now)?;
                        counts.visits += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// `minute` of local `day` as a stored instant.
    fn stamp(&self, day: NaiveDate, minute: u32) -> String {
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(minute.min(1439) * 60, 0).expect("a minute of the day");
        let local =
            local_offset().from_local_datetime(&day.and_time(time)).single().expect("a fixed offset is unambiguous");
        utc_stamp(local.to_utc())
    }
}

/// Whether a visit from `start` to `end` on `weekday` at `here` fits a carer's week: no
/// overlap, and the walk from the visit before and to the visit after fits in the gaps.
fn fits(busy: &[(u8, u32, u32, Place)], weekday: u8, start: u32, end: u32, here: Place) -> bool {
    busy.iter().filter(|b| b.0 == weekday).all(|&(_, s, e, there)| {
        if e <= start {
            e + there.walk_to(here).minutes <= start
        } else if s >= end {
            end + here.walk_to(there).minutes <= s
        } else {
            false
        }
    })
}

/// A point within `radius` metres of `at`, evenly over the disc.
fn around(rng: &mut SmallRng, at: GeoPoint, radius: f64) -> GeoPoint {
    let r = radius * rng.random_range(0.0f64..1.0).sqrt();
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    at.offset(r * angle.cos(), r * angle.sin())
}
