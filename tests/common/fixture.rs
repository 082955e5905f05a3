//! A small city built through the app's own services, for the tests that need a facility
//! and a few people rather than the whole demo city: seeding the demo takes seconds, and
//! its year of rows gets in the way of a test that counts its own.

use carecircle_core::domain::facility::{ClassInput, FacilityInput, FacilityKind, Service};
use carecircle_core::domain::meals::Meal;
use carecircle_core::domain::person::{
    ChildContactInput, ChildInput, ClientInput, ContactInput, IdentityInput, LivingSituation, Skill, StaffInput,
    StaffJob,
};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::domain::visits::CarePlace;
use carecircle_core::services::accounts;
use carecircle_core::services::meals::dishes::{self, DishInput};
use carecircle_core::services::meals::menus::{self, MenuItemInput};
use carecircle_core::services::visits::plans::PlanItemInput;
use carecircle_core::services::{people, registry};
use carecircle_core::{Actor, Db};
use chrono::NaiveDate;
use tempfile::TempDir;

use super::{clock, temp_db, today, TestDb};

/// A fresh database with a city administrator (`admin`) and one living circle of one
/// community in 海勃湾区, where the test adds facilities, people and menus.
pub struct Fixture {
    pub db: Db,
    pub dir: TempDir,
    pub admin: Actor,
    pub community_id: i64,
}

impl Fixture {
    pub fn new() -> Fixture {
        let TestDb { db, dir } = temp_db();
        let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", "admin-pass-1").expect("set up");
        // The city's structure has no writer in the app (it comes with the demo city or
        // a deployment's reference data), so the fixture writes its one circle here.
        let community_id = db
            .write(|c| {
                c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, '测试一刻钟生活圈')", [])?;
                let circle = c.last_insert_rowid();
                c.execute(
                    "INSERT INTO communities (circle_id, name, kind) VALUES (?1, '测试社区', 'community')",
                    [circle],
                )?;
                Ok(c.last_insert_rowid())
            })
            .expect("structure");
        Fixture { db, dir, admin, community_id }
    }

    /// An elder-service centre open every day, 08:00–18:00, offering every service.
    pub fn elder_centre(&self, name: &str) -> i64 {
        let input = FacilityInput {
            name: name.into(),
            community_id: self.community_id,
            address: Some("海勃湾区测试路 1 号".into()),
            phone: None,
            opens_at: "08:00".into(),
            closes_at: "18:00".into(),
            open_days: vec![1, 2, 3, 4, 5, 6, 7],
            capacity: 60,
            services: Service::ALL.to_vec(),
            age_min_months: None,
            age_max_months: None,
            classes: Vec::new(),
        };
        registry::create_facility(&self.db, &self.admin, FacilityKind::ElderCentre, &input).expect("a centre").id
    }

    /// An integrated childcare unit for children up to six, open Monday to Friday,
    /// 07:30–17:30, with two classes.
    pub fn childcare_unit(&self, name: &str) -> i64 {
        let input = FacilityInput {
            name: name.into(),
            community_id: self.community_id,
            address: Some("海勃湾区测试路 3 号".into()),
            phone: None,
            opens_at: "07:30".into(),
            closes_at: "17:30".into(),
            open_days: vec![1, 2, 3, 4, 5],
            capacity: 40,
            services: Vec::new(),
            age_min_months: Some(0),
            age_max_months: Some(72),
            classes: ["托小班", "托大班"].map(|name| ClassInput { id: None, name: name.into() }).to_vec(),
        };
        registry::create_facility(&self.db, &self.admin, FacilityKind::Childcare, &input).expect("a unit").id
    }

    /// A client of `facility` with no ID number, allergy or diet; tests change what they need:
    /// `ClientInput { allergies: vec!["花生".into()], ..f.client_form(centre, "张桂英") }`.
    pub fn client_form(&self, facility_id: i64, name: &str) -> ClientInput {
        ClientInput {
            name: name.into(),
            identity: IdentityInput { id_number: None, sex: Some(Sex::Female), birth_date: Some("1950-06-01".into()) },
            ethnicity: "汉族".into(),
            phone: Some("13947300000".into()),
            facility_id,
            community_id: self.community_id,
            address: Some("海勃湾区测试路 2 号".into()),
            living_situation: LivingSituation::WithSpouse,
            chronic_conditions: Vec::new(),
            diet_needs: Vec::new(),
            allergies: Vec::new(),
            contacts: vec![ContactInput {
                name: "李强".into(), relation: "儿子".into(), phone: "13847300000".into()
            }],
            consent: true,
            notes: None,
        }
    }

    /// Registers the client through the people service; returns its id.
    pub fn client(&self, input: &ClientInput) -> i64 {
        people::create_client(&self.db, &self.admin, input, today()).expect("a client").id
    }

    /// A staff member of `facility` working Monday to Friday, 08:00–17:00, without skills;
    /// tests change what they need, as with [`Fixture::client_form`].
    pub fn staff_form(&self, facility_id: i64, name: &str, job: StaffJob, skills: &[Skill]) -> StaffInput {
        StaffInput {
            name: name.into(),
            sex: Sex::Female,
            id_number: None,
            job,
            facility_id,
            phone: None,
            skills: skills.to_vec(),
            work_starts: "08:00".into(),
            work_ends: "17:00".into(),
            work_days: vec![1, 2, 3, 4, 5],
            active: true,
        }
    }

    /// Registers the staff member through the people service; returns its id.
    pub fn staff(&self, input: &StaffInput) -> i64 {
        people::create_staff(&self.db, &self.admin, input, today()).expect("a staff member").id
    }

    /// Adds a dish to the facility's library through the dish service; returns its id.
    pub fn dish(&self, facility_id: i64, input: &DishInput) -> i64 {
        dishes::create_dish(&self.db, &self.admin, facility_id, input).expect("a dish").id
    }

    /// The week's menu of the facility with `items` (day, meal, dish) in that order, made
    /// through the menu service and published at the tests' clock if `published`.
    pub fn menu(
        &self,
        facility_id: i64,
        week_start: NaiveDate,
        published: bool,
        items: &[(NaiveDate, Meal, i64)],
    ) -> i64 {
        let menu = menus::get_or_create_menu(&self.db, &self.admin, facility_id, week_start).expect("a menu");
        let mut meals: Vec<(NaiveDate, Meal, Vec<MenuItemInput>)> = Vec::new();
        for &(day, meal, dish_id) in items {
            let item = MenuItemInput { dish_id, grams: None };
            match meals.iter_mut().find(|(d, m, _)| *d == day && *m == meal) {
                Some((_, _, list)) => list.push(item),
                None => meals.push((day, meal, vec![item])),
            }
        }
        for (day, meal, list) in &meals {
            menus::set_meal(&self.db, &self.admin, menu.id, *day, *meal, list).expect("a meal");
        }
        if published {
            menus::publish_menu(&self.db, &self.admin, menu.id, clock().now()).expect("published");
        }
        menu.id
    }

    /// Puts one more dish on a meal of a menu, published or not.
    pub fn add_to_meal(&self, menu_id: i64, day: NaiveDate, meal: Meal, dish_id: i64) {
        let menu = menus::get_menu(&self.db, &self.admin, menu_id).expect("the menu");
        let mut list: Vec<MenuItemInput> = menu
            .items
            .iter()
            .filter(|i| i.day == day.to_string() && i.meal == meal)
            .map(|i| MenuItemInput { dish_id: i.dish_id, grams: i.grams })
            .collect();
        list.push(MenuItemInput { dish_id, grams: None });
        menus::set_meal(&self.db, &self.admin, menu_id, day, meal, &list).expect("the meal");
    }
}

