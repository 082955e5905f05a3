//! The nurse's and health worker's lists on the city-scale demo (60,000 clients with a
//! year of checkups; 5,000 children with a year of checks and measurements): what opening
//! the Health page costs — a facility's follow-ups due, its open alerts, a class's check
//! sheet and a unit's examinations due — for the busiest facility of each kind.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_health`.

mod common;

use std::time::{Duration, Instant};

use carecircle_core::services::accounts;
use carecircle_core::services::child_health::{self, CheckSession};
use carecircle_core::services::health;
use carecircle_core::{demo, Db};
use chrono::NaiveDate;

const RUNS: usize = 30;

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn measure<T>(label: &str, mut run: impl FnMut() -> T, size: impl Fn(&T) -> usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut n = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = run();
        times.push(t.elapsed());
        n = size(&out);
    }
    times.sort();
    println!(
        "  {label:<34} {n:>6} rows  median {:>7.1} ms  p95 {:>7.1} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3
    );
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_or_create(dir.path().join("city.db"), common::clock()).unwrap();
    let admin = accounts::set_up_city_admin(&db, "admin", "管理员", "admin-pass-1").unwrap();
    let t = Instant::now();
    let seeded = demo::seed(&db, &admin, 10, &mut |_| {}).unwrap();
    println!(
        "city-scale demo: {} clients, {} checkups, {} children; seeded in {:.1} s",
        seeded.clients,
        seeded.checkups,
        seeded.children,
        t.elapsed().as_secs_f64()
    );
    let busiest = |sql: &str| -> i64 { db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap() };
    let centre = busiest("SELECT facility_id FROM checkups GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1");
    let unit = busiest("SELECT facility_id FROM children GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1");
    let (clients, checkups): (i64, i64) = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM clients WHERE facility_id = ?1), (SELECT count(*) FROM checkups WHERE facility_id = ?1)",
                [centre],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    println!("busiest elder facility: {clients} clients, {checkups} checkups");
    measure(
        "follow-ups due (14 days)",
        || health::due_follow_ups(&db, &admin, centre, None, today, 14).unwrap(),
        Vec::len,
    );
    measure("open alerts", || health::open_alerts(&db, &admin, centre).unwrap(), Vec::len);

    let children: i64 = db
        .read(|c| Ok(c.query_row("SELECT count(*) FROM children WHERE facility_id = ?1", [unit], |r| r.get(0))?))
        .unwrap();
    println!("busiest childcare unit: {children} children");
    measure(
        "morning check sheet (whole unit)",
        || child_health::class_sheet(&db, &admin, unit, None, today, CheckSession::Morning).unwrap(),
        |s| s.rows.len(),
    );
    measure("examinations due", || child_health::growth_due(&db, &admin, unit, today).unwrap(), Vec::len);
}
