//! The city hub (docs/sync.md): the status line everyone sees, "sync now", and for managers
//! joining the hub and settling conflicts.

use carecircle_core::sync::{self, Exchanged, Joined, Keep, SyncConflict, SyncStatus};
use carecircle_core::{CoreError, ErrorPayload};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::{self, AppState};

/// Where this PC stands with the hub, and how often the app syncs on its own.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct SyncOverview {
    #[serde(flatten)]
    #[ts(flatten)]
    status: SyncStatus,
    /// Seconds between the app's own exchanges; `null`: only when someone presses "sync now".
    #[ts(type = "number | null")]
    every_seconds: Option<u64>,
}

/// When this PC last synced, what waits to be sent, the conflicts waiting (anyone signed in).
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncOverview, ErrorPayload> {
    let locale = state.locale();
    let status = state.as_actor(move |db, _| sync::status(db, locale)).await?;
    Ok(SyncOverview { status, every_seconds: state::sync_every().map(|d| d.as_secs()) })
}

/// Exchanges with the hub now instead of at the next background round (anyone signed in:
/// it sends and fetches what the PCs recorded, nothing more). `null` when not joined.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<Option<Exchanged>, ErrorPayload> {
    if state.actor().is_none() {
        return Err(CoreError::NotSignedIn.to_payload(state.locale()));
    }
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
