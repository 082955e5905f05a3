//! The people a facility serves and employs — elderly clients (服务对象), children (幼儿)
//! with their guardians and pick-up persons, and staff — as the forms the UI and the Excel
//! import fill in, and the rules those forms must pass before anything is stored.
//!
//! Identity rules live here once: a resident ID number is checked by GB 11643, and the
//! birth date and sex it encodes win over what was typed — a typed value that disagrees is
//! an error, not silently replaced.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::facility::{days_to_bits, time_of_day};
use super::resident_id::{ResidentId, Sex};
use super::text;
use crate::codes::code_enum;
use crate::error::Invalid;

const MAX_NAME: usize = 60;
const MAX_ALLERGIES: usize = 12;
const MAX_CONTACTS: usize = 6;
/// 老年人: the Law on the Protection of the Rights and Interests of the Elderly counts from 60.
pub const CLIENT_MIN_AGE: u32 = 60;
/// Integrated childcare units take children up to school age; 7 leaves room for late starters.
pub const CHILD_MAX_AGE_AT_ENROLMENT: u32 = 7;

code_enum! {
    /// The three kinds of people in the registry.
    PersonKind { Client = "client", Child = "child", Staff = "staff" }
}

code_enum! {
    /// A client's status. Moved and deceased clients are kept, never deleted.
    ClientStatus { Active = "active", Suspended = "suspended", Moved = "moved", Deceased = "deceased" }
}

code_enum! {
    LivingSituation {
        Unknown = "unknown",
        Alone = "alone",
        WithSpouse = "with_spouse",
        WithChildren = "with_children",
        WithOthers = "with_others",
        Institution = "institution",
    }
}

code_enum! {
    ChronicCondition {
        Hypertension = "hypertension",
        Diabetes = "diabetes",
        CoronaryHeartDisease = "coronary_heart_disease",
        Stroke = "stroke",
        Copd = "copd",
        Dementia = "dementia",
        Arthritis = "arthritis",
        Osteoporosis = "osteoporosis",
        ChronicKidneyDisease = "chronic_kidney_disease",
        Cancer = "cancer",
    }
}

code_enum! {
    /// Diet tags, matched against the tags of each dish before anyone is served.
    DietNeed {
        LowSalt = "low_salt",
        LowSugar = "low_sugar",
        Soft = "soft",
        Minced = "minced",
        Halal = "halal",
        Vegetarian = "vegetarian",
    }
}

code_enum! {
    /// What a staff member's record says they do (the `job` column).
    StaffJob {
        Manager = "manager",
        FrontDesk = "front_desk",
        Nurse = "nurse",
        HealthWorker = "health_worker",
        Caregiver = "caregiver",
        Cook = "cook",
        Teacher = "teacher",
    }
}

code_enum! {
    /// Qualifications the scheduler and the kitchen rota check against.
    Skill {
        NurseLicence = "nurse_licence",
        HealthWorker = "health_worker",
        CaregiverCertificate = "caregiver_certificate",
        Rehabilitation = "rehabilitation",
        CookHealthCertificate = "cook_health_certificate",
        ChildcareTeacher = "childcare_teacher",
        SocialWorker = "social_worker",
        Driver = "driver",
    }
}

impl StaffJob {
    /// Care work: the people the week of visits is planned for.
    pub fn does_care(self) -> bool {
        matches!(self, StaffJob::Caregiver | StaffJob::Nurse | StaffJob::HealthWorker)
    }
}

/// Identity as typed: an ID number, or (without one) sex and birth date. With an ID number,
/// sex and birth date may be left blank — they are derived — but must agree if typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IdentityInput {
    pub id_number: Option<String>,
    pub sex: Option<Sex>,
    /// ISO date, YYYY-MM-DD.
    pub birth_date: Option<String>,
}

/// Identity after the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id_number: Option<ResidentId>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
}

