//! Recording this PC's changes (docs/sync.md, "Recording changes"): triggers on every
//! synced table append each insert, update and delete to `sync_outbox`, in the transaction
//! of the write, with the fields it set (references as the uid of the row referred to) and
//! a tick of the hybrid logical clock. Written from the live schema when the PC joins and
//! again at each open, so a migration that adds a column is followed.

use rusqlite::{params, Connection};

use super::entities::{self, Entity, Scope, Target, ENTITIES};
use crate::domain::person::PersonKind;
use crate::error::Result;

/// What a column refers to, as the triggers and the apply step see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reference {
    /// A row of this table, by a foreign key.
    Table(String),
    /// A row of this table, by a declared soft reference (no foreign key: who recorded a
    /// checkup, who gave a dose).
    Soft(String),
    /// A row of one of several tables, by the value in this column of the same row:
    /// (value, table) pairs.
    OneOf(&'static str, &'static [(&'static str, &'static str)]),
}

/// A synced table's columns that travel (not `id`, `uid` or the PC's own state).
#[derive(Debug)]
pub(crate) struct TableShape {
    pub columns: Vec<(String, Option<Reference>)>,
}

impl TableShape {
    pub fn read(conn: &Connection, entity: &'static Entity) -> Result<TableShape> {
        let foreign: Vec<(String, String)> = conn
            .prepare("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([entity.table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let names: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([entity.table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let columns = names
            .into_iter()
            .filter(|c| c != "id" && c != "uid" && !entity.local_columns.contains(&c.as_str()))
            .map(|c| {
                let soft = entity.soft_refs.iter().find(|(name, _)| *name == c).map(|(_, target)| match target {
                    Target::Table(t) => Reference::Soft(t.to_string()),
                    Target::OneOf { kind_column, tables } => Reference::OneOf(kind_column, tables),
                });
                let reference = soft
                    .or_else(|| foreign.iter().find(|(from, _)| *from == c).map(|(_, t)| Reference::Table(t.clone())));
                (c, reference)
            })
            .collect();
        Ok(TableShape { columns })
    }

    /// The value a column travels as, over the row named `row`.
    fn value_sql(&self, row: &str, column: &str, reference: &Option<Reference>) -> String {
        match reference {
            // JSON keeps 15 digits of a real; 17 as text bring back the same number (the
            // column's affinity turns the text back into a real).
            None => format!(
                "CASE WHEN typeof({row}.\"{column}\") = 'real' THEN printf('%!.17g', {row}.\"{column}\") ELSE {row}.\"{column}\" END"
            ),
            // A soft reference to no row (the demo's "nobody", 0) travels as it is.
            Some(Reference::Table(t) | Reference::Soft(t)) => {
                format!("coalesce((SELECT lower(hex(uid)) FROM \"{t}\" WHERE id = {row}.\"{column}\"), {row}.\"{column}\")")
            }
            Some(Reference::OneOf(kind, tables)) => {
                let arms: Vec<String> = tables
                    .iter()
                    .map(|(value, t)| {
                        format!("WHEN '{value}' THEN (SELECT lower(hex(uid)) FROM \"{t}\" WHERE id = {row}.\"{column}\")")
                    })
                    .collect();
                format!("CASE {row}.\"{kind}\" {} END", arms.join(" "))
            }
        }
    }

    /// Every field of the row named `row`, as a JSON object.
    pub fn fields_sql(&self, row: &str) -> String {
        let pairs: Vec<String> =
            self.columns.iter().map(|(c, r)| format!("'{c}', {}", self.value_sql(row, c, r))).collect();
        format!("json_object({})", pairs.join(", "))
    }

    /// The fields an update changed, as a JSON object (`{}` when none did).
    fn changed_fields_sql(&self) -> String {
        let pairs: Vec<String> = self
            .columns
            .iter()
            .map(|(c, r)| {
                format!("SELECT '{c}' AS k, {} AS v WHERE OLD.\"{c}\" IS NOT NEW.\"{c}\"", self.value_sql("NEW", c, r))
            })
            .collect();
        format!("(SELECT json_group_object(k, v) FROM ({}))", pairs.join(" UNION ALL "))
    }
}

/// One tick of this PC's hybrid logical clock: past the store's clock and past every clock
/// seen so far (`sync_clock_ms()` is the store's clock, registered on the writer).
const TICK: &str = "UPDATE sync_state SET hlc_n = CASE WHEN sync_clock_ms() > hlc_ms THEN 0 ELSE hlc_n + 1 END, \
                    hlc_ms = max(hlc_ms, sync_clock_ms())";
/// The clock's text, which sorts in clock order.
const HLC: &str = "printf('%013d.%05d.%s', s.hlc_ms, s.hlc_n, s.pc)";
/// Changes are recorded once the PC has joined, and not while the hub's are applied.
const RECORDING: &str = "(SELECT pc IS NOT NULL AND applying = 0 FROM sync_state)";

/// At the city office's PC, outside of applying the hub's changes: its copy of a facility's
/// records is read-only (docs/sync.md, "Recording changes").
const AT_CITY_OFFICE: &str = "(SELECT pc IS NOT NULL AND facility_id IS NULL AND applying = 0 FROM sync_state)";

/// The recording triggers (insert, update, delete), then the city office's guards.
fn trigger_names(table: &str) -> [String; 6] {
    ["i", "u", "d", "ro_i", "ro_u", "ro_d"].map(|op| format!("sync_{table}_{op}"))
}

/// (Re)writes the triggers of every synced table from the live schema.
pub(crate) fn install(conn: &Connection) -> Result<()> {
    drop_all(conn)?;
    for entity in ENTITIES {
        let shape = TableShape::read(conn, entity)?;
        let t = entity.table;
        let [ins, upd, del, ro_ins, ro_upd, ro_del] = trigger_names(t);
        let (new_f, old_f) = (entity.sent_under_sql("NEW"), entity.sent_under_sql("OLD"));
        let row_f = entity.sent_under_sql("r");
        conn.execute_batch(&format!(
            "CREATE TRIGGER {ins} AFTER INSERT ON \"{t}\" WHEN {RECORDING} BEGIN
               UPDATE \"{t}\" SET uid = {new_uid} WHERE rowid = NEW.rowid AND uid IS NULL;
               {TICK};
               INSERT INTO sync_outbox (entity, uid, op, fields, hlc, facility_id, seen)
               SELECT '{t}', r.uid, 'i', {fields}, {HLC}, {row_f}, s.last_pulled
               FROM \"{t}\" r, sync_state s WHERE r.rowid = NEW.rowid AND {row_sent};
             END;
             CREATE TRIGGER {upd} AFTER UPDATE ON \"{t}\" WHEN OLD.uid IS NOT NULL AND {RECORDING} BEGIN
               {TICK};
               INSERT INTO sync_outbox (entity, uid, op, fields, hlc, facility_id, seen)
               SELECT '{t}', NEW.uid, 'u', f.fields, {HLC}, {new_f}, s.last_pulled
               FROM sync_state s, (SELECT {changed} AS fields) f
               WHERE f.fields <> '{{}}' AND {new_sent};
             END;
             CREATE TRIGGER {del} AFTER DELETE ON \"{t}\" WHEN OLD.uid IS NOT NULL AND {RECORDING} BEGIN
               {TICK};
               INSERT INTO sync_outbox (entity, uid, op, fields, hlc, facility_id, seen)
               SELECT '{t}', OLD.uid, 'd', '{{}}', {HLC}, {old_f}, s.last_pulled
               FROM sync_state s WHERE {old_sent};
             END;",
            fields = shape.fields_sql("r"),
            changed = shape.changed_fields_sql(),
            new_uid = new_uid_sql(entity, t),
            row_sent = entity.sent_here_sql("r"),
            new_sent = entity.sent_here_sql("NEW"),
            old_sent = entity.sent_here_sql("OLD"),
        ))?;
        // The city office sends only the city's rows and the accounts it makes: a change it
        // made to a facility's record would stay on its PC alone, and its copy would no
        // longer be the facility's. Refused in words instead.
        if !entity.city_sends && !matches!(entity.scope, Scope::City) {
            let owned = |row: &str| format!("{} IS NOT NULL", entity.facility_sql(row));
            for (name, op, rows) in [
                (ro_ins, "INSERT", owned("NEW")),
                (ro_upd, "UPDATE", format!("{} OR {}", owned("OLD"), owned("NEW"))),
                (ro_del, "DELETE", owned("OLD")),
            ] {
                conn.execute_batch(&format!(
                    "CREATE TRIGGER {name} BEFORE {op} ON \"{t}\" WHEN {AT_CITY_OFFICE} AND ({rows}) BEGIN
                       SELECT RAISE(ABORT, '{CITY_READ_ONLY}');
                     END;"
                ))?;
            }
        }
    }
    Ok(())
}

/// The message of the city office's guards, which the store turns into the user's words.
pub(crate) const CITY_READ_ONLY: &str = "sync.city_read_only";

pub(crate) fn drop_all(conn: &Connection) -> Result<()> {
    for entity in ENTITIES {
        for name in trigger_names(entity.table) {
            conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
        }
    }
    Ok(())
}

/// A new row's uid: from its natural key when it has one (the same on every PC), else new.
fn new_uid_sql(entity: &Entity, table: &str) -> String {
    match entity.natural_key {
        Some(key) => format!("sync_key_uid('{table}', \"{key}\")"),
        None => "sync_new_uid()".to_string(),
    }
}

/// Gives every row without one its uid, and an index to find rows by it.
pub(crate) fn assign_uids(conn: &Connection) -> Result<()> {
    assign_uids_of(conn, |_| true)
}

/// [`assign_uids`] for the entities `which` picks.
pub(crate) fn assign_uids_of(conn: &Connection, which: impl Fn(&Entity) -> bool) -> Result<()> {
    for entity in ENTITIES.iter().filter(|e| which(e)) {
        let t = entity.table;
        conn.execute(&format!("UPDATE \"{t}\" SET uid = {} WHERE uid IS NULL", new_uid_sql(entity, t)), [])?;
        conn.execute_batch(&format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS {t}_uid ON \"{t}\" (uid) WHERE uid IS NOT NULL"
        ))?;
    }
    Ok(())
}

