use std::io::Write;

use carecircle_core::clock::ClockReading;
use carecircle_core::demo::{self, SeedProgress, SeedReport};
use carecircle_core::services::registry::{self, CitySummary};
use carecircle_core::{ErrorPayload, Locale};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

#[derive(Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    version: &'static str,
    db_path: String,
    /// This start created the database file (the first run): the first screen says where.
    db_created: bool,
    /// Set when the database could not be opened (too new, not ours…): the UI shows it.
    open_error: Option<ErrorPayload>,
    needs_setup: bool,
    /// The database is encrypted and opens at the first sign-in: nothing of it (not even
    /// the city's counts) is shown before.
    locked: bool,
    /// The database is open and from before encryption: a manager's first sign-in encrypts
    /// it, and the sign-in page says so (it takes a while).
    plain: bool,
    registry_empty: bool,
    /// The demo city was loaded (by the first-run screen or `carecircle-cli seed-demo`, as
    /// scripts/run.sh does): the first-run screen says so instead of offering it again.
    demo_loaded: bool,
    summary: CitySummary,
}

/// What the first screen needs, before anyone signs in. Holds nothing personal.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    let version = env!("CARGO_PKG_VERSION");
    let db_path = state.db_path().display().to_string();
    // Nothing to read: the file could not be opened, waits for a sign-in (encrypted), or
    // is not made yet (the first run).
    let unread = |open_error, needs_setup, locked, db_created| AppInfo {
        version,
        db_path: db_path.clone(),
        db_created,
        open_error,
        needs_setup,
        locked,
        plain: false,
        registry_empty: !locked,
        demo_loaded: false,
        summary: CitySummary::default(),
    };
    if let Some(open_error) = state.open_error() {
        return Ok(unread(Some(open_error), false, false, false));
    }
    let db_created = state.db_created();
    if state.locked() {
        return Ok(unread(None, false, true, false));
    }
    if db_created && state.db().is_err() {
        return Ok(unread(None, true, false, true));
    }
    let (plain, needs_setup, registry_empty, demo_loaded, summary) = state
        .with_db(|db| {
            Ok((
                !db.is_encrypted(),
                carecircle_core::services::accounts::needs_setup(db)?,
                demo::is_empty(db)?,
                demo::is_loaded(db)?,
                registry::city_summary(db, db.clock().today())?,
            ))
        })
        .await?;
    Ok(AppInfo {
        version,
        db_path,
        db_created,
        open_error: None,
        needs_setup,
        locked: false,
        plain,
        registry_empty,
        demo_loaded,
        summary,
    })
}

/// The UI calls this once its first screen shows data. With CARECIRCLE_BENCH_READY set,
/// the time since launch is printed for the start-up benchmark.
#[tauri::command]
pub fn app_ready(state: State<'_, AppState>) {
    if std::env::var_os("CARECIRCLE_BENCH_READY").is_some() {
        let ms = state.started.elapsed().as_secs_f64() * 1000.0;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ready_ms={ms:.1}");
        let _ = out.flush();
    }
}

/// Now, and Wuhai's today and week, by the core's clock: the screens count days by these,
/// not by the webview's clock (a PC may be set to another zone).
#[tauri::command]
pub fn clock_now(state: State<'_, AppState>) -> ClockReading {
    state.clock().reading()
}

#[tauri::command]
pub fn set_locale(state: State<'_, AppState>, locale: Locale) {
    state.set_locale(locale);
}

/// Loads the demo city (city administrator, empty database), reporting progress.
#[tauri::command]
pub async fn demo_seed(
    state: State<'_, AppState>,
    scale: u32,
    on_progress: Channel<SeedProgress>,
) -> Result<SeedReport, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            demo::seed(db, actor, scale, &mut |p| {
                let _ = on_progress.send(p);
            })
        })
        .await
}
