//! A year of nurses' checkups for the demo clients, as the national service rules would
//! have them taken: the yearly check from 65 (a few missed), quarterly control of
//! hypertension and diabetes, a follow-up about 2 weeks after a reading out of control
//! (sometimes late), and occasional blood-pressure checks at the health cabin. Readings are
//! drawn around realistic means, so a plausible share is raised and a few are urgent; each is
//! read by the same rules as a nurse's entry and urgent ones raise alerts, handled except for
//! the last few days'.

use chrono::{Days, NaiveDate, NaiveTime, TimeZone};
use rand::Rng;
use rand_distr::{Distribution, Normal};

use super::{SeedProgress, Seeder};
use crate::clock::local_offset;
use crate::domain::followup::Purpose;
use crate::domain::person::age_on;
use crate::domain::resident_id::Sex;
use crate::domain::vitals::{Level, Measure, VitalsInput};
use crate::error::Result;
use crate::services::health::{insert_checkup, write_alert, AlertRow, NewCheckupRow};
use crate::store::utc_stamp;

/// Days of history seeded before today.
const HISTORY_DAYS: u64 = 365;
/// Alerts raised in the last days are left open, for the nurse's list.
const OPEN_ALERT_DAYS: u64 = 7;

struct DemoClient {
    id: i64,
    facility_id: i64,
    birth_date: NaiveDate,
    sex: Sex,
    hypertension: bool,
    diabetes: bool,
}

/// What a visit measures.
#[derive(Clone, Copy)]
struct Visit {
    day: NaiveDate,
    purpose: Purpose,
    bp: bool,
    fasting_glucose: bool,
    full: bool,
}

