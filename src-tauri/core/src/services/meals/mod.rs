//! Meals at the elder centres (助餐) and the childcare units: dish libraries, weekly menus,
//! bookings and standing orders, the kitchen's counts, serving and subsidies, and for
//! children the quantity-specified menus, the day's allergy list and the food samples.
//! Whether a person may be served a dish is decided in one place, `domain::meals::clashes`;
//! this module reads the facts it needs the same way for every caller.

pub mod bookings;
pub mod choices;
pub mod childcare;
pub mod dishes;
pub mod kitchen;
pub mod menus;
pub mod standing;
pub mod subsidy;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::people::parse_list;
use crate::domain::meals::{DishFacts, EaterFacts, Meal};
use crate::domain::person::{months_between, PersonKind};
use crate::error::{CoreError, Result};

/// A dish's facts from a row holding the dishes table's columns.
pub(crate) fn dish_facts(r: &Row) -> rusqlite::Result<DishFacts> {
    Ok(DishFacts {
        name: r.get("name")?,
        ingredients: r.get("ingredients")?,
        allergens: parse_list(&r.get::<_, String>("allergens")?),
        suits: parse_list(&r.get::<_, String>("suits")?),
        added_salt: r.get("added_salt")?,
        added_sugar: r.get("added_sugar")?,
    })
}

/// The dishes of a facility's published menu for one meal of one day, in menu order.
pub(crate) fn meal_dishes(c: &Connection, facility_id: i64, day: NaiveDate, meal: Meal) -> Result<Vec<(i64, DishFacts)>> {
    let mut stmt = c.prepare_cached(
        "SELECT d.* FROM menu_items i JOIN menus m ON m.id = i.menu_id JOIN dishes d ON d.id = i.dish_id
         WHERE m.facility_id = ?1 AND m.status = 'published' AND i.day = ?2 AND i.meal = ?3
         ORDER BY i.position, i.id",
    )?;
    let rows = stmt.query_map(params![facility_id, day.to_string(), meal.as_str()], |r| Ok((r.get("id")?, dish_facts(r)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the checks need to know of an elderly client.
pub(crate) fn client_eater(c: &Connection, client_id: i64) -> Result<EaterFacts> {
    c.prepare_cached("SELECT allergies, diet_needs FROM clients WHERE id = ?1")?
        .query_row([client_id], |r| {
            Ok(EaterFacts {
                allergies: parse_list(&r.get::<_, String>(0)?),
                diet_needs: parse_list(&r.get::<_, String>(1)?),
                age_months: None,
            })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: PersonKind::Client.as_str(), id: client_id.to_string() })
}

/// What the checks need to know of a child on a given day, from the stored allergies, diet
/// needs and birth date (their age decides salt and sugar).
pub(crate) fn child_eater_facts(allergies: &str, diet_needs: &str, birth_date: &str, day: NaiveDate) -> EaterFacts {
    let birth: Option<NaiveDate> = birth_date.parse().ok();
    EaterFacts {
        allergies: parse_list(allergies),
        diet_needs: parse_list(diet_needs),
        age_months: birth.map(|b| months_between(b, day)),
    }
}
