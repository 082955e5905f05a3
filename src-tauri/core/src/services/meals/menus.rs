//! Weekly menus: one per facility and week (Monday to Sunday), breakfast, lunch and dinner
//! of each day built from the facility's dish library, then published. Only a published
//! menu is booked, checked against the children's allergies and sampled.
//!
//! At a childcare unit the menu is quantity-specified (带量食谱): every dish carries the
//! grams per child for each age group ([`GramsByAge`]), and a dish with added salt or sugar
//! never carries grams for children under one year (the rule is `domain::meals::clashes`'s
//! `InfantSaltSugar`, asked of a child of 0 months). Elder facilities give no grams.
//!
//! Decisions worth knowing:
//! - A meal's dishes are set as a whole list (`set_meal`), replacing the old list in one
//!   transaction; the list's order is the menu's order. At most [`MAX_DISHES_PER_MEAL`].
//! - Only the facility's own active dishes can be put on a menu. A dish retired since it was
//!   put on a meal may stay on that meal when the list is saved again.
//! - A published menu can still be edited (a dish ran out, a supplier failed): the audit
//!   entry's action then reads `update_published` (or `copy_published`).
//! - Copying shifts each day by whole weeks and keeps the grams; retired dishes are left
//!   out and named in [`MenuCopy::left_out`]. A target week that already has dishes is
//!   replaced only when asked (`replace: true`); its status is kept.
//! - Publishing refuses an empty menu and checks every item again (a dish may have gained
//!   added salt since it was put on the menu). Publishing twice changes nothing.
//! - 带量食谱 are changed every 1–2 weeks: [`Menu::weeks_unchanged`] counts the consecutive
//!   weeks, this one included, with exactly the same dishes on the same weekday and meal;
//!   a childcare menu unchanged for more than [`CHILDCARE_MENU_MAX_WEEKS`] is flagged
//!   `change_due`. A warning, never a refusal.
//! - Grams are stored in `menu_items.grams_json` as `{"under_1": 0, "1_to_2": 40,
//!   "2_to_3": 50, "3_up": 60}`, a group left blank omitted.
//! - Building and publishing is `Action::ManageMenus` at the facility; reading is
//!   `Action::ViewPeople` there.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dish_facts;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::meals::{clashes, Allergen, Clash, EaterFacts, Meal};
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::read;
use crate::store::{utc_stamp, Db, Tx};

/// More than this many dishes in one meal is a mistake, not a menu.
pub const MAX_DISHES_PER_MEAL: usize = 12;
/// The most grams of one dish per child per meal, for any age group.
pub const GRAMS_MAX: u16 = 500;
/// A childcare menu is changed every 1–2 weeks: unchanged for longer, it is due a change.
pub const CHILDCARE_MENU_MAX_WEEKS: u32 = 2;
/// How far back `weeks_unchanged` looks.
const UNCHANGED_LOOKBACK_WEEKS: u32 = 52;

code_enum! {
    /// A draft is being built; a published menu is what the kitchen cooks and people book.
    MenuStatus { Draft = "draft", Published = "published" }
}

/// Grams of a dish per child per meal, by age group (带量食谱). Blank: the group is not
/// served the dish.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct GramsByAge {
    /// Under 12 months.
    pub under_1: Option<u16>,
    /// 12 to 23 months.
    pub from_1_to_2: Option<u16>,
    /// 24 to 35 months.
    pub from_2_to_3: Option<u16>,
    /// 36 months and older.
    pub from_3: Option<u16>,
}