/// Whole months from `birth` to `on`: how childcare counts a small child's age.
pub fn months_between(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut months = (on.year() - birth.year()) * 12 + on.month() as i32 - birth.month() as i32;
    if on.day() < birth.day() {
        months -= 1;
    }
    months.max(0) as u32
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

impl IdentityInput {
    pub fn validate(&self, today: NaiveDate) -> Result<Identity, Invalid> {
        let id = match self.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(ResidentId::parse(raw, today)?),
            None => None,
        };
        let typed_birth = match self.birth_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(crate::dates::parse_day(raw, "birth_date")?),
            None => None,
        };
        let (sex, birth_date) = match &id {
            Some(id) => {
                if self.sex.is_some_and(|s| s != id.sex()) {
                    return Err(Invalid::new("person.sex_mismatch", "sex"));
                }
                if typed_birth.is_some_and(|b| b != id.birth_date()) {
                    return Err(Invalid::new("person.birth_mismatch", "birth_date").with("date", id.birth_date()));
                }
                (id.sex(), id.birth_date())
            }
            None => {
                let sex = self.sex.ok_or_else(|| Invalid::new("person.sex_required", "sex"))?;
                let birth = typed_birth.ok_or_else(|| Invalid::new("person.birth_required", "birth_date"))?;
                (sex, birth)
            }
        };
        if birth_date > today {
            return Err(Invalid::new("person.birth_future", "birth_date"));
        }
        if age_on(birth_date, today) > 125 {
            return Err(Invalid::new("person.birth_too_old", "birth_date"));
        }
        Ok(Identity { id_number: id, sex, birth_date })
    }
}

fn name(raw: &str) -> Result<String, Invalid> {
    text::required_name(raw, MAX_NAME, "person.name_empty", "person.name_too_long", "name")
}

fn ethnicity(raw: &str) -> Result<String, Invalid> {
    text::required_name(raw, 20, "person.ethnicity_empty", "text.too_long", "ethnicity")
}

/// Allergens as free text ("花生", "青霉素"): trimmed, blanks dropped, duplicates dropped.
fn allergies(raw: &[String]) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let Some(a) = text::optional_text(Some(item), 20, "allergies")? else { continue };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    if out.len() > MAX_ALLERGIES {
        return Err(Invalid::new("person.too_many", "allergies").with("max", MAX_ALLERGIES));
    }
    Ok(out)
}

/// A list of codes in their canonical order, without duplicates.
fn canonical<T: Copy + PartialEq>(all: &[T], chosen: &[T]) -> Vec<T> {
    all.iter().copied().filter(|v| chosen.contains(v)).collect()
}

/// An emergency contact of a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactInput {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

/// A contact's name, relation and phone, as every kind of contact needs them.
fn contact_basics(name: &str, relation: &str, phone: &str) -> Result<(String, String, String), Invalid> {
    Ok((
        text::required_name(name, MAX_NAME, "contact.name_empty", "person.name_too_long", "contacts")?,
        text::required_name(relation, 20, "contact.relation_empty", "text.too_long", "contacts")?,
        text::phone(Some(phone), "contacts")?.ok_or_else(|| Invalid::new("contact.phone_empty", "contacts"))?,
    ))
}

fn contacts(raw: &[ContactInput]) -> Result<Vec<ContactInput>, Invalid> {
    if raw.len() > MAX_CONTACTS {
        return Err(Invalid::new("person.too_many", "contacts").with("max", MAX_CONTACTS));
    }
    raw.iter()
        .map(|c| {
            let (name, relation, phone) = contact_basics(&c.name, &c.relation, &c.phone)?;
            Ok(ContactInput { name, relation, phone })
        })
        .collect()
}

/// The client form. Nothing in it is trusted until [`ClientInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClientInput {
    pub name: String,
    pub identity: IdentityInput,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub facility_id: i64,
    pub community_id: i64,
    pub address: Option<String>,
    pub living_situation: LivingSituation,
    pub chronic_conditions: Vec<ChronicCondition>,
    pub diet_needs: Vec<DietNeed>,
    pub allergies: Vec<String>,
    pub contacts: Vec<ContactInput>,
    /// The client (or their guardian) consented to the processing of health data.
    pub consent: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFields {
    pub name: String,
    pub identity: Identity,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub facility_id: i64,
    pub community_id: i64,
    pub address: Option<String>,
    pub living_situation: LivingSituation,
    pub chronic_conditions: Vec<ChronicCondition>,
    pub diet_needs: Vec<DietNeed>,
    pub allergies: Vec<String>,
    pub contacts: Vec<ContactInput>,
    pub consent: bool,
    pub notes: Option<String>,
}

impl ClientInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ClientFields, Invalid> {
        let name = name(&self.name)?;
        let identity = self.identity.validate(today)?;
        let age = age_on(identity.birth_date, today);
        if age < CLIENT_MIN_AGE {
            return Err(Invalid::new("client.too_young", "birth_date").with("age", age).with("min", CLIENT_MIN_AGE));
        }
        Ok(ClientFields {
            name,
            identity,
            ethnicity: ethnicity(&self.ethnicity)?,
            phone: text::phone(self.phone.as_deref(), "phone")?,
            facility_id: self.facility_id,
            community_id: self.community_id,
            address: text::optional_text(self.address.as_deref(), 200, "address")?,
            living_situation: self.living_situation,
            chronic_conditions: canonical(ChronicCondition::ALL, &self.chronic_conditions),
            diet_needs: canonical(DietNeed::ALL, &self.diet_needs),
            allergies: allergies(&self.allergies)?,
            contacts: contacts(&self.contacts)?,
            consent: self.consent,
            notes: text::optional_text(self.notes.as_deref(), 1000, "notes")?,
        })
    }
}

