//! Meals: the dish library (validated, unique per facility, kept by the facility's managers),
//! weekly menus built, copied and published, childcare menus with grams by age and no
//! added salt or sugar under one year, the day's allergy list, and the food sample log.

use crate::common;

use carecircle_core::domain::meals::{Allergen, Clash, Meal};
use carecircle_core::domain::person::{ChildContactInput, ChildInput, DietNeed, IdentityInput};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::roster::table;
use carecircle_core::services::meals::childcare;
use carecircle_core::services::meals::dishes::{self, Dish, DishInput};
use carecircle_core::services::meals::menus::{self, GramsByAge, MenuItemInput, MenuStatus};
use carecircle_core::services::people;
use carecircle_core::{Actor, CoreError, Db, Role};
use chrono::TimeDelta;
use common::fixture::Fixture;
use common::{at, code, day, invalid};

/// A fresh city of the test's own facilities (`common::Fixture`) and its administrator.
fn fixture() -> (Fixture, Actor) {
    let f = Fixture::new();
    let admin = f.admin.clone();
    (f, admin)
}

fn dish_input(name: &str, allergens: &[Allergen], salt: bool) -> DishInput {
    DishInput {
        name: name.into(),
        ingredients: String::new(),
        allergens: allergens.to_vec(),
        suits: vec![],
        added_salt: salt,
        added_sugar: false,
        portion: Some("一份".into()),
        price_fen: 800,
    }
}

fn dish(db: &Db, actor: &Actor, facility: i64, name: &str, allergens: &[Allergen], salt: bool) -> Dish {
    dishes::create_dish(db, actor, facility, &dish_input(name, allergens, salt)).unwrap()
}

fn plain(dish_ids: &[i64]) -> Vec<MenuItemInput> {
    dish_ids.iter().map(|&dish_id| MenuItemInput { dish_id, grams: None }).collect()
}

fn grams(under_1: Option<u16>, older: u16) -> GramsByAge {
    GramsByAge { under_1, from_1_to_2: Some(older), from_2_to_3: Some(older), from_3: Some(older) }
}

fn weighed(items: &[(i64, GramsByAge)]) -> Vec<MenuItemInput> {
    items.iter().map(|&(dish_id, g)| MenuItemInput { dish_id, grams: Some(g) }).collect()
}

fn count(db: &Db, sql: &str, id: i64) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [id], |r| r.get(0))?)).unwrap()
}

