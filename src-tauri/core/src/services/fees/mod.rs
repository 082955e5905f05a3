//! Fees: a facility's prices, each with the day it starts, and the ledger they make of what
//! was served, done and attended (docs/money.md).
//!
//! Decisions worth knowing:
//! - A setting (`fee_settings`) is a price or a rule with its first day; the one in force on
//!   a day is the row with the latest first day on or before it. A row is never changed once
//!   a charge has used it: a manager sets a new row with a later first day instead. A row
//!   no charge has used yet (its first day still ahead, or nothing served since) may be
//!   replaced, so a typing slip before the day is put right without a trail of rows.
//! - Elder facilities price meals (by meal) and home-care services (by the hour); childcare
//!   units their monthly fee (保育费), the day's meal fee (伙食费) and the rule for crediting
//!   absent days. Nothing is priced until its manager sets it: unpriced meals and visits
//!   post no charge to the person (the city's meal subsidy is still the city's).
//! - The ledger is derived, never typed: [`ledger`] reads the records behind each charge
//!   (served bookings, done visits, children's days in) with the settings of their day, so a
//!   corrected record corrects its charge, and the statement, the report and the workbook
//!   read one computation.

pub mod ledger;
pub mod months;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::local_day;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::{FacilityKind, Service};
use crate::domain::meals::Meal;
use crate::error::{Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::{read, utc_stamp, Db};

code_enum! {
    /// What a fee setting prices, or the rule it sets.
    FeeItem {
        /// A breakfast, lunch or dinner: fen per meal.
        MealBreakfast = "meal.breakfast",
        MealLunch = "meal.lunch",
        MealDinner = "meal.dinner",
        /// An hour of a home-care service: fen per hour, charged by the minute done.
        VisitMedical = "visit.medical",
        VisitDailyCare = "visit.daily_care",
        VisitRehabilitation = "visit.rehabilitation",
        VisitNursing = "visit.nursing",
        VisitMeals = "visit.meals",
        VisitRecreation = "visit.recreation",
        /// 保育费: fen per month enrolled.
        ChildcareMonthly = "childcare.monthly",
        /// 伙食费: fen per day the unit is open.
        ChildcareMealDay = "childcare.meal_day",
        /// Absent days whose meal fee is credited: from the Nth day of a run of absent open
        /// days in a month (1: every absent day). Days, not fen.
        ChildcareCreditFrom = "childcare.credit_from",
    }
}

/// What a setting's value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Fen,
    Days,
}

impl FeeItem {
    pub fn of_meal(meal: Meal) -> FeeItem {
        match meal {
            Meal::Breakfast => FeeItem::MealBreakfast,
            Meal::Lunch => FeeItem::MealLunch,
            Meal::Dinner => FeeItem::MealDinner,
        }
    }

    pub fn of_service(service: Service) -> FeeItem {
        match service {
            Service::Medical => FeeItem::VisitMedical,
            Service::DailyCare => FeeItem::VisitDailyCare,
            Service::Rehabilitation => FeeItem::VisitRehabilitation,
            Service::Nursing => FeeItem::VisitNursing,
            Service::Meals => FeeItem::VisitMeals,
            Service::Recreation => FeeItem::VisitRecreation,
        }
    }

    pub fn unit(self) -> Unit {
        if self == FeeItem::ChildcareCreditFrom {
            Unit::Days
        } else {
            Unit::Fen
        }
    }

    /// The most a value may be: far above any real price (a typing slip of an extra zero or
    /// two is caught), or a month of days.
    pub fn max(self) -> i64 {
        use FeeItem::*;
        match self {
            MealBreakfast | MealLunch | MealDinner | ChildcareMealDay => 10_000,
            VisitMedical | VisitDailyCare | VisitRehabilitation | VisitNursing | VisitMeals | VisitRecreation => {
                100_000
            }
            ChildcareMonthly => 1_000_000,
            ChildcareCreditFrom => 31,
        }
    }

    pub fn min(self) -> i64 {
        if self == FeeItem::ChildcareCreditFrom {
            1
        } else {
            0
        }
    }

    /// Whether a facility of `kind` has this item: meals and visits at elder facilities,
    /// the childcare items at childcare units.
    pub fn fits(self, kind: FacilityKind) -> bool {
        self.as_str().starts_with("childcare.") == (kind == FacilityKind::Childcare)
    }
}

/// How far ahead a first day may be set: a year.
pub const MAX_DAYS_AHEAD: u64 = 366;

/// One fee setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FeeSetting {
    pub id: i64,
    pub facility_id: i64,
    pub item: FeeItem,
    /// Fen, or days for the credit rule.
    pub value: i64,
    #[ts(type = "string")]
    pub from_day: NaiveDate,
    pub set_by_name: String,
    pub set_at: String,
}

/// A setting as the manager's form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct FeeSettingInput {
    pub facility_id: i64,
    pub item: FeeItem,
    pub value: i64,
    #[serde(deserialize_with = "crate::dates::day")]
    #[ts(type = "string")]
    pub from_day: NaiveDate,
}

fn setting_from_row(r: &rusqlite::Row) -> rusqlite::Result<FeeSetting> {
    Ok(FeeSetting {
        id: r.get("id")?,
        facility_id: r.get("facility_id")?,
        item: r.get("item")?,
        value: r.get("value")?,
        from_day: read::day(r, "from_day")?,
        set_by_name: r.get("set_by_name")?,
        set_at: r.get("set_at")?,
    })
}

