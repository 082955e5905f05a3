//! The Tauri commands, driven through the real invoke handler on a mock runtime (no
//! display needed): scope is enforced in Rust whatever the UI does, and errors cross the
//! IPC edge as `{code, message}` in the UI language.

mod common;

use std::time::Instant;

use carecircle::AppState;
use carecircle_core::demo;
use carecircle_core::services::accounts;
use carecircle_core::{Actor, Role};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn harness(db_path: &std::path::Path) -> Harness {
    let app = carecircle::with_commands(mock_builder())
        .manage(AppState::open(db_path.to_path_buf(), common::clock(), Instant::now()))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Harness { _app: app, window }
}

impl Harness {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }
}

/// A seeded database with a front-desk account at the first centre; returns its
/// facility, another centre's id and the harness.
fn front_desk_world() -> (common::TestDb, Harness, i64, i64) {
    let (t, admin) = common::seeded();
    let (mine, other) = common::two_elder_facilities(&t.db);
    common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(mine));
    let h = harness(t.db.path());
    h.invoke("sign_in", json!({"username": "qiantai", "password": "password-1"})).expect("front desk signs in");
    (t, h, mine, other)
}

#[test]
fn nothing_but_app_info_answers_before_sign_in() {
    let (t, _) = common::seeded();
    let h = harness(t.db.path());
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["summary"]["living_circles"], 14);
    assert_eq!(info["needs_setup"], false);
    let err = h.invoke("facilities_list", json!({"filter": {}})).unwrap_err();
    assert_eq!(err["code"], "auth.not_signed_in");
}

#[test]
fn a_wrong_password_is_refused_with_a_message_in_the_ui_language() {
    let (t, _) = common::seeded();
    let h = harness(t.db.path());
    let err = h.invoke("sign_in", json!({"username": "admin", "password": "nope-nope"})).unwrap_err();
    assert_eq!(err["code"], "auth.bad_credentials");
    assert_eq!(err["message"], "用户名或密码不正确。");
    h.invoke("set_locale", json!({"locale": "en"})).unwrap();
    let err = h.invoke("sign_in", json!({"username": "admin", "password": "nope-nope"})).unwrap_err();
    assert_eq!(err["message"], "Wrong username or password.");
    assert_eq!(h.invoke("current_actor", json!({})).unwrap(), Value::Null);
}

#[test]
fn front_desk_cannot_read_another_centre_through_the_commands() {
    let (_t, h, mine, other) = front_desk_world();
    let listed = h.invoke("facilities_list", json!({"filter": {}})).unwrap();
    let ids: Vec<i64> = listed.as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![mine]);
    assert_eq!(h.invoke("facility_get", json!({"id": mine})).unwrap()["id"], mine);
    let err = h.invoke("facility_get", json!({"id": other})).unwrap_err();
    assert_eq!(err["code"], "auth.forbidden");
    assert!(err["message"].as_str().unwrap().contains("无权"));
}

#[test]
fn front_desk_cannot_change_any_centre_through_the_commands() {
    let (t, h, mine, other) = front_desk_world();
    for id in [mine, other] {
        let mut form = h.invoke("facility_get", json!({"id": mine})).unwrap();
        form["name"] = json!("被改掉的名字");
        form["classes"] = json!([]);
        let err = h.invoke("facility_update", json!({"id": id, "input": form})).unwrap_err();
        assert_eq!(err["code"], "auth.forbidden", "facility {id}");
    }
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM facilities WHERE name = '被改掉的名字'"), 0);
    for (cmd, args) in [("accounts_list", json!({})), ("audit_recent", json!({"limit": 10}))] {
        assert_eq!(h.invoke(cmd, args).unwrap_err()["code"], "auth.forbidden", "{cmd}");
    }
}

#[test]
fn a_manager_saves_through_the_commands_and_bad_input_names_its_field() {
    let (t, admin) = common::seeded();
    let (mine, _) = common::two_elder_facilities(&t.db);
    common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(mine));
    let h = harness(t.db.path());
    h.invoke("sign_in", json!({"username": "zhanzhang", "password": "password-1"})).unwrap();
    let mut form = h.invoke("facility_get", json!({"id": mine})).unwrap();
    form["classes"] = json!([]);
    form["capacity"] = json!(-3);
    let err = h.invoke("facility_update", json!({"id": mine, "input": form.clone()})).unwrap_err();
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("facility.capacity_negative"), Some("capacity")));
    form["capacity"] = json!(90);
    let saved = h.invoke("facility_update", json!({"id": mine, "input": form})).unwrap();
    assert_eq!(saved["capacity"], 90);
    h.invoke("sign_out", json!({})).unwrap();
    assert_eq!(h.invoke("facility_get", json!({"id": mine})).unwrap_err()["code"], "auth.not_signed_in");
    let _ = accounts::needs_setup(&t.db);
}