/// A guardian (监护人) or authorised pick-up person (接送人) of a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChildContactInput {
    /// An existing contact keeps its id, so past pick-ups still name the right person.
    pub id: Option<i64>,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub is_guardian: bool,
    pub may_pick_up: bool,
    /// Last four characters of their ID card, checked at the door.
    pub id_tail: Option<String>,
}

fn id_tail(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let t = t.to_ascii_uppercase();
    let ok = t.len() == 4 && t.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 3 && b == b'X'));
    if !ok {
        return Err(Invalid::new("contact.id_tail_invalid", "contacts").with("value", raw.unwrap_or_default()));
    }
    Ok(Some(t))
}

fn child_contacts(raw: &[ChildContactInput]) -> Result<Vec<ChildContactInput>, Invalid> {
    if raw.len() > MAX_CONTACTS {
        return Err(Invalid::new("person.too_many", "contacts").with("max", MAX_CONTACTS));
    }
    let out = raw
        .iter()
        .map(|c| {
            let (name, relation, phone) = contact_basics(&c.name, &c.relation, &c.phone)?;
            Ok(ChildContactInput {
                id: c.id,
                name,
                relation,
                phone,
                is_guardian: c.is_guardian,
                may_pick_up: c.may_pick_up,
                id_tail: id_tail(c.id_tail.as_deref())?,
            })
        })
        .collect::<Result<Vec<_>, Invalid>>()?;
    if !out.iter().any(|c| c.is_guardian) {
        return Err(Invalid::new("child.guardian_required", "contacts"));
    }
    Ok(out)
}

/// The child form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChildInput {
    pub name: String,
    pub identity: IdentityInput,
    pub ethnicity: String,
    pub facility_id: i64,
    pub class_id: Option<i64>,
    pub enrolled_on: String,
    pub left_on: Option<String>,
    pub allergies: Vec<String>,
    pub diet_needs: Vec<DietNeed>,
    pub contacts: Vec<ChildContactInput>,
    /// A guardian consented to the processing of the child's data (all of it is sensitive under 14).
    pub consent: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFields {
    pub name: String,
    pub identity: Identity,
    pub ethnicity: String,
    pub facility_id: i64,
    pub class_id: Option<i64>,
    pub enrolled_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub allergies: Vec<String>,
    pub diet_needs: Vec<DietNeed>,
    pub contacts: Vec<ChildContactInput>,
    pub consent: bool,
    pub notes: Option<String>,
}

impl ChildInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ChildFields, Invalid> {
        let name = name(&self.name)?;
        let identity = self.identity.validate(today)?;
        let enrolled_on = crate::dates::parse_day(&self.enrolled_on, "enrolled_on")?;
        if enrolled_on < identity.birth_date {
            return Err(Invalid::new("child.enrolled_before_birth", "enrolled_on"));
        }
        let age = age_on(identity.birth_date, enrolled_on);
        if age > CHILD_MAX_AGE_AT_ENROLMENT {
            return Err(Invalid::new("child.too_old", "birth_date")
                .with("age", age)
                .with("max", CHILD_MAX_AGE_AT_ENROLMENT));
        }
        let left_on = match self.left_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(crate::dates::parse_day(raw, "left_on")?),
            None => None,
        };
        if left_on.is_some_and(|l| l < enrolled_on) {
            return Err(Invalid::new("child.left_before_enrolled", "left_on"));
        }
        Ok(ChildFields {
            name,
            identity,
            ethnicity: ethnicity(&self.ethnicity)?,
            facility_id: self.facility_id,
            class_id: self.class_id,
            enrolled_on,
            left_on,
            allergies: allergies(&self.allergies)?,
            diet_needs: canonical(DietNeed::ALL, &self.diet_needs),
            contacts: child_contacts(&self.contacts)?,
            consent: self.consent,
            notes: text::optional_text(self.notes.as_deref(), 1000, "notes")?,
        })
    }
}

