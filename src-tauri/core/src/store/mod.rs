//! The SQLite store: one file, opened with the PRAGMAs the app relies on, migrated
//! forward, and used through `read` and `write` closures.

mod db;
pub mod schema;

pub use db::Db;

/// Now, as stored: UTC, ISO-8601 with seconds.
pub fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
