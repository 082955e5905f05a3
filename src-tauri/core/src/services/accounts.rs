//! Accounts: the first-run city administrator, sign-in with argon2-hashed passwords and a
//! lock after repeated failures, and account management scoped by role and facility.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{AuditAction, AuditEntity, Entry};
use crate::domain::account::{Action, Actor, Role};
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::store::{encrypt, parse_utc_stamp, utc_stamp, Db};

/// After this many wrong passwords in a row the account is locked for [`LOCK_MINUTES`].
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
pub const LOCK_MINUTES: i64 = 5;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The signed-in account as the window sees it: who it is, what it may do, and which roles
/// it may give a new account. The window shows and hides by these lists instead of keeping
/// its own copy of the role rules; the core checks every action again.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Session {
    #[serde(flatten)]
    #[ts(flatten)]
    pub actor: Actor,
    pub actions: Vec<Action>,
    pub assignable_roles: Vec<Role>,
}

impl Session {
    pub fn of(actor: Actor) -> Session {
        let actions = actor.actions();
        let assignable_roles = Role::ALL.iter().copied().filter(|&r| may_grant_somewhere(&actor, r)).collect();
        Session { actor, actions, assignable_roles }
    }

    /// The session of `actor` at the PC of `db`. At the city office's PC, once it syncs with
    /// the hub, its copy of the facilities' records is read-only (the store refuses a change
    /// in words): the window is not offered the actions that would change them.
    pub fn at(db: &Db, actor: Actor) -> Result<Session> {
        let mut session = Session::of(actor);
        if crate::sync::is_city_office(db)? {
            session.actions.retain(|a| !a.changes_facility_records());
        }
        Ok(session)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// Required for every role but the city administrator.
    pub facility_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AccountSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub facility_id: Option<i64>,
    pub facility_name: Option<String>,
    pub active: bool,
    pub last_sign_in_at: Option<String>,
    /// The staff record this account is (a caregiver records their own visits).
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    /// Until when (UTC) too many wrong passwords keep it locked; a time in the past is
    /// no lock.
    pub locked_until: Option<String>,
    /// False for an active account whose password does not yet open the encrypted
    /// database's key file (made before encryption, not signed in since): after the app
    /// restarts it cannot sign in until a manager resets its password.
    pub key_sealed: bool,
}

impl AccountSummary {
    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(AccountSummary {
            id: r.get("id")?,
            username: r.get("username")?,
            display_name: r.get("display_name")?,
            role: r.get("role")?,
            facility_id: r.get("facility_id")?,
            facility_name: r.get("facility_name")?,
            active: r.get("active")?,
            last_sign_in_at: r.get("last_sign_in_at")?,
            staff_id: r.get("staff_id")?,
            staff_name: r.get("staff_name")?,
            locked_until: r.get("locked_until")?,
            key_sealed: true,
        })
    }
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| CoreError::Invalid(Invalid::new("account.password_unusable", "password")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the username does not exist, so that a wrong username
/// takes as long as a wrong password and does not reveal which accounts exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").expect("hashing a constant works"))
}

fn valid_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Invalid::new("account.password_short", "password").with("min", MIN_PASSWORD_CHARS));
    }
    if n > 128 {
        return Err(Invalid::new("account.password_long", "password").with("max", 128));
    }
    Ok(())
}

fn valid_username(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    let n = name.chars().count();
    if n < 2 {
        return Err(Invalid::new("account.username_short", "username"));
    }
    if n > 32 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::new("account.username_invalid", "username"));
    }
    Ok(name.to_string())
}

/// True until the city administrator has been created.
pub fn needs_setup(db: &Db) -> Result<bool> {
    db.read(|c| Ok(c.query_row("SELECT count(*) = 0 FROM accounts", [], |r| r.get(0))?))
}

