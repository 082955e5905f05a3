//! The front desk's search box end to end on the city-scale demo (60,000 clients, 5,000
//! children, 1,500 staff): what a keystroke costs through `services::search::search` —
//! the index query plus reading the rows shown — for a city administrator (every
//! facility) and for one centre's front desk.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_search_city`.

mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::account::Actor;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::{demo, Db, Role};
use chrono::NaiveDate;

const RUNS: usize = 200;

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_or_create(dir.path().join("city.db"), common::clock()).unwrap();
    let admin = accounts::set_up_city_admin(&db, "admin", "管理员", "admin-pass-1").unwrap();
    let t = Instant::now();
    let seeded = demo::seed(&db, &admin, 10, &mut |_| {}).unwrap();
    println!(
        "city-scale demo: {} clients, {} children, {} staff, seeded in {:.1} s",
        seeded.clients,
        seeded.children,
        seeded.staff,
        t.elapsed().as_secs_f64()
    );
    let (facility, id_tail, phone): (i64, String, String) = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT facility_id, substr(id_number, 15), substr(phone, 4, 6) FROM clients
                 WHERE id_number IS NOT NULL AND phone IS NOT NULL ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    accounts::create_account(
        &db,
        &admin,
        &NewAccount {
            username: "desk".into(),
            display_name: "前台".into(),
            password: "desk-pass-1".into(),
            role: Role::FrontDesk,
            facility_id: Some(facility),
        },
    )
    .unwrap();
    let desk: Actor = accounts::sign_in(&db, "desk", "desk-pass-1").unwrap();

    let cache = SearchCache::new();
    let t = Instant::now();
    cache.index(&db).unwrap();
    println!("index built from the database in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    let queries = ["z", "zs", "wang", "zhangs", "张", "王秀英", "巴特尔", id_tail.as_str(), phone.as_str(), "xyzzy"];
    let mut all = Vec::new();
    for (who, actor) in [("city administrator", &admin), ("one centre's front desk", &desk)] {
        println!("as the {who}:");
        for q in queries {
            let mut times = Vec::with_capacity(RUNS);
            let mut hits = 0;
            for _ in 0..RUNS {
                let t = Instant::now();
                hits = search(&db, actor, &cache, q, &[], 20, today).unwrap().len();
                times.push(t.elapsed());
            }
            times.sort();
            println!(
                "  {q:>10}: {hits:>2} hits, median {:>6.0} µs, p95 {:>6.0} µs",
                percentile(&times, 0.5).as_secs_f64() * 1e6,
                percentile(&times, 0.95).as_secs_f64() * 1e6
            );
            all.extend(times);
        }
    }
    all.sort();
    println!(
        "overall ({} queries): median {:.2} ms, p95 {:.2} ms (target: under 10 ms)",
        all.len(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.95).as_secs_f64() * 1e3
    );
}
