//! The kitchen's daily duties beyond the menu: the childcare unit's allergy list (which
//! child needs a substitute for which dish of the day) and the food sample log (留样) that
//! every facility keeps.
//!
//! Decisions worth knowing:
//! - The allergy list checks every child enrolled that day (enrolled on or before it, not
//!   left before it — a child's `left_on` is their last day, as on the class sheet) against
//!   the day's *published* menu, with `domain::meals::clashes`: allergies and the
//!   no-added-salt-or-sugar rule under one year (refusals: a substitute is needed) and
//!   diet tags (halal, vegetarian…: the teacher confirms or the kitchen substitutes). One
//!   row per child, dish and reason, by class, child, meal and menu order. It says whether
//!   a published menu exists, so "nothing to substitute" is never confused with "no menu".
//! - The list holds children's health data (sensitive under PIPL): reading it is
//!   `Action::ViewPeople` at the unit and each reading or export is audited. It is for
//!   childcare units only; elderly clients are checked when they book.
//! - The export refuses a day without a published menu rather than hand the kitchen an
//!   empty list that looks like good news.
//! - A food sample is at least [`SAMPLE_MIN_GRAMS`] of a dish on that day's published menu,
//!   one per dish, meal and day, logged by whoever took it (`Action::ServeMeals`, everyone
//!   at the facility) and kept [`SAMPLE_KEEP_HOURS`] hours from when it was logged; it
//!   cannot be discarded earlier. A sample is logged on its day or the next (a dinner
//!   logged after midnight); later than that it stays a gap, so the log cannot be filled in
//!   afterwards. Samples are kept at every facility, not only childcare units.
//! - A gap is a dish of a published menu with no sample. `sample_gaps` counts them over a
//!   range of days (reports use it); the day's own view marks each one.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::menus::{bad_column, is_childcare, meal_of};
use super::{child_eater_facts, meal_dishes};
use crate::clock::{local_day, local_offset};
use crate::dates::monday_of;
use crate::domain::account::{Action, Actor};
use crate::domain::meals::{clashes, Clash, EaterFacts, Meal};
use crate::error::{CoreError, Invalid, Result};
use crate::roster::export::{plain, write_table};
use crate::roster::{vocab, ExportReport};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::store::read;
use crate::store::{parse_utc_stamp, utc_stamp, Db};

/// 留样: at least 100 g of each dish.
pub const SAMPLE_MIN_GRAMS: f64 = 100.0;
/// More than this is a typing error (a kilogram of one dish kept as a sample).
pub const SAMPLE_MAX_GRAMS: f64 = 1000.0;
/// Kept refrigerated this long after it was taken.
pub const SAMPLE_KEEP_HOURS: i64 = 48;
/// The longest range `sample_gaps` counts over.
pub const SAMPLE_GAPS_MAX_DAYS: i64 = 366;

/// A child who needs something else instead of one dish of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubstituteNeed {
    pub child_id: i64,
    pub child_name: String,
    pub class_name: Option<String>,
    pub meal: Meal,
    pub dish_id: i64,
    pub dish_name: String,
    pub clash: Clash,
    /// The dish must not be served (allergy, salt or sugar under one year); otherwise a
    /// diet that does not suit, to confirm or substitute.
    pub refuses: bool,
}

/// The day's list for the kitchen and the class teachers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AllergyList {
    pub facility_id: i64,
    pub day: String,
    /// The day's week has a published menu; without one nothing was checked.
    pub published: bool,
    /// Children enrolled that day, all checked.
    pub children: u32,
    pub needs: Vec<SubstituteNeed>,
}

/// A food sample kept.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FoodSample {
    pub id: i64,
    pub facility_id: i64,
    pub day: String,
    pub meal: Meal,
    pub dish_id: i64,
    pub dish_name: String,
    pub grams: f64,
    /// UTC instants.
    pub sampled_at: String,
    pub sampled_by_name: String,
    /// Kept until then (sampled_at + 48 h).
    pub discard_after: String,
    pub discarded_at: Option<String>,
}

/// A dish of one meal of the day and its sample, or the gap where it should be.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SampleSlot {
    pub meal: Meal,
    pub dish_id: i64,
    pub dish_name: String,
    /// On the day's published menu. A sample of a dish taken off the menu since is still shown.
    pub on_menu: bool,
    pub sample: Option<FoodSample>,
    /// On the menu and no sample logged.
    pub gap: bool,
}

/// Samples missing on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SampleGapDay {
    pub day: String,
    pub expected: u32,
    pub missing: u32,
}

