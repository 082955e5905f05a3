//! Encrypting a database from before encryption (docs/security.md, "Upgrading a database
//! from before encryption"). Nothing is changed in place: an encrypted copy is made beside
//! the plain file with `sqlcipher_export` and checked (SQLite's integrity and foreign-key
//! checks, and every table's row count against the original); a byte copy of it is the
//! backup of the database as it was; only then, after its key file is written, does the copy
//! take the original's name. Every plain backup in `backups/` is then encrypted the same
//! way, so no readable copy is left behind.
//!
//! A crash at any step leaves either the plain database (with at most a stray copy, which
//! the next attempt removes) or the encrypted one with its key file: [`finish_interrupted`]
//! runs before every open and completes or undoes a swap cut short.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::{Connection, OpenFlags};

use super::backup::{self, BackupFile, Kind};
use super::keyfile::{self, DbKey, KeyFile, RecoveryKey};
use super::{connect, schema};
use crate::clock::Clock;
use crate::error::{CoreError, Result};

/// What encrypting a database did.
pub struct Encrypted {
    /// Shown once: the city office keeps it (printed), as after a first run.
    pub recovery_key: RecoveryKey,
    /// The checked backup made before anything changed (encrypted with the rest).
    pub backup: BackupFile,
    /// The plain backups in `backups/` now encrypted (the one above included).
    pub backups_encrypted: usize,
}

/// The copy being made, and the checked copy waiting to take the database's name.
fn partial_for(db: &Path) -> PathBuf {
    with_suffix(db, ".encrypting")
}

fn staged_for(db: &Path) -> PathBuf {
    with_suffix(db, ".encrypted")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Whether the file at `path` is an SQLite database anyone can read: its first 16 bytes
/// are SQLite's header in the clear (an encrypted file's are random), or it is empty (a
/// database nothing was written to yet).
pub fn is_plain(path: &Path) -> Result<bool> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    Ok(file.read_exact(&mut head).is_ok() && &head == b"SQLite format 3\0")
}

/// Completes or undoes an encryption cut short. A checked copy whose key file was written
/// takes the database's name; one without a key file, and any half-made copy, is removed
/// (the plain database is still whole).
pub(crate) fn finish_interrupted(db: &Path) -> Result<()> {
    let _ = std::fs::remove_file(partial_for(db));
    let staged = staged_for(db);
    if !staged.is_file() {
        return Ok(());
    }
    if keyfile::path_for(db).is_file() && is_plain(db)? {
        swap_in(db, &staged)
    } else {
        std::fs::remove_file(&staged)?;
        Ok(())
    }
}

/// Encrypts the plain database at `path` under a new random key sealed for the account (and
/// under a new recovery key), after a checked backup; then encrypts the plain backups. The
/// caller has checked the account's password on the plain database and holds no store open
/// on it. Refused, with nothing changed, when the file is already encrypted or another
/// program has it open.
pub fn encrypt_existing(path: &Path, clock: &Clock, username: &str, password: &str) -> Result<Encrypted> {
    let shown = path.display().to_string();
    finish_interrupted(path)?;
    if keyfile::path_for(path).exists() || !is_plain(path)? {
        return Err(CoreError::AlreadyEncrypted { path: shown });
    }
    // CREATE only so that ATTACH may create the copy: the file itself is there.
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, None)?;
    conn.busy_timeout(std::time::Duration::from_millis(0))?;
    schema::check_compatible(&conn, &shown)?;
    let version = schema::user_version(&conn)?;
    if version < schema::LATEST_VERSION {
        return Err(CoreError::NeedsUpgrade { found: version, supported: schema::LATEST_VERSION });
    }
    hold_alone(&conn)?;
    let folder = backup::folder_for(path);
    std::fs::create_dir_all(&folder)?;

    let started = Instant::now();
    let key = DbKey::random();
    let staged = staged_for(path);
    export(&conn, &partial_for(path), &staged, &key, version)?;
    // The checked copy is also the backup of the database as it was: a byte copy of a file
    // just checked, so it needs no second export and no plain copy is ever written. It is
    // named a backup once its key file is beside it.
    let at = clock.now();
    let backup_path = backup::free_name(&folder, &Kind::PreEncryption, at);
    let backup_partial = backup_path.with_extension("partial");
    let undo = |e: CoreError| {
        let _ = std::fs::remove_file(&staged);
        let _ = std::fs::remove_file(&backup_partial);
        e
    };
    copy_synced(&staged, &backup_partial).map_err(undo)?;
    let (keys, recovery_key) = KeyFile::create(path, &key, username.trim(), password).map_err(undo)?;
    // Closing the plain file gives up the lock; the copy takes its name at once.
    drop(conn);
    swap_in(path, &staged)?;
    keys.copy_to(&keyfile::path_for(&backup_path))?;
    std::fs::rename(&backup_partial, &backup_path)?;
    let made = backup::describe(&backup_path, &Kind::PreEncryption, at, version, started)?;
    let backups_encrypted = 1 + encrypt_backups(&folder, &key, &keys)?;
    Ok(Encrypted { recovery_key, backup: made, backups_encrypted })
}

