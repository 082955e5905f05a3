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

/// Where exports and templates are saved: the user's Downloads folder (下载), where a clerk
/// looks for a file the app made; the app's data folder when there is none. The
/// `CARECIRCLE_EXPORT_DIR` variable overrides it (tests, shared PCs).
pub fn export_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARECIRCLE_EXPORT_DIR") {
        return PathBuf::from(dir);
    }
    dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(data_dir)
}

/// A file name that says what it is and when it was made (Wuhai's wall time), never
/// overwriting an earlier one.
pub fn export_path(title: &str, at: chrono::DateTime<chrono::Utc>) -> PathBuf {
    export_file(title, "xlsx", at)
}

/// As [`export_path`], with the given extension (pdf, xlsx).
pub fn export_file(title: &str, extension: &str, at: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let stamp = carecircle_core::clock::local_time(at).format("%Y-%m-%d_%H%M%S");
    let dir = export_dir();
    // A facility's name may hold characters a file system refuses.
    let title: String = title.chars().map(|c| if r#"/\:*?"<>|"#.contains(c) { '_' } else { c }).collect();
    let mut path = dir.join(format!("{title}_{stamp}.{extension}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{title}_{stamp}_{n}.{extension}"));
        n += 1;
    }
    path
}