/// Samples expected and missing over a range of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SampleGaps {
    pub facility_id: i64,
    pub from: String,
    pub to: String,
    /// Dishes of the published menus in the range.
    pub expected: u32,
    pub sampled: u32,
    pub missing: u32,
    /// The days with a gap, in order.
    pub days: Vec<SampleGapDay>,
}

impl FoodSample {
    fn from_row(r: &Row) -> rusqlite::Result<FoodSample> {
        Ok(FoodSample {
            id: r.get("id")?,
            facility_id: r.get("facility_id")?,
            day: r.get("day")?,
            meal: meal_of(r, "meal")?,
            dish_id: r.get("dish_id")?,
            dish_name: r.get("dish_name")?,
            grams: r.get("grams")?,
            sampled_at: r.get("sampled_at")?,
            sampled_by_name: r.get("sampled_by_name")?,
            discard_after: r.get("discard_after")?,
            discarded_at: r.get("discarded_at")?,
        })
    }
}

const SAMPLE_SELECT: &str = "SELECT s.*, d.name AS dish_name FROM food_samples s JOIN dishes d ON d.id = s.dish_id";

fn sample_by_id(c: &Connection, id: i64) -> Result<FoodSample> {
    c.prepare_cached(&format!("{SAMPLE_SELECT} WHERE s.id = ?1"))?
        .query_row([id], FoodSample::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::FoodSample, id: id.to_string() })
}

pub(crate) fn build_allergy_list(c: &Connection, facility_id: i64, day: NaiveDate) -> Result<AllergyList> {
    if !is_childcare(c, facility_id)? {
        return Err(Invalid::new("allergy_list.childcare_only", "facility_id").into());
    }
    let published: bool = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM menus WHERE facility_id = ?1 AND week_start = ?2 AND status = 'published')",
        )?
        .query_row(params![facility_id, monday_of(day).to_string()], |r| r.get(0))?;
    let mut meals = Vec::new();
    for meal in Meal::ALL {
        meals.push((*meal, meal_dishes(c, facility_id, day, *meal)?));
    }
    // The children with what the checks read, in one query (the city's monthly report asks
    // for every menu day of every unit).
    let children: Vec<(i64, String, Option<String>, EaterFacts)> = c
        .prepare_cached(
            "SELECT ch.id, ch.name, cc.name, ch.allergies, ch.diet_needs, ch.birth_date
             FROM children ch LEFT JOIN child_classes cc ON cc.id = ch.class_id
             WHERE ch.facility_id = ?1 AND ch.enrolled_on <= ?2 AND (ch.left_on IS NULL OR ch.left_on >= ?2)
             ORDER BY cc.name IS NULL, cc.name, ch.name_key, ch.id",
        )?
        .query_map(params![facility_id, day.to_string()], |r| {
            let eater = child_eater_facts(r, (3, 4, 5), day)?;
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, eater))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut needs = Vec::new();
    for (child_id, child_name, class_name, eater) in &children {
        for (meal, dishes) in &meals {
            for (dish_id, dish) in dishes {
                for clash in clashes(eater, dish) {
                    needs.push(SubstituteNeed {
                        child_id: *child_id,
                        child_name: child_name.clone(),
                        class_name: class_name.clone(),
                        meal: *meal,
                        dish_id: *dish_id,
                        dish_name: dish.name.clone(),
                        refuses: clash.refuses(),
                        clash,
                    });
                }
            }
        }
    }
    Ok(AllergyList { facility_id, day: day.to_string(), published, children: children.len() as u32, needs })
}

/// Every enrolled child checked against the day's published menu: who needs a substitute
/// for which dish, and why. Audited (children's health data).
pub fn allergy_list(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<AllergyList> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    audited_read(db, actor, |c| {
        let list = build_allergy_list(c, facility_id, day)?;
        let entry = Entry::new(AuditAction::View, AuditEntity::AllergyList, day)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "children": list.children, "needs": list.needs.len() }));
        Ok((list, entry))
    })
}

fn meal_label(meal: Meal) -> &'static str {
    match meal {
        Meal::Breakfast => "早餐",
        Meal::Lunch => "午餐",
        Meal::Dinner => "晚餐",
    }
}

fn clash_label(clash: &Clash) -> String {
    match clash {
        Clash::Allergy { allergy } => format!("过敏：{allergy}"),
        Clash::Diet { need } => format!("饮食：{}", vocab::label(vocab::DIETS, *need)),
        Clash::InfantSaltSugar => "1 岁以下不加盐、糖".to_string(),
    }
}

