//! Helpers shared by the integration tests: each test builds its own temporary database.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use carecircle_core::demo;
use carecircle_core::error::Invalid;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::{Actor, Clock, CoreError, Db, Role};
use chrono::{DateTime, NaiveDate, Utc};
use tempfile::TempDir;

pub mod fixture;
pub mod pg;

pub struct TestDb {
    pub db: Db,
    pub dir: TempDir,
}

/// The tests' clock: Sunday 29 November 2026, 10:00 in Wuhai, whatever the machine says.
/// Each call is a clock of its own, so a test that moves it moves only its own.
pub fn clock() -> Clock {
    Clock::at_local(2026, 11, 29, 10, 0)
}

/// The tests' today (the day of [`clock`]).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// An instant written as RFC 3339 (`2026-11-29T02:00:00Z`).
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A day written as `YYYY-MM-DD`.
pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The rule a refused input broke; any other error fails the test.
pub fn invalid(e: CoreError) -> Invalid {
    match e {
        CoreError::Invalid(v) => v,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The code of the rule a refused input broke.
pub fn code(e: CoreError) -> &'static str {
    invalid(e).code
}

pub fn temp_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open_or_create(dir.path().join("carecircle.db"), clock()).expect("open fresh db");
    TestDb { db, dir }
}

/// A fresh database with the demo city (scale 1) and a city administrator.
///
/// Seeding takes seconds and gives the same database every time (a fixed clock, a seeded
/// random generator), so the test binary seeds it once into a template and each test gets
/// its own copy of that file.
pub fn seeded() -> (TestDb, Actor) {
    let (template, admin) = demo_template();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("carecircle.db");
    std::fs::copy(template, &path).expect("copy the seeded template");
    let db = Db::open(&path, clock()).expect("open the seeded copy");
    (TestDb { db, dir }, admin.clone())
}

/// A copy of the seeded demo city (see [`seeded`]) at `path`, for a test that opens the
/// file itself, as the command-line tool's tests do. Its clock is the tests' (29 November
/// 2026), not the machine's.
pub fn seeded_file(path: &std::path::Path) {
    std::fs::copy(&demo_template().0, path).expect("copy the seeded template");
}

/// What the demo city is made from: the core's sources and the locked dependencies. Two
/// test binaries of the same sources seed the same city (its clock and randomness are
/// fixed), so they share one template; an edit to the core makes a new one.
fn demo_sources_fingerprint() -> u64 {
    use std::hash::{Hash, Hasher};
    fn walk(dir: &std::path::Path, out: &mut Vec<(PathBuf, u64, u128)>) {
        for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
            let path = entry.path();
            let meta = entry.metadata().expect("source metadata");
            if meta.is_dir() {
                walk(&path, out);
            } else {
                let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                out.push((path, meta.len(), modified.unwrap_or_default().as_nanos()));
            }
        }
    }
    // Both crates' tests use this file: the repository is where Cargo.lock is.
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !root.join("Cargo.lock").is_file() {
        assert!(root.pop(), "no Cargo.lock above {}", env!("CARGO_MANIFEST_DIR"));
    }
    let mut files = Vec::new();
    walk(&root.join("src-tauri/core/src"), &mut files);
    for single in ["src-tauri/core/Cargo.toml", "Cargo.lock"] {
        let meta = std::fs::metadata(root.join(single)).expect("a build file");
        let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        files.push((root.join(single), meta.len(), modified.unwrap_or_default().as_nanos()));
    }
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}

/// The seeded demo city every test binary copies, made on first use. It lives beside the
/// target's other temporary files, named after the core's sources, so the 25 test
/// binaries (and the faketime runs) seed it once between two edits of the core.
fn demo_template() -> &'static (PathBuf, Actor) {
    static TEMPLATE: OnceLock<(PathBuf, Actor)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("demo-templates");
        std::fs::create_dir_all(&folder).expect("template folder");
        let name = format!("demo-{:016x}.db", demo_sources_fingerprint());
        let path = folder.join(&name);
        // Read, never signed in: the template must stay as seeded.
        let admin = || -> carecircle_core::Result<Actor> {
            Db::open_read_only(&path, clock())?.read(|c| {
                Ok(c.query_row("SELECT id, display_name FROM accounts WHERE username = 'admin'", [], |r| {
                    Ok(Actor {
                        account_id: r.get(0)?,
                        username: "admin".into(),
                        display_name: r.get(1)?,
                        role: Role::CityAdmin,
                        facility_id: None,
                    })
                })?)
            })
        };
        if path.is_file() {
            if let Ok(actor) = admin() {
                return (path, actor);
            }
        }
        // Templates of earlier sources are stale (and those named by the test binary, as
        // they were before).
        for entry in std::fs::read_dir(&folder).expect("template folder").flatten() {
            let other = entry.file_name().to_string_lossy().into_owned();
            if other.ends_with(".db") && other != name {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let making = tempfile::tempdir().expect("temp dir");
        let fresh = Db::open_or_create(making.path().join("seed.db"), clock()).expect("open fresh db");
        let actor = accounts::set_up_city_admin(&fresh, "admin", "市管理员", "admin-pass-1").expect("set up");
        demo::seed(&fresh, &actor, 1, &mut |_| {}).expect("seed demo");
        // A checked single-file copy, renamed into place: a half-made template is never used.
        let partial = folder.join(format!("{name}.{}.part", std::process::id()));
        fresh.backup_to(&partial).expect("write template");
        std::fs::rename(&partial, &path).expect("place template");
        (path, actor)
    })
}

/// Creates an account and signs it in, returning the actor.
pub fn account(db: &Db, admin: &Actor, username: &str, role: Role, facility_id: Option<i64>) -> Actor {
    accounts::create_account(
        db,
        admin,
        &NewAccount {
            username: username.into(),
            display_name: username.into(),
            password: "password-1".into(),
            role,
            facility_id,
        },
    )
    .expect("create account");
    accounts::sign_in(db, username, "password-1").expect("sign in")
}

pub fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).expect(sql)
}

/// Two facilities of a kind, for cross-facility checks.
pub fn two_elder_facilities(db: &Db) -> (i64, i64) {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 2")?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok((ids[0], ids[1]))
    })
    .unwrap()
}
