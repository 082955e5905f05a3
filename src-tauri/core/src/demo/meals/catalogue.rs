//! The demo kitchens' dishes: a northern-Chinese elder canteen's and a childcare unit's,
//! with what each is made of, its allergens, the diets it suits, its price, and (for the
//! units) the grams per child. The libraries are dealt from these (see the parent module).

use crate::domain::meals::Allergen;
use crate::domain::person::DietNeed;

/// Where a dish goes in a meal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Course {
    /// 粥, 豆浆, 牛奶: breakfast and dinner.
    Porridge,
    /// 馒头, 花卷, 包子: breakfast and dinner; lunch too.
    Bun,
    /// 米饭: lunch.
    Rice,
    /// 鸡蛋, 小菜: breakfast.
    Side,
    Meat,
    Veg,
    Soup,
    /// A bowl that is a meal: 烩面, 饺子.
    Noodles,
    Fruit,
}

impl Course {
    /// The courses a dish of this one may be replaced from, its own first.
    pub(super) fn stand_ins(self) -> &'static [Course] {
        use Course::*;
        match self {
            Porridge => &[Porridge, Soup],
            Bun | Rice => &[Bun, Rice],
            Side => &[Side, Veg],
            Meat => &[Meat, Veg],
            Veg => &[Veg, Meat, Side],
            Soup => &[Soup, Porridge, Veg],
            Noodles => &[Noodles, Rice, Bun],
            Fruit => &[Fruit],
        }
    }
}

/// Whether children under one year are served the dish (unsalted and unsweetened only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Infant {
    No,
    Also,
}

pub(super) struct DishSpec {
    pub(super) name: &'static str,
    pub(super) ingredients: &'static str,
    pub(super) allergens: &'static [Allergen],
    pub(super) suits: &'static [DietNeed],
    pub(super) salt: bool,
    pub(super) sugar: bool,
    pub(super) portion: &'static str,
    pub(super) price_fen: i64,
    pub(super) course: Course,
    /// Childcare: grams per child of 3 and over.
    pub(super) grams: u16,
    pub(super) infant: Infant,
}

use Allergen::{Egg, Fish, Milk, Peanut, Sesame, Shellfish, Soy, Wheat};
use DietNeed::{Halal, Minced, Soft, Vegetarian};

#[allow(clippy::too_many_arguments)]
const fn elder(
    name: &'static str,
    ingredients: &'static str,
    allergens: &'static [Allergen],
    suits: &'static [DietNeed],
    salt: bool,
    sugar: bool,
    portion: &'static str,
    price_fen: i64,
    course: Course,
) -> DishSpec {
    DishSpec {
        name,
        ingredients,
        allergens,
        suits,
        salt,
        sugar,
        portion,
        price_fen,
        course,
        grams: 0,
        infant: Infant::No,
    }
}

#[allow(clippy::too_many_arguments)]
const fn child(
    name: &'static str,
    ingredients: &'static str,
    allergens: &'static [Allergen],
    suits: &'static [DietNeed],
    salt: bool,
    sugar: bool,
    course: Course,
    grams: u16,
    infant: Infant,
) -> DishSpec {
    DishSpec {
        name,
        ingredients,
        allergens,
        suits,
        salt,
        sugar,
        portion: "按带量食谱",
        price_fen: 0,
        course,
        grams,
        infant,
    }
}

const PLAIN: &[DietNeed] = &[Halal, Vegetarian];
const SOFT_PLAIN: &[DietNeed] = &[Soft, Halal, Vegetarian];
const MUSH: &[DietNeed] = &[Soft, Minced, Halal, Vegetarian];
const SOY_SAUCE: &[Allergen] = &[Wheat, Soy];

