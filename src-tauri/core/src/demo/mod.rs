//! The demo city: a synthetic but realistic Wuhai — 3 districts, 14 living circles, 83
//! communities, 88 elder-service centres and stations, 25 childcare units — with staff,
//! elderly clients and children in realistic proportions. Every demo row is marked
//! `is_demo = 1`. `scale` multiplies the people (scale 10 is the city-scale benchmark:
//! 60,000 clients, 5,000 children, 1,500 staff). The same seed gives the same city.

mod child_health;
mod city;
mod fees;
mod health;
mod history;
mod incidents;
mod meals;
mod names;
mod visits;

use std::collections::HashMap;

use chrono::{Duration, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::domain::facility::{ClassInput, FacilityFields, FacilityKind, Service};
use crate::domain::person::{
    months_between, ChildContactInput, ChildFields, ChronicCondition, ClientFields, ClientStatus, ContactInput,
    DietNeed, Identity, LivingSituation, Skill, StaffFields, StaffJob,
};
use crate::domain::resident_id::{check_char, ResidentId, Sex};
use crate::error::{CoreError, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::people::{write_child, write_client, write_staff, Registered};
use crate::services::registry::write_facility;
use crate::store::Db;

pub const CLIENTS_PER_SCALE: usize = 6_000;
pub const CHILDREN_PER_SCALE: usize = 500;
pub const STAFF_PER_SCALE: usize = 150;
pub const MAX_SCALE: u32 = 50;

/// How far seeding has got, for a progress bar.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SeedProgress {
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SeedReport {
    pub living_circles: u64,
    pub communities: u64,
    pub facilities: u64,
    pub staff: u64,
    pub clients: u64,
    pub children: u64,
    pub checkups: u64,
    pub child_checks: u64,
    pub growth_measurements: u64,
    pub medicines: u64,
    pub medicine_doses: u64,
    pub dishes: u64,
    pub menus: u64,
    pub bookings: u64,
    pub meals_served: u64,
    pub food_samples: u64,
    pub care_plan_items: u64,
    pub visits: u64,
    pub attendance: u64,
    pub assessments: u64,
    pub incidents: u64,
    pub fee_settings: u64,
    pub payments: u64,
    /// Families paying for two people of a facility together.
    pub families: u64,
    pub settlements: u64,
    /// Months of facilities' fees kept for the reports (services::fees::months).
    pub ledger_months: u64,
}

struct PlacedFacility {
    id: i64,
    kind: FacilityKind,
    district_id: i64,
    community_id: i64,
    circle_index: usize,
    stem: String,
    classes: Vec<(i64, i64, i64)>, // (class id, min age months, max age months)
}

/// A living circle as seeded: its district, its id, and its communities (id, name stem).
struct SeededCircle {
    district_id: i64,
    communities: Vec<(i64, String)>,
}

struct Seeder<'a> {
    conn: &'a Connection,
    rng: StdRng,
    today: NaiveDate,
    now: String,
    id_counters: HashMap<(String, NaiveDate, bool), u32>,
}

#[derive(Clone, Copy, PartialEq)]
enum Ethnicity {
    Han,
    Mongol,
    Hui,
    Manchu,
}

impl Ethnicity {
    fn label(self) -> &'static str {
        match self {
            Ethnicity::Han => "汉族",
            Ethnicity::Mongol => "蒙古族",
            Ethnicity::Hui => "回族",
            Ethnicity::Manchu => "满族",
        }
    }
}

struct CareDetails {
    living_situation: LivingSituation,
    chronic_conditions: Vec<ChronicCondition>,
    diet_needs: Vec<DietNeed>,
    allergies: Vec<String>,
}

#[derive(Clone, Copy)]
enum Generation {
    Elder,
    Adult,
    Child,
}

impl<'a> Seeder<'a> {
    fn ethnicity(&mut self) -> Ethnicity {
        // Wuhai is mostly Han, with Mongol, Hui and Manchu residents.
        match self.rng.random_range(0..100) {
            0..=85 => Ethnicity::Han,
            86..=92 => Ethnicity::Mongol,
            93..=97 => Ethnicity::Hui,
            _ => Ethnicity::Manchu,
        }
    }

