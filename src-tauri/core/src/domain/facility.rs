//! Facilities: elder-service centres and stations, and integrated childcare units, with
//! the validated form a manager edits.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text;
use crate::codes::code_enum;
use crate::error::Invalid;

code_enum! {
    FacilityKind {
        /// 养老服务中心
        ElderCentre = "elder_centre",
        /// 养老服务站
        ElderStation = "elder_station",
        /// 托幼一体化服务机构
        Childcare = "childcare",
    }
}

impl FacilityKind {
    pub fn is_elder(self) -> bool {
        self != FacilityKind::Childcare
    }
}

code_enum! {
    /// The six services of an elder facility: 医 养 康 护 餐 乐.
    Service {
        Medical = "medical",
        DailyCare = "daily_care",
        Rehabilitation = "rehabilitation",
        Nursing = "nursing",
        Meals = "meals",
        Recreation = "recreation",
    }
}

impl Service {
    fn bit(self) -> i64 {
        1 << (self as u8)
    }

    /// The set as stored in the database: one bit per service.
    pub fn to_bits(services: &[Service]) -> i64 {
        services.iter().fold(0, |acc, s| acc | s.bit())
    }

    pub fn from_bits(bits: i64) -> Vec<Service> {
        Service::ALL.iter().copied().filter(|s| bits & s.bit() != 0).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChildClass {
    pub id: i64,
    pub name: String,
}

/// A facility as the UI shows it, with where it stands in the city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Facility {
    pub id: i64,
    pub kind: FacilityKind,
    pub name: String,
    pub district_id: i64,
    pub district_name: String,
    pub circle_id: i64,
    pub circle_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// "HH:MM", local time of the facility.
    pub opens_at: String,
    pub closes_at: String,
    /// ISO weekdays the facility is open, 1 = Monday … 7 = Sunday.
    pub open_days: Vec<u8>,
    pub capacity: i64,
    /// Elder facilities only; empty for childcare units.
    pub services: Vec<Service>,
    /// Childcare units only.
    pub age_min_months: Option<i64>,
    pub age_max_months: Option<i64>,
    pub classes: Vec<ChildClass>,
    pub is_demo: bool,
    pub updated_at: String,
}

/// A class in the edit form: `id` for an existing class, none for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClassInput {
    pub id: Option<i64>,
    pub name: String,
}

/// The facility form as the user filled it in. Nothing in it is trusted until
/// [`FacilityInput::validate`] has turned it into a [`FacilityFields`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FacilityInput {
    pub name: String,
    pub community_id: i64,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub opens_at: String,
    pub closes_at: String,
    pub open_days: Vec<u8>,
    pub capacity: i64,
    pub services: Vec<Service>,
    pub age_min_months: Option<i64>,
    pub age_max_months: Option<i64>,
    pub classes: Vec<ClassInput>,
}

/// Validated facility fields, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacilityFields {
    pub name: String,
    pub community_id: i64,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub opens_at: String,
    pub closes_at: String,
    /// Bit i-1 set when ISO weekday i is open.
    pub open_days_bits: i64,
    pub capacity: i64,
    pub services_bits: i64,
    pub age_min_months: Option<i64>,
    pub age_max_months: Option<i64>,
    pub classes: Vec<ClassInput>,
}

/// Children from a few months to six years: 0–84 months covers every unit.
pub const MAX_CHILD_AGE_MONTHS: i64 = 84;
pub const MAX_CAPACITY: i64 = 100_000;

pub fn days_to_bits(days: &[u8]) -> i64 {
    days.iter().fold(0, |acc, d| acc | (1 << (d - 1)))
}

pub fn bits_to_days(bits: i64) -> Vec<u8> {
    (1..=7u8).filter(|d| bits & (1 << (d - 1)) != 0).collect()
}

pub(crate) fn time_of_day(raw: &str, field: &'static str) -> Result<String, Invalid> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| Invalid::new("facility.time_invalid", field).with("value", raw))
}

