//! A year of children's health at the childcare units, as the unit's health worker would
//! have kept it (托儿所幼儿园卫生保健工作规范): a morning check (晨检) of every child present
//! on each day the unit was open, a noon check (午检) for the last month only, medicine from
//! home with each dose given, and growth measurements on the examination schedule, read
//! against the WHO standards exactly as `record_growth` reads them.
//!
//! How the year is drawn, and why:
//! - The units are open Monday to Friday, closed for the Spring Festival fortnight and the
//!   New Year, Labour Day and National Day holidays; a child comes on about nine days in ten
//!   from the enrolment day. Days before today only: today's sheet is the user's to fill in.
//! - A well child reads N(36.6, 0.25) °C, below 37.3; a seasonal share are feverish (more in
//!   winter), and a few show signs (red throat, poor spirits, stools, rash…) and unsafe objects.
//!   Every finding gets an action by the rules the service enforces: 38 °C and over is sent
//!   home, an isolated child or one sent home always has the guardian told, and a child sent
//!   home stays away a day or more.
//! - Medicine from home mostly follows a finding (cough syrup after a red throat), now and
//!   then not; a dose is given on each day the child is in, rarely one missed.
//! - Each child keeps one height and one weight-for-height z-score, N(0.1, 0.9) and a little
//!   correlated, drifting between measurements, so a plausible few are stunted, wasted or
//!   overweight. Values are read off the WHO curves, then assessed like a typed entry.
//! - Examinations follow [`next_exam`]: the entry examination in the month before enrolment,
//!   then every 6 months under 3 and yearly from 3, some a little late, and a few children's
//!   last one not done, so they are overdue now. Under-2s are also weighed monthly.
//! - No attendance rows: the desk's board is the desk's (who came, who collected them), and
//!   a check does not need a check-in (see the service). A year of it would double the
//!   largest table for no reading that needs it.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::Rng;
use rand_distr::{Distribution, Normal};
use rusqlite::Connection;

use super::{SeedProgress, SeedReport, Seeder};
use crate::clock::local_offset;
use crate::domain::growth::{self, curves_at, Curve, GrowthClass, GrowthInput, Indicator};
use crate::domain::resident_id::Sex;
use crate::error::Result;
use crate::services::child_health::{
    next_exam, write_check, write_dose, write_measurement, write_medicine, CheckAction, CheckRow, CheckSession,
    CheckSigns, ExamFacts, GrowthPurpose, MeasurementRow, MedicineFields, FEVER_FROM_C,
};
use crate::store::utc_stamp;

/// Days of history seeded before today.
const HISTORY_DAYS: u64 = 365;
/// Noon checks are seeded for this many days only: the table stays a reasonable size.
const NOON_CHECK_DAYS: u64 = 30;
/// The share of days an enrolled child comes in.
const ATTENDANCE: f64 = 0.9;
/// From this temperature a child is sent home, not kept under observation.
const SEND_HOME_FROM_C: f64 = 38.0;
/// A new course of medicine from home on a day in, when nothing prompted it.
const MEDICINE_UNPROMPTED: f64 = 0.004;
/// The standards' 3-year mark: head circumference is measured under it.
const HEAD_UNTIL_DAY: u32 = 1095;

