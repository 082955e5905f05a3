//! Applying the hub's changes here (docs/sync.md, "Order and conflicts"). Per field, the
//! change with the later hybrid logical clock wins, whichever PC applies it, so every PC
//! ends with the same values. A change made without seeing this PC's own change to a
//! care-critical field does not replace it: the pair waits in `sync_conflicts`. An insert
//! of a row already here fills only fields nothing has changed since.

use std::collections::HashMap;

use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::entities::{self, Entity};
use super::outbox::{Reference, TableShape};
use crate::error::{CoreError, Invalid, Result};

/// One change read from the hub.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub id: i64,
    pub pc: String,
    pub hlc: String,
    pub entity: String,
    pub uid: Vec<u8>,
    pub fields: Map<String, Value>,
    pub op: String,
    pub seen: i64,
}

/// What applying a batch did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Applied {
    pub rows: usize,
    pub conflicts: usize,
}

/// Applies `batch` (in the hub's order) inside the caller's transaction, without recording
/// the changes as this PC's own, then moves this PC's clock past every clock in it and, when
/// `advance`, remembers the last change applied as the place the next pull starts after.
/// (A PC restored from a backup takes back its own later changes without advancing: the
/// other PCs' changes since the backup are still to be read.)
pub(crate) fn apply_batch(conn: &Connection, batch: &[Incoming], found_at: &str, advance: bool) -> Result<Applied> {
    conn.execute("UPDATE sync_state SET applying = 1", [])?;
    let mut shapes: HashMap<&'static str, TableShape> = HashMap::new();
    let mut applied = Applied::default();
    for change in batch {
        let Some(entity) = entities::find(&change.entity) else {
            // From a newer CareCircle: nothing here holds it.
            continue;
        };
        if !shapes.contains_key(entity.table) {
            shapes.insert(entity.table, TableShape::read(conn, entity)?);
        }
        let shape = &shapes[entity.table];
        // Each change under a savepoint: one this PC's rules refuse (a user name taken here
        // meanwhile, a record deleted there that is still used here) is undone whole, field
        // clocks included, and waits for a manager; the changes after it are applied. A
        // refusal must not stop every later change from ever arriving.
        conn.execute_batch("SAVEPOINT sync_change")?;
        match apply_one(conn, entity, shape, change, found_at, &mut applied) {
            Ok(()) => conn.execute_batch("RELEASE sync_change")?,
            Err(CoreError::Sqlite(rusqlite::Error::SqliteFailure(f, detail)))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                conn.execute_batch("ROLLBACK TO sync_change; RELEASE sync_change")?;
                let refused = detail.unwrap_or_else(|| f.to_string());
                refuse(conn, entity, change, &refused, found_at, &mut applied)?;
            }
            Err(e) => {
                return Err(CoreError::Invalid(
                    Invalid::new("sync.apply_failed", "hub")
                        .with("entity", entity.table)
                        .with("change", change.id)
                        .with("uid", change.uid.iter().map(|x| format!("{x:02x}")).collect::<String>())
                        .with("detail", e),
                ))
            }
        }
    }
    if let Some(last) = batch.last() {
        let (ms, n) = batch.iter().map(|c| parse_hlc(&c.hlc)).max().unwrap_or((0, 0));
        let place = if advance { last.id } else { 0 };
        conn.execute(
            "UPDATE sync_state SET last_pulled = max(last_pulled, ?1),
               hlc_n = CASE WHEN ?2 > hlc_ms OR (?2 = hlc_ms AND ?3 > hlc_n) THEN ?3 ELSE hlc_n END,
               hlc_ms = max(hlc_ms, ?2)",
            params![place, ms, n],
        )?;
    }
    conn.execute("UPDATE sync_state SET applying = 0", [])?;
    Ok(applied)
}

/// (milliseconds, counter) of a clock's text `MMMMMMMMMMMMM.NNNNN.pc`.
fn parse_hlc(hlc: &str) -> (i64, i64) {
    let mut parts = hlc.split('.');
    let ms = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let n = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (ms, n)
}

