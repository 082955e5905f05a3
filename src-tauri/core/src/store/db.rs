//! `Db`: one SQLite file, its clock, one writer connection and a pool of readers.
//!
//! - Reads run in a deferred transaction on a reader of their own (a consistent snapshot
//!   under WAL): a long read — the city's monthly report — never holds up another read or
//!   a write, and a read never takes the write lock.
//! - Writes run in an IMMEDIATE transaction on the one writer, so a read-then-write can
//!   never fail half-way with SQLITE_BUSY_SNAPSHOT, and commit only when the closure
//!   returns `Ok`. The closure gets a [`Tx`]: the connection and the one instant, from the
//!   store's clock, that everything the transaction writes is stamped with.
//! - Opening never creates a database by accident: [`Db::open`] refuses a path that does
//!   not exist; [`Db::open_or_create`] is for the app's first run and `seed-demo`, which
//!   say so; [`Db::open_read_only`] is for commands that only read and never migrates.
//! - A migration is preceded by a verified backup and runs each step in its own
//!   transaction (see `schema.rs`).

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::backup::Backup;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::keyfile::{self, DbKey, KeyFile, RecoveryKey};
use super::{backup, connect, encrypt, schema};
use crate::clock::{self, Clock};
use crate::error::{CoreError, Result};

pub struct Db {
    path: PathBuf,
    clock: Clock,
    /// `None` for a database opened read-only.
    writer: Option<Mutex<Connection>>,
    /// Readers not in use; a read takes one or opens another.
    idle_readers: Mutex<Vec<Connection>>,
    /// True when this open made the file.
    created: bool,
    /// The key of an encrypted database, given to every connection; `None` for a database
    /// from before encryption (see `keyfile`).
    key: Option<DbKey>,
    /// Its key file: an account's seal changes with its password.
    keys: Option<Mutex<KeyFile>>,
}

/// What a caller will do with the database it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Write,
    /// Never migrates, never writes (see [`Db::open_read_only`]).
    ReadOnly,
}

/// How long a statement waits for another process (a second window, the CLI) to release
/// the database before giving up with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Readers kept open between reads: the desk's search, a record, a report and the
/// background index build can all read at once without opening a connection.
const IDLE_READERS: usize = 4;

/// A write transaction: the connection (through `Deref`) and the instant it began by the
/// store's clock. Every row and audit entry a transaction writes carries that one instant.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    now: DateTime<Utc>,
}

impl Tx<'_> {
    /// The instant this transaction began.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// [`Tx::now`] as stored.
    pub fn stamp(&self) -> String {
        super::utc_stamp(self.now)
    }

    /// The day in Wuhai when this transaction began.
    pub fn today(&self) -> NaiveDate {
        clock::local_day(self.now)
    }
}

