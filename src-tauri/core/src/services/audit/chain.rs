//! The audit log cannot be rewritten unseen: the table is append-only (triggers refuse any
//! UPDATE or DELETE, migration 010), and each entry carries a SHA-256 hash of its own
//! fields and of the hash of the entry before it. An entry changed, removed or slipped in
//! behind the app's back (with the database key, after dropping the triggers) no longer
//! matches its hash or its successor's link, and [`verify`] names the first such entry.
//!
//! What the chain alone cannot show: the newest entries removed together from the end (no
//! later entry is left to disagree), or a rewrite that recomputes every hash after it. The
//! count and newest hash [`verify`] reports, noted down by the city office from time to
//! time, close both: a later log must contain that entry with that hash. Entries written
//! before the upgrade were sealed as they stood by migration 010.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::error::Result;
use crate::store::Db;

/// The link the first entry points back to.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The triggers that make the table append-only, created once the existing entries are sealed.
pub(crate) const APPEND_ONLY: &str = "
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

/// One entry's fields as stored, in the order they are hashed.
pub(crate) struct Sealed<'a> {
    pub id: i64,
    pub at: &'a str,
    pub account_id: i64,
    pub username: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub facility_id: Option<i64>,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
}

impl Sealed<'_> {
    /// The entry's hash, chained to `previous`: SHA-256, as hex, of a JSON array of the
    /// previous hash and every field (JSON, so no two different entries read alike).
    pub(crate) fn hash(&self, previous: &str) -> String {
        let canonical = serde_json::json!([
            previous,
            self.id,
            self.at,
            self.account_id,
            self.username,
            self.action,
            self.entity,
            self.entity_id,
            self.facility_id,
            self.before_json,
            self.after_json,
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The newest entry's id and hash (0 and the genesis link on an empty log): what the next
/// entry is numbered after and chained to.
pub(crate) fn tail(c: &Connection) -> Result<(i64, String)> {
    let last: Option<(i64, Option<String>)> = c
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match last {
        Some((id, hash)) => (id, hash.unwrap_or_default()),
        None => (0, GENESIS.to_string()),
    })
}

const ENTRIES: &str = "SELECT id, at, account_id, username, action, entity, entity_id, facility_id, before_json,
                              after_json, hash
                       FROM audit_log ORDER BY id";

/// Runs `each` on every entry in order with its stored hash.
fn for_each(c: &Connection, mut each: impl FnMut(&Sealed, Option<&str>) -> Result<bool>) -> Result<()> {
    let mut stmt = c.prepare(ENTRIES)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let owned = Owned::read(r)?;
        if !each(&owned.sealed(), owned.hash.as_deref())? {
            break;
        }
    }
    Ok(())
}

/// An entry's stored text, held while its fields are hashed (here, and by the hub's
/// exchange of entries, `crate::sync`).
pub(crate) struct Owned {
    pub(crate) id: i64,
    pub(crate) at: String,
    pub(crate) account_id: i64,
    pub(crate) username: String,
    pub(crate) action: String,
    pub(crate) entity: String,
    pub(crate) entity_id: Option<String>,
    pub(crate) facility_id: Option<i64>,
    pub(crate) before_json: Option<String>,
    pub(crate) after_json: Option<String>,
    pub(crate) hash: Option<String>,
}

impl Owned {
    /// Reads the first eleven columns, in the order of `ENTRIES` (a query may add more).
    pub(crate) fn read(r: &Row) -> rusqlite::Result<Owned> {
        Ok(Owned {
            id: r.get(0)?,
            at: r.get(1)?,
            account_id: r.get(2)?,
            username: r.get(3)?,
            action: r.get(4)?,
            entity: r.get(5)?,
            entity_id: r.get(6)?,
            facility_id: r.get(7)?,
            before_json: r.get(8)?,
            after_json: r.get(9)?,
            hash: r.get(10)?,
        })
    }

    pub(crate) fn sealed(&self) -> Sealed<'_> {
        Sealed {
            id: self.id,
            at: &self.at,
            account_id: self.account_id,
            username: &self.username,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            facility_id: self.facility_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
        }
    }
}

/// Migration 010: gives every entry already written its hash, in order, then makes the
/// table append-only.
pub(crate) fn seal_existing(c: &Connection) -> Result<()> {
    let mut hashes = Vec::new();
    let mut previous = GENESIS.to_string();
    for_each(c, |entry, _| {
        previous = entry.hash(&previous);
        hashes.push((entry.id, previous.clone()));
        Ok(true)
    })?;
    let mut update = c.prepare("UPDATE audit_log SET hash = ?2 WHERE id = ?1")?;
    for (id, hash) in hashes {
        update.execute(params![id, hash])?;
    }
    c.execute_batch(APPEND_ONLY)?;
    Ok(())
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChainReport {
    /// Entries read, up to and including the first broken one.
    pub entries: u64,
    /// The newest entry's id and hash: with the count, what to note down to show later that
    /// nothing was cut off the end.
    pub last_id: Option<i64>,
    pub last_hash: Option<String>,
    /// The first entry that does not match its hash or its link to the one before: it, or
    /// an entry removed just before it, was changed behind the app's back.
    pub broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BrokenLink {
    pub id: i64,
    pub at: String,
}

/// Reads the whole log in order and checks every entry's hash and link. City-wide: only an
/// account that administers the city (or the system) may.
pub fn verify(db: &Db, actor: &Actor) -> Result<ChainReport> {
    actor.require(Action::Administer)?;
    db.read(|c| {
        let mut report = ChainReport { entries: 0, last_id: None, last_hash: None, broken: None };
        let mut previous = GENESIS.to_string();
        for_each(c, |entry, stored| {
            report.entries += 1;
            let expected = entry.hash(&previous);
            if stored != Some(expected.as_str()) {
                report.broken = Some(BrokenLink { id: entry.id, at: entry.at.to_string() });
                return Ok(false);
            }
            report.last_id = Some(entry.id);
            report.last_hash = Some(expected.clone());
            previous = expected;
            Ok(true)
        })?;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(after: Option<&str>) -> Sealed<'_> {
        Sealed {
            id: 7,
            at: "2026-11-29T02:00:00Z",
            account_id: 3,
            username: "nurse1",
            action: "update",
            entity: "client",
            entity_id: Some("42"),
            facility_id: Some(5),
            before_json: None,
            after_json: after,
        }
    }

    #[test]
    fn a_hash_depends_on_every_field_and_on_the_link() {
        let h = entry(Some(r#"{"phone":"1"}"#)).hash(GENESIS);
        assert_eq!(h.len(), 64);
        assert_eq!(h, entry(Some(r#"{"phone":"1"}"#)).hash(GENESIS), "the same entry, the same hash");
        assert_ne!(h, entry(Some(r#"{"phone":"2"}"#)).hash(GENESIS));
        assert_ne!(h, entry(None).hash(GENESIS), "an empty field differs from any text");
        assert_ne!(h, entry(Some(r#"{"phone":"1"}"#)).hash(&"1".repeat(64)));
    }

    #[test]
    fn fields_cannot_be_shifted_from_one_to_the_next() {
        let a = Sealed { username: "ab", action: "c", ..entry(None) };
        let b = Sealed { username: "a", action: "bc", ..entry(None) };
        assert_ne!(a.hash(GENESIS), b.hash(GENESIS));
    }
}