fn apply_one(
    conn: &Connection,
    entity: &'static Entity,
    shape: &TableShape,
    change: &Incoming,
    found_at: &str,
    applied: &mut Applied,
) -> Result<()> {
    let t = entity.table;
    let local: Option<i64> = conn
        .prepare_cached(&format!("SELECT rowid FROM \"{t}\" WHERE uid = ?1"))?
        .query_row([&change.uid], |r| r.get(0))
        .optional()?;
    match (change.op.as_str(), local) {
        ("d", Some(id)) => {
            conn.execute(&format!("DELETE FROM \"{t}\" WHERE rowid = ?1"), [id])?;
            conn.execute("DELETE FROM sync_field_clock WHERE entity = ?1 AND uid = ?2", params![t, change.uid])?;
            applied.rows += 1;
        }
        ("i", None) => {
            let mut columns = vec!["uid".to_string()];
            let mut values = vec![Sql::Blob(change.uid.clone())];
            for (column, reference) in &shape.columns {
                if let Some(value) = change.fields.get(column) {
                    columns.push(format!("\"{column}\""));
                    values.push(to_local(conn, reference, value, &change.fields, None)?);
                }
            }
            let marks = vec!["?"; values.len()].join(", ");
            conn.prepare_cached(&format!("INSERT INTO \"{t}\" ({}) VALUES ({marks})", columns.join(", ")))?
                .execute(params_from_iter(values))?;
            applied.rows += 1;
        }
        (_, Some(id)) => {
            // The same row from a copy, untouched here since: nothing to weigh field by field.
            let untouched = change.op == "i" && !touched(conn, t, &change.uid)?;
            let mut sets: Vec<(String, Sql)> = Vec::new();
            for (field, value) in &change.fields {
                let Some((_, reference)) = shape.columns.iter().find(|(c, _)| c == field) else { continue };
                if untouched || decide(conn, entity, change, id, field, value, found_at, applied)? {
                    let local = to_local(conn, reference, value, &change.fields, Some((t, id)))?;
                    if !untouched || !same_stored(&current_sql(conn, t, id, field)?, &local) {
                        sets.push((field.clone(), local));
                    }
                }
            }
            if !sets.is_empty() {
                let assignments: Vec<String> = sets.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
                let mut values: Vec<Sql> = sets.into_iter().map(|(_, v)| v).collect();
                values.push(Sql::Integer(id));
                conn.execute(
                    &format!("UPDATE \"{t}\" SET {} WHERE rowid = ?", assignments.join(", ")),
                    params_from_iter(values),
                )?;
                applied.rows += 1;
            }
        }
        // An update or a delete of a row this PC does not hold.
        _ => {}
    }
    Ok(())
}

