//! The home page: the signed-in account's work of the day, and the open urgent alerts that
//! the menu and the window title count.

use carecircle_core::services::agenda::{self, Agenda};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

/// The facility is the city office's choice; everyone else gets their own.
#[tauri::command]
pub async fn agenda_today(state: State<'_, AppState>, facility_id: Option<i64>) -> Result<Agenda, ErrorPayload> {
    state.as_actor(move |db, actor| agenda::agenda(db, actor, facility_id, db.clock().today())).await
}

/// Urgent readings nobody has handled, at the account's facility or (city office) anywhere.
#[tauri::command]
pub async fn alerts_open_count(state: State<'_, AppState>) -> Result<u32, ErrorPayload> {
    state.as_actor(agenda::open_alert_count).await
}
