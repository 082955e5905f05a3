//! Monthly reports on the city-scale demo: the city report of last month (113 facilities,
//! figures with a year of fees kept by month, layout and the PDF with its subset font; and
//! the Excel workbook; beforehand, the cost of keeping that year from nothing) and the
//! busiest facility's report, each made several times, with the time of each stage, the
//! median and p95, and the file sizes. The aims: the city PDF in 0.5 s, the busiest
//! facility's in 50 ms, and the city's figures within twice their floor: the same figures
//! made by SQLite alone, one pass over each table with the indexes that suit it best
//! (bench/report_floor.sql, on a copy of the city with those indexes). The floor runs on
//! one connection, so the figures beside it are read on one reader; the report itself
//! reads the city's on two side by side where there are two cores.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_report [-- SCALE RUNS]`
//! (defaults: scale 10, the city-scale benchmark of 60,000 clients; 7 runs).

mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::month::Month;
use carecircle_core::report::{self, figures, ReportFormat};
use carecircle_core::services::fees::months;
use carecircle_core::Locale;
use common::percentile;

fn summary(label: &str, mut times: Vec<Duration>, bytes: usize) {
    times.sort();
    println!(
        "{label}: median {:.0} ms, p95 {:.0} ms ({} runs), {:.0} KB",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.len(),
        bytes as f64 / 1024.0
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let scale: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let (_dir, db, admin) = common::demo_city(scale);
    let month = Month::of(common::clock().today()).previous();
    let busiest: i64 = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT facility_id FROM bookings WHERE day BETWEEN ?1 AND ?2 GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1",
                [month.first().to_string(), month.last().to_string()],
                |r| r.get(0),
            )?)
        })
        .expect("busiest facility");

    let floor = floor(&db, month, runs);
    keeping(&db, month, runs);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{cores} core(s): the city's figures are read on {} reader(s)", cores.min(2));
    for (label, facility) in [("city report", None), ("busiest facility's report", Some(busiest))] {
        let readers = if facility.is_none() { cores.min(2) } else { 1 };
        let (mut figures, mut pdf, mut xlsx, mut whole) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut one_reader = Vec::new();
        let (mut pdf_bytes, mut xlsx_bytes, mut pages) = (0, 0, 0);
        let today = carecircle_core::clock::local_day(db.clock().now());
        // The same figures on one reader, beside the floor (one connection too).
        for _ in 0..runs {
            let t = Instant::now();
            db.read(|c| figures::gather(c, facility, month, today, &mut |_, _| {})).expect("figures");
            one_reader.push(t.elapsed());
        }
        for _ in 0..runs {
            let t = Instant::now();
            let doc = report::build(&db, &admin, facility, month, Locale::ZhCn, db.clock().now(), &mut |_| {})
                .expect("build");
            figures.push(t.elapsed());
            let p = Instant::now();
            let bytes = report::render(&doc, ReportFormat::Pdf, Locale::ZhCn).expect("pdf");
            pdf.push(p.elapsed());
            whole.push(t.elapsed());
            pdf_bytes = bytes.len();
            pages = report::pdf::layout_pages(&doc).len();
            let x = Instant::now();
            xlsx_bytes = report::render(&doc, ReportFormat::Xlsx, Locale::ZhCn).expect("xlsx").len();
            xlsx.push(x.elapsed());
        }
        println!("{label}, {month} ({pages} PDF pages):");
        let one_reader_median = median(&one_reader);
        summary("  figures on one reader (SQL, one read transaction)", one_reader, 0);
        if facility.is_none() {
            let floor_median = median(&floor);
            summary("  floor: the same figures by SQLite alone (report_floor.sql)", floor.clone(), 0);
            println!("  figures on one reader / floor: {:.2}×", one_reader_median / floor_median);
        }
        summary(&format!("  figures as the report reads them ({readers} reader(s), one snapshot)"), figures, 0);
        summary("  layout + PDF (subset font)", pdf, pdf_bytes);
        summary("  the PDF from the database", whole, pdf_bytes);
        summary("  Excel workbook", xlsx, xlsx_bytes);
    }
}

/// The city's fees kept by month (services::fees::months) from nothing: what the first
/// report pays once, on a PC whose months are not kept yet (the demo keeps them when seeded,
/// so the reports below read them kept).
fn keeping(db: &carecircle_core::Db, month: Month, runs: usize) {
    let today = carecircle_core::clock::local_day(db.clock().now());
    let mut times = Vec::new();
    let mut made = 0;
    for _ in 0..runs.clamp(1, 3) {
        db.write(|c| Ok(c.execute("DELETE FROM ledger_months_done", [])?)).expect("forget the months kept");
        let t = Instant::now();
        made = db.write(|c| months::keep(c, None, month, today)).expect("keep the months");
        times.push(t.elapsed());
    }
    summary(&format!("the city's fees kept by month from nothing ({made} months of facilities, once)"), times, 0);
}

fn median(times: &[Duration]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    percentile(&sorted, 0.5).as_secs_f64()
}

/// The city's figures made by SQLite alone (bench/report_floor.sql) on a copy of the city
/// with the indexes the script asks for, `runs` times: each run every statement, every row
/// stepped through.
fn floor(db: &carecircle_core::Db, month: Month, runs: usize) -> Vec<Duration> {
    let script = include_str!("../../../bench/report_floor.sql");
    let (indexes, queries) = script.split_once("-- (end of indexes)").expect("the script marks its indexes");
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("floor.db");
    db.backup_to(&copy).expect("copy the city");
    let conn = rusqlite::Connection::open(&copy).expect("open the copy");
    conn.execute_batch(indexes).expect("the floor's indexes");
    // As the app's connections are: 64 MiB of SQLite's own page cache.
    conn.pragma_update(None, "cache_size", -65_536).expect("cache size");
    let midnight = |d: chrono::NaiveDate| {
        (d.and_hms_opt(0, 0, 0).expect("midnight") - chrono::Duration::hours(8))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let values = [
        (":first", month.first().to_string()),
        (":last", month.last().to_string()),
        (":before", month.first().pred_opt().expect("a day before").to_string()),
        (":from", midnight(month.first())),
        (":until", midnight(month.last().succ_opt().expect("a day after"))),
    ];
    let statements: Vec<&str> =
        queries.split(';').filter(|s| s.lines().any(|l| !l.trim().is_empty() && !l.trim().starts_with("--"))).collect();
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        for sql in &statements {
            let mut stmt = conn.prepare(sql).expect("a floor statement");
            for (name, value) in &values {
                if let Ok(Some(i)) = stmt.parameter_index(name) {
                    stmt.raw_bind_parameter(i, value).expect("bind");
                }
            }
            let mut rows = stmt.raw_query();
            while rows.next().expect("step").is_some() {}
        }
        times.push(t.elapsed());
    }
    times
}