/// Whether the incoming value of `field` replaces this PC's, recording the field's new
/// clock, or a conflict.
#[allow(clippy::too_many_arguments)]
fn decide(
    conn: &Connection,
    entity: &'static Entity,
    change: &Incoming,
    id: i64,
    field: &str,
    value: &Value,
    found_at: &str,
    applied: &mut Applied,
) -> Result<bool> {
    let t = entity.table;
    let clock: Option<(String, bool, i64)> = conn
        .prepare_cached("SELECT hlc, mine, hub_id FROM sync_field_clock WHERE entity = ?1 AND uid = ?2 AND field = ?3")?
        .query_row(params![t, change.uid, field], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    // A change made here and not yet sent: the other PC cannot have seen it.
    let pending: Option<String> = conn
        .prepare_cached(
            "SELECT max(o.hlc) FROM sync_outbox o WHERE o.entity = ?1 AND o.uid = ?2 AND o.op <> 'd'
               AND EXISTS (SELECT 1 FROM json_each(o.fields) WHERE key = ?3)",
        )?
        .query_row(params![t, change.uid, field], |r| r.get(0))?;
    if change.op == "i" {
        // A row's first values never replace a later change to it.
        return Ok(clock.is_none() && pending.is_none());
    }
    let latest = [clock.as_ref().map(|c| c.0.clone()), pending.clone()].into_iter().flatten().max();
    let newer = latest.as_ref().is_none_or(|l| change.hlc.as_str() > l.as_str());
    let concurrent =
        pending.is_some() || clock.as_ref().is_some_and(|(_, mine, hub_id)| *mine && *hub_id > change.seen);
    if entity.critical.contains(&field) && concurrent {
        let current = current_value(conn, t, id, field)?;
        if &current != value {
            let facility: Option<i64> = conn.query_row(
                &format!("SELECT {} FROM \"{t}\" r WHERE r.rowid = ?1", entity.facility_sql("r")),
                [id],
                |r| r.get(0),
            )?;
            let local = current.to_string();
            record_conflict(
                conn,
                entity,
                change,
                facility,
                field,
                Some(&local),
                &value.to_string(),
                found_at,
                applied,
            )?;
            return Ok(false);
        }
    }
    if !newer {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO sync_field_clock (entity, uid, field, hlc, mine, hub_id) VALUES (?1, ?2, ?3, ?4, 0, ?5)
         ON CONFLICT (entity, uid, field) DO UPDATE SET hlc = excluded.hlc, mine = 0, hub_id = excluded.hub_id",
        params![t, change.uid, field, change.hlc, change.id],
    )?;
    if !concurrent {
        // Made after seeing this PC's value: a pick made on the other PC settles ours too.
        conn.execute(
            "UPDATE sync_conflicts SET resolved_at = ?1, resolved_by = ?2, kept = 'remote'
             WHERE resolved_at IS NULL AND entity = ?3 AND uid = ?4 AND field = ?5",
            params![found_at, format!("pc:{}", change.pc), t, change.uid, field],
        )?;
    }
    Ok(true)
}

/// Keeps a conflict for a manager, once: the same change read again (a batch replayed)
/// adds none, nor reopens one settled.
#[allow(clippy::too_many_arguments)]
fn record_conflict(
    conn: &Connection,
    entity: &Entity,
    change: &Incoming,
    facility: Option<i64>,
    field: &str,
    local: Option<&str>,
    remote: &str,
    found_at: &str,
    applied: &mut Applied,
) -> Result<()> {
    let added = conn.execute(
        "INSERT INTO sync_conflicts (entity, uid, facility_id, field, local_value, remote_value, remote_hlc, remote_pc,
                                     found_at, remote_op)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
         WHERE NOT EXISTS (SELECT 1 FROM sync_conflicts WHERE entity = ?1 AND uid = ?2 AND field = ?4 AND remote_hlc = ?7)",
        params![entity.table, change.uid, facility, field, local, remote, change.hlc, change.pc, found_at, change.op],
    )?;
    applied.conflicts += added;
    Ok(())
}

/// A change this PC's rules refuse (`refused`: SQLite's words), not applied: kept for a
/// manager as a conflict on the whole record (`*`), with what the other PC did (`remote_op`).
/// The same thing recorded on two PCs (one client checked in at both), an account named on
/// both, a record deleted there that is still used here.
fn refuse(
    conn: &Connection,
    entity: &Entity,
    change: &Incoming,
    refused: &str,
    found_at: &str,
    applied: &mut Applied,
) -> Result<()> {
    let here: Option<Option<i64>> = conn
        .query_row(
            &format!("SELECT {} FROM \"{}\" r WHERE r.uid = ?1", entity.facility_sql("r"), entity.table),
            [&change.uid],
            |r| r.get(0),
        )
        .optional()?;
    let facility = match here {
        Some(facility) => facility,
        None => incoming_facility(conn, entity, change)?,
    };
    let remote = Value::Object(change.fields.clone()).to_string();
    record_conflict(conn, entity, change, facility, "*", Some(refused), &remote, found_at, applied)
}

/// The facility of a row that is not here: from the change's own fields when it carries
/// the facility, else nothing (the city office's managers see it).
fn incoming_facility(conn: &Connection, entity: &Entity, change: &Incoming) -> Result<Option<i64>> {
    let column = match entity.scope {
        super::entities::Scope::City => return Ok(None),
        super::entities::Scope::Column(c) => c,
        super::entities::Scope::Via { .. } => return Ok(None),
    };
    let Some(Value::String(hex)) = change.fields.get(column) else { return Ok(None) };
    let Some(uid) = decode_hex(hex) else { return Ok(None) };
    Ok(conn.query_row("SELECT id FROM facilities WHERE uid = ?1", [uid], |r| r.get(0)).optional()?)
}

