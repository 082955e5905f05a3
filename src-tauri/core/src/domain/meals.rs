//! Meals: what a dish holds and suits, and whether a person may be served it. The rules
//! (docs/domain.md, "Meals"): a dish that holds something the person is allergic to is refused unless a
//! safe substitute is chosen; a dish that does not suit their diet (sugary for a diabetic,
//! not halal for a Muslim client, not vegetarian) is a warning someone must confirm; a
//! child under one year gets no added salt or sugar. Low-salt, soft and minced are not
//! warnings: the kitchen prepares the portion that way (a diet variant on its count
//! sheet). The same check runs on booking, on the day's list and at serving, so it lives
//! here, once.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::person::DietNeed;
use crate::codes::code_enum;

code_enum! {
    /// The common major food allergens (GB 7718-2011's list, which follows Codex).
    Allergen {
        Milk = "milk",
        Egg = "egg",
        Fish = "fish",
        Shellfish = "shellfish",
        Peanut = "peanut",
        TreeNut = "tree_nut",
        Wheat = "wheat",
        Soy = "soy",
        Sesame = "sesame",
    }
}

code_enum! {
    Meal {
        Breakfast = "breakfast",
        Lunch = "lunch",
        Dinner = "dinner",
    }
}

code_enum! {
    /// Eaten at the centre, or delivered to the client's home.
    MealMode {
        DineIn = "dine_in",
        Delivery = "delivery",
    }
}

/// Words people write in an allergy list, and the allergens they name. Anything else
/// (芒果, 青霉素…) is matched against a dish's name and ingredients as written.
const ALLERGY_WORDS: &[(&str, &[Allergen])] = &[
    ("牛奶", &[Allergen::Milk]),
    ("奶", &[Allergen::Milk]),
    ("乳", &[Allergen::Milk]),
    ("鸡蛋", &[Allergen::Egg]),
    ("蛋", &[Allergen::Egg]),
    ("海鲜", &[Allergen::Fish, Allergen::Shellfish]),
    ("鱼", &[Allergen::Fish]),
    ("虾", &[Allergen::Shellfish]),
    ("蟹", &[Allergen::Shellfish]),
    ("贝", &[Allergen::Shellfish]),
    ("花生", &[Allergen::Peanut]),
    ("坚果", &[Allergen::TreeNut]),
    ("核桃", &[Allergen::TreeNut]),
    ("杏仁", &[Allergen::TreeNut]),
    ("腰果", &[Allergen::TreeNut]),
    ("小麦", &[Allergen::Wheat]),
    ("麸质", &[Allergen::Wheat]),
    ("面筋", &[Allergen::Wheat]),
    ("大豆", &[Allergen::Soy]),
    ("黄豆", &[Allergen::Soy]),
    ("豆制品", &[Allergen::Soy]),
    ("芝麻", &[Allergen::Sesame]),
    ("豆腐", &[Allergen::Soy]),
    ("豆浆", &[Allergen::Soy]),
    ("腐竹", &[Allergen::Soy]),
    ("酱油", &[Allergen::Soy, Allergen::Wheat]),
    ("面粉", &[Allergen::Wheat]),
    ("面条", &[Allergen::Wheat]),
    ("馒头", &[Allergen::Wheat]),
    ("花卷", &[Allergen::Wheat]),
    ("包子", &[Allergen::Wheat]),
    ("饺子", &[Allergen::Wheat]),
    ("馄饨", &[Allergen::Wheat]),
    ("烩面", &[Allergen::Wheat]),
    ("milk", &[Allergen::Milk]),
    ("dairy", &[Allergen::Milk]),
    ("egg", &[Allergen::Egg]),
    ("seafood", &[Allergen::Fish, Allergen::Shellfish]),
    ("fish", &[Allergen::Fish]),
    ("shrimp", &[Allergen::Shellfish]),
    ("shellfish", &[Allergen::Shellfish]),
    ("peanut", &[Allergen::Peanut]),
    ("tree nut", &[Allergen::TreeNut]),
    ("walnut", &[Allergen::TreeNut]),
    ("almond", &[Allergen::TreeNut]),
    ("cashew", &[Allergen::TreeNut]),
    ("wheat", &[Allergen::Wheat]),
    ("gluten", &[Allergen::Wheat]),
    ("soy", &[Allergen::Soy]),
    ("sesame", &[Allergen::Sesame]),
];