#[test]
fn dishes_are_validated_and_unique_per_facility() {
    let (t, admin) = fixture();
    let (centre, other) = (t.elder_centre("新华养老服务中心"), t.elder_centre("凤凰岭养老服务中心"));
    let create = |facility, input: &DishInput| dishes::create_dish(&t.db, &admin, facility, input);

    let refused = |input: DishInput| code(create(centre, &input).unwrap_err());
    assert_eq!(refused(dish_input("  ", &[], true)), "dish.name_empty");
    assert_eq!(refused(dish_input(&"菜".repeat(41), &[], true)), "dish.name_too_long");
    assert_eq!(refused(DishInput { price_fen: -1, ..dish_input("米饭", &[], false) }), "dish.price_negative");
    assert_eq!(refused(DishInput { price_fen: 50_001, ..dish_input("米饭", &[], false) }), "dish.price_too_high");
    assert_eq!(count(&t.db, "SELECT count(*) FROM dishes WHERE facility_id = ?1", centre), 0, "nothing written");

    let eggs = create(
        centre,
        &DishInput {
            ingredients: "番茄、鸡蛋".into(),
            suits: vec![DietNeed::Vegetarian, DietNeed::Soft, DietNeed::Soft],
            ..dish_input(" 番茄炒蛋 ", &[], true)
        },
    )
    .unwrap();
    assert_eq!(eggs.name, "番茄炒蛋", "trimmed");
    assert_eq!(eggs.suits, vec![DietNeed::Soft, DietNeed::Vegetarian], "tags kept once, in order");
    assert_eq!(eggs.unlisted_allergens, vec![Allergen::Egg], "the ingredients name egg, undeclared: a hint");
    assert!(eggs.active);

    let taken = invalid(create(centre, &dish_input("番茄炒蛋", &[Allergen::Egg], true)).unwrap_err());
    assert_eq!((taken.code, taken.field), ("dish.name_taken", "name"));
    // Another facility keeps its own library.
    create(other, &dish_input("番茄炒蛋", &[Allergen::Egg], true)).unwrap();

    let rice = create(centre, &dish_input("米饭", &[], false)).unwrap();
    assert_eq!(
        code(dishes::update_dish(&t.db, &admin, rice.id, &dish_input("番茄炒蛋", &[], false)).unwrap_err()),
        "dish.name_taken"
    );
    let fixed = dishes::update_dish(&t.db, &admin, eggs.id, &dish_input("番茄炒蛋", &[Allergen::Egg], true)).unwrap();
    assert!(fixed.unlisted_allergens.is_empty());
    assert_eq!(fixed.allergens, vec![Allergen::Egg]);

    // Retired, never deleted; listed only when asked for.
    dishes::set_dish_active(&t.db, &admin, rice.id, false).unwrap();
    let names = |all| -> Vec<String> {
        dishes::list_dishes(&t.db, &admin, centre, all).unwrap().into_iter().map(|d| d.name).collect()
    };
    assert_eq!(names(false), vec!["番茄炒蛋"]);
    assert_eq!(names(true), vec!["番茄炒蛋", "米饭"]);
    assert!(count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'dish' AND entity_id = ?1", rice.id) >= 2);
}

#[test]
fn only_the_facilitys_managers_edit_dishes() {
    let (t, admin) = fixture();
    let (centre, other) = (t.elder_centre("新华养老服务中心"), t.elder_centre("凤凰岭养老服务中心"));
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(centre));
    let elsewhere = common::account(&t.db, &admin, "elsewhere", Role::FacilityManager, Some(other));

    let soup = dish(&t.db, &manager, centre, "小米粥", &[], false);
    let input = dish_input("南瓜粥", &[], false);
    assert!(matches!(dishes::create_dish(&t.db, &desk, centre, &input), Err(CoreError::Forbidden)));
    assert!(matches!(dishes::update_dish(&t.db, &desk, soup.id, &input), Err(CoreError::Forbidden)));
    assert!(matches!(dishes::create_dish(&t.db, &elsewhere, centre, &input), Err(CoreError::Forbidden)));
    assert!(matches!(dishes::update_dish(&t.db, &elsewhere, soup.id, &input), Err(CoreError::Forbidden)));
    assert!(matches!(dishes::set_dish_active(&t.db, &elsewhere, soup.id, false), Err(CoreError::Forbidden)));
    assert!(matches!(dishes::list_dishes(&t.db, &elsewhere, centre, true), Err(CoreError::Forbidden)));
    assert!(matches!(menus::get_or_create_menu(&t.db, &desk, centre, day("2026-11-30")), Err(CoreError::Forbidden)));
    // The desk reads the library and the menus of its own facility.
    assert_eq!(dishes::list_dishes(&t.db, &desk, centre, false).unwrap().len(), 1);
    assert_eq!(dishes::get_dish(&t.db, &desk, soup.id).unwrap().name, "小米粥");
    assert_eq!(dishes::get_dish(&t.db, &manager, soup.id).unwrap().name, "小米粥");
    assert!(menus::menu_for_week(&t.db, &desk, centre, day("2026-11-30")).unwrap().is_none());
}

