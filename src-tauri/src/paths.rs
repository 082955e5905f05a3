//! Where the app keeps its files when not told otherwise. The GUI and the CLI share this
//! so that both open the same database by default.

use std::path::PathBuf;

/// Must match `identifier` in tauri.conf.json.
pub const IDENTIFIER: &str = "cn.wuhai.carecircle";

/// The app's data folder: e.g. `~/.local/share/cn.wuhai.carecircle` on Linux,
/// `%APPDATA%\cn.wuhai.carecircle` on Windows.
pub fn data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(IDENTIFIER)
}

pub fn default_db_path() -> PathBuf {
    data_dir().join("carecircle.db")
}

/// Backups made automatically (before a restore) go beside the database.
pub fn safety_backup_path(db: &std::path::Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let dir = db.parent().map(|p| p.join("backups")).unwrap_or_else(|| PathBuf::from("backups"));
    dir.join(format!("before-restore-{stamp}.db"))
}
