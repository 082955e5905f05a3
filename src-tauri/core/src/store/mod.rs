//! The SQLite store: one file, opened with the PRAGMAs the app relies on, migrated
//! forward, and used through `read` and `write` closures.

mod db;
pub mod schema;

pub use db::Db;

/// An instant as stored: UTC, ISO-8601 with seconds.
pub fn utc_stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now, as stored.
pub fn now_utc() -> String {
    utc_stamp(chrono::Utc::now())
}