/// Every setting of a facility, past, current and still to come, by item then first day.
pub fn settings(db: &Db, actor: &Actor, facility_id: i64) -> Result<Vec<FeeSetting>> {
    actor.require_at(Action::ViewFacility, facility_id)?;
    db.read(|c| all_settings(c, facility_id))
}

pub(crate) fn all_settings(c: &Connection, facility_id: i64) -> Result<Vec<FeeSetting>> {
    let mut rows = c
        .prepare_cached("SELECT * FROM fee_settings WHERE facility_id = ?1 ORDER BY item, from_day")?
        .query_map([facility_id], setting_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by_key(|s| (s.item, s.from_day));
    Ok(rows)
}

/// Sets a price or rule from a first day. Refused when a charge already used the setting in
/// force from that day (a past month's statement would change): the manager picks a later
/// first day. Audited.
pub fn set(db: &Db, actor: &Actor, input: &FeeSettingInput, now: DateTime<Utc>) -> Result<FeeSetting> {
    actor.require(Action::SetFees)?;
    let item = input.item;
    if !(item.min()..=item.max()).contains(&input.value) {
        let max = match item.unit() {
            Unit::Fen => item.max() / 100,
            Unit::Days => item.max(),
        };
        return Err(Invalid::new("fees.value_range", "value").with("min", item.min()).with("max", max).into());
    }
    let today = local_day(now);
    if input.from_day > today + Days::new(MAX_DAYS_AHEAD) {
        return Err(Invalid::new("fees.too_far_ahead", "from_day").into());
    }
    let from_day = crate::dates::checked(input.from_day, "from_day")?;
    db.write(|c| {
        actor.require_at(Action::SetFees, input.facility_id)?;
        let kind: FacilityKind = c
            .prepare_cached("SELECT kind FROM facilities WHERE id = ?1")?
            .query_row([input.facility_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Invalid::new("fees.no_facility", "facility_id"))?;
        if !item.fits(kind) {
            return Err(Invalid::new("fees.item_not_for_facility", "item").into());
        }
        if let Some(day) = ledger::first_use_since(c, input.facility_id, item, from_day, today)? {
            return Err(Invalid::new("fees.used", "from_day").with("day", day).into());
        }
        let before = c
            .prepare_cached("SELECT * FROM fee_settings WHERE facility_id = ?1 AND item = ?2 AND from_day = ?3")?
            .query_row(params![input.facility_id, item, from_day.to_string()], setting_from_row)
            .optional()?;
        c.prepare_cached(
            "INSERT INTO fee_settings (facility_id, item, value, from_day, set_by_name, set_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (facility_id, item, from_day)
             DO UPDATE SET value = excluded.value, set_by_name = excluded.set_by_name, set_at = excluded.set_at",
        )?
        .execute(params![
            input.facility_id,
            item,
            input.value,
            from_day.to_string(),
            actor.display_name,
            utc_stamp(now)
        ])?;
        let after = c
            .prepare_cached("SELECT * FROM fee_settings WHERE facility_id = ?1 AND item = ?2 AND from_day = ?3")?
            .query_row(params![input.facility_id, item, from_day.to_string()], setting_from_row)?;
        let mut entry = Entry::new(AuditAction::Set, AuditEntity::FeeSetting, after.id)
            .facility(Some(input.facility_id))
            .after(&after);
        if let Some(before) = &before {
            entry = entry.before(before);
        }
        entry.write(c, actor)?;
        Ok(after)
    })
}

/// A facility's settings, for looking up the one in force on a day.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    /// By item: (first day, value), in order of first day.
    rows: std::collections::HashMap<FeeItem, Vec<(NaiveDate, i64)>>,
}

impl PriceBook {
    pub fn load(c: &Connection, facility_id: i64) -> Result<PriceBook> {
        let mut book = PriceBook::default();
        for s in all_settings(c, facility_id)? {
            book.rows.entry(s.item).or_default().push((s.from_day, s.value));
        }
        Ok(book)
    }

    /// The value in force on `day`, if any was set by then.
    pub fn on(&self, item: FeeItem, day: NaiveDate) -> Option<i64> {
        let rows = self.rows.get(&item)?;
        let i = rows.partition_point(|(from, _)| *from <= day);
        i.checked_sub(1).map(|i| rows[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_setting_on_a_day_is_the_latest_started_by_then() {
        let mut book = PriceBook::default();
        book.rows.insert(FeeItem::MealLunch, vec![(day("2026-01-01"), 1200), (day("2026-07-01"), 1500)]);
        assert_eq!(book.on(FeeItem::MealLunch, day("2025-12-31")), None);
        assert_eq!(book.on(FeeItem::MealLunch, day("2026-01-01")), Some(1200));
        assert_eq!(book.on(FeeItem::MealLunch, day("2026-06-30")), Some(1200));
        assert_eq!(book.on(FeeItem::MealLunch, day("2026-07-01")), Some(1500));
        assert_eq!(book.on(FeeItem::MealDinner, day("2026-07-01")), None);
    }

    #[test]
    fn items_belong_to_their_kind_of_facility() {
        assert!(FeeItem::MealLunch.fits(FacilityKind::ElderStation));
        assert!(FeeItem::VisitNursing.fits(FacilityKind::ElderCentre));
        assert!(!FeeItem::MealLunch.fits(FacilityKind::Childcare));
        assert!(FeeItem::ChildcareMealDay.fits(FacilityKind::Childcare));
        assert!(!FeeItem::ChildcareMonthly.fits(FacilityKind::ElderCentre));
        for s in Service::ALL {
            assert!(FeeItem::of_service(*s).as_str().ends_with(s.as_str()));
        }
    }
}