/// Queues every row this PC answers for as an insert: what a PC holds when it joins
/// reaches the hub like any later change. Returns how many rows were queued.
pub(crate) fn snapshot(conn: &Connection) -> Result<usize> {
    conn.execute_batch(TICK)?;
    let facility: Option<i64> = conn.query_row("SELECT facility_id FROM sync_state", [], |r| r.get(0))?;
    let mut queued = 0;
    for entity in ENTITIES {
        let shape = TableShape::read(conn, entity)?;
        queued += conn.execute(&queue_rows_sql(entity, &shape, "?1", &entity.belongs_sql("r")), [facility])?;
    }
    Ok(queued)
}

/// SQL that queues the rows of `entity` that `which` names (over the row `r`) as inserts,
/// under the facility `under` (SQL), in the order they were made.
fn queue_rows_sql(entity: &Entity, shape: &TableShape, under: &str, which: &str) -> String {
    let t = entity.table;
    format!(
        "INSERT INTO sync_outbox (entity, uid, op, fields, hlc, facility_id, seen)
         SELECT '{t}', r.uid, 'i', {fields}, {HLC}, {under}, s.last_pulled
         FROM \"{t}\" r, sync_state s WHERE {which} ORDER BY r.rowid",
        fields = shape.fields_sql("r"),
    )
}

