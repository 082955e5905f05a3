//! Encryption at rest: the database, its WAL and its backups open to nobody without a valid
//! password (or the printed recovery key), and hold no name in the clear; the key follows
//! the accounts — a reset password opens it, the old one and a disabled account do not.

use crate::common;

use carecircle_core::demo;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::store::keyfile::{self, KeyFile};
use carecircle_core::store::Access;
use carecircle_core::{CoreError, Db, Role};

const ADMIN_PASSWORD: &str = "city-admin-1";

/// Whether `needle` occurs in the file's bytes (what `strings` would find).
fn file_holds(bytes: &[u8], needle: &str) -> bool {
    memchr::memmem::find(bytes, needle.as_bytes()).is_some()
}

#[test]
fn the_file_its_wal_and_its_backups_open_to_nobody_without_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carecircle.db");
    let (db, recovery) = Db::create_encrypted(&path, common::clock(), "admin", ADMIN_PASSWORD).unwrap();
    assert!(db.is_new() && db.is_encrypted());
    let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", ADMIN_PASSWORD).unwrap();
    demo::seed(&db, &admin, 1, &mut |_| {}).unwrap();
    let names: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT name FROM clients ORDER BY id LIMIT 30")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(names.len(), 30);
    let backup = dir.path().join("copy").join("备份.db");
    db.backup_to(&backup).unwrap();
    assert!(keyfile::path_for(&backup).is_file(), "the key file goes with the backup");
    db.backup_into_folder(&carecircle_core::store::backup::Kind::Manual).unwrap();
    // While the app runs, the WAL beside the file holds the newest pages: encrypted too.
    let wal = dir.path().join("carecircle.db-wal");
    let mut files = vec![path.clone(), backup.clone(), wal];
    for entry in std::fs::read_dir(db.backup_folder()).unwrap() {
        files.push(entry.unwrap().path());
    }
    assert!(files.iter().any(|f| f.ends_with("carecircle.db-wal") && f.is_file()), "the test sees a WAL");
    // The same search finds the names in the unencrypted demo city: it would see a leak.
    let (plain, _) = common::seeded();
    assert!(file_holds(&std::fs::read(plain.db.path()).unwrap(), &names[0]));
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for name in names.iter().map(String::as_str).chain(["SQLite format 3", "乌海", "audit_log"]) {
            assert!(!file_holds(&bytes, name), "{} holds {name} in the clear", file.display());
        }
    }

    // Neither SQLite nor the app reads the file without the key: plain SQLite sees no
    // database; the store asks for a password; a wrong one, or a name with no seal, reads
    // nothing. The same for the backup.
    for file in [&path, &backup] {
        let plain = rusqlite::Connection::open(file).unwrap();
        assert!(plain.query_row("SELECT count(*) FROM clients", [], |r| r.get::<_, i64>(0)).is_err());
        assert!(matches!(Db::open(file, common::clock()), Err(CoreError::PasswordNeeded)));
        assert!(matches!(Db::open_read_only(file, common::clock()), Err(CoreError::PasswordNeeded)));
        for (user, password) in [("admin", "city-admin-2"), ("nobody", ADMIN_PASSWORD), ("admin", "")] {
            let refused = Db::unlock(file, common::clock(), Access::ReadOnly, user, password);
            assert!(matches!(refused, Err(CoreError::BadCredentials)), "{user}/{password}");
        }
        let opened = Db::unlock(file, common::clock(), Access::ReadOnly, "admin", ADMIN_PASSWORD).unwrap();
        let n = common::count(&opened, "SELECT count(*) FROM clients");
        assert!(n > 1000, "{}: {n}", file.display());
    }
    // The printed recovery key opens it too.
    let keys = KeyFile::load(&path).unwrap().unwrap();
    assert!(keys.unlock_with_recovery(recovery.as_str()).is_ok());
    // And a key file that is not this database's is named as such.
    let other = dir.path().join("other.db");
    let (other_db, _) = Db::create_encrypted(&other, common::clock(), "admin", ADMIN_PASSWORD).unwrap();
    drop(other_db);
    std::fs::copy(keyfile::path_for(&other), keyfile::path_for(&backup)).unwrap();
    assert!(matches!(
        Db::unlock(&backup, common::clock(), Access::ReadOnly, "admin", ADMIN_PASSWORD),
        Err(CoreError::KeyMismatch { .. })
    ));
}