/// Writes the day's allergy list to an .xlsx at `path` for the kitchen and the class
/// teachers; refused when the day has no published menu. Audited.
pub fn export_allergy_list(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    day: NaiveDate,
    path: &Path,
) -> Result<ExportReport> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let list = db.read(|c| build_allergy_list(c, facility_id, day))?;
    if !list.published {
        return Err(Invalid::new("allergy_list.not_published", "day").with("day", day).into());
    }
    let columns = [plain("班级"), plain("姓名"), plain("餐次"), plain("菜品"), plain("原因"), plain("处理")];
    let rows: Vec<Vec<String>> = list
        .needs
        .iter()
        .map(|n| {
            vec![
                n.class_name.clone().unwrap_or_default(),
                n.child_name.clone(),
                meal_label(n.meal).to_string(),
                n.dish_name.clone(),
                clash_label(&n.clash),
                if n.refuses { "需替换" } else { "需确认" }.to_string(),
            ]
        })
        .collect();
    write_table(path, &format!("{day} 过敏替换"), &columns, &rows)?;
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::AllergyList, path.display())
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "day": list.day, "rows": rows.len() }))
            .write(c, actor)
    })?;
    Ok(ExportReport { path: path.display().to_string(), rows: rows.len() })
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// Logs a food sample of a dish of the day's published menu, taken `now`.
#[allow(clippy::too_many_arguments)]
pub fn record_sample(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    day: NaiveDate,
    meal: Meal,
    dish_id: i64,
    grams: f64,
    now: DateTime<Utc>,
) -> Result<FoodSample> {
    actor.require_at(Action::ServeMeals, facility_id)?;
    if grams.is_nan() || grams < SAMPLE_MIN_GRAMS {
        return Err(Invalid::new("sample.too_small", "grams").with("min", SAMPLE_MIN_GRAMS).into());
    }
    if grams > SAMPLE_MAX_GRAMS {
        return Err(Invalid::new("sample.too_large", "grams").with("max", SAMPLE_MAX_GRAMS).into());
    }
    let today = local_day(now);
    if day > today {
        return Err(Invalid::new("sample.future_day", "day").with("day", day).into());
    }
    if day < today - Days::new(1) {
        return Err(Invalid::new("sample.too_late", "day").with("day", day).into());
    }
    db.write(|c| {
        is_childcare(c, facility_id)?; // NotFound for an unknown facility
        let on_menu = meal_dishes(c, facility_id, day, meal)?.into_iter().find(|(id, _)| *id == dish_id);
        let Some((_, dish)) = on_menu else {
            let name: Option<String> = c
                .prepare_cached("SELECT name FROM dishes WHERE id = ?1 AND facility_id = ?2")?
                .query_row(params![dish_id, facility_id], |r| r.get(0))
                .optional()?;
            return Err(Invalid::new("sample.dish_not_on_menu", "dish_id")
                .with("dish", name.unwrap_or_else(|| format!("#{dish_id}")))
                .with("day", day)
                .into());
        };
        let taken: Option<i64> = c
            .prepare_cached("SELECT id FROM food_samples WHERE facility_id = ?1 AND day = ?2 AND meal = ?3 AND dish_id = ?4")?
            .query_row(params![facility_id, day.to_string(), meal.as_str(), dish_id], |r| r.get(0))
            .optional()?;
        if taken.is_some() {
            return Err(Invalid::new("sample.already_recorded", "dish_id").with("dish", &dish.name).into());
        }
        let discard_after = now + TimeDelta::hours(SAMPLE_KEEP_HOURS);
        c.prepare_cached(
            "INSERT INTO food_samples (facility_id, day, meal, dish_id, grams, sampled_at, sampled_by_name, discard_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            facility_id,
            day.to_string(),
            meal.as_str(),
            dish_id,
            grams,
            utc_stamp(now),
            actor.display_name,
            utc_stamp(discard_after),
        ])?;
        let sample = sample_by_id(c, c.last_insert_rowid())?;
        Entry::new(AuditAction::Create, AuditEntity::FoodSample, sample.id).facility(Some(facility_id)).after(&sample).write(c, actor)?;
        Ok(sample)
    })
}