    fn name(&mut self, ethnicity: Ethnicity, male: bool, generation: Generation) -> String {
        let pick = |rng: &mut StdRng, pool: &[&'static str]| *pool.choose(rng).expect("pools are not empty");
        if ethnicity == Ethnicity::Mongol {
            return pick(&mut self.rng, if male { names::MONGOL_MALE } else { names::MONGOL_FEMALE }).to_string();
        }
        let surname = match ethnicity {
            Ethnicity::Hui => pick(&mut self.rng, names::HUI_SURNAMES),
            Ethnicity::Manchu => pick(&mut self.rng, names::MANCHU_SURNAMES),
            _ => pick(&mut self.rng, names::HAN_SURNAMES),
        };
        let given = match (generation, male) {
            (Generation::Elder, true) => names::ELDER_GIVEN_MALE,
            (Generation::Elder, false) => names::ELDER_GIVEN_FEMALE,
            (Generation::Adult, true) => names::ADULT_GIVEN_MALE,
            (Generation::Adult, false) => names::ADULT_GIVEN_FEMALE,
            (Generation::Child, true) => names::CHILD_GIVEN_MALE,
            (Generation::Child, false) => names::CHILD_GIVEN_FEMALE,
        };
        format!("{surname}{}", pick(&mut self.rng, given))
    }

    fn phone(&mut self) -> String {
        let second = *[3, 5, 7, 8, 9].choose(&mut self.rng).expect("not empty");
        format!("1{second}{:09}", self.rng.random_range(0..1_000_000_000u32))
    }

    /// A valid GB 11643 number, unique within this seeding.
    fn resident_id(&mut self, area: &str, birth: NaiveDate, male: bool) -> String {
        let counter = self.id_counters.entry((area.to_string(), birth, male)).or_insert(0);
        *counter += 1;
        let seq = if male { *counter * 2 - 1 } else { *counter * 2 };
        let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
        format!("{first17}{}", check_char(first17.as_bytes()))
    }

    fn structure(&mut self, report: &mut SeedReport) -> Result<Vec<SeededCircle>> {
        let mut circles = Vec::new();
        for (district_id, stem, communities) in city::CIRCLES {
            self.conn.execute(
                "INSERT INTO living_circles (district_id, name, is_demo) VALUES (?1, ?2, 1)",
                params![district_id, format!("{stem}一刻钟生活圈")],
            )?;
            let circle_id = self.conn.last_insert_rowid();
            report.living_circles += 1;
            let mut ids = Vec::new();
            for stem in *communities {
                let kind = if city::is_village(stem) { "village" } else { "community" };
                self.conn.execute(
                    "INSERT INTO communities (circle_id, name, kind, is_demo) VALUES (?1, ?2, ?3, 1)",
                    params![circle_id, city::community_name(stem), kind],
                )?;
                ids.push((self.conn.last_insert_rowid(), stem.to_string()));
                report.communities += 1;
            }
            circles.push(SeededCircle { district_id: *district_id, communities: ids });
        }
        Ok(circles)
    }

    fn address(&mut self, community_stem: &str) -> String {
        if city::is_village(community_stem) {
            format!("{community_stem}{}组{}号", self.rng.random_range(1..=8), self.rng.random_range(1..=60))
        } else {
            let street = *city::STREETS.choose(&mut self.rng).expect("not empty");
            format!(
                "{street}{}号{}栋{}单元{}室",
                self.rng.random_range(1..=300),
                self.rng.random_range(1..=20),
                self.rng.random_range(1..=4),
                self.rng.random_range(101..=602)
            )
        }
    }

    /// A facility of `kind` as the registry's form would have it, with the demo's usual
    /// hours, every service at the elder ones, and a unit's classes (returned with their
    /// ids, in the order given).
    fn insert_facility(
        &mut self,
        kind: FacilityKind,
        name: &str,
        community: (i64, &str),
        capacity: i64,
        classes: &[&str],
    ) -> Result<(i64, Vec<i64>)> {
        let (services, age_min, age_max, opens, closes, days) = match kind {
            FacilityKind::Childcare => (0, Some(6), Some(72), "07:30", "17:30", 0b0011111),
            FacilityKind::ElderCentre => (Service::to_bits(Service::ALL), None, None, "08:00", "18:00", 0b1111111),
            FacilityKind::ElderStation => (Service::to_bits(Service::ALL), None, None, "08:30", "17:00", 0b0011111),
        };
        let address = self.address(community.1);
        let phone = format!("0473-{}", self.rng.random_range(2_000_000..=3_999_999));
        let fields = FacilityFields {
            name: name.to_string(),
            community_id: community.0,
            address: Some(address),
            phone: Some(phone),
            opens_at: opens.into(),
            closes_at: closes.into(),
            open_days_bits: days,
            capacity,
            services_bits: services,
            age_min_months: age_min,
            age_max_months: age_max,
            classes: classes.iter().map(|name| ClassInput { id: None, name: name.to_string() }).collect(),
        };
        let id = write_facility(self.conn, kind, &fields, &self.now, true)?;
        let class_ids = self
            .conn
            .prepare_cached("SELECT id FROM child_classes WHERE facility_id = ?1 ORDER BY id")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((id, class_ids))
    }

    fn facilities(&mut self, circles: &[SeededCircle], report: &mut SeedReport) -> Result<Vec<PlacedFacility>> {
        let mut placed = Vec::new();
        let all: Vec<(usize, i64, i64, String)> = circles
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| c.communities.iter().map(move |(id, stem)| (ci, c.district_id, *id, stem.clone())))
            .collect();
        // One centre per living circle, in its first community.
        for (ci, circle) in circles.iter().enumerate() {
            let (community_id, stem) = &circle.communities[0];
            let district = &circle.district_id;
            let circle_stem = city::CIRCLES[ci].1;
            let (id, _) = self.insert_facility(
                FacilityKind::ElderCentre,
                &format!("{circle_stem}养老服务中心"),
                (*community_id, stem),
                120,
                &[],
            )?;
            placed.push(PlacedFacility {
                id,
                kind: FacilityKind::ElderCentre,
                district_id: *district,
                community_id: *community_id,
                circle_index: ci,
                stem: stem.clone(),
                classes: vec![],
            });
        }
        // 74 stations: every community but nine.
        for (i, (ci, district, community_id, stem)) in all.iter().enumerate() {
            if i % 9 == 4 {
                continue;
            }
            let capacity = self.rng.random_range(3..=8) * 5;
            let (id, _) = self.insert_facility(
                FacilityKind::ElderStation,
                &format!("{}养老服务站", city::community_name(stem)),
                (*community_id, stem),
                capacity,
                &[],
            )?;
            placed.push(PlacedFacility {
                id,
                kind: FacilityKind::ElderStation,
                district_id: *district,
                community_id: *community_id,
                circle_index: *ci,
                stem: stem.clone(),
                classes: vec![],
            });
        }
        // 25 childcare units spread evenly over the communities.
        const CLASSES: &[(&str, i64, i64)] =
            &[("乳儿班", 6, 18), ("托班", 18, 36), ("小班", 36, 48), ("中班", 48, 60), ("大班", 60, 72)];
        for k in 0..25 {
            let (ci, district, community_id, stem) = &all[k * all.len() / 25 + 1];
            let name = format!("{}托育园", stem.trim_end_matches('村'));
            let names: Vec<&str> = CLASSES.iter().map(|(class, _, _)| *class).collect();
            let (id, class_ids) =
                self.insert_facility(FacilityKind::Childcare, &name, (*community_id, stem), 120, &names)?;
            let classes =
                class_ids.into_iter().zip(CLASSES).map(|(class_id, (_, min, max))| (class_id, *min, *max)).collect();
            placed.push(PlacedFacility {
                id,
                kind: FacilityKind::Childcare,
                district_id: *district,
                community_id: *community_id,
                circle_index: *ci,
                stem: stem.clone(),
                classes,
            });
        }
        report.facilities = placed.len() as u64;
        Ok(placed)
    }

