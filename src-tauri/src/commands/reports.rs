//! Monthly reports: made off the UI thread with progress over a channel, saved to the
//! Downloads folder (the UI says where).

use carecircle_core::domain::month::Month;
use carecircle_core::report::{self, ReportFormat, ReportProgress, SavedReport};
use carecircle_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::paths;
use crate::state::AppState;

/// The report of `facility_id`'s month, or the city's (`None`), as a PDF or a workbook.
#[tauri::command]
pub async fn report_make(
    state: State<'_, AppState>,
    facility_id: Option<i64>,
    month: String,
    format: ReportFormat,
    on_progress: Channel<ReportProgress>,
) -> Result<SavedReport, ErrorPayload> {
    let locale = state.locale();
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            let name = report::file_title(db, facility_id, month, locale)?;
            let path = paths::export_file(&name, format.extension(), db.clock().now());
            // A facility report takes a blink; the city's 113 facilities report each step.
            let mut last = (String::new(), 0);
            report::save(db, actor, facility_id, month, format, locale, db.clock().now(), &path, &mut |p| {
                let step = (p.stage.clone(), p.done / 8);
                if step != last || p.done == p.total {
                    last = step;
                    let _ = on_progress.send(p);
                }
            })
        })
        .await
}
