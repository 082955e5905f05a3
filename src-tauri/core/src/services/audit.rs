//! The audit log: every change to a record (and, for personal records, every view) is
//! written in the same transaction as the change itself, with who, when, what, and the
//! record before and after.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::error::Result;
use crate::store::{Db, Tx};

/// One entry to write. Build with [`Entry::new`], add what applies, then [`Entry::write`].
pub struct Entry<'a> {
    action: &'a str,
    entity: &'a str,
    entity_id: String,
    facility_id: Option<i64>,
    before: Option<Value>,
    after: Option<Value>,
}

impl<'a> Entry<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: impl ToString) -> Self {
        Entry { action, entity, entity_id: entity_id.to_string(), facility_id: None, before: None, after: None }
    }

    pub fn facility(mut self, facility_id: Option<i64>) -> Self {
        self.facility_id = facility_id;
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }

    /// Writes the entry in the transaction of the change it records, stamped with that
    /// transaction's instant.
    pub fn write(self, conn: &Tx, actor: &Actor) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO audit_log (at, account_id, username, action, entity, entity_id, facility_id, before_json, after_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            conn.stamp(),
            actor.account_id,
            actor.username,
            self.action,
            self.entity,
            self.entity_id,
            self.facility_id,
            self.before.map(|v| v.to_string()),
            self.after.map(|v| v.to_string()),
        ])?;
        Ok(())
    }
}

/// A read that is itself processing to record — a person's file, a child's health data, a
/// full ID number: `read` runs on a reader and returns what it read with the entry that
/// records it, which is then written in a short transaction of its own. So opening a record
/// never holds the write lock while it reads, and what was shown is always on the log.
pub fn audited_read<'e, T>(
    db: &Db,
    actor: &Actor,
    read: impl FnOnce(&Connection) -> Result<(T, Entry<'e>)>,
) -> Result<T> {
    let (out, entry) = db.read(read)?;
    db.write(|c| entry.write(c, actor))?;
    Ok(out)
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub facility_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl AuditRecord {
    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(AuditRecord {
            id: r.get("id")?,
            at: r.get("at")?,
            username: r.get("username")?,
            action: r.get("action")?,
            entity: r.get("entity")?,
            entity_id: r.get("entity_id")?,
            facility_id: r.get("facility_id")?,
            before_json: r.get("before_json")?,
            after_json: r.get("after_json")?,
        })
    }
}

/// The newest entries the actor may read: a facility manager sees their facility's.
pub fn recent(db: &Db, actor: &Actor, limit: u32) -> Result<Vec<AuditRecord>> {
    actor.require(Action::ViewAudit)?;
    let scope = actor.facility_scope();
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT * FROM audit_log WHERE (?1 IS NULL OR facility_id = ?1) ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![scope, limit.min(1000)], AuditRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}