    fn staff(&mut self, facilities: &[PlacedFacility], scale: u32, report: &mut SeedReport) -> Result<()> {
        let target = (STAFF_PER_SCALE * scale as usize).max(facilities.len() * 2);
        // Every facility has a manager and one front-line worker; the rest go where the
        // work is, centres and childcare units taking more than stations.
        let mut jobs: Vec<(i64, StaffJob)> = Vec::with_capacity(target);
        for f in facilities {
            let front = if f.kind == FacilityKind::Childcare { StaffJob::HealthWorker } else { StaffJob::FrontDesk };
            jobs.push((f.id, StaffJob::Manager));
            jobs.push((f.id, front));
        }
        let weighted: Vec<&PlacedFacility> = facilities
            .iter()
            .flat_map(|f| std::iter::repeat_n(f, if f.kind == FacilityKind::ElderStation { 1 } else { 3 }))
            .collect();
        while jobs.len() < target {
            let f = weighted[jobs.len() % weighted.len()];
            let roll = self.rng.random_range(0..10);
            let job = if f.kind == FacilityKind::Childcare {
                match roll {
                    0..=6 => StaffJob::Teacher,
                    7 => StaffJob::HealthWorker,
                    _ => StaffJob::Cook,
                }
            } else {
                match roll {
                    0..=5 => StaffJob::Caregiver,
                    6..=7 => StaffJob::Nurse,
                    8 => StaffJob::Cook,
                    _ => StaffJob::FrontDesk,
                }
            };
            jobs.push((f.id, job));
        }
        for (facility_id, job) in jobs {
            let women = matches!(job, StaffJob::Teacher | StaffJob::Nurse | StaffJob::HealthWorker);
            let male = self.rng.random_bool(if women { 0.1 } else { 0.35 });
            let ethnicity = self.ethnicity();
            let name = self.name(ethnicity, male, Generation::Adult);
            let phone = self.phone();
            write_staff(
                self.conn,
                &self.staff_fields(facility_id, name, male, job, phone, Vec::new()),
                &self.now,
                true,
            )?;
            report.staff += 1;
        }
        Ok(())
    }

