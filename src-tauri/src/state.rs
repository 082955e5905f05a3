//! The app's state between commands: the clock, the database (open, locked until someone
//! signs in, not made yet, or why it could not be opened), the signed-in account and the UI
//! language. Free of Tauri so it can be tested alone.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carecircle_core::services::sessions::{self, SessionStatus};
use chrono::{DateTime, Utc};

use carecircle_core::domain::account::Action;
use carecircle_core::error::Invalid;
use carecircle_core::services::search::SearchCache;
use carecircle_core::services::{accounts, backups};
use carecircle_core::store::keyfile::{self, RecoveryKey};
use carecircle_core::store::{encrypt, Access};
use carecircle_core::sync::{self, Exchanged};
use carecircle_core::{Actor, Clock, CoreError, Db, ErrorPayload, Locale};

pub struct AppState {
    db: Mutex<Store>,
    db_path: PathBuf,
    clock: Clock,
    /// Where the day's automatic backup stands (managers see it).
    daily_backup: Arc<Mutex<DailyBackup>>,
    session: Mutex<Option<SignedIn>>,
    /// Minutes without use before the session ends (the city's setting, read at sign-in
    /// and at each check).
    idle_limit: Mutex<Duration>,
    locale: Mutex<Locale>,
    /// The front desk's search index, shared by every search and rebuilt only after changes.
    pub search: Arc<SearchCache>,
    /// Held while this PC exchanges with the city hub: one exchange at a time, the
    /// background's or a button's (`exchange`).
    syncing: Arc<Mutex<()>>,
    pub started: Instant,
}

/// How often the app exchanges with the city hub on its own once the PC has joined it
/// (docs/sync.md): a check-in reaches the centre's other PCs within this, plus the other
/// PC's own wait. `CARECIRCLE_SYNC_SECONDS` sets another (0: only when someone presses
/// "sync now", for a PC on a metered line, or a test that times the PCs' rounds itself).
pub fn sync_every() -> Option<Duration> {
    let seconds =
        std::env::var("CARECIRCLE_SYNC_SECONDS").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(15);
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

/// The signed-in account: since when (by the core's clock: a reset after it ends the
/// session) and when the person at the PC last used the app (the UI says so).
struct SignedIn {
    actor: Actor,
    at: DateTime<Utc>,
    last_used: Instant,
}

/// Where the database stands for this run of the app.
#[derive(Clone)]
enum Store {
    Open(Arc<Db>),
    /// Encrypted: its key is sealed under the accounts' passwords, so nothing is read
    /// until someone signs in (see `carecircle_core::store::keyfile`).
    Locked,
    /// No file yet: the first run makes it, encrypted, with the city administrator.
    Absent,
    /// It could not be opened (too new, not ours…): the first screen says why.
    Failed(Arc<CoreError>),
}

/// The day's automatic backup: made (or not needed), being made, or failed and why.
enum DailyBackup {
    Settled,
    Running,
    Failed(Arc<CoreError>),
}

/// Gives the calling thread the lowest CPU priority (nice 19), so it runs on what the
/// window and the commands leave. Linux keeps a nice value per thread: only this thread is
/// lowered. Elsewhere (Windows) the thread keeps its priority. Best effort: a system that
/// refuses leaves the work at normal priority, which is slower for others, not wrong.
fn yield_the_cpu() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
    }
}

/// A lock whose holder panicked guards a plain value that is still whole: take it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A panic or cancellation inside a blocking task: report it as an ordinary error.
fn task_failed(locale: Locale, e: impl std::fmt::Display) -> ErrorPayload {
    CoreError::Io(std::io::Error::other(e.to_string())).to_payload(locale)
}

impl AppState {
    /// Opens the database at `db_path` with `clock` if it can be opened without a password
    /// (one from before encryption); an encrypted one waits for the first sign-in, and a
    /// missing one for the first run's set-up.
    pub fn open(db_path: PathBuf, clock: Clock, started: Instant) -> AppState {
        let store = if !db_path.exists() {
            Store::Absent
        } else if keyfile::path_for(&db_path).exists() {
            Store::Locked
        } else {
            match Db::open(&db_path, clock.clone()) {
                Ok(db) => Store::Open(Arc::new(db)),
                Err(e) => Store::Failed(Arc::new(e)),
            }
        };
        AppState {
            db: Mutex::new(store),
            db_path,
            clock,
            daily_backup: Arc::new(Mutex::new(DailyBackup::Settled)),
            session: Mutex::new(None),
            idle_limit: Mutex::new(Duration::from_secs(60 * u64::from(sessions::IDLE_DEFAULT_MINUTES))),
            locale: Mutex::new(Locale::default()),
            search: Arc::new(SearchCache::new()),
            syncing: Arc::new(Mutex::new(())),
            started,
        }
    }