/// The elder canteens' dishes. The first of each course is in every library.
#[rustfmt::skip]
pub(super) const ELDER_DISHES: &[DishSpec] = &[
    elder("小米粥", "小米", &[], MUSH, false, false, "一碗 300 毫升", 100, Course::Porridge),
    elder("南瓜粥", "南瓜、大米", &[], MUSH, false, false, "一碗 300 毫升", 150, Course::Porridge),
    elder("大米粥", "大米", &[], MUSH, false, false, "一碗 300 毫升", 100, Course::Porridge),
    elder("玉米糁粥", "玉米糁", &[], SOFT_PLAIN, false, false, "一碗 300 毫升", 100, Course::Porridge),
    elder("八宝粥", "糯米、红豆、花生、红枣、冰糖", &[Peanut], SOFT_PLAIN, false, true, "一碗 300 毫升", 200, Course::Porridge),
    elder("豆浆", "黄豆", &[Soy], MUSH, false, false, "一杯 250 毫升", 150, Course::Porridge),
    elder("牛奶", "纯牛奶", &[Milk], MUSH, false, false, "一盒 250 毫升", 300, Course::Porridge),
    elder("馒头", "面粉、酵母", &[Wheat], SOFT_PLAIN, false, false, "2 个", 100, Course::Bun),
    elder("花卷", "面粉、葱花、盐", &[Wheat], SOFT_PLAIN, true, false, "2 个", 100, Course::Bun),
    elder("猪肉白菜包子", "面粉、猪肉、白菜、酱油", SOY_SAUCE, &[], true, false, "2 个", 300, Course::Bun),
    elder("韭菜鸡蛋包子", "面粉、韭菜、鸡蛋", &[Egg, Wheat], &[Halal], true, false, "2 个", 250, Course::Bun),
    elder("玉米发糕", "玉米面、面粉、白糖", &[Wheat], SOFT_PLAIN, false, true, "一块 100 克", 150, Course::Bun),
    elder("葱油烙饼", "面粉、葱、盐", &[Wheat], PLAIN, true, false, "一张", 150, Course::Bun),
    elder("米饭", "大米", &[], PLAIN, false, false, "一份 200 克", 100, Course::Rice),
    elder("二米饭", "大米、小米", &[], PLAIN, false, false, "一份 200 克", 100, Course::Rice),
    elder("煮鸡蛋", "鸡蛋", &[Egg], &[Halal], false, false, "1 个", 100, Course::Side),
    elder("鸡蛋羹", "鸡蛋、盐、香油", &[Egg, Sesame], &[Soft, Minced, Halal], true, false, "一碗 150 克", 200, Course::Side),
    elder("凉拌黄瓜", "黄瓜、蒜、醋、香油", &[Sesame], PLAIN, true, false, "一碟 100 克", 200, Course::Side),
    elder("花生拌菠菜", "菠菜、花生、蒜、醋", &[Peanut], PLAIN, true, false, "一碟 100 克", 200, Course::Side),
    elder("咸菜丝", "芥菜疙瘩、酱油", SOY_SAUCE, PLAIN, true, false, "一碟 50 克", 50, Course::Side),
    elder("红烧肉", "五花肉、酱油、冰糖、葱、姜", SOY_SAUCE, &[], true, true, "一份 150 克", 1500, Course::Meat),
    elder("土豆炖牛肉", "牛肉、土豆、胡萝卜、酱油", SOY_SAUCE, &[Halal], true, false, "一份 200 克", 1500, Course::Meat),
    elder("手把肉", "羊肉、葱、姜、盐", &[], &[Halal], true, false, "一份 200 克", 1500, Course::Meat),
    elder("清炖羊肉", "羊肉、白萝卜、姜", &[], &[Soft, Halal], true, false, "一份 200 克", 1500, Course::Meat),
    elder("葱爆羊肉", "羊肉、大葱、酱油", SOY_SAUCE, &[Halal], true, false, "一份 150 克", 1500, Course::Meat),
    elder("清蒸鱼", "鲤鱼、葱、姜、蒸鱼豉油", &[Fish, Wheat, Soy], &[Soft, Halal], true, false, "一份 200 克", 1200, Course::Meat),
    elder("红烧带鱼", "带鱼、酱油、白糖", &[Fish, Wheat, Soy], &[Halal], true, true, "一份 150 克", 1200, Course::Meat),
    elder("宫保鸡丁", "鸡胸肉、花生、黄瓜、酱油、白糖", &[Peanut, Wheat, Soy], &[], true, true, "一份 150 克", 1000, Course::Meat),
    elder("木须肉", "猪肉、鸡蛋、木耳、黄瓜、酱油", &[Egg, Wheat, Soy], &[], true, false, "一份 150 克", 1000, Course::Meat),
    elder("小鸡炖蘑菇", "鸡肉、榛蘑、粉条", &[], &[Soft], true, false, "一份 200 克", 1200, Course::Meat),
    elder("虾仁滑蛋", "虾仁、鸡蛋", &[Egg, Shellfish], &[Soft, Halal], true, false, "一份 150 克", 1200, Course::Meat),
    elder("肉末茄子", "猪肉末、茄子、酱油", SOY_SAUCE, &[Soft], true, false, "一份 150 克", 800, Course::Meat),
    elder("清炒油菜", "油菜、蒜", &[], PLAIN, true, false, "一份 150 克", 400, Course::Veg),
    elder("醋溜白菜", "白菜、醋、干辣椒", &[], PLAIN, true, false, "一份 150 克", 400, Course::Veg),
    elder("酸辣土豆丝", "土豆、醋、干辣椒", &[], PLAIN, true, false, "一份 150 克", 400, Course::Veg),
    elder("蒜蓉西兰花", "西兰花、蒜", &[], PLAIN, true, false, "一份 150 克", 500, Course::Veg),
    elder("地三鲜", "茄子、土豆、青椒、酱油、白糖", SOY_SAUCE, PLAIN, true, true, "一份 150 克", 600, Course::Veg),
    elder("白菜炖豆腐", "白菜、豆腐、粉条", &[Soy], SOFT_PLAIN, true, false, "一份 200 克", 500, Course::Veg),
    elder("西红柿炒鸡蛋", "西红柿、鸡蛋、白糖", &[Egg], &[Soft, Halal], true, true, "一份 150 克", 600, Course::Veg),
    elder("麻婆豆腐", "豆腐、猪肉末、豆瓣酱", SOY_SAUCE, &[Soft], true, false, "一份 150 克", 600, Course::Veg),
    elder("清炒西葫芦", "西葫芦、蒜", &[], SOFT_PLAIN, true, false, "一份 150 克", 400, Course::Veg),
    elder("蒸南瓜", "南瓜", &[], MUSH, false, false, "一份 150 克", 300, Course::Veg),
    elder("豆腐汤", "豆腐、青菜", &[Soy], SOFT_PLAIN, true, false, "一碗 300 毫升", 200, Course::Soup),
    elder("冬瓜汤", "冬瓜、香菜", &[], MUSH, true, false, "一碗 300 毫升", 200, Course::Soup),
    elder("紫菜蛋花汤", "紫菜、鸡蛋、虾皮", &[Egg, Shellfish], &[Soft, Halal], true, false, "一碗 300 毫升", 200, Course::Soup),
    elder("西红柿鸡蛋汤", "西红柿、鸡蛋", &[Egg], &[Soft, Halal], true, false, "一碗 300 毫升", 200, Course::Soup),
    elder("羊肉烩面", "面粉、羊肉、海带、粉丝", &[Wheat], &[Halal], true, false, "一碗 400 克", 1200, Course::Noodles),
    elder("牛肉面", "面条、牛肉、白萝卜", &[Wheat], &[Halal], true, false, "一碗 400 克", 1000, Course::Noodles),
    elder("西红柿鸡蛋面", "面条、西红柿、鸡蛋", &[Egg, Wheat], &[Soft, Halal], true, false, "一碗 400 克", 800, Course::Noodles),
    elder("臊子面", "面条、猪肉、豆腐、胡萝卜、醋", SOY_SAUCE, &[], true, false, "一碗 400 克", 800, Course::Noodles),
    elder("猪肉白菜饺子", "面粉、猪肉、白菜、酱油", SOY_SAUCE, &[], true, false, "一份 15 个", 1000, Course::Noodles),
];