/// Checks the first city administrator's name and password as [`set_up_city_admin`] will,
/// before anything is created for them (the encrypted file is sealed with that password).
pub fn check_first_admin(username: &str, display_name: &str, password: &str) -> Result<(String, String)> {
    let username = valid_username(username)?;
    let display_name = text::required_name(
        display_name,
        40,
        "account.display_name_empty",
        "account.display_name_too_long",
        "display_name",
    )?;
    valid_password(password)?;
    Ok((username, display_name))
}

/// The first-run step: creates the city administrator, once.
pub fn set_up_city_admin(db: &Db, username: &str, display_name: &str, password: &str) -> Result<Actor> {
    let (username, display_name) = check_first_admin(username, display_name, password)?;
    let hash = hash_password(password)?;
    db.write(|c| {
        let any: bool = c.query_row("SELECT count(*) > 0 FROM accounts", [], |r| r.get(0))?;
        if any {
            return Err(CoreError::AlreadySetUp);
        }
        let now = c.stamp();
        c.execute(
            "INSERT INTO accounts (username, display_name, password_hash, role, facility_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'city_admin', NULL, ?4, ?4)",
            params![username, display_name, hash, now],
        )?;
        let actor = Actor {
            account_id: c.last_insert_rowid(),
            username,
            display_name,
            role: Role::CityAdmin,
            facility_id: None,
        };
        Entry::new(AuditAction::Create, AuditEntity::Account, actor.account_id).after(&actor).write(c, &actor)?;
        Ok(actor)
    })
}

struct StoredAccount {
    actor: Actor,
    hash: String,
    active: bool,
    locked_until: Option<String>,
}

fn find_for_sign_in(c: &Connection, username: &str) -> Result<Option<StoredAccount>> {
    Ok(c.prepare_cached(
        "SELECT id, username, display_name, password_hash, role, facility_id, active, locked_until
         FROM accounts WHERE username = ?1",
    )?
    .query_row([username], |r| {
        Ok(StoredAccount {
            actor: Actor {
                account_id: r.get("id")?,
                username: r.get("username")?,
                display_name: r.get("display_name")?,
                role: r.get("role")?,
                facility_id: r.get("facility_id")?,
            },
            hash: r.get("password_hash")?,
            active: r.get("active")?,
            locked_until: r.get("locked_until")?,
        })
    })
    .optional()?)
}

/// The account signing in, unless there is none (after the same work as a wrong password:
/// the answer tells nobody which names exist) or it is locked at `now`.
fn unlocked_account(db: &Db, username: &str, password: &str, now: DateTime<Utc>) -> Result<StoredAccount> {
    let Some(account) = db.read(|c| find_for_sign_in(c, username.trim()))? else {
        verify_password(password, decoy_hash());
        return Err(CoreError::BadCredentials);
    };
    if let Some(until) = lock_in_force(account.locked_until.as_deref(), now) {
        return Err(locked(until));
    }
    Ok(account)
}

/// Encrypts a database from before encryption, for the account signing in: a manager of
/// the facility or the city office (`ManageAccounts`), who is shown the recovery key. The
/// account signs in on the plain file first (a wrong password is counted and logged as
/// always, and changes nothing else); then `store::encrypt` backs it up, encrypts it and its
/// backups, and the key is sealed for this account's password. Other accounts get their
/// seal at their first sign-in while the store is open, or with a password reset.
/// docs/security.md, "Upgrading a database from before encryption".
pub fn encrypt_database(
    path: &std::path::Path,
    clock: crate::Clock,
    username: &str,
    password: &str,
) -> Result<(Db, Actor, encrypt::Encrypted)> {
    if path.is_file() && (crate::store::keyfile::path_for(path).exists() || !encrypt::is_plain(path)?) {
        return Err(CoreError::AlreadyEncrypted { path: path.display().to_string() });
    }
    let plain = Db::open(path, clock.clone())?;
    let actor = sign_in(&plain, username, password)?;
    actor.require(Action::ManageAccounts)?;
    drop(plain);
    let done = encrypt::encrypt_existing(path, &clock, username, password)?;
    let db = Db::unlock(path, clock, crate::store::Access::Write, username, password)?;
    record_encryption(&db, &actor, &done)?;
    Ok((db, actor, done))
}

