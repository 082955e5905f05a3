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
