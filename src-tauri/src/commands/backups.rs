//! Backups: the time of the last good one and the list (managers), "back up now", and
//! restoring one of the list (the city office).

use carecircle_core::services::backups::{self, BackupStatus, RestoreReport};
use carecircle_core::store::backup::BackupFile;
use carecircle_core::ErrorPayload;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

/// The backups, and why today's automatic one failed if it did.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct BackupOverview {
    #[serde(flatten)]
    #[ts(flatten)]
    status: BackupStatus,
    problem: Option<ErrorPayload>,
    /// The day's automatic backup is being written now.
    running: bool,
}

/// The last good backup and the list (managers).
#[tauri::command]
pub async fn backups_status(state: State<'_, AppState>) -> Result<BackupOverview, ErrorPayload> {
    let (problem, running) = (state.backup_problem(), state.backup_running());
    let status = state.as_actor(backups::status).await?;
    Ok(BackupOverview { status, problem, running })
}

/// A checked copy in the backup folder, now (managers).
#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Result<BackupFile, ErrorPayload> {
    let file = state.as_actor(backups::back_up_now).await?;
    state.clear_backup_problem();
    Ok(file)
}

/// Replaces the database with a listed backup; the search index is rebuilt after.
#[tauri::command]
pub async fn backup_restore(state: State<'_, AppState>, file_name: String) -> Result<RestoreReport, ErrorPayload> {
    let report = state.as_actor(move |db, actor| backups::restore_listed(db, actor, &file_name)).await?;
    state.warm_search();
    Ok(report)
}
