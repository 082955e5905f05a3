// In release builds on Windows, no console window opens behind the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

/// CareCircle 一刻钟颐养托育 — the desktop app. For scripts, use `carecircle-cli`.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The database file (default: the app's data folder).
    #[arg(long, value_name = "PATH")]
    db: Option<std::path::PathBuf>,
}

fn main() {
    let started = std::time::Instant::now();
    let args = Args::parse();
    carecircle::run(carecircle::GuiOptions { db: args.db, started });
}
