//! The audit log as the audit page reads it: who did it, by the name people know them by.

use crate::common;

use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::{audit, backups};
use carecircle_core::Role;

#[test]
fn entries_carry_the_accounts_display_name_and_the_system_has_none() {
    let t = common::temp_db();
    let admin = accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    let new = NewAccount {
        username: "qiantai".into(),
        display_name: "前台小王".into(),
        password: "password-1".into(),
        role: Role::CityAdmin,
        facility_id: None,
    };
    accounts::create_account(&t.db, &admin, &new).unwrap();
    let clerk = accounts::sign_in(&t.db, "qiantai", "password-1").unwrap();
    backups::daily(&t.db).unwrap().expect("a first daily backup is made");

    let entries = audit::recent(&t.db, &admin, 50).unwrap();
    let by = |action: &str| entries.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action} logged"));

    let sign_in = by("sign_in");
    assert_eq!((sign_in.account_id, sign_in.username.as_str()), (clerk.account_id, "qiantai"));
    assert_eq!(sign_in.display_name.as_deref(), Some("前台小王"), "the clerk's display name, not the username");
    let created = by("create");
    assert_eq!(created.display_name.as_deref(), Some("市管理员"), "the administrator created the clerk's account");
    let backup = by("backup");
    assert_eq!((backup.account_id, backup.username.as_str()), (0, "system"));
    assert_eq!(backup.display_name, None, "the system has no account, so no display name");
}

/// Opens the database file as someone with the key but not the app would, with the
/// append-only triggers dropped: what a rewrite behind the app's back takes.
fn behind_the_apps_back(path: &std::path::Path, sql: &str) {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    raw.execute_batch(sql).unwrap();
}

#[test]
fn the_log_is_append_only() {
    let (t, _admin) = common::seeded();
    let raw = rusqlite::Connection::open(t.db.path()).unwrap();
    let before = common::count(&t.db, "SELECT count(*) FROM audit_log");
    for sql in [
        "UPDATE audit_log SET username = 'nobody' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
        "DELETE FROM audit_log",
    ] {
        let refused = raw.execute(sql, []).unwrap_err().to_string();
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log"), before, "nothing changed");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE username = 'nobody'"), 0);
}

#[test]
fn an_intact_log_verifies_and_every_new_entry_extends_the_chain() {
    let (t, admin) = common::seeded();
    let first = audit::verify(&t.db, &admin).unwrap();
    let entries = common::count(&t.db, "SELECT count(*) FROM audit_log") as u64;
    assert!(entries > 0);
    assert_eq!((first.entries, first.broken.clone()), (entries, None));
    assert_eq!(first.last_hash.as_ref().map(String::len), Some(64));

    // A sign-in and a backup later the chain is longer, still whole, and ends elsewhere.
    accounts::sign_in(&t.db, "admin", "admin-pass-1").unwrap();
    backups::daily(&t.db).unwrap();
    let later = audit::verify(&t.db, &admin).unwrap();
    assert_eq!((later.entries, later.broken), (entries + 2, None));
    assert_ne!(later.last_hash, first.last_hash);
    assert_eq!(later.last_id, first.last_id.map(|id| id + 2), "numbered one after another");
}

#[test]
fn an_entry_changed_or_removed_behind_the_apps_back_breaks_the_chain_there() {
    let (t, admin) = common::seeded();
    let (t2, _) = common::seeded();

    // A changed entry: the first broken link is that entry.
    behind_the_apps_back(t.db.path(), "UPDATE audit_log SET username = 'someone_else' WHERE id = 2");
    let report = audit::verify(&t.db, &admin).unwrap();
    assert_eq!(report.broken.as_ref().map(|b| b.id), Some(2));
    assert_eq!(report.entries, 2, "read up to the break");

    // A removed entry: the one after it no longer links to what is before it.
    behind_the_apps_back(t2.db.path(), "DELETE FROM audit_log WHERE id = 1");
    let report = audit::verify(&t2.db, &admin).unwrap();
    assert_eq!(report.broken.map(|b| b.id), Some(2));
}

#[test]
fn only_the_city_may_verify_the_whole_log() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let manager = common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(centre));
    assert!(matches!(audit::verify(&t.db, &manager), Err(carecircle_core::CoreError::Forbidden)));
}