impl GramsByAge {
    const DB_KEYS: [&'static str; 4] = ["under_1", "1_to_2", "2_to_3", "3_up"];

    /// The grams for a child of `age_months`.
    pub fn for_age_months(&self, age_months: u32) -> Option<u16> {
        match age_months {
            0..=11 => self.under_1,
            12..=23 => self.from_1_to_2,
            24..=35 => self.from_2_to_3,
            _ => self.from_3,
        }
    }

    fn values(&self) -> [Option<u16>; 4] {
        [self.under_1, self.from_1_to_2, self.from_2_to_3, self.from_3]
    }

    fn is_blank(&self) -> bool {
        self.values().iter().all(Option::is_none)
    }

    fn serves_anyone(&self) -> bool {
        self.values().iter().any(|g| g.is_some_and(|g| g > 0))
    }

    fn to_db(self) -> String {
        let map: serde_json::Map<String, serde_json::Value> =
            Self::DB_KEYS.iter().zip(self.values()).filter_map(|(k, v)| v.map(|v| (k.to_string(), v.into()))).collect();
        serde_json::Value::Object(map).to_string()
    }

    fn from_db(raw: Option<String>) -> Option<GramsByAge> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&raw?).ok()?;
        let get = |k: &str| map.get(k).and_then(serde_json::Value::as_u64).and_then(|v| u16::try_from(v).ok());
        let g = GramsByAge {
            under_1: get(Self::DB_KEYS[0]),
            from_1_to_2: get(Self::DB_KEYS[1]),
            from_2_to_3: get(Self::DB_KEYS[2]),
            from_3: get(Self::DB_KEYS[3]),
        };
        (!g.is_blank()).then_some(g)
    }
}

/// One dish of a meal as the menu form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MenuItemInput {
    pub dish_id: i64,
    /// Required at a childcare unit, refused elsewhere.
    #[serde(default)]
    pub grams: Option<GramsByAge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MenuItem {
    pub id: i64,
    pub day: String,
    pub meal: Meal,
    pub dish_id: i64,
    pub dish_name: String,
    pub allergens: Vec<Allergen>,
    /// Order within the meal, from 0.
    pub position: u32,
    pub grams: Option<GramsByAge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Menu {
    pub id: i64,
    pub facility_id: i64,
    /// The Monday the week starts on.
    pub week_start: String,
    pub status: MenuStatus,
    pub published_at: Option<String>,
    pub published_by_name: Option<String>,
    /// A childcare unit's menu: every item carries grams by age group.
    pub childcare: bool,
    /// By day, meal (breakfast, lunch, dinner) and position.
    pub items: Vec<MenuItem>,
    /// Consecutive weeks, this one included, with exactly these dishes; 0 for an empty menu.
    pub weeks_unchanged: u32,
    /// A childcare menu unchanged for more than two weeks: time to change it (a warning).
    pub change_due: bool,
}

/// A week on the facility's list of menus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MenuWeek {
    pub id: i64,
    pub week_start: String,
    pub status: MenuStatus,
    pub published_at: Option<String>,
    pub items: u32,
}

/// The week a copy produced, and the retired dishes it left out (by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MenuCopy {
    pub menu: Menu,
    pub left_out: Vec<String>,
}

fn monday(week_start: NaiveDate, field: &'static str) -> Result<NaiveDate, Invalid> {
    if week_start.weekday() == Weekday::Mon {
        Ok(week_start)
    } else {
        Err(Invalid::new("menu.week_not_monday", field).with("day", week_start))
    }
}

pub(crate) use crate::services::people::bad_column;

pub(crate) fn meal_of(r: &Row, column: &str) -> rusqlite::Result<Meal> {
    r.get::<_, Meal>(column)
}

/// Whether the facility is a childcare unit; NotFound if there is no such facility.
pub(crate) fn is_childcare(c: &Connection, facility_id: i64) -> Result<bool> {
    let kind: Option<FacilityKind> = c
        .prepare_cached("SELECT kind FROM facilities WHERE id = ?1")?
        .query_row([facility_id], |r| r.get(0))
        .optional()?;
    let kind = kind.ok_or(CoreError::NotFound { entity: AuditEntity::Facility, id: facility_id.to_string() })?;
    Ok(kind == FacilityKind::Childcare)
}

struct MenuRow {
    id: i64,
    facility_id: i64,
    week_start: NaiveDate,
    status: MenuStatus,
    published_at: Option<String>,
    published_by_name: Option<String>,
}