/// What the new facility's PCs need of a person moved there, parents first, as
/// (table, which rows): `?1` is the person, `?2` the new facility.
const MOVED_CLIENT: &[(&str, &str)] = &[
    ("clients", "r.id = ?1"),
    ("client_contacts", "r.client_id = ?1"),
    ("assessments", "r.client_id = ?1"),
    // What the move carried over (services/people/transfer.rs).
    ("care_plan_items", "r.client_id = ?1 AND r.facility_id = ?2"),
    // An open alert goes with the client, with the checkup that raised it (which stays the
    // old facility's: the new facility's nurses see what they follow up).
    ("checkups", "r.id IN (SELECT checkup_id FROM alerts WHERE client_id = ?1 AND facility_id = ?2)"),
    ("alerts", "r.client_id = ?1 AND r.facility_id = ?2"),
];
const MOVED_STAFF: &[(&str, &str)] = &[("staff", "r.id = ?1"), ("staff_leave", "r.staff_id = ?1")];
const MOVED_CHILD: &[(&str, &str)] = &[
    ("children", "r.id = ?1"),
    ("child_contacts", "r.child_id = ?1"),
    ("child_medicines", "r.child_id = ?1 AND r.facility_id = ?2"),
    (
        "child_medicine_doses",
        "r.medicine_id IN (SELECT id FROM child_medicines WHERE child_id = ?1 AND facility_id = ?2)",
    ),
];