    pub fn db_path(&self) -> &PathBuf {
        &self.db_path
    }

    /// The clock the core was given: the UI's "today" comes from here, not the webview's.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// True on the first run: the database is made with the city administrator, here.
    pub fn db_created(&self) -> bool {
        match &*lock(&self.db) {
            Store::Absent => true,
            Store::Open(db) => db.is_new(),
            Store::Locked | Store::Failed(_) => false,
        }
    }

    /// True while the database open is one from before encryption. (Checked before waiting
    /// for the day's backup: a manager's every sign-in on an encrypted database used to wait
    /// for the whole backup, 20 s and more on a city office's database.)
    fn plain(&self) -> bool {
        matches!(&*lock(&self.db), Store::Open(db) if !db.is_encrypted())
    }

    /// True while the encrypted database waits for someone to sign in.
    pub fn locked(&self) -> bool {
        matches!(*lock(&self.db), Store::Locked)
    }

    /// The first run: creates the encrypted database and its key file for the city
    /// administrator, and keeps it open. Returns the store and the recovery key to show once.
    pub fn create(&self, username: &str, password: &str) -> Result<(Arc<Db>, Option<RecoveryKey>), ErrorPayload> {
        let locale = self.locale();
        let mut store = lock(&self.db);
        match &*store {
            Store::Open(db) => Ok((db.clone(), None)),
            Store::Absent => {
                let (db, recovery) = Db::create_encrypted(&self.db_path, self.clock.clone(), username, password)
                    .map_err(|e| e.to_payload(locale))?;
                let db = Arc::new(db);
                *store = Store::Open(db.clone());
                Ok((db, Some(recovery)))
            }
            Store::Locked => Err(CoreError::AlreadySetUp.to_payload(locale)),
            Store::Failed(e) => Err(e.to_payload(locale)),
        }
    }

    /// The store for a sign-in: the open one, or the encrypted one opened with the key the
    /// account's password unseals (a wrong password opens nothing). The first unlock of a
    /// run also starts the day's backup.
    pub fn unlock(&self, username: &str, password: &str) -> Result<Arc<Db>, ErrorPayload> {
        let locale = self.locale();
        let mut store = lock(&self.db);
        match &*store {
            Store::Open(db) => Ok(db.clone()),
            Store::Locked => {
                let db = Db::unlock(&self.db_path, self.clock.clone(), Access::Write, username, password)
                    .map_err(|e| e.to_payload(locale))?;
                let db = Arc::new(db);
                *store = Store::Open(db.clone());
                drop(store);
                self.start_daily_backup();
                Ok(db)
            }
            Store::Absent => Err(CoreError::NoDatabase { path: self.db_path.display().to_string() }.to_payload(locale)),
            Store::Failed(e) => Err(e.to_payload(locale)),
        }
    }

    /// The first sign-in of a facility manager or the city office on a database from before
    /// encryption encrypts it (after a backup: `store::encrypt`), sealing the key for that
    /// account, and returns the recovery key to show once. (A front-desk clerk signing in
    /// first changes nothing: the recovery key is for those who answer for the database.)
    /// The file is replaced, so the store waits, holding every new command back, until no
    /// command still uses the plain one; if one does after 10 seconds, or another program
    /// has the file open, it is left for the next such sign-in. Whatever happens the store
    /// is open again afterwards.
    pub fn encrypt_if_plain(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<Option<RecoveryKey>, ErrorPayload> {
        let locale = self.locale();
        if actor.require(Action::ManageAccounts).is_err() || !self.plain() {
            return Ok(None);
        }
        self.wait_for_backup(Duration::from_secs(120));
        let mut store = lock(&self.db);
        let db = match &*store {
            Store::Open(db) if !db.is_encrypted() => db.clone(),
            _ => return Ok(None),
        };
        *store = Store::Locked;
        let until = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&db) > 1 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        let db = match Arc::try_unwrap(db) {
            Ok(db) => db,
            Err(db) => {
                *store = Store::Open(db);
                return Ok(None);
            }
        };
        drop(db);
        let done = encrypt::encrypt_existing(&self.db_path, &self.clock, username, password);
        // Open again either way: encrypted now, or as it was if encrypting failed.
        *store = match Db::unlock(&self.db_path, self.clock.clone(), Access::Write, username, password) {
            Ok(db) => Store::Open(Arc::new(db)),
            Err(e) => Store::Failed(Arc::new(e)),
        };
        let done = match done {
            Ok(done) => done,
            // Another program has the file open (a second window, a script): next time.
            Err(CoreError::Busy) => return Ok(None),
            Err(e) => return Err(e.to_payload(locale)),
        };
        if let Store::Open(db) = &*store {
            accounts::record_encryption(db, actor, &done).map_err(|e| e.to_payload(locale))?;
        }
        Ok(Some(done.recovery_key))
    }