/// The allergens an allergy as written names (none for a drug or an unlisted food).
pub fn allergens_named(allergy: &str) -> Vec<Allergen> {
    let text = allergy.trim().to_lowercase();
    let mut out: Vec<Allergen> = Vec::new();
    for (word, allergens) in ALLERGY_WORDS {
        if text.contains(word) {
            for a in *allergens {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
        }
    }
    out
}

/// What the checks need to know of a dish.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DishFacts {
    pub name: String,
    pub ingredients: String,
    pub allergens: Vec<Allergen>,
    /// The diets it suits (low-salt, low-sugar, soft, minced, halal, vegetarian).
    pub suits: Vec<DietNeed>,
    pub added_salt: bool,
    pub added_sugar: bool,
}

/// What the checks need to know of the person eating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EaterFacts {
    /// As recorded: free text, one allergy each.
    pub allergies: Vec<String>,
    pub diet_needs: Vec<DietNeed>,
    /// Age in whole months, for children (no added salt or sugar under 12).
    pub age_months: Option<u32>,
}

/// Why a dish may not simply be served to someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Clash {
    /// Holds something the person is allergic to: refused unless a substitute is chosen.
    Allergy { allergy: String },
    /// Does not suit a diet: served only when someone confirms it.
    Diet { need: DietNeed },
    /// Added salt or sugar for a child under one year: refused.
    InfantSaltSugar,
}

impl Clash {
    /// Refused outright (a substitute is needed), as opposed to a warning to confirm.
    pub fn refuses(&self) -> bool {
        matches!(self, Clash::Allergy { .. } | Clash::InfantSaltSugar)
    }
}

/// Every reason `dish` may not simply be served to `eater`, refusals first.
pub fn clashes(eater: &EaterFacts, dish: &DishFacts) -> Vec<Clash> {
    let mut out = Vec::new();
    // Most people have no allergy: read the dish's words only for those who do (a month's
    // report checks every child against every dish of every day).
    let (written, in_words) = if eater.allergies.is_empty() {
        (String::new(), Vec::new())
    } else {
        let written = format!("{} {}", dish.name, dish.ingredients).to_lowercase();
        let in_words = allergens_named(&written);
        (written, in_words)
    };
    for allergy in &eater.allergies {
        let allergy = allergy.trim();
        if allergy.is_empty() {
            continue;
        }
        let named = allergens_named(allergy);
        // What the kitchen ticked, and what its own words name (酸奶 holds milk even when
        // nobody ticked it): a forgotten tick must not put an allergen on someone's plate.
        let by_allergen = named.iter().any(|a| dish.allergens.contains(a) || in_words.contains(a));
        // An allergy with no listed allergen (芒果) is looked for in what the kitchen wrote.
        let by_words = named.is_empty() && written.contains(&allergy.to_lowercase());
        if by_allergen || by_words {
            out.push(Clash::Allergy { allergy: allergy.to_string() });
        }
    }
    if eater.age_months.is_some_and(|m| m < 12) && (dish.added_salt || dish.added_sugar) {
        out.push(Clash::InfantSaltSugar);
    }
    for need in eater.diet_needs.iter().filter(|n| !PREPARED.contains(n)) {
        if !suits(dish, *need) {
            out.push(Clash::Diet { need: *need });
        }
    }
    out
}

/// Diets the kitchen meets by preparing the portion (less salt, cooked soft, minced): a
/// variant on the count sheet, never a warning.
pub const PREPARED: [DietNeed; 3] = [DietNeed::LowSalt, DietNeed::Soft, DietNeed::Minced];

/// The dish as it is suits the diet: tagged so, or (for low-sugar and low-salt) made
/// without added sugar or salt.
fn suits(dish: &DishFacts, need: DietNeed) -> bool {
    dish.suits.contains(&need)
        || (need == DietNeed::LowSugar && !dish.added_sugar)
        || (need == DietNeed::LowSalt && !dish.added_salt)
}