/// The staff form. The ID number is optional for staff (not every record has it yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffInput {
    pub name: String,
    pub sex: Sex,
    pub id_number: Option<String>,
    pub job: StaffJob,
    pub facility_id: i64,
    pub phone: Option<String>,
    pub skills: Vec<Skill>,
    pub work_starts: String,
    pub work_ends: String,
    pub work_days: Vec<u8>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFields {
    pub name: String,
    pub sex: Sex,
    pub id_number: Option<ResidentId>,
    pub job: StaffJob,
    pub facility_id: i64,
    pub phone: Option<String>,
    pub skills: Vec<Skill>,
    pub work_starts: String,
    pub work_ends: String,
    pub work_days_bits: i64,
    pub active: bool,
}

impl StaffInput {
    pub fn validate(&self, today: NaiveDate) -> Result<StaffFields, Invalid> {
        let name = name(&self.name)?;
        let id_number = match self.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(ResidentId::parse(raw, today)?),
            None => None,
        };
        if let Some(id) = &id_number {
            if id.sex() != self.sex {
                return Err(Invalid::new("person.sex_mismatch", "sex"));
            }
            let age = age_on(id.birth_date(), today);
            if age < 16 {
                return Err(Invalid::new("staff.too_young", "id_number").with("age", age));
            }
        }
        let work_starts = time_of_day(&self.work_starts, "work_starts")?;
        let work_ends = time_of_day(&self.work_ends, "work_ends")?;
        if work_ends <= work_starts {
            return Err(Invalid::new("staff.hours_order", "work_ends"));
        }
        if self.work_days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(Invalid::new("facility.open_day_invalid", "work_days"));
        }
        Ok(StaffFields {
            name,
            sex: self.sex,
            id_number,
            job: self.job,
            facility_id: self.facility_id,
            phone: text::phone(self.phone.as_deref(), "phone")?,
            skills: canonical(Skill::ALL, &self.skills),
            work_starts,
            work_ends,
            work_days_bits: days_to_bits(&self.work_days),
            active: self.active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn client() -> ClientInput {
        ClientInput {
            name: " 张桂兰 ".into(),
            identity: IdentityInput { id_number: Some("11010519491231002X".into()), sex: None, birth_date: None },
            ethnicity: "汉族".into(),
            phone: Some("138 0473 1234".into()),
            facility_id: 1,
            community_id: 1,
            address: None,
            living_situation: LivingSituation::Alone,
            chronic_conditions: vec![
                ChronicCondition::Diabetes,
                ChronicCondition::Hypertension,
                ChronicCondition::Diabetes,
            ],
            diet_needs: vec![DietNeed::LowSugar],
            allergies: vec!["花生".into(), " ".into(), "花生".into()],
            contacts: vec![ContactInput {
                name: "李强".into(), relation: "儿子".into(), phone: "13900001111".into()
            }],
            consent: true,
            notes: None,
        }
    }

    fn child() -> ChildInput {
        ChildInput {
            name: "王小雨".into(),
            identity: IdentityInput { id_number: None, sex: Some(Sex::Female), birth_date: Some("2023-05-01".into()) },
            ethnicity: "蒙古族".into(),
            facility_id: 2,
            class_id: None,
            enrolled_on: "2025-09-01".into(),
            left_on: None,
            allergies: vec![],
            diet_needs: vec![],
            contacts: vec![ChildContactInput {
                id: None,
                name: "王芳".into(),
                relation: "母亲".into(),
                phone: "13800002222".into(),
                is_guardian: true,
                may_pick_up: true,
                id_tail: Some("123x".into()),
            }],
            consent: true,
            notes: None,
        }
    }

    #[test]
    fn the_id_number_gives_sex_and_birth_date() {
        let f = client().validate(today()).unwrap();
        assert_eq!(f.name, "张桂兰");
        assert_eq!(f.identity.sex, Sex::Female);
        assert_eq!(f.identity.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(f.phone.as_deref(), Some("13804731234"));
        assert_eq!(f.chronic_conditions, vec![ChronicCondition::Hypertension, ChronicCondition::Diabetes]);
        assert_eq!(f.allergies, vec!["花生".to_string()]);
    }

    #[test]
    fn typed_sex_or_birth_date_that_disagree_with_the_id_are_errors() {
        let mut c = client();
        c.identity.sex = Some(Sex::Male);
        assert_eq!(c.validate(today()).unwrap_err().code, "person.sex_mismatch");
        let mut c = client();
        c.identity.birth_date = Some("1949-12-30".into());
        let e = c.validate(today()).unwrap_err();
        assert_eq!((e.code, e.field), ("person.birth_mismatch", "birth_date"));
        let mut c = client();
        c.identity.sex = Some(Sex::Female);
        c.identity.birth_date = Some("1949-12-31".into());
        assert!(c.validate(today()).is_ok(), "agreeing values are fine");
    }

    #[test]
    fn without_an_id_sex_and_birth_date_are_required() {
        let mut c = client();
        c.identity = IdentityInput { id_number: None, sex: None, birth_date: Some("1950-01-01".into()) };
        assert_eq!(c.validate(today()).unwrap_err().code, "person.sex_required");
        c.identity.sex = Some(Sex::Male);
        c.identity.birth_date = None;
        assert_eq!(c.validate(today()).unwrap_err().code, "person.birth_required");
        c.identity.birth_date = Some("1950-02-30".into());
        assert_eq!(c.validate(today()).unwrap_err().code, "date.invalid");
    }

    #[test]
    fn a_bad_id_number_is_refused_with_its_reason() {
        let mut c = client();
        c.identity.id_number = Some("110105194912310021".into());
        assert_eq!(c.validate(today()).unwrap_err().code, "id.check_char");
    }

    #[test]
    fn clients_are_sixty_or_older() {
        let mut c = client();
        c.identity = IdentityInput { id_number: None, sex: Some(Sex::Male), birth_date: Some("1966-11-30".into()) };
        let e = c.validate(today()).unwrap_err();
        assert_eq!((e.code, e.field), ("client.too_young", "birth_date"));
        c.identity.birth_date = Some("1966-11-29".into());
        assert!(c.validate(today()).is_ok(), "60 today counts");
    }

    #[test]
    fn contacts_need_name_relation_and_a_phone() {
        let mut c = client();
        c.contacts[0].phone = "12".into();
        assert_eq!(c.validate(today()).unwrap_err().code, "phone.invalid");
        let mut c = client();
        c.contacts[0].relation = " ".into();
        assert_eq!(c.validate(today()).unwrap_err().code, "contact.relation_empty");
    }

    #[test]
    fn a_child_needs_a_guardian_and_a_plausible_age() {
        let f = child().validate(today()).unwrap();
        assert_eq!(f.contacts[0].id_tail.as_deref(), Some("123X"));
        let mut c = child();
        c.contacts[0].is_guardian = false;
        assert_eq!(c.validate(today()).unwrap_err().code, "child.guardian_required");
        let mut c = child();
        c.identity.birth_date = Some("2015-01-01".into());
        assert_eq!(c.validate(today()).unwrap_err().code, "child.too_old");
        let mut c = child();
        c.enrolled_on = "2023-01-01".into();
        assert_eq!(c.validate(today()).unwrap_err().code, "child.enrolled_before_birth");
        let mut c = child();
        c.left_on = Some("2025-01-01".into());
        assert_eq!(c.validate(today()).unwrap_err().code, "child.left_before_enrolled");
        let mut c = child();
        c.contacts[0].id_tail = Some("12X4".into());
        assert_eq!(c.validate(today()).unwrap_err().code, "contact.id_tail_invalid");
    }

    #[test]
    fn staff_hours_and_id() {
        let s = StaffInput {
            name: "赵敏".into(),
            sex: Sex::Male,
            id_number: Some("11010519491231002X".into()),
            job: StaffJob::Nurse,
            facility_id: 1,
            phone: None,
            skills: vec![Skill::NurseLicence],
            work_starts: "08:00".into(),
            work_ends: "17:30".into(),
            work_days: vec![1, 2, 3, 4, 5],
            active: true,
        };
        assert_eq!(s.validate(today()).unwrap_err().code, "person.sex_mismatch");
        let s = StaffInput { sex: Sex::Female, ..s };
        assert_eq!(s.validate(today()).unwrap().work_days_bits, 31);
        let s = StaffInput { work_ends: "07:00".into(), ..s };
        assert_eq!(s.validate(today()).unwrap_err().code, "staff.hours_order");
    }

    #[test]
    fn months_count_whole_months() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(months_between(d(2024, 1, 31), d(2024, 2, 29)), 0);
        assert_eq!(months_between(d(2024, 1, 15), d(2024, 2, 15)), 1);
        assert_eq!(months_between(d(2023, 5, 1), d(2026, 11, 29)), 42);
    }

    #[test]
    fn ages_count_whole_years() {
        let b = NaiveDate::from_ymd_opt(1960, 2, 29).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 2, 28).unwrap()), 59);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 2, 29).unwrap()), 60);
    }

    #[test]
    fn codes_round_trip() {
        for s in ClientStatus::ALL {
            assert_eq!(ClientStatus::parse(s.as_str()), Some(*s));
        }
        for d in DietNeed::ALL {
            assert_eq!(DietNeed::parse(d.as_str()), Some(*d));
        }
        assert_eq!(StaffJob::parse("janitor"), None);
    }
}