/// Queues, under the facility `to`, the records of a person (client, child, member of
/// staff) this facility's PC has just moved there, as inserts: the new facility's PCs read
/// only their facility's changes and have never held the person (docs/sync.md, "A person
/// who moves"). In the transaction of the move; nothing when the PC has not joined or
/// while the hub's changes are applied (the city office's PC moves nobody: its copy of a
/// facility's records is read-only).
pub(crate) fn queue_move(conn: &Connection, kind: PersonKind, person: i64, to: i64) -> Result<usize> {
    let relaying: bool = conn.query_row(
        "SELECT pc IS NOT NULL AND applying = 0 AND facility_id IS NOT NULL AND facility_id <> ?1 FROM sync_state",
        [to],
        |r| r.get(0),
    )?;
    if !relaying {
        return Ok(0);
    }
    let rows = match kind {
        PersonKind::Client => MOVED_CLIENT,
        PersonKind::Child => MOVED_CHILD,
        PersonKind::Staff => MOVED_STAFF,
    };
    let mut queued = 0;
    for (table, which) in rows {
        let entity = entities::find(table).expect("a synced table");
        let shape = TableShape::read(conn, entity)?;
        conn.execute_batch(TICK)?;
        let which = format!("{which} AND r.uid IS NOT NULL");
        queued += conn.execute(&queue_rows_sql(entity, &shape, "?2", &which), params![person, to])?;
    }
    Ok(queued)
}

/// Queues the current value of `fields` of one row as a change, whatever they were before:
/// a manager keeping this PC's side of a conflict.
pub(crate) fn queue_fields(conn: &Connection, entity: &'static Entity, id: i64, fields: &[&str]) -> Result<()> {
    let shape = TableShape::read(conn, entity)?;
    let pairs: Vec<String> = shape
        .columns
        .iter()
        .filter(|(c, _)| fields.contains(&c.as_str()))
        .map(|(c, r)| format!("'{c}', {}", shape.value_sql("r", c, r)))
        .collect();
    let t = entity.table;
    let row_f = entity.sent_under_sql("r");
    conn.execute_batch(TICK)?;
    conn.execute(
        &format!(
            "INSERT INTO sync_outbox (entity, uid, op, fields, hlc, facility_id, seen)
             SELECT '{t}', r.uid, 'u', json_object({}), {HLC}, {row_f}, s.last_pulled
             FROM \"{t}\" r, sync_state s WHERE r.rowid = ?1",
            pairs.join(", ")
        ),
        [id],
    )?;
    Ok(())
}

/// Every row of `entity` that belongs to `facility` (None: the city's), in the form it travels
/// in, as `uid|fields` lines ordered by uid: the same on every PC that holds the same records.
pub(crate) fn travel_lines(conn: &Connection, entity: &'static Entity, facility: Option<i64>) -> Result<Vec<String>> {
    let shape = TableShape::read(conn, entity)?;
    let t = entity.table;
    let sql = format!(
        "SELECT lower(hex(r.uid)) || '|' || {fields} FROM \"{t}\" r WHERE {belongs} AND r.uid IS NOT NULL ORDER BY r.uid",
        fields = shape.fields_sql("r"),
        belongs = entity.belongs_sql("r"),
    );
    let mut stmt = conn.prepare(&sql)?;
    let lines = stmt.query_map([facility], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

/// Gives every change waiting to be sent a number after `top` and a new clock after `clock`
/// (the hub's last number and clock of this PC), keeping their order: a PC restored from a
/// backup would otherwise reuse numbers and clocks its changes since the backup had.
pub(crate) fn renumber(conn: &Connection, top: i64, clock: &str) -> Result<()> {
    let mut parts = clock.split('.');
    let ms: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let n: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    conn.execute(
        "UPDATE sync_state SET hlc_n = CASE WHEN ?1 > hlc_ms OR (?1 = hlc_ms AND ?2 > hlc_n) THEN ?2 ELSE hlc_n END,
                               hlc_ms = max(hlc_ms, ?1)",
        [ms, n],
    )?;
    conn.execute_batch("UPDATE sync_outbox SET seq = -seq")?;
    let waiting: Vec<i64> = conn
        .prepare("SELECT seq FROM sync_outbox ORDER BY seq DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for negated in waiting {
        conn.execute_batch(TICK)?;
        conn.execute(
            &format!("UPDATE sync_outbox SET seq = ?1, hlc = (SELECT {HLC} FROM sync_state s) WHERE seq = ?2"),
            [top - negated, negated],
        )?;
    }
    Ok(())
}