/// The child form as the child's page fills it for the desk: the record as shown, no ID
/// number (the one on file is kept), each contact's tail as shown to this reader.
pub fn child_form_as_shown(child: &people::Child) -> ChildInput {
    ChildInput {
        name: child.name.clone(),
        identity: IdentityInput { id_number: None, sex: Some(child.sex), birth_date: Some(child.birth_date.clone()) },
        ethnicity: child.ethnicity.clone(),
        facility_id: child.facility_id,
        class_id: child.class_id,
        enrolled_on: child.enrolled_on.clone(),
        left_on: child.left_on.clone(),
        allergies: child.allergies.clone(),
        diet_needs: child.diet_needs.clone(),
        contacts: child
            .contacts
            .iter()
            .map(|k| ChildContactInput {
                id: Some(k.id),
                name: k.name.clone(),
                relation: k.relation.clone(),
                phone: k.phone.clone(),
                is_guardian: k.is_guardian,
                may_pick_up: k.may_pick_up,
                id_tail: k.id_tail.clone(),
            })
            .collect(),
        consent: child.consent_on.is_some(),
        notes: child.notes.clone(),
    }
}

/// A weekly rehabilitation session at the centre, Wednesdays 09:00–11:00, from `starts_on`.
pub fn weekly_rehab(client_id: i64, starts_on: NaiveDate) -> PlanItemInput {
    PlanItemInput {
        client_id,
        service: Service::Rehabilitation,
        title: "康复训练".into(),
        visits_per_week: 1,
        duration_min: 45,
        preferred_days: vec![3],
        window_start: "09:00".into(),
        window_end: "11:00".into(),
        skill: None,
        place: CarePlace::Centre,
        starts_on,
        ends_on: None,
        note: None,
    }
}