/// Spring Festival (春节) by year, for the unit's winter break.
const SPRING_FESTIVALS: &[(i32, u32, u32)] = &[
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

/// Unsafe objects found on arrival (四查).
const UNSAFE_ITEMS: &[&str] = &["纽扣", "小玩具零件", "硬币", "发卡", "弹珠", "纽扣电池", "小石子", "磁力珠"];

/// Medicine a guardian brings: name, dose, doses a day at the unit, when, days of the course.
type Remedy = (&'static str, &'static str, u8, &'static str, u64);

const FOR_COUGH: &[Remedy] = &[
    ("小儿止咳糖浆", "5 ml", 2, "10:00, 14:30", 3),
    ("小儿肺热咳喘口服液", "10 ml", 2, "10:00, 14:30", 3),
    ("氨溴索口服溶液", "2.5 ml", 2, "10:00, 14:30", 5),
    ("阿莫西林颗粒", "0.125 g", 2, "10:00, 14:30", 5),
    ("小儿豉翘清热颗粒", "1 袋", 2, "10:00, 14:30", 3),
];
const FOR_STOOLS: &[Remedy] = &[
    ("蒙脱石散", "1 袋", 2, "10:00, 14:30", 2),
    ("益生菌", "1 袋", 1, "10:00", 5),
    ("口服补液盐散", "1 袋", 1, "10:30", 2),
];
const FOR_RASH: &[Remedy] =
    &[("氯雷他定糖浆", "5 ml", 1, "10:00", 7), ("炉甘石洗剂", "外用适量", 2, "10:00, 15:00", 3)];
const UNPROMPTED: &[Remedy] = &[
    ("益生菌", "1 袋", 1, "10:00", 5),
    ("小儿止咳糖浆", "5 ml", 2, "10:00, 14:30", 3),
    ("维生素AD滴剂", "1 粒", 1, "11:30", 14),
    ("氯雷他定糖浆", "5 ml", 1, "10:00", 7),
];

struct DemoChild {
    id: i64,
    facility_id: i64,
    birth: NaiveDate,
    sex: Sex,
    enrolled_on: NaiveDate,
    left_on: Option<NaiveDate>,
}

/// The people of a unit who check children and give medicine.
#[derive(Default)]
struct UnitStaff {
    health_workers: Vec<String>,
    teachers: Vec<String>,
}

/// A day the units are open.
struct SchoolDay {
    date: NaiveDate,
    /// Local midnight, as an instant.
    midnight: DateTime<Utc>,
    /// 0.25 in high summer to 1 in midwinter: how much fever and coughing goes round.
    season: f64,
    noon: bool,
}

impl SchoolDay {
    /// The instant `minutes` after local midnight, as stored.
    fn stamp(&self, minutes: f64) -> String {
        utc_stamp(self.midnight + chrono::Duration::seconds((minutes * 60.0) as i64))
    }
}

/// What was found at a check, for what follows it.
#[derive(Clone, Copy, Default)]
struct Outcome {
    action: CheckAction,
    temperature: f64,
    signs: CheckSigns,
}

/// What brings a guardian with medicine the next day in.
#[derive(Clone, Copy)]
enum Ailment {
    Cough,
    Stools,
    Rash,
}

/// A child's year as it unfolds day by day.
struct ChildYear<'c> {
    child: &'c DemoChild,
    guardians: &'c [String],
    /// Kept at home until this day, after being sent home.
    away_until: Option<NaiveDate>,
    /// Medicine the guardian will bring on the next day in.
    prompted: Option<Ailment>,
    course: Option<Course>,
}

/// A course of medicine running for the child.
struct Course {
    id: i64,
    to_day: NaiveDate,
    /// Minutes after midnight of each dose.
    times: Vec<f64>,
}

/// The statements and counters of one seeding.
/// Where the stage writes (through the child-health services' writers) and what it counts.
struct Writer<'c> {
    conn: &'c Connection,
    checks: u64,
    medicines: u64,
    doses: u64,
    measurements: u64,
}

/// The WHO curves seeding draws values from, per sex: SD lines by day or by cm.
struct Standards {
    length: Vec<Curve>,
    head: Vec<Curve>,
    bmi: Vec<Curve>,
    for_length: Vec<Curve>,
    for_height: Vec<Curve>,
}

impl Standards {
    fn of(sex: Sex) -> Standards {
        Standards {
            length: curves_at(Indicator::LengthForAge, sex, 0),
            head: curves_at(Indicator::HeadForAge, sex, 0),
            bmi: curves_at(Indicator::BmiForAge, sex, 0),
            for_length: curves_at(Indicator::WeightForLength, sex, 0),
            for_height: curves_at(Indicator::WeightForLength, sex, growth::HEIGHT_FROM_DAY),
        }
    }

