//! What the benchmark examples share.

use std::time::Duration;

use carecircle_core::services::accounts;
use carecircle_core::{demo, Actor, Clock, Db};

/// The benchmarks' clock: 29 November 2026, 10:00 in Wuhai, so every run measures the same
/// city on the same day.
#[allow(dead_code)]
pub fn clock() -> Clock {
    Clock::at_local(2026, 11, 29, 10, 0)
}

/// The `q` quantile (0.5 median, 0.95 p95) of times sorted ascending, nearest rank.
#[allow(dead_code)]
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// The demo city at `scale` in a temporary database, with its city administrator; says
/// how long seeding took. Keep the folder as long as the database is used.
///
/// With `CARECIRCLE_BENCH_CITY=FILE`, a city seeded before at the same scale is copied
/// from FILE instead of seeded again (and FILE is written after the first seeding): for
/// profiling a reading benchmark over and over. The kept file itself is never written to.
#[allow(dead_code)]
pub fn demo_city(scale: u32) -> (tempfile::TempDir, Db, Actor) {
    let dir = tempfile::tempdir().expect("temp dir");
    let kept = std::env::var_os("CARECIRCLE_BENCH_CITY")
        .map(|f| std::path::PathBuf::from(format!("{}.scale{scale}", std::path::Path::new(&f).display())));
    if let Some(kept) = kept.as_ref().filter(|k| k.exists()) {
        std::fs::copy(kept, dir.path().join("city.db")).expect("copy the kept city");
        let db = Db::open(dir.path().join("city.db"), clock()).expect("open");
        let admin = accounts::sign_in(&db, "admin", "admin-pass-1").expect("sign in");
        println!("demo city at scale {scale}: copied from {}", kept.display());
        return (dir, db, admin);
    }
    let db = Db::open_or_create(dir.path().join("city.db"), clock()).expect("open");
    let admin = accounts::set_up_city_admin(&db, "admin", "市管理员", "admin-pass-1").expect("admin");
    let started = std::time::Instant::now();
    let seeded = demo::seed(&db, &admin, scale, &mut |_| {}).expect("seed");
    println!(
        "demo city at scale {scale}: {} clients, {} children, seeded in {:.1} s",
        seeded.clients,
        seeded.children,
        started.elapsed().as_secs_f64()
    );
    if let Some(kept) = kept {
        db.backup_to(&kept).expect("keep the seeded city");
    }
    (dir, db, admin)
}
