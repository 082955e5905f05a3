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

/// WebKitGTK's GPU compositing and DMA-BUF renderer cost about 90 MiB in the web process
/// (measured by bench/startup.sh: 326 → 235 MiB PSS in all) and slow the first paint,
/// while a forms app gains nothing from them; on some GPUs the DMA-BUF renderer even
/// leaves the window blank. Both are turned off unless the user chose otherwise — and
/// except under WebDriver (tauri-driver sets TAURI_WEBVIEW_AUTOMATION), where
/// WebKitWebDriver's screenshots hang without them.
#[cfg(target_os = "linux")]
fn lighter_webkit() {
    if std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_some() {
        return;
    }
    for var in ["WEBKIT_DISABLE_COMPOSITING_MODE", "WEBKIT_DISABLE_DMABUF_RENDERER"] {
        if std::env::var_os(var).is_none() {
            // Still single-threaded here: nothing else reads the environment yet.
            std::env::set_var(var, "1");
        }
    }
}

fn main() {
    let started = std::time::Instant::now();
    #[cfg(target_os = "linux")]
    lighter_webkit();
    let args = Args::parse();
    carecircle::run(carecircle::GuiOptions { db: args.db, started });
}
