//! Monthly reports: made off the UI thread with progress over a channel, saved to the
//! Downloads folder (the UI says where).

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::error::Invalid;
use carecircle_core::report::person_data::{self, PersonDataFiles};
use carecircle_core::report::{self, ReportFormat, ReportProgress, SavedReport};
use carecircle_core::{CoreError, ErrorPayload};
use tauri::ipc::Channel;
use tauri::State;

use crate::paths;
use crate::state::AppState;

/// The report of a facility's month, or the city's (no facility), as a PDF or a workbook.
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
            report::save(db, actor, facility_id, month, format, locale, db.clock().now(), &path, &mut |p| {
                let _ = on_progress.send(p);
            })
        })
        .await
}

/// A client's or child's copy of everything held about them (PIPL Art. 45): a PDF and a
/// workbook in the Downloads folder. The file names carry the kind and id, not the name.
#[tauri::command]
pub async fn person_data_export(
    state: State<'_, AppState>,
    kind: PersonKind,
    id: i64,
) -> Result<PersonDataFiles, ErrorPayload> {
    let locale = state.locale();
    state
        .as_actor(move |db, actor| {
            let now = db.clock().now();
            let pdf = paths::export_file(&person_data::file_title(kind, id, locale), "pdf", now);
            let xlsx = pdf.with_extension("xlsx");
            person_data::save(db, actor, kind, id, locale, now, &pdf, &xlsx)
        })
        .await
}

/// The file of a report this app made, as the webview names it: a .pdf or .xlsx file directly
/// in the exports folder. Anything else is refused, so these commands open nothing else.
fn made_report(path: &str) -> Result<std::path::PathBuf, Invalid> {
    let path = std::path::Path::new(path);
    let ours = path.parent().is_some_and(|dir| dir == paths::export_dir())
        && path.extension().and_then(|e| e.to_str()).is_some_and(|e| e == "pdf" || e == "xlsx")
        && path.symlink_metadata().is_ok_and(|m| m.is_file());
    if ours {
        Ok(path.to_path_buf())
    } else {
        Err(Invalid::new("report.not_an_export", "path").with("path", path.display()))
    }
}

/// Opens a report the app made with the desktop's application for it.
#[tauri::command]
pub fn report_open(state: State<'_, AppState>, path: String) -> Result<(), ErrorPayload> {
    let locale = state.locale();
    let file = made_report(&path).map_err(|e| CoreError::from(e).to_payload(locale))?;
    tauri_plugin_opener::open_path(&file, None::<&str>).map_err(|e| opener_failed(&e, locale))
}

/// Shows a report the app made in its folder, selected.
#[tauri::command]
pub fn report_reveal(state: State<'_, AppState>, path: String) -> Result<(), ErrorPayload> {
    let locale = state.locale();
    let file = made_report(&path).map_err(|e| CoreError::from(e).to_payload(locale))?;
    tauri_plugin_opener::reveal_item_in_dir(&file).map_err(|e| opener_failed(&e, locale))
}

fn opener_failed(e: &tauri_plugin_opener::Error, locale: carecircle_core::i18n::Locale) -> ErrorPayload {
    CoreError::from(Invalid::new("report.open_failed", "path").with("reason", e)).to_payload(locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_report_file_in_the_exports_folder_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        // The exports folder of this test process.
        std::env::set_var("CARECIRCLE_EXPORT_DIR", dir.path());
        let report = dir.path().join("月报_2026-11.pdf");
        std::fs::write(&report, b"%PDF-1.7").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        assert_eq!(made_report(report.to_str().unwrap()).unwrap(), report);
        for bad in [
            dir.path().join("notes.txt"),
            dir.path().join("missing.pdf"),
            dir.path().join("sub").join("x.pdf"),
            std::path::PathBuf::from("/etc/passwd"),
            dir.path().join("..").join("x.pdf"),
        ] {
            let e = made_report(bad.to_str().unwrap()).unwrap_err();
            assert_eq!(e.code, "report.not_an_export", "{}", bad.display());
        }
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.pdf")).unwrap();
        assert!(made_report(dir.path().join("link.pdf").to_str().unwrap()).is_err(), "a link to elsewhere");
    }
}