    /// A demo staff member's record as the staff form would have it: the usual hours
    /// (Monday to Friday, 08:00–17:00) unless the caller sets others.
    fn staff_fields(
        &self,
        facility_id: i64,
        name: String,
        male: bool,
        job: StaffJob,
        phone: String,
        skills: Vec<Skill>,
    ) -> StaffFields {
        StaffFields {
            name,
            sex: if male { Sex::Male } else { Sex::Female },
            id_number: None,
            job,
            facility_id,
            phone: Some(phone),
            skills,
            work_starts: "08:00".into(),
            work_ends: "17:00".into(),
            work_days_bits: 31,
            active: true,
        }
    }

    /// Chronic conditions in roughly the proportions of China's older population, and the
    /// diet needs and living situations that go with them.
    fn care_details(&mut self, ethnicity: Ethnicity, age: i64) -> CareDetails {
        use ChronicCondition as C;
        let mut conditions = Vec::new();
        for (condition, p) in [
            (C::Hypertension, 0.45),
            (C::Diabetes, 0.2),
            (C::CoronaryHeartDisease, 0.12),
            (C::Stroke, 0.06),
            (C::Copd, 0.05),
            (C::Arthritis, 0.15),
            (C::Osteoporosis, 0.1),
            (C::Dementia, if age >= 80 { 0.12 } else { 0.03 }),
        ] {
            if self.rng.random_bool(p) {
                conditions.push(condition);
            }
        }
        let mut diet = Vec::new();
        if conditions.contains(&C::Hypertension) && self.rng.random_bool(0.7) {
            diet.push(DietNeed::LowSalt);
        }
        if conditions.contains(&C::Diabetes) {
            diet.push(DietNeed::LowSugar);
        }
        if age >= 85 && self.rng.random_bool(0.5) {
            diet.push(DietNeed::Soft);
        }
        if ethnicity == Ethnicity::Hui {
            diet.push(DietNeed::Halal);
        }
        if self.rng.random_bool(0.03) {
            diet.push(DietNeed::Vegetarian);
        }
        let allergies = if self.rng.random_bool(0.05) {
            vec![["青霉素", "花生", "海鲜", "牛奶", "磺胺类药物"][self.rng.random_range(0..5)].to_string()]
        } else {
            Vec::new()
        };
        let living_situation = match self.rng.random_range(0..100) {
            0..=17 => LivingSituation::Alone,
            18..=59 => LivingSituation::WithSpouse,
            60..=89 => LivingSituation::WithChildren,
            90..=95 => LivingSituation::WithOthers,
            _ => LivingSituation::Institution,
        };
        CareDetails { living_situation, chronic_conditions: conditions, diet_needs: diet, allergies }
    }

