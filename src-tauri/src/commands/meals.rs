//! Meals: the dish library, weekly menus, the children's allergy list and food samples;
//! at the elder centres bookings, standing orders, serving, the kitchen sheet and the month.
//! Days travel as "YYYY-MM-DD" and are parsed here, so a bad one is an ordinary refusal.

use carecircle_core::dates::parse_day;
use carecircle_core::domain::meals::Meal;
use carecircle_core::roster::ExportReport;
use carecircle_core::services::meals::bookings::{self, Booking, BookingOutcome, BookingRequest, ServeOutcome};
use carecircle_core::services::meals::childcare::{self, AllergyList, FoodSample, SampleSlot};
use carecircle_core::services::meals::choices::{self, SubstituteOption};
use carecircle_core::services::meals::dishes::{self, Dish, DishInput};
use carecircle_core::services::meals::kitchen::{self, KitchenSheet};
use carecircle_core::services::meals::menus::{self, Menu, MenuCopy, MenuItemInput, MenuWeek};
use carecircle_core::services::meals::standing::{self, MaterializeReport, StandingOrder, StandingOrderInput};
use carecircle_core::services::meals::subsidy::{self, MonthTotals};
use carecircle_core::ErrorPayload;
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

/// Retire (never delete) or bring back a dish.
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
            let week = parse_day(&week_start, "week_start")?;
            menus::get_or_create_menu(db, actor, facility_id, week)
        })
        .await
}

/// Replaces the dishes of one meal of one day.
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
            let day = parse_day(&day, "day")?;
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
            let from = parse_day(&from_week, "from_week")?;
            let to = parse_day(&to_week, "to_week")?;
            menus::copy_week(db, actor, facility_id, from, to, replace)
        })
        .await
}

#[tauri::command]
pub async fn menu_publish(state: State<'_, AppState>, menu_id: i64) -> Result<Menu, ErrorPayload> {
    state.as_actor(move |db, actor| menus::publish_menu(db, actor, menu_id, db.clock().now())).await
}

#[tauri::command]
pub async fn allergy_list(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<AllergyList, ErrorPayload> {
    state.as_actor(move |db, actor| childcare::allergy_list(db, actor, facility_id, parse_day(&day, "day")?)).await
}

/// Saves the day's list for the kitchen and the teachers to the Downloads folder.
#[tauri::command]
pub async fn allergy_list_export(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<ExportReport, ErrorPayload> {
    let path = crate::paths::export_path("过敏替代餐", state.clock().now());
    state
        .as_actor(move |db, actor| {
            childcare::export_allergy_list(db, actor, facility_id, parse_day(&day, "day")?, &path)
        })
        .await
}

#[tauri::command]
pub async fn samples_for_day(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<Vec<SampleSlot>, ErrorPayload> {
    state.as_actor(move |db, actor| childcare::samples_for_day(db, actor, facility_id, parse_day(&day, "day")?)).await
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
            let day = parse_day(&day, "day")?;
            childcare::record_sample(db, actor, facility_id, day, meal, dish_id, grams, db.clock().now())
        })
        .await
}

#[tauri::command]
pub async fn sample_discard(state: State<'_, AppState>, sample_id: i64) -> Result<FoodSample, ErrorPayload> {
    state.as_actor(move |db, actor| childcare::discard_sample(db, actor, sample_id, db.clock().now())).await
}

// ---- elder centres: bookings, standing orders, serving, the kitchen, the month ----

/// All or nothing; diet warnings come back to confirm before anything is written.
#[tauri::command]
pub async fn meal_book(state: State<'_, AppState>, request: BookingRequest) -> Result<BookingOutcome, ErrorPayload> {
    state.as_actor(move |db, actor| bookings::book(db, actor, &request, db.clock().now())).await
}

/// The day the booking form suggests first: the next day with a published menu (or weekday).
#[tauri::command]
pub async fn meal_booking_day(state: State<'_, AppState>, facility_id: i64) -> Result<String, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            choices::suggested_booking_day(db, actor, facility_id, db.clock().today()).map(|d| d.to_string())
        })
        .await
}

