//! The command-line tool, run as a user would: as a separate process on a temporary file.

use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carecircle-cli"))
}

fn run_ok(args: &[&str]) -> String {
    let out = cli().args(args).output().expect("run carecircle-cli");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_lists_every_subcommand() {
    let help = run_ok(&["--help"]);
    for sub in ["seed-demo", "facilities", "summary", "backup", "restore"] {
        assert!(help.contains(sub), "--help mentions {sub}:\n{help}");
    }
}

#[test]
fn seed_list_backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    run_ok(&["--db", db, "seed-demo"]);
    let summary: serde_json::Value = serde_json::from_str(&run_ok(&["--db", db, "summary"])).unwrap();
    assert_eq!(summary["districts"], 3);
    assert_eq!(summary["living_circles"], 14);
    assert_eq!(summary["communities"], 83);
    assert_eq!(summary["elder_centres"].as_i64().unwrap() + summary["elder_stations"].as_i64().unwrap(), 88);
    assert_eq!(summary["childcare_units"], 25);
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&run_ok(&["--db", db, "facilities", "list", "--json"])).unwrap();
    assert_eq!(list.len(), 113);
    let table = run_ok(&["--db", db, "facilities", "list"]);
    assert_eq!(table.lines().count(), 113);
    assert!(table.contains("养老服务中心"));
    let backup = dir.path().join("b.db");
    run_ok(&["--db", db, "backup", backup.to_str().unwrap()]);
    let restored: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db, "restore", backup.to_str().unwrap()])).unwrap();
    assert!(std::path::Path::new(restored["previous_saved_to"].as_str().unwrap()).exists());
}

#[test]
fn errors_are_told_in_the_user_s_language_with_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    run_ok(&["--db", db, "seed-demo"]);
    let again = cli().args(["--db", db, "--lang", "zh-CN", "seed-demo"]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("演示数据"), "{}", String::from_utf8_lossy(&again.stderr));
    let english = cli().args(["--db", db, "--lang", "en", "restore", "/nonexistent/file.db"]).output().unwrap();
    assert!(!english.status.success());
    assert!(String::from_utf8_lossy(&english.stderr).contains("not a CareCircle database"));
}
