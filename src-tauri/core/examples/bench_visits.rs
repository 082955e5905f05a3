//! Care visits on the demo city: what "plan the week" costs through the service (building
//! the instance from the database, solving, writing the plan) for every elder facility, and
//! opening the week view (series written in, conflicts checked) of the busiest one.
//!
//! The demo seeds care staff per facility (3–7 at a centre, 1–3 at a station) and plans
//! that fill about 40 % of their hours, whatever the scale; `--scale` (default 1) grows the
//! clients only. Each facility's next week is planned once (a first plan), then again (the
//! previous automatic plan replaced), with the app's time limit.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_visits [-- SCALE]`.

mod common;

use std::time::{Duration, Instant};

use carecircle_core::dates::monday_of;
use carecircle_core::services::accounts;
use carecircle_core::services::visits::{planner, week};
use carecircle_core::{demo, Db};
use chrono::Days;
use common::percentile;

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} runs)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
        times.len()
    );
}

fn main() {
    let scale: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open_or_create(dir.path().join("bench.db"), common::clock()).expect("open");
    let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", "admin-pass-1").expect("admin");
    let started = Instant::now();
    demo::seed(&db, &admin, scale, &mut |_| {}).expect("seed");
    println!("demo city at scale {scale} seeded in {:.1} s", started.elapsed().as_secs_f64());

    let facilities: Vec<(i64, i64)> = db
        .read(|c| {
            let mut s = c.prepare(
                "SELECT f.id, (SELECT count(*) FROM care_plan_items p WHERE p.facility_id = f.id) AS items
                   FROM facilities f WHERE f.kind != 'childcare' ORDER BY items DESC",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .expect("facilities");
    let next = monday_of(common::clock().today()) + Days::new(7);
    for pass in ["first plan", "planned again"] {
        let (mut times, mut placed, mut kept, mut unplaced, mut walking) = (Vec::new(), 0, 0, 0, 0);
        let mut reasons = std::collections::BTreeMap::new();
        for (f, _) in &facilities {
            let t = Instant::now();
            let r =
                planner::plan_facility_week(&db, &admin, *f, next, planner::DEFAULT_TIME_LIMIT, &|_| {}).expect("plan");
            times.push(t.elapsed());
            placed += r.placed;
            kept += r.kept;
            unplaced += r.unplaced.len();
            for u in &r.unplaced {
                *reasons.entry(u.reason.clone()).or_insert(0) += 1;
            }
            walking += r.walking_min;
        }
        println!("{pass}: {placed} visits placed, {kept} kept, {unplaced} unplaced {reasons:?}, {walking} min walking in all");
        report(&format!("plan the week, one facility ({pass})"), times);
    }
    let (busiest, items) = facilities[0];
    let mut times = Vec::new();
    let mut shown = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let w = week::week(&db, &admin, busiest, next).expect("week");
        times.push(t.elapsed());
        shown = w.visits.len();
    }
    report(&format!("week view of the busiest facility ({items} plan items, {shown} visits)"), times);
}