impl Seeder<'_> {
    pub(super) fn checkups(&mut self, progress: &mut dyn FnMut(SeedProgress)) -> Result<u64> {
        let clients = self.demo_clients()?;
        let nurses = self.nurses_by_facility()?;
        let first_day = self.today - Days::new(HISTORY_DAYS);
        let mut written = 0u64;
        for (i, client) in clients.iter().enumerate() {
            let staff = nurses.get(&client.facility_id).map(Vec::as_slice).unwrap_or_default();
            // Most clients keep one nurse; the facility's others fill in now and then.
            let own =
                staff.get(self.rng.random_range(0..staff.len().max(1))).cloned().unwrap_or_else(|| "演示护士".into());
            let height = self.height(client.sex);
            let weight = (self.normal(23.5, 3.2).clamp(16.5, 36.0) * (height / 100.0).powi(2) * 10.0).round() / 10.0;
            let mut visits = self.visits(client, first_day);
            let mut next = 0;
            while next < visits.len() {
                let visit = visits[next];
                next += 1;
                let mut v = VitalsInput { sex: Some(client.sex), ..Default::default() };
                if visit.bp {
                    let (s, d) = self.blood_pressure(client.hypertension);
                    v.systolic = Some(s);
                    v.diastolic = Some(d);
                }
                if visit.fasting_glucose {
                    v.glucose_fasting = Some(self.glucose(client.diabetes));
                }
                if visit.full {
                    v.heart_rate = Some(self.normal(74.0, 9.0).clamp(48.0, 130.0) as u16);
                    v.temperature = Some((self.normal(36.5, 0.25).clamp(35.6, 38.6) * 10.0).round() / 10.0);
                    v.weight_kg = Some(((weight + self.normal(0.0, 0.8)) * 10.0).round() / 10.0);
                    v.height_cm = Some(height);
                    v.waist_cm = Some(((weight / (height / 100.0).powi(2)) * 3.3 + self.normal(2.0, 4.0)).round());
                    v.spo2 = Some(self.normal(97.0, 1.3).clamp(88.0, 100.0) as u8);
                }
                let Ok(findings) = v.classify() else { continue };
                let worst = findings.iter().map(|f| f.level).max().unwrap_or(Level::Normal);
                let nurse = if self.rng.random_bool(0.85) || staff.is_empty() {
                    own.clone()
                } else {
                    staff[self.rng.random_range(0..staff.len())].clone()
                };
                let minutes = self.rng.random_range(0..150);
                let local = visit.day.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("valid"))
                    + chrono::Duration::minutes(minutes);
                let at = local_offset().from_local_datetime(&local).single().expect("fixed offset").to_utc();
                let stamp = utc_stamp(at);
                let checkup_id = insert_checkup(
                    self.conn,
                    &NewCheckupRow {
                        client_id: client.id,
                        facility_id: client.facility_id,
                        taken_at: &stamp,
                        recorded_by: 0,
                        recorded_by_name: &nurse,
                        vitals: &v,
                        findings: &findings,
                        worst,
                        notes: None,
                        purpose: visit.purpose,
                        created_at: &stamp,
                    },
                )?;
                // Out of control: most are seen again within about 2 weeks, some late.
                let uncontrolled = findings.iter().any(|f| {
                    f.level >= Level::Raised
                        && (f.measure == Measure::BloodPressure
                            || (f.measure == Measure::GlucoseFasting && client.diabetes))
                });
                if uncontrolled && self.rng.random_bool(0.85) {
                    let day = visit.day + Days::new(self.rng.random_range(6..22));
                    if day < self.today {
                        let again = Visit { day, purpose: Purpose::FollowUp, full: false, ..visit };
                        visits.push(again);
                        visits[next..].sort_by_key(|v| v.day);
                    }
                }
                for f in findings.iter().filter(|f| f.level == Level::Urgent) {
                    let open = visit.day + Days::new(OPEN_ALERT_DAYS) >= self.today;
                    let handled_at = (!open).then(|| utc_stamp(at + chrono::Duration::minutes(25)));
                    let note = (!open).then(|| {
                        ["已电话通知家属，建议即刻就医", "已转诊至乌海市人民医院", "复测后已联系社区医生处理"]
                            [self.rng.random_range(0..3)]
                    });
                    let row = AlertRow {
                        facility_id: client.facility_id,
                        client_id: client.id,
                        checkup_id,
                        code: &f.code,
                        value: &f.value,
                        raised_at: &stamp,
                    };
                    let handled = handled_at.as_deref().zip(note).map(|(at, note)| (at, nurse.as_str(), note));
                    write_alert(self.conn, &row, handled)?;
                }
                written += 1;
            }
            if i % 2_000 == 0 {
                progress(SeedProgress { stage: "checkups".into(), done: i as u64, total: clients.len() as u64 });
            }
        }
        Ok(written)
    }

    /// The visits of one client over the year, in date order.
    fn visits(&mut self, client: &DemoClient, first_day: NaiveDate) -> Vec<Visit> {
        let mut visits = Vec::new();
        if age_on(client.birth_date, self.today) >= 65 && self.rng.random_bool(0.9) {
            let day = first_day + Days::new(self.rng.random_range(20..HISTORY_DAYS));
            visits.push(Visit { day, purpose: Purpose::Annual, bp: true, fasting_glucose: true, full: true });
        }
        if client.hypertension || client.diabetes {
            // Quarterly control from a random start; a few clients let the last one slip.
            let mut day = first_day + Days::new(self.rng.random_range(0..90));
            let stop = if self.rng.random_bool(0.12) { self.today - Days::new(120) } else { self.today };
            while day < stop {
                visits.push(Visit {
                    day,
                    purpose: Purpose::FollowUp,
                    bp: client.hypertension,
                    fasting_glucose: client.diabetes,
                    full: false,
                });
                day = day + Days::new(self.rng.random_range(80..100));
            }
        } else {
            for _ in 0..self.rng.random_range(0..3) {
                let day = first_day + Days::new(self.rng.random_range(0..HISTORY_DAYS));
                visits.push(Visit { day, purpose: Purpose::Routine, bp: true, fasting_glucose: false, full: false });
            }
        }
        visits.sort_by_key(|v| v.day);
        visits
    }

    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        Normal::new(mean, sd).expect("positive sd").sample(&mut self.rng)
    }

    fn height(&mut self, sex: Sex) -> f64 {
        let mean = if sex == Sex::Male { 166.0 } else { 154.0 };
        self.normal(mean, 6.0).clamp(138.0, 190.0).round()
    }

    /// Controlled hypertension mostly, with a tail of raised and a rare urgent reading.
    fn blood_pressure(&mut self, hypertension: bool) -> (u16, u16) {
        let (ms, md) = if hypertension { (131.0, 79.0) } else { (121.0, 74.0) };
        let s = self.normal(ms, 12.0).clamp(92.0, 215.0);
        let d = (self.normal(md, 8.0) + (s - ms) * 0.3).clamp(52.0, 128.0).min(s - 25.0);
        (s.round() as u16, d.round() as u16)
    }

    fn glucose(&mut self, diabetes: bool) -> f64 {
        // A rare hypoglycaemia among the treated; otherwise skewed high, as glucose is.
        let g = if diabetes && self.rng.random_bool(0.005) {
            self.rng.random_range(3.0..3.9)
        } else if diabetes {
            (4.4 + self.normal(0.0, 0.45).exp() * 2.4).min(19.0)
        } else {
            self.normal(5.4, 0.55).clamp(4.0, 8.0)
        };
        (g * 10.0).round() / 10.0
    }

    fn demo_clients(&self) -> Result<Vec<DemoClient>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, facility_id, birth_date, sex, chronic_conditions FROM clients
             WHERE is_demo = 1 AND status = 'active' AND consent_on IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let conditions: String = r.get(4)?;
            Ok(DemoClient {
                id: r.get(0)?,
                facility_id: r.get(1)?,
                birth_date: r.get::<_, String>(2)?.parse().unwrap_or(self.today),
                sex: Sex::from_db(&r.get::<_, String>(3)?).unwrap_or(Sex::Female),
                hypertension: conditions.contains("\"hypertension\""),
                diabetes: conditions.contains("\"diabetes\""),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn nurses_by_facility(&self) -> Result<std::collections::HashMap<i64, Vec<String>>> {
        let mut out: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare("SELECT facility_id, name FROM staff WHERE job = 'nurse' ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(out)
    }
}