#[test]
fn first_run_creates_the_administrator_and_loads_the_demo_city() {
    let t = common::temp_db();
    let h = harness(t.db.path());
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!((info["needs_setup"].as_bool(), info["registry_empty"].as_bool()), (Some(true), Some(true)));
    assert_eq!(info["demo_loaded"], false);
    // A Channel argument arrives from the webview as a callback id.
    let done = h
        .invoke("set_up", json!({"username": "admin", "displayName": "市管理员", "password": "admin-pass-1", "loadDemo": true, "onProgress": "__CHANNEL__:7"}))
        .unwrap();
    assert_eq!(done["session"]["role"], "city_admin");
    assert_eq!(done["recovery_key"], serde_json::Value::Null, "a file from before encryption stays as it is");
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["summary"]["childcare_units"], 25);
    assert_eq!(info["demo_loaded"], true);
    let again = h.invoke("set_up", json!({"username": "x2", "displayName": "x", "password": "another-pass", "loadDemo": false, "onProgress": "__CHANNEL__:8"}));
    assert_eq!(again.unwrap_err()["code"], "auth.already_set_up");
}

/// The true first run: no file yet. The set-up makes it encrypted and shows the recovery
/// key once; the next start shows nothing before a sign-in, a wrong password opens nothing,
/// the administrator's opens it.
#[test]
fn the_first_run_makes_an_encrypted_database_that_opens_at_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("carecircle.db");
    let h = harness(&path);
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!((info["needs_setup"].as_bool(), info["db_created"].as_bool()), (Some(true), Some(true)));
    assert!(!path.exists(), "nothing is made before the set-up");
    let short = h.invoke("set_up", json!({"username": "admin", "displayName": "市管理员", "password": "short", "loadDemo": false, "onProgress": "__CHANNEL__:6"}));
    assert_eq!(short.unwrap_err()["field"], "password");
    assert!(!path.exists(), "a refused set-up makes nothing");
    let done = h
        .invoke("set_up", json!({"username": "admin", "displayName": "市管理员", "password": "admin-pass-1", "loadDemo": true, "onProgress": "__CHANNEL__:7"}))
        .unwrap();
    assert_eq!(done["session"]["role"], "city_admin");
    assert_eq!(done["recovery_key"].as_str().unwrap().len(), 79);
    assert!(!std::fs::read(&path).unwrap().starts_with(b"SQLite format 3"));
    drop(h);

    let h = harness(&path);
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!((info["locked"].as_bool(), info["needs_setup"].as_bool()), (Some(true), Some(false)));
    assert_eq!(info["summary"]["clients"], 0, "nothing is shown before a sign-in");
    assert_eq!(h.invoke("facilities_list", json!({"filter": {}})).unwrap_err()["code"], "auth.not_signed_in");
    let wrong = h.invoke("sign_in", json!({"username": "admin", "password": "admin-pass-2"}));
    assert_eq!(wrong.unwrap_err()["code"], "auth.bad_credentials");
    h.invoke("sign_in", json!({"username": "admin", "password": "admin-pass-1"})).unwrap();
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!((info["locked"].as_bool(), info["summary"]["childcare_units"].as_i64()), (Some(false), Some(25)));
    // The first sign-in started the day's backup; the app waits for it before it ends.
    use tauri::Manager;
    h._app.state::<AppState>().wait_for_backup(std::time::Duration::from_secs(120));
    assert!(!h._app.state::<AppState>().backup_running());
}

#[test]
fn the_first_run_is_told_the_demo_city_is_there_when_the_cli_loaded_it() {
    // scripts/run.sh loads the demo city with `carecircle-cli seed-demo` (as the system, no
    // account yet), then opens the app: the first-run screen must not offer to load it again.
    let t = common::temp_db();
    demo::seed(&t.db, &Actor::system(), 1, &mut |_| {}).unwrap();
    let h = harness(t.db.path());
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["needs_setup"], true, "no account yet");
    assert_eq!(info["registry_empty"], false);
    assert_eq!(info["demo_loaded"], true);
    assert_eq!(info["summary"]["living_circles"], 14);
}

