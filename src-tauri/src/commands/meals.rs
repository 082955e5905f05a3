//! Meals: the dish library, weekly menus, the children's allergy list and food samples.
//! Days travel as "YYYY-MM-DD" and are parsed here, so a bad one is an ordinary refusal.

use carecircle_core::domain::meals::Meal;
use carecircle_core::domain::person::parse_date;
use carecircle_core::roster::ExportReport;
use carecircle_core::services::meals::childcare::{self, AllergyList, FoodSample, SampleSlot};
use carecircle_core::services::meals::dishes::{self, Dish, DishInput};
use carecircle_core::services::meals::menus::{self, Menu, MenuCopy, MenuItemInput, MenuWeek};
use carecircle_core::ErrorPayload;
use chrono::Utc;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn dishes_list(
    state: State<'_, AppState>,
    facility_id: i64,
    include_retired: bool,
) -> Result<Vec<Dish>, ErrorPayload> {
    state.as_actor(move |db, actor| dishes::list_dishes(db, actor, facility_id, include_retired)).await
}

#[tauri::command]
pub async fn dish_create(state: State<'_, AppState>, facility_id: i64, input: DishInput) -> Result<Dish, ErrorPayload> {
    state.as_actor(move |db, actor| dishes::create_dish(db, actor, facility_id, &input)).await
}

#[tauri::command]
pub async fn dish_update(state: State<'_, AppState>, dish_id: i64, input: DishInput) -> Result<Dish, ErrorPayload> {
    state.as_actor(move |db, actor| dishes::update_dish(db, actor, dish_id, &input)).await
}

#[tauri::command]
pub async fn dish_set_active(state: State<'_, AppState>, dish_id: i64, active: bool) -> Result<Dish, ErrorPayload> {
    state.as_actor(move |db, actor| dishes::set_dish_active(db, actor, dish_id, active)).await
}

#[tauri::command]
pub async fn menu_weeks(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<MenuWeek>, ErrorPayload> {
    state.as_actor(move |db, actor| menus::menu_weeks(db, actor, facility_id)).await
}

/// The week's menu, made (empty, as a draft) the first time it is opened.
#[tauri::command]
pub async fn menu_open(state: State<'_, AppState>, facility_id: i64, week_start: String) -> Result<Menu, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let week = parse_date(&week_start, "week_start")?;
            menus::get_or_create_menu(db, actor, facility_id, week)
        })
        .await
}

#[tauri::command]
pub async fn menu_set_meal(
    state: State<'_, AppState>,
    menu_id: i64,
    day: String,
    meal: Meal,
    items: Vec<MenuItemInput>,
) -> Result<Menu, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let day = parse_date(&day, "day")?;
            menus::set_meal(db, actor, menu_id, day, meal, &items)
        })
        .await
}

#[tauri::command]
pub async fn menu_copy_week(
    state: State<'_, AppState>,
    facility_id: i64,
    from_week: String,
    to_week: String,
    replace: bool,
) -> Result<MenuCopy, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let from = parse_date(&from_week, "from_week")?;
            let to = parse_date(&to_week, "to_week")?;
            menus::copy_week(db, actor, facility_id, from, to, replace)
        })
        .await
}

#[tauri::command]
pub async fn menu_publish(state: State<'_, AppState>, menu_id: i64) -> Result<Menu, ErrorPayload> {
    state.as_actor(move |db, actor| menus::publish_menu(db, actor, menu_id, Utc::now())).await
}

#[tauri::command]
pub async fn allergy_list(state: State<'_, AppState>, facility_id: i64, day: String) -> Result<AllergyList, ErrorPayload> {
    state
        .as_actor(move |db, actor| childcare::allergy_list(db, actor, facility_id, parse_date(&day, "day")?))
        .await
}

/// Saves the day's list for the kitchen and the teachers to the Downloads folder.
#[tauri::command]
pub async fn allergy_list_export(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<ExportReport, ErrorPayload> {
    let path = crate::paths::export_path("过敏替代餐");
    state
        .as_actor(move |db, actor| {
            childcare::export_allergy_list(db, actor, facility_id, parse_date(&day, "day")?, &path)
        })
        .await
}

#[tauri::command]
pub async fn samples_for_day(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<Vec<SampleSlot>, ErrorPayload> {
    state
        .as_actor(move |db, actor| childcare::samples_for_day(db, actor, facility_id, parse_date(&day, "day")?))
        .await
}

#[tauri::command]
pub async fn sample_record(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
    meal: Meal,
    dish_id: i64,
    grams: f64,
) -> Result<FoodSample, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let day = parse_date(&day, "day")?;
            childcare::record_sample(db, actor, facility_id, day, meal, dish_id, grams, Utc::now())
        })
        .await
}

#[tauri::command]
pub async fn sample_discard(state: State<'_, AppState>, sample_id: i64) -> Result<FoodSample, ErrorPayload> {
    state.as_actor(move |db, actor| childcare::discard_sample(db, actor, sample_id, Utc::now())).await
}
