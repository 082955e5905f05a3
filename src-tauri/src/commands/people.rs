//! Clients, children and staff: lists, records, forms, ID reveal, assessments.

use carecircle_core::domain::assessment::{AssessmentForm, AssessmentInput};
use carecircle_core::domain::person::{ChildInput, ClientInput, ClientStatus, PersonKind, StaffInput};
use carecircle_core::services::assessments::{self, AssessmentRecord};
use carecircle_core::services::people::{self, Child, ChildSummary, Client, ClientSummary, ListQuery, Page, Staff};
use carecircle_core::services::search::{self, PersonHit};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn clients_list(state: State<'_, AppState>, query: ListQuery) -> Result<Page<ClientSummary>, ErrorPayload> {
    let cache = state.search.clone();
    state.as_actor(move |db, actor| people::list_clients(db, actor, &cache, &query, db.clock().today())).await
}

/// Audited: every call is a view of the person's record.
#[tauri::command]
pub async fn client_get(state: State<'_, AppState>, id: i64) -> Result<Client, ErrorPayload> {
    state.as_actor(move |db, actor| people::get_client(db, actor, id, db.clock().today())).await
}

#[tauri::command]
pub async fn client_create(state: State<'_, AppState>, input: ClientInput) -> Result<Client, ErrorPayload> {
    state.as_actor(move |db, actor| people::create_client(db, actor, &input, db.clock().today())).await
}

/// An empty `identity.id_number` keeps the number on file.
#[tauri::command]
pub async fn client_update(state: State<'_, AppState>, id: i64, input: ClientInput) -> Result<Client, ErrorPayload> {
    state.as_actor(move |db, actor| people::update_client(db, actor, id, &input, db.clock().today())).await
}

#[tauri::command]
pub async fn client_set_status(
    state: State<'_, AppState>,
    id: i64,
    status: ClientStatus,
) -> Result<Client, ErrorPayload> {
    state.as_actor(move |db, actor| people::set_client_status(db, actor, id, status, db.clock().today())).await
}

#[tauri::command]
pub async fn children_list(state: State<'_, AppState>, query: ListQuery) -> Result<Page<ChildSummary>, ErrorPayload> {
    let cache = state.search.clone();
    state.as_actor(move |db, actor| people::list_children(db, actor, &cache, &query, db.clock().today())).await
}

#[tauri::command]
pub async fn child_get(state: State<'_, AppState>, id: i64) -> Result<Child, ErrorPayload> {
    state.as_actor(move |db, actor| people::get_child(db, actor, id, db.clock().today())).await
}

#[tauri::command]
pub async fn child_create(state: State<'_, AppState>, input: ChildInput) -> Result<Child, ErrorPayload> {
    state.as_actor(move |db, actor| people::create_child(db, actor, &input, db.clock().today())).await
}

/// Contacts keep their id to be updated; contacts left out are retired.
#[tauri::command]
pub async fn child_update(state: State<'_, AppState>, id: i64, input: ChildInput) -> Result<Child, ErrorPayload> {
    state.as_actor(move |db, actor| people::update_child(db, actor, id, &input, db.clock().today())).await
}

#[tauri::command]
pub async fn staff_list(state: State<'_, AppState>, query: ListQuery) -> Result<Page<Staff>, ErrorPayload> {
    let cache = state.search.clone();
    state.as_actor(move |db, actor| people::list_staff(db, actor, &cache, &query)).await
}

#[tauri::command]
pub async fn staff_get(state: State<'_, AppState>, id: i64) -> Result<Staff, ErrorPayload> {
    state.as_actor(move |db, actor| people::get_staff(db, actor, id)).await
}

#[tauri::command]
pub async fn staff_create(state: State<'_, AppState>, input: StaffInput) -> Result<Staff, ErrorPayload> {
    state.as_actor(move |db, actor| people::create_staff(db, actor, &input, db.clock().today())).await
}

#[tauri::command]
pub async fn staff_update(state: State<'_, AppState>, id: i64, input: StaffInput) -> Result<Staff, ErrorPayload> {
    state.as_actor(move |db, actor| people::update_staff(db, actor, id, &input, db.clock().today())).await
}

/// The full ID number (nurses, managers and the city office only; audited).
#[tauri::command]
pub async fn id_reveal(state: State<'_, AppState>, kind: PersonKind, id: i64) -> Result<Option<String>, ErrorPayload> {
    state.as_actor(move |db, actor| people::reveal_id_number(db, actor, kind, id)).await
}

#[tauri::command]
pub fn assessment_form() -> AssessmentForm {
    carecircle_core::domain::assessment::form()
}

#[tauri::command]
pub async fn assessment_add(
    state: State<'_, AppState>,
    client_id: i64,
    input: AssessmentInput,
) -> Result<AssessmentRecord, ErrorPayload> {
    state.as_actor(move |db, actor| assessments::add(db, actor, client_id, &input, db.clock().today())).await
}

#[tauri::command]
pub async fn assessments_list(
    state: State<'_, AppState>,
    client_id: i64,
) -> Result<Vec<AssessmentRecord>, ErrorPayload> {
    state.as_actor(move |db, actor| assessments::list(db, actor, client_id)).await
}

/// The front desk's search box: name, pinyin, initials, ID tail or phone.
#[tauri::command]
pub async fn people_search(
    state: State<'_, AppState>,
    text: String,
    kinds: Vec<PersonKind>,
    limit: usize,
) -> Result<Vec<PersonHit>, ErrorPayload> {
    let cache = state.search.clone();
    state.as_actor(move |db, actor| search::search(db, actor, &cache, &text, &kinds, limit, db.clock().today())).await
}
