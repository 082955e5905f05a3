//! Families: who pays for several people of a facility together, and their statement of a
//! month, on screen and as a PDF.

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::compose::Words;
use carecircle_core::report::money;
use carecircle_core::report::SavedReport;
use carecircle_core::services::families::{self, Family, FamilyInput, FamilyStatement};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::paths;
use crate::state::AppState;

/// A facility's families, by name, each with its members.
#[tauri::command]
pub async fn family_list(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<Family>, ErrorPayload> {
    state.as_actor(move |db, actor| families::list(db, actor, facility_id)).await
}

/// The family a client or child belongs to, if any.
#[tauri::command]
pub async fn family_of_person(
    state: State<'_, AppState>,
    person_kind: PersonKind,
    person_id: i64,
) -> Result<Option<Family>, ErrorPayload> {
    state.as_actor(move |db, actor| families::of_person(db, actor, person_kind, person_id)).await
}

/// A new family, without members yet.
#[tauri::command]
pub async fn family_create(state: State<'_, AppState>, input: FamilyInput) -> Result<Family, ErrorPayload> {
    state.as_actor(move |db, actor| families::create(db, actor, &input)).await
}

/// A family renamed, or its payer changed.
#[tauri::command]
pub async fn family_update(state: State<'_, AppState>, id: i64, input: FamilyInput) -> Result<Family, ErrorPayload> {
    state.as_actor(move |db, actor| families::update(db, actor, id, &input)).await
}

/// A client or child of the family's facility added to it.
#[tauri::command]
pub async fn family_add_member(
    state: State<'_, AppState>,
    id: i64,
    person_kind: PersonKind,
    person_id: i64,
) -> Result<Family, ErrorPayload> {
    state.as_actor(move |db, actor| families::add_member(db, actor, id, person_kind, person_id)).await
}

/// A member taken out of the family.
#[tauri::command]
pub async fn family_remove_member(
    state: State<'_, AppState>,
    id: i64,
    person_kind: PersonKind,
    person_id: i64,
) -> Result<Family, ErrorPayload> {
    state.as_actor(move |db, actor| families::remove_member(db, actor, id, person_kind, person_id)).await
}

/// A family dissolved: its members belong to none, their ledgers untouched.
#[tauri::command]
pub async fn family_delete(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| families::delete(db, actor, id)).await
}

/// A family's statement of a month ("2026-11"): each member's and their sum.
#[tauri::command]
pub async fn family_statement(
    state: State<'_, AppState>,
    id: i64,
    month: String,
) -> Result<FamilyStatement, ErrorPayload> {
    state.as_actor(move |db, actor| families::statement(db, actor, id, Month::parse(&month)?)).await
}

/// The family's statement as a PDF to print or hand to the payer.
#[tauri::command]
pub async fn family_statement_print(
    state: State<'_, AppState>,
    id: i64,
    month: String,
) -> Result<SavedReport, ErrorPayload> {
    let words = Words(state.locale());
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            let now = db.clock().now();
            let path = paths::export_file(&money::family_statement_file_title(words, id, month), "pdf", now);
            money::save_family_statement(db, actor, id, month, words, now, &path)
        })
        .await
}
