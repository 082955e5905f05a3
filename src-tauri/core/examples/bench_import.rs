//! Times a 10,000-row client roster (.xlsx) through the importer: the preview (read,
//! check every row) and the confirmed import (check again and write all rows in one
//! transaction, each audited), on a fresh demo city each run.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_import`.

mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::resident_id::check_char;
use carecircle_core::roster::{self, RosterKind};
use carecircle_core::services::accounts;
use carecircle_core::{demo, Db, Locale};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

const ROWS: usize = 10_000;
const RUNS: usize = 5;

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "马", "白", "乌"];
const GIVEN: &[&str] = &["秀英", "桂兰", "建国", "玉兰", "德胜", "淑珍", "福生", "日娜", "特尔", "海军", "金花"];
const DIETS: &[&str] = &["", "低盐", "低糖", "低盐、低糖", "清真", "软食"];

fn roster(communities: &[String]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let text = Format::new().set_num_format("@");
    let headers = ["姓名*", "身份证号", "民族*", "电话", "社区*", "饮食需求", "紧急联系人", "联系人关系", "联系人电话"];
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    let start = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap();
    for i in 0..ROWS {
        // One birth date per row (1930–1957) and a sequence the demo city never uses:
        // every ID number is new.
        let birth = start + chrono::Duration::days(i as i64);
        let mut id = format!("150302{}977", birth.format("%Y%m%d"));
        id.push(check_char(id.as_bytes()));
        let name = format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / 7) % GIVEN.len()]);
        let row = (i + 1) as u32;
        let cells = [
            name.as_str(),
            id.as_str(),
            "汉族",
            "13947301234",
            communities[i % communities.len()].as_str(),
            DIETS[i % DIETS.len()],
            "李强",
            "儿子",
            "13904730000",
        ];
        for (j, v) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, j as u16, *v, &text).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let mut previews = Vec::new();
    let mut commits = Vec::new();
    let mut file = Vec::new();
    for run in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_or_create(dir.path().join("bench.db"), common::clock()).unwrap();
        let admin = accounts::set_up_city_admin(&db, "admin", "管理员", "admin-pass-1").unwrap();
        demo::seed(&db, &admin, 1, &mut |_| {}).unwrap();
        let (facility, communities): (i64, Vec<String>) = db
            .read(|c| {
                let f: i64 =
                    c.query_row("SELECT id FROM facilities WHERE kind = 'elder_centre' LIMIT 1", [], |r| r.get(0))?;
                let mut stmt = c.prepare("SELECT name FROM communities ORDER BY id")?;
                let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                Ok((f, names))
            })
            .unwrap();
        if run == 0 {
            file = roster(&communities);
            println!("roster: {ROWS} rows, {} KiB", file.len() / 1024);
        }
        let t = Instant::now();
        let report =
            roster::preview(&db, &admin, RosterKind::Clients, Some(facility), "名单.xlsx", &file, today, Locale::ZhCn)
                .unwrap();
        previews.push(t.elapsed());
        assert_eq!(report.valid_rows, ROWS, "every row of the benchmark roster is valid");
        let t = Instant::now();
        let done =
            roster::commit(&db, &admin, RosterKind::Clients, Some(facility), "名单.xlsx", &file, today, Locale::ZhCn)
                .unwrap();
        commits.push(t.elapsed());
        assert_eq!(done.imported, ROWS);
        println!("run {}: preview {:?}, import {:?}", run + 1, previews[run], commits[run]);
    }
    for (label, times) in [("preview", &mut previews), ("import (commit)", &mut commits)] {
        times.sort();
        println!(
            "{label}: median {:.0} ms, p95 {:.0} ms (n={RUNS}, {ROWS} rows)",
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.95).as_secs_f64() * 1e3
        );
    }
}