    /// Makes the day's backup in the background if the day has none yet; a failure is kept
    /// for managers to see rather than stopping the start.
    ///
    /// It runs on a thread of its own at the lowest CPU priority. Copying and checking the
    /// city office's database (the demo city's: 141 MB) keeps a core busy for some 20
    /// seconds on a slow PC, and it starts at the first sign-in: at normal priority it
    /// slowed that sign-in and the first pages behind it to a crawl on a two-core PC
    /// (seen in the end-to-end tests: a click after signing in not answered in 20 s).
    pub fn start_daily_backup(&self) {
        if let Ok(db) = self.db() {
            let state = self.daily_backup.clone();
            *lock(&state) = DailyBackup::Running;
            let done = state.clone();
            let started = std::thread::Builder::new().name("daily-backup".into()).spawn(move || {
                yield_the_cpu();
                *lock(&done) = match backups::daily(&db) {
                    Ok(_) => DailyBackup::Settled,
                    Err(e) => DailyBackup::Failed(Arc::new(e)),
                };
            });
            if let Err(e) = started {
                *lock(&state) = DailyBackup::Failed(Arc::new(CoreError::Io(e)));
            }
        }
    }

    /// True while the day's automatic backup is being written.
    pub fn backup_running(&self) -> bool {
        matches!(*lock(&self.daily_backup), DailyBackup::Running)
    }