    /// Length lying to day 730, height standing after; past the tables, the last day's
    /// value grown on by about 5.5 % a year (some 6 cm at five).
    fn height(&self, day: u32, z: f64) -> f64 {
        let last = growth::MAX_AGE_DAYS;
        let at_last = read(&self.length, f64::from(day.min(last)), z).expect("days 0–1856 are in the table");
        at_last * (1.0 + 0.055 * f64::from(day.saturating_sub(last)) / 365.25)
    }

    /// Weight from the length/height and the weight-for-length z-score; outside that table,
    /// from BMI-for-age.
    fn weight(&self, day: u32, height: f64, z: f64) -> f64 {
        let table = if day < growth::HEIGHT_FROM_DAY { &self.for_length } else { &self.for_height };
        read(table, height, z).unwrap_or_else(|| {
            let bmi = read(&self.bmi, f64::from(day.min(growth::MAX_AGE_DAYS)), z).expect("in the table");
            bmi * (height / 100.0).powi(2)
        })
    }

    fn head(&self, day: u32, z: f64) -> f64 {
        read(&self.head, f64::from(day), z).expect("under 3 is in the table")
    }
}

/// The value at `z` for `x`, interpolated between the curve's points and its SD lines (the
/// outer lines' spacing carries on past ±3); `None` outside the curve.
fn read(curves: &[Curve], x: f64, z: f64) -> Option<f64> {
    let at_line = |sd: &[f64; 7]| {
        let k = (z + 3.0).floor().clamp(0.0, 5.0);
        let i = k as usize;
        sd[i] + (z + 3.0 - k) * (sd[i + 1] - sd[i])
    };
    let upper = curves.partition_point(|c| c.x < x);
    let hi = curves.get(upper)?;
    if (hi.x - x).abs() < 1e-9 {
        return Some(at_line(&hi.sd));
    }
    let lo = curves.get(upper.checked_sub(1)?)?;
    let t = (x - lo.x) / (hi.x - lo.x);
    Some(at_line(&lo.sd) + t * (at_line(&hi.sd) - at_line(&lo.sd)))
}

fn spring_festival(year: i32) -> NaiveDate {
    let (_, m, d) = SPRING_FESTIVALS.iter().find(|(y, _, _)| *y == year).copied().unwrap_or((year, 2, 5));
    NaiveDate::from_ymd_opt(year, m, d).expect("valid dates")
}

/// Closed: weekends, the Spring Festival fortnight, New Year's Day, Labour Day (1–5 May) and
/// National Day (1–7 October). Make-up working weekends (调休) are left out: a check on a
/// Saturday would read as an error.
fn is_closed(d: NaiveDate) -> bool {
    let festival = spring_festival(d.year());
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || (festival - Days::new(3) <= d && d <= festival + Days::new(11))
        || (d.month(), d.day()) == (1, 1)
        || (d.month() == 5 && d.day() <= 5)
        || (d.month() == 10 && d.day() <= 7)
}

/// How much fever and coughing goes round in the month.
fn season(month: u32) -> f64 {
    [1.0, 1.0, 0.8, 0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.6, 0.8, 1.0][month as usize - 1]
}

/// The start of a day in Wuhai, as an instant.
fn local_midnight(date: NaiveDate) -> DateTime<Utc> {
    local_offset().from_local_datetime(&date.and_time(NaiveTime::MIN)).single().expect("fixed offset").to_utc()
}

/// The days the units were open from `from` up to the day before `today`.
fn school_days(from: NaiveDate, today: NaiveDate) -> Vec<SchoolDay> {
    let noon_from = today - Days::new(NOON_CHECK_DAYS);
    from.iter_days()
        .take_while(|d| *d < today)
        .filter(|d| !is_closed(*d))
        .map(|date| SchoolDay {
            date,
            midnight: local_midnight(date),
            season: season(date.month()),
            noon: date >= noon_from,
        })
        .collect()
}

