//! Backup and restore: a consistent copy while the app writes, and a restore that checks
//! the file and keeps the current data aside first.

mod common;

use carecircle_core::{CoreError, Db};

#[test]
fn backup_then_restore_brings_the_data_back() {
    let (t, _admin) = common::seeded();
    let backup = t.dir.path().join("backup.db");
    t.db.backup_to(&backup).unwrap();
    // The demo's children have a year of health records and check-ins (collected by their
    // contacts), which go first (foreign keys).
    t.db.write(|c| {
        Ok(c.execute_batch(
            "DELETE FROM attendance WHERE person_kind = 'child';
             DELETE FROM child_medicine_doses; DELETE FROM child_medicines; DELETE FROM child_checks;
             DELETE FROM growth_measurements; DELETE FROM children;",
        )?)
    })
    .unwrap();
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM children"), 0);
    let safety = t.dir.path().join("backups/before.db");
    t.db.restore_from(&backup, &safety).unwrap();
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM children"), 500, "restored");
    let aside = Db::open(&safety, common::clock()).unwrap();
    assert_eq!(common::count(&aside, "SELECT count(*) FROM children"), 0, "the pre-restore state was kept aside");
}

#[test]
fn backup_is_consistent_while_another_connection_writes() {
    let (t, _admin) = common::seeded();
    let path = t.db.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        let other = Db::open(&path, common::clock()).unwrap();
        for i in 0..200 {
            other
                .write(|c| Ok(c.execute("UPDATE clients SET phone = ?1 WHERE id = 1", [format!("1380000{i:04}")])?))
                .unwrap();
        }
    });
    let backup = t.dir.path().join("during.db");
    t.db.backup_to(&backup).unwrap();
    writer.join().unwrap();
    let copy = Db::open(&backup, common::clock()).unwrap();
    let ok: String = copy.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(common::count(&copy, "SELECT count(*) FROM clients"), 6_000);
}

#[test]
fn restoring_a_file_that_is_not_a_carecircle_backup_changes_nothing() {
    let (t, _admin) = common::seeded();
    let junk = t.dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 10_000]).unwrap();
    let safety = t.dir.path().join("safety.db");
    assert!(matches!(t.db.restore_from(&junk, &safety), Err(CoreError::NotADatabase { .. })));
    assert!(matches!(t.db.restore_from(t.dir.path().join("missing.db"), &safety), Err(CoreError::NotADatabase { .. })));
    assert!(!safety.exists(), "no safety copy was needed");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM clients"), 6_000);
}
