//! The front desk: check-in, check-out with the pick-up check, the day's board.

use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::frontdesk::{self, Board, BoardEntry, PickUp};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn check_in(state: State<'_, AppState>, kind: PersonKind, id: i64) -> Result<BoardEntry, ErrorPayload> {
    state.as_actor(move |db, actor| frontdesk::check_in(db, actor, kind, id, db.clock().now())).await
}

/// For a child, `pickup` names who collects them; anyone not authorised is refused.
#[tauri::command]
pub async fn check_out(
    state: State<'_, AppState>,
    kind: PersonKind,
    id: i64,
    pickup: Option<PickUp>,
) -> Result<BoardEntry, ErrorPayload> {
    state.as_actor(move |db, actor| frontdesk::check_out(db, actor, kind, id, pickup.as_ref(), db.clock().now())).await
}

#[tauri::command]
pub async fn board_today(state: State<'_, AppState>, facility_id: i64) -> Result<Board, ErrorPayload> {
    state.as_actor(move |db, actor| frontdesk::board(db, actor, facility_id, db.clock().today())).await
}

/// Saves today's board of a facility to the Downloads folder.
#[tauri::command]
pub async fn board_export(
    state: State<'_, AppState>,
    facility_id: i64,
) -> Result<carecircle_core::roster::ExportReport, ErrorPayload> {
    let path = crate::paths::export_path("今日签到", state.clock().now());
    state.as_actor(move |db, actor| frontdesk::export_board(db, actor, facility_id, db.clock().today(), &path)).await
}
