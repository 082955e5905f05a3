//! Accounts: the first-run administrator, sign-in, lockout, and who may manage whom.

use crate::common;

use carecircle_core::services::accounts::{self, NewAccount, MAX_FAILED_ATTEMPTS};
use carecircle_core::{CoreError, Role};
use chrono::Duration;

#[test]
fn the_city_administrator_is_created_once() {
    let t = common::temp_db();
    assert!(accounts::needs_setup(&t.db).unwrap());
    let admin = accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    assert_eq!((admin.role, admin.facility_id), (Role::CityAdmin, None));
    assert!(!accounts::needs_setup(&t.db).unwrap());
    assert!(matches!(accounts::set_up_city_admin(&t.db, "second", "x", "another-pass"), Err(CoreError::AlreadySetUp)));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM accounts"), 1);
}

#[test]
fn passwords_are_stored_only_as_argon2_hashes() {
    let t = common::temp_db();
    accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    let hash: String = t.db.read(|c| Ok(c.query_row("SELECT password_hash FROM accounts", [], |r| r.get(0))?)).unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("admin-pass-1"));
    let audit: String = t
        .db
        .read(|c| Ok(c.query_row("SELECT group_concat(coalesce(after_json,'')) FROM audit_log", [], |r| r.get(0))?))
        .unwrap();
    assert!(
        !audit.contains("argon2") && !audit.contains("admin-pass-1"),
        "neither the password nor its hash is logged"
    );
}

#[test]
fn wrong_password_and_unknown_user_get_the_same_answer() {
    let t = common::temp_db();
    accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    assert!(matches!(accounts::sign_in(&t.db, "admin", "wrong-pass"), Err(CoreError::BadCredentials)));
    assert!(matches!(accounts::sign_in(&t.db, "nobody", "wrong-pass"), Err(CoreError::BadCredentials)));
    assert!(accounts::sign_in(&t.db, "ADMIN", "admin-pass-1").is_ok(), "usernames are case-insensitive");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'"), 1);
}

#[test]
fn five_wrong_passwords_lock_the_account_for_five_minutes() {
    let t = common::temp_db();
    accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").unwrap();
    let now = t.db.clock().now();
    for _ in 0..MAX_FAILED_ATTEMPTS {
        assert!(matches!(accounts::sign_in_at(&t.db, "admin", "bad-password", now), Err(CoreError::BadCredentials)));
    }
    assert!(matches!(accounts::sign_in_at(&t.db, "admin", "admin-pass-1", now), Err(CoreError::AccountLocked { .. })));
    assert!(
        accounts::sign_in_at(&t.db, "admin", "admin-pass-1", now + Duration::minutes(6)).is_ok(),
        "the lock expires"
    );
}

#[test]
fn a_manager_creates_front_line_accounts_for_their_own_facility_only() {
    let (t, admin) = common::seeded();
    let (mine, other) = common::two_elder_facilities(&t.db);
    let manager = common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(mine));
    let new = |username: &str, role, facility_id| NewAccount {
        username: username.into(),
        display_name: "王芳".into(),
        password: "password-1".into(),
        role,
        facility_id,
    };
    let made = accounts::create_account(&t.db, &manager, &new("qiantai", Role::FrontDesk, Some(mine))).unwrap();
    assert_eq!((made.role, made.facility_id), (Role::FrontDesk, Some(mine)));
    assert!(matches!(
        accounts::create_account(&t.db, &manager, &new("x1", Role::FrontDesk, Some(other))),
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        accounts::create_account(&t.db, &manager, &new("x2", Role::CityAdmin, None)),
        Err(CoreError::Forbidden)
    ));
    let listed = accounts::list_accounts(&t.db, &manager).unwrap();
    assert!(listed.iter().all(|a| a.facility_id == Some(mine)), "a manager lists only their facility's accounts");
    let clerk = accounts::sign_in(&t.db, "qiantai", "password-1").unwrap();
    assert!(matches!(accounts::list_accounts(&t.db, &clerk), Err(CoreError::Forbidden)));
}

#[test]
fn account_rules_give_clear_errors_and_write_nothing() {
    let (t, admin) = common::seeded();
    let before = common::count(&t.db, "SELECT count(*) FROM accounts");
    let base = NewAccount {
        username: "nurse1".into(),
        display_name: "护士".into(),
        password: "password-1".into(),
        role: Role::Nurse,
        facility_id: Some(1),
    };
    let code = |r: Result<_, CoreError>| r.err().map(|e| e.code_and_params().0);
    assert_eq!(
        code(accounts::create_account(&t.db, &admin, &NewAccount { password: "short".into(), ..base.clone() })),
        Some("account.password_short")
    );
    assert_eq!(
        code(accounts::create_account(&t.db, &admin, &NewAccount { facility_id: None, ..base.clone() })),
        Some("account.facility_required")
    );
    assert_eq!(
        code(accounts::create_account(&t.db, &admin, &NewAccount { facility_id: Some(9999), ..base.clone() })),
        Some("account.facility_unknown")
    );
    assert_eq!(
        code(accounts::create_account(&t.db, &admin, &NewAccount { username: "ADMIN".into(), ..base.clone() })),
        Some("account.username_taken")
    );
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM accounts"), before);
}

