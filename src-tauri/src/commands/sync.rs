//! The city hub (docs/sync.md): the status line everyone sees, "sync now", and for managers
//! joining the hub and settling conflicts.

use carecircle_core::sync::{self, Exchanged, Joined, Keep, SyncConflict, SyncStatus};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

/// When this PC last synced, what waits to be sent, the conflicts waiting (anyone signed in).
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, ErrorPayload> {
    let locale = state.locale();
    state.as_actor(move |db, _| sync::status(db, locale)).await
}

/// Exchanges with the hub now instead of at the next background round (anyone signed in:
/// it sends and fetches what the PCs recorded, nothing more). `null` when not joined.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<Option<Exchanged>, ErrorPayload> {
    state.as_actor(|_, _| Ok(())).await?;
    state.exchange().await
}

/// Joins the hub with the connection the city office issued at enrolment (managers), then
/// sends what this PC holds at once.
#[tauri::command]
pub async fn sync_join(state: State<'_, AppState>, hub: String) -> Result<Joined, ErrorPayload> {
    let joined = state.as_actor(move |db, actor| sync::join_hub(db, actor, &hub)).await?;
    // The first exchange's outcome shows on the status line; joining itself has succeeded.
    let _ = state.exchange().await;
    Ok(joined)
}

/// The conflicts waiting for a manager.
#[tauri::command]
pub async fn sync_conflicts(state: State<'_, AppState>) -> Result<Vec<SyncConflict>, ErrorPayload> {
    state.as_actor(sync::conflicts).await
}

/// A manager keeps this PC's value (`keep_local`) or the other PC's.
#[tauri::command]
pub async fn sync_resolve(state: State<'_, AppState>, id: i64, keep_local: bool) -> Result<SyncStatus, ErrorPayload> {
    let locale = state.locale();
    let keep = if keep_local { Keep::Local } else { Keep::Remote };
    state
        .as_actor(move |db, actor| {
            sync::resolve(db, actor, id, keep)?;
            sync::status(db, locale)
        })
        .await
}
