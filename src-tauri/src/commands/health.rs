//! Nurses' checkups of elderly clients, the alert list and the follow-ups due.

use carecircle_core::domain::vitals::{Finding, VitalsInput};
use carecircle_core::services::health::{self, Alert, Checkup, CheckupInput, DueFollowUp};
use carecircle_core::{CoreError, ErrorPayload};
use tauri::State;

use crate::state::AppState;

/// Reads the values as they are typed, before anything is saved (no database).
#[tauri::command]
pub fn vitals_classify(state: State<'_, AppState>, input: VitalsInput) -> Result<Vec<Finding>, ErrorPayload> {
    input.classify().map_err(|e| CoreError::from(e).to_payload(state.locale()))
}

/// Urgent readings go on the facility's alert list in the same step.
#[tauri::command]
pub async fn checkup_record(
    state: State<'_, AppState>,
    client_id: i64,
    input: CheckupInput,
) -> Result<Checkup, ErrorPayload> {
    state.as_actor(move |db, actor| health::record_checkup(db, actor, client_id, &input, db.clock().now())).await
}

/// Corrects a checkup's values; its alerts follow the corrected reading.
#[tauri::command]
pub async fn checkup_correct(
    state: State<'_, AppState>,
    checkup_id: i64,
    input: CheckupInput,
) -> Result<Checkup, ErrorPayload> {
    state.as_actor(move |db, actor| health::correct_checkup(db, actor, checkup_id, &input, db.clock().now())).await
}

#[tauri::command]
pub async fn checkups_list(state: State<'_, AppState>, client_id: i64) -> Result<Vec<Checkup>, ErrorPayload> {
    state.as_actor(move |db, actor| health::checkups(db, actor, client_id)).await
}

#[tauri::command]
pub async fn alerts_open(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<Alert>, ErrorPayload> {
    state.as_actor(move |db, actor| health::open_alerts(db, actor, facility_id)).await
}

#[tauri::command]
pub async fn alert_handle(state: State<'_, AppState>, alert_id: i64, note: String) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| health::handle_alert(db, actor, alert_id, &note, db.clock().now())).await
}

/// Overdue first; `nurseId` keeps only the clients whose last checkup that nurse took.
#[tauri::command]
pub async fn follow_ups_due(
    state: State<'_, AppState>,
    facility_id: i64,
    nurse_id: Option<i64>,
    horizon_days: u32,
) -> Result<Vec<DueFollowUp>, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            health::due_follow_ups(db, actor, facility_id, nurse_id, db.clock().today(), horizon_days)
        })
        .await
}