#[test]
fn disabled_accounts_cannot_sign_in_and_nobody_disables_themselves() {
    let (t, admin) = common::seeded();
    let nurse = common::account(&t.db, &admin, "nurse1", Role::Nurse, Some(1));
    accounts::set_active(&t.db, &admin, nurse.account_id, false).unwrap();
    assert!(matches!(accounts::sign_in(&t.db, "nurse1", "password-1"), Err(CoreError::AccountDisabled)));
    assert_eq!(
        common::code(accounts::set_active(&t.db, &admin, admin.account_id, false).unwrap_err()),
        "account.not_self"
    );
    accounts::reset_password(&t.db, &admin, nurse.account_id, "new-password-2").unwrap();
    accounts::set_active(&t.db, &admin, nurse.account_id, true).unwrap();
    assert_eq!(accounts::sign_in(&t.db, "nurse1", "new-password-2").unwrap().account_id, nurse.account_id);
    accounts::change_own_password(&t.db, &nurse, "new-password-2", "third-password").unwrap();
    assert_eq!(
        common::code(accounts::change_own_password(&t.db, &nurse, "wrong-old", "fourth-password").unwrap_err()),
        "account.old_password_wrong"
    );
}

#[test]
fn wrong_passwords_typed_at_the_same_moment_all_count() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(centre));
    let db = std::sync::Arc::new(t.db);
    let now = db.clock().now();
    // Eight windows (or a script) try at once: each reads the account before any has
    // written, so counting from what was read would lose all but one.
    let start = std::sync::Arc::new(std::sync::Barrier::new(MAX_FAILED_ATTEMPTS as usize));
    let tries: Vec<_> = (0..MAX_FAILED_ATTEMPTS)
        .map(|_| {
            let (db, start) = (db.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                accounts::sign_in_at(&db, "qiantai", "wrong-password", now)
            })
        })
        .collect();
    for attempt in tries {
        assert!(matches!(attempt.join().unwrap(), Err(CoreError::BadCredentials)));
    }
    assert_eq!(common::count(&db, "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'"), 5);
    // Locked: even the right password waits, and the message says until when (Wuhai time).
    match accounts::sign_in_at(&db, "qiantai", "password-1", now) {
        Err(CoreError::AccountLocked { until }) => assert_eq!(until, "2026-11-29 10:05"),
        other => panic!("expected the lock, got {other:?}"),
    }
    assert_eq!(common::count(&db, "SELECT count(*) FROM audit_log WHERE action = 'locked'"), 1);
}

#[test]
fn managers_see_locked_accounts_and_unlock_them() {
    let (t, admin) = common::seeded();
    let (mine, other) = common::two_elder_facilities(&t.db);
    let manager = common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(mine));
    let elsewhere = common::account(&t.db, &admin, "bieren", Role::FacilityManager, Some(other));
    let desk = common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(mine));
    let now = t.db.clock().now();
    for _ in 0..MAX_FAILED_ATTEMPTS {
        let _ = accounts::sign_in_at(&t.db, "qiantai", "wrong-password", now);
    }
    let listed = accounts::list_accounts(&t.db, &manager).unwrap();
    let locked = listed.iter().find(|a| a.username == "qiantai").unwrap();
    assert_eq!(locked.locked_until.as_deref(), Some("2026-11-29T02:05:00Z"));
    // Only whoever manages the account may lift the lock.
    assert!(matches!(accounts::unlock(&t.db, &elsewhere, locked.id), Err(CoreError::Forbidden)));
    assert!(matches!(accounts::unlock(&t.db, &desk, locked.id), Err(CoreError::Forbidden)));
    let unlocked = accounts::unlock(&t.db, &manager, locked.id).unwrap();
    assert_eq!(unlocked.locked_until, None);
    assert!(accounts::sign_in_at(&t.db, "qiantai", "password-1", now).is_ok(), "in at once");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'unlock'"), 1);
}

/// A session stands while the account is active and its password was not reset since the
/// sign-in; the city sets how long a PC may sit unused (1–240 minutes, 15 by default).
#[test]
fn a_reset_or_a_disabled_account_ends_the_session_and_the_city_sets_the_idle_time() {
    use carecircle_core::services::sessions;
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    // Signed in a minute before the changes below (the tests' clock stands still).
    let signed_in = t.db.clock().now() - Duration::minutes(1);
    let status = |actor| sessions::status(&t.db, actor, signed_in).unwrap();
    assert!(status(&desk).valid && status(&nurse).valid);
    assert_eq!(status(&desk).idle_minutes, 15);

    accounts::reset_password(&t.db, &admin, desk.account_id, "desk-pass-2").unwrap();
    assert!(!status(&desk).valid, "a reset after the sign-in ends it");
    let again = accounts::sign_in(&t.db, "desk", "desk-pass-2").unwrap();
    assert!(sessions::status(&t.db, &again, t.db.clock().now()).unwrap().valid, "the new sign-in stands");
    accounts::set_active(&t.db, &admin, nurse.account_id, false).unwrap();
    assert!(!status(&nurse).valid);
    assert!(status(&admin).valid, "nothing happened to the administrator's");

    // Only the city office sets the idle time, within its range; it is on the log.
    assert!(matches!(sessions::set_idle_minutes(&t.db, &again, 5), Err(CoreError::Forbidden)));
    for wrong in [0, 241] {
        let refused = sessions::set_idle_minutes(&t.db, &admin, wrong).unwrap_err();
        assert_eq!(common::code(refused), "session.idle_range");
    }
    sessions::set_idle_minutes(&t.db, &admin, 5).unwrap();
    assert_eq!(sessions::idle_minutes(&t.db).unwrap(), 5);
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'set' AND entity = 'city_setting'"),
        1
    );
}