fn menu_row(c: &Connection, menu_id: i64) -> Result<MenuRow> {
    c.prepare_cached("SELECT * FROM menus WHERE id = ?1")?
        .query_row([menu_id], |r| {
            Ok(MenuRow {
                id: r.get("id")?,
                facility_id: r.get("facility_id")?,
                week_start: read::day(r, "week_start")?,
                status: r.get::<_, MenuStatus>("status")?,
                published_at: r.get("published_at")?,
                published_by_name: r.get("published_by_name")?,
            })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Menu, id: menu_id.to_string() })
}

fn menu_id_for(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<Option<i64>> {
    Ok(c.prepare_cached("SELECT id FROM menus WHERE facility_id = ?1 AND week_start = ?2")?
        .query_row(params![facility_id, week_start.to_string()], |r| r.get(0))
        .optional()?)
}

/// A week's menu as stored: what [`insert_menu`], the one writer of `menus`, takes.
pub(crate) struct NewMenu<'a> {
    pub facility_id: i64,
    pub week_start: NaiveDate,
    /// When and by whom it was published; a draft has neither.
    pub published: Option<(&'a str, &'a str)>,
    pub created_at: &'a str,
}

/// Inserts a week's menu, without its dishes (no audit: the caller writes it), and returns
/// its id. Updated when created, or when published if it was at once.
pub(crate) fn insert_menu(c: &Connection, row: &NewMenu) -> Result<i64> {
    let (published_at, published_by) = row.published.unzip();
    c.prepare_cached(
        "INSERT INTO menus (facility_id, week_start, status, published_at, published_by_name, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?4, ?6))",
    )?
    .execute(params![
        row.facility_id,
        row.week_start.to_string(),
        if row.published.is_some() { MenuStatus::Published } else { MenuStatus::Draft },
        published_at,
        published_by,
        row.created_at,
    ])?;
    Ok(c.last_insert_rowid())
}

