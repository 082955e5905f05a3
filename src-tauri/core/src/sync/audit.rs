//! The audit log through the hub (docs/sync.md, "The audit log"): this PC's entries go to
//! `hub.audit` as they were sealed, and the entries of the PCs this PC may read (its
//! centre's; at the city office every PC's) come back into `audit_remote`. The local hash
//! chain never takes in another PC's entry, so it stays whole; an entry received is checked
//! against its own seal before it is kept.
//!
//! Both directions are safe to repeat: the hub keeps an entry once (the key (pc, hash)),
//! and an entry received is kept under its place in the hub's log.

use postgres::Client;
use rusqlite::params;

use super::exchange::hub_error;
use crate::error::{Invalid, Result};
use crate::services::audit::{Owned, GENESIS};
use crate::store::Db;

/// Entries per batch: one hub transaction, one SQLite transaction.
const BATCH: i64 = 2000;

/// Pushes of entries serialise at the hub, so the log's ids are handed out in commit order
/// (as the changes' are, `exchange::PUSH_LOCK`).
const PUSH_LOCK: i64 = 43_435_245;

/// The audit entities that name one record of a synced table by its id here: an entry
/// about one travels with the record's uid, so the PC that reads it finds the record under
/// its own id.
const RECORDS: &[(&str, &str)] = &[
    ("account", "accounts"),
    ("alert", "alerts"),
    ("assessment", "assessments"),
    ("booking", "bookings"),
    ("checkup", "checkups"),
    ("child", "children"),
    ("child_check", "child_checks"),
    ("child_medicine", "child_medicines"),
    ("client", "clients"),
    ("dish", "dishes"),
    ("facility", "facilities"),
    ("food_sample", "food_samples"),
    ("growth_measurement", "growth_measurements"),
    ("leave", "staff_leave"),
    ("medicine_dose", "child_medicine_doses"),
    ("menu", "menus"),
    ("plan_item", "care_plan_items"),
    ("staff", "staff"),
    ("standing_order", "standing_orders"),
    ("visit", "visits"),
    ("visit_series", "visit_series"),
];

/// SQL over the entry named `row`: the uid of the record it is about, as `uid_sql` writes
/// it (`lower(hex(uid))` going out, and `CAST(id AS TEXT)` coming back with `key` the uid).
fn record_sql(row: &str, column: &str, key: &str) -> String {
    let arms: String = RECORDS
        .iter()
        .map(|(entity, table)| format!(" WHEN '{entity}' THEN (SELECT {column} FROM \"{table}\" WHERE {key})"))
        .collect();
    format!("CASE {row}.entity{arms} END")
}

/// An entry going out: as sealed, with what the reader needs besides.
struct Outgoing {
    entry: Owned,
    prev_hash: String,
    display_name: Option<String>,
    entity_uid: Option<String>,
}