#[test]
fn a_week_is_built_copied_to_the_next_and_published() {
    let (t, admin) = fixture();
    let (centre, other) = (t.elder_centre("新华养老服务中心"), t.elder_centre("凤凰岭养老服务中心"));
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(centre));
    let porridge = dish(&t.db, &manager, centre, "小米粥", &[], false);
    let fish = dish(&t.db, &manager, centre, "清蒸鱼", &[Allergen::Fish], true);
    let greens = dish(&t.db, &manager, centre, "清炒油菜", &[], true);
    let retired = dish(&t.db, &manager, centre, "红烧肉", &[], true);
    dishes::set_dish_active(&t.db, &manager, retired.id, false).unwrap();
    let foreign = dish(&t.db, &admin, other, "手把肉", &[], true);

    let bad = invalid(menus::get_or_create_menu(&t.db, &manager, centre, day("2026-12-01")).unwrap_err());
    assert_eq!((bad.code, bad.field), ("menu.week_not_monday", "week_start"));

    let monday = day("2026-11-30");
    let menu = menus::get_or_create_menu(&t.db, &manager, centre, monday).unwrap();
    assert_eq!((menu.status, menu.items.len(), menu.childcare), (MenuStatus::Draft, 0, false));
    assert_eq!(menus::get_or_create_menu(&t.db, &manager, centre, monday).unwrap().id, menu.id, "one menu a week");
    assert_eq!(
        code(menus::publish_menu(&t.db, &manager, menu.id, at("2026-11-29T02:00:00Z")).unwrap_err()),
        "menu.empty"
    );

    let set = |d: &str, meal, items: &[MenuItemInput]| menus::set_meal(&t.db, &manager, menu.id, day(d), meal, items);
    set("2026-11-30", Meal::Breakfast, &plain(&[porridge.id])).unwrap();
    set("2026-11-30", Meal::Lunch, &plain(&[greens.id, fish.id])).unwrap();
    // Replacing the list: lunch is now fish first, then greens.
    let built = set("2026-11-30", Meal::Lunch, &plain(&[fish.id, greens.id])).unwrap();
    set("2026-12-06", Meal::Dinner, &plain(&[porridge.id])).unwrap();

    let lunch: Vec<&str> = built.items.iter().filter(|i| i.meal == Meal::Lunch).map(|i| i.dish_name.as_str()).collect();
    assert_eq!(lunch, vec!["清蒸鱼", "清炒油菜"]);
    assert_eq!(built.items.iter().find(|i| i.dish_id == fish.id).unwrap().allergens, vec![Allergen::Fish]);

    assert_eq!(code(set("2026-12-07", Meal::Lunch, &plain(&[fish.id])).unwrap_err()), "menu.day_outside_week");
    assert_eq!(code(set("2026-12-01", Meal::Lunch, &plain(&[retired.id])).unwrap_err()), "menu.dish_retired");
    assert_eq!(code(set("2026-12-01", Meal::Lunch, &plain(&[foreign.id])).unwrap_err()), "menu.dish_unknown");
    assert_eq!(code(set("2026-12-01", Meal::Lunch, &plain(&[fish.id, fish.id])).unwrap_err()), "menu.dish_repeated");
    assert_eq!(
        code(set("2026-12-01", Meal::Lunch, &weighed(&[(fish.id, grams(None, 50))])).unwrap_err()),
        "menu.grams_not_for_elder"
    );

    // Copied into the next week: every day moved by seven.
    let next = day("2026-12-07");
    let copy = menus::copy_week(&t.db, &manager, centre, monday, next, false).unwrap();
    assert!(copy.left_out.is_empty());
    assert_eq!(copy.menu.week_start, "2026-12-07");
    assert_eq!(copy.menu.status, MenuStatus::Draft);
    let days: Vec<(&str, Meal, &str)> =
        copy.menu.items.iter().map(|i| (i.day.as_str(), i.meal, i.dish_name.as_str())).collect();
    assert_eq!(
        days,
        vec![
            ("2026-12-07", Meal::Breakfast, "小米粥"),
            ("2026-12-07", Meal::Lunch, "清蒸鱼"),
            ("2026-12-07", Meal::Lunch, "清炒油菜"),
            ("2026-12-13", Meal::Dinner, "小米粥"),
        ]
    );
    assert_eq!(copy.menu.weeks_unchanged, 2);
    assert!(!copy.menu.change_due, "only childcare menus are due a change");
    assert_eq!(
        code(menus::copy_week(&t.db, &manager, centre, monday, next, false).unwrap_err()),
        "menu.copy_target_not_empty"
    );
    assert_eq!(
        code(menus::copy_week(&t.db, &manager, centre, monday, monday, true).unwrap_err()),
        "menu.copy_same_week"
    );
    assert_eq!(
        code(menus::copy_week(&t.db, &manager, centre, day("2026-11-23"), next, true).unwrap_err()),
        "menu.copy_source_empty"
    );
    // A dish retired since is left out of a copy, and said so.
    dishes::set_dish_active(&t.db, &manager, greens.id, false).unwrap();
    let again = menus::copy_week(&t.db, &manager, centre, monday, next, true).unwrap();
    assert_eq!(again.left_out, vec!["清炒油菜"]);
    assert_eq!(again.menu.items.len(), 3);
    // …but stays where it already is when its meal is saved again.
    set("2026-11-30", Meal::Lunch, &plain(&[fish.id, greens.id])).unwrap();

    let published = menus::publish_menu(&t.db, &manager, menu.id, at("2026-11-29T02:00:00Z")).unwrap();
    assert_eq!(published.status, MenuStatus::Published);
    assert_eq!(published.published_by_name.as_deref(), Some("manager"));
    assert_eq!(published.published_at.as_deref(), Some("2026-11-29T02:00:00Z"));
    // Still editable once published, and the audit says so.
    set("2026-12-01", Meal::Lunch, &plain(&[fish.id])).unwrap();
    assert_eq!(
        count(
            &t.db,
            "SELECT count(*) FROM audit_log WHERE entity = 'menu' AND action = 'update_published' AND entity_id = ?1",
            menu.id
        ),
        1
    );

    let weeks = menus::menu_weeks(&t.db, &manager, centre).unwrap();
    let listed: Vec<(&str, MenuStatus, u32)> =
        weeks.iter().map(|w| (w.week_start.as_str(), w.status, w.items)).collect();
    assert_eq!(listed, vec![("2026-12-07", MenuStatus::Draft, 3), ("2026-11-30", MenuStatus::Published, 5)]);
    assert!(matches!(menus::menu_weeks(&t.db, &manager, other), Err(CoreError::Forbidden)));
}

