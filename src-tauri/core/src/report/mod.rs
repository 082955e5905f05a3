//! Monthly reports (月报): the figures of a facility or of the whole city for a month, read
//! with SQL, put into a [`document::Document`], and written as a PDF (our own layout over
//! printpdf, an embedded subset CJK font) or as an Excel workbook with the same tables.

pub mod compose;
pub mod document;
pub mod figures;
pub mod font;
pub mod layout;
pub mod money;
pub mod pdf;
pub mod person_data;
pub mod xlsx;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{local_day, local_offset};
use crate::domain::account::{Action, Actor};
use crate::domain::month::Month;
use crate::error::{CoreError, Invalid, Result};
use crate::i18n::Locale;
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::fees::months;
use crate::store::Db;
use compose::{Signed, Words};
use document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFormat {
    Pdf,
    Xlsx,
}

impl ReportFormat {
    /// The format a file name asks for: .pdf or .xlsx, any case; a folder or any other kind
    /// of file is refused.
    pub fn of_path(path: &Path) -> std::result::Result<ReportFormat, Invalid> {
        if path.is_dir() {
            return Err(Invalid::new("report.out_is_folder", "out").with("path", path.display()));
        }
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("pdf") => Ok(ReportFormat::Pdf),
            Some("xlsx") => Ok(ReportFormat::Xlsx),
            _ => Err(Invalid::new("report.out_extension", "out").with("path", path.display())),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Xlsx => "xlsx",
        }
    }
}

/// How far a report has got, for a progress bar: `stage` is `figures` (one step per
/// facility), then `writing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReportProgress {
    pub stage: String,
    pub done: u32,
    pub total: u32,
}

/// A report written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SavedReport {
    pub path: String,
    pub title: String,
    pub bytes: u64,
}

/// The month's report of one facility, or of the city (`None`, city office only), in the
/// reader's language. A month that has not begun is refused; the current month reports
/// up to today.
pub fn build(
    db: &Db,
    actor: &Actor,
    facility_id: Option<i64>,
    month: Month,
    locale: Locale,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ReportProgress),
) -> Result<Document> {
    actor.require(Action::PrintReports)?;
    match facility_id {
        Some(f) => actor.require_at(Action::PrintReports, f)?,
        None if actor.is_city_wide() => {}
        None => return Err(CoreError::Forbidden),
    }
    let today = local_day(now);
    if month.first() > today {
        return Err(Invalid::new("report.month_future", "month").with("month", month).into());
    }
    // The fees of months that are over are read from the months kept (services::fees::months),
    // made here for those not kept yet: after the first report, a year of them is a few rows.
    db.write(|c| months::keep(c, facility_id, month, today))?;
    // The city's figures read on two readers side by side where there are two cores to
    // read on (bench_report); a facility's take a blink on one.
    let readers = match facility_id {
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
        Some(_) => 1,
    };
    let all = db.read_together(readers, |readers| {
        if let Some(f) = facility_id {
            let exists: bool =
                readers[0].query_row("SELECT EXISTS (SELECT 1 FROM facilities WHERE id = ?1)", [f], |r| r.get(0))?;
            if !exists {
                return Err(CoreError::NotFound { entity: AuditEntity::Facility, id: f.to_string() });
            }
        }
        figures::gather_together(readers, facility_id, month, today, &mut |done, total| {
            progress(ReportProgress { stage: "figures".into(), done: done as u32, total: total as u32 })
        })
    })?;
    let at = now.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string();
    let signed =
        Signed { by: &actor.display_name, at: &at, made_at: now, through: figures::last_day_counted(month, today) };
    let words = Words(locale);
    Ok(match (facility_id, all.first()) {
        (Some(_), Some(one)) => compose::facility_report(words, one, month, &signed),
        _ => compose::city_report(words, &all, month, &signed),
    })
}

/// What the file is called (before its date stamp): the facility or the city, the month.
pub fn file_title(db: &Db, facility_id: Option<i64>, month: Month, locale: Locale) -> Result<String> {
    let words = Words(locale);
    let name = match facility_id {
        Some(f) => db.read(|c| {
            c.query_row("SELECT name FROM facilities WHERE id = ?1", [f], |r| r.get::<_, String>(0)).map_err(
                |e| match e {
                    rusqlite::Error::QueryReturnedNoRows => {
                        CoreError::NotFound { entity: AuditEntity::Facility, id: f.to_string() }
                    }
                    e => e.into(),
                },
            )
        })?,
        None => words.get("city_file"),
    };
    Ok(crate::i18n::fill(&words.get("file_name"), &[("name", name), ("month", month.to_string())]))
}

/// The document as file bytes.
pub fn render(doc: &Document, format: ReportFormat, locale: Locale) -> Result<Vec<u8>> {
    match format {
        ReportFormat::Pdf => Ok(pdf::render_pdf(doc)?),
        ReportFormat::Xlsx => xlsx::render_xlsx(doc, &Words(locale).get("sheet.summary")),
    }
}

/// How many steps of a stage pass between two progress messages.
pub const PROGRESS_EVERY: u32 = 8;

/// Builds, renders and writes the report to `path` (beside, then renamed, so a half-written
/// file never carries the name); the export is audited. Progress comes throttled
/// ([`PROGRESS_EVERY`]).
#[allow(clippy::too_many_arguments)]
pub fn save(
    db: &Db,
    actor: &Actor,
    facility_id: Option<i64>,
    month: Month,
    format: ReportFormat,
    locale: Locale,
    now: DateTime<Utc>,
    path: &Path,
    progress: &mut dyn FnMut(ReportProgress),
) -> Result<SavedReport> {
    // Refused before the work, not after it.
    if path.is_dir() {
        return Err(Invalid::new("report.out_is_folder", "out").with("path", path.display()).into());
    }
    // A facility's report takes a blink; the city's reads 113 facilities one by one. Whoever
    // listens hears each new stage, every eighth step of one, and its last.
    let mut last: Option<(String, u32)> = None;
    let mut progress = move |p: ReportProgress| {
        let step = (p.stage.clone(), p.done / PROGRESS_EVERY);
        if last.as_ref() != Some(&step) || p.done == p.total {
            last = Some(step);
            progress(p);
        }
    };
    let progress: &mut dyn FnMut(ReportProgress) = &mut progress;
    let doc = build(db, actor, facility_id, month, locale, now, progress)?;
    progress(ReportProgress { stage: "writing".into(), done: 0, total: 1 });
    let bytes = render(&doc, format, locale)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension(format!("{}.part", format.extension()));
    if let Err(e) = std::fs::write(&partial, &bytes).and_then(|()| std::fs::rename(&partial, path)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e.into());
    }
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::MonthlyReport, month)
            .facility(facility_id)
            .after(&serde_json::json!({ "format": format, "path": path.display().to_string(), "bytes": bytes.len() }))
            .write(c, actor)
    })?;
    progress(ReportProgress { stage: "writing".into(), done: 1, total: 1 });
    Ok(SavedReport { path: path.display().to_string(), title: doc.title, bytes: bytes.len() as u64 })
}