/// How the kitchen must prepare this portion for this eater (low-salt, soft, minced), in
/// the order of [`PREPARED`]; empty for the standard portion.
pub fn variant(eater: &EaterFacts, dish: &DishFacts) -> Vec<DietNeed> {
    PREPARED.into_iter().filter(|n| eater.diet_needs.contains(n) && !suits(dish, *n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dish(allergens: &[Allergen], suits: &[DietNeed], salt: bool, sugar: bool) -> DishFacts {
        DishFacts {
            name: "红烧排骨".into(),
            ingredients: "猪排骨、酱油、冰糖、葱姜".into(),
            allergens: allergens.to_vec(),
            suits: suits.to_vec(),
            added_salt: salt,
            added_sugar: sugar,
        }
    }

    fn eater(allergies: &[&str], needs: &[DietNeed], months: Option<u32>) -> EaterFacts {
        EaterFacts {
            allergies: allergies.iter().map(|s| s.to_string()).collect(),
            diet_needs: needs.to_vec(),
            age_months: months,
        }
    }

    #[test]
    fn allergy_words_name_the_allergens() {
        assert_eq!(allergens_named("海鲜"), vec![Allergen::Fish, Allergen::Shellfish]);
        assert_eq!(allergens_named(" 花生 "), vec![Allergen::Peanut]);
        assert_eq!(allergens_named("鸡蛋"), vec![Allergen::Egg]);
        assert_eq!(allergens_named("Peanuts"), vec![Allergen::Peanut]);
        assert_eq!(allergens_named("walnuts"), vec![Allergen::TreeNut]);
        assert!(allergens_named("青霉素").is_empty());
        assert!(allergens_named("芒果").is_empty());
    }

    #[test]
    fn an_allergen_in_the_dish_is_refused() {
        let soy_sauce = dish(&[Allergen::Soy, Allergen::Wheat], &[], true, true);
        let c = clashes(&eater(&["大豆"], &[], None), &soy_sauce);
        assert_eq!(c, vec![Clash::Allergy { allergy: "大豆".into() }]);
        assert!(c[0].refuses());
        assert!(clashes(&eater(&["花生", "青霉素"], &[], None), &soy_sauce).is_empty());
    }

    #[test]
    fn an_allergen_the_words_name_counts_even_unticked() {
        let yogurt = DishFacts { name: "酸奶".into(), ingredients: "酸奶".into(), ..Default::default() };
        assert_eq!(clashes(&eater(&["牛奶"], &[], None), &yogurt), vec![Clash::Allergy { allergy: "牛奶".into() }]);
        let shrimp_tofu = DishFacts { name: "虾仁豆腐".into(), ..Default::default() };
        assert!(clashes(&eater(&["海鲜"], &[], None), &shrimp_tofu)[0].refuses());
        assert!(clashes(&eater(&["大豆"], &[], None), &shrimp_tofu)[0].refuses());
        assert!(clashes(&eater(&["花生"], &[], None), &shrimp_tofu).is_empty());
    }

    #[test]
    fn an_unlisted_allergy_is_looked_for_in_the_words() {
        let mango =
            DishFacts { name: "芒果布丁".into(), ingredients: "芒果、吉利丁".into(), ..Default::default() };
        assert_eq!(clashes(&eater(&["芒果"], &[], Some(30)), &mango), vec![Clash::Allergy { allergy: "芒果".into() }]);
        // A drug allergy never matches a dish.
        assert!(clashes(&eater(&["青霉素"], &[], None), &mango).is_empty());
    }

    #[test]
    fn diets_that_do_not_suit_are_warnings() {
        let sweet = dish(&[], &[DietNeed::Soft], true, true);
        let c = clashes(&eater(&[], &[DietNeed::LowSugar, DietNeed::Halal, DietNeed::Vegetarian], None), &sweet);
        assert_eq!(
            c,
            vec![
                Clash::Diet { need: DietNeed::LowSugar },
                Clash::Diet { need: DietNeed::Halal },
                Clash::Diet { need: DietNeed::Vegetarian }
            ]
        );
        assert!(c.iter().all(|x| !x.refuses()));
        // No added sugar suits a low-sugar diet without a tag; a halal tag suits halal.
        let plain = dish(&[], &[DietNeed::Halal], false, false);
        assert!(clashes(&eater(&[], &[DietNeed::LowSugar, DietNeed::Halal], None), &plain).is_empty());
    }

    #[test]
    fn low_salt_soft_and_minced_are_prepared_not_warned() {
        let salted = dish(&[], &[DietNeed::Soft], true, false);
        let needs = eater(&[], &[DietNeed::Minced, DietNeed::LowSalt, DietNeed::Soft], None);
        assert!(clashes(&needs, &salted).is_empty());
        // Soft already: only less salt and mincing to prepare, in the kitchen's order.
        assert_eq!(variant(&needs, &salted), vec![DietNeed::LowSalt, DietNeed::Minced]);
        // Unsalted suits low-salt as it is.
        assert_eq!(variant(&needs, &dish(&[], &[], false, false)), vec![DietNeed::Soft, DietNeed::Minced]);
        assert!(variant(&eater(&[], &[DietNeed::Halal], None), &salted).is_empty());
    }

    #[test]
    fn no_added_salt_or_sugar_under_one_year() {
        let salted = dish(&[], &[], true, false);
        assert_eq!(clashes(&eater(&[], &[], Some(11)), &salted), vec![Clash::InfantSaltSugar]);
        assert!(clashes(&eater(&[], &[], Some(12)), &salted).is_empty());
        let sweet = dish(&[], &[], false, true);
        assert!(clashes(&eater(&[], &[], Some(6)), &sweet)[0].refuses());
        assert!(clashes(&eater(&[], &[], Some(6)), &dish(&[], &[], false, false)).is_empty());
    }
}