/// The audit entry of an encryption, on the encrypted database.
pub fn record_encryption(db: &Db, actor: &Actor, done: &encrypt::Encrypted) -> Result<()> {
    db.write(|c| {
        Entry::new(AuditAction::Encrypt, AuditEntity::Database, "main")
            .after(&serde_json::json!({
                "backup": done.backup.file_name,
                "backups_encrypted": done.backups_encrypted,
            }))
            .write(c, actor)
    })
}

/// Checks the password without writing anything (no attempt counted, nothing logged): for
/// a command that only reads, on a database opened read-only. The account must be active
/// and not locked.
pub fn verify_credentials(db: &Db, username: &str, password: &str) -> Result<Actor> {
    let account = unlocked_account(db, username, password, db.clock().now())?;
    if !verify_password(password, &account.hash) {
        return Err(CoreError::BadCredentials);
    }
    if !account.active {
        return Err(CoreError::AccountDisabled);
    }
    Ok(account.actor)
}

/// Checks the password and returns the signed-in account. Wrong username and wrong
/// password get the same answer; the fifth wrong password in a row locks the account.
pub fn sign_in(db: &Db, username: &str, password: &str) -> Result<Actor> {
    sign_in_at(db, username, password, db.clock().now())
}

pub fn sign_in_at(db: &Db, username: &str, password: &str, now: DateTime<Utc>) -> Result<Actor> {
    let account = unlocked_account(db, username, password, now)?;
    // The hash is checked outside the write lock (it takes a while, on purpose); what the
    // attempt changes is decided inside it, from the row as it is then, so attempts made
    // at the same moment (two windows, a script) all count.
    let good = verify_password(password, &account.hash);
    let actor = &account.actor;
    let outcome = db.write(|c| {
        let locked_until: Option<String> =
            c.query_row("SELECT locked_until FROM accounts WHERE id = ?1", [actor.account_id], |r| r.get(0))?;
        if let Some(until) = lock_in_force(locked_until.as_deref(), now) {
            return Ok(Err(locked(until)));
        }
        if !good {
            let failed: i64 = c.query_row(
                "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE id = ?1 RETURNING failed_attempts",
                [actor.account_id],
                |r| r.get(0),
            )?;
            Entry::new(AuditAction::SignInFailed, AuditEntity::Account, actor.account_id)
                .facility(actor.facility_id)
                .write(c, actor)?;
            if failed >= MAX_FAILED_ATTEMPTS {
                let until = now + Duration::minutes(LOCK_MINUTES);
                c.execute(
                    "UPDATE accounts SET failed_attempts = 0, locked_until = ?1 WHERE id = ?2",
                    params![utc_stamp(until), actor.account_id],
                )?;
                Entry::new(AuditAction::Locked, AuditEntity::Account, actor.account_id)
                    .facility(actor.facility_id)
                    .after(&serde_json::json!({ "until": utc_stamp(until), "failed_attempts": failed }))
                    .write(c, actor)?;
            }
            return Ok(Err(CoreError::BadCredentials));
        }
        if !account.active {
            return Ok(Err(CoreError::AccountDisabled));
        }
        c.execute(
            "UPDATE accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ?1 WHERE id = ?2",
            params![utc_stamp(now), actor.account_id],
        )?;
        Entry::new(AuditAction::SignIn, AuditEntity::Account, actor.account_id)
            .facility(actor.facility_id)
            .write(c, actor)?;
        Ok(Ok(()))
    })?;
    outcome?;
    // An account made before the file was encrypted gets its seal now that its password
    // is proven, so it can open the file after a restart.
    db.seal_if_missing(&account.actor.username, password)?;
    Ok(account.actor)
}

/// The end of a lock still in force at `now`.
fn lock_in_force(locked_until: Option<&str>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    locked_until.and_then(parse_utc_stamp).filter(|until| *until > now)
}

