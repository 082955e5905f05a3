//! The command-line tool, run as a user would: as a separate process on a temporary file.
//! Three tests seed the demo city through it; the others start from a copy of the tests'
//! seeded city (`common::seeded_file`), which takes no time.

mod common;

use std::process::Command;

/// The password of the demo city's `admin` (the seeded template's and `seed-demo`'s here).
const ADMIN_PASSWORD: &str = "admin-pass-1";

/// The tool, signing in as `admin` unless a test says otherwise.
fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carecircle-cli"));
    command.env("CARECIRCLE_PASSWORD", ADMIN_PASSWORD);
    command
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn run_ok(args: &[&str]) -> String {
    let out = cli().args(args).output().expect("run carecircle-cli");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_lists_every_subcommand() {
    let paths = carecircle::cli::subcommand_paths();
    assert!(paths.len() > 15, "found the subcommands: {paths:?}");
    for path in &paths {
        let (name, parent) = path.split_last().unwrap();
        let mut args: Vec<&str> = parent.iter().map(String::as_str).collect();
        args.push("--help");
        let help = run_ok(&args);
        assert!(help.contains(name.as_str()), "`{}` lists {name}:\n{help}", args.join(" "));
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
    assert!(dir.path().join("b.db.keys").is_file(), "the backup's key file is beside it");
    let restored: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db, "restore", backup.to_str().unwrap()])).unwrap();
    assert!(std::path::Path::new(restored["previous_saved_to"].as_str().unwrap()).exists());
}

/// `seed-demo` on a new file makes an encrypted database and its first administrator; from
/// then on every command that opens it signs in, and acts with that account's rights.
#[test]
fn the_tool_signs_in_and_acts_with_the_account_s_rights() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let made = cli().args(["--db", db, "--lang", "en", "seed-demo", "--display-name", "市管理员"]).output().unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stderr(&made).contains("recovery key"), "the recovery key is shown once: {}", stderr(&made));
    let header = std::fs::read(db).unwrap();
    assert!(!header.starts_with(b"SQLite format 3"), "the file is encrypted");

    // A wrong password, an unknown name, or no password at all (no terminal to ask on)
    // reads nothing; commands that need no database need no password.
    let wrong = cli()
        .env("CARECIRCLE_PASSWORD", "admin-pass-2")
        .args(["--db", db, "--lang", "en", "summary"])
        .output()
        .unwrap();
    assert!(!wrong.status.success() && wrong.stdout.is_empty());
    assert!(stderr(&wrong).contains("Wrong username or password"), "{}", stderr(&wrong));
    let nobody = cli().args(["--db", db, "--user", "nobody", "summary"]).output().unwrap();
    assert!(!nobody.status.success() && nobody.stdout.is_empty());
    let unasked =
        cli().env_remove("CARECIRCLE_PASSWORD").args(["--db", db, "--lang", "en", "summary"]).output().unwrap();
    assert!(!unasked.status.success() && unasked.stdout.is_empty());
    assert!(stderr(&unasked).contains("CARECIRCLE_PASSWORD"), "{}", stderr(&unasked));
    let checked = cli().env_remove("CARECIRCLE_PASSWORD").args(["id-check", "11010519491231002X"]).output().unwrap();
    assert!(checked.status.success());

    // A front-desk account signs in with its own rights: no account management, no audit.
    let facility: Vec<serde_json::Value> =
        serde_json::from_str(&run_ok(&["--db", db, "facilities", "list", "--json"])).unwrap();
    let centre = facility.iter().find(|f| f["kind"] == "elder_centre").unwrap()["id"].to_string();
    let mut add = cli()
        .args(["--db", db, "accounts", "add", "--username", "desk", "--display-name", "前台", "--role", "front_desk"])
        .args(["--facility", &centre])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin.take().unwrap().write_all(b"desk-pass-1\n").unwrap();
    assert!(add.wait().unwrap().success());
    let desk = |args: &[&str]| {
        cli()
            .env("CARECIRCLE_PASSWORD", "desk-pass-1")
            .args(["--db", db, "--lang", "en", "--user", "desk"])
            .args(args)
            .output()
            .unwrap()
    };
    assert!(desk(&["summary"]).status.success());
    let refused = desk(&["accounts", "list"]);
    assert!(!refused.status.success() && stderr(&refused).contains("may not do this"), "{}", stderr(&refused));
    assert!(!desk(&["audit", "verify"]).status.success());
    // What the desk did is on the log under its name, not the system's.
    let log = cli().args(["--db", db, "audit", "verify"]).output().unwrap();
    assert!(log.status.success(), "{}", stderr(&log));
}

