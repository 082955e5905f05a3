//! The PC's side of the city hub (docs/sync.md). A PC joins once (`join`): its rows get
//! uids, triggers start recording its changes in `sync_outbox`, and everything it answers
//! for is queued. Then `exchange` pushes the outbox to the hub and pulls what other PCs
//! sent, applied per field by the hybrid logical clock (`apply`); a care-critical field
//! changed on two PCs without either seeing the other waits for a manager (`conflicts`,
//! `resolve`).

mod apply;
mod audit;
pub mod entities;
mod exchange;
mod outbox;

use rusqlite::{functions::FunctionFlags, params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::clock::Clock;
use crate::domain::account::{Action, Actor};
use crate::error::{CoreError, ErrorPayload, Invalid, Result};
use crate::hub::{self, Enrolment};
use crate::i18n::{self, Locale};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::{Db, Tx};

pub(crate) use audit::local_entity_id_sql as audit_entity_id_sql;
pub use exchange::{exchange, pull, push, Exchanged, Pulled};
pub(crate) use outbox::{drop_all as drop_triggers, queue_move, CITY_READ_ONLY};

/// The store's SQL functions the triggers use: the store's clock in milliseconds (never
/// the machine's), and a new UUIDv7 by it. Registered on the writer.
pub(crate) fn register_functions(conn: &Connection, clock: &Clock) -> Result<()> {
    // Applying the hub's changes prepares a few statements per synced table: kept, not
    // parsed again for each change.
    conn.set_prepared_statement_cache_capacity(256);
    let now = clock.clone();
    conn.create_scalar_function("sync_clock_ms", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(now.now().timestamp_millis())
    })?;
    let now = clock.clone();
    conn.create_scalar_function("sync_new_uid", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(crate::hub::new_uid(now.now()).as_bytes().to_vec())
    })?;
    // A row every database is made with: the same uid on every PC, a UUIDv5 of the table
    // and the row's key.
    conn.create_scalar_function(
        "sync_key_uid",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let name = format!("carecircle:{}:{}", ctx.get::<String>(0)?, ctx.get::<String>(1)?);
            Ok(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).as_bytes().to_vec())
        },
    )?;
    Ok(())
}

/// At each open of a PC that has joined: the triggers written again from the live schema
/// (a migration may have added a column), and the uids of rows every database is made
/// with (a migration may have made a table travel that has such rows; a few rows, by key).
pub(crate) fn after_open(conn: &Connection) -> Result<()> {
    if joined(conn)?.is_some() {
        outbox::assign_uids_of(conn, |e| e.natural_key.is_some())?;
        outbox::install(conn)?;
    }
    Ok(())
}

/// Whether this is the city office's PC joined to the hub: its copy of the facilities'
/// records is read-only (docs/sync.md, "Recording changes").
pub fn is_city_office(db: &Db) -> Result<bool> {
    db.read(|c| Ok(c.query_row("SELECT pc IS NOT NULL AND facility_id IS NULL FROM sync_state", [], |r| r.get(0))?))
}

/// This PC's id at the hub, once it has joined.
fn joined(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT pc FROM sync_state", [], |r| r.get(0)).optional()?.flatten())
}

/// Gives every synced row its uid now, before the PC joins: databases copied from this one
/// afterwards (a centre's second PC set up from the first's backup, the city's demo split
/// by facility) hold the same records under the same uids, and joining finds them equal.
pub fn prepare(db: &Db) -> Result<()> {
    db.write(|tx| outbox::assign_uids(tx))
}

/// What joining did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Joined {
    pub pc: String,
    #[ts(type = "number | null")]
    pub facility_id: Option<i64>,
    /// Rows queued to be sent: all this PC answers for.
    #[ts(type = "number")]
    pub queued: usize,
}

