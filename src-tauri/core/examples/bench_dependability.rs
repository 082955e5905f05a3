//! What dependability costs on the city-scale demo (60,000 clients, 113 facilities):
//! - a backup: SQLite's online copy into the backup folder, then its check (it opens,
//!   `integrity_check`, `foreign_key_check`, the schema version), as the app's first start
//!   of each day and "back up now" make it; and the check alone;
//! - the front desk's search while the city's monthly report is being made on another
//!   thread (reads run on readers of their own): its latency idle and during the reports.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_dependability [-- SCALE RUNS]`
//! (defaults: scale 10, 5 backups).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use carecircle_core::domain::month::Month;
use carecircle_core::report;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::store::backup::{self, Kind};
use carecircle_core::{Actor, Locale, Role};
use common::percentile;

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    let scale: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let (_dir, db, admin) = common::demo_city(scale);

    // Backups.
    let mut made = Vec::new();
    let mut checked = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let file = db.backup_into_folder(&Kind::Manual).expect("backup");
        made.push(Duration::from_millis(file.took_ms.unwrap_or(0)));
        let t = Instant::now();
        backup::verify(std::path::Path::new(&file.path), file.schema_version, None).expect("a good backup");
        checked.push(t.elapsed());
        bytes = file.bytes;
        std::fs::remove_file(&file.path).expect("remove the copy");
    }
    made.sort();
    checked.sort();
    println!(
        "backup (copy and check): median {:.0} ms, p95 {:.0} ms over {runs}; the check alone median {:.0} ms, p95 {:.0} ms; {:.0} MB",
        millis(percentile(&made, 0.5)),
        millis(percentile(&made, 0.95)),
        millis(percentile(&checked, 0.5)),
        millis(percentile(&checked, 0.95)),
        bytes as f64 / 1024.0 / 1024.0
    );

    // The desk's search, idle and while the city report is made again and again.
    let (facility, id_tail): (i64, String) = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT facility_id, substr(id_number, 15) FROM clients WHERE id_number IS NOT NULL ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("a client");
    let new = NewAccount {
        username: "desk".into(),
        display_name: "前台".into(),
        password: "desk-pass-1".into(),
        role: Role::FrontDesk,
        facility_id: Some(facility),
    };
    accounts::create_account(&db, &admin, &new).expect("desk account");
    let desk: Actor = accounts::sign_in(&db, "desk", "desk-pass-1").expect("sign in");
    let cache = SearchCache::new();
    cache.index(&db).expect("index");
    let queries = ["z", "zs", "wang", "张", "王秀英", "巴特尔", id_tail.as_str(), "xyzzy"];
    let today = db.clock().today();
    let measure = |rounds: usize| {
        let mut times = Vec::new();
        for _ in 0..rounds {
            for q in queries {
                let t = Instant::now();
                search(&db, &desk, &cache, q, &[], 20, today).expect("search");
                times.push(t.elapsed());
            }
        }
        times.sort();
        times
    };
    let idle = measure(100);
    let month = Month::of(today).previous();
    let stop = AtomicBool::new(false);
    let reports = AtomicUsize::new(0);
    let mut report_times = Vec::new();
    let busy = std::thread::scope(|scope| {
        let maker = scope.spawn(|| {
            let mut times = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let t = Instant::now();
                report::build(&db, &admin, None, month, Locale::ZhCn, db.clock().now(), &mut |_| {}).expect("report");
                times.push(t.elapsed());
                reports.fetch_add(1, Ordering::SeqCst);
            }
            times
        });
        // Measure only once a report is under way, and until at least three are done.
        std::thread::sleep(Duration::from_millis(50));
        let mut times = Vec::new();
        while reports.load(Ordering::SeqCst) < 3 {
            times.extend(measure(5));
        }
        stop.store(true, Ordering::SeqCst);
        report_times = maker.join().expect("report thread");
        times.sort();
        times
    });
    report_times.sort();
    println!(
        "desk search idle: median {:.2} ms, p95 {:.2} ms ({} searches)",
        millis(percentile(&idle, 0.5)),
        millis(percentile(&idle, 0.95)),
        idle.len()
    );
    println!(
        "desk search while the city report is made: median {:.2} ms, p95 {:.2} ms ({} searches during {} reports of median {:.0} ms)",
        millis(percentile(&busy, 0.5)),
        millis(percentile(&busy, 0.95)),
        busy.len(),
        report_times.len(),
        millis(percentile(&report_times, 0.5))
    );
}