    fn clients(
        &mut self,
        facilities: &[PlacedFacility],
        circles: &[SeededCircle],
        scale: u32,
        report: &mut SeedReport,
        progress: &mut dyn FnMut(SeedProgress),
    ) -> Result<()> {
        let elder: Vec<&PlacedFacility> = facilities
            .iter()
            .filter(|f| f.kind.is_elder())
            .flat_map(|f| std::iter::repeat_n(f, if f.kind == FacilityKind::ElderCentre { 3 } else { 1 }))
            .collect();
        let total = CLIENTS_PER_SCALE * scale as usize;
        for i in 0..total {
            let f = elder[self.rng.random_range(0..elder.len())];
            // Most clients live in the facility's own community, the rest nearby.
            let (community_id, stem) = if self.rng.random_bool(0.8) {
                (f.community_id, f.stem.clone())
            } else {
                let others = &circles[f.circle_index].communities;
                others[self.rng.random_range(0..others.len())].clone()
            };
            let male = self.rng.random_bool(0.45);
            // Ages 60 to 99, weighted towards the young-old.
            let age_years = 60 + (self.rng.random_range(0.0f64..1.0).powf(1.6) * 39.0) as i64;
            let birthday = self.today.checked_sub_months(Months::new(age_years as u32 * 12)).expect("in range");
            let birth = birthday - Duration::days(self.rng.random_range(0..=364));
            let ethnicity = self.ethnicity();
            let name = self.name(ethnicity, male, Generation::Elder);
            let id_number = self.resident_id(city::area_code(f.district_id), birth, male);
            let phone = self.phone();
            let address = self.address(&stem);
            let status = match self.rng.random_range(0..100) {
                0..=93 => ClientStatus::Active,
                94..=96 => ClientStatus::Suspended,
                97..=98 => ClientStatus::Moved,
                _ => ClientStatus::Deceased,
            };
            let care = self.care_details(ethnicity, age_years);
            // Consent was given on registering, a year or more ago: the year of checkups follows it.
            let consent_day =
                self.rng.random_bool(0.9).then(|| self.today - Duration::days(self.rng.random_range(380..1500)));
            // Registered on the day of consent; those who gave none came in the last five
            // months, so each month has its newcomers. Spread by the index, not the generator,
            // so the rest of the demo stays as it was.
            let registered = consent_day.unwrap_or(self.today - Duration::days((i as i64 * 7919) % 150));
            let created_at = format!("{registered}T01:00:00Z");
            // Moved or deceased within the last year, after registering.
            let status_since = matches!(status, ClientStatus::Moved | ClientStatus::Deceased).then(|| {
                (self.today - Duration::days(1 + (i as i64 * 104_729) % 330))
                    .max(registered + Duration::days(1))
                    .min(self.today)
            });
            let mut contacts = Vec::new();
            if care.living_situation != LivingSituation::Institution && self.rng.random_bool(0.75) {
                // An adult child as the emergency contact, usually sharing the surname.
                let son = self.rng.random_bool(0.5);
                let relative = self.name(ethnicity, son, Generation::Adult);
                let relation = if son { "儿子" } else { "女儿" };
                contacts.push(ContactInput { name: relative, relation: relation.into(), phone: self.phone() });
            }
            let fields = ClientFields {
                identity: Identity {
                    id_number: Some(ResidentId::parse(&id_number, self.today)?),
                    sex: if male { Sex::Male } else { Sex::Female },
                    birth_date: birth,
                },
                name,
                ethnicity: ethnicity.label().to_string(),
                phone: Some(phone),
                facility_id: f.id,
                community_id,
                address: Some(address),
                living_situation: care.living_situation,
                chronic_conditions: care.chronic_conditions,
                diet_needs: care.diet_needs,
                allergies: care.allergies,
                contacts,
                consent: consent_day.is_some(),
                notes: None,
            };
            let registered = Registered {
                at: &created_at,
                consent: consent_day.map(|d| (d, "演示数据")),
                status,
                status_since,
                is_demo: true,
            };
            write_client(self.conn, &fields, &registered)?;
            report.clients += 1;
            if i % 2_000 == 0 {
                progress(SeedProgress { stage: "clients".into(), done: i as u64, total: total as u64 });
            }
        }
        Ok(())
    }