#[test]
fn errors_are_told_in_the_user_s_language_with_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    common::seeded_file(db.as_ref());
    let again = cli().args(["--db", db, "--lang", "zh-CN", "seed-demo"]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("演示数据"), "{}", String::from_utf8_lossy(&again.stderr));
    let english = cli().args(["--db", db, "--lang", "en", "restore", "/nonexistent/file.db"]).output().unwrap();
    assert!(!english.status.success());
    assert!(String::from_utf8_lossy(&english.stderr).contains("not a CareCircle database"));
}

#[test]
fn id_check_prints_what_the_number_says_or_why_it_is_wrong() {
    let ok: serde_json::Value = serde_json::from_str(&run_ok(&["id-check", "11010519491231002X"])).unwrap();
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["birth_date"], "1949-12-31");
    assert_eq!(ok["sex"], "female");
    assert_eq!(ok["area_code"], "110105");
    let male: serde_json::Value = serde_json::from_str(&run_ok(&["id-check", "440524188001010014"])).unwrap();
    assert_eq!((male["valid"].as_bool(), male["sex"].as_str()), (Some(true), Some("male")));
    let out = cli().args(["--lang", "zh-CN", "id-check", "110105194912310021"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an invalid number exits 2");
    let bad: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["code"], "id.check_char");
    assert!(bad["error"].as_str().unwrap().contains("校验位"), "{bad}");
    assert!(bad["birth_date"].is_null());
}

