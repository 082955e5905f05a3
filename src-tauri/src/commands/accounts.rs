use carecircle_core::demo::{self, SeedProgress};
use carecircle_core::services::accounts::{self, AccountSummary, NewAccount, Session};
use carecircle_core::services::audit::{self, AuditRecord, ChainReport};
use carecircle_core::services::sessions::{self, SessionStatus};
use carecircle_core::{CoreError, ErrorPayload};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Manager, State};
use ts_rs::TS;

use crate::state::AppState;

/// A session opened by the first run or a sign-in, and the recovery key of a database just
/// made or just encrypted (shown once for the city office to print).
#[derive(Serialize, TS)]
#[ts(export)]
pub struct SessionOpened {
    pub session: Session,
    pub recovery_key: Option<String>,
}

/// First run: creates the encrypted database and its city administrator, signs them in
/// and, if asked, loads the demo city.
#[tauri::command]
pub async fn set_up(
    state: State<'_, AppState>,
    username: String,
    display_name: String,
    password: String,
    load_demo: bool,
    on_progress: Channel<SeedProgress>,
) -> Result<SessionOpened, ErrorPayload> {
    let locale = state.locale();
    // Checked before anything is made: the new file is sealed with this password.
    accounts::check_first_admin(&username, &display_name, &password).map_err(|e| e.to_payload(locale))?;
    let (_, recovery) = state.create(&username, &password)?;
    let session = state
        .with_db(move |db| {
            let actor = accounts::set_up_city_admin(db, &username, &display_name, &password)?;
            if load_demo && demo::is_empty(db)? {
                demo::seed(db, &actor, 1, &mut |p| {
                    let _ = on_progress.send(p);
                })?;
            }
            Session::at(db, actor)
        })
        .await?;
    state.set_actor(Some(session.actor.clone()));
    Ok(SessionOpened { session, recovery_key: recovery.map(|r| r.as_str().to_string()) })
}

/// Signs in; the first sign-in of a run opens the encrypted database with the key the
/// account's password unseals.
#[tauri::command]
pub async fn sign_in<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<SessionOpened, ErrorPayload> {
    state.unlock(username.trim(), &password)?;
    let (user, pass) = (username.clone(), password.clone());
    let actor = state.with_db(move |db| accounts::sign_in(db, &user, &pass)).await?;
    // A database from before encryption is encrypted at a manager's first sign-in.
    let recovery = {
        let (actor, username) = (actor.clone(), username.trim().to_string());
        let locale = state.locale();
        tauri::async_runtime::spawn_blocking(move || {
            app.state::<AppState>().encrypt_if_plain(&actor, &username, &password)
        })
        .await
        .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())).to_payload(locale))??
    };
    state.set_actor(Some(actor.clone()));
    state.warm_search();
    let session = state.with_db(move |db| Session::at(db, actor)).await?;
    Ok(SessionOpened { session, recovery_key: recovery.map(|r| r.as_str().to_string()) })
}

#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) {
    state.set_actor(None);
}

/// Whether the session still stands (the account not disabled, its password not reset
/// since the sign-in, not idle past the city's limit) and that limit; the window asks at
/// least once a minute. `None`: nobody is signed in (any more).
#[tauri::command]
pub async fn session_check(state: State<'_, AppState>) -> Result<Option<SessionStatus>, ErrorPayload> {
    state.check_session().await
}

/// The person at the PC used the app: the idle time starts again.
#[tauri::command]
pub fn session_touch(state: State<'_, AppState>) {
    state.touch();
}

/// Sets the minutes without use after which every app signs out (the city office).
#[tauri::command]
pub async fn idle_minutes_set(state: State<'_, AppState>, minutes: u32) -> Result<u32, ErrorPayload> {
    state.as_actor(move |db, actor| sessions::set_idle_minutes(db, actor, minutes)).await
}

#[tauri::command]
pub async fn current_actor(state: State<'_, AppState>) -> Result<Option<Session>, ErrorPayload> {
    let Some(actor) = state.actor() else { return Ok(None) };
    state.with_db(move |db| Session::at(db, actor)).await.map(Some)
}

#[tauri::command]
pub async fn password_change(
    state: State<'_, AppState>,
    old_password: String,
    new_password: String,
) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| accounts::change_own_password(db, actor, &old_password, &new_password)).await
}

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> Result<Vec<AccountSummary>, ErrorPayload> {
    state.as_actor(accounts::list_accounts).await
}

#[tauri::command]
pub async fn account_create(state: State<'_, AppState>, account: NewAccount) -> Result<AccountSummary, ErrorPayload> {
    state.as_actor(move |db, actor| accounts::create_account(db, actor, &account)).await
}

/// Which staff record the account is (a caregiver records that staff member's visits).
#[tauri::command]
pub async fn account_link_staff(
    state: State<'_, AppState>,
    id: i64,
    staff_id: Option<i64>,
) -> Result<AccountSummary, ErrorPayload> {
    state.as_actor(move |db, actor| accounts::link_staff(db, actor, id, staff_id)).await
}

/// Lifts a lock left by wrong passwords before it runs out.
#[tauri::command]
pub async fn account_unlock(state: State<'_, AppState>, id: i64) -> Result<AccountSummary, ErrorPayload> {
    state.as_actor(move |db, actor| accounts::unlock(db, actor, id)).await
}

#[tauri::command]
pub async fn account_set_active(
    state: State<'_, AppState>,
    id: i64,
    active: bool,
) -> Result<AccountSummary, ErrorPayload> {
    state.as_actor(move |db, actor| accounts::set_active(db, actor, id, active)).await
}

#[tauri::command]
pub async fn account_reset_password(state: State<'_, AppState>, id: i64, password: String) -> Result<(), ErrorPayload> {
    state.as_actor(move |db, actor| accounts::reset_password(db, actor, id, &password)).await
}

#[tauri::command]
pub async fn audit_recent(state: State<'_, AppState>, limit: u32) -> Result<Vec<AuditRecord>, ErrorPayload> {
    state.as_actor(move |db, actor| audit::recent(db, actor, limit)).await
}

/// Checks the whole audit log's hash chain, entry by entry (the city office).
#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<ChainReport, ErrorPayload> {
    state.as_actor(audit::verify).await
}