/// Records a sample thrown away, no sooner than 48 hours after it was taken.
pub fn discard_sample(db: &Db, actor: &Actor, sample_id: i64, now: DateTime<Utc>) -> Result<FoodSample> {
    actor.require(Action::ServeMeals)?;
    db.write(|c| {
        let before = sample_by_id(c, sample_id)?;
        actor.require_at(Action::ServeMeals, before.facility_id)?;
        if before.discarded_at.is_some() {
            return Err(Invalid::new("sample.already_discarded", "sample_id").with("dish", &before.dish_name).into());
        }
        let until = parse_utc_stamp(&before.discard_after).ok_or_else(|| bad_column("discard_after"))?;
        if now < until {
            return Err(Invalid::new("sample.kept_48h", "sample_id")
                .with("dish", &before.dish_name)
                .with("until", local_time(until))
                .into());
        }
        c.prepare_cached("UPDATE food_samples SET discarded_at = ?1 WHERE id = ?2")?
            .execute(params![utc_stamp(now), sample_id])?;
        let after = sample_by_id(c, sample_id)?;
        Entry::new(AuditAction::Discard, AuditEntity::FoodSample, sample_id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Every dish of each meal of the day's published menu, with its sample or a gap; samples
/// of dishes taken off the menu since follow their meal's dishes.
pub fn samples_for_day(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<Vec<SampleSlot>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        is_childcare(c, facility_id)?; // NotFound for an unknown facility
        let mut samples: HashMap<(Meal, i64), FoodSample> = c
            .prepare_cached(&format!("{SAMPLE_SELECT} WHERE s.facility_id = ?1 AND s.day = ?2 ORDER BY s.id"))?
            .query_map(params![facility_id, day.to_string()], FoodSample::from_row)?
            .map(|r| r.map(|s| ((s.meal, s.dish_id), s)))
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for meal in Meal::ALL {
            for (dish_id, dish) in meal_dishes(c, facility_id, day, *meal)? {
                let sample = samples.remove(&(*meal, dish_id));
                let gap = sample.is_none();
                out.push(SampleSlot { meal: *meal, dish_id, dish_name: dish.name, on_menu: true, sample, gap });
            }
            let mut off_menu: Vec<FoodSample> = Vec::new();
            samples.retain(|(m, _), s| {
                if m == meal {
                    off_menu.push(s.clone());
                    false
                } else {
                    true
                }
            });
            off_menu.sort_by_key(|s| s.id);
            for s in off_menu {
                out.push(SampleSlot {
                    meal: *meal,
                    dish_id: s.dish_id,
                    dish_name: s.dish_name.clone(),
                    on_menu: false,
                    sample: Some(s),
                    gap: false,
                });
            }
        }
        Ok(out)
    })
}

/// Counts the dishes of the published menus from `from` to `to` (both included) with no
/// sample logged.
pub fn sample_gaps(db: &Db, actor: &Actor, facility_id: i64, from: NaiveDate, to: NaiveDate) -> Result<SampleGaps> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    if from > to {
        return Err(Invalid::new("sample.range_reversed", "to").into());
    }
    if (to - from).num_days() + 1 > SAMPLE_GAPS_MAX_DAYS {
        return Err(Invalid::new("sample.range_too_long", "to").with("max", SAMPLE_GAPS_MAX_DAYS).into());
    }
    db.read(|c| {
        is_childcare(c, facility_id)?; // NotFound for an unknown facility
        let mut gaps = SampleGaps {
            facility_id,
            from: from.to_string(),
            to: to.to_string(),
            expected: 0,
            sampled: 0,
            missing: 0,
            days: Vec::new(),
        };
        let mut stmt = c.prepare_cached(
            "SELECT i.day, count(*) AS expected, count(s.id) AS sampled
             FROM menu_items i JOIN menus m ON m.id = i.menu_id
             LEFT JOIN food_samples s ON s.facility_id = m.facility_id AND s.day = i.day AND s.meal = i.meal
                                     AND s.dish_id = i.dish_id
             WHERE m.facility_id = ?1 AND m.status = 'published' AND i.day BETWEEN ?2 AND ?3
             GROUP BY i.day ORDER BY i.day",
        )?;
        let mut rows = stmt.query(params![facility_id, from.to_string(), to.to_string()])?;
        while let Some(r) = rows.next()? {
            let day = read::day(r, "day")?;
            let (expected, sampled): (u32, u32) = (r.get("expected")?, r.get("sampled")?);
            gaps.expected += expected;
            gaps.sampled += sampled;
            if sampled < expected {
                gaps.missing += expected - sampled;
                gaps.days.push(SampleGapDay { day: day.to_string(), expected, missing: expected - sampled });
            }
        }
        Ok(gaps)
    })
}
