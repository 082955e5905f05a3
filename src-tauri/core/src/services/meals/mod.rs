//! Meals at the elder centres (助餐) and the childcare units: dish libraries, weekly menus,
//! bookings and standing orders, the kitchen's counts, serving and subsidies, and for
//! children the quantity-specified menus, the day's allergy list and the food samples.
//! Whether a person may be served a dish is decided in one place, `domain::meals::clashes`;
//! this module reads the facts it needs the same way for every caller.

pub mod bookings;
pub mod childcare;
pub mod choices;
pub mod dishes;
pub mod kitchen;
pub mod menus;
pub mod plates;
pub mod standing;
pub mod subsidy;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::audit::AuditEntity;
use crate::domain::meals::{DishFacts, EaterFacts, Meal};
use crate::domain::person::months_between;
use crate::error::{CoreError, Result};
use crate::store::read;

/// A dish's facts from a row holding the dishes table's columns.
pub(crate) fn dish_facts(r: &Row) -> rusqlite::Result<DishFacts> {
    Ok(DishFacts {
        name: r.get("name")?,
        ingredients: r.get("ingredients")?,
        allergens: read::json(r, "allergens")?,
        suits: read::json(r, "suits")?,
        added_salt: r.get("added_salt")?,
        added_sugar: r.get("added_sugar")?,
    })
}

/// The dishes of a facility's published menu for one meal of one day, in menu order.
pub(crate) fn meal_dishes(
    c: &Connection,
    facility_id: i64,
    day: NaiveDate,
    meal: Meal,
) -> Result<Vec<(i64, DishFacts)>> {
    let mut stmt = c.prepare_cached(
        "SELECT d.* FROM menu_items i JOIN menus m ON m.id = i.menu_id JOIN dishes d ON d.id = i.dish_id
         WHERE m.facility_id = ?1 AND m.status = 'published' AND i.day = ?2 AND i.meal = ?3
         ORDER BY i.position, i.id",
    )?;
    let rows =
        stmt.query_map(params![facility_id, day.to_string(), meal.as_str()], |r| Ok((r.get("id")?, dish_facts(r)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the checks need to know of an elderly client.
pub(crate) fn client_eater(c: &Connection, client_id: i64) -> Result<EaterFacts> {
    c.prepare_cached("SELECT allergies, diet_needs FROM clients WHERE id = ?1")?
        .query_row([client_id], |r| {
            Ok(EaterFacts { allergies: read::json(r, 0)?, diet_needs: read::json(r, 1)?, age_months: None })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Client, id: client_id.to_string() })
}

/// What the checks need to know of a child on a given day, from the stored allergies, diet
/// needs and birth date (their age decides salt and sugar), in the given columns.
pub(crate) fn child_eater_facts(
    r: &Row,
    (allergies, diet_needs, birth_date): (usize, usize, usize),
    day: NaiveDate,
) -> rusqlite::Result<EaterFacts> {
    Ok(EaterFacts {
        allergies: read::json(r, allergies)?,
        diet_needs: read::json(r, diet_needs)?,
        age_months: Some(months_between(read::day(r, birth_date)?, day)),
    })
}