#[test]
fn the_key_follows_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carecircle.db");
    let (db, _) = Db::create_encrypted(&path, common::clock(), "admin", ADMIN_PASSWORD).unwrap();
    let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", ADMIN_PASSWORD).unwrap();
    let new = |username: &str, password: &str| NewAccount {
        username: username.into(),
        display_name: username.into(),
        password: password.into(),
        role: Role::CityAdmin,
        facility_id: None,
    };
    let desk = accounts::create_account(&db, &admin, &new("desk", "desk-pass-1")).unwrap();
    let other = accounts::create_account(&db, &admin, &new("other", "other-pass-1")).unwrap();
    let opens =
        |user: &str, password: &str| Db::unlock(&path, common::clock(), Access::ReadOnly, user, password).is_ok();
    assert!(opens("desk", "desk-pass-1"));

    // A manager's reset: the new password opens the file, the old one no longer does.
    accounts::reset_password(&db, &admin, desk.id, "desk-pass-2").unwrap();
    assert!(!opens("desk", "desk-pass-1") && opens("desk", "desk-pass-2"));
    // One's own change too; a refused change leaves the old password working.
    let me = accounts::sign_in(&db, "desk", "desk-pass-2").unwrap();
    assert!(accounts::change_own_password(&db, &me, "wrong", "desk-pass-3").is_err());
    assert!(opens("desk", "desk-pass-2") && !opens("desk", "desk-pass-3"));
    accounts::change_own_password(&db, &me, "desk-pass-2", "desk-pass-3").unwrap();
    assert!(!opens("desk", "desk-pass-2") && opens("desk", "desk-pass-3"));
    // Disabled: it opens nothing.
    accounts::set_active(&db, &admin, other.id, false).unwrap();
    assert!(!opens("other", "other-pass-1"));
}

/// The tests' template admin's password (`common::seeded`).
const TEMPLATE_PASSWORD: &str = "admin-pass-1";

#[test]
fn a_database_from_before_encryption_is_encrypted_after_a_backup_and_keeps_every_row() {
    use carecircle_core::store::backup::Kind;
    use carecircle_core::store::encrypt;
    let (t, admin) = common::seeded();
    let common::TestDb { db, dir } = t;
    let path = db.path().to_path_buf();
    db.backup_into_folder(&Kind::Manual).unwrap();
    let folder = db.backup_folder();
    let counts = |db: &Db| {
        ["clients", "children", "visits", "bookings", "checkups", "audit_log"]
            .map(|table| common::count(db, &format!("SELECT count(*) FROM {table}")))
    };
    let before = counts(&db);
    let name: String =
        db.read(|c| Ok(c.query_row("SELECT name FROM clients ORDER BY id LIMIT 1", [], |r| r.get(0))?)).unwrap();
    assert!(file_holds(&std::fs::read(&path).unwrap(), &name), "the test would see the name in the clear");

    // While the app has it open, nothing is changed.
    let clock = common::clock();
    assert!(matches!(encrypt::encrypt_existing(&path, &clock, "admin", TEMPLATE_PASSWORD), Err(CoreError::Busy)));
    assert!(!keyfile::path_for(&path).exists() && encrypt::is_plain(&path).unwrap());
    drop(db);

    let done = encrypt::encrypt_existing(&path, &clock, "admin", TEMPLATE_PASSWORD).unwrap();
    assert_eq!(done.backups_encrypted, 2, "the manual backup and the one made before encrypting");
    assert!(done.backup.file_name.starts_with("pre-encryption-"), "{}", done.backup.file_name);
    let mut files = vec![path.clone()];
    for entry in std::fs::read_dir(&folder).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_some_and(|e| e == "db") {
            assert!(keyfile::path_for(&file).is_file(), "{} has its key file", file.display());
            files.push(file);
        }
    }
    assert_eq!(files.len(), 3);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!file_holds(&bytes, &name) && !file_holds(&bytes, "SQLite format 3"), "{} is plain", file.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".encrypt"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let partial: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".db") && !n.ends_with(".db.keys"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");

    // The account's password opens it, every row is there, the audit chain still holds;
    // the recovery key opens it too; and it is not encrypted twice.
    let opened = Db::unlock(&path, common::clock(), Access::Write, "admin", TEMPLATE_PASSWORD).unwrap();
    assert!(opened.is_encrypted());
    assert_eq!(counts(&opened), before);
    assert!(carecircle_core::services::audit::verify(&opened, &admin).unwrap().broken.is_none());
    let keys = KeyFile::load(&path).unwrap().unwrap();
    assert!(keys.unlock_with_recovery(done.recovery_key.as_str()).is_ok());
    for backup in &files[1..] {
        let b = Db::unlock(backup, common::clock(), Access::ReadOnly, "admin", TEMPLATE_PASSWORD).unwrap();
        assert_eq!(common::count(&b, "SELECT count(*) FROM clients"), before[0]);
    }
    drop(opened);
    assert!(matches!(
        encrypt::encrypt_existing(&path, &clock, "admin", TEMPLATE_PASSWORD),
        Err(CoreError::AlreadyEncrypted { .. })
    ));

    // A crash after the key file was written, before the copy took the name: the next open
    // finishes the swap. A crash before the key file: the copy is dropped, the file is as it was.
    let other = dir.path().join("other.db");
    common::seeded_file(&other);
    std::fs::copy(&path, dir.path().join("other.db.encrypted")).unwrap();
    std::fs::copy(keyfile::path_for(&path), keyfile::path_for(&other)).unwrap();
    let finished = Db::unlock(&other, common::clock(), Access::Write, "admin", TEMPLATE_PASSWORD).unwrap();
    assert!(finished.is_encrypted() && !encrypt::is_plain(&other).unwrap());
    assert_eq!(counts(&finished), before);
    drop(finished);
    let third = dir.path().join("third.db");
    common::seeded_file(&third);
    std::fs::copy(&path, dir.path().join("third.db.encrypted")).unwrap();
    let plain = Db::open(&third, common::clock()).unwrap();
    assert!(!plain.is_encrypted() && !dir.path().join("third.db.encrypted").exists());
}
