//! The CareCircle desktop app: the Tauri shell (window, state, commands) and the CLI,
//! both thin adapters over `carecircle-core`.

pub mod cli;
pub mod commands;
pub mod paths;
pub mod state;

use std::path::PathBuf;
use std::time::Instant;

pub use state::AppState;

pub struct GuiOptions {
    pub db: Option<PathBuf>,
    pub started: Instant,
}

/// Registers every command on a builder; the app and the command tests share it.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    // Every `#[tauri::command]` in commands/, listed by build.rs.
    builder.invoke_handler(include!(concat!(env!("OUT_DIR"), "/invoke_handler.rs")))
}

pub fn run(options: GuiOptions) {
    let db_path = options.db.unwrap_or_else(paths::default_db_path);
    // The one place the app reads the machine's clock: the core is handed it.
    let state = AppState::open(db_path, carecircle_core::Clock::from_machine(chrono::Utc::now), options.started);
    state.start_daily_backup();
    with_commands(tauri::Builder::default())
        .manage(state)
        .setup(|app| {
            background_sync(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the CareCircle window could not start")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                let state = app.state::<AppState>();
                state.stop_syncing(std::time::Duration::from_secs(30));
                state.wait_for_backup(std::time::Duration::from_secs(60));
            }
        });
}

/// Exchanges with the city hub every `sync_every()` once the PC has joined it, whoever is
/// signed in (or nobody); the window hears `sync-pulled` when records arrived, so the
/// screens showing them read them again. A failure is on the status line, and the next
/// round tries again.
fn background_sync(app: tauri::AppHandle) {
    use tauri::{Emitter, Manager};
    let Some(every) = state::sync_every() else { return };
    std::thread::spawn(move || loop {
        std::thread::sleep(every);
        let state = app.state::<AppState>();
        if let Ok(Some(done)) = tauri::async_runtime::block_on(state.exchange()) {
            if done.pulled.rows > 0 {
                let _ = app.emit("sync-pulled", done.pulled);
            }
        }
    });
}
