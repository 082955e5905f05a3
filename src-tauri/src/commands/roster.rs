//! Excel rosters: the template, import (preview, then commit on confirm), export. Files
//! the app writes go to the Downloads folder; the UI shows where.

use carecircle_core::roster::{self, ExportReport, ImportReport, RosterKind};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::paths;
use crate::state::AppState;

/// Saves the blank roster template to the Downloads folder.
#[tauri::command]
pub async fn roster_template(state: State<'_, AppState>, kind: RosterKind) -> Result<ExportReport, ErrorPayload> {
    state
        .as_actor(move |db, _| {
            let path = paths::export_path(&format!("{}模板", kind.title()), db.clock().now());
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, roster::template(kind)?)?;
            Ok(ExportReport { path: path.display().to_string(), rows: 0 })
        })
        .await
}

/// Saves the list (all the account may see, or one facility) to the Downloads folder; ID
/// numbers in full only with a manager's reason.
#[tauri::command]
pub async fn roster_export(
    state: State<'_, AppState>,
    kind: RosterKind,
    facility_id: Option<i64>,
    include_inactive: bool,
    reveal_reason: Option<String>,
) -> Result<ExportReport, ErrorPayload> {
    let path = paths::export_path(kind.title(), state.clock().now());
    state
        .as_actor(move |db, actor| {
            roster::export(db, actor, kind, facility_id, include_inactive, reveal_reason.as_deref(), &path)
        })
        .await
}

/// Checks every row and writes nothing.
#[tauri::command]
pub async fn roster_preview(
    state: State<'_, AppState>,
    kind: RosterKind,
    facility_id: Option<i64>,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<ImportReport, ErrorPayload> {
    let locale = state.locale();
    state
        .as_actor(move |db, actor| {
            roster::preview(db, actor, kind, facility_id, &file_name, &bytes, db.clock().today(), locale)
        })
        .await
}

/// Checks again and imports the valid rows in one transaction.
#[tauri::command]
pub async fn roster_commit(
    state: State<'_, AppState>,
    kind: RosterKind,
    facility_id: Option<i64>,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<ImportReport, ErrorPayload> {
    let locale = state.locale();
    state
        .as_actor(move |db, actor| {
            roster::commit(db, actor, kind, facility_id, &file_name, &bytes, db.clock().today(), locale)
        })
        .await
}
