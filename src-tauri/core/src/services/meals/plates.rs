//! The plate check, shared by booking, standing orders, serving and the kitchen sheet: each
//! dish of a meal as one client gets it (the menu's dish or the substitute chosen for it),
//! with every reason it may not simply be served to them, by the one safety rule
//! `domain::meals::clashes` (docs/domain.md, "Meals").

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::bookings::DietWarning;
use super::dish_facts;
use crate::domain::meals::{clashes, variant, Clash, DishFacts, EaterFacts, Meal};
use crate::domain::person::DietNeed;
use crate::error::Result;

/// A dish as the kitchen's records know it.
#[derive(Debug, Clone)]
pub(crate) struct KnownDish {
    pub facility_id: i64,
    pub active: bool,
    pub facts: DishFacts,
}

/// Dishes read once per operation.
#[derive(Default)]
pub(crate) struct DishCache {
    known: HashMap<i64, Option<KnownDish>>,
}

impl DishCache {
    pub(crate) fn get(&mut self, c: &Connection, id: i64) -> Result<Option<&KnownDish>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.known.entry(id) {
            let dish = c
                .prepare_cached("SELECT * FROM dishes WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok(KnownDish {
                        facility_id: r.get("facility_id")?,
                        active: r.get("active")?,
                        facts: dish_facts(r)?,
                    })
                })
                .optional()?;
            slot.insert(dish);
        }
        Ok(self.known[&id].as_ref())
    }
}

/// One dish of a meal as one client gets it: the menu's dish or the substitute chosen for
/// it, with every reason it may not simply be served to them.
#[derive(Debug, Clone)]
pub(crate) struct Plate {
    pub menu_dish_id: i64,
    pub menu_dish_name: String,
    pub dish_id: i64,
    pub dish_name: String,
    pub clashes: Vec<Clash>,
    /// How the kitchen prepares it for this eater (low-salt, soft, minced).
    pub variant: Vec<DietNeed>,
}

/// The substitutes among a booking's plates, as (dish on the menu, dish served instead).
pub(crate) fn substitutions(plates: &[Plate]) -> Vec<(i64, i64)> {
    plates.iter().filter(|p| p.is_substitute()).map(|p| (p.menu_dish_id, p.dish_id)).collect()
}

impl Plate {
    pub(crate) fn is_substitute(&self) -> bool {
        self.dish_id != self.menu_dish_id
    }

    /// The first allergy (or other refusal) that forbids this plate.
    pub(crate) fn refusal(&self) -> Option<&Clash> {
        self.clashes.iter().find(|c| c.refuses())
    }

    /// The variant the kitchen prepares (low-salt, soft, minced; empty: the standard portion).
    pub(crate) fn diet_needs(&self) -> Vec<DietNeed> {
        self.variant.clone()
    }

    /// The diets this plate does not suit and cannot be prepared for (low-sugar, halal,
    /// vegetarian): the warnings someone must confirm.
    pub(crate) fn warned_diets(&self) -> Vec<DietNeed> {
        self.clashes.iter().filter_map(|c| if let Clash::Diet { need } = c { Some(*need) } else { None }).collect()
    }
}

/// The plates of one meal for one eater, substitutes (menu dish → substitute) applied.
/// Substitute dishes must already be known to `dishes`.
pub(crate) fn plates(
    c: &Connection,
    dishes: &mut DishCache,
    menu: &[(i64, DishFacts)],
    eater: &EaterFacts,
    substitutes: &HashMap<i64, i64>,
) -> Result<Vec<Plate>> {
    let mut out = Vec::with_capacity(menu.len());
    for (menu_dish_id, menu_facts) in menu {
        let (dish_id, facts) = match substitutes.get(menu_dish_id) {
            Some(&sub) => match dishes.get(c, sub)? {
                Some(known) => (sub, known.facts.clone()),
                None => (*menu_dish_id, menu_facts.clone()),
            },
            None => (*menu_dish_id, menu_facts.clone()),
        };
        out.push(Plate {
            menu_dish_id: *menu_dish_id,
            menu_dish_name: menu_facts.name.clone(),
            dish_id,
            dish_name: facts.name.clone(),
            clashes: clashes(eater, &facts),
            variant: variant(eater, &facts),
        });
    }
    Ok(out)
}

/// The allergy named by a refusing clash, for messages.
pub(crate) fn refusal_text(clash: &Clash) -> String {
    match clash {
        Clash::Allergy { allergy } => allergy.clone(),
        Clash::InfantSaltSugar => "salt/sugar".into(),
        Clash::Diet { need } => need.as_str().into(),
    }
}

/// The diet warnings of one meal's plates, for someone to confirm.
pub(crate) fn diet_warnings(day: NaiveDate, meal: Meal, plates: &[Plate]) -> Vec<DietWarning> {
    plates
        .iter()
        .flat_map(|p| {
            p.warned_diets().into_iter().map(move |need| DietWarning {
                day,
                meal,
                dish_id: p.dish_id,
                dish_name: p.dish_name.clone(),
                need,
            })
        })
        .collect()
}

/// The substitutes of a booking, menu dish → substitute dish.
pub(crate) fn substitute_map(c: &Connection, booking_id: i64) -> Result<HashMap<i64, i64>> {
    Ok(c.prepare_cached("SELECT dish_id, substitute_dish_id FROM booking_substitutions WHERE booking_id = ?1")?
        .query_map([booking_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