/// "Locked until 10:05" (Wuhai's time; the date too when it is not today's).
fn locked(until: DateTime<Utc>) -> CoreError {
    CoreError::AccountLocked { until: crate::clock::local_time(until).format("%Y-%m-%d %H:%M").to_string() }
}

/// Lifts a lock before it runs out, for someone who has remembered their password (or had
/// it reset): whoever may manage the account (see `may_grant`); audited.
pub fn unlock(db: &Db, actor: &Actor, id: i64) -> Result<AccountSummary> {
    actor.require(Action::ManageAccounts)?;
    db.write(|c| {
        let before = get_summary(c, id)?;
        // Whoever may disable an account may unlock it.
        if !may_grant(actor, before.role, before.facility_id) {
            return Err(CoreError::Forbidden);
        }
        c.execute("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?1", [id])?;
        let after = get_summary(c, id)?;
        Entry::new(AuditAction::Unlock, AuditEntity::Account, id)
            .facility(after.facility_id)
            .before(&serde_json::json!({ "locked_until": before.locked_until }))
            .write(c, actor)?;
        Ok(after)
    })
}

/// Whether the actor may give `role` to an account of some facility (their own, for a
/// facility manager).
fn may_grant_somewhere(actor: &Actor, role: Role) -> bool {
    actor.require(Action::ManageAccounts).is_ok() && may_grant(actor, role, actor.facility_id)
}

/// Which roles an actor may give: the city administrator any; a facility manager the
/// front-line roles of their own facility.
fn may_grant(actor: &Actor, role: Role, facility_id: Option<i64>) -> bool {
    match actor.role {
        Role::CityAdmin => true,
        Role::FacilityManager => {
            matches!(role, Role::FrontDesk | Role::Nurse | Role::Caregiver)
                && facility_id.is_some()
                && facility_id == actor.facility_id
        }
        _ => false,
    }
}

pub fn create_account(db: &Db, actor: &Actor, new: &NewAccount) -> Result<AccountSummary> {
    actor.require(Action::ManageAccounts)?;
    let username = valid_username(&new.username)?;
    let display_name = text::required_name(
        &new.display_name,
        40,
        "account.display_name_empty",
        "account.display_name_too_long",
        "display_name",
    )?;
    valid_password(&new.password)?;
    let facility_id = match (new.role, new.facility_id) {
        (Role::CityAdmin, _) => None,
        (_, Some(f)) => Some(f),
        (_, None) => return Err(Invalid::new("account.facility_required", "facility_id").into()),
    };
    if !may_grant(actor, new.role, facility_id) {
        return Err(CoreError::Forbidden);
    }
    let hash = hash_password(&new.password)?;
    // The new account opens the database with its password.
    db.reseal(&username, &new.password, || {
        db.write(|c| {
            if let Some(f) = facility_id {
                let exists: bool =
                    c.query_row("SELECT count(*) > 0 FROM facilities WHERE id = ?1", [f], |r| r.get(0))?;
                if !exists {
                    return Err(Invalid::new("account.facility_unknown", "facility_id").into());
                }
            }
            let taken: bool =
                c.query_row("SELECT count(*) > 0 FROM accounts WHERE username = ?1", [&username], |r| r.get(0))?;
            if taken {
                return Err(CoreError::UsernameTaken(username.clone()));
            }
            let now = c.stamp();
            c.execute(
            "INSERT INTO accounts (username, display_name, password_hash, role, facility_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![username, display_name, hash, new.role.as_str(), facility_id, now],
        )?;
            let summary = get_summary(c, c.last_insert_rowid())?;
            Entry::new(AuditAction::Create, AuditEntity::Account, summary.id)
                .facility(facility_id)
                .after(&summary)
                .write(c, actor)?;
            Ok(summary)
        })
    })
}

