//! The app's state between commands: the clock, the open database (or why it could not be
//! opened), the signed-in account and the UI language. Free of Tauri so it can be tested
//! alone.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use carecircle_core::services::backups;
use carecircle_core::services::search::SearchCache;
use carecircle_core::{Actor, Clock, CoreError, Db, ErrorPayload, Locale};

pub struct AppState {
    db: Result<Arc<Db>, Arc<CoreError>>,
    db_path: PathBuf,
    clock: Clock,
    /// Where the day's automatic backup stands (managers see it).
    daily_backup: Arc<Mutex<DailyBackup>>,
    session: Mutex<Option<Actor>>,
    locale: Mutex<Locale>,
    /// The front desk's search index, shared by every search and rebuilt only after changes.
    pub search: Arc<SearchCache>,
    pub started: Instant,
}

/// The day's automatic backup: made (or not needed), being made, or failed and why.
enum DailyBackup {
    Settled,
    Running,
    Failed(Arc<CoreError>),
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
    /// Opens the database at `db_path` with `clock`, creating it on the first run.
    pub fn open(db_path: PathBuf, clock: Clock, started: Instant) -> AppState {
        let db = Db::open_or_create(&db_path, clock.clone()).map(Arc::new).map_err(Arc::new);
        AppState {
            db,
            db_path,
            clock,
            daily_backup: Arc::new(Mutex::new(DailyBackup::Settled)),
            session: Mutex::new(None),
            locale: Mutex::new(Locale::default()),
            search: Arc::new(SearchCache::new()),
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

    /// True when this start created the database (the first run): the first screen says so.
    pub fn db_created(&self) -> bool {
        self.db.as_ref().is_ok_and(|db| db.is_new())
    }

    /// Makes the day's backup in the background if the day has none yet; a failure is kept
    /// for managers to see rather than stopping the start.
    pub fn start_daily_backup(&self) {
        if let Ok(db) = self.db() {
            let state = self.daily_backup.clone();
            *lock(&state) = DailyBackup::Running;
            tauri::async_runtime::spawn_blocking(move || {
                *lock(&state) = match backups::daily(&db) {
                    Ok(_) => DailyBackup::Settled,
                    Err(e) => DailyBackup::Failed(Arc::new(e)),
                };
            });
        }
    }

    /// True while the day's automatic backup is being written.
    pub fn backup_running(&self) -> bool {
        matches!(*lock(&self.daily_backup), DailyBackup::Running)
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

    pub fn actor(&self) -> Option<Actor> {
        lock(&self.session).clone()
    }

    pub fn set_actor(&self, actor: Option<Actor>) {
        *lock(&self.session) = actor;
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

    /// Why the database could not be opened, if it could not.
    pub fn open_error(&self) -> Option<ErrorPayload> {
        self.db.as_ref().err().map(|e| e.to_payload(self.locale()))
    }

    pub fn db(&self) -> Result<Arc<Db>, ErrorPayload> {
        self.db.clone().map_err(|e| e.to_payload(self.locale()))
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