#[test]
fn childcare_menus_need_grams_and_no_salt_or_sugar_under_one() {
    let (t, admin) = fixture();
    let unit = t.childcare_unit("新华托育园");
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(unit));
    let mash = dish(&t.db, &manager, unit, "南瓜泥", &[], false);
    let salted = dish(&t.db, &manager, unit, "肉末豆腐", &[Allergen::Soy], true);
    let monday = day("2026-11-30");
    let menu = menus::get_or_create_menu(&t.db, &manager, unit, monday).unwrap();
    assert!(menu.childcare);
    let set = |items: &[MenuItemInput]| menus::set_meal(&t.db, &manager, menu.id, monday, Meal::Lunch, items);

    assert_eq!(code(set(&plain(&[mash.id])).unwrap_err()), "menu.grams_required");
    assert_eq!(
        code(set(&weighed(&[(mash.id, GramsByAge { under_1: Some(0), ..Default::default() })])).unwrap_err()),
        "menu.grams_required",
        "grams for nobody are no grams"
    );
    let too_much = invalid(set(&weighed(&[(mash.id, grams(Some(30), 501))])).unwrap_err());
    assert_eq!((too_much.code, too_much.field), ("menu.grams_too_high", "grams"));
    let salty =
        invalid(set(&weighed(&[(mash.id, grams(Some(30), 50)), (salted.id, grams(Some(20), 60))])).unwrap_err());
    assert_eq!(salty.code, "menu.no_salt_sugar_under_1");
    assert!(salty.params.iter().any(|(k, v)| *k == "dish" && v == "肉末豆腐"));
    assert_eq!(count(&t.db, "SELECT count(*) FROM menu_items WHERE menu_id = ?1", menu.id), 0, "nothing written");

    // The salted dish for the older groups only.
    let ok = set(&weighed(&[(mash.id, grams(Some(30), 50)), (salted.id, grams(None, 60))])).unwrap();
    let stored: Vec<Option<GramsByAge>> = ok.items.iter().map(|i| i.grams).collect();
    assert_eq!(stored, vec![Some(grams(Some(30), 50)), Some(grams(None, 60))]);
    assert_eq!(ok.weeks_unchanged, 1);

    // Changed every 1–2 weeks: the third identical week is due a change (a warning only).
    let week2 = menus::copy_week(&t.db, &manager, unit, monday, day("2026-12-07"), false).unwrap().menu;
    assert_eq!((week2.weeks_unchanged, week2.change_due), (2, false));
    let week3 = menus::copy_week(&t.db, &manager, unit, day("2026-12-07"), day("2026-12-14"), false).unwrap().menu;
    assert_eq!((week3.weeks_unchanged, week3.change_due), (3, true));
    assert_eq!(week3.items[0].grams, Some(grams(Some(30), 50)), "grams copied");
    let published = menus::publish_menu(&t.db, &manager, week3.id, at("2026-11-29T02:00:00Z")).unwrap();
    assert!(published.change_due);

    // A dish that gains added salt after going on the menu is caught when publishing.
    dishes::update_dish(&t.db, &manager, mash.id, &dish_input("南瓜泥", &[], true)).unwrap();
    assert_eq!(
        code(menus::publish_menu(&t.db, &manager, menu.id, at("2026-11-29T02:00:00Z")).unwrap_err()),
        "menu.no_salt_sugar_under_1"
    );
}

