//! A facility's dish library: what each dish is called, holds (ingredients and the declared
//! allergens), suits (diet tags), whether salt or sugar is added, the portion and the price.
//! Menus are built only from a facility's own active dishes.
//!
//! Decisions worth knowing:
//! - A dish name is unique within its facility (trimmed, compared as written): the kitchen
//!   and the menu know a dish by its name, so two "番茄炒蛋" would be ambiguous.
//! - A dish is never deleted: menus, bookings and food samples point at it. It is retired
//!   (`set_dish_active(false)`) and then no longer offered for new menus; menus that hold
//!   it keep it.
//! - The declared allergens are what the checks use. Ingredients that seem to name an
//!   undeclared allergen (鸡蛋 in the ingredients, egg not ticked) are pointed out in
//!   `Dish::unlisted_allergens`, as a hint for the form, never decided silently.
//! - Prices are whole fen, from 0 (free) to [`DISH_PRICE_MAX_FEN`].
//! - Managing the library is `Action::ManageMenus` (managers, the city office) at the
//!   dish's facility; reading it is `Action::ViewPeople` there. Every change is audited.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::domain::meals::{allergens_named, Allergen};
use crate::domain::person::DietNeed;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::read;
use crate::store::Db;

pub const DISH_NAME_MAX: usize = 40;
pub const DISH_INGREDIENTS_MAX: usize = 300;
pub const DISH_PORTION_MAX: usize = 20;
/// ¥500: far above any canteen dish, low enough to catch a price typed in fen twice.
pub const DISH_PRICE_MAX_FEN: i64 = 50_000;

/// The dish form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DishInput {
    pub name: String,
    /// As the kitchen writes them, e.g. "番茄、鸡蛋、葱".
    #[serde(default)]
    pub ingredients: String,
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    /// The diets the dish suits (low-salt, low-sugar, soft, minced, halal, vegetarian).
    #[serde(default)]
    pub suits: Vec<DietNeed>,
    pub added_salt: bool,
    pub added_sugar: bool,
    /// E.g. "一份 200 克".
    pub portion: Option<String>,
    pub price_fen: i64,
}

/// A dish of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Dish {
    pub id: i64,
    pub facility_id: i64,
    pub name: String,
    pub ingredients: String,
    pub allergens: Vec<Allergen>,
    pub suits: Vec<DietNeed>,
    pub added_salt: bool,
    pub added_sugar: bool,
    pub portion: Option<String>,
    pub price_fen: i64,
    /// Offered for new menus; a retired dish stays on the menus that hold it.
    pub active: bool,
    /// Allergens the ingredients seem to name that are not declared: check the form.
    pub unlisted_allergens: Vec<Allergen>,
    pub created_at: String,
    pub updated_at: String,
}

impl Dish {
    pub(crate) fn from_row(r: &Row) -> rusqlite::Result<Dish> {
        let ingredients: String = r.get("ingredients")?;
        let allergens: Vec<Allergen> = read::json(r, "allergens")?;
        let name: String = r.get("name")?;
        let unlisted_allergens =
            allergens_named(&format!("{name} {ingredients}")).into_iter().filter(|a| !allergens.contains(a)).collect();
        Ok(Dish {
            id: r.get("id")?,
            facility_id: r.get("facility_id")?,
            name,
            ingredients,
            allergens,
            suits: read::json(r, "suits")?,
            added_salt: r.get("added_salt")?,
            added_sugar: r.get("added_sugar")?,
            portion: r.get("portion")?,
            price_fen: r.get("price_fen")?,
            active: r.get("active")?,
            unlisted_allergens,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    }
}

/// A dish after the rules, ready to store.
pub(crate) struct DishFields {
    pub name: String,
    pub ingredients: String,
    pub allergens: Vec<Allergen>,
    pub suits: Vec<DietNeed>,
    pub added_salt: bool,
    pub added_sugar: bool,
    pub portion: Option<String>,
    pub price_fen: i64,
}

impl DishInput {
    fn validate(&self) -> Result<DishFields, Invalid> {
        let name = text::required_name(&self.name, DISH_NAME_MAX, "dish.name_empty", "dish.name_too_long", "name")?;
        let ingredients = text::optional_text(Some(self.ingredients.as_str()), DISH_INGREDIENTS_MAX, "ingredients")?
            .unwrap_or_default();
        let portion = text::optional_text(self.portion.as_deref(), DISH_PORTION_MAX, "portion")?;
        if self.price_fen < 0 {
            return Err(Invalid::new("dish.price_negative", "price_fen"));
        }
        if self.price_fen > DISH_PRICE_MAX_FEN {
            return Err(Invalid::new("dish.price_too_high", "price_fen").with("max", DISH_PRICE_MAX_FEN / 100));
        }
        let mut allergens = self.allergens.clone();
        allergens.sort();
        allergens.dedup();
        let mut suits = self.suits.clone();
        suits.sort();
        suits.dedup();
        Ok(DishFields {
            name,
            ingredients,
            allergens,
            suits,
            added_salt: self.added_salt,
            added_sugar: self.added_sugar,
            portion,
            price_fen: self.price_fen,
        })
    }
}

/// A code list as stored: sorted, each code once, as JSON.
fn codes<T: Serialize + Ord + Clone>(list: &[T]) -> String {
    let mut sorted = list.to_vec();
    sorted.sort();
    sorted.dedup();
    serde_json::to_string(&sorted).expect("codes serialise")
}

/// Inserts a dish into a facility's library, offered (no audit: the caller writes it), and
/// returns its id: the one writer of `dishes`.
pub(crate) fn insert_dish(c: &Connection, facility_id: i64, f: &DishFields, is_demo: bool, stamp: &str) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO dishes (facility_id, name, ingredients, allergens, suits, added_salt, added_sugar, portion,
                             price_fen, active, is_demo, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?11)",
    )?
    .execute(params![
        facility_id,
        f.name,
        f.ingredients,
        codes(&f.allergens),
        codes(&f.suits),
        f.added_salt,
        f.added_sugar,
        f.portion,
        f.price_fen,
        is_demo,
        stamp,
    ])?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn dish_by_id(c: &Connection, id: i64) -> Result<Dish> {
    c.prepare_cached("SELECT * FROM dishes WHERE id = ?1")?
        .query_row([id], Dish::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Dish, id: id.to_string() })
}