    fn children(&mut self, facilities: &[PlacedFacility], scale: u32, report: &mut SeedReport) -> Result<()> {
        let units: Vec<&PlacedFacility> = facilities.iter().filter(|f| f.kind == FacilityKind::Childcare).collect();
        let total = CHILDREN_PER_SCALE * scale as usize;
        for i in 0..total {
            let unit = units[i % units.len()];
            let age_days = self.rng.random_range(183..=(72 * 30));
            let birth = self.today - Duration::days(age_days);
            let age_months = i64::from(months_between(birth, self.today));
            let class_id = unit.classes.iter().find(|(_, min, max)| (*min..*max).contains(&age_months)).map(|c| c.0);
            let male = self.rng.random_bool(0.51);
            let ethnicity = self.ethnicity();
            let name = self.name(ethnicity, male, Generation::Child);
            let id_number =
                self.rng.random_bool(0.9).then(|| self.resident_id(city::area_code(unit.district_id), birth, male));
            let enrolled = birth.max(self.today - Duration::days(self.rng.random_range(0..=700))) + Duration::days(183);
            let enrolled = enrolled.min(self.today);
            let allergies = if self.rng.random_bool(0.08) {
                vec![["鸡蛋", "牛奶", "花生", "虾", "芒果"][self.rng.random_range(0..5)].to_string()]
            } else {
                Vec::new()
            };
            let diet_needs = if ethnicity == Ethnicity::Hui { vec![DietNeed::Halal] } else { Vec::new() };
            // Both parents are guardians and may pick up; often a grandparent may too.
            let mut people = vec![(true, "父亲", true), (false, "母亲", true)];
            if self.rng.random_bool(0.4) {
                people.push((self.rng.random_bool(0.5), "祖父母", false));
            }
            let mut contacts = Vec::new();
            for (male, relation, guardian) in people {
                let generation = if guardian { Generation::Adult } else { Generation::Elder };
                contacts.push(ChildContactInput {
                    id: None,
                    name: self.name(ethnicity, male, generation),
                    relation: relation.into(),
                    phone: self.phone(),
                    is_guardian: guardian,
                    may_pick_up: true,
                    id_tail: Some(format!("{:04}", self.rng.random_range(0..10_000))),
                });
            }
            let fields = ChildFields {
                name,
                identity: Identity {
                    id_number: id_number.map(|id| ResidentId::parse(&id, self.today)).transpose()?,
                    sex: if male { Sex::Male } else { Sex::Female },
                    birth_date: birth,
                },
                ethnicity: ethnicity.label().to_string(),
                facility_id: unit.id,
                class_id,
                enrolled_on: enrolled,
                left_on: None,
                allergies,
                diet_needs,
                contacts,
                consent: true,
                notes: None,
            };
            write_child(self.conn, &fields, Some((enrolled, "演示数据")), &self.now, true)?;
            report.children += 1;
        }
        Ok(())
    }
}