/// A child of `unit` since October with one guardian and the allergies given.
fn child(db: &Db, admin: &Actor, unit: i64, name: &str, born: &str, allergies: &[&str], left_on: Option<&str>) -> i64 {
    people::create_child(
        db,
        admin,
        &ChildInput {
            name: name.into(),
            identity: IdentityInput { id_number: None, sex: Some(Sex::Male), birth_date: Some(born.into()) },
            ethnicity: "汉族".into(),
            facility_id: unit,
            class_id: None,
            enrolled_on: "2026-10-01".into(),
            left_on: left_on.map(str::to_string),
            allergies: allergies.iter().map(|a| a.to_string()).collect(),
            diet_needs: vec![],
            contacts: vec![ChildContactInput {
                id: None,
                name: "斯琴".into(),
                relation: "母亲".into(),
                phone: "13904731111".into(),
                is_guardian: true,
                may_pick_up: true,
                id_tail: None,
            }],
            consent: true,
            notes: None,
        },
        common::today(),
    )
    .unwrap()
    .id
}

#[test]
fn the_allergy_list_names_each_child_needing_a_substitute() {
    let (t, admin) = fixture();
    let unit = t.childcare_unit("新华托育园");
    let centre = t.elder_centre("新华养老服务中心");
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(unit));
    let allergic = child(&t.db, &admin, unit, "巴特尔", "2023-05-10", &["鸡蛋"], None);
    let infant = child(&t.db, &admin, unit, "其木格", "2026-03-15", &[], None);
    let plain_eater = child(&t.db, &admin, unit, "王小明", "2024-02-01", &[], None);
    let gone = child(&t.db, &admin, unit, "李乐乐", "2023-08-01", &["鸡蛋"], Some("2026-11-27"));
    let mine = [allergic, infant, plain_eater, gone];

    let custard = dish(&t.db, &manager, unit, "鸡蛋羹", &[Allergen::Egg], false);
    let noodles = dish(&t.db, &manager, unit, "肉丝面", &[Allergen::Wheat], true);
    let monday = day("2026-11-30");
    let menu = menus::get_or_create_menu(&t.db, &manager, unit, monday).unwrap();
    menus::set_meal(
        &t.db,
        &manager,
        menu.id,
        monday,
        Meal::Lunch,
        &weighed(&[(custard.id, grams(Some(40), 60)), (noodles.id, grams(None, 80))]),
    )
    .unwrap();

    // Before publishing nothing is checked, and the list says why.
    let draft = childcare::allergy_list(&t.db, &manager, unit, monday).unwrap();
    assert!(!draft.published);
    assert!(draft.needs.is_empty());
    let path = t.dir.path().join("allergies.xlsx");
    assert_eq!(
        code(childcare::export_allergy_list(&t.db, &manager, unit, monday, &path).unwrap_err()),
        "allergy_list.not_published"
    );

    menus::publish_menu(&t.db, &manager, menu.id, at("2026-11-29T02:00:00Z")).unwrap();
    let list = childcare::allergy_list(&t.db, &manager, unit, monday).unwrap();
    assert!(list.published);
    assert!(list.children >= 3);
    let needs: Vec<(i64, &str, Clash, bool)> = list
        .needs
        .iter()
        .filter(|n| mine.contains(&n.child_id))
        .map(|n| (n.child_id, n.dish_name.as_str(), n.clash.clone(), n.refuses))
        .collect();
    assert_eq!(
        needs,
        vec![
            (allergic, "鸡蛋羹", Clash::Allergy { allergy: "鸡蛋".into() }, true),
            (infant, "肉丝面", Clash::InfantSaltSugar, true),
        ],
        "the egg-allergic child gets the custard, the 8-month-old the salted noodles, the third child nothing, \
         and the child who left last week is not checked"
    );
    assert!(list.needs.iter().all(|n| n.meal == Meal::Lunch));
    assert_eq!(
        count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'allergy_list' AND facility_id = ?1", unit),
        2
    );

    // The same list for the kitchen, in Excel with Chinese headers.
    let report = childcare::export_allergy_list(&t.db, &manager, unit, monday, &path).unwrap();
    assert_eq!(report.rows, list.needs.len());
    let sheet = table::read("allergies.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(sheet.headers, vec!["班级", "姓名", "餐次", "菜品", "原因", "处理"]);
    let egg_row = sheet.rows.iter().map(|(_, cells)| cells).find(|cells| cells[1].text == "巴特尔").unwrap();
    assert_eq!(
        egg_row.iter().skip(2).map(|c| c.text.as_str()).collect::<Vec<_>>(),
        vec!["午餐", "鸡蛋羹", "过敏：鸡蛋", "需替换"]
    );

    // An elder centre has no such list.
    assert_eq!(
        code(childcare::allergy_list(&t.db, &admin, centre, monday).unwrap_err()),
        "allergy_list.childcare_only"
    );
}