/// Joins the hub at `hub_url` (the libpq connection string the city office's enrolment
/// gave this PC: `carecircle-cli hub enrol`): asks the hub who this PC is, then [`join`]s as
/// that PC and keeps the connection string for every later exchange ([`connect`]).
pub fn join_hub(db: &Db, actor: &Actor, hub_url: &str) -> Result<Joined> {
    let hub_url = hub_url.trim();
    if hub_url.is_empty() {
        return Err(Invalid::new("sync.hub_empty", "hub").into());
    }
    // Refused before anything is asked of the hub: the role may not do it anyway.
    actor.require(Action::ManageAccounts)?;
    let mut client = hub::connect(hub_url)?;
    let enrolment = hub::whoami(&mut client)?;
    join_as(db, actor, &enrolment, Some(hub_url))
}

/// A connection to the hub this PC joined, with the credentials kept at joining (or set
/// since by [`reconnect`]).
pub fn connect(db: &Db) -> Result<postgres::Client> {
    let (pc, hub_url): (Option<String>, Option<String>) =
        db.read(|c| Ok(c.query_row("SELECT pc, hub FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?)))?))?;
    match (pc, hub_url) {
        (None, _) => Err(Invalid::new("sync.not_joined", "hub").into()),
        // Joined by a CLI from before the connection was kept: `sync connection` mends it.
        (Some(_), None) => Err(Invalid::new("sync.no_connection", "hub").into()),
        (Some(_), Some(url)) => hub::connect(&url),
    }
}

/// Keeps a new connection for this PC's exchanges: the city office issued a new password,
/// or the hub moved. The hub must know it as this same PC; the password is never shown.
pub fn reconnect(db: &Db, actor: &Actor, hub_url: &str) -> Result<()> {
    let hub_url = hub_url.trim();
    if hub_url.is_empty() {
        return Err(Invalid::new("sync.hub_empty", "hub").into());
    }
    let (pc, facility): (Option<String>, Option<i64>) =
        db.read(|c| Ok(c.query_row("SELECT pc, facility_id FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?)))?))?;
    let pc = pc.ok_or_else(|| Invalid::new("sync.not_joined", "hub"))?;
    match facility {
        Some(f) => actor.require_at(Action::ManageAccounts, f)?,
        None => actor.require(Action::ManageAccounts)?,
    }
    let enrolment = hub::whoami(&mut hub::connect(hub_url)?)?;
    if enrolment.pc != pc {
        return Err(Invalid::new("sync.other_pc", "hub").with("pc", &pc).with("other", &enrolment.pc).into());
    }
    db.write(|tx| {
        tx.execute("UPDATE sync_state SET hub = ?1, role = ?2", params![hub_url, enrolment.role])?;
        Entry::new(AuditAction::Set, AuditEntity::Hub, &pc)
            .facility(facility)
            .after(&serde_json::json!({ "hub": hub::address(hub_url), "role": enrolment.role }))
            .write(tx, actor)
    })
}

/// One exchange with the hub this PC joined, over the connection kept at joining. A hub
/// that cannot be reached goes on the status line like any failed exchange.
pub fn sync_now(db: &Db) -> Result<Exchanged> {
    let mut client = match connect(db) {
        Ok(client) => client,
        Err(e @ CoreError::Invalid(Invalid { code: "sync.not_joined", .. })) => return Err(e),
        Err(e) => {
            note_exchange(db, Some(&e))?;
            return Err(e);
        }
    };
    exchange(db, &mut client)
}

/// Makes this database a member of the hub as the PC `enrolment` names (made at the city
/// office by `carecircle-cli hub enrol`): a facility's manager for that facility, the city
/// office for the city office's PC. One transaction: a failure leaves the PC as it was.
pub fn join(db: &Db, actor: &Actor, enrolment: &Enrolment) -> Result<Joined> {
    join_as(db, actor, enrolment, None)
}

/// [`join`], keeping `hub_url` for later exchanges in the same transaction: a PC is never
/// joined without the connection it joined with.
fn join_as(db: &Db, actor: &Actor, enrolment: &Enrolment, hub_url: Option<&str>) -> Result<Joined> {
    match enrolment.facility_id {
        Some(f) => actor.require_at(Action::ManageAccounts, f)?,
        None if actor.is_city_wide() => actor.require(Action::ManageAccounts)?,
        None => return Err(CoreError::Forbidden),
    }
    db.write(|tx| {
        if let Some(pc) = joined(tx)? {
            return Err(Invalid::new("sync.already_joined", "pc").with("pc", pc).into());
        }
        tx.execute(
            "UPDATE sync_state SET pc = ?1, facility_id = ?2, role = ?3, joined_at = ?4, hub = ?5, pc_number = ?6",
            params![
                enrolment.pc,
                enrolment.facility_id,
                enrolment.role,
                crate::store::utc_stamp(tx.now()),
                hub_url,
                enrolment.number
            ],
        )?;
        outbox::assign_uids(tx)?;
        outbox::install(tx)?;
        let queued = outbox::snapshot(tx)?;
        Entry::new(AuditAction::Join, AuditEntity::Hub, &enrolment.pc)
            .facility(enrolment.facility_id)
            .after(&serde_json::json!({ "pc": enrolment.pc, "role": enrolment.role, "queued": queued }))
            .write(tx, actor)?;
        Ok(Joined { pc: enrolment.pc.clone(), facility_id: enrolment.facility_id, queued })
    })
}

/// One table's records of a facility (or the city's), summed up: two PCs holding the same
/// records, whatever their local ids, show the same digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDigest {
    pub table: &'static str,
    pub rows: usize,
    /// SHA-256 of the rows in the form they travel in, ordered by uid.
    pub sha256: String,
}

/// The digest of every synced table for `facility` (None: the city's reference data), to
/// check that two PCs are in step (`carecircle-cli sync digest`).
pub fn digest(db: &Db, facility: Option<i64>) -> Result<Vec<TableDigest>> {
    use sha2::{Digest, Sha256};
    db.read(|c| {
        entities::ENTITIES
            .iter()
            .map(|entity| {
                let lines = outbox::travel_lines(c, entity, facility)?;
                let mut hash = Sha256::new();
                for line in &lines {
                    hash.update(line.as_bytes());
                    hash.update(b"\n");
                }
                let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
                Ok(TableDigest { table: entity.table, rows: lines.len(), sha256 })
            })
            .collect()
    })
}

/// What the status line shows: when this PC last exchanged with the hub, what waits to be
/// sent, and the conflicts waiting for a manager.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub joined: bool,
    pub pc: Option<String>,
    #[ts(type = "number | null")]
    pub facility_id: Option<i64>,
    /// Where the hub is (host, port and database; never the password).
    pub hub: Option<String>,
    pub last_sync_at: Option<String>,
    /// Why the last exchange failed, if it did (the hub unreachable…), in `locale`.
    pub last_error: Option<ErrorPayload>,
    /// Changes waiting to be sent.
    #[ts(type = "number")]
    pub pending: i64,
    /// Audit entries waiting to be sent (docs/sync.md, "The audit log").
    #[ts(type = "number")]
    pub audit_pending: i64,
    #[ts(type = "number")]
    pub conflicts: i64,
}

pub fn status(db: &Db, locale: Locale) -> Result<SyncStatus> {
    db.read(|c| {
        type Row = (Option<String>, Option<i64>, Option<String>, Option<String>, Option<String>);
        let (pc, facility_id, hub_url, last_sync_at, last_error): Row =
            c.query_row("SELECT pc, facility_id, hub, last_sync_at, last_error FROM sync_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let pending = c.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
        let audit_pending = if pc.is_some() {
            c.query_row("SELECT count(*) FROM audit_log WHERE id > (SELECT audit_pushed FROM sync_state)", [], |r| {
                r.get(0)
            })?
        } else {
            0
        };
        let conflicts =
            c.query_row("SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL", [], |r| r.get(0))?;
        Ok(SyncStatus {
            joined: pc.is_some(),
            pc,
            facility_id,
            hub: hub_url.as_deref().map(hub::address),
            last_sync_at,
            last_error: last_error.as_deref().map(|e| stored_error(e, locale)),
            pending,
            audit_pending,
            conflicts,
        })
    })
}

/// An exchange's failure as `note_exchange` keeps it: its code and parameters, so the
/// status line says it in the language of whoever reads it.
fn stored_error(json: &str, locale: Locale) -> ErrorPayload {
    #[derive(serde::Deserialize)]
    struct Stored {
        code: String,
        #[serde(default)]
        params: std::collections::BTreeMap<String, String>,
    }
    let stored: Stored = serde_json::from_str(json)
        .unwrap_or_else(|_| Stored { code: "sync.failed".into(), params: [("detail".into(), json.into())].into() });
    let params: Vec<(&str, String)> = stored.params.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let message = i18n::error_message(locale, &stored.code, &params);
    ErrorPayload { code: stored.code, field: None, params: stored.params, message }
}

/// A care-critical field changed here and on another PC, neither seeing the other.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncConflict {
    #[ts(type = "number")]
    pub id: i64,
    /// The table (`clients`, `child_contacts`…) and the record's id here.
    pub entity: String,
    #[ts(type = "number | null")]
    pub record_id: Option<i64>,
    /// Whose record it is, to tell it by (a person's or contact's name), when it has one.
    pub record_label: Option<String>,
    #[ts(type = "number | null")]
    pub facility_id: Option<i64>,
    /// The field, or `*`: a change of the other PC's that this PC's rules refuse, not
    /// applied (a record that duplicates one here; an update that would break a rule here,
    /// such as a user name taken; a delete of a record still used here).
    pub field: String,
    /// What the other PC did: `i` an insert, `u` an update, `d` a delete.
    pub remote_op: Option<String>,
    /// The values as JSON: what this PC holds, what the other PC sent.
    pub local_value: Option<String>,
    pub remote_value: Option<String>,
    pub remote_pc: String,
    pub found_at: String,
}

/// The open conflicts of the records the actor may see.
pub fn conflicts(db: &Db, actor: &Actor) -> Result<Vec<SyncConflict>> {
    actor.require(Action::ManageAccounts)?;
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT id, entity, uid, facility_id, field, local_value, remote_value, remote_pc, found_at, remote_op
             FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                SyncConflict {
                    id: r.get(0)?,
                    entity: r.get(1)?,
                    record_id: None,
                    record_label: None,
                    facility_id: r.get(3)?,
                    field: r.get(4)?,
                    remote_op: r.get(9)?,
                    local_value: r.get(5)?,
                    remote_value: r.get(6)?,
                    remote_pc: r.get(7)?,
                    found_at: r.get(8)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        // Whether a table has a `name` to label its records by, asked once per table.
        let mut named_tables = std::collections::HashMap::new();
        for row in rows {
            let (_, entity, uid, facility, mut conflict) = row?;
            let visible = match actor.facility_scope() {
                None => true,
                Some(mine) => facility == Some(mine),
            };
            if !visible {
                continue;
            }
            if let Some(spec) = entities::find(&entity) {
                let named = match named_tables.get(spec.table) {
                    Some(named) => *named,
                    None => {
                        let named: bool = c.query_row(
                            "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = 'name'",
                            [spec.table],
                            |r| r.get(0),
                        )?;
                        *named_tables.entry(spec.table).or_insert(named)
                    }
                };
                let name = if named { "name" } else { "NULL" };
                let found: Option<(i64, Option<String>)> = c
                    .query_row(&format!("SELECT rowid, {name} FROM \"{}\" WHERE uid = ?1", spec.table), [&uid], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?;
                (conflict.record_id, conflict.record_label) =
                    found.map_or((None, None), |(id, label)| (Some(id), label));
            }
            out.push(conflict);
        }
        Ok(out)
    })
}

/// Which value a manager keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Local,
    Remote,
}

/// A manager's pick: the value kept becomes a new change, made after both, so every PC
/// ends with it (the other PC's own conflict closes when it arrives).
pub fn resolve(db: &Db, actor: &Actor, conflict_id: i64, keep: Keep) -> Result<()> {
    let open = conflicts(db, actor)?;
    let missing = || CoreError::NotFound { entity: AuditEntity::SyncConflict, id: conflict_id.to_string() };
    let conflict = open.into_iter().find(|c| c.id == conflict_id).ok_or_else(missing)?;
    let spec = entities::find(&conflict.entity).ok_or_else(missing)?;
    if conflict.field == "*" {
        // A duplicate record: the one here stays; the other PC's was never applied here.
        if keep == Keep::Remote {
            return Err(Invalid::new("sync.duplicate_kept_here", "keep").into());
        }
        return db.write(|tx| close_conflict(tx, actor, &conflict, spec, conflict.facility_id, "local", None));
    }
    let record_id = conflict.record_id.ok_or_else(missing)?;
    db.write(|tx| {
        let facility: Option<i64> = tx.query_row(
            &format!("SELECT {} FROM \"{}\" r WHERE r.rowid = ?1", spec.facility_sql("r"), spec.table),
            [record_id],
            |r| r.get(0),
        )?;
        let chosen = match keep {
            Keep::Local => conflict.local_value.clone(),
            Keep::Remote => conflict.remote_value.clone(),
        };
        let value = apply::json_to_sql(chosen.as_deref())?;
        let field = &conflict.field;
        // A new value is sent by the triggers; keeping this PC's value changes nothing here,
        // so it is queued by hand: it must reach the PC that kept the other.
        tx.execute(
            &format!("UPDATE \"{}\" SET \"{field}\" = ?1 WHERE rowid = ?2", spec.table),
            params![value, record_id],
        )?;
        if keep == Keep::Local {
            outbox::queue_fields(tx, spec, record_id, &[field.as_str()])?;
        }
        let kept = if keep == Keep::Local { "local" } else { "remote" };
        close_conflict(tx, actor, &conflict, spec, facility, kept, Some(record_id))
    })
}

/// Marks a conflict (and any other open one on the same field of the same record) settled,
/// on the audit log.
fn close_conflict(
    tx: &Tx,
    actor: &Actor,
    conflict: &SyncConflict,
    spec: &entities::Entity,
    facility: Option<i64>,
    kept: &str,
    record_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "UPDATE sync_conflicts SET resolved_at = ?1, resolved_by = ?2, kept = ?3
         WHERE resolved_at IS NULL AND entity = ?4 AND field = ?5
           AND uid = (SELECT uid FROM sync_conflicts WHERE id = ?6)",
        params![crate::store::utc_stamp(tx.now()), actor.username, kept, spec.table, conflict.field, conflict.id],
    )?;
    let value = if kept == "local" { &conflict.local_value } else { &conflict.remote_value };
    Entry::new(AuditAction::ResolveConflict, AuditEntity::SyncConflict, conflict.id)
        .facility(facility)
        .before(&serde_json::json!({ "local": conflict.local_value, "remote": conflict.remote_value }))
        .after(&serde_json::json!({ "entity": spec.table, "id": record_id, "field": conflict.field, "kept": value }))
        .write(tx, actor)
}

/// Records the outcome of an exchange on the status line: a failure by its code and
/// parameters (see `stored_error`).
fn note_exchange(db: &Db, error: Option<&CoreError>) -> Result<()> {
    db.write(|tx: &Tx| {
        match error {
            None => tx.execute(
                "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL",
                [crate::store::utc_stamp(tx.now())],
            )?,
            Some(e) => {
                let (code, params) = e.code_and_params();
                let params: std::collections::BTreeMap<_, _> = params.into_iter().collect();
                let json = serde_json::json!({ "code": code, "params": params }).to_string();
                tx.execute("UPDATE sync_state SET last_error = ?1", [json])?
            }
        };
        Ok(())
    })
}