#[test]
fn entries_written_before_the_upgrade_are_sealed_as_they_stood() {
    // A version-1 database with two entries of its time, opened by this build.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        c.execute_batch(include_str!("fixtures/schema_v1.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute_batch(
            "INSERT INTO audit_log (at, account_id, username, action, entity, entity_id)
             VALUES ('2026-01-05T01:00:00Z', 0, 'system', 'seed_demo', 'database', NULL),
                    ('2026-01-06T01:00:00Z', 0, 'system', 'backup', 'database', 'b.db');",
        )
        .unwrap();
    }
    let db = carecircle_core::Db::open(&old, common::clock()).unwrap();
    let system = carecircle_core::Actor::system();
    let report = audit::verify(&db, &system).unwrap();
    assert_eq!(report.broken, None);
    assert!(report.entries >= 2, "{report:?}");
    assert_eq!(common::count(&db, "SELECT count(*) FROM audit_log WHERE hash IS NULL"), 0);
    assert_eq!(common::count(&db, "SELECT count(*) FROM audit_log WHERE entity_id = 'b.db'"), 1, "as it stood");
}

/// Health records are processing to record (PIPL Art. 28): opening one screen of them writes
/// one entry, naming whose records it showed, whatever the number of rows.
#[test]
fn opening_a_screen_of_health_records_is_audited_once_naming_whose() {
    use carecircle_core::services::child_health;
    use carecircle_core::services::visits::{location, plans};
    use carecircle_core::services::{assessments, health};

    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let nurse = common::account(&t.db, &admin, "hushi", Role::Nurse, Some(centre));
    let client: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND status = 'active' AND consent_on IS NOT NULL
                 ORDER BY id LIMIT 1",
                [centre],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let unit: i64 = common::count(&t.db, "SELECT min(id) FROM facilities WHERE kind = 'childcare'");
    let worker = common::account(&t.db, &admin, "baojian", Role::Nurse, Some(unit));
    let today = common::today();
    // (entity, entity id, what it named) of each view entry the account wrote.
    let views = |who: &carecircle_core::Actor| -> Vec<(String, String, Option<String>)> {
        t.db.read(|c| {
            let mut stmt = c.prepare(
                "SELECT entity, entity_id, after_json FROM audit_log WHERE action = 'view' AND account_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([who.account_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    };

    health::checkups(&t.db, &nurse, client).unwrap();
    assessments::list(&t.db, &nurse, client).unwrap();
    plans::care_plan(&t.db, &nurse, client).unwrap();
    location::home_location(&t.db, &nurse, client).unwrap();
    let alerts = health::open_alerts(&t.db, &nurse, centre).unwrap();
    let due = health::due_follow_ups(&t.db, &nurse, centre, None, today, 14).unwrap();
    let seen = views(&nurse);
    let of_client: Vec<(&str, &str)> = seen.iter().take(4).map(|(e, id, _)| (e.as_str(), id.as_str())).collect();
    let id = client.to_string();
    assert_eq!(of_client, [("checkups", id.as_str()), ("assessments", &id), ("care_plan", &id), ("home", &id)]);
    let named = |after: &Option<String>, kind: &str| -> Vec<i64> {
        let v: serde_json::Value = serde_json::from_str(after.as_deref().unwrap()).unwrap();
        v[kind].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect()
    };
    let mut alerted: Vec<i64> = alerts.iter().map(|a| a.client_id).collect();
    alerted.sort_unstable();
    alerted.dedup();
    assert_eq!((seen[4].0.as_str(), named(&seen[4].2, "clients")), ("alerts", alerted));
    let mut followed: Vec<i64> = due.iter().map(|d| d.client_id).collect();
    followed.sort_unstable();
    followed.dedup();
    assert!(!followed.is_empty(), "the demo centre has follow-ups due");
    assert_eq!((seen[5].0.as_str(), named(&seen[5].2, "clients")), ("follow_ups", followed));
    assert_eq!(seen.len(), 6, "one entry per screen: {seen:?}");

    let exams = child_health::growth_due(&t.db, &worker, unit, today).unwrap();
    child_health::medicines_for_day(&t.db, &worker, unit, today).unwrap();
    let seen = views(&worker);
    assert_eq!(seen.iter().map(|(e, _, _)| e.as_str()).collect::<Vec<_>>(), ["exams_due", "medicines"]);
    assert_eq!(named(&seen[0].2, "children").len(), {
        let mut ids: Vec<i64> = exams.iter().map(|d| d.child_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    });
}
