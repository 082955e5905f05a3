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
        .build(tauri::generate_context!())
        .expect("the CareCircle window could not start")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                app.state::<AppState>().wait_for_backup(std::time::Duration::from_secs(60));
            }
        });
}