/// Refuses a name another dish of the facility already has.
fn check_name_free(c: &Connection, facility_id: i64, name: &str, except_id: i64) -> Result<()> {
    let taken: Option<i64> = c
        .prepare_cached("SELECT id FROM dishes WHERE facility_id = ?1 AND name = ?2 AND id != ?3")?
        .query_row(params![facility_id, name, except_id], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(Invalid::new("dish.name_taken", "name").with("name", name).into());
    }
    Ok(())
}

fn facility_exists(c: &Connection, facility_id: i64) -> Result<()> {
    let found: Option<i64> = c
        .prepare_cached("SELECT id FROM facilities WHERE id = ?1")?
        .query_row([facility_id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or(CoreError::NotFound { entity: AuditEntity::Facility, id: facility_id.to_string() })
}

/// Adds a dish to the facility's library.
pub fn create_dish(db: &Db, actor: &Actor, facility_id: i64, input: &DishInput) -> Result<Dish> {
    actor.require_at(Action::ManageMenus, facility_id)?;
    let f = input.validate()?;
    db.write(|c| {
        facility_exists(c, facility_id)?;
        check_name_free(c, facility_id, &f.name, 0)?;
        let id = insert_dish(c, facility_id, &f, false, &c.stamp())?;
        let dish = dish_by_id(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Dish, dish.id)
            .facility(Some(facility_id))
            .after(&dish)
            .write(c, actor)?;
        Ok(dish)
    })
}

/// Changes a dish. Menus that hold it show the change at once (and the day's allergy
/// list checks the new allergens).
pub fn update_dish(db: &Db, actor: &Actor, dish_id: i64, input: &DishInput) -> Result<Dish> {
    actor.require(Action::ManageMenus)?;
    let f = input.validate()?;
    db.write(|c| {
        let before = dish_by_id(c, dish_id)?;
        actor.require_at(Action::ManageMenus, before.facility_id)?;
        check_name_free(c, before.facility_id, &f.name, dish_id)?;
        c.prepare_cached(
            "UPDATE dishes SET name = ?1, ingredients = ?2, allergens = ?3, suits = ?4, added_salt = ?5,
                               added_sugar = ?6, portion = ?7, price_fen = ?8, updated_at = ?9
             WHERE id = ?10",
        )?
        .execute(params![
            f.name,
            f.ingredients,
            codes(&f.allergens),
            codes(&f.suits),
            f.added_salt,
            f.added_sugar,
            f.portion,
            f.price_fen,
            c.stamp(),
            dish_id,
        ])?;
        let after = dish_by_id(c, dish_id)?;
        Entry::new(AuditAction::Update, AuditEntity::Dish, dish_id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Retires a dish (no longer offered for new menus) or brings it back. Never deletes.
pub fn set_dish_active(db: &Db, actor: &Actor, dish_id: i64, active: bool) -> Result<Dish> {
    actor.require(Action::ManageMenus)?;
    db.write(|c| {
        let before = dish_by_id(c, dish_id)?;
        actor.require_at(Action::ManageMenus, before.facility_id)?;
        if before.active == active {
            return Ok(before);
        }
        c.prepare_cached("UPDATE dishes SET active = ?1, updated_at = ?2 WHERE id = ?3")?.execute(params![
            active,
            c.stamp(),
            dish_id
        ])?;
        let after = dish_by_id(c, dish_id)?;
        Entry::new(if active { AuditAction::Reactivate } else { AuditAction::Retire }, AuditEntity::Dish, dish_id)
            .facility(Some(after.facility_id))
            .before(&serde_json::json!({ "active": before.active }))
            .after(&serde_json::json!({ "active": after.active }))
            .write(c, actor)?;
        Ok(after)
    })
}

/// One dish of a facility the actor may see.
pub fn get_dish(db: &Db, actor: &Actor, dish_id: i64) -> Result<Dish> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| {
        let dish = dish_by_id(c, dish_id)?;
        actor.require_at(Action::ViewPeople, dish.facility_id)?;
        Ok(dish)
    })
}

/// The facility's dishes by name; retired ones only when asked for.
pub fn list_dishes(db: &Db, actor: &Actor, facility_id: i64, include_retired: bool) -> Result<Vec<Dish>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        Ok(c.prepare_cached(
            "SELECT * FROM dishes WHERE facility_id = ?1 AND (?2 OR active = 1) ORDER BY active DESC, pinyin_key(name), id",
        )?
        .query_map(params![facility_id, include_retired], Dish::from_row)?
        .collect::<rusqlite::Result<_>>()?)
    })
}
