//! Payments at the desk and their receipts: take one, void one given in error, a person's.

use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::payments::{self, Payment, PaymentInput};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn payment_record(state: State<'_, AppState>, input: PaymentInput) -> Result<Payment, ErrorPayload> {
    state.as_actor(move |db, actor| payments::record(db, actor, &input, db.clock().now())).await
}

/// Voids a receipt given in error; it keeps its number.
#[tauri::command]
pub async fn payment_void(state: State<'_, AppState>, id: i64, reason: String) -> Result<Payment, ErrorPayload> {
    state.as_actor(move |db, actor| payments::void(db, actor, id, &reason, db.clock().now())).await
}

#[tauri::command]
pub async fn payments_of_person(
    state: State<'_, AppState>,
    person_kind: PersonKind,
    person_id: i64,
) -> Result<Vec<Payment>, ErrorPayload> {
    state.as_actor(move |db, actor| payments::for_person(db, actor, person_kind, person_id)).await
}