    /// Waits (up to `limit`) for the day's backup to finish: the app does not end under
    /// it. (A process ending while SQLCipher encrypts on another thread crashes on its way
    /// out: the backup would be lost and the exit look like a failure.)
    pub fn wait_for_backup(&self, limit: std::time::Duration) {
        let until = Instant::now() + limit;
        while self.backup_running() && Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// A good backup made by hand settles an automatic one that failed.
    pub fn clear_backup_problem(&self) {
        let mut state = lock(&self.daily_backup);
        if matches!(*state, DailyBackup::Failed(_)) {
            *state = DailyBackup::Settled;
        }
    }

    /// Why the last automatic backup failed, if it did.
    pub fn backup_problem(&self) -> Option<ErrorPayload> {
        match &*lock(&self.daily_backup) {
            DailyBackup::Failed(e) => Some(e.to_payload(self.locale())),
            _ => None,
        }
    }

    pub fn locale(&self) -> Locale {
        *lock(&self.locale)
    }

    pub fn set_locale(&self, locale: Locale) {
        *lock(&self.locale) = locale;
    }

    /// The signed-in account, unless the session has gone idle past the city's limit: then
    /// it is ended here, and nobody is signed in.
    pub fn actor(&self) -> Option<Actor> {
        self.session().map(|(actor, _)| actor)
    }

    /// The signed-in account and when it signed in, unless idle past the limit (ended).
    fn session(&self) -> Option<(Actor, DateTime<Utc>)> {
        let limit = *lock(&self.idle_limit);
        let mut session = lock(&self.session);
        if session.as_ref().is_some_and(|s| s.last_used.elapsed() > limit) {
            *session = None;
        }
        session.as_ref().map(|s| (s.actor.clone(), s.at))
    }

    pub fn set_actor(&self, actor: Option<Actor>) {
        *lock(&self.session) = actor.map(|actor| SignedIn { actor, at: self.clock.now(), last_used: Instant::now() });
    }

    /// The person at the PC used the app (a key, the mouse): the idle time starts again.
    pub fn touch(&self) {
        if let Some(s) = lock(&self.session).as_mut() {
            s.last_used = Instant::now();
        }
    }

    /// Whether the session still stands (see `sessions::status`), and the city's idle
    /// limit; a session that ended is ended here too. `None` when nobody is signed in.
    pub async fn check_session(&self) -> Result<Option<SessionStatus>, ErrorPayload> {
        let Some((actor, at)) = self.session() else { return Ok(None) };
        let status = self.with_db(move |db| sessions::status(db, &actor, at)).await?;
        *lock(&self.idle_limit) = Duration::from_secs(60 * u64::from(status.idle_minutes));
        if !status.valid {
            *lock(&self.session) = None;
        }
        Ok(Some(status))
    }

    /// Builds the search index in the background, so the desk's first keystroke after
    /// signing in does not wait for it.
    pub fn warm_search(&self) {
        if let Ok(db) = self.db() {
            let cache = self.search.clone();
            tauri::async_runtime::spawn_blocking(move || {
                // A failure here surfaces again, with its message, on the first real search.
                let _ = cache.index(&db);
            });
        }
    }

    /// One exchange with the city hub, now, off the UI thread; `Ok(None)` when this PC has
    /// not joined a hub (or its database is not open yet). A second caller waits for the
    /// exchange under way and then makes its own, so what was written before the call is
    /// sent. Nobody need be signed in: the background sync runs between sessions too.
    pub async fn exchange(&self) -> Result<Option<Exchanged>, ErrorPayload> {
        let locale = self.locale();
        let Ok(db) = self.db() else { return Ok(None) };
        let gate = self.syncing.clone();
        let done = tauri::async_runtime::spawn_blocking(move || {
            let _one = lock(&gate);
            match sync::sync_now(&db) {
                Ok(done) => Ok(Some(done)),
                Err(CoreError::Invalid(Invalid { code: "sync.not_joined", .. })) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
        .map_err(|e| task_failed(locale, e))?
        .map_err(|e| e.to_payload(locale))?;
        if done.is_some_and(|d| d.pulled.rows > 0) {
            // New people may have arrived: the desk's search finds them at its next use.
            self.warm_search();
        }
        Ok(done)
    }

    /// At exit: waits (up to `limit`) for an exchange under way, and lets none start after.
    /// (Nothing would be lost by ending in the middle, each batch being one transaction,
    /// but the process would crash on its way out as under the backup.)
    pub fn stop_syncing(&self, limit: Duration) {
        let until = Instant::now() + limit;
        loop {
            let guard = match self.syncing.try_lock() {
                Ok(guard) => Some(guard),
                // An exchange that panicked left the gate poisoned, and nothing under way.
                Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            };
            if let Some(guard) = guard {
                // Held until the process ends.
                std::mem::forget(guard);
                return;
            }
            if Instant::now() >= until {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Why the database could not be opened, if it could not.
    pub fn open_error(&self) -> Option<ErrorPayload> {
        match &*lock(&self.db) {
            Store::Failed(e) => Some(e.to_payload(self.locale())),
            _ => None,
        }
    }

    /// The open store; before the first sign-in of an encrypted one (or the first run's
    /// set-up), "not signed in".
    pub fn db(&self) -> Result<Arc<Db>, ErrorPayload> {
        match &*lock(&self.db) {
            Store::Open(db) => Ok(db.clone()),
            Store::Failed(e) => Err(e.to_payload(self.locale())),
            Store::Locked | Store::Absent => Err(CoreError::NotSignedIn.to_payload(self.locale())),
        }
    }

    /// Runs `f` off the UI thread on the database, without needing a session.
    pub async fn with_db<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> carecircle_core::Result<T> + Send + 'static,
    {
        let locale = self.locale();
        let db = self.db()?;
        tauri::async_runtime::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| task_failed(locale, e))?
            .map_err(|e| e.to_payload(locale))
    }

    /// Runs `f` off the UI thread as the signed-in account; refuses when nobody is.
    pub async fn as_actor<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&Db, &Actor) -> carecircle_core::Result<T> + Send + 'static,
    {
        let actor = self.actor().ok_or_else(|| CoreError::NotSignedIn.to_payload(self.locale()))?;
        self.with_db(move |db| f(db, &actor)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carecircle_core::Role;

    /// A manager signing in on an encrypted database has nothing to encrypt, so nothing to
    /// wait for: the day's backup, still being written, does not hold the sign-in back.
    #[test]
    fn a_managers_sign_in_on_an_encrypted_database_does_not_wait_for_the_days_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("carecircle.db");
        let clock = Clock::at_local(2026, 11, 29, 10, 0);
        let (db, _) = Db::create_encrypted(&path, clock.clone(), "admin", "admin-pass-1").unwrap();
        let state = AppState::open(path, clock, Instant::now());
        *lock(&state.db) = Store::Open(Arc::new(db));
        // A backup that will not finish during the test (the wait for it lasts 120 s).
        *lock(&state.daily_backup) = DailyBackup::Running;
        let admin = Actor {
            account_id: 1,
            username: "admin".into(),
            display_name: "市管理员".into(),
            role: Role::CityAdmin,
            facility_id: None,
        };
        let (done, answer) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                done.send(
                    state
                        .encrypt_if_plain(&admin, "admin", "admin-pass-1")
                        .map(|key| key.is_none())
                        .map_err(|e| e.code),
                )
            });
            let answer = answer.recv_timeout(Duration::from_secs(30));
            *lock(&state.daily_backup) = DailyBackup::Settled;
            assert_eq!(answer.expect("the sign-in waited for the backup"), Ok(true), "nothing to encrypt");
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn yielding_the_cpu_lowers_only_the_calling_thread() {
        use rustix::process::getpriority_process;
        use rustix::thread::gettid;
        let before = getpriority_process(Some(gettid())).unwrap();
        let lowered = std::thread::spawn(|| {
            super::yield_the_cpu();
            getpriority_process(Some(gettid())).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, 19, "the backup's thread runs at the lowest priority");
        assert_eq!(getpriority_process(Some(gettid())).unwrap(), before, "the caller's thread is left as it was");
    }
}
