//! The SQLite store: one file, opened with the PRAGMAs the app relies on, backed up and
//! migrated forward, and used through `read` and `write` closures.

pub mod backup;
mod db;
pub mod encrypt;
pub(crate) mod form_row;
pub mod keyfile;
pub mod read;
pub mod schema;

pub use db::{Access, Db, Tx};

/// SQLite's page cache of a connection, in KiB (negative: a size).
const CACHE_KIB: i64 = -65_536;

/// Opens a connection to the file at `path`; with `key`, keyed before anything reads it
/// (SQLCipher: every page is decrypted with it, and a wrong key reads as "not a database").
pub(crate) fn connect(
    path: &std::path::Path,
    flags: rusqlite::OpenFlags,
    key: Option<&keyfile::DbKey>,
) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    // A wrong key is an answer the caller words for the user (`KeyMismatch`,
    // `PasswordNeeded`), not a line SQLCipher writes to the terminal.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    if let Some(key) = key {
        conn.pragma_update(None, "key", key.pragma_value().as_str())?;
    }
    // A page SQLite's own cache lacks is read again: from the OS's file cache for a system
    // call and a copy, and from an encrypted file decrypted and checked again besides. 64 MiB
    // a connection (filled only as used) keeps what a monthly report reads at hand; it
    // brings the city report on an encrypted file back to its unencrypted time
    // (bench_encryption), and takes a fifth off it unencrypted (bench_report).
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    Ok(conn)
}

/// An instant as stored: UTC, ISO-8601 with seconds.
pub fn utc_stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored instant read back; `None` for text the app never writes.
pub fn parse_utc_stamp(stored: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(stored).ok().map(|t| t.with_timezone(&chrono::Utc))
}