/// The dishes safe for the client instead of one that clashes with their allergy, best first.
#[tauri::command]
pub async fn meal_substitutes(
    state: State<'_, AppState>,
    client_id: i64,
    dish_id: i64,
) -> Result<Vec<SubstituteOption>, ErrorPayload> {
    state.as_actor(move |db, actor| choices::substitute_options(db, actor, client_id, dish_id)).await
}

#[tauri::command]
pub async fn booking_cancel(
    state: State<'_, AppState>,
    booking_id: i64,
    reason: Option<String>,
) -> Result<Booking, ErrorPayload> {
    state.as_actor(move |db, actor| bookings::cancel(db, actor, booking_id, reason.as_deref(), db.clock().now())).await
}

/// Checks again against the menu as it is now, then records the meal served.
#[tauri::command]
pub async fn booking_serve(
    state: State<'_, AppState>,
    booking_id: i64,
    confirm_diet: bool,
) -> Result<ServeOutcome, ErrorPayload> {
    state.as_actor(move |db, actor| bookings::serve(db, actor, booking_id, confirm_diet, db.clock().now())).await
}

/// A client's bookings between two days (audited: a view of the person's record).
#[tauri::command]
pub async fn client_bookings(
    state: State<'_, AppState>,
    client_id: i64,
    from: String,
    to: String,
) -> Result<Vec<Booking>, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            bookings::client_bookings(db, actor, client_id, parse_day(&from, "from")?, parse_day(&to, "to")?)
        })
        .await
}

/// Who is booked for one meal: the serving list.
#[tauri::command]
pub async fn meal_bookings(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
    meal: Meal,
) -> Result<Vec<Booking>, ErrorPayload> {
    state
        .as_actor(move |db, actor| bookings::meal_bookings(db, actor, facility_id, parse_day(&day, "day")?, meal))
        .await
}

#[tauri::command]
pub async fn standing_order_create(
    state: State<'_, AppState>,
    input: StandingOrderInput,
) -> Result<StandingOrder, ErrorPayload> {
    state.as_actor(move |db, actor| standing::create_standing_order(db, actor, &input, db.clock().now())).await
}

#[tauri::command]
pub async fn standing_order_stop(
    state: State<'_, AppState>,
    order_id: i64,
    reason: Option<String>,
) -> Result<StandingOrder, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            standing::stop_standing_order(db, actor, order_id, reason.as_deref(), db.clock().now())
        })
        .await
}

#[tauri::command]
pub async fn standing_orders(
    state: State<'_, AppState>,
    facility_id: i64,
    client_id: Option<i64>,
    include_stopped: bool,
) -> Result<Vec<StandingOrder>, ErrorPayload> {
    state.as_actor(move |db, actor| standing::standing_orders(db, actor, facility_id, client_id, include_stopped)).await
}

/// Turns the facility's standing orders into bookings through `through` (published days only).
#[tauri::command]
pub async fn standing_materialize(
    state: State<'_, AppState>,
    facility_id: i64,
    through: String,
) -> Result<MaterializeReport, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            standing::materialize(db, actor, facility_id, parse_day(&through, "through")?, db.clock().now())
        })
        .await
}

#[tauri::command]
pub async fn kitchen_sheet(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
    meal: Meal,
) -> Result<KitchenSheet, ErrorPayload> {
    state.as_actor(move |db, actor| kitchen::kitchen_sheet(db, actor, facility_id, parse_day(&day, "day")?, meal)).await
}

/// Saves the printable sheet (counts, deliveries by address, warnings) to the Downloads folder.
#[tauri::command]
pub async fn kitchen_sheet_export(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
    meal: Meal,
) -> Result<ExportReport, ErrorPayload> {
    let path = crate::paths::export_path("备餐单", state.clock().now());
    state
        .as_actor(move |db, actor| {
            kitchen::export_kitchen_sheet(db, actor, facility_id, parse_day(&day, "day")?, meal, &path)
        })
        .await
}

/// One facility's month, or (no facility, city office) the whole city's.
#[tauri::command]
pub async fn meal_month_totals(
    state: State<'_, AppState>,
    facility_id: Option<i64>,
    year: i32,
    month: u32,
) -> Result<MonthTotals, ErrorPayload> {
    state.as_actor(move |db, actor| subsidy::month_totals(db, actor, facility_id, year, month)).await
}