#[test]
fn an_unreadable_database_is_reported_not_crashed_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(carecircle_core::Db::open_or_create(&path, common::clock()).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let h = harness(&path);
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["open_error"]["code"], "db.too_new");
    assert_eq!(h.invoke("sign_in", json!({"username": "a", "password": "b"})).unwrap_err()["code"], "db.too_new");
}

/// A reset password (here by the administrator, on the same file as another app would)
/// ends the clerk's session at the next check: the window is told, and commands are refused.
#[test]
fn a_reset_password_ends_the_session_at_the_next_check() {
    let (t, admin) = common::seeded();
    let (mine, _) = common::two_elder_facilities(&t.db);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(mine));
    let h = harness(t.db.path());
    h.invoke("sign_in", json!({"username": "desk", "password": "password-1"})).unwrap();
    let status = h.invoke("session_check", json!({})).unwrap();
    assert_eq!((status["valid"].as_bool(), status["idle_minutes"].as_u64()), (Some(true), Some(15)));
    h.invoke("session_touch", json!({})).unwrap();
    // The clock of this test stands still: the reset is stamped at the same instant as the
    // sign-in, so it is made a minute later, as it would be.
    let later = carecircle_core::Db::open(t.db.path(), carecircle_core::Clock::at_local(2026, 11, 29, 10, 1)).unwrap();
    accounts::reset_password(&later, &admin, desk.account_id, "password-2").unwrap();
    let status = h.invoke("session_check", json!({})).unwrap();
    assert_eq!(status["valid"], false);
    assert_eq!(h.invoke("facility_get", json!({"id": mine})).unwrap_err()["code"], "auth.not_signed_in");
    assert_eq!(h.invoke("session_check", json!({})).unwrap(), Value::Null);
}

#[test]
fn a_manager_s_first_sign_in_encrypts_a_database_from_before_encryption_and_shows_its_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carecircle.db");
    common::seeded_file(&path);
    {
        let db = carecircle_core::Db::open(&path, common::clock()).unwrap();
        let admin = accounts::sign_in(&db, "admin", "admin-pass-1").unwrap();
        let (centre, _) = common::two_elder_facilities(&db);
        common::account(&db, &admin, "qiantai", Role::FrontDesk, Some(centre));
    }
    let h = harness(&path);
    // A clerk's sign-in changes nothing.
    let clerk = h.invoke("sign_in", json!({"username": "qiantai", "password": "password-1"})).unwrap();
    assert!(clerk["recovery_key"].is_null());
    assert!(std::fs::read(&path).unwrap().starts_with(b"SQLite format 3"));
    h.invoke("sign_out", json!({})).unwrap();
    // The city office's does, once; the app goes on with the encrypted file.
    let first = h.invoke("sign_in", json!({"username": "admin", "password": "admin-pass-1"})).unwrap();
    assert_eq!(first["recovery_key"].as_str().unwrap().len(), 79);
    assert!(!std::fs::read(&path).unwrap().starts_with(b"SQLite format 3"));
    assert!(carecircle_core::store::keyfile::path_for(&path).is_file());
    let list = h.invoke("facilities_list", json!({"filter": {}})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 113);
    // The clerk's password does not open the key file yet: the accounts page says so.
    let sealed = |h: &Harness| -> Option<bool> {
        let accounts = h.invoke("accounts_list", json!({})).unwrap();
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "qiantai")
            .map(|a| a["key_sealed"].as_bool().unwrap())
    };
    assert_eq!(sealed(&h), Some(false));
    // Signing in while the app has the database open seals it for the clerk.
    h.invoke("sign_out", json!({})).unwrap();
    h.invoke("sign_in", json!({"username": "qiantai", "password": "password-1"})).unwrap();
    h.invoke("sign_out", json!({})).unwrap();
    let again = h.invoke("sign_in", json!({"username": "admin", "password": "admin-pass-1"})).unwrap();
    assert!(again["recovery_key"].is_null());
    assert_eq!(sealed(&h), Some(true));
    use tauri::Manager;
    h._app.state::<AppState>().wait_for_backup(std::time::Duration::from_secs(120));
}