#[test]
fn search_finds_by_pinyin_initials_and_id_tail() {
    // (As the city administrator, who may see ID numbers: the desk finds only whole ones.)
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    common::seeded_file(db.as_ref());
    let (name, tail): (String, String) = {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row(
            "SELECT name, substr(id_number, 15) FROM clients WHERE id_number IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let by_name: Vec<serde_json::Value> =
        serde_json::from_str(&run_ok(&["--db", db, "search", &name, "--kind", "client"])).unwrap();
    assert!(by_name.iter().all(|h| h["kind"] == "client"));
    assert_eq!(by_name[0]["name"], name.as_str(), "an exact name comes first");
    let by_tail: Vec<serde_json::Value> =
        serde_json::from_str(&run_ok(&["--db", db, "search", &tail, "--limit", "100"])).unwrap();
    assert!(by_tail.iter().any(|h| h["name"] == name.as_str() && h["matched_by"] == "id_number"), "{tail}");
    let out = cli().args(["--db", db, "--lang", "en", "search", "x", "--kind", "janitor"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Unknown kind"));
}

#[test]
fn vitals_reads_each_value_or_refuses_an_entry_error() {
    let out: serde_json::Value =
        serde_json::from_str(&run_ok(&["vitals", "--sbp", "185", "--dbp", "112", "--glucose-random", "11.1"])).unwrap();
    let findings = out["findings"].as_array().unwrap();
    assert_eq!(findings[0]["class"], "urgent");
    assert_eq!(findings[0]["value"], "185/112");
    assert_eq!(findings[1]["class"], "raised");
    let refused = cli().args(["--lang", "en", "vitals", "--temp", "29.5"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let body: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("vitals.implausible"), Some("temperature")));
    assert!(body["error"].as_str().unwrap().contains("plausible"));
}

#[test]
fn report_writes_the_month_s_pdf_or_workbook_and_refuses_a_bad_month() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    run_ok(&["--db", db, "seed-demo"]);
    // The app's today is Wuhai's (UTC+8), whatever the machine's zone.
    let today = carecircle_core::Clock::from_machine(chrono::Utc::now).today();
    let last_month = carecircle_core::domain::month::Month::of(today).previous().to_string();
    let pdf = dir.path().join("月报").join("city.pdf");
    let saved: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db, "report", "--month", &last_month, "--out", pdf.to_str().unwrap()]))
            .unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(saved["bytes"].as_u64(), Some(bytes.len() as u64));
    assert!(saved["title"].as_str().unwrap().contains("全市"), "{saved}");
    let xlsx = dir.path().join("f.xlsx");
    run_ok(&["--db", db, "report", "--month", &last_month, "--facility", "1", "--out", xlsx.to_str().unwrap()]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "an .xlsx is a zip");

    let bad = dir.path().join("bad.pdf");
    let out = cli()
        .args(["--db", db, "--lang", "zh-CN", "report", "--month", "2026-13", "--out"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-10"), "{}", String::from_utf8_lossy(&out.stderr));
    let next = carecircle_core::domain::month::Month::of(today).next().to_string();
    let out = cli().args(["--db", db, "--lang", "en", "report", "--month", &next, "--out"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has not begun"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!bad.exists(), "nothing written on a refusal");
    let folder = cli()
        .args(["--db", db, "--lang", "zh-CN", "report", "--month", &last_month, "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&folder.stderr).contains("文件夹"), "{}", String::from_utf8_lossy(&folder.stderr));
    let docx = dir.path().join("r.docx");
    let wrong = cli().args(["--db", db, "report", "--month", &last_month, "--out"]).arg(&docx).output().unwrap();
    assert!(!wrong.status.success() && !docx.exists(), "a report is a PDF or a workbook, whatever the name asks");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no half-written file: {leftovers:?}");
}

/// Every subcommand that uses the database, with arguments it would accept.
fn database_commands(out: &std::path::Path) -> Vec<Vec<String>> {
    let o = |name: &str| out.join(name).display().to_string();
    [
        vec!["summary"],
        vec!["facilities", "list"],
        vec!["accounts", "list"],
        vec!["subsidy", "list"],
        vec!["subsidy", "set", "--category", "standard", "--fen", "300"],
        vec!["search", "张"],
        vec!["backup", &o("b.db")],
        vec!["restore", &o("b.db")],
        vec!["export", "clients", "--out", &o("c.xlsx")],
        vec!["report", "--month", "2026-10", "--out", &o("r.pdf")],
        vec!["import", &o("x.csv")],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

#[test]
fn a_db_path_that_does_not_exist_is_refused_by_every_command_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("cc.db");
    std::fs::write(dir.path().join("x.csv"), "姓名\n").unwrap();
    for args in database_commands(dir.path()) {
        let out = cli().arg("--db").arg(&typo).args(["--lang", "en"]).args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded on a missing database");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("There is no database at"), "{args:?}: {said}");
        assert!(!typo.exists(), "{args:?} created the database");
    }
    // seed-demo creates one, and says so.
    let out = cli().arg("--db").arg(&typo).args(["--lang", "en", "seed-demo"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Created a new database"));
}

#[test]
fn a_command_that_only_reads_never_upgrades_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    {
        // The tool signs in: the old database gets the demo administrator (its password's
        // hash taken from the seeded city, where it is `ADMIN_PASSWORD`).
        let seeded = dir.path().join("seeded.db");
        common::seeded_file(&seeded);
        let hash: String = rusqlite::Connection::open(&seeded)
            .unwrap()
            .query_row("SELECT password_hash FROM accounts WHERE username = 'admin'", [], |r| r.get(0))
            .unwrap();
        let c = rusqlite::Connection::open(&old).unwrap();
        c.execute_batch(include_str!("fixtures/schema_v1.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "INSERT INTO accounts (username, display_name, password_hash, role, created_at, updated_at)
             VALUES ('admin', '市管理员', ?1, 'city_admin', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [hash],
        )
        .unwrap();
    }
    let version = || -> i64 {
        rusqlite::Connection::open(&old).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
    };
    for args in [vec!["summary"], vec!["facilities", "list"], vec!["accounts", "list"], vec!["search", "王"]] {
        let out = cli().arg("--db").arg(&old).args(["--lang", "zh-CN"]).args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("请先打开 CareCircle 应用"), "{args:?}");
        assert_eq!(version(), 1, "{args:?} changed the schema");
    }
    assert!(!dir.path().join("backups").exists(), "nothing was backed up either");
    // A command that writes upgrades it, after a checked backup of the old one.
    let backup = dir.path().join("copy.db");
    run_ok(&["--db", old.to_str().unwrap(), "backup", backup.to_str().unwrap()]);
    assert!(version() > 1);
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].to_string_lossy().starts_with("pre-migration-v1-"));
}

#[test]
fn a_backup_and_a_restore_from_the_command_line_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    common::seeded_file(&db);
    let copy = dir.path().join("copy.db");
    let made: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db.to_str().unwrap(), "backup", copy.to_str().unwrap()])).unwrap();
    assert_eq!(made["schema_version"], carecircle_core::store::schema::LATEST_VERSION, "the schema this build writes");
    let restored: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db.to_str().unwrap(), "restore", copy.to_str().unwrap()])).unwrap();
    let actions = |path: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(path).unwrap();
        let mut stmt = c
            .prepare("SELECT action FROM audit_log WHERE entity = 'database' AND action != 'seed_demo' ORDER BY id")
            .unwrap();
        let found = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        found
    };
    // The copy was made before its backup was logged; the restored database logs the restore.
    assert_eq!(actions(&db), ["restore"]);
    // The replaced database, saved aside, keeps its whole log: the backup and the restore.
    let aside = std::path::PathBuf::from(restored["previous_saved_to"].as_str().unwrap());
    assert_eq!(actions(&aside), ["backup", "restore_replaced"]);
}