impl Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

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
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// The writer's settings: WAL (set once, it stays with the file), then the common ones.
/// Readers only follow the file's journal mode: a reader never changes the file.
fn configure_writer(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    configure(conn)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A closure that panicked dropped its transaction, which rolled back: the connection
    // itself is sound, so a poisoned lock is safe to take.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens the file for writing and checks, before any PRAGMA writes to it, that it is ours
/// and not from a newer CareCircle: a foreign file stays untouched.
fn open_checked(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let shown = path.display().to_string();
    // "Not a database" from SQLite, said as what it means here.
    let named = |e: CoreError| match e {
        CoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
            match key {
                Some(_) => CoreError::KeyMismatch { path: shown.clone() },
                // Encrypted, and opened without its key: say what it needs.
                None if keyfile::path_for(path).is_file() => CoreError::PasswordNeeded,
                None => CoreError::NotADatabase { path: shown.clone() },
            }
        }
        other => other,
    };
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, key)
        .map_err(|e| named(e.into()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    schema::check_compatible(&conn, &shown).map_err(named)?;
    Ok(conn)
}

impl Db {
    /// Opens the database at `path` and migrates it forward (after a verified backup in
    /// `backups/` beside it). A path with no file is refused, never created.
    pub fn open(path: impl AsRef<Path>, clock: Clock) -> Result<Db> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(CoreError::NoDatabase { path: path.display().to_string() });
        }
        encrypt::finish_interrupted(path)?;
        Db::open_writable(path, clock, false, None)
    }

    /// Opens the database at `path` for the account: an encrypted one with the key its key
    /// file unseals with the password (a wrong password reads nothing), one from before
    /// encryption as it is. The password is checked against the account by the caller
    /// (`accounts::sign_in`) on the open store.
    pub fn unlock(path: impl AsRef<Path>, clock: Clock, access: Access, username: &str, password: &str) -> Result<Db> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(CoreError::NoDatabase { path: path.display().to_string() });
        }
        encrypt::finish_interrupted(path)?;
        let Some(keys) = KeyFile::load(path)? else {
            return match access {
                Access::Write => Db::open_writable(path, clock, false, None),
                Access::ReadOnly => Db::open_read_only(path, clock),
            };
        };
        let key = keys.unlock(username, password)?;
        let db = match access {
            Access::Write => {
                // Backups left plain by an encryption cut short are encrypted now.
                encrypt::encrypt_backups(&backup::folder_for(path), &key, &keys)?;
                Db::open_writable(path, clock, false, Some(key))?
            }
            Access::ReadOnly => Db::read_only_with(path, clock, Some(key))?,
        };
        Ok(Db { keys: Some(Mutex::new(keys)), ..db })
    }

    /// Creates an encrypted database at `path` (and its folder), under a new random key
    /// sealed for the first account and under a new recovery key, returned to be shown
    /// once: the app's first run and `seed-demo` on a new file. A file already there is
    /// refused.
    pub fn create_encrypted(
        path: impl AsRef<Path>,
        clock: Clock,
        username: &str,
        password: &str,
    ) -> Result<(Db, RecoveryKey)> {
        let path = path.as_ref();
        if path.exists() {
            return Err(CoreError::NotADatabase { path: path.display().to_string() });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let key = DbKey::random();
        let (keys, recovery) = KeyFile::create(path, &key, username.trim(), password)?;
        let db = Db::open_writable(path, clock, true, Some(key));
        let db = match db {
            Ok(db) => db,
            Err(e) => {
                let _ = std::fs::remove_file(keys.path());
                return Err(e);
            }
        };
        Ok((Db { keys: Some(Mutex::new(keys)), ..db }, recovery))
    }

    /// Opens the database at `path`, creating an empty one (and its folder) if there is
    /// none: for the app's first run and `seed-demo`. [`Db::is_new`] tells which.
    pub fn open_or_create(path: impl AsRef<Path>, clock: Clock) -> Result<Db> {
        let path = path.as_ref();
        if path.is_file() {
            return Db::open_writable(path, clock, false, None);
        }
        if path.exists() {
            return Err(CoreError::NotADatabase { path: path.display().to_string() });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Db::open_writable(path, clock, true, None)
    }

    /// Opens for reading only: no migration, no writer. A database that needs upgrading is
    /// refused with a message saying to open the app (which backs it up and upgrades it),
    /// so a command that only reads never changes the schema under a running app.
    pub fn open_read_only(path: impl AsRef<Path>, clock: Clock) -> Result<Db> {
        Db::read_only_with(path.as_ref(), clock, None)
    }

    fn read_only_with(path: &Path, clock: Clock, key: Option<DbKey>) -> Result<Db> {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(CoreError::NoDatabase { path: shown });
        }
        let probe = open_checked(path, key.as_ref())?;
        let version = schema::user_version(&probe)?;
        if version == 0 {
            return Err(CoreError::NotADatabase { path: shown });
        }
        if version < schema::LATEST_VERSION {
            return Err(CoreError::NeedsUpgrade { found: version, supported: schema::LATEST_VERSION });
        }
        Db::assemble(path, clock, None, false, key)
    }

    fn open_writable(path: &Path, clock: Clock, created: bool, key: Option<DbKey>) -> Result<Db> {
        let shown = path.display().to_string();
        let mut writer = open_checked(path, key.as_ref())?;
        configure_writer(&writer)?;
        let found = schema::user_version(&writer)?;
        if found > 0 && found < schema::LATEST_VERSION {
            // The old schema's data is kept as it was before any step runs.
            let dir = backup::folder_for(path);
            backup::write_verified(
                &writer,
                &dir,
                &backup::Kind::PreMigration { from: found },
                clock.now(),
                key.as_ref(),
            )?;
        }
        schema::migrate(&mut writer, &shown)?;
        crate::sync::register_functions(&writer, &clock)?;
        crate::sync::after_open(&writer)?;
        Db::assemble(path, clock, Some(writer), created, key)
    }

    /// The store with its first reader open (a file readers cannot open fails here, not at
    /// the first read).
    fn assemble(
        path: &Path,
        clock: Clock,
        writer: Option<Connection>,
        created: bool,
        key: Option<DbKey>,
    ) -> Result<Db> {
        let db = Db {
            path: path.to_path_buf(),
            clock,
            writer: writer.map(Mutex::new),
            idle_readers: Mutex::new(Vec::new()),
            created,
            key,
            keys: None,
        };
        lock(&db.idle_readers).push(db.new_reader()?);
        Ok(db)
    }

    fn new_reader(&self) -> Result<Connection> {
        let reader = connect(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            self.key.as_ref(),
        )?;
        configure(&reader)?;
        reader.pragma_update(None, "query_only", "ON")?;
        Ok(reader)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The clock the app, the CLI or a test gave this store.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// True when this open created the file (the app's first run, `seed-demo`).
    pub fn is_new(&self) -> bool {
        self.created
    }

    /// True when the file is encrypted (see `keyfile`).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The key every connection to the file, and to its backups, is given.
    pub(crate) fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    /// Seals the key for the account under its new password around `change`, the write
    /// that sets the password: sealed anew first (the old seal kept), then the change, then
    /// the old seal removed — or, if the change failed, the new one. A crash at any point
    /// leaves a seal for the password the database holds. Nothing to do unencrypted.
    pub(crate) fn reseal<T>(&self, username: &str, password: &str, change: impl FnOnce() -> Result<T>) -> Result<T> {
        let (Some(key), Some(keys)) = (&self.key, &self.keys) else { return change() };
        lock(keys).add(key, username, password)?;
        match change() {
            Ok(out) => {
                lock(keys).keep_newest(username)?;
                Ok(out)
            }
            Err(e) => {
                lock(keys).drop_newest(username)?;
                Err(e)
            }
        }
    }

    /// After a good sign-in: seals the key for an account that has no seal yet (one made
    /// before the database was encrypted), so it can open the database after a restart.
    pub(crate) fn seal_if_missing(&self, username: &str, password: &str) -> Result<()> {
        let (Some(key), Some(keys)) = (&self.key, &self.keys) else { return Ok(()) };
        let mut keys = lock(keys);
        if !keys.has(username) {
            keys.add(key, username, password)?;
        }
        Ok(())
    }

    /// Whether the account's password opens the key file (`None`: not encrypted). An
    /// account made before the database was encrypted has no seal until it signs in while
    /// the store is open, or its password is reset.
    pub fn has_seal(&self, username: &str) -> Option<bool> {
        self.keys.as_ref().map(|keys| lock(keys).has(username))
    }

    /// Removes the account's seals (disabled): it no longer opens the file.
    pub(crate) fn unseal(&self, username: &str) -> Result<()> {
        match &self.keys {
            Some(keys) => lock(keys).remove(username),
            None => Ok(()),
        }
    }

    /// Writes a copy of the key file beside a backup at `dest`, so the copy opens elsewhere
    /// with a password or the recovery key.
    fn keys_beside(&self, dest: &Path) -> Result<()> {
        if let Some(keys) = &self.keys {
            lock(keys).copy_to(&keyfile::path_for(dest))?;
        }
        Ok(())
    }

    /// The folder automatic backups go to: `backups/` beside the database.
    pub fn backup_folder(&self) -> PathBuf {
        backup::folder_for(&self.path)
    }

    /// Runs `f` on a consistent snapshot, on a reader of its own.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.with_reader(|conn| {
            let tx = conn.unchecked_transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// Runs `f` on `n` readers of its own (at least one), each in a read transaction of
    /// one snapshot, for work split across threads that must see one database (the city
    /// report). The snapshots are taken while no write can commit: this store's writer
    /// held, and SQLite's write lock taken (an IMMEDIATE transaction) against other
    /// processes. A store opened read-only has no writer to hold, and lends one reader.
    pub fn read_together<T>(&self, n: usize, f: impl FnOnce(&mut [Connection]) -> Result<T>) -> Result<T> {
        let n = if self.writer.is_some() { n.max(1) } else { 1 };
        let mut readers = Vec::with_capacity(n);
        for _ in 0..n {
            let taken = lock(&self.idle_readers).pop();
            readers.push(match taken {
                Some(conn) => conn,
                None => self.new_reader()?,
            });
        }
        let out = self.begin_together(&readers).and_then(|()| f(&mut readers));
        let mut idle = lock(&self.idle_readers);
        // Back in reverse, so the next call is lent the same readers in the same order:
        // each keeps in its page cache the tables its share of the work reads.
        for reader in readers.into_iter().rev() {
            // Read-only: ending the transaction either way changes nothing. A reader that
            // cannot end it is not lent again.
            let ended = reader.is_autocommit() || reader.execute_batch("ROLLBACK").is_ok();
            if ended && idle.len() < IDLE_READERS {
                idle.push(reader);
            }
        }
        out
    }

    /// Begins a read transaction on each reader, all on the snapshot of the same moment.
    fn begin_together(&self, readers: &[Connection]) -> Result<()> {
        // A read transaction takes its snapshot at its first read.
        let begin = |reader: &Connection| -> Result<()> {
            reader.execute_batch("BEGIN")?;
            reader.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
            Ok(())
        };
        let [_, _, ..] = readers else { return readers.iter().try_for_each(begin) };
        let mut writer = lock(self.writer()?);
        // Held, not written: rolled back when dropped, whatever the readers did.
        let _hold = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        readers.iter().try_for_each(begin)
    }

    /// Runs `f` in an IMMEDIATE transaction, committed only if `f` returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let mut conn = lock(self.writer()?);
        let tx = Tx { tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?, now: self.clock.now() };
        let out = f(&tx)?;
        tx.tx.commit()?;
        Ok(out)
    }

    fn writer(&self) -> Result<&Mutex<Connection>> {
        self.writer.as_ref().ok_or(CoreError::ReadOnly)
    }

    /// Copies the whole database to `dest` with SQLite's online backup, consistent even
    /// while the app writes, and checks the copy (it opens, `integrity_check`,
    /// `foreign_key_check`, the same schema version). The copy is written beside `dest` and
    /// renamed into place only when it passed, so a failed backup never leaves a file
    /// under the chosen name.
    pub fn backup_to(&self, dest: impl AsRef<Path>) -> Result<backup::BackupFile> {
        let dest = dest.as_ref();
        let file = self.with_reader(|reader| {
            backup::copy_verified(reader, dest, &backup::Kind::Manual, self.clock.now(), self.key())
        })?;
        self.keys_beside(dest)?;
        Ok(file)
    }

    /// Lends an idle reader (or a new one) to `f`, and keeps it for the next read unless
    /// enough are idle already. Used outside a transaction by backups: the backup API
    /// takes its own snapshot.
    fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let taken = lock(&self.idle_readers).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.new_reader()?,
        };
        let out = f(&conn);
        let mut idle = lock(&self.idle_readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        out
    }

    /// Makes a verified backup of the given kind in [`Db::backup_folder`] and prunes the
    /// old daily ones.
    pub fn backup_into_folder(&self, kind: &backup::Kind) -> Result<backup::BackupFile> {
        let folder = self.backup_folder();
        let file =
            self.with_reader(|reader| backup::write_verified(reader, &folder, kind, self.clock.now(), self.key()))?;
        // One copy of the key file in the folder opens every backup in it.
        self.keys_beside(&folder.join(self.path.file_name().unwrap_or_default()))?;
        backup::prune(&folder)?;
        Ok(file)
    }

    /// Replaces the database's content with the backup at `src`, after checking that it is
    /// a sound CareCircle database this app can read. The current content is first saved
    /// to `safety_copy` (audit log included), so a restore of the wrong file can itself be
    /// undone. Older backups are migrated forward. Readers see the old content or the new,
    /// never a mixture: the copy is one write transaction.
    pub fn restore_from(&self, src: impl AsRef<Path>, safety_copy: impl AsRef<Path>) -> Result<()> {
        self.restore_checked(backup::open_restorable(src.as_ref(), self.key())?, safety_copy)
    }

    /// [`Db::restore_from`] with a source already checked by [`backup::open_restorable`]
    /// (the check reads the whole file: it is done once).
    pub fn restore_checked(&self, source: Connection, safety_copy: impl AsRef<Path>) -> Result<()> {
        self.backup_to(safety_copy)?;
        let mut writer = lock(self.writer()?);
        Backup::new(&source, &mut writer)?.step(-1)?;
        drop(source);
        configure_writer(&writer)?;
        schema::migrate(&mut writer, &self.path.display().to_string())?;
        // Readers' statement caches belong to the replaced file: start them afresh.
        lock(&self.idle_readers).clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_or_create(dir.path().join("t.db"), Clock::at_local(2026, 11, 29, 10, 0)).unwrap();
        (dir, db)
    }

    #[test]
    fn write_commits_on_ok_and_rolls_back_on_err() {
        let (_dir, db) = fresh();
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
        let (_dir, db) = fresh();
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
        let (_dir, db) = fresh();
        let r = db.read(|c| Ok(c.execute("DELETE FROM districts", [])?));
        assert!(r.is_err(), "reads run on a query-only connection");
    }

    #[test]
    fn a_write_is_stamped_by_the_stores_clock() {
        let (_dir, db) = fresh();
        let (stamp, today) = db.write(|tx| Ok((tx.stamp(), tx.today()))).unwrap();
        assert_eq!(stamp, "2026-11-29T02:00:00Z", "10:00 in Wuhai is 02:00 UTC");
        assert_eq!(today, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    }

    #[test]
    fn readers_together_see_one_snapshot() {
        let (_dir, db) = fresh();
        let count = |c: &Connection| -> Result<i64> {
            Ok(c.query_row("SELECT count(*) FROM living_circles", [], |r| r.get(0))?)
        };
        let (first, second) = db
            .read_together(2, |readers| {
                assert_eq!(readers.len(), 2);
                let first = count(&readers[0])?;
                // A write between the two readers' first looks at the table: both began
                // before it, so neither sees it.
                db.write(|c| Ok(c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'y')", [])?))?;
                Ok((first, count(&readers[1])?))
            })
            .unwrap();
        assert_eq!(first, second);
        assert_eq!(db.read(|c| count(c)).unwrap(), first + 1, "the write went in");
        // The readers went back to the pool with their transactions ended: lent again,
        // both see the write.
        let again = db.read_together(2, |readers| Ok((count(&readers[0])?, count(&readers[1])?))).unwrap();
        assert_eq!(again, (first + 1, first + 1));
    }

    #[test]
    fn reads_run_side_by_side_while_one_is_long() {
        let (_dir, db) = fresh();
        let db = std::sync::Arc::new(db);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let long = {
            let db = db.clone();
            std::thread::spawn(move || {
                db.read(|c| {
                    let n: i64 = c.query_row("SELECT count(*) FROM districts", [], |r| r.get(0))?;
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok(n)
                })
                .unwrap()
            })
        };
        started_rx.recv().unwrap();
        // The long read holds its reader; this one gets another, and a write goes ahead.
        let n: i64 = db.read(|c| Ok(c.query_row("SELECT count(*) FROM districts", [], |r| r.get(0))?)).unwrap();
        db.write(|c| Ok(c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'x')", [])?)).unwrap();
        release_tx.send(()).unwrap();
        assert_eq!((n, long.join().unwrap()), (3, 3));
    }

    #[test]
    fn a_missing_file_is_refused_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo.db");
        let clock = Clock::at_local(2026, 11, 29, 10, 0);
        assert!(matches!(Db::open(&path, clock.clone()), Err(CoreError::NoDatabase { .. })));
        assert!(matches!(Db::open_read_only(&path, clock.clone()), Err(CoreError::NoDatabase { .. })));
        assert!(!path.exists(), "nothing was created");
        let made = Db::open_or_create(&path, clock.clone()).unwrap();
        assert!(made.is_new());
        drop(made);
        assert!(!Db::open(&path, clock).unwrap().is_new());
    }

    #[test]
    fn a_read_only_store_refuses_writes() {
        let (dir, db) = fresh();
        drop(db);
        let ro = Db::open_read_only(dir.path().join("t.db"), Clock::at_local(2026, 11, 29, 10, 0)).unwrap();
        assert!(matches!(ro.write(|_| Ok(())), Err(CoreError::ReadOnly)));
        let n: i64 = ro.read(|c| Ok(c.query_row("SELECT count(*) FROM districts", [], |r| r.get(0))?)).unwrap();
        assert_eq!(n, 3);
    }
}
