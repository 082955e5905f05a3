//! Incident reports: report, complete, close; a facility's book for a month, a person's
//! reports, and the care-risk events an assessment will count.

use carecircle_core::dates::parse_day;
use carecircle_core::domain::incident::IncidentInput;
use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::incidents::{self, Incident};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn incident_report(state: State<'_, AppState>, input: IncidentInput) -> Result<Incident, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::report(db, actor, &input, db.clock().now())).await
}

/// Completes an open report (the family told, the injury as the doctor found it).
#[tauri::command]
pub async fn incident_update(
    state: State<'_, AppState>,
    id: i64,
    input: IncidentInput,
) -> Result<Incident, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::update(db, actor, id, &input, db.clock().now())).await
}

#[tauri::command]
pub async fn incident_close(
    state: State<'_, AppState>,
    id: i64,
    review_note: String,
) -> Result<Incident, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::close(db, actor, id, &review_note, db.clock().now())).await
}

/// The facility's open reports, then those of `month` (`YYYY-MM`).
#[tauri::command]
pub async fn incidents_list(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
) -> Result<Vec<Incident>, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::list(db, actor, facility_id, Month::parse(&month)?)).await
}

#[tauri::command]
pub async fn incidents_of_person(
    state: State<'_, AppState>,
    person_kind: PersonKind,
    person_id: i64,
) -> Result<Vec<Incident>, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::for_person(db, actor, person_kind, person_id)).await
}

/// The care-risk events an assessment of `client_id` on `day` will count.
#[tauri::command]
pub async fn incident_risk_events(state: State<'_, AppState>, client_id: i64, day: String) -> Result<u8, ErrorPayload> {
    state.as_actor(move |db, actor| incidents::risk_events(db, actor, client_id, parse_day(&day, "assessed_on")?)).await
}