/// The childcare units' dishes, with grams for a child of 3 and over. The first of each
/// course is in every library.
#[rustfmt::skip]
pub(super) const CHILD_DISHES: &[DishSpec] = &[
    child("小米南瓜粥", "小米、南瓜", &[], MUSH, false, false, Course::Porridge, 150, Infant::Also),
    child("牛奶", "纯牛奶", &[Milk], MUSH, false, false, Course::Porridge, 200, Infant::No),
    child("红枣小米粥", "小米、红枣", &[], SOFT_PLAIN, false, false, Course::Porridge, 150, Infant::No),
    child("豆浆", "黄豆", &[Soy], MUSH, false, false, Course::Porridge, 150, Infant::No),
    child("肉末青菜粥", "大米、猪肉末、青菜、盐", &[], &[Soft, Minced], true, false, Course::Porridge, 150, Infant::No),
    child("蒸蛋羹", "鸡蛋", &[Egg], &[Soft, Minced, Halal], false, false, Course::Bun, 50, Infant::Also),
    child("小馒头", "面粉、酵母", &[Wheat], SOFT_PLAIN, false, false, Course::Bun, 40, Infant::No),
    child("奶香小花卷", "面粉、牛奶、白糖", &[Milk, Wheat], SOFT_PLAIN, false, true, Course::Bun, 40, Infant::No),
    child("鸡蛋饼", "面粉、鸡蛋、葱花、盐", &[Egg, Wheat], &[Halal], true, false, Course::Bun, 50, Infant::No),
    child("豆沙包", "面粉、红豆沙", &[Wheat], SOFT_PLAIN, false, true, Course::Bun, 40, Infant::No),
    child("软米饭", "大米", &[], SOFT_PLAIN, false, false, Course::Rice, 75, Infant::No),
    child("二米软饭", "大米、小米", &[], SOFT_PLAIN, false, false, Course::Rice, 75, Infant::No),
    child("青菜烂面条", "面条、青菜", &[Wheat], MUSH, false, false, Course::Rice, 80, Infant::Also),
    child("鲜肉小馄饨", "面粉、猪肉、紫菜、盐", &[Wheat], &[Soft], true, false, Course::Rice, 100, Infant::No),
    child("西红柿炒鸡蛋", "西红柿、鸡蛋、盐、白糖", &[Egg], &[Soft, Halal], true, true, Course::Meat, 60, Infant::No),
    child("胡萝卜炒肉丝", "猪肉、胡萝卜、盐", &[], &[], true, false, Course::Meat, 50, Infant::No),
    child("清蒸鲈鱼", "鲈鱼、姜、盐", &[Fish], &[Soft, Halal], true, false, Course::Meat, 50, Infant::No),
    child("土豆炖牛肉", "牛肉、土豆、酱油", SOY_SAUCE, &[Soft, Halal], true, false, Course::Meat, 50, Infant::No),
    child("虾仁蒸蛋", "虾仁、鸡蛋、盐", &[Egg, Shellfish], &[Soft, Minced, Halal], true, false, Course::Meat, 60, Infant::No),
    child("肉末豆腐", "豆腐、猪肉末、盐", &[Soy], &[Soft, Minced], true, false, Course::Meat, 60, Infant::No),
    child("胡萝卜泥", "胡萝卜", &[], MUSH, false, false, Course::Veg, 40, Infant::Also),
    child("清炒西兰花", "西兰花、盐", &[], PLAIN, true, false, Course::Veg, 50, Infant::No),
    child("南瓜泥", "南瓜", &[], MUSH, false, false, Course::Veg, 40, Infant::Also),
    child("香菇油菜", "油菜、香菇、盐", &[], PLAIN, true, false, Course::Veg, 50, Infant::No),
    child("土豆泥", "土豆", &[], MUSH, false, false, Course::Veg, 50, Infant::Also),
    child("西红柿豆腐汤", "西红柿、豆腐、盐", &[Soy], SOFT_PLAIN, true, false, Course::Soup, 100, Infant::No),
    child("冬瓜丸子汤", "冬瓜、猪肉丸、盐", &[], &[Soft], true, false, Course::Soup, 100, Infant::No),
    child("紫菜蛋花汤", "紫菜、鸡蛋、盐", &[Egg], &[Soft, Halal], true, false, Course::Soup, 100, Infant::No),
    child("苹果", "苹果", &[], PLAIN, false, false, Course::Fruit, 80, Infant::No),
    child("香蕉", "香蕉", &[], SOFT_PLAIN, false, false, Course::Fruit, 80, Infant::Also),
    child("芒果", "芒果", &[], PLAIN, false, false, Course::Fruit, 80, Infant::No),
];

