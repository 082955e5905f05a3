//! Pushing this PC's outbox to the hub and pulling the other PCs' changes, in batches
//! (docs/sync.md, "Pushing and pulling"). Both are safe to repeat and to cut short: the hub
//! ignores a change it holds already (the key (pc, seq)), and each pulled batch is applied
//! in one SQLite transaction with the place it reached.

use postgres::Client;
use serde::Serialize;
use ts_rs::TS;

use super::apply::{self, Incoming};
use crate::error::{CoreError, Invalid, Result};
pub(super) use crate::hub::hub_error;
use crate::store::{utc_stamp, Db};

/// Changes per batch: one hub transaction, one SQLite transaction.
const BATCH: i64 = 2000;

/// Pushes serialise at the hub, so the log's ids are handed out in the order the pushes
/// commit: a PC pulling "after id N" never skips a change committed later with a smaller id.
const PUSH_LOCK: i64 = 43_435_244;

struct Outgoing {
    seq: i64,
    entity: String,
    uid: Vec<u8>,
    uid_hex: String,
    op: String,
    fields: String,
    hlc: String,
    facility_id: Option<i64>,
    seen: i64,
}

/// This PC's id at the hub and its facility (None: the city office); refused before joining.
fn me(db: &Db) -> Result<(String, Option<i64>)> {
    let (pc, facility): (Option<String>, Option<i64>) =
        db.read(|c| Ok(c.query_row("SELECT pc, facility_id FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?)))?))?;
    Ok((pc.ok_or_else(|| Invalid::new("sync.not_joined", "pc"))?, facility))
}

/// Sends the outbox, oldest first. Returns how many changes were sent.
pub fn push(db: &Db, client: &mut Client) -> Result<usize> {
    let (pc, mine) = me(db)?;
    let mine: Option<i32> = mine.map(|f| f as i32);
    // The hub's last number for this PC: only a batch that starts at or below it (a resend,
    // or a PC restored from a backup) needs its contents compared with the hub's.
    let mut hub_top: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM hub.changes WHERE pc = $1::text::uuid", &[&pc])
        .map_err(hub_error)?
        .get(0);
    take_back_own(db, client, &pc, hub_top)?;
    let mut sent = 0;
    loop {
        let batch: Vec<Outgoing> = db.read(|c| {
            let mut stmt = c.prepare(
                "SELECT seq, entity, uid, lower(hex(uid)), op, fields, hlc, facility_id, seen
                 FROM sync_outbox ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([BATCH], |r| {
                Ok(Outgoing {
                    seq: r.get(0)?,
                    entity: r.get(1)?,
                    uid: r.get(2)?,
                    uid_hex: r.get(3)?,
                    op: r.get(4)?,
                    fields: r.get(5)?,
                    hlc: r.get(6)?,
                    facility_id: r.get(7)?,
                    seen: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let Some(last) = batch.last().map(|o| o.seq) else { break };
        let first = batch[0].seq;
        if first <= hub_top && numbers_reused(client, &pc, &batch)? {
            // Restored from a backup, this PC numbered and clocked its changes again from
            // where the backup stood: numbers the hub holds for other changes (it would take
            // them for resends and drop them), clocks no later than changes already sent.
            // They take new numbers and new clocks past the hub's, in order.
            let row = client
                .query_one("SELECT max(seq), max(hlc) FROM hub.changes WHERE pc = $1::text::uuid", &[&pc])
                .map_err(hub_error)?;
            let (top, clock): (i64, String) = (row.get(0), row.get(1));
            db.write(|tx| super::outbox::renumber(tx, top, &clock))?;
            continue;
        }
        let mut tx = client.transaction().map_err(hub_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK]).map_err(hub_error)?;
        // A change the hub holds already (sent by an attempt whose answer was lost) is left
        // out here, by its number, rather than by ON CONFLICT: under ON CONFLICT, PostgreSQL
        // 15 refused the moved records that the transaction's first statement had made
        // acceptable (tried; the same statement without it takes them). The push lock keeps
        // pushes one at a time, and (pc, seq) stays unique at the hub.
        let held: std::collections::HashSet<i64> = tx
            .query(
                "SELECT seq FROM hub.changes WHERE pc = $1::text::uuid AND seq BETWEEN $2 AND $3",
                &[&pc, &first, &last],
            )
            .map_err(hub_error)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let fresh: Vec<&Outgoing> = batch.iter().filter(|o| !held.contains(&o.seq)).collect();
        let facility: Vec<Option<i32>> = fresh.iter().map(|o| o.facility_id.map(|f| f as i32)).collect();
        let seq: Vec<i64> = fresh.iter().map(|o| o.seq).collect();
        let hlc: Vec<&str> = fresh.iter().map(|o| o.hlc.as_str()).collect();
        let entity: Vec<&str> = fresh.iter().map(|o| o.entity.as_str()).collect();
        let uid: Vec<&str> = fresh.iter().map(|o| o.uid_hex.as_str()).collect();
        let fields: Vec<&str> = fresh.iter().map(|o| o.fields.as_str()).collect();
        let op: Vec<&str> = fresh.iter().map(|o| o.op.as_str()).collect();
        let seen: Vec<i64> = fresh.iter().map(|o| o.seen).collect();
        // This PC's facility's changes first, then those sent under another facility (a
        // moved person's records): the hub takes those only for records this facility's log
        // holds already, and a person added and moved between two exchanges needs the first
        // statement's rows.
        for under_mine in [true, false] {
            tx.execute(
                "INSERT INTO hub.changes (facility_id, pc, seq, hlc, entity, uid, fields, op, seen)
                 SELECT f, $2::text::uuid, s, h, e, u::uuid, j::jsonb, o, n
                 FROM unnest($1::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
                      AS t(f, s, h, e, u, j, o, n)
                 WHERE (f IS NOT DISTINCT FROM $10) = $11
                 ORDER BY s",
                &[&facility, &pc, &seq, &hlc, &entity, &uid, &fields, &op, &seen, &mine, &under_mine],
            )
            .map_err(hub_error)?;
        }
        // Where each change stands in the log (one pushed before, by an attempt whose
        // answer was lost, keeps its first place).
        let placed: Vec<(i64, i64)> = tx
            .query(
                "SELECT seq, id FROM hub.changes WHERE pc = $1::text::uuid AND seq BETWEEN $2 AND $3",
                &[&pc, &first, &last],
            )
            .map_err(hub_error)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        tx.commit().map_err(hub_error)?;
        let placed: std::collections::HashMap<i64, i64> = placed.into_iter().collect();
        db.write(|tx| {
            let mut clock = tx.prepare(
                "INSERT INTO sync_field_clock (entity, uid, field, hlc, mine, hub_id)
                 SELECT ?1, ?2, key, ?3, 1, ?4 FROM json_each(?5) WHERE true
                 ON CONFLICT (entity, uid, field) DO UPDATE SET hlc = excluded.hlc, mine = 1, hub_id = excluded.hub_id
                 WHERE excluded.hlc > sync_field_clock.hlc",
            )?;
            for o in batch.iter().filter(|o| o.op == "u") {
                let hub_id = placed.get(&o.seq).copied().unwrap_or(0);
                clock.execute(rusqlite::params![o.entity, o.uid, o.hlc, hub_id, o.fields])?;
            }
            tx.execute("DELETE FROM sync_outbox WHERE seq <= ?1", [last])?;
            tx.execute("UPDATE sync_state SET acked_seq = max(acked_seq, ?1)", [last])?;
            Ok(())
        })?;
        hub_top = hub_top.max(last);
        sent += batch.len();
    }
    Ok(sent)
}

/// Whether the hub holds, under this PC's numbers of `batch`, changes other than these (a
/// resend after a lost answer holds the same ones: same clock, record and fields).
fn numbers_reused(client: &mut Client, pc: &str, batch: &[Outgoing]) -> Result<bool> {
    let seq: Vec<i64> = batch.iter().map(|o| o.seq).collect();
    let hlc: Vec<&str> = batch.iter().map(|o| o.hlc.as_str()).collect();
    let uid: Vec<&str> = batch.iter().map(|o| o.uid_hex.as_str()).collect();
    let fields: Vec<&str> = batch.iter().map(|o| o.fields.as_str()).collect();
    let other: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM hub.changes h
               JOIN unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS b(seq, hlc, uid, fields) ON h.seq = b.seq
               WHERE h.pc = $1::text::uuid
                 AND (h.hlc <> b.hlc OR h.uid <> b.uid::uuid OR h.fields <> b.fields::jsonb))",
            &[&pc, &seq, &hlc, &uid, &fields],
        )
        .map_err(hub_error)?
        .get(0);
    Ok(other)
}

/// What one pull did.
#[derive(Debug, Default, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct Pulled {
    #[ts(type = "number")]
    pub changes: usize,
    #[ts(type = "number")]
    pub rows: usize,
    #[ts(type = "number")]
    pub conflicts: usize,
}

/// Fetches and applies the other PCs' changes after the last one applied here.
pub fn pull(db: &Db, client: &mut Client) -> Result<Pulled> {
    let (pc, facility) = me(db)?;
    let mut pulled = Pulled::default();
    loop {
        let after: i64 = db.read(|c| Ok(c.query_row("SELECT last_pulled FROM sync_state", [], |r| r.get(0))?))?;
        let rows = match facility {
            // A facility's PC asks for its facility's changes and the city's by the index on
            // (facility, id): row-level security alone would have the hub read, and refuse, every
            // other facility's change since this PC's last (the whole city's day, each time).
            Some(f) => client.query(
                &format!("SELECT {CHANGE_COLUMNS} FROM (
                   (SELECT * FROM hub.changes WHERE facility_id = $4 AND id > $1 AND pc <> $2::text::uuid
                    ORDER BY id LIMIT $3)
                   UNION ALL
                   (SELECT * FROM hub.changes WHERE facility_id IS NULL AND id > $1 AND pc <> $2::text::uuid
                    ORDER BY id LIMIT $3)
                 ) c ORDER BY id LIMIT $3"),
                &[&after, &pc, &BATCH, &(f as i32)],
            ),
            // The city office reads every change.
            None => client.query(
                &format!(
                    "SELECT {CHANGE_COLUMNS} FROM hub.changes WHERE id > $1 AND pc <> $2::text::uuid ORDER BY id LIMIT $3"
                ),
                &[&after, &pc, &BATCH],
            ),
        }
        .map_err(hub_error)?;
        if rows.is_empty() {
            break;
        }
        let batch = incoming(&rows)?;
        let applied = db.write(|tx| apply::apply_batch(tx, &batch, &utc_stamp(tx.now()), true))?;
        pulled.changes += batch.len();
        pulled.rows += applied.rows;
        pulled.conflicts += applied.conflicts;
    }
    Ok(pulled)
}

/// The columns a pull reads of each change, in the order [`incoming`] takes them.
const CHANGE_COLUMNS: &str = "id, pc::text, hlc, entity, uid::text, fields::text, op, seen";

/// Changes as the hub sent them (the columns of [`CHANGE_COLUMNS`]), ready to apply.
fn incoming(rows: &[postgres::Row]) -> Result<Vec<Incoming>> {
    let mut batch = Vec::with_capacity(rows.len());
    for r in rows {
        let uid: String = r.get(4);
        let fields: String = r.get(5);
        let serde_json::Value::Object(fields) = serde_json::from_str(&fields)
            .map_err(|e| CoreError::Invalid(Invalid::new("sync.bad_value", "fields").with("detail", e)))?
        else {
            return Err(Invalid::new("sync.bad_value", "fields").into());
        };
        batch.push(Incoming {
            id: r.get(0),
            pc: r.get(1),
            hlc: r.get(2),
            entity: r.get(3),
            uid: apply::decode_hex(&uid).ok_or_else(|| Invalid::new("sync.bad_uid", "uid").with("uid", &uid))?,
            fields,
            op: r.get::<_, String>(6).trim().to_string(),
            seen: r.get(7),
        });
    }
    Ok(batch)
}

/// A PC restored from a backup lacks the changes it made, and sent, after the backup: the
/// hub holds changes of this PC past the last it is known to hold here (`acked_seq`). They
/// are taken back, applied like another PC's (per field, by their clocks; one of this PC's
/// still waiting here changes nothing), and this PC's numbering moves past them.
fn take_back_own(db: &Db, client: &mut Client, pc: &str, hub_top: i64) -> Result<()> {
    let acked: i64 = db.read(|c| Ok(c.query_row("SELECT acked_seq FROM sync_state", [], |r| r.get(0))?))?;
    if hub_top <= acked {
        return Ok(());
    }
    let mut after = acked;
    loop {
        let rows = client
            .query(
                &format!(
                    "SELECT {CHANGE_COLUMNS}, seq FROM hub.changes WHERE pc = $1::text::uuid AND seq > $2
                     ORDER BY seq LIMIT $3"
                ),
                &[&pc, &after, &BATCH],
            )
            .map_err(hub_error)?;
        let Some(last) = rows.last().map(|r| r.get::<_, i64>(8)) else { break };
        let batch = incoming(&rows)?;
        db.write(|tx| {
            apply::apply_batch(tx, &batch, &utc_stamp(tx.now()), false)?;
            tx.execute("UPDATE sync_state SET acked_seq = max(acked_seq, ?1)", [last])?;
            Ok(())
        })?;
        after = last;
    }
    // This PC's next change is numbered after every one the hub holds of it.
    db.write(|tx| {
        tx.execute("UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'sync_outbox'", [hub_top])?;
        Ok(())
    })
}

/// What one exchange with the hub did.
#[derive(Debug, Default, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct Exchanged {
    /// Changes sent.
    #[ts(type = "number")]
    pub pushed: usize,
    pub pulled: Pulled,
    /// Audit entries sent, and received from the other PCs (docs/sync.md, "The audit log").
    #[ts(type = "number")]
    pub audit_sent: usize,
    #[ts(type = "number")]
    pub audit_received: usize,
}

/// Pushes this PC's changes and audit entries, then pulls the other PCs'; the outcome (or
/// why it failed) goes on the status line.
pub fn exchange(db: &Db, client: &mut Client) -> Result<Exchanged> {
    let mut both = || -> Result<Exchanged> {
        let (pc, facility) = me(db)?;
        learn_number(db, client)?;
        let pushed = push(db, client)?;
        let audit_sent = super::audit::push(db, client, &pc, facility)?;
        let pulled = pull(db, client)?;
        let audit_received = super::audit::pull(db, client, &pc, facility)?;
        Ok(Exchanged { pushed, pulled, audit_sent, audit_received })
    };
    let done = both();
    match &done {
        Ok(_) => super::note_exchange(db, None)?,
        Err(e) => super::note_exchange(db, Some(e))?,
    }
    done
}

/// A PC that joined before the hub numbered its PCs (hub schema 5) learns its number at its
/// next exchange: its receipts carry it (docs/money.md). A hub not yet upgraded has none to
/// give: the exchange goes on, and the PC takes no money until it has one.
fn learn_number(db: &Db, client: &mut Client) -> Result<()> {
    let known: Option<i64> = db.read(|c| Ok(c.query_row("SELECT pc_number FROM sync_state", [], |r| r.get(0))?))?;
    if known.is_some() {
        return Ok(());
    }
    if let Ok(row) = client.query_one("SELECT hub.my_number()", &[]) {
        if let Some(number) = row.get::<_, Option<i32>>(0) {
            db.write(|tx| Ok(tx.execute("UPDATE sync_state SET pc_number = ?1", [i64::from(number)]).map(|_| ())?))?;
        }
    }
    Ok(())
}
