//! Backup and restore: a consistent copy while the app writes, and a restore that checks
//! the file and keeps the current data aside first.

use crate::common;

use carecircle_core::services::audit::AuditEntity;
use carecircle_core::services::search::{self, SearchCache};
use carecircle_core::services::{accounts, backups};
use carecircle_core::store::backup::{self, Kind, DAILY_KEPT};
use carecircle_core::{CoreError, Db, Role};
use chrono::Duration;

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

fn backups_in(db: &Db) -> Vec<carecircle_core::store::backup::BackupFile> {
    carecircle_core::store::backup::list(&db.backup_folder(), None).unwrap()
}

#[test]
fn the_first_start_of_each_day_backs_up_once_and_fourteen_daily_ones_are_kept() {
    let t = common::temp_db();
    accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    let first = backups::daily(&t.db).unwrap().expect("the day's first start backs up");
    assert_eq!(first.kind, "daily");
    assert!(first.file_name.starts_with("daily-20261129-100000"), "{}", first.file_name);
    assert!(backups::daily(&t.db).unwrap().is_none(), "once a day");
    // A manual backup and a pre-migration one are never pruned.
    t.db.backup_into_folder(&Kind::Manual).unwrap();
    t.db.backup_into_folder(&Kind::PreMigration { from: 7 }).unwrap();
    for _ in 0..20 {
        t.db.clock().advance(Duration::days(1));
        assert!(backups::daily(&t.db).unwrap().is_some());
    }
    let kept = backups_in(&t.db);
    let daily: Vec<_> = kept.iter().filter(|b| b.kind == "daily").collect();
    assert_eq!(daily.len(), DAILY_KEPT, "the newest fourteen daily backups");
    assert_eq!(daily[0].made_at, "2026-12-19T02:00:00Z", "newest first");
    assert_eq!(kept.iter().filter(|b| b.kind == "manual" || b.kind == "pre_migration").count(), 2);
    // Every one is a good copy: it opens and passes the checks.
    for b in &kept {
        backup::verify(std::path::Path::new(&b.path), b.schema_version, None).unwrap();
    }
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'backup' AND username = 'system'"),
        21,
        "each automatic backup is audited"
    );
    // The day turns at midnight in Wuhai: 23:59 is still the same day's backup.
    t.db.clock().advance(Duration::hours(13) + Duration::minutes(59));
    assert!(backups::daily(&t.db).unwrap().is_none());
    t.db.clock().advance(Duration::minutes(1));
    assert!(backups::daily(&t.db).unwrap().is_some());
}

#[test]
fn a_backup_that_fails_its_check_is_removed_and_says_why() {
    let t = common::temp_db();
    // A reference that points nowhere (written with the checks off, as a damaged file might be).
    let path = t.db.path().to_path_buf();
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "foreign_keys", "OFF").unwrap();
        raw.execute("INSERT INTO living_circles (district_id, name) VALUES (99, '无区')", []).unwrap();
    }
    let dest = t.dir.path().join("copy.db");
    match t.db.backup_to(&dest) {
        Err(CoreError::BackupFailed { detail, .. }) => assert!(detail.contains("foreign_key_check"), "{detail}"),
        other => panic!("expected a failed check, got {other:?}"),
    }
    assert!(!dest.exists() && !dest.with_extension("partial").exists(), "nothing left under either name");
}

#[test]
fn an_upgrade_is_preceded_by_a_checked_backup_of_the_old_schema() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        c.execute_batch(include_str!("fixtures/schema_v1.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, '旧数据生活圈')", []).unwrap();
    }
    let db = Db::open(&old, common::clock()).unwrap();
    let kept = backups_in(&db);
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].kind.as_str(), kept[0].schema_version), ("pre_migration", 1));
    assert!(kept[0].file_name.starts_with("pre-migration-v1-"), "{}", kept[0].file_name);
    let copy = rusqlite::Connection::open(&kept[0].path).unwrap();
    let name: String = copy.query_row("SELECT name FROM living_circles", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "旧数据生活圈");
    // A current database opens without one.
    drop(db);
    drop(Db::open(&old, common::clock()).unwrap());
    assert_eq!(carecircle_core::store::backup::list(&old.parent().unwrap().join("backups"), None).unwrap().len(), 1);
}

#[test]
fn a_restore_is_audited_on_both_sides_and_the_search_index_is_rebuilt() {
    let (t, admin) = common::seeded();
    let cache = SearchCache::new();
    let search = |text: &str| search::search(&t.db, &admin, &cache, text, &[], 20, common::today()).unwrap();
    let saved = backups::back_up_now(&t.db, &admin).unwrap();
    let name: String =
        t.db.read(|c| Ok(c.query_row("SELECT name FROM clients WHERE id = 1", [], |r| r.get(0))?)).unwrap();
    assert!(search(&name).iter().any(|h| h.id == 1));
    // After the backup the client is renamed; the index learns the new name.
    t.db.write(|c| Ok(c.execute("UPDATE clients SET name = '易名测试' WHERE id = 1", [])?)).unwrap();
    assert!(search("易名测试").iter().any(|h| h.id == 1));

    let report = backups::restore_listed(&t.db, &admin, &saved.file_name).unwrap();
    // The restored data is searched, not the index built before the restore.
    assert!(search("易名测试").is_empty(), "the index was rebuilt after the restore");
    assert!(search(&name).iter().any(|h| h.id == 1));
    // The restored database records the restore; the replaced one, saved aside, records
    // that it was replaced and keeps its own log.
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), 1);
    let aside = Db::open(&report.previous_saved_to, common::clock()).unwrap();
    assert_eq!(common::count(&aside, "SELECT count(*) FROM audit_log WHERE action = 'restore_replaced'"), 1);
    assert_eq!(common::count(&aside, "SELECT count(*) FROM clients WHERE name = '易名测试'"), 1);
    let listed = backups_in(&t.db);
    assert!(listed.iter().any(|b| b.kind == "before_restore" && b.path == report.previous_saved_to));
    // The copy set aside holds replaced data: the last good backup is still the one restored.
    assert_eq!(backups::status(&t.db, &admin).unwrap().latest.unwrap().file_name, saved.file_name);
}

#[test]
fn managers_back_up_only_the_city_office_restores_and_the_desk_does_neither() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let manager = common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(centre));
    let desk = common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(centre));
    let made = backups::back_up_now(&t.db, &manager).unwrap();
    assert_eq!(backups::status(&t.db, &manager).unwrap().latest.unwrap().file_name, made.file_name);
    assert!(matches!(backups::restore_listed(&t.db, &manager, &made.file_name), Err(CoreError::Forbidden)));
    assert!(matches!(backups::back_up_now(&t.db, &desk), Err(CoreError::Forbidden)));
    assert!(matches!(backups::status(&t.db, &desk), Err(CoreError::Forbidden)));
    assert!(matches!(
        backups::restore_listed(&t.db, &admin, "../carecircle.db"),
        Err(CoreError::NotFound { entity: AuditEntity::Backup, .. })
    ));
}
