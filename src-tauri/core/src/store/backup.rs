//! Backups: SQLite online copies of the database, each checked after it is written, kept in
//! `backups/` beside the database.
//!
//! - A copy is written under a `.partial` name, checked — it opens, `integrity_check` says
//!   ok, `foreign_key_check` finds nothing, it is a CareCircle database of the source's
//!   schema version — and only then renamed to its final name. So every `.db` file in the
//!   folder whose name we recognise is a good backup, and a crash mid-backup leaves only a
//!   `.partial` file, removed by the next backup.
//! - Kinds: `daily` (the app's first start of a day; the newest 14 are kept), `pre-migration`
//!   (before a schema upgrade, all kept), `before-restore` (the database a restore replaced,
//!   audit log included, all kept) and `manual` (a manager's "back up now", all kept).
//! - Names carry the kind and the Wuhai wall time, e.g. `daily-20261205-083012.db`: a clerk
//!   looking into the folder sees what each file is, and the list needs no index file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use super::keyfile::DbKey;
use super::{connect, schema};
use crate::clock;
use crate::error::{CoreError, Result};

/// Daily backups kept; older ones are deleted after a new one is written.
pub const DAILY_KEPT: usize = 14;

/// Why a backup was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Daily,
    PreMigration {
        from: i64,
    },
    BeforeRestore,
    Manual,
    /// The plain database, before it was encrypted (then encrypted with the rest).
    PreEncryption,
}

impl Kind {
    fn prefix(&self) -> String {
        match self {
            Kind::Daily => "daily".into(),
            Kind::PreMigration { from } => format!("pre-migration-v{from}"),
            Kind::BeforeRestore => "before-restore".into(),
            Kind::Manual => "manual".into(),
            Kind::PreEncryption => "pre-encryption".into(),
        }
    }

    /// The code the UI translates (`backups.kinds.*`).
    pub fn code(&self) -> &'static str {
        match self {
            Kind::Daily => "daily",
            Kind::PreMigration { .. } => "pre_migration",
            Kind::BeforeRestore => "before_restore",
            Kind::Manual => "manual",
            Kind::PreEncryption => "pre_encryption",
        }
    }

    /// The kind and the wall time from a file name this module wrote; `None` for any other.
    fn from_file_name(name: &str) -> Option<(Kind, NaiveDateTime)> {
        let stem = name.strip_suffix(".db")?;
        let (kind, rest) = if let Some(rest) = stem.strip_prefix("daily-") {
            (Kind::Daily, rest)
        } else if let Some(rest) = stem.strip_prefix("before-restore-") {
            (Kind::BeforeRestore, rest)
        } else if let Some(rest) = stem.strip_prefix("manual-") {
            (Kind::Manual, rest)
        } else if let Some(rest) = stem.strip_prefix("pre-encryption-") {
            (Kind::PreEncryption, rest)
        } else {
            let rest = stem.strip_prefix("pre-migration-v")?;
            let (from, rest) = rest.split_once('-')?;
            (Kind::PreMigration { from: from.parse().ok()? }, rest)
        };
        // `YYYYMMDD-HHMMSS`, then `-N` when two backups fell in one second.
        let stamp = rest.get(..15)?;
        let tail = &rest[15..];
        if !(tail.is_empty() || tail.strip_prefix('-').is_some_and(|n| n.parse::<u32>().is_ok())) {
            return None;
        }
        Some((kind, NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?))
    }
}

/// A good backup on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    /// daily, pre_migration, before_restore or manual.
    pub kind: String,
    /// When it was made (UTC, as stored elsewhere).
    pub made_at: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub schema_version: i64,
    /// Milliseconds spent copying and checking (only for a backup just made).
    #[ts(type = "number | null")]
    pub took_ms: Option<u64>,
}

/// `backups/` beside the database file.
pub fn folder_for(db_path: &Path) -> PathBuf {
    match db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.join("backups"),
        None => PathBuf::from("backups"),
    }
}

/// A name in `folder` for a backup of `kind` made at `at`, never an existing file's.
pub fn free_name(folder: &Path, kind: &Kind, at: DateTime<Utc>) -> PathBuf {
    let stamp = clock::local_time(at).format("%Y%m%d-%H%M%S");
    let mut path = folder.join(format!("{}-{stamp}.db", kind.prefix()));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{}-{stamp}-{n}.db", kind.prefix()));
        n += 1;
    }
    path
}

/// Writes a checked backup of `src` into `folder` under a name saying what and when. An
/// encrypted database's backup is encrypted under the same key (`key`).
pub fn write_verified(
    src: &Connection,
    folder: &Path,
    kind: &Kind,
    at: DateTime<Utc>,
    key: Option<&DbKey>,
) -> Result<BackupFile> {
    std::fs::create_dir_all(folder)?;
    copy_verified(src, &free_name(folder, kind, at), kind, at, key)
}