impl FacilityInput {
    pub fn validate(&self, kind: FacilityKind) -> Result<FacilityFields, Invalid> {
        let name = text::required_name(&self.name, 60, "facility.name_empty", "facility.name_too_long", "name")?;
        let address = text::optional_text(self.address.as_deref(), 120, "address")?;
        let phone = text::phone(self.phone.as_deref(), "phone")?;
        let opens_at = time_of_day(&self.opens_at, "opens_at")?;
        let closes_at = time_of_day(&self.closes_at, "closes_at")?;
        if closes_at <= opens_at {
            return Err(Invalid::new("facility.hours_order", "closes_at"));
        }
        if self.open_days.is_empty() {
            return Err(Invalid::new("facility.no_open_days", "open_days"));
        }
        if self.open_days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(Invalid::new("facility.open_day_invalid", "open_days"));
        }
        if self.capacity < 0 {
            return Err(Invalid::new("facility.capacity_negative", "capacity"));
        }
        if self.capacity > MAX_CAPACITY {
            return Err(Invalid::new("facility.capacity_too_large", "capacity").with("max", MAX_CAPACITY));
        }
        let (services_bits, age_min_months, age_max_months, classes) = if kind.is_elder() {
            if self.services.is_empty() {
                return Err(Invalid::new("facility.no_services", "services"));
            }
            (Service::to_bits(&self.services), None, None, Vec::new())
        } else {
            let (min, max) = self.age_range()?;
            (0, Some(min), Some(max), self.valid_classes()?)
        };
        Ok(FacilityFields {
            name,
            community_id: self.community_id,
            address,
            phone,
            opens_at,
            closes_at,
            open_days_bits: days_to_bits(&self.open_days),
            capacity: self.capacity,
            services_bits,
            age_min_months,
            age_max_months,
            classes,
        })
    }

    fn age_range(&self) -> Result<(i64, i64), Invalid> {
        let (Some(min), Some(max)) = (self.age_min_months, self.age_max_months) else {
            return Err(Invalid::new("facility.age_range_missing", "age_min_months"));
        };
        for (value, field) in [(min, "age_min_months"), (max, "age_max_months")] {
            if !(0..=MAX_CHILD_AGE_MONTHS).contains(&value) {
                return Err(Invalid::new("facility.age_out_of_range", field).with("max", MAX_CHILD_AGE_MONTHS));
            }
        }
        if min >= max {
            return Err(Invalid::new("facility.age_range_order", "age_max_months"));
        }
        Ok((min, max))
    }

    fn valid_classes(&self) -> Result<Vec<ClassInput>, Invalid> {
        let mut seen = std::collections::HashSet::new();
        self.classes
            .iter()
            .map(|c| {
                let name = text::required_name(
                    &c.name,
                    30,
                    "facility.class_name_empty",
                    "facility.class_name_too_long",
                    "classes",
                )?;
                if !seen.insert(name.clone()) {
                    return Err(Invalid::new("facility.class_duplicate", "classes").with("name", name));
                }
                Ok(ClassInput { id: c.id, name })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elder_form() -> FacilityInput {
        FacilityInput {
            name: " 新华街道养老服务站 ".into(),
            community_id: 1,
            address: Some("海勃湾区新华街 12 号".into()),
            phone: Some("0473 3981234".into()),
            opens_at: "8:00".into(),
            closes_at: "17:30".into(),
            open_days: vec![1, 2, 3, 4, 5],
            capacity: 40,
            services: Service::ALL.to_vec(),
            age_min_months: None,
            age_max_months: None,
            classes: vec![],
        }
    }

    fn childcare_form() -> FacilityInput {
        FacilityInput {
            age_min_months: Some(6),
            age_max_months: Some(72),
            classes: vec![ClassInput { id: None, name: "托班".into() }, ClassInput { id: None, name: "小班".into() }],
            services: vec![],
            ..elder_form()
        }
    }

    #[test]
    fn a_good_elder_form_is_normalised() {
        let v = elder_form().validate(FacilityKind::ElderStation).unwrap();
        assert_eq!(v.name, "新华街道养老服务站");
        assert_eq!(v.opens_at, "08:00");
        assert_eq!(v.phone.as_deref(), Some("04733981234"));
        assert_eq!(Service::from_bits(v.services_bits), Service::ALL.to_vec());
        assert_eq!(bits_to_days(v.open_days_bits), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn bad_fields_are_named() {
        let err = |f: FacilityInput, kind| f.validate(kind).unwrap_err();
        let k = FacilityKind::ElderCentre;
        assert_eq!(err(FacilityInput { name: "  ".into(), ..elder_form() }, k).code, "facility.name_empty");
        assert_eq!(err(FacilityInput { capacity: -1, ..elder_form() }, k).code, "facility.capacity_negative");
        assert_eq!(err(FacilityInput { closes_at: "07:00".into(), ..elder_form() }, k).code, "facility.hours_order");
        assert_eq!(err(FacilityInput { opens_at: "25:00".into(), ..elder_form() }, k).code, "facility.time_invalid");
        assert_eq!(err(FacilityInput { services: vec![], ..elder_form() }, k).code, "facility.no_services");
        assert_eq!(err(FacilityInput { open_days: vec![], ..elder_form() }, k).code, "facility.no_open_days");
        assert_eq!(err(FacilityInput { open_days: vec![8], ..elder_form() }, k).code, "facility.open_day_invalid");
        assert_eq!(err(FacilityInput { phone: Some("call me".into()), ..elder_form() }, k).code, "phone.invalid");
    }

    #[test]
    fn capacity_zero_is_allowed_and_the_edges_hold() {
        assert!(FacilityInput { capacity: 0, ..elder_form() }.validate(FacilityKind::ElderCentre).is_ok());
        assert!(FacilityInput { capacity: MAX_CAPACITY, ..elder_form() }.validate(FacilityKind::ElderCentre).is_ok());
        assert!(FacilityInput { capacity: MAX_CAPACITY + 1, ..elder_form() }
            .validate(FacilityKind::ElderCentre)
            .is_err());
    }

    #[test]
    fn childcare_needs_an_age_range_and_distinct_classes() {
        let k = FacilityKind::Childcare;
        let v = childcare_form().validate(k).unwrap();
        assert_eq!((v.age_min_months, v.age_max_months), (Some(6), Some(72)));
        assert_eq!(v.services_bits, 0, "childcare units do not carry the elder services");
        let err = |f: FacilityInput| f.validate(k).unwrap_err().code;
        assert_eq!(err(FacilityInput { age_min_months: None, ..childcare_form() }), "facility.age_range_missing");
        assert_eq!(err(FacilityInput { age_min_months: Some(72), ..childcare_form() }), "facility.age_range_order");
        assert_eq!(err(FacilityInput { age_max_months: Some(85), ..childcare_form() }), "facility.age_out_of_range");
        let twice = vec![ClassInput { id: None, name: "小班".into() }, ClassInput { id: None, name: " 小班".into() }];
        assert_eq!(err(FacilityInput { classes: twice, ..childcare_form() }), "facility.class_duplicate");
    }
}