/// The next day the unit is open, from `d` on.
fn open_on_or_after(mut d: NaiveDate) -> NaiveDate {
    while is_closed(d) {
        d = d + Days::new(1);
    }
    d
}

fn pick<'s>(rng: &mut StdRng, from: &'s [String], fallback: &'s str) -> &'s str {
    if from.is_empty() {
        fallback
    } else {
        &from[rng.random_range(0..from.len())]
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// "10:00, 14:30" as minutes after midnight.
fn minutes_of(times: &str) -> Vec<f64> {
    times
        .split(", ")
        .filter_map(|t| t.split_once(':'))
        .filter_map(|(h, m)| Some(h.parse::<f64>().ok()? * 60.0 + m.parse::<f64>().ok()?))
        .collect()
}

impl Seeder<'_> {
    pub(super) fn child_health(
        &mut self,
        report: &mut SeedReport,
        progress: &mut dyn FnMut(SeedProgress),
    ) -> Result<()> {
        let children = self.demo_children()?;
        let guardians = self.child_guardians()?;
        let staff = self.childcare_staff()?;
        let days = school_days(self.today - Days::new(HISTORY_DAYS), self.today);
        let standards = [Standards::of(Sex::Male), Standards::of(Sex::Female)];
        let conn = self.conn;
        let mut w = Writer { conn, checks: 0, medicines: 0, doses: 0, measurements: 0 };
        // Unit by unit, day by day, as the sheets were filled in (which also keeps the pages
        // SQLite touches for both indexes of the checks few at a time).
        let nobody = UnitStaff::default();
        let mut units: Vec<i64> = children.iter().map(|c| c.facility_id).collect();
        units.sort_unstable();
        units.dedup();
        for (i, unit_id) in units.iter().enumerate() {
            let unit = staff.get(unit_id).unwrap_or(&nobody);
            let mut years: Vec<ChildYear> = Vec::new();
            for child in children.iter().filter(|c| c.facility_id == *unit_id) {
                self.child_growth(child, unit, &standards[usize::from(child.sex == Sex::Female)], &mut w)?;
                let guardians = guardians.get(&child.id).map(Vec::as_slice).unwrap_or_default();
                years.push(ChildYear { child, guardians, away_until: None, prompted: None, course: None });
            }
            for day in &days {
                // The health worker on duty checks the whole unit.
                let worker = if self.rng.random_bool(0.85) { unit.health_workers.first() } else { None };
                let worker =
                    worker.map_or_else(|| pick(&mut self.rng, &unit.health_workers, "演示保健员"), String::as_str);
                for year in years.iter_mut() {
                    let child = year.child;
                    if day.date >= child.enrolled_on && child.left_on.is_none_or(|l| day.date <= l) {
                        self.child_day(year, unit, worker, day, &mut w)?;
                    }
                }
            }
            progress(SeedProgress { stage: "child_health".into(), done: i as u64 + 1, total: units.len() as u64 });
        }
        report.child_checks = w.checks;
        report.growth_measurements = w.measurements;
        report.medicines = w.medicines;
        report.medicine_doses = w.doses;
        Ok(())
    }

    /// One child's day at the unit, if they came: checks, medicine brought and given.
    fn child_day(
        &mut self,
        year: &mut ChildYear,
        unit: &UnitStaff,
        worker: &str,
        day: &SchoolDay,
        w: &mut Writer,
    ) -> Result<()> {
        if year.away_until.is_some_and(|a| day.date <= a) || !self.rng.random_bool(ATTENDANCE) {
            return Ok(());
        }
        let child = year.child;
        if year.course.as_ref().is_some_and(|c| c.to_day < day.date) {
            year.course = None;
        }
        if year.course.is_none() {
            let unprompted = self.rng.random_bool(MEDICINE_UNPROMPTED).then_some(UNPROMPTED);
            let remedies = match year.prompted.take() {
                Some(Ailment::Cough) => Some(FOR_COUGH),
                Some(Ailment::Stools) => Some(FOR_STOOLS),
                Some(Ailment::Rash) => Some(FOR_RASH),
                None => unprompted,
            };
            if let Some(remedies) = remedies {
                let remedy = remedies[self.rng.random_range(0..remedies.len())];
                year.course = Some(self.medicine_brought(child, year.guardians, worker, day, remedy, w)?);
            }
        }
        let morning = self.child_check(child, worker, day, false, w)?;
        let sent_home = morning.action == CheckAction::SendHome;
        if sent_home {
            // Home until well: fever-free a day before coming back.
            let stay = if morning.temperature >= SEND_HOME_FROM_C { 2..=4 } else { 1..=2 };
            year.away_until = Some(day.date + Days::new(self.rng.random_range(stay)));
        }
        if morning.action != CheckAction::None && year.prompted.is_none() && self.rng.random_bool(0.4) {
            let s = morning.signs;
            year.prompted = if s.rash {
                Some(Ailment::Rash)
            } else if s.abnormal_stools {
                Some(Ailment::Stools)
            } else if s.red_throat || morning.temperature >= FEVER_FROM_C {
                Some(Ailment::Cough)
            } else {
                None
            };
        }
        if let Some(c) = year.course.as_ref().filter(|_| !sent_home) {
            for &minutes in &c.times {
                // Now and then a dose is missed: the child asleep, or refusing it.
                if self.rng.random_bool(0.98) {
                    let by =
                        if self.rng.random_bool(0.7) { worker } else { pick(&mut self.rng, &unit.teachers, worker) };
                    let at = day.stamp(minutes + self.rng.random_range(0.0..15.0));
                    write_dose(w.conn, c.id, day.date, &at, (0, by), None)?;
                    w.doses += 1;
                }
            }
        }
        if day.noon && !sent_home {
            let noon = self.child_check(child, worker, day, true, w)?;
            if noon.action == CheckAction::SendHome {
                year.away_until = Some(day.date + Days::new(self.rng.random_range(1..=3)));
            }
        }
        Ok(())
    }

    /// One morning or noon check, with an action and the guardian told as the rules want.
    fn child_check(
        &mut self,
        child: &DemoChild,
        worker: &str,
        day: &SchoolDay,
        noon: bool,
        w: &mut Writer,
    ) -> Result<Outcome> {
        let rng = &mut self.rng;
        // A child coming down with something (more of them in winter, fewer by noon, the
        // feverish ones having gone home); otherwise a well child's reading, below 37.3.
        let ill = rng.random_bool((0.003 + 0.007 * day.season) * if noon { 0.3 } else { 1.0 });
        let temperature = if ill {
            round1((FEVER_FROM_C + Normal::<f64>::new(0.0, 0.55).expect("sd").sample(rng).abs()).min(39.8))
        } else {
            let well = Normal::<f64>::new(if noon { 36.7 } else { 36.6 }, 0.25).expect("sd");
            loop {
                let t = round1(well.sample(rng).max(35.6));
                if t < FEVER_FROM_C {
                    break t;
                }
            }
        };
        let fever = temperature >= FEVER_FROM_C;
        let mut signs = CheckSigns::default();
        if ill && rng.random_bool(0.6) {
            signs.poor_spirits = true;
            signs.red_throat = rng.random_bool(0.5);
        }
        if rng.random_bool(0.006 + 0.008 * day.season) {
            for _ in 0..if rng.random_bool(0.2) { 2 } else { 1 } {
                let weights: &[u32] = if noon { &[10, 5, 3, 40, 35, 7] } else { &[18, 32, 12, 13, 10, 15] };
                let mut roll = rng.random_range(0..weights.iter().sum::<u32>());
                let which = weights.iter().position(|weight| match roll.checked_sub(*weight) {
                    Some(rest) => {
                        roll = rest;
                        false
                    }
                    None => true,
                });
                match which {
                    Some(0) => signs.poor_spirits = true,
                    Some(1) => signs.red_throat = true,
                    Some(2) => signs.rash = true,
                    Some(3) => signs.poor_eating = true,
                    Some(4) => signs.poor_sleep = true,
                    _ => signs.abnormal_stools = true,
                }
            }
        }
        let unsafe_item =
            (!noon && rng.random_bool(0.0015)).then(|| UNSAFE_ITEMS[rng.random_range(0..UNSAFE_ITEMS.len())]);
        // Drawn only for a finding: a well child's check is the common case, kept cheap.
        let roll = if fever || signs.any() { rng.random_range(0..100) } else { 100 };
        let action = if temperature >= SEND_HOME_FROM_C {
            CheckAction::SendHome
        } else if fever {
            match roll {
                0..=69 => CheckAction::Observe,
                70..=84 => CheckAction::Isolate,
                _ => CheckAction::SendHome,
            }
        } else if signs.rash {
            if roll < 40 {
                CheckAction::Isolate
            } else {
                CheckAction::Observe
            }
        } else if signs.any() {
            if roll < 4 {
                CheckAction::SendHome
            } else {
                CheckAction::Observe
            }
        } else {
            CheckAction::None
        };
        let start = if noon { 14.0 * 60.0 + 20.0 } else { 7.0 * 60.0 + 40.0 };
        let minutes = start + rng.random_range(0.0..60.0);
        let told = match action {
            CheckAction::Isolate | CheckAction::SendHome => true,
            CheckAction::Observe => rng.random_bool(0.25),
            CheckAction::None => false,
        };
        let told_after = if told { minutes + rng.random_range(5.0..40.0) } else { minutes };
        let note = match action {
            CheckAction::SendHome => {
                let back = told_after + rng.random_range(20.0..70.0);
                Some(format!("家长 {}:{:02} 接回", (back / 60.0) as u32, (back % 60.0) as u32))
            }
            CheckAction::Isolate if signs.rash => Some("皮疹待查，隔离观察，已通知家长".to_string()),
            CheckAction::Isolate => Some("隔离观察，等待家长接回".to_string()),
            CheckAction::Observe if fever && rng.random_bool(0.5) => {
                let again = minutes + 90.0;
                let t = round1(temperature - rng.random_range(0.2..0.7));
                Some(format!("{}:{:02} 复测 {t:.1}℃", (again / 60.0) as u32, (again % 60.0) as u32))
            }
            _ if unsafe_item.is_some() => Some("已收走，已告知家长".to_string()),
            _ => None,
        };
        let told_at = told.then(|| day.stamp(told_after));
        let checked_at = day.stamp(minutes);
        let row = CheckRow {
            child_id: child.id,
            facility_id: child.facility_id,
            day: day.date,
            session: if noon { CheckSession::Noon } else { CheckSession::Morning },
            temperature: Some(temperature),
            fever,
            signs: &signs,
            unsafe_item,
            note: note.as_deref(),
            action,
            guardian_told: told_at.as_deref().map(|at| (at, worker)),
            checked_by: (0, worker),
            checked_at: &checked_at,
        };
        write_check(w.conn, &row)?;
        w.checks += 1;
        Ok(Outcome { action, temperature, signs })
    }

    /// Medicine a guardian hands over on arrival, signed for on the form.
    fn medicine_brought(
        &mut self,
        child: &DemoChild,
        guardians: &[String],
        worker: &str,
        day: &SchoolDay,
        (medicine, dose, times_per_day, times, course_days): Remedy,
        w: &mut Writer,
    ) -> Result<Course> {
        // Mothers sign most forms.
        let guardian = match guardians {
            [] => "家长",
            [only] => only,
            [father, mother, ..] => {
                if self.rng.random_bool(0.65) {
                    mother
                } else {
                    father
                }
            }
        };
        let to_day = day.date + Days::new(course_days - 1);
        let note = self.rng.random_bool(0.3).then_some("饭后服用");
        let at = day.stamp(7.0 * 60.0 + 35.0 + self.rng.random_range(0.0..30.0));
        let fields = MedicineFields {
            medicine: medicine.to_string(),
            dose: dose.to_string(),
            times_per_day,
            times: Some(times.to_string()),
            from_day: day.date,
            to_day,
            guardian_name: guardian.to_string(),
            note: note.map(str::to_string),
        };
        let id = write_medicine(w.conn, child.id, child.facility_id, &fields, (0, worker), &at)?;
        w.medicines += 1;
        Ok(Course { id, to_day, times: minutes_of(times) })
    }

    /// The child's examinations on the schedule, and monthly weighings while under 2.
    fn child_growth(&mut self, child: &DemoChild, unit: &UnitStaff, curves: &Standards, w: &mut Writer) -> Result<()> {
        let rng = &mut self.rng;
        // Taller children run a little heavier for their height, and have larger heads.
        let spread = Normal::<f64>::new(0.1, 0.9).expect("sd");
        let height_z = spread.sample(rng);
        let weight_z = 0.4 * height_z + 0.92 * spread.sample(rng);
        let head_z = 0.5 * height_z + 0.87 * spread.sample(rng);
        // The entry examination in the month before the first day; then the schedule.
        let entry = open_on_or_after(child.enrolled_on - Days::new(rng.random_range(7..=35)));
        let mut exams = vec![(entry, GrowthPurpose::Entry)];
        let skips_the_last = rng.random_bool(0.08);
        let mut last = entry;
        loop {
            let facts = ExamFacts {
                birth_date: child.birth,
                enrolled_on: child.enrolled_on,
                last_exam: Some(last),
                last_return: None,
            };
            let (due, _) = next_exam(&facts);
            let late = match rng.random_range(0..100) {
                0..=74 => rng.random_range(-10..=7),
                75..=94 => rng.random_range(8..=30),
                _ => rng.random_range(31..=60),
            };
            let day = open_on_or_after(due.checked_add_signed(chrono::Duration::days(late)).expect("in range"));
            if day >= self.today || child.left_on.is_some_and(|l| day > l) {
                break;
            }
            let then = ExamFacts { last_exam: Some(day), ..facts };
            if skips_the_last && next_exam(&then).0 >= self.today {
                break;
            }
            exams.push((day, GrowthPurpose::Periodic));
            last = day;
        }
        // Weighed in class once a month while under 2, away from an examination.
        let mut month = (self.today - Days::new(HISTORY_DAYS)).with_day(1).expect("day 1");
        while month < self.today {
            let day = open_on_or_after(month + Days::new(rng.random_range(8..16)));
            let young = (day - child.birth).num_days() < 730;
            let near_exam = exams.iter().any(|(e, _)| (*e - day).num_days().abs() < 20);
            if young && day >= child.enrolled_on && day < self.today && !near_exam {
                exams.push((day, GrowthPurpose::Routine));
            }
            month = month.checked_add_months(chrono::Months::new(1)).expect("in range");
        }
        exams.sort_by_key(|e| e.0);
        for (day, purpose) in exams {
            let Ok(age_days) = u32::try_from((day - child.birth).num_days()) else { continue };
            let height =
                round1(curves.height(age_days, height_z + Normal::<f64>::new(0.0, 0.12).expect("sd").sample(rng)));
            let weight = round1(curves.weight(
                age_days,
                height,
                weight_z + Normal::<f64>::new(0.0, 0.3).expect("sd").sample(rng),
            ));
            let routine = purpose == GrowthPurpose::Routine;
            let head = (!routine && age_days <= HEAD_UNTIL_DAY).then(|| round1(curves.head(age_days, head_z)));
            let height = (!routine).then_some(height);
            let zscores = if age_days <= growth::MAX_AGE_DAYS {
                let input = GrowthInput {
                    sex: Some(child.sex),
                    age_days,
                    weight_kg: Some(weight),
                    height_cm: height,
                    head_cm: head,
                };
                // A draw the standards would refuse as an entry error is not kept.
                let Ok(z) = growth::assess(&input) else { continue };
                z
            } else {
                Vec::new()
            };
            let flagged = zscores.iter().any(|z| z.class != GrowthClass::Normal);
            let note = (flagged && !routine && rng.random_bool(0.6)).then_some("已告知家长，建议儿童保健门诊复查");
            let minutes = 9.0 * 60.0 + 30.0 + rng.random_range(0.0..120.0);
            let at = utc_stamp(local_midnight(day) + chrono::Duration::seconds((minutes * 60.0) as i64));
            let row = MeasurementRow {
                child_id: child.id,
                facility_id: child.facility_id,
                measured_on: day,
                age_days,
                weight_kg: Some(weight),
                height_cm: height,
                head_cm: head,
                purpose,
                zscores: &zscores,
                note,
                measured_by: (0, pick(rng, &unit.health_workers, "演示保健员")),
                created_at: &at,
            };
            write_measurement(w.conn, &row)?;
            w.measurements += 1;
        }
        Ok(())
    }

    fn demo_children(&self) -> Result<Vec<DemoChild>> {
        let mut stmt = self.conn.prepare(
            "SELECT ch.id, ch.facility_id, ch.birth_date, ch.sex, ch.enrolled_on, ch.left_on
             FROM children ch JOIN facilities f ON f.id = ch.facility_id
             WHERE ch.is_demo = 1 AND f.kind = 'childcare' ORDER BY ch.id",
        )?;
        let date = |s: String| s.parse::<NaiveDate>().unwrap_or(self.today);
        let rows = stmt.query_map([], |r| {
            Ok(DemoChild {
                id: r.get(0)?,
                facility_id: r.get(1)?,
                birth: date(r.get(2)?),
                sex: Sex::from_db(&r.get::<_, String>(3)?).unwrap_or(Sex::Female),
                enrolled_on: date(r.get(4)?),
                left_on: r.get::<_, Option<String>>(5)?.map(date),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each child's guardians, father before mother as registered.
    fn child_guardians(&self) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT child_id, name FROM child_contacts WHERE is_guardian = 1 AND active = 1 ORDER BY child_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(out)
    }

    fn childcare_staff(&self) -> Result<HashMap<i64, UnitStaff>> {
        let mut out: HashMap<i64, UnitStaff> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT facility_id, name, job FROM staff WHERE job IN ('health_worker', 'teacher') ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let unit = out.entry(r.get(0)?).or_default();
            let name: String = r.get(1)?;
            if r.get::<_, String>(2)? == "health_worker" {
                unit.health_workers.push(name);
            } else {
                unit.teachers.push(name);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_units_close_at_weekends_and_for_the_spring_festival_fortnight() {
        assert!(is_closed(d("2026-02-14")) && is_closed(d("2026-02-16")) && is_closed(d("2026-02-27")));
        assert!(!is_closed(d("2026-02-13")) && !is_closed(d("2026-03-02")));
        assert!(is_closed(d("2026-11-28")), "a Saturday");
        assert!(is_closed(d("2026-10-07")) && !is_closed(d("2026-10-08")));
        assert_eq!(open_on_or_after(d("2026-11-28")), d("2026-11-30"));
    }

    #[test]
    fn values_read_off_the_curves_assess_back_to_their_z_scores() {
        let boys = Standards::of(Sex::Male);
        for (day, z) in [(200, 0.0), (700, -2.5), (1000, 1.5), (1500, 0.3)] {
            let height = boys.height(day, z);
            let scores = growth::assess(&GrowthInput {
                sex: Some(Sex::Male),
                age_days: day,
                height_cm: Some(height),
                weight_kg: Some(boys.weight(day, height, z)),
                head_cm: (day <= HEAD_UNTIL_DAY).then(|| boys.head(day, z)),
            })
            .unwrap();
            for s in
                scores.iter().filter(|s| s.indicator != Indicator::WeightForAge && s.indicator != Indicator::BmiForAge)
            {
                assert!((s.z - z).abs() < 0.1, "day {day}: {:?} read {} for {z}", s.indicator, s.z);
            }
        }
    }

    #[test]
    fn dose_times_are_read_as_minutes() {
        assert_eq!(minutes_of("10:00, 14:30"), vec![600.0, 870.0]);
    }
}