#[test]
fn a_crafted_roster_is_refused_with_a_message_and_the_process_does_not_abort() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    common::seeded_file(&db);
    // A cell at A1 and one at XFD1048576: read as a rectangle, 17 billion cells.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let far = dir.path().join("名单.xlsx");
    book.save(&far).unwrap();
    let renamed = dir.path().join("照片.csv");
    std::fs::write(&renamed, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    for (file, says) in [(&far, "列数超过"), (&renamed, "文件内容与扩展名不符")] {
        let out = cli()
            .args(["--db", db.to_str().unwrap(), "--lang", "zh-CN", "import"])
            .arg(file)
            .args(["--kind", "clients", "--facility", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "refused, not aborted: {:?}", out.status);
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn audit_verify_passes_an_intact_log_and_names_the_first_entry_changed_behind_its_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    common::seeded_file(&db);
    let verify = || cli().arg("--db").arg(&db).args(["--lang", "en", "audit", "verify"]).output().unwrap();
    let intact = verify();
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stderr));
    let report: serde_json::Value = serde_json::from_slice(&intact.stdout).unwrap();
    assert!(report["entries"].as_u64().unwrap() > 0 && report["broken"].is_null(), "{report}");
    assert!(String::from_utf8_lossy(&intact.stderr).contains("intact"));

    {
        let raw = rusqlite::Connection::open(&db).unwrap();
        raw.execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET after_json = '{\"note\":\"rewritten\"}' WHERE id = 1;",
        )
        .unwrap();
    }
    let broken = verify();
    assert_eq!(broken.status.code(), Some(2));
    let said = String::from_utf8_lossy(&broken.stderr);
    assert!(said.contains("breaks at entry 1"), "{said}");
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(report["broken"]["id"], 1);
}

#[test]
fn person_data_writes_the_copy_as_a_pdf_and_a_workbook_and_refuses_a_bad_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    common::seeded_file(&db);
    let db = db.to_str().unwrap();
    let out = dir.path().join("copy.pdf");
    let files: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db, "person-data", "client", "1", "--out", out.to_str().unwrap()]))
            .unwrap();
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    assert!(std::fs::read(dir.path().join("copy.xlsx")).unwrap().starts_with(b"PK"));
    assert_eq!(files["xlsx"]["path"].as_str(), dir.path().join("copy.xlsx").to_str());

    let wrong = dir.path().join("copy.txt");
    let refused = cli()
        .args(["--db", db, "--lang", "zh-CN", "person-data", "client", "1", "--out"])
        .arg(&wrong)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains(".pdf"), "{}", stderr(&refused));
    let staff =
        cli().args(["--db", db, "--lang", "en", "person-data", "staff", "1", "--out"]).arg(&out).output().unwrap();
    assert!(!staff.status.success());
    assert!(stderr(&staff).contains("clients and children only"), "{}", stderr(&staff));
    assert!(!wrong.exists());
}