fn create_menu_row(c: &Tx, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<i64> {
    let now = c.stamp();
    let id = insert_menu(c, &NewMenu { facility_id, week_start, published: None, created_at: &now })?;
    Entry::new(AuditAction::Create, AuditEntity::Menu, id)
        .facility(Some(facility_id))
        .after(&serde_json::json!({ "week_start": week_start.to_string() }))
        .write(c, actor)?;
    Ok(id)
}

fn touch(c: &Tx, menu_id: i64) -> Result<()> {
    c.prepare_cached("UPDATE menus SET updated_at = ?1 WHERE id = ?2")?.execute(params![c.stamp(), menu_id])?;
    Ok(())
}

const MEAL_ORDER: &str = "CASE i.meal WHEN 'breakfast' THEN 0 WHEN 'lunch' THEN 1 ELSE 2 END";

fn menu_items(c: &Connection, menu_id: i64) -> Result<Vec<MenuItem>> {
    let sql = format!(
        "SELECT i.id, i.day, i.meal, i.dish_id, i.position, i.grams_json, d.name, d.allergens
         FROM menu_items i JOIN dishes d ON d.id = i.dish_id
         WHERE i.menu_id = ?1 ORDER BY i.day, {MEAL_ORDER}, i.position, i.id"
    );
    Ok(c.prepare_cached(&sql)?
        .query_map([menu_id], |r| {
            Ok(MenuItem {
                id: r.get("id")?,
                day: r.get("day")?,
                meal: meal_of(r, "meal")?,
                dish_id: r.get("dish_id")?,
                dish_name: r.get("name")?,
                allergens: read::json(r, "allergens")?,
                position: r.get("position")?,
                grams: GramsByAge::from_db(r.get("grams_json")?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// What a week serves, for comparing weeks: (weekday, meal, dish), order and grams aside.
fn week_plan(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<BTreeSet<(i64, String, i64)>> {
    let mut out = BTreeSet::new();
    let mut stmt = c.prepare_cached(
        "SELECT i.day, i.meal, i.dish_id FROM menu_items i JOIN menus m ON m.id = i.menu_id
         WHERE m.facility_id = ?1 AND m.week_start = ?2",
    )?;
    let mut rows = stmt.query(params![facility_id, week_start.to_string()])?;
    while let Some(r) = rows.next()? {
        let offset = (read::day(r, "day")? - week_start).num_days();
        out.insert((offset, r.get("meal")?, r.get("dish_id")?));
    }
    Ok(out)
}

/// Consecutive weeks up to `week_start` serving exactly the same dishes; 0 for an empty week.
fn weeks_unchanged(c: &Connection, facility_id: i64, week_start: NaiveDate) -> Result<u32> {
    let plan = week_plan(c, facility_id, week_start)?;
    if plan.is_empty() {
        return Ok(0);
    }
    let mut weeks = 1;
    let mut earlier = week_start;
    while weeks < UNCHANGED_LOOKBACK_WEEKS {
        earlier = earlier - Days::new(7);
        if week_plan(c, facility_id, earlier)? != plan {
            break;
        }
        weeks += 1;
    }
    Ok(weeks)
}

pub(crate) fn load_menu(c: &Connection, menu_id: i64) -> Result<Menu> {
    let row = menu_row(c, menu_id)?;
    let childcare = is_childcare(c, row.facility_id)?;
    let weeks_unchanged = weeks_unchanged(c, row.facility_id, row.week_start)?;
    Ok(Menu {
        id: row.id,
        facility_id: row.facility_id,
        week_start: row.week_start.to_string(),
        status: row.status,
        published_at: row.published_at,
        published_by_name: row.published_by_name,
        childcare,
        items: menu_items(c, menu_id)?,
        weeks_unchanged,
        change_due: childcare && weeks_unchanged > CHILDCARE_MENU_MAX_WEEKS,
    })
}

/// A meal's dish after the rules, ready to store.
#[derive(Debug, Clone, Copy, Serialize)]
struct CheckedItem {
    dish_id: i64,
    grams: Option<GramsByAge>,
}

/// The rules for one meal's list of dishes. `kept`: dishes already on this meal, which may
/// stay even if retired since.
fn check_meal_items(
    c: &Connection,
    facility_id: i64,
    childcare: bool,
    items: &[MenuItemInput],
    kept: &HashSet<i64>,
) -> Result<Vec<CheckedItem>> {
    if items.len() > MAX_DISHES_PER_MEAL {
        return Err(Invalid::new("menu.too_many_dishes", "items").with("max", MAX_DISHES_PER_MEAL).into());
    }
    // The no-added-salt-or-sugar rule, asked of the youngest child a unit takes.
    let infant = EaterFacts { age_months: Some(0), ..Default::default() };
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let dish = c
            .prepare_cached("SELECT * FROM dishes WHERE id = ?1")?
            .query_row([item.dish_id], |r| {
                Ok((r.get::<_, i64>("facility_id")?, r.get::<_, bool>("active")?, dish_facts(r)?))
            })
            .optional()?;
        let Some((_, active, facts)) = dish.filter(|d| d.0 == facility_id) else {
            return Err(Invalid::new("menu.dish_unknown", "items").with("dish_id", item.dish_id).into());
        };
        if !active && !kept.contains(&item.dish_id) {
            return Err(Invalid::new("menu.dish_retired", "items").with("dish", &facts.name).into());
        }
        if !seen.insert(item.dish_id) {
            return Err(Invalid::new("menu.dish_repeated", "items").with("dish", &facts.name).into());
        }
        let grams = item.grams.filter(|g| !g.is_blank());
        match (childcare, grams) {
            (false, None) => {}
            (false, Some(_)) => {
                return Err(Invalid::new("menu.grams_not_for_elder", "grams").with("dish", &facts.name).into());
            }
            (true, None) => return Err(Invalid::new("menu.grams_required", "grams").with("dish", &facts.name).into()),
            (true, Some(g)) => {
                if !g.serves_anyone() {
                    return Err(Invalid::new("menu.grams_required", "grams").with("dish", &facts.name).into());
                }
                if g.values().iter().any(|v| v.is_some_and(|v| v > GRAMS_MAX)) {
                    return Err(Invalid::new("menu.grams_too_high", "grams")
                        .with("dish", &facts.name)
                        .with("max", GRAMS_MAX)
                        .into());
                }
                if g.under_1.is_some_and(|v| v > 0) && clashes(&infant, &facts).contains(&Clash::InfantSaltSugar) {
                    return Err(Invalid::new("menu.no_salt_sugar_under_1", "grams").with("dish", &facts.name).into());
                }
            }
        }
        out.push(CheckedItem { dish_id: item.dish_id, grams });
    }
    Ok(out)
}

fn write_meal(c: &Connection, menu_id: i64, day: NaiveDate, meal: Meal, items: &[CheckedItem]) -> Result<()> {
    c.prepare_cached("DELETE FROM menu_items WHERE menu_id = ?1 AND day = ?2 AND meal = ?3")?.execute(params![
        menu_id,
        day.to_string(),
        meal.as_str()
    ])?;
    let mut insert = c.prepare_cached(
        "INSERT INTO menu_items (menu_id, day, meal, dish_id, position, grams_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, item) in items.iter().enumerate() {
        insert.execute(params![
            menu_id,
            day.to_string(),
            meal.as_str(),
            item.dish_id,
            position as i64,
            item.grams.map(GramsByAge::to_db),
        ])?;
    }
    Ok(())
}

/// The stored items of a menu grouped by (day, meal), in order: for copying and re-checking.
fn items_by_meal(items: &[MenuItem]) -> BTreeMap<(String, u8, Meal), Vec<&MenuItem>> {
    let mut out: BTreeMap<(String, u8, Meal), Vec<&MenuItem>> = BTreeMap::new();
    for item in items {
        let order = Meal::ALL.iter().position(|m| *m == item.meal).unwrap_or(0) as u8;
        out.entry((item.day.clone(), order, item.meal)).or_default().push(item);
    }
    out
}

/// The week's menu of the facility, created as an empty draft if there is none yet.
pub fn get_or_create_menu(db: &Db, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<Menu> {
    actor.require_at(Action::ManageMenus, facility_id)?;
    let week = monday(week_start, "week_start")?;
    db.write(|c| {
        is_childcare(c, facility_id)?; // NotFound for an unknown facility
        let id = match menu_id_for(c, facility_id, week)? {
            Some(id) => id,
            None => create_menu_row(c, actor, facility_id, week)?,
        };
        load_menu(c, id)
    })
}

/// The week's menu of the facility, if one has been started.
pub fn menu_for_week(db: &Db, actor: &Actor, facility_id: i64, week_start: NaiveDate) -> Result<Option<Menu>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let week = monday(week_start, "week_start")?;
    db.read(|c| menu_id_for(c, facility_id, week)?.map(|id| load_menu(c, id)).transpose())
}

pub fn get_menu(db: &Db, actor: &Actor, menu_id: i64) -> Result<Menu> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| {
        let menu = load_menu(c, menu_id)?;
        actor.require_at(Action::ViewPeople, menu.facility_id)?;
        Ok(menu)
    })
}

/// The facility's menus, newest week first (two years at most).
pub fn menu_weeks(db: &Db, actor: &Actor, facility_id: i64) -> Result<Vec<MenuWeek>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        Ok(c.prepare_cached(
            "SELECT m.id, m.week_start, m.status, m.published_at, count(i.id) AS items
             FROM menus m LEFT JOIN menu_items i ON i.menu_id = m.id
             WHERE m.facility_id = ?1 GROUP BY m.id ORDER BY m.week_start DESC LIMIT 104",
        )?
        .query_map([facility_id], |r| {
            Ok(MenuWeek {
                id: r.get("id")?,
                week_start: r.get("week_start")?,
                status: r.get::<_, MenuStatus>("status")?,
                published_at: r.get("published_at")?,
                items: r.get("items")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
    })
}

/// Sets the dishes of one meal of one day of the menu, replacing the list it had.
pub fn set_meal(
    db: &Db,
    actor: &Actor,
    menu_id: i64,
    day: NaiveDate,
    meal: Meal,
    items: &[MenuItemInput],
) -> Result<Menu> {
    actor.require(Action::ManageMenus)?;
    db.write(|c| {
        let row = menu_row(c, menu_id)?;
        actor.require_at(Action::ManageMenus, row.facility_id)?;
        if day < row.week_start || day >= row.week_start + Days::new(7) {
            return Err(Invalid::new("menu.day_outside_week", "day")
                .with("day", day)
                .with("week", row.week_start)
                .into());
        }
        let childcare = is_childcare(c, row.facility_id)?;
        let before: Vec<CheckedItem> = menu_items(c, menu_id)?
            .into_iter()
            .filter(|i| i.day == day.to_string() && i.meal == meal)
            .map(|i| CheckedItem { dish_id: i.dish_id, grams: i.grams })
            .collect();
        let kept: HashSet<i64> = before.iter().map(|i| i.dish_id).collect();
        let checked = check_meal_items(c, row.facility_id, childcare, items, &kept)?;
        write_meal(c, menu_id, day, meal, &checked)?;
        touch(c, menu_id)?;
        let published = row.status == MenuStatus::Published;
        let action = if published { AuditAction::UpdatePublished } else { AuditAction::Update };
        Entry::new(action, AuditEntity::Menu, menu_id)
            .facility(Some(row.facility_id))
            .before(&serde_json::json!({ "day": day.to_string(), "meal": meal, "items": before }))
            .after(
                &serde_json::json!({ "day": day.to_string(), "meal": meal, "items": checked, "published": published }),
            )
            .write(c, actor)?;
        load_menu(c, menu_id)
    })
}

/// Copies one week's menu of the facility into another, each day moved by whole weeks.
/// A target week that already has dishes is refused unless `replace`.
pub fn copy_week(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    from_week: NaiveDate,
    to_week: NaiveDate,
    replace: bool,
) -> Result<MenuCopy> {
    actor.require_at(Action::ManageMenus, facility_id)?;
    let from = monday(from_week, "from_week")?;
    let to = monday(to_week, "to_week")?;
    if from == to {
        return Err(Invalid::new("menu.copy_same_week", "to_week").into());
    }
    db.write(|c| {
        let childcare = is_childcare(c, facility_id)?;
        let source = match menu_id_for(c, facility_id, from)? {
            Some(id) => menu_items(c, id)?,
            None => Vec::new(),
        };
        if source.is_empty() {
            return Err(Invalid::new("menu.copy_source_empty", "from_week").with("week", from).into());
        }
        let target = menu_id_for(c, facility_id, to)?;
        let replaced = match target {
            Some(id) => menu_items(c, id)?,
            None => Vec::new(),
        };
        if !replaced.is_empty() && !replace {
            return Err(Invalid::new("menu.copy_target_not_empty", "to_week").with("week", to).into());
        }
        let target_id = match target {
            Some(id) => id,
            None => create_menu_row(c, actor, facility_id, to)?,
        };
        let published = menu_row(c, target_id)?.status == MenuStatus::Published;
        // A published week is what people have booked and the kitchen buys for: replacing it
        // wholesale would leave bookings pointing at meals that are gone. Change it meal by meal.
        if published && !replaced.is_empty() {
            return Err(Invalid::new("menu.copy_over_published", "to_week").with("week", to).into());
        }
        c.prepare_cached("DELETE FROM menu_items WHERE menu_id = ?1")?.execute([target_id])?;
        let shift = Days::new(((to - from).num_days()).unsigned_abs());
        let mut left_out: Vec<String> = Vec::new();
        let active: HashSet<i64> = c
            .prepare_cached("SELECT id FROM dishes WHERE facility_id = ?1 AND active = 1")?
            .query_map([facility_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for ((day, _, meal), items) in items_by_meal(&source) {
            let day: NaiveDate = day.parse().map_err(|_| bad_column("day"))?;
            let day = if to > from { day + shift } else { day - shift };
            let mut inputs = Vec::new();
            for item in items {
                if active.contains(&item.dish_id) {
                    inputs.push(MenuItemInput { dish_id: item.dish_id, grams: item.grams });
                } else if !left_out.contains(&item.dish_name) {
                    left_out.push(item.dish_name.clone());
                }
            }
            let checked = check_meal_items(c, facility_id, childcare, &inputs, &HashSet::new())?;
            write_meal(c, target_id, day, meal, &checked)?;
        }
        touch(c, target_id)?;
        let action = if published { AuditAction::CopyPublished } else { AuditAction::Copy };
        Entry::new(action, AuditEntity::Menu, target_id)
            .facility(Some(facility_id))
            .before(&serde_json::json!({ "items": replaced.len() }))
            .after(&serde_json::json!({
                "from_week": from.to_string(),
                "to_week": to.to_string(),
                "left_out": left_out,
                "published": published,
            }))
            .write(c, actor)?;
        Ok(MenuCopy { menu: load_menu(c, target_id)?, left_out })
    })
}

/// Publishes the menu: the kitchen cooks it, people book it, the allergy list reads it.
pub fn publish_menu(db: &Db, actor: &Actor, menu_id: i64, now: DateTime<Utc>) -> Result<Menu> {
    actor.require(Action::ManageMenus)?;
    db.write(|c| {
        let row = menu_row(c, menu_id)?;
        actor.require_at(Action::ManageMenus, row.facility_id)?;
        if row.status == MenuStatus::Published {
            return load_menu(c, menu_id);
        }
        let items = menu_items(c, menu_id)?;
        if items.is_empty() {
            return Err(Invalid::new("menu.empty", "items").with("week", row.week_start).into());
        }
        // A dish may have changed since it was put on the menu (added salt, say): check again.
        let childcare = is_childcare(c, row.facility_id)?;
        for meal_items in items_by_meal(&items).values() {
            let inputs: Vec<MenuItemInput> =
                meal_items.iter().map(|i| MenuItemInput { dish_id: i.dish_id, grams: i.grams }).collect();
            let kept: HashSet<i64> = inputs.iter().map(|i| i.dish_id).collect();
            check_meal_items(c, row.facility_id, childcare, &inputs, &kept)?;
        }
        c.prepare_cached(
            "UPDATE menus SET status = 'published', published_at = ?1, published_by_name = ?2, updated_at = ?1
             WHERE id = ?3",
        )?
        .execute(params![utc_stamp(now), actor.display_name, menu_id])?;
        Entry::new(AuditAction::Publish, AuditEntity::Menu, menu_id)
            .facility(Some(row.facility_id))
            .after(&serde_json::json!({ "week_start": row.week_start.to_string(), "items": items.len() }))
            .write(c, actor)?;
        load_menu(c, menu_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::monday_of;

    #[test]
    fn grams_round_trip_through_the_stored_json() {
        let g = GramsByAge { under_1: Some(0), from_1_to_2: Some(40), from_2_to_3: None, from_3: Some(60) };
        assert_eq!(g.to_db(), r#"{"1_to_2":40,"3_up":60,"under_1":0}"#);
        assert_eq!(GramsByAge::from_db(Some(g.to_db())), Some(g));
        assert_eq!(GramsByAge::from_db(Some("{}".into())), None, "all blank is no grams");
        assert_eq!(GramsByAge::from_db(None), None);
    }

    #[test]
    fn grams_are_read_by_age_in_months() {
        let g = GramsByAge { under_1: Some(10), from_1_to_2: Some(20), from_2_to_3: Some(30), from_3: Some(40) };
        assert_eq!(
            [0, 11, 12, 23, 24, 35, 36, 80].map(|m| g.for_age_months(m).unwrap()),
            [10, 10, 20, 20, 30, 30, 40, 40]
        );
    }

    #[test]
    fn a_week_starts_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(monday_of(sunday), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(monday_of(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).weekday(), Weekday::Mon);
        assert_eq!(monday(sunday, "week_start").unwrap_err().code, "menu.week_not_monday");
    }
}