/// Sends this PC's entries the hub does not have yet, oldest first. Returns how many.
pub(crate) fn push(db: &Db, client: &mut Client, pc: &str, facility: Option<i64>) -> Result<usize> {
    // The record by the entry's id (an id in the entry's text column finds the row's
    // integer id by SQLite's comparison rules; a file name or a code finds nothing).
    let uid = record_sql("l", "lower(hex(uid))", "id = l.entity_id");
    let sql = format!(
        "SELECT l.id, l.at, l.account_id, l.username, l.action, l.entity, l.entity_id, l.facility_id,
                l.before_json, l.after_json, l.hash,
                coalesce((SELECT p.hash FROM audit_log p WHERE p.id < l.id ORDER BY p.id DESC LIMIT 1), ?2),
                a.display_name, {uid}
         FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
         WHERE l.id > (SELECT audit_pushed FROM sync_state) ORDER BY l.id LIMIT ?1"
    );
    let mut sent = 0;
    loop {
        let batch: Vec<Outgoing> = db.read(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![BATCH, GENESIS], |r| {
                Ok(Outgoing {
                    entry: Owned::read(r)?,
                    prev_hash: r.get(11)?,
                    display_name: r.get(12)?,
                    entity_uid: r.get(13)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let Some(last) = batch.last().map(|o| o.entry.id) else { break };
        let e = |f: fn(&Owned) -> Option<&str>| batch.iter().map(|o| f(&o.entry)).collect::<Vec<_>>();
        let entry_id: Vec<i64> = batch.iter().map(|o| o.entry.id).collect();
        let account_id: Vec<i64> = batch.iter().map(|o| o.entry.account_id).collect();
        let entry_facility: Vec<Option<i32>> = batch.iter().map(|o| o.entry.facility_id.map(|f| f as i32)).collect();
        let prev_hash: Vec<&str> = batch.iter().map(|o| o.prev_hash.as_str()).collect();
        let display_name: Vec<Option<&str>> = batch.iter().map(|o| o.display_name.as_deref()).collect();
        let entity_uid: Vec<Option<&str>> = batch.iter().map(|o| o.entity_uid.as_deref()).collect();
        let mut tx = client.transaction().map_err(hub_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK]).map_err(hub_error)?;
        tx.execute(
            "INSERT INTO hub.audit (facility_id, pc, entry_id, at, account_id, username, action, entity, entity_id,
                                    entry_facility_id, before_json, after_json, prev_hash, hash, display_name, entity_uid)
             SELECT $1, $2::text::uuid, n, at, a, u, act, ent, eid, ef, b, af, ph, h, dn, eu::uuid
             FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
                  AS t(n, at, a, u, act, ent, eid, ef, b, af, ph, h, dn, eu)
             ORDER BY n
             ON CONFLICT (pc, hash) DO NOTHING",
            &[
                &facility.map(|f| f as i32),
                &pc,
                &entry_id,
                &e(|o| Some(&o.at)),
                &account_id,
                &e(|o| Some(&o.username)),
                &e(|o| Some(&o.action)),
                &e(|o| Some(&o.entity)),
                &e(|o| o.entity_id.as_deref()),
                &entry_facility,
                &e(|o| o.before_json.as_deref()),
                &e(|o| o.after_json.as_deref()),
                &prev_hash,
                &e(|o| o.hash.as_deref()),
                &display_name,
                &entity_uid,
            ],
        )
        .map_err(hub_error)?;
        tx.commit().map_err(hub_error)?;
        db.write(|tx| Ok(tx.execute("UPDATE sync_state SET audit_pushed = max(audit_pushed, ?1)", [last])?))?;
        sent += batch.len();
    }
    Ok(sent)
}

/// Receives the entries of the other PCs this PC may read, after the last one received.
/// An entry that does not match its own seal (changed at the hub, or sent by a PC that
/// forged it) stops the pull with `sync.audit_forged`, before anything of its batch is kept.
pub(crate) fn pull(db: &Db, client: &mut Client, pc: &str, facility: Option<i64>) -> Result<usize> {
    let mut received = 0;
    loop {
        let after: i64 = db.read(|c| Ok(c.query_row("SELECT audit_pulled FROM sync_state", [], |r| r.get(0))?))?;
        const COLUMNS: &str = "id, pc::text, facility_id, entry_id, at, account_id, username, action, entity, entity_id,
                               entry_facility_id, before_json, after_json, prev_hash, hash, display_name, entity_uid::text";
        let rows = match facility {
            // By the index on (facility, id), as the changes are pulled.
            Some(f) => client.query(
                &format!(
                    "SELECT {COLUMNS} FROM hub.audit WHERE facility_id = $4 AND id > $1 AND pc <> $2::text::uuid
                     ORDER BY id LIMIT $3"
                ),
                &[&after, &pc, &BATCH, &(f as i32)],
            ),
            None => client.query(
                &format!("SELECT {COLUMNS} FROM hub.audit WHERE id > $1 AND pc <> $2::text::uuid ORDER BY id LIMIT $3"),
                &[&after, &pc, &BATCH],
            ),
        }
        .map_err(hub_error)?;
        let Some(last) = rows.last().map(|r| r.get::<_, i64>(0)) else { break };
        db.write(|tx| {
            let mut keep = tx.prepare_cached(
                "INSERT OR IGNORE INTO audit_remote (hub_id, pc, pc_facility_id, entry_id, at, account_id, username,
                     action, entity, entity_id, facility_id, before_json, after_json, prev_hash, hash, display_name,
                     entity_uid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
            for r in &rows {
                let entry = Owned {
                    id: r.get(3),
                    at: r.get(4),
                    account_id: r.get(5),
                    username: r.get(6),
                    action: r.get(7),
                    entity: r.get(8),
                    entity_id: r.get(9),
                    facility_id: r.get::<_, Option<i32>>(10).map(i64::from),
                    before_json: r.get(11),
                    after_json: r.get(12),
                    hash: r.get(14),
                };
                let (from_pc, prev_hash): (String, String) = (r.get(1), r.get(13));
                if entry.hash.as_deref() != Some(entry.sealed().hash(&prev_hash).as_str()) {
                    return Err(Invalid::new("sync.audit_forged", "audit")
                        .with("pc", &from_pc)
                        .with("entry", entry.id)
                        .into());
                }
                let entity_uid = r.get::<_, Option<String>>(16).map(|u| uuid_bytes(&u)).transpose()?;
                keep.execute(params![
                    r.get::<_, i64>(0),
                    from_pc,
                    r.get::<_, Option<i32>>(2),
                    entry.id,
                    entry.at,
                    entry.account_id,
                    entry.username,
                    entry.action,
                    entry.entity,
                    entry.entity_id,
                    entry.facility_id,
                    entry.before_json,
                    entry.after_json,
                    prev_hash,
                    entry.hash,
                    r.get::<_, Option<String>>(15),
                    entity_uid,
                ])?;
            }
            tx.execute("UPDATE sync_state SET audit_pulled = max(audit_pulled, ?1)", [last])?;
            Ok(())
        })?;
        received += rows.len();
    }
    Ok(received)
}

/// A uuid as PostgreSQL writes it, as the 16 bytes a uid is kept in.
fn uuid_bytes(text: &str) -> Result<Vec<u8>> {
    super::apply::decode_hex(text).ok_or_else(|| Invalid::new("sync.bad_uid", "uid").with("uid", text).into())
}

/// SQL over the remote entry named `row`: the id here of the record it is about (None when
/// it has not arrived here), or, for an entry about no record that travels, its id as sent.
pub(crate) fn local_entity_id_sql(row: &str) -> String {
    let found = record_sql(row, "CAST(id AS TEXT)", &format!("uid = {row}.entity_uid"));
    format!("CASE WHEN {row}.entity_uid IS NULL THEN {row}.entity_id ELSE {found} END")
}