#[test]
fn encrypt_turns_a_database_from_before_encryption_into_one_that_needs_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    common::seeded_file(&db);
    let db = db.to_str().unwrap();
    let wrong =
        cli().env("CARECIRCLE_PASSWORD", "not-it").args(["--db", db, "--lang", "en", "encrypt"]).output().unwrap();
    assert!(!wrong.status.success());
    assert!(!std::path::Path::new(&format!("{db}.keys")).exists(), "a wrong password changes nothing");

    let out = cli().args(["--db", db, "--lang", "en", "encrypt"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Print the recovery key"), "{}", stderr(&out));
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(done["backup"]["file_name"].as_str().unwrap().starts_with("pre-encryption-"), "{done}");
    assert!(std::fs::read(db).unwrap().get(..15) != Some(&b"SQLite format 3"[..]));
    let summary: serde_json::Value = serde_json::from_str(&run_ok(&["--db", db, "summary"])).unwrap();
    assert_eq!(summary["districts"], 3);
    let again = cli().args(["--db", db, "--lang", "en", "encrypt"]).output().unwrap();
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already encrypted"), "{}", stderr(&again));
}

#[test]
fn hub_migrate_and_enrol_work_on_a_postgresql_cluster_without_a_carecircle_database() {
    let cluster = common::pg::PgCluster::start();
    let url = cluster.url(common::pg::OWNER);
    let first: serde_json::Value = serde_json::from_str(&run_ok(&["hub", "migrate", "--url", &url])).unwrap();
    assert_eq!(first["from_version"], 0);
    let again: serde_json::Value = serde_json::from_str(&run_ok(&["hub", "migrate", "--url", &url])).unwrap();
    assert_eq!(again["from_version"], again["version"]);

    let enrol = |args: &[&str]| {
        let mut child = cli()
            .args(["--lang", "en", "hub", "enrol", "--url", &url])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"pc-pass-1\n").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = enrol(&["--facility", "7"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let role = pc["role"].as_str().unwrap();
    assert!(role.starts_with("cc_pc_") && pc["facility_id"] == 7, "{pc}");
    let mut as_pc = carecircle_core::hub::connect(&cluster.url(role)).unwrap();
    let facility: i32 = as_pc.query_one("SELECT hub.my_facility()", &[]).unwrap().get(0);
    assert_eq!(facility, 7);
    let neither = enrol(&[]);
    assert!(!neither.status.success());
    assert!(stderr(&neither).contains("--city"), "{}", stderr(&neither));

    // The PC joins as the role it was enrolled for, exchanges, and says what waits. The
    // hub's owner is no PC: joining as it is refused, in words, and changes nothing.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pc.db");
    common::seeded_file(&db);
    let db_arg = db.to_str().unwrap();
    let owner = cli().args(["--lang", "en", "--db", db_arg, "sync", "join", "--url", &url]).output().unwrap();
    assert!(!owner.status.success());
    assert!(stderr(&owner).contains("not an enrolled PC"), "{}", stderr(&owner));
    // The connection the city office issued carries the PC's password: kept at joining for
    // every later sync, shown nowhere.
    let as_pc_url = format!("{} password=pc-secret-1", cluster.url(role));
    let joined: serde_json::Value =
        serde_json::from_str(&run_ok(&["--db", db_arg, "sync", "join", "--url", &as_pc_url])).unwrap();
    assert_eq!(joined["facility_id"], 7);
    assert!(joined["queued"].as_u64().unwrap() > 0, "{joined}");
    let done: serde_json::Value = serde_json::from_str(&run_ok(&["--db", db_arg, "sync", "now"])).unwrap();
    assert_eq!(done["pushed"], joined["queued"]);
    let status: serde_json::Value = serde_json::from_str(&run_ok(&["--db", db_arg, "sync", "status"])).unwrap();
    assert_eq!((status["joined"].as_bool(), status["pending"].as_i64()), (Some(true), Some(0)), "{status}");
    assert!(status["last_sync_at"].is_string(), "{status}");
    let hub_address = status["hub"].as_str().unwrap();
    assert!(hub_address.ends_with(&format!(":{}/postgres", cluster.port)), "{status}");
    assert!(!status.to_string().contains("pc-secret-1"), "{status}");
    let again = cli().args(["--lang", "en", "--db", db_arg, "sync", "join", "--url", &as_pc_url]).output().unwrap();
    assert!(stderr(&again).contains("already joined"), "{}", stderr(&again));
}
