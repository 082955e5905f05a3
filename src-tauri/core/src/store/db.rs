//! `Db`: a writer and a reader connection to one SQLite file. Reads run in a deferred
//! transaction on the reader (a consistent snapshot under WAL, never blocked by a write);
//! writes run in an IMMEDIATE transaction on the writer, so a read-then-write can never
//! fail half-way with SQLITE_BUSY_SNAPSHOT, and commit only when the closure returns `Ok`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::schema;
use crate::error::{CoreError, Result};

pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

/// How long a statement waits for another process (a second window, the CLI) to release
/// the database before giving up with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQL functions the migrations rely on: pinyin_key(name), the pinyin sort key.
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "pinyin_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(crate::search::sort_key(&ctx.get::<String>(0)?)),
    )?;
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    register_functions(conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A closure that panicked dropped its transaction, which rolled back: the connection
    // itself is sound, so a poisoned lock is safe to take.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let shown = path.display().to_string();
        let mut writer = Connection::open(&path)?;
        writer.busy_timeout(BUSY_TIMEOUT)?;
        // Check before any PRAGMA writes to the file: a foreign database stays untouched.
        schema::check_compatible(&writer, &shown).map_err(|e| match e {
            CoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
                CoreError::NotADatabase { path: shown.clone() }
            }
            other => other,
        })?;
        configure(&writer)?;
        schema::migrate(&mut writer, &shown)?;
        let reader =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&reader)?;
        reader.pragma_update(None, "query_only", "ON")?;
        Ok(Db { path, writer: Mutex::new(writer), reader: Mutex::new(reader) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a consistent snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.reader);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in an IMMEDIATE transaction, committed only if `f` returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Copies the whole database to `dest` with SQLite's online backup, consistent even
    /// while the app writes. The copy is written beside `dest` and renamed into place, so a
    /// failed backup never leaves a half-written file under the chosen name.
    pub fn backup_to(&self, dest: impl AsRef<Path>) -> Result<()> {
        let dest = dest.as_ref();
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        {
            let src = lock(&self.reader);
            let mut out = Connection::open(&partial)?;
            // One step copies every page under a single read lock: a consistent snapshot.
            Backup::new(&src, &mut out)?.step(-1)?;
            out.pragma_update(None, "journal_mode", "DELETE")?;
        }
        std::fs::rename(&partial, dest)?;
        Ok(())
    }

    /// Replaces the database's content with the backup at `src`, after checking that it is
    /// a CareCircle database this app can read. The current content is first saved to
    /// `safety_copy`, so a restore of the wrong file can itself be undone. Older backups
    /// are migrated forward.
    pub fn restore_from(&self, src: impl AsRef<Path>, safety_copy: impl AsRef<Path>) -> Result<()> {
        let src = src.as_ref();
        let shown = src.display().to_string();
        if !src.is_file() {
            return Err(CoreError::NotADatabase { path: shown });
        }
        let source = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let not_ours = |_| CoreError::NotADatabase { path: shown.clone() };
        schema::check_compatible(&source, &shown).map_err(|e| match e {
            CoreError::Sqlite(_) => not_ours(()),
            other => other,
        })?;
        if schema::user_version(&source)? == 0 {
            return Err(not_ours(()));
        }
        let ok: String = source.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|_| not_ours(()))?;
        if ok != "ok" {
            return Err(not_ours(()));
        }
        self.backup_to(safety_copy)?;
        // Hold both connections so no read sees a half-restored database.
        let _reader = lock(&self.reader);
        let mut writer = lock(&self.writer);
        Backup::new(&source, &mut writer)?.step(-1)?;
        drop(source);
        configure(&writer)?;
        schema::migrate(&mut writer, &self.path.display().to_string())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_commits_on_ok_and_rolls_back_on_err() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.write(|c| Ok(c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'a')", [])?)).unwrap();
        let failed: Result<()> = db.write(|c| {
            c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'b')", [])?;
            Err(CoreError::Forbidden)
        });
        assert!(failed.is_err());
        let n: i64 = db.read(|c| Ok(c.query_row("SELECT count(*) FROM living_circles", [], |r| r.get(0))?)).unwrap();
        assert_eq!(n, 1, "the failed write left nothing behind");
    }

    #[test]
    fn pragmas_are_set_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.read(|c| {
            let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let fk: i64 = c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            let sync: i64 = c.pragma_query_value(None, "synchronous", |r| r.get(0))?;
            assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 1));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn reader_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let r = db.read(|c| Ok(c.execute("DELETE FROM districts", [])?));
        assert!(r.is_err(), "reads run on a query-only connection");
    }
}