/// Grams per child as `menus::GramsByAge` stores them (its JSON, keys in their order), from
/// the 3-and-over portion: the younger groups eat about two thirds and four fifths of it,
/// under-ones less still and only of a dish without added salt or sugar.
pub(super) fn grams_json(spec: &DishSpec, factor: f64) -> String {
    let g = |share: f64| ((f64::from(spec.grams) * factor * share / 5.0).round() * 5.0).max(5.0) as u16;
    let infant = spec.infant == Infant::Also && !spec.salt && !spec.sugar;
    let mut out = format!("{{\"1_to_2\":{},\"2_to_3\":{},\"3_up\":{}", g(0.67), g(0.8), g(1.0));
    if infant {
        out.push_str(&format!(",\"under_1\":{}", g(0.45)));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::meals::allergens_named;

    #[test]
    fn no_dish_with_salt_or_sugar_is_weighed_for_under_ones() {
        for spec in CHILD_DISHES {
            let grams = grams_json(spec, 1.0);
            assert_eq!(
                grams.contains("under_1"),
                !spec.salt && !spec.sugar && spec.infant == Infant::Also,
                "{}",
                spec.name
            );
        }
        let rice = CHILD_DISHES.iter().find(|s| s.name == "软米饭").unwrap();
        assert_eq!(grams_json(rice, 1.0), r#"{"1_to_2":50,"2_to_3":60,"3_up":75}"#);
    }

    #[test]
    fn every_allergen_a_dish_s_words_name_is_declared() {
        // `Dish::unlisted_allergens` would point out any other on the demo's dish forms.
        for spec in ELDER_DISHES.iter().chain(CHILD_DISHES) {
            for named in allergens_named(&format!("{} {}", spec.name, spec.ingredients)) {
                assert!(spec.allergens.contains(&named), "{} does not declare {named:?}", spec.name);
            }
        }
    }

    #[test]
    fn dish_names_are_unique_within_a_library() {
        for specs in [ELDER_DISHES, CHILD_DISHES] {
            let names: HashSet<&str> = specs.iter().map(|s| s.name).collect();
            assert_eq!(names.len(), specs.len());
        }
    }
}
