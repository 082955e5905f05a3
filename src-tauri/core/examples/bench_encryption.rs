//! What encryption costs: the same city-scale demo (scale 10 unless given) seeded into an
//! unencrypted database and into an encrypted one (SQLCipher, key sealed per account), then
//! the benchmarks' usual operations on each, side by side, medians and p95:
//! - start: open the file (the encrypted one unsealing its key with the password, argon2),
//!   sign in, and read the first screen's figures;
//! - search: the desk's search box through the service, index warm;
//! - city report: last month's figures for all 113 facilities (the part that reads);
//! - checkup write: a nurse records a checkup (one write transaction with its audit entry).
//!
//! `cargo run --release -p carecircle-core --example bench_encryption [-- SCALE]`

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::month::Month;
use carecircle_core::domain::vitals::VitalsInput;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::health::{self, CheckupInput};
use carecircle_core::services::registry;
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::store::Access;
use carecircle_core::{demo, report, Actor, Db, Locale, Role};

const PASSWORD: &str = "admin-pass-1";

fn seeded(path: &std::path::Path, encrypted: bool, scale: u32) {
    let started = Instant::now();
    let db = if encrypted {
        Db::create_encrypted(path, common::clock(), "admin", PASSWORD).expect("create").0
    } else {
        Db::open_or_create(path, common::clock()).expect("create")
    };
    let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", PASSWORD).expect("admin");
    demo::seed(&db, &admin, scale, &mut |_| {}).expect("seed");
    let centre: i64 = db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id", [], |r| r.get(0))?)
        })
        .unwrap();
    let nurse = NewAccount {
        username: "nurse".into(),
        display_name: "护士".into(),
        password: PASSWORD.into(),
        role: Role::Nurse,
        facility_id: Some(centre),
    };
    accounts::create_account(&db, &admin, &nurse).expect("nurse");
    println!(
        "{}: seeded in {:.1} s, {:.0} MB",
        if encrypted { "encrypted" } else { "unencrypted" },
        started.elapsed().as_secs_f64(),
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
}

fn open(path: &std::path::Path) -> (Db, Actor) {
    let db = Db::unlock(path, common::clock(), Access::Write, "admin", PASSWORD).expect("open");
    let admin = accounts::sign_in(&db, "admin", PASSWORD).expect("sign in");
    (db, admin)
}

struct Figures {
    name: &'static str,
    runs: Vec<Duration>,
}

fn time(name: &'static str, runs: usize, mut f: impl FnMut()) -> Figures {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    Figures { name, runs: times }
}

fn measure(path: &std::path::Path) -> Vec<Figures> {
    let today = common::clock().today();
    let mut out = Vec::new();
    out.push(time("start (open, sign in, first figures)", 15, || {
        let (db, _) = open(path);
        registry::city_summary(&db, today).expect("summary");
    }));
    let (db, admin) = open(path);
    let cache = SearchCache::new();
    let names: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT name FROM clients ORDER BY id LIMIT 200")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    search(&db, &admin, &cache, "张", &[], 20, today).unwrap();
    let mut next = names.iter().cycle();
    out.push(time("search (service, warm index)", 400, || {
        search(&db, &admin, &cache, next.next().unwrap(), &[], 20, today).unwrap();
    }));
    let month = Month::of(today).previous();
    out.push(time("city report figures", 5, || {
        report::build(&db, &admin, None, month, Locale::ZhCn, db.clock().now(), &mut |_| {}).expect("report");
    }));
    let nurse = accounts::sign_in(&db, "nurse", PASSWORD).unwrap();
    let clients: Vec<i64> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active' LIMIT 50",
            )?;
            let rows = stmt.query_map([nurse.facility_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let mut who = clients.iter().cycle();
    let reading = CheckupInput {
        vitals: VitalsInput { systolic: Some(128), diastolic: Some(82), ..Default::default() },
        ..Default::default()
    };
    out.push(time("checkup write", 200, || {
        health::record_checkup(&db, &nurse, *who.next().unwrap(), &reading, db.clock().now()).expect("checkup");
    }));
    out
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let scale: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = dir.path().join("plain.db");
    let encrypted = dir.path().join("encrypted.db");
    seeded(&plain, false, scale);
    seeded(&encrypted, true, scale);
    let before = measure(&plain);
    let after = measure(&encrypted);
    println!("\n| operation | unencrypted median (p95) | encrypted median (p95) | ratio of medians |");
    println!("|---|---|---|---|");
    for (b, a) in before.iter().zip(&after) {
        let (bm, am) = (common::percentile(&b.runs, 0.5), common::percentile(&a.runs, 0.5));
        println!(
            "| {} | {} ({}) | {} ({}) | {:.2} |",
            b.name,
            ms(bm),
            ms(common::percentile(&b.runs, 0.95)),
            ms(am),
            ms(common::percentile(&a.runs, 0.95)),
            am.as_secs_f64() / bm.as_secs_f64()
        );
    }
}