/// True when the registry holds no living circle or facility yet.
pub fn is_empty(db: &Db) -> Result<bool> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT (SELECT count(*) FROM living_circles) + (SELECT count(*) FROM facilities) = 0",
            [],
            |r| r.get(0),
        )?)
    })
}

/// True when the registry holds the demo city's facilities (the seeder marks its rows
/// `is_demo`), whoever loaded it: the first-run screen or `carecircle-cli seed-demo`, as
/// scripts/run.sh does. The first-run screen then says so rather than offer it again.
pub fn is_loaded(db: &Db) -> Result<bool> {
    db.read(|c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM facilities WHERE is_demo = 1)", [], |r| r.get(0))?))
}

/// Loads the demo city into an empty database, in one transaction: it is all there or
/// none of it is. Its history (a year of care, meals and checks) ends on the store's
/// today, by the store's clock.
pub fn seed(db: &Db, actor: &Actor, scale: u32, progress: &mut dyn FnMut(SeedProgress)) -> Result<SeedReport> {
    actor.require(Action::Administer)?;
    if scale == 0 || scale > MAX_SCALE {
        return Err(crate::error::Invalid::new("demo.scale_range", "scale").with("max", MAX_SCALE).into());
    }
    db.write(|conn| {
        let empty: bool = conn.query_row(
            "SELECT (SELECT count(*) FROM living_circles) + (SELECT count(*) FROM facilities) = 0",
            [],
            |r| r.get(0),
        )?;
        if !empty {
            return Err(CoreError::DemoNotEmpty);
        }
        let mut s = Seeder {
            conn,
            rng: StdRng::seed_from_u64(0x5775_6861_6900 + u64::from(scale)),
            today: conn.today(),
            now: conn.stamp(),
            id_counters: HashMap::new(),
        };
        let mut report = SeedReport::default();
        progress(SeedProgress { stage: "structure".into(), done: 0, total: 1 });
        let circles = s.structure(&mut report)?;
        let facilities = s.facilities(&circles, &mut report)?;
        progress(SeedProgress { stage: "staff".into(), done: 0, total: 1 });
        s.staff(&facilities, scale, &mut report)?;
        s.clients(&facilities, &circles, scale, &mut report, progress)?;
        progress(SeedProgress { stage: "children".into(), done: 0, total: 1 });
        s.children(&facilities, scale, &mut report)?;
        progress(SeedProgress { stage: "checkups".into(), done: 0, total: 1 });
        report.checkups = s.checkups(progress)?;
        progress(SeedProgress { stage: "child_health".into(), done: 0, total: 1 });
        s.child_health(&mut report, progress)?;
        progress(SeedProgress { stage: "meals".into(), done: 0, total: 1 });
        s.meals(scale, &mut report, progress)?;
        progress(SeedProgress { stage: "visits".into(), done: 0, total: 1 });
        s.care_visits(&mut report, progress)?;
        progress(SeedProgress { stage: "attendance".into(), done: 0, total: 1 });
        // Incidents first: an assessment counts the care-risk events they hold.
        s.incidents(&mut report)?;
        s.door_and_assessments(&mut report)?;
        progress(SeedProgress { stage: "fees".into(), done: 0, total: 1 });
        s.fees(&mut report)?;
        Entry::new(AuditAction::SeedDemo, AuditEntity::Database, "demo").after(&report).write(conn, actor)?;
        progress(SeedProgress { stage: "done".into(), done: 1, total: 1 });
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_as_for_a_child_s_age() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(months_between(d(2024, 1, 31), d(2024, 2, 29)), 0);
        assert_eq!(months_between(d(2024, 1, 15), d(2024, 2, 15)), 1);
        assert_eq!(months_between(d(2020, 6, 1), d(2026, 5, 31)), 71);
    }
}