fn get_summary(c: &Connection, id: i64) -> Result<AccountSummary> {
    c.prepare_cached(
        "SELECT a.*, f.name AS facility_name, s.name AS staff_name FROM accounts a
             LEFT JOIN facilities f ON f.id = a.facility_id LEFT JOIN staff s ON s.id = a.staff_id WHERE a.id = ?1",
    )?
    .query_row([id], AccountSummary::from_row)
    .optional()?
    .ok_or(CoreError::NotFound { entity: AuditEntity::Account, id: id.to_string() })
}

pub fn list_accounts(db: &Db, actor: &Actor) -> Result<Vec<AccountSummary>> {
    actor.require(Action::ManageAccounts)?;
    let scope = actor.facility_scope();
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT a.*, f.name AS facility_name, s.name AS staff_name FROM accounts a
             LEFT JOIN facilities f ON f.id = a.facility_id LEFT JOIN staff s ON s.id = a.staff_id
             WHERE ?1 IS NULL OR a.facility_id = ?1 ORDER BY a.facility_id IS NOT NULL, f.name, a.username",
        )?;
        let rows = stmt.query_map([scope], AccountSummary::from_row)?;
        let mut list: Vec<AccountSummary> = rows.collect::<rusqlite::Result<_>>()?;
        for account in list.iter_mut().filter(|a| a.active) {
            account.key_sealed = db.has_seal(&account.username).unwrap_or(true);
        }
        Ok(list)
    })
}

/// Enables or disables an account. Nobody disables themselves (the last administrator
/// would lock the city out).
pub fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<AccountSummary> {
    actor.require(Action::ManageAccounts)?;
    if id == actor.account_id {
        return Err(Invalid::new("account.not_self", "active").into());
    }
    let after = db.write(|c| {
        let before = get_summary(c, id)?;
        if !may_grant(actor, before.role, before.facility_id) {
            return Err(CoreError::Forbidden);
        }
        // Disabling ends the account's sessions in every running app (see `sessions`).
        c.execute(
            "UPDATE accounts SET active = ?1, updated_at = ?2,
                    credentials_changed_at = CASE WHEN ?1 THEN credentials_changed_at ELSE ?2 END
             WHERE id = ?3",
            params![active, c.stamp(), id],
        )?;
        let after = get_summary(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Account, id)
            .facility(after.facility_id)
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })?;
    // A disabled account no longer opens the database file either; enabled again, it
    // gets a seal at its next sign-in (on a running app) or a password reset.
    if !active {
        db.unseal(&after.username)?;
    }
    Ok(after)
}

