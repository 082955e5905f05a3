//! Writes the two sample reports and prints how long each step took:
//!
//!   cargo run --release -p carecircle-core --example report_sample [OUT_DIR]
//!
//! → OUT_DIR/report-sample.pdf (a facility's month, portrait) and
//!   OUT_DIR/report-sample-city.pdf (the city's 113 facilities, landscape); OUT_DIR is /tmp by
//!   default. Look at them with `pdftoppm -r 80 -png /tmp/report-sample.pdf /tmp/report-sample`.

use std::path::PathBuf;
use std::time::Instant;

use carecircle_core::report::document::Document;
use carecircle_core::report::font::try_report_font;
use carecircle_core::report::pdf::{render, sample};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp".into()));

    let start = Instant::now();
    try_report_font().expect("the embedded font parses");
    println!("font parse (once per process): {:>7.1} ms", ms(start.elapsed()));

    write(&out.join("report-sample.pdf"), "facility, 120 rows", &sample::facility_month(120));
    let city = sample::city_month(113);
    write(&out.join("report-sample-city.pdf"), "city, 113 facilities", &city);
    // Again, as a second report in the same process would be.
    write(&out.join("report-sample-city.pdf"), "city again (warm)", &city);
}

fn write(path: &PathBuf, what: &str, doc: &Document) {
    let start = Instant::now();
    let rendered = render(doc).expect("the sample renders");
    let total = start.elapsed();
    std::fs::write(path, &rendered.bytes).expect("write the PDF");
    let t = rendered.timings;
    println!(
        "{what:<22} {pages:>2} pages {kb:>6.1} KB | layout {l:>6.1} ms, build {b:>6.1} ms, save+subset {s:>6.1} ms, \
         total {all:>6.1} ms | replaced chars {r} → {path}",
        pages = rendered.pages,
        kb = rendered.bytes.len() as f64 / 1024.0,
        l = ms(t.layout),
        b = ms(t.build),
        s = ms(t.save),
        all = ms(total),
        r = rendered.replaced_chars,
        path = path.display(),
    );
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
