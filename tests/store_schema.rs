//! The schema: migrations go forward, a frozen v1 database upgrades to exactly the schema a
//! fresh database gets, and files that are too new or not ours are refused untouched.

use crate::common;

use carecircle_core::store::schema::{APPLICATION_ID, LATEST_VERSION};
use carecircle_core::{CoreError, Db};
use rusqlite::Connection;

fn schema_of(path: &std::path::Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c
        .prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<Vec<String>>>().unwrap();
    rows
}

#[test]
fn a_frozen_v1_database_upgrades_to_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    {
        let c = Connection::open(&old).unwrap();
        c.execute_batch(include_str!("fixtures/schema_v1.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, '旧数据生活圈')", []).unwrap();
    }
    let fresh = dir.path().join("fresh.db");
    drop(Db::open_or_create(&fresh, common::clock()).unwrap());
    let upgraded = Db::open(&old, common::clock()).unwrap();
    drop(upgraded);
    assert_eq!(schema_of(&old), schema_of(&fresh), "upgraded and fresh schemas differ");
    let c = Connection::open(&old).unwrap();
    let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST_VERSION);
    let kept: String = c.query_row("SELECT name FROM living_circles", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "旧数据生活圈", "the upgrade kept the old data");
}

#[test]
fn a_database_newer_than_the_app_is_refused_and_left_alone() {
    let t = common::temp_db();
    let path = t.db.path().to_path_buf();
    drop(t.db);
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    }
    match Db::open(&path, common::clock()) {
        Err(CoreError::DatabaseTooNew { found, supported }) => {
            assert_eq!((found, supported), (LATEST_VERSION + 1, LATEST_VERSION));
        }
        other => panic!("expected DatabaseTooNew, got {:?}", other.map(|_| ())),
    }
    let c = Connection::open(&path).unwrap();
    let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST_VERSION + 1, "the refused file was not changed");
    let msg = CoreError::DatabaseTooNew { found: 9, supported: 1 }.to_payload(carecircle_core::Locale::ZhCn).message;
    assert!(msg.contains("升级"), "the message tells the clerk what to do: {msg}");
}

#[test]
fn someone_else_s_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    assert!(matches!(Db::open(&path, common::clock()), Err(CoreError::NotADatabase { .. })));
    let text_file = dir.path().join("notes.txt");
    std::fs::write(
        &text_file,
        "这不是数据库 — not a database at all, just some text that is long enough to have a header",
    )
    .unwrap();
    assert!(matches!(Db::open(&text_file, common::clock()), Err(CoreError::NotADatabase { .. })));
}

#[test]
fn a_new_database_is_marked_as_ours_with_the_three_districts() {
    let t = common::temp_db();
    let id: i64 = t.db.read(|c| Ok(c.pragma_query_value(None, "application_id", |r| r.get(0))?)).unwrap();
    assert_eq!(id, APPLICATION_ID);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM districts WHERE code IN ('150302','150303','150304')"), 3);
}

/// Deleting a parent row looks up the rows that refer to it: each foreign key's column must
/// be found through an index, or every such delete scans the child table (migration 023).
#[test]
fn every_foreign_key_is_found_through_an_index() {
    let t = common::temp_db();
    let unindexed =
        t.db.read(|c| {
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut unindexed = Vec::new();
            let mut keys = 0;
            for table in tables {
                let columns: Vec<String> = c
                    .prepare(&format!("SELECT \"from\" FROM pragma_foreign_key_list('{table}')"))?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for column in columns {
                    keys += 1;
                    // The look-up SQLite makes for a deleted parent: the rows with its key.
                    let plan: Vec<String> = c
                        .prepare(&format!("EXPLAIN QUERY PLAN SELECT 1 FROM \"{table}\" WHERE \"{column}\" = ?1"))?
                        .query_map([1], |r| r.get::<_, String>(3))?
                        .collect::<rusqlite::Result<_>>()?;
                    if !plan.iter().any(|step| step.contains("USING") && step.contains("INDEX")) {
                        unindexed.push(format!("{table}.{column}: {plan:?}"));
                    }
                }
            }
            assert!(keys > 40, "the schema's foreign keys were read ({keys})");
            Ok(unindexed)
        })
        .unwrap();
    assert!(unindexed.is_empty(), "foreign keys scanned without an index:\n{}", unindexed.join("\n"));
}
