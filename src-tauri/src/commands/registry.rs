use carecircle_core::domain::facility::{Facility, FacilityInput, FacilityKind};
use carecircle_core::services::registry::{self, DistrictNode, FacilityFilter, FacilitySummary};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn city_tree(state: State<'_, AppState>) -> Result<Vec<DistrictNode>, ErrorPayload> {
    state.as_actor(registry::city_tree).await
}

#[tauri::command]
pub async fn facilities_list(
    state: State<'_, AppState>,
    filter: FacilityFilter,
) -> Result<Vec<FacilitySummary>, ErrorPayload> {
    state.as_actor(move |db, actor| registry::list_facilities(db, actor, &filter)).await
}

#[tauri::command]
pub async fn facility_get(state: State<'_, AppState>, id: i64) -> Result<Facility, ErrorPayload> {
    state.as_actor(move |db, actor| registry::get_facility(db, actor, id)).await
}

#[tauri::command]
pub async fn facility_update(
    state: State<'_, AppState>,
    id: i64,
    input: FacilityInput,
) -> Result<Facility, ErrorPayload> {
    state.as_actor(move |db, actor| registry::update_facility(db, actor, id, &input)).await
}

#[tauri::command]
pub async fn facility_create(
    state: State<'_, AppState>,
    kind: FacilityKind,
    input: FacilityInput,
) -> Result<Facility, ErrorPayload> {
    state.as_actor(move |db, actor| registry::create_facility(db, actor, kind, &input)).await
}

/// Saves the facility list (as filtered) to the Downloads folder.
#[tauri::command]
pub async fn facilities_export(
    state: State<'_, AppState>,
    filter: FacilityFilter,
) -> Result<carecircle_core::roster::ExportReport, ErrorPayload> {
    let path = crate::paths::export_path("机构名单", state.clock().now());
    state.as_actor(move |db, actor| registry::export_facilities(db, actor, &filter, &path)).await
}