/// Copies `from` to `to` and flushes the copy to the disk.
fn copy_synced(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

/// Encrypts every plain backup in `folder` under `key`, each with the key file beside it.
/// Run after an encryption, and again at each unlock: one cut short is finished there.
pub(crate) fn encrypt_backups(folder: &Path, key: &DbKey, keys: &KeyFile) -> Result<usize> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut done = 0;
    for entry in entries {
        let path = entry?.path();
        let is_backup = path.extension().is_some_and(|e| e == "db") && path.is_file();
        if !is_backup || !is_plain(&path)? {
            continue;
        }
        // Writable only so that ATTACH may create the copy: the backup is not written.
        let conn = connect(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, None)?;
        let version = schema::user_version(&conn)?;
        let staged = with_suffix(&path, ".encrypted");
        export(&conn, &with_suffix(&path, ".encrypting"), &staged, key, version)?;
        drop(conn);
        keys.copy_to(&keyfile::path_for(&path))?;
        std::fs::rename(&staged, &path)?;
        done += 1;
    }
    Ok(done)
}

/// Makes sure no other connection has the file open, and keeps it so: leaving WAL needs
/// the file alone (an app running on it says "busy"), and the exclusive lock taken by a
/// write then stays until the connection closes.
fn hold_alone(conn: &Connection) -> Result<()> {
    let busy = |e: rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => CoreError::Busy,
        other => other.into(),
    };
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).map_err(busy)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(CoreError::Busy);
    }
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(busy)?;
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(busy)?;
    Ok(())
}

/// Writes an encrypted copy of `src` to `partial` (from `src` itself, which may hold the
/// file's only lock), checks it against `src`, and names it `staged`.
fn export(src: &Connection, partial: &Path, staged: &Path, key: &DbKey, version: i64) -> Result<()> {
    let _ = std::fs::remove_file(partial);
    let made = (|| {
        let target = partial.to_str().ok_or_else(|| CoreError::NotADatabase { path: partial.display().to_string() })?;
        // Bound, the key is the same "x'…'" raw-key text `PRAGMA key` is given (connect).
        src.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [target, key.pragma_value().as_str()])?;
        let exported = (|| -> Result<()> {
            src.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
            src.pragma_update(Some("encrypted"), "user_version", version)?;
            src.pragma_update(Some("encrypted"), "application_id", schema::APPLICATION_ID)?;
            Ok(())
        })();
        src.execute_batch("DETACH DATABASE encrypted")?;
        exported?;
        backup::verify(partial, version, Some(key))?;
        same_rows(src, &connect(partial, OpenFlags::SQLITE_OPEN_READ_ONLY, Some(key))?, partial)
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_file(partial);
        return Err(e);
    }
    std::fs::rename(partial, staged)?;
    Ok(())
}

/// Every table of the original has as many rows in the copy.
fn same_rows(original: &Connection, copy: &Connection, shown: &Path) -> Result<()> {
    let tables: Vec<String> = original
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let sql = format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\""));
        let a: i64 = original.query_row(&sql, [], |r| r.get(0))?;
        let b: i64 = copy.query_row(&sql, [], |r| r.get(0))?;
        if a != b {
            return Err(CoreError::BackupFailed {
                path: shown.display().to_string(),
                detail: format!("{table}: {a} rows, copy {b}"),
            });
        }
    }
    Ok(())
}

/// Gives the checked copy the database's name. The plain file's journal files go first:
/// SQLite would otherwise read them as the new file's.
fn swap_in(db: &Path, staged: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let stray = with_suffix(db, suffix);
        if stray.exists() {
            std::fs::remove_file(stray)?;
        }
    }
    std::fs::rename(staged, db)?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}
