//! The SQLite store: one file, opened with the PRAGMAs the app relies on, backed up and
//! migrated forward, and used through `read` and `write` closures.

pub mod backup;
mod db;
pub(crate) mod form_row;
pub mod read;
pub mod schema;

pub use db::{Db, Tx};

/// An instant as stored: UTC, ISO-8601 with seconds.
pub fn utc_stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored instant read back; `None` for text the app never writes.
pub fn parse_utc_stamp(stored: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(stored).ok().map(|t| t.with_timezone(&chrono::Utc))
}