/// Whether anything changed this row here since it was first sent: a field's clock, or a
/// change waiting in the outbox.
fn touched(conn: &Connection, table: &str, uid: &[u8]) -> Result<bool> {
    let clocked = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_field_clock WHERE entity = ?1 AND uid = ?2)")?
        .query_row(params![table, uid], |r| r.get::<_, bool>(0))?;
    let waiting = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE entity = ?1 AND uid = ?2)")?
        .query_row(params![table, uid], |r| r.get::<_, bool>(0))?;
    Ok(clocked || waiting)
}

/// Whether a travelling value would store as the value here (a real travels as text).
fn same_stored(here: &Sql, incoming: &Sql) -> bool {
    match (here, incoming) {
        (Sql::Real(a), Sql::Text(b)) => b.parse::<f64>().is_ok_and(|b| b == *a),
        (a, b) => a == b,
    }
}

/// A field's value here, as stored.
fn current_sql(conn: &Connection, table: &str, id: i64, field: &str) -> Result<Sql> {
    Ok(conn
        .prepare_cached(&format!("SELECT \"{field}\" FROM \"{table}\" WHERE rowid = ?1"))?
        .query_row([id], |r| r.get(0))?)
}

/// A field's value here, as it travels.
fn current_value(conn: &Connection, table: &str, id: i64, field: &str) -> Result<Value> {
    Ok(sql_to_json(current_sql(conn, table, id, field)?))
}

/// A travelling value as this PC stores it: references turned from uids into local ids.
/// `row` is the local row being updated (for a person's kind that the change does not carry).
fn to_local(
    conn: &Connection,
    reference: &Option<Reference>,
    value: &Value,
    fields: &Map<String, Value>,
    row: Option<(&str, i64)>,
) -> Result<Sql> {
    let table = match reference {
        None => return Ok(json_to_value(value)),
        Some(Reference::Table(t) | Reference::Soft(t)) => t.clone(),
        Some(Reference::OneOf(kind_column, tables)) => {
            let kind = match fields.get(*kind_column).and_then(Value::as_str) {
                Some(k) => k.to_string(),
                None => match row {
                    Some((t, id)) => {
                        conn.query_row(&format!("SELECT \"{kind_column}\" FROM \"{t}\" WHERE rowid = ?1"), [id], |r| {
                            r.get(0)
                        })?
                    }
                    None => return Ok(Sql::Null),
                },
            };
            match tables.iter().find(|(value, _)| *value == kind) {
                Some((_, t)) => t.to_string(),
                None => return Ok(Sql::Null),
            }
        }
    };
    let hex = match value {
        Value::String(hex) => hex,
        // A reference to no row where it was made (the demo's "nobody", 0): kept as it is.
        other => return Ok(json_to_value(other)),
    };
    let uid = decode_hex(hex).ok_or_else(|| Invalid::new("sync.bad_uid", "uid").with("uid", hex))?;
    let id: Option<i64> = conn
        .prepare_cached(&format!("SELECT id FROM \"{table}\" WHERE uid = ?1"))?
        .query_row([uid], |r| r.get(0))
        .optional()?;
    Ok(match (id, reference) {
        (Some(id), _) => Sql::Integer(id),
        // Someone this PC does not hold: another facility's account, on a record that came
        // with a person who moved here. The record keeps their name in its own column;
        // the reference says "nobody here", as the demo's 0 does.
        (None, Some(Reference::Soft(_))) => Sql::Integer(0),
        (None, _) => Sql::Null,
    })
}

pub(crate) fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex.bytes().filter(|b| *b != b'-').collect();
    if digits.len() != 32 {
        return None;
    }
    digits.chunks(2).map(|pair| std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok())).collect()
}

fn json_to_value(value: &Value) -> Sql {
    match value {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// A value kept as JSON text (a conflict's sides) as SQLite stores it.
pub(crate) fn json_to_sql(text: Option<&str>) -> Result<Sql> {
    match text {
        None => Ok(Sql::Null),
        Some(t) => serde_json::from_str(t)
            .map(|v| json_to_value(&v))
            .map_err(|e| Invalid::new("sync.bad_value", "value").with("detail", e).into()),
    }
}

fn sql_to_json(value: Sql) -> Value {
    match value {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => Value::from(f),
        Sql::Text(s) => Value::String(s),
        Sql::Blob(b) => Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}
