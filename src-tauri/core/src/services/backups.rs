//! Backups as the app and the CLI offer them: the daily one at the first start of a day,
//! "back up now", the list a manager sees with the time of the last good one, and restore.
//! The copying and checking is `store::backup`; this module adds rights and the audit log.
//!
//! A restore writes its audit entry twice: into the database it replaces, just before that
//! database is saved aside (so the saved copy's own log says what replaced it and who
//! asked), and into the restored one, afterwards. It then moves the people revision past
//! both databases' values, so every search index built from either — in this window, a
//! second one, or the CLI — is rebuilt at its next use.

use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::audit::{AuditAction, AuditEntity, Entry};
use crate::domain::account::{Action, Actor};
use crate::error::{CoreError, Result};
use crate::store::backup::{self, BackupFile, Kind};
use crate::store::Db;

/// What a manager sees: where backups go, the newest good one, and all of them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupStatus {
    pub folder: String,
    /// The newest good copy of the database as it is kept now: a copy saved aside by a
    /// restore holds the data that was replaced, so it does not count.
    pub latest: Option<BackupFile>,
    pub backups: Vec<BackupFile>,
}

/// After a restore: where the data came from and where the replaced database was saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored_from: String,
    pub previous_saved_to: String,
}

pub fn status(db: &Db, actor: &Actor) -> Result<BackupStatus> {
    actor.require(Action::BackUp)?;
    let folder = db.backup_folder();
    let backups = backup::list(&folder, db.key())?;
    let latest = backups.iter().find(|b| b.kind != Kind::BeforeRestore.code()).cloned();
    Ok(BackupStatus { folder: folder.display().to_string(), latest, backups })
}

fn audit_backup(db: &Db, actor: &Actor, file: &BackupFile) -> Result<()> {
    db.write(|c| Entry::new(AuditAction::Backup, AuditEntity::Database, &file.file_name).after(file).write(c, actor))
}

/// "Back up now": a checked copy in the backup folder.
pub fn back_up_now(db: &Db, actor: &Actor) -> Result<BackupFile> {
    actor.require(Action::BackUp)?;
    let file = db.backup_into_folder(&Kind::Manual)?;
    audit_backup(db, actor, &file)?;
    Ok(file)
}

/// A checked copy at a path of the user's choosing (the CLI's `backup PATH`).
pub fn back_up_to(db: &Db, actor: &Actor, dest: &Path) -> Result<BackupFile> {
    actor.require(Action::BackUp)?;
    let file = db.backup_to(dest)?;
    audit_backup(db, actor, &file)?;
    Ok(file)
}

/// The day's backup, if the store's today has none yet: the app calls this when it starts.
pub fn daily(db: &Db) -> Result<Option<BackupFile>> {
    if !backup::daily_due(&db.backup_folder(), db.clock().now())? {
        return Ok(None);
    }
    let file = db.backup_into_folder(&Kind::Daily)?;
    audit_backup(db, &Actor::system(), &file)?;
    Ok(Some(file))
}

/// Replaces the database with the backup at `src` (checked first; nothing changes if it
/// is refused). The replaced database is saved in the backup folder first.
pub fn restore(db: &Db, actor: &Actor, src: &Path) -> Result<RestoreReport> {
    actor.require(Action::Administer)?;
    let shown = src.display().to_string();
    // Checked before anything is written: a refused file changes nothing, not even the
    // current database's audit log.
    let source = backup::open_restorable(src, db.key())?;
    let live_rev = db.write(|c| {
        Entry::new(AuditAction::RestoreReplaced, AuditEntity::Database, &shown).write(c, actor)?;
        people_revision(c)
    })?;
    let folder = db.backup_folder();
    std::fs::create_dir_all(&folder)?;
    let safety = backup::free_name(&folder, &Kind::BeforeRestore, db.clock().now());
    db.restore_checked(source, &safety)?;
    let report = RestoreReport { restored_from: shown, previous_saved_to: safety.display().to_string() };
    db.write(|c| {
        let restored_rev = people_revision(c)?;
        c.execute("UPDATE change_counters SET rev = ?1 WHERE name = 'people'", [live_rev.max(restored_rev) + 1])?;
        Entry::new(AuditAction::Restore, AuditEntity::Database, &report.restored_from).after(&report).write(c, actor)
    })?;
    Ok(report)
}

/// Restores one of the backups in the backup folder, named as the list shows it: the app
/// offers only those (a file elsewhere is the CLI's `restore PATH`).
pub fn restore_listed(db: &Db, actor: &Actor, file_name: &str) -> Result<RestoreReport> {
    actor.require(Action::Administer)?;
    let listed = backup::list(&db.backup_folder(), db.key())?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| CoreError::NotFound { entity: AuditEntity::Backup, id: file_name.to_string() })?;
    restore(db, actor, Path::new(&listed.path))
}

fn people_revision(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT rev FROM change_counters WHERE name = 'people'", [], |r| r.get(0))?)
}