/// Says which staff record an account is (or none): a caregiver signed in records the
/// visits of that staff member. The staff member must work at the account's facility.
pub fn link_staff(db: &Db, actor: &Actor, id: i64, staff_id: Option<i64>) -> Result<AccountSummary> {
    actor.require(Action::ManageAccounts)?;
    db.write(|c| {
        let before = get_summary(c, id)?;
        if !may_grant(actor, before.role, before.facility_id) {
            return Err(CoreError::Forbidden);
        }
        if let Some(s) = staff_id {
            let at: Option<(i64, bool)> = c
                .query_row("SELECT facility_id, active FROM staff WHERE id = ?1", [s], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if at.is_none_or(|(f, active)| Some(f) != before.facility_id || !active) {
                return Err(Invalid::new("account.staff_elsewhere", "staff_id").into());
            }
            let taken: bool = c.query_row(
                "SELECT count(*) > 0 FROM accounts WHERE staff_id = ?1 AND id != ?2",
                params![s, id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(Invalid::new("account.staff_linked", "staff_id").into());
            }
        }
        c.execute(
            "UPDATE accounts SET staff_id = ?1, updated_at = ?2 WHERE id = ?3",
            params![staff_id, c.stamp(), id],
        )?;
        let after = get_summary(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Account, id)
            .facility(after.facility_id)
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Sets a new password for someone else's account (a manager's reset) and unlocks it.
pub fn reset_password(db: &Db, actor: &Actor, id: i64, password: &str) -> Result<()> {
    actor.require(Action::ManageAccounts)?;
    valid_password(password)?;
    let hash = hash_password(password)?;
    let target = db.read(|c| get_summary(c, id))?;
    if !may_grant(actor, target.role, target.facility_id) {
        return Err(CoreError::Forbidden);
    }
    // The key is sealed under the new password and the old seal removed with the change.
    db.reseal(&target.username, password, || {
        db.write(|c| {
            c.execute(
                "UPDATE accounts SET password_hash = ?1, failed_attempts = 0, locked_until = NULL, updated_at = ?2,
                        credentials_changed_at = ?2
                 WHERE id = ?3",
                params![hash, c.stamp(), id],
            )?;
            // The hash itself never goes into the log.
            Entry::new(AuditAction::ResetPassword, AuditEntity::Account, id)
                .facility(target.facility_id)
                .write(c, actor)
        })
    })
}

/// Changes one's own password, proving the old one first.
pub fn change_own_password(db: &Db, actor: &Actor, old: &str, new: &str) -> Result<()> {
    valid_password(new)?;
    let stored: String = db.read(|c| {
        Ok(c.query_row("SELECT password_hash FROM accounts WHERE id = ?1", [actor.account_id], |r| r.get(0))?)
    })?;
    if !verify_password(old, &stored) {
        return Err(Invalid::new("account.old_password_wrong", "old_password").into());
    }
    let hash = hash_password(new)?;
    db.reseal(&actor.username, new, || {
        db.write(|c| {
            c.execute(
                "UPDATE accounts SET password_hash = ?1, updated_at = ?2 WHERE id = ?3",
                params![hash, c.stamp(), actor.account_id],
            )?;
            Entry::new(AuditAction::ChangePassword, AuditEntity::Account, actor.account_id)
                .facility(actor.facility_id)
                .write(c, actor)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_told_what_each_role_may_do_and_which_roles_it_may_give() {
        let session = |role, facility_id| {
            Session::of(Actor { account_id: 1, username: "u".into(), display_name: "u".into(), role, facility_id })
        };
        let desk = session(Role::FrontDesk, Some(3));
        assert!(desk.actions.contains(&Action::CheckInOut) && desk.actions.contains(&Action::BookMeals));
        assert!(!desk.actions.contains(&Action::ManageAccounts) && !desk.actions.contains(&Action::RevealId));
        assert!(desk.assignable_roles.is_empty());

        let manager = session(Role::FacilityManager, Some(3));
        assert_eq!(manager.assignable_roles, vec![Role::FrontDesk, Role::Nurse, Role::Caregiver]);
        assert!(manager.actions.contains(&Action::PrintReports) && !manager.actions.contains(&Action::Administer));

        let city = session(Role::CityAdmin, None);
        assert_eq!(city.actions, Action::ALL.to_vec());
        assert_eq!(city.assignable_roles, Role::ALL.to_vec());

        // What the window receives: the account's own fields beside the two lists.
        let json = serde_json::to_value(&desk).unwrap();
        assert_eq!(json["role"], "front_desk");
        assert_eq!(json["facility_id"], 3);
        assert!(json["actions"].as_array().unwrap().contains(&serde_json::json!("check_in_out")));
        // Every action the core checks is one the list can hold, for every role.
        for &role in Role::ALL {
            let s = session(role, Some(3));
            for &a in Action::ALL {
                let scoped = s.actor.require(a).is_ok();
                assert_eq!(s.actions.contains(&a), scoped, "{role} {a}");
            }
        }
    }

    #[test]
    fn hashes_are_salted_and_verify() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("correct horsf", &a));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn username_and_password_rules() {
        assert!(valid_username(" 王芳 ").is_ok());
        assert_eq!(valid_username("a").unwrap_err().code, "account.username_short");
        assert_eq!(valid_username("a b").unwrap_err().code, "account.username_invalid");
        assert_eq!(valid_password("1234567").unwrap_err().code, "account.password_short");
        assert!(valid_password("12345678").is_ok());
    }
}
