//! Care visits: clients' care plans and home locations, staff leave, the week view with
//! its conflicts, placing, moving and cancelling visits, weekly series, outcomes and
//! make-ups, and the automatic weekly scheduler (progress over a channel).
//! Days travel as "YYYY-MM-DD" and are parsed here, so a bad one is an ordinary refusal.

use carecircle_core::dates::parse_day;
use carecircle_core::domain::visits::GeoPoint;
use carecircle_core::services::visits::edit::{self, NewVisit, VisitMove};
use carecircle_core::services::visits::leave::{self, Leave, LeaveInput};
use carecircle_core::services::visits::location;
use carecircle_core::services::visits::planner::{self, PlanProgress, PlanReport};
use carecircle_core::services::visits::plans::{self, CarePlan, PlanItem, PlanItemInput};
use carecircle_core::services::visits::record::{self, VisitOutcome};
use carecircle_core::services::visits::week::{self, Week};
use carecircle_core::services::visits::Visit;
use carecircle_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn care_plan(state: State<'_, AppState>, client_id: i64) -> Result<CarePlan, ErrorPayload> {
    state.as_actor(move |db, actor| plans::care_plan(db, actor, client_id)).await
}

/// Plan items a visit placed by hand can be for, on `day`.
#[tauri::command]
pub async fn facility_plan_items(
    state: State<'_, AppState>,
    facility_id: i64,
    day: String,
) -> Result<Vec<PlanItem>, ErrorPayload> {
    state.as_actor(move |db, actor| plans::facility_plan_items(db, actor, facility_id, parse_day(&day, "day")?)).await
}

#[tauri::command]
pub async fn plan_item_create(state: State<'_, AppState>, input: PlanItemInput) -> Result<PlanItem, ErrorPayload> {
    state.as_actor(move |db, actor| plans::create_plan_item(db, actor, &input)).await
}

#[tauri::command]
pub async fn plan_item_update(
    state: State<'_, AppState>,
    item_id: i64,
    input: PlanItemInput,
) -> Result<PlanItem, ErrorPayload> {
    state.as_actor(move |db, actor| plans::update_plan_item(db, actor, item_id, &input)).await
}

/// Ends an item on `lastDay`: its later planned visits are cancelled, its weekly series stop.
#[tauri::command]
pub async fn plan_item_end(
    state: State<'_, AppState>,
    item_id: i64,
    last_day: String,
) -> Result<PlanItem, ErrorPayload> {
    state.as_actor(move |db, actor| plans::end_plan_item(db, actor, item_id, parse_day(&last_day, "last_day")?)).await
}

#[tauri::command]
pub async fn home_location(state: State<'_, AppState>, client_id: i64) -> Result<Option<GeoPoint>, ErrorPayload> {
    state.as_actor(move |db, actor| location::home_location(db, actor, client_id)).await
}

#[tauri::command]
pub async fn home_location_set(
    state: State<'_, AppState>,
    client_id: i64,
    point: Option<GeoPoint>,
) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| location::set_home_location(db, actor, client_id, point)).await
}

#[tauri::command]
pub async fn leave_list(state: State<'_, AppState>, staff_id: i64) -> Result<Vec<Leave>, ErrorPayload> {
    state.as_actor(move |db, actor| leave::list_leave(db, actor, staff_id)).await
}

#[tauri::command]
pub async fn leave_add(state: State<'_, AppState>, input: LeaveInput) -> Result<Leave, ErrorPayload> {
    state.as_actor(move |db, actor| leave::add_leave(db, actor, &input)).await
}

#[tauri::command]
pub async fn leave_remove(state: State<'_, AppState>, leave_id: i64) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| leave::remove_leave(db, actor, leave_id)).await
}

/// The week from Monday `weekStart`, with its conflicts; weekly series are written in from today
/// on.
#[tauri::command]
pub async fn visits_week(
    state: State<'_, AppState>,
    facility_id: i64,
    week_start: String,
) -> Result<Week, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let week_start = parse_day(&week_start, "week_start")?;
            // The series' occurrences are written in (when any is missing) before the read.
            week::fill_week(db, actor, facility_id, week_start)?;
            week::week(db, actor, facility_id, week_start)
        })
        .await
}

#[tauri::command]
pub async fn visit_create(state: State<'_, AppState>, input: NewVisit) -> Result<Visit, ErrorPayload> {
    state.as_actor(move |db, actor| edit::create_visit(db, actor, &input)).await
}

#[tauri::command]
pub async fn visit_move(state: State<'_, AppState>, visit_id: i64, to: VisitMove) -> Result<Visit, ErrorPayload> {
    state.as_actor(move |db, actor| edit::move_visit(db, actor, visit_id, &to)).await
}

#[tauri::command]
pub async fn visit_cancel(state: State<'_, AppState>, visit_id: i64) -> Result<Visit, ErrorPayload> {
    state.as_actor(move |db, actor| edit::cancel_visit(db, actor, visit_id)).await
}

#[tauri::command]
pub async fn visit_make_weekly(state: State<'_, AppState>, visit_id: i64) -> Result<Visit, ErrorPayload> {
    state.as_actor(move |db, actor| edit::make_weekly(db, actor, visit_id)).await
}

#[tauri::command]
pub async fn visit_series_end(
    state: State<'_, AppState>,
    series_id: i64,
    last_day: String,
) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| edit::end_series(db, actor, series_id, parse_day(&last_day, "last_day")?)).await
}

#[tauri::command]
pub async fn visit_record(
    state: State<'_, AppState>,
    visit_id: i64,
    outcome: VisitOutcome,
) -> Result<Visit, ErrorPayload> {
    state.as_actor(move |db, actor| record::record_visit(db, actor, visit_id, &outcome)).await
}

#[tauri::command]
pub async fn visit_make_up(
    state: State<'_, AppState>,
    visit_id: i64,
    day: String,
    start: String,
    staff_id: Option<i64>,
) -> Result<Visit, ErrorPayload> {
    state
        .as_actor(move |db, actor| record::make_up(db, actor, visit_id, parse_day(&day, "day")?, &start, staff_id))
        .await
}

/// Plans the week at one facility, or at every elder facility of a living circle, off the
/// UI thread; progress goes back over `on_progress`.
#[tauri::command]
pub async fn visits_plan_week(
    state: State<'_, AppState>,
    facility_id: Option<i64>,
    circle_id: Option<i64>,
    week_start: String,
    on_progress: Channel<PlanProgress>,
) -> Result<PlanReport, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let scope = planner::PlanScope::from_choice(facility_id, circle_id)?;
            let week = parse_day(&week_start, "week_start")?;
            let progress = |p: PlanProgress| {
                let _ = on_progress.send(p);
            };
            planner::plan_week(db, actor, scope, week, planner::DEFAULT_TIME_LIMIT, &progress)
        })
        .await
}