/// Copies `src` to `dest` (one step: one consistent snapshot), checks the copy, and only
/// then gives it its name. A failed check removes the copy and says why.
pub fn copy_verified(
    src: &Connection,
    dest: &Path,
    kind: &Kind,
    at: DateTime<Utc>,
    key: Option<&DbKey>,
) -> Result<BackupFile> {
    let started = Instant::now();
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = dest.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let version = schema::user_version(src)?;
    let copied = (|| {
        let mut out = connect(&partial, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, key)?;
        Backup::new(src, &mut out)?.step(-1)?;
        // One self-contained file: no -wal beside it to lose when it is copied away.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        drop(out);
        verify(&partial, version, key)
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, dest)?;
    describe(dest, kind, at, version, started)
}

/// The backup just written to `dest`, begun at `started`.
pub(crate) fn describe(
    dest: &Path,
    kind: &Kind,
    at: DateTime<Utc>,
    version: i64,
    started: Instant,
) -> Result<BackupFile> {
    Ok(BackupFile {
        path: dest.display().to_string(),
        file_name: dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        kind: kind.code().to_string(),
        made_at: super::utc_stamp(at),
        bytes: std::fs::metadata(dest)?.len(),
        schema_version: version,
        took_ms: Some(started.elapsed().as_millis() as u64),
    })
}

/// Checks a backup file: it opens, is a CareCircle database of `version`, and SQLite finds
/// no damage and no broken reference in it.
pub fn verify(path: &Path, version: i64, key: Option<&DbKey>) -> Result<()> {
    let shown = path.display().to_string();
    let bad = |why: &str| CoreError::BackupFailed { path: shown.clone(), detail: why.to_string() };
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != schema::APPLICATION_ID {
        return Err(bad("application_id"));
    }
    if schema::user_version(&conn)? != version {
        return Err(bad("user_version"));
    }
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        return Err(bad(&integrity.join("; ")));
    }
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(bad(&format!("foreign_key_check: {broken}")));
    }
    Ok(())
}

/// A file that may replace the database, opened read-only once checked; refused, with
/// the reason, when it is missing, not ours (or under another key), from a newer
/// CareCircle, empty, or damaged.
pub fn open_restorable(src: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let shown = src.display().to_string();
    let not_ours = || CoreError::NotADatabase { path: shown.clone() };
    if !src.is_file() {
        return Err(not_ours());
    }
    let source = connect(src, OpenFlags::SQLITE_OPEN_READ_ONLY, key).map_err(|_| not_ours())?;
    check_restorable(&source, &shown)?;
    Ok(source)
}

fn check_restorable(source: &Connection, shown: &str) -> Result<()> {
    let not_ours = || CoreError::NotADatabase { path: shown.to_string() };
    schema::check_compatible(source, shown).map_err(|e| match e {
        CoreError::Sqlite(_) => not_ours(),
        other => other,
    })?;
    if schema::user_version(source)? == 0 {
        return Err(not_ours());
    }
    let ok: String = source.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|_| not_ours())?;
    if ok != "ok" {
        return Err(not_ours());
    }
    Ok(())
}

/// The good backups in `folder`, newest first (`key` opens an encrypted database's).
pub fn list(folder: &Path, key: Option<&DbKey>) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, wall)) = Kind::from_file_name(&name) else { continue };
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        // A file that no longer opens is still listed (with version 0): the list shows what
        // is there, and a restore checks the file again.
        let version = connect(&entry.path(), OpenFlags::SQLITE_OPEN_READ_ONLY, key)
            .and_then(|c| c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)))
            .unwrap_or(0);
        found.push(BackupFile {
            path: entry.path().display().to_string(),
            file_name: name,
            kind: kind.code().to_string(),
            made_at: super::utc_stamp(clock::from_local(wall)),
            bytes: meta.len(),
            schema_version: version,
            took_ms: None,
        });
    }
    // The stamp sorts as time; the name breaks ties (-2 after the first of a second).
    found.sort_by(|a, b| b.made_at.cmp(&a.made_at).then_with(|| b.file_name.cmp(&a.file_name)));
    Ok(found)
}

/// Whether today's daily backup (Wuhai's day of `now`) is still to be made.
pub fn daily_due(folder: &Path, now: DateTime<Utc>) -> Result<bool> {
    let today = clock::local_day(now);
    Ok(!list(folder, None)?.iter().any(|b| {
        b.kind == Kind::Daily.code() && super::parse_utc_stamp(&b.made_at).is_some_and(|t| clock::local_day(t) == today)
    }))
}

/// Keeps the newest [`DAILY_KEPT`] daily backups and every other kind; removes what an
/// interrupted backup left behind.
pub fn prune(folder: &Path) -> Result<()> {
    let mut daily: Vec<(NaiveDateTime, String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".partial") {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        if let Some((Kind::Daily, wall)) = Kind::from_file_name(&name) {
            daily.push((wall, name, entry.path()));
        }
    }
    daily.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    for (_, _, path) in daily.into_iter().skip(DAILY_KEPT) {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_the_kind_and_the_wuhai_time_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let at =
            clock::from_local(chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(8, 30, 12).unwrap());
        let first = free_name(dir.path(), &Kind::PreMigration { from: 8 }, at);
        assert_eq!(first.file_name().unwrap(), "pre-migration-v8-20261205-083012.db");
        std::fs::write(&first, b"").unwrap();
        let second = free_name(dir.path(), &Kind::PreMigration { from: 8 }, at);
        assert_eq!(second.file_name().unwrap(), "pre-migration-v8-20261205-083012-2.db");
        let (kind, wall) = Kind::from_file_name("pre-migration-v8-20261205-083012-2.db").unwrap();
        assert_eq!((kind, clock::from_local(wall)), (Kind::PreMigration { from: 8 }, at));
        for other in ["daily-2026.db", "daily-20261205-083012.db.partial", "notes.db", "daily-20261205-083012-x.db"] {
            assert!(Kind::from_file_name(other).is_none(), "{other} is not one of ours");
        }
    }
}
