//! Monthly reports on the city-scale demo: the city report of last month (113 facilities,
//! figures, layout and the PDF with its subset font; and the Excel workbook) and the
//! busiest facility's report, each made several times, with the time of each stage, the
//! median and p95, and the file sizes. The aim: the city PDF under 2 s and under 1 MB.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_report [-- SCALE RUNS]`
//! (defaults: scale 10, the city-scale benchmark of 60,000 clients; 7 runs).

mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::month::Month;
use carecircle_core::report::{self, ReportFormat};
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

    for (label, facility) in [("city report", None), ("busiest facility's report", Some(busiest))] {
        let (mut figures, mut pdf, mut xlsx, mut whole) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut pdf_bytes, mut xlsx_bytes, mut pages) = (0, 0, 0);
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
        summary("  figures (SQL, one read transaction)", figures, 0);
        summary("  layout + PDF (subset font)", pdf, pdf_bytes);
        summary("  the PDF from the database", whole, pdf_bytes);
        summary("  Excel workbook", xlsx, xlsx_bytes);
    }
}