#[test]
fn every_dish_of_every_meal_is_sampled_and_kept_48_hours() {
    let (t, admin) = fixture();
    let (unit, other) = (t.childcare_unit("新华托育园"), t.childcare_unit("凤凰岭托育园"));
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(unit));
    let cook = common::account(&t.db, &admin, "cook", Role::Caregiver, Some(unit));
    let stranger = common::account(&t.db, &admin, "stranger", Role::Caregiver, Some(other));
    let rice = dish(&t.db, &manager, unit, "米饭", &[], false);
    let carrots = dish(&t.db, &manager, unit, "胡萝卜炒肉", &[], true);
    let apple = dish(&t.db, &manager, unit, "苹果", &[], false);
    // The tests' today is Sunday 2026-11-29; its week starts on the 23rd.
    let sunday = common::today();
    let menu = menus::get_or_create_menu(&t.db, &manager, unit, day("2026-11-23")).unwrap();
    menus::set_meal(
        &t.db,
        &manager,
        menu.id,
        sunday,
        Meal::Lunch,
        &weighed(&[(rice.id, grams(Some(30), 50)), (carrots.id, grams(None, 40))]),
    )
    .unwrap();
    menus::set_meal(
        &t.db,
        &manager,
        menu.id,
        day("2026-11-28"),
        Meal::Lunch,
        &weighed(&[(rice.id, grams(Some(30), 50))]),
    )
    .unwrap();
    let noon = at("2026-11-29T04:10:00Z");
    let record = |who: &Actor, dish_id, g, when| {
        childcare::record_sample(&t.db, who, unit, sunday, Meal::Lunch, dish_id, g, when)
    };

    assert_eq!(
        code(record(&cook, rice.id, 120.0, noon).unwrap_err()),
        "sample.dish_not_on_menu",
        "a draft menu is not sampled"
    );
    menus::publish_menu(&t.db, &manager, menu.id, at("2026-11-22T02:00:00Z")).unwrap();

    let small = invalid(record(&cook, rice.id, 99.5, noon).unwrap_err());
    assert_eq!((small.code, small.field), ("sample.too_small", "grams"));
    assert_eq!(code(record(&cook, rice.id, f64::NAN, noon).unwrap_err()), "sample.too_small");
    assert_eq!(code(record(&cook, apple.id, 120.0, noon).unwrap_err()), "sample.dish_not_on_menu");
    assert!(matches!(record(&stranger, rice.id, 120.0, noon), Err(CoreError::Forbidden)));

    let sample = record(&cook, rice.id, 125.0, noon).unwrap();
    assert_eq!((sample.grams, sample.sampled_by_name.as_str()), (125.0, "cook"));
    assert_eq!(sample.sampled_at, "2026-11-29T04:10:00Z");
    assert_eq!(sample.discard_after, "2026-12-01T04:10:00Z", "kept 48 hours");
    assert_eq!(code(record(&cook, rice.id, 130.0, noon).unwrap_err()), "sample.already_recorded");
    assert_eq!(
        code(
            childcare::record_sample(&t.db, &cook, unit, day("2026-11-30"), Meal::Lunch, rice.id, 120.0, noon)
                .unwrap_err()
        ),
        "sample.future_day"
    );

    let slots = childcare::samples_for_day(&t.db, &cook, unit, sunday).unwrap();
    let shown: Vec<(&str, bool, bool)> =
        slots.iter().map(|s| (s.dish_name.as_str(), s.sample.is_some(), s.gap)).collect();
    assert_eq!(shown, vec![("米饭", true, false), ("胡萝卜炒肉", false, true)]);

    // Saturday's rice was never sampled; two days later it can no longer be logged.
    let gaps = childcare::sample_gaps(&t.db, &manager, unit, day("2026-11-23"), sunday).unwrap();
    assert_eq!((gaps.expected, gaps.sampled, gaps.missing), (3, 1, 2));
    let gap_days: Vec<(&str, u32)> = gaps.days.iter().map(|d| (d.day.as_str(), d.missing)).collect();
    assert_eq!(gap_days, vec![("2026-11-28", 1), ("2026-11-29", 1)]);
    let late = noon + TimeDelta::days(2);
    assert_eq!(
        code(
            childcare::record_sample(&t.db, &cook, unit, day("2026-11-28"), Meal::Lunch, rice.id, 120.0, late)
                .unwrap_err()
        ),
        "sample.too_late"
    );
    assert_eq!(
        code(childcare::sample_gaps(&t.db, &manager, unit, sunday, day("2026-11-23")).unwrap_err()),
        "sample.range_reversed"
    );

    let early = noon + TimeDelta::hours(47);
    assert_eq!(code(childcare::discard_sample(&t.db, &cook, sample.id, early).unwrap_err()), "sample.kept_48h");
    assert!(matches!(childcare::discard_sample(&t.db, &stranger, sample.id, late), Err(CoreError::Forbidden)));
    let discarded = childcare::discard_sample(&t.db, &cook, sample.id, noon + TimeDelta::hours(48)).unwrap();
    assert_eq!(discarded.discarded_at.as_deref(), Some("2026-12-01T04:10:00Z"));
    assert_eq!(code(childcare::discard_sample(&t.db, &cook, sample.id, late).unwrap_err()), "sample.already_discarded");
}
