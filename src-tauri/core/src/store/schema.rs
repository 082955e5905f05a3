//! The one place for the schema. Each migration is a numbered SQL file; the schema
//! version is SQLite's `user_version`. Migrations only go forward, and a database whose
//! version is newer than this app knows is refused rather than misread.

use rusqlite::{Connection, Transaction};
use rusqlite_migration::{HookError, Migrations, M};

use crate::error::{CoreError, Result};

/// Each step's SQL, in order.
const STEP_SQL: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_people.sql"),
    include_str!("migrations/003_name_keys.sql"),
    include_str!("migrations/004_checkups.sql"),
    include_str!("migrations/005_checkup_purpose.sql"),
    include_str!("migrations/006_child_health.sql"),
    include_str!("migrations/007_meals.sql"),
    include_str!("migrations/008_visits.sql"),
    include_str!("migrations/009_checkup_corrections.sql"),
    include_str!("migrations/010_audit_chain.sql"),
    include_str!("migrations/011_sessions.sql"),
    include_str!("migrations/012_sync.sql"),
    include_str!("migrations/013_sync_hub.sql"),
    include_str!("migrations/014_sync_audit.sql"),
    include_str!("migrations/015_attendance_by_person.sql"),
    include_str!("migrations/016_covering_client_indexes.sql"),
    include_str!("migrations/017_incidents.sql"),
    include_str!("migrations/018_payments.sql"),
    include_str!("migrations/019_fees.sql"),
    include_str!("migrations/020_settlements.sql"),
    include_str!("migrations/021_ledger_months.sql"),
    include_str!("migrations/022_client_rolls_index.sql"),
    include_str!("migrations/023_foreign_key_indexes.sql"),
    include_str!("migrations/024_families.sql"),
];

/// The steps: their SQL, and for a step that must compute what SQL cannot, the Rust that
/// runs after it in the same transaction.
fn steps() -> Vec<M<'static>> {
    STEP_SQL
        .iter()
        .enumerate()
        .map(|(i, sql)| match i + 1 {
            // The entries already written are hashed in order, then the table is sealed.
            10 => M::up_with_hook(sql, |tx: &Transaction| {
                crate::services::audit::seal_existing(tx).map_err(|e| HookError::Hook(e.to_string()))
            }),
            _ => M::up(sql),
        })
        .collect()
}

/// The schema version this build creates and understands.
pub const LATEST_VERSION: i64 = STEP_SQL.len() as i64;

/// `PRAGMA application_id` of a CareCircle database ('CCRC').
pub const APPLICATION_ID: i64 = 0x4343_5243;

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Refuses files that are not ours, or are from a newer CareCircle.
pub fn check_compatible(conn: &Connection, path: &str) -> Result<()> {
    let version = user_version(conn)?;
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    let ours = app_id == APPLICATION_ID || (version == 0 && app_id == 0 && tables == 0);
    if !ours {
        return Err(CoreError::NotADatabase { path: path.to_string() });
    }
    if version > LATEST_VERSION {
        return Err(CoreError::DatabaseTooNew { found: version, supported: LATEST_VERSION });
    }
    Ok(())
}

/// Brings the database to [`LATEST_VERSION`], each step in its own IMMEDIATE transaction
/// (`to_latest` would run them all in one): a step that fails rolls back alone, and the
/// steps before it stay done. The caller has made a verified backup first (`Db::open`).
pub fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    check_compatible(conn, path)?;
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    if user_version(conn)? < LATEST_VERSION {
        // A step changes every PC's database alike: it is not a change of this PC's to send,
        // nor one the city office's guards refuse. The sync triggers are written again
        // after the open (sync::after_open).
        crate::sync::drop_triggers(conn)?;
    }
    let migrations = Migrations::new(steps());
    // The version is read again before each step: a second window opening the same file
    // at the same moment may have taken some steps already (never ask for a step back).
    loop {
        let current = user_version(conn)?;
        if current >= LATEST_VERSION {
            return Ok(());
        }
        migrations.to_version(conn, current as usize + 1)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        // validate() runs them on a bare connection; ours registers pinyin_key() first.
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::db::register_functions(&conn).unwrap();
        migrate(&mut conn, ":memory:").unwrap();
        assert_eq!(user_version(&conn).unwrap(), LATEST_VERSION);
    }

    #[test]
    fn a_failing_step_rolls_back_alone() {
        // Steps 1..=LATEST-1 done, then a step that fails half-way: its first statement is
        // undone with it, the earlier steps stay.
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::db::register_functions(&conn).unwrap();
        Migrations::new(steps()).to_version(&mut conn, 2).unwrap();
        let broken = M::up("CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);");
        let with_broken: Vec<M> = steps().into_iter().take(2).chain([broken]).collect();
        assert!(Migrations::new(with_broken).to_version(&mut conn, 3).is_err());
        assert_eq!(user_version(&conn).unwrap(), 2);
        let half: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'", [], |r| r.get(0)).unwrap();
        assert_eq!(half, 0, "the failed step left nothing behind");
    }
}
