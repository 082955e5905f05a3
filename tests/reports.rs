//! Monthly reports on the demo city for October 2026 (seeded as of 2026-11-29): each
//! figure against the database counted another way (plain SQL per row, or Rust over the
//! raw rows), the city's totals against its facility rows, the PDF as poppler reads it
//! (pages, embedded subset font, text), the Excel workbook, and who may print what.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use carecircle_core::domain::incident::{IncidentInput, IncidentKind, Severity};
use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::document::{Block, Cell, Document, RowKind};
use carecircle_core::report::figures::{self, FacilityMonth, Figures, IncidentFigures};
use carecircle_core::report::{self, ReportFormat};
use carecircle_core::services::incidents;
use carecircle_core::{CoreError, Db, Locale, Role};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{account, count, seeded};

const OCTOBER: &str = "2026-10";

fn now() -> DateTime<Utc> {
    "2026-11-29T04:00:00Z".parse().unwrap()
}

fn october() -> Month {
    Month::parse(OCTOBER).unwrap()
}

fn gather(db: &Db, facility: Option<i64>) -> Vec<FacilityMonth> {
    db.read(|c| figures::gather(c, facility, october(), common::today(), &mut |_, _| {})).unwrap()
}

fn first_of(db: &Db, kind: &str) -> i64 {
    count(db, &format!("SELECT min(id) FROM facilities WHERE kind = '{kind}'"))
}

fn local_day(stamp: &str) -> NaiveDate {
    (stamp.parse::<DateTime<Utc>>().unwrap() + Duration::hours(8)).date_naive()
}

fn in_october(day: NaiveDate) -> bool {
    october().contains(day)
}

/// Rows of (text, text, text) for Rust-side counting.
fn rows(db: &Db, sql: &str, id: i64) -> Vec<(String, Option<String>, Option<String>)> {
    db.read(|c| {
        let mut stmt = c.prepare(sql)?;
        let out = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(out)
    })
    .unwrap()
}

#[test]
fn an_elder_centre_s_figures_match_the_database() {
    let (t, _) = seeded();
    let f = first_of(&t.db, "elder_centre");
    let all = gather(&t.db, Some(f));
    assert_eq!(all.len(), 1);
    let Figures::Elder(e) = &all[0].figures else { panic!("an elder centre has elder figures") };
    let q = |sql: &str| count(&t.db, &sql.replace("{f}", &f.to_string()));

    // Registered, new and left, counted in Rust from the raw rows.
    let (mut registered, mut new, mut left) = (0, 0, 0);
    for (created, status, since) in
        rows(&t.db, "SELECT created_at, status, status_since FROM clients WHERE facility_id = ?1", f)
    {
        let on = local_day(&created);
        let gone_by = |d: NaiveDate| {
            matches!(status.as_deref(), Some("moved" | "deceased"))
                && since.as_deref().is_none_or(|s| s.parse::<NaiveDate>().unwrap() <= d)
        };
        registered += i64::from(on <= october().last() && !gone_by(october().last()));
        new += i64::from(in_october(on));
        left += i64::from(
            matches!(status.as_deref(), Some("moved" | "deceased"))
                && since.as_deref().is_some_and(|s| in_october(s.parse().unwrap())),
        );
    }
    assert_eq!((e.roll.registered, e.roll.new, e.roll.left), (registered, new, left));
    assert!(registered > 50, "the demo centre has its clients registered before October: {registered}");
    assert!(new > 0 || left > 0, "the demo has newcomers or leavers in a month");

    // Attendance: distinct people per day, and the daily series adds up to it.
    let days = q("SELECT count(*) FROM (SELECT DISTINCT person_id, day FROM attendance
                  WHERE facility_id = {f} AND day LIKE '2026-10-%')");
    assert_eq!(e.attendance.person_days, days);
    assert!(days > 0, "clients check in on the days they eat at the centre");
    assert_eq!(e.attendance.daily.iter().sum::<i64>(), days);
    assert_eq!(e.attendance.daily.len(), 31);
    assert_eq!(
        e.attendance.people,
        q("SELECT count(DISTINCT person_id) FROM attendance WHERE facility_id = {f} AND day LIKE '2026-10-%'")
    );
    let oct3 = q("SELECT count(*) FROM attendance WHERE facility_id = {f} AND day = '2026-10-03'");
    assert_eq!(e.attendance.daily[2], oct3, "the third slot is 3 October");

    // Served: anyone who came, ate or had a visit done.
    let served: HashSet<String> = [
        "SELECT person_id, NULL, NULL FROM attendance WHERE facility_id = ?1 AND day LIKE '2026-10-%'",
        "SELECT client_id, NULL, NULL FROM bookings WHERE facility_id = ?1 AND status = 'served' AND day LIKE '2026-10-%'",
        "SELECT client_id, NULL, NULL FROM visits WHERE facility_id = ?1 AND status = 'done' AND day LIKE '2026-10-%'",
    ]
    .iter()
    .flat_map(|sql| {
        t.db.read(|c| {
            let mut stmt = c.prepare(sql)?;
            let ids = stmt.query_map([f], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids.into_iter().map(|i| i.to_string()).collect::<Vec<_>>())
        })
        .unwrap()
    })
    .collect();
    assert_eq!(e.served, served.len() as i64);

    // Meals and subsidy.
    assert_eq!(
        e.meals.all.served,
        q("SELECT count(*) FROM bookings WHERE facility_id = {f} AND status = 'served' AND day LIKE '2026-10-%'")
    );
    assert_eq!(e.meals.subsidy_fen, q("SELECT coalesce(sum(subsidy_fen), 0) FROM bookings WHERE facility_id = {f} AND status = 'served' AND day LIKE '2026-10-%'"));
    assert!(e.meals.all.served > 100);

    // Visits and their reasons.
    let visits = |status: &str| {
        q(&format!(
            "SELECT count(*) FROM visits WHERE facility_id = {{f}} AND status = '{status}' AND day LIKE '2026-10-%'"
        ))
    };
    assert_eq!(e.visits.done, visits("done"));
    assert_eq!(e.visits.missed, visits("missed"));
    assert_eq!(e.visits.refused, visits("refused"));
    assert_eq!(e.visits.cancelled, visits("cancelled"));
    assert_eq!(e.visits.planned, visits("done") + visits("missed") + visits("refused") + visits("planned"));
    assert_eq!(e.visits.unrecorded, 0, "October is over: every demo visit was recorded");
    assert_eq!(
        e.visits.minutes_done,
        q("SELECT coalesce(sum(done_end_min - done_start_min), 0) FROM visits WHERE facility_id = {f} AND status = 'done' AND day LIKE '2026-10-%'")
    );
    let reasons: i64 = e.visits.reasons.iter().map(|r| r.2).sum();
    assert_eq!(reasons, e.visits.missed + e.visits.refused);
    assert!(e.visits.reasons.windows(2).all(|w| w[0].2 >= w[1].2), "most frequent reason first");

    // Checkups, by the local day they were taken.
    let mut checkups = (0, 0, 0);
    for (taken, level, _) in rows(&t.db, "SELECT taken_at, worst_level, NULL FROM checkups WHERE facility_id = ?1", f) {
        if in_october(local_day(&taken)) {
            checkups.0 += 1;
            checkups.1 += i64::from(matches!(level.as_deref(), Some("raised" | "urgent")));
            checkups.2 += i64::from(level.as_deref() == Some("urgent"));
        }
    }
    assert_eq!((e.health.checkups, e.health.abnormal, e.health.urgent), checkups);
    assert!(e.health.follow_ups_done <= e.health.follow_ups_due);

    // Capability: each registered client's latest level by the month's end.
    let mut latest: HashMap<i64, (String, i64)> = HashMap::new();
    t.db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT a.client_id, a.assessed_on, a.level FROM assessments a JOIN clients cl ON cl.id = a.client_id
             WHERE cl.facility_id = ?1 AND a.assessed_on <= '2026-10-31'",
        )?;
        let mut rs = stmt.query([f])?;
        while let Some(r) = rs.next()? {
            let (id, on, level): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let e = latest.entry(id).or_insert((on.clone(), level));
            if on >= e.0 {
                *e = (on, level);
            }
        }
        Ok(())
    })
    .unwrap();
    let assessed: i64 = e.capability.levels.iter().sum();
    assert_eq!(assessed + e.capability.not_assessed, registered);
    let level2: i64 = latest.values().filter(|(_, l)| *l == 2).count() as i64;
    assert!(e.capability.levels[2] <= level2, "only registered clients are counted");
    assert!(assessed > registered / 2, "most demo clients were assessed");
}

#[test]
fn a_childcare_unit_s_figures_match_the_database() {
    let (t, _) = seeded();
    let f = first_of(&t.db, "childcare");
    let all = gather(&t.db, Some(f));
    let Figures::Child(c) = &all[0].figures else { panic!("childcare figures") };
    let q = |sql: &str| count(&t.db, &sql.replace("{f}", &f.to_string()));
    assert_eq!(
        c.roll.registered,
        q("SELECT count(*) FROM children WHERE facility_id = {f} AND enrolled_on <= '2026-10-31'
           AND (left_on IS NULL OR left_on > '2026-10-31')")
    );
    assert_eq!(
        c.checks.morning,
        q("SELECT count(*) FROM child_checks WHERE facility_id = {f} AND session = 'morning' AND day LIKE '2026-10-%'")
    );
    assert_eq!(
        c.checks.noon,
        q("SELECT count(*) FROM child_checks WHERE facility_id = {f} AND session = 'noon' AND day LIKE '2026-10-%'")
    );
    assert_eq!(
        c.checks.signs[0],
        q("SELECT count(*) FROM child_checks WHERE facility_id = {f} AND fever = 1 AND day LIKE '2026-10-%'")
    );
    assert_eq!(c.checks.sent_home, q("SELECT count(*) FROM child_checks WHERE facility_id = {f} AND action = 'send_home' AND day LIKE '2026-10-%'"));
    assert_eq!(
        c.checks.with_signs,
        q("SELECT count(*) FROM child_checks WHERE facility_id = {f} AND day LIKE '2026-10-%' AND
           (fever + poor_spirits + red_throat + rash + poor_eating + poor_sleep + abnormal_stools > 0
            OR length(trim(coalesce(unsafe_item, ''))) > 0)")
    );
    // Children check in on the days of their morning check.
    assert_eq!(c.attendance.person_days, c.checks.morning);
    assert_eq!(
        c.samples_kept,
        q("SELECT count(*) FROM food_samples s WHERE s.facility_id = {f} AND s.day LIKE '2026-10-%' AND EXISTS (
             SELECT 1 FROM menu_items i JOIN menus m ON m.id = i.menu_id WHERE m.facility_id = s.facility_id
             AND m.status = 'published' AND i.day = s.day AND i.meal = s.meal AND i.dish_id = s.dish_id)")
    );

    // Growth: each enrolled child's latest measurement by the month's end, read in Rust.
    let mut latest: HashMap<i64, (String, String)> = HashMap::new();
    t.db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT g.child_id, g.measured_on, g.zscores_json FROM growth_measurements g JOIN children ch ON ch.id = g.child_id
             WHERE ch.facility_id = ?1 AND g.measured_on <= '2026-10-31' AND ch.enrolled_on <= '2026-10-31'
             AND (ch.left_on IS NULL OR ch.left_on > '2026-10-31') ORDER BY g.measured_on, g.id",
        )?;
        let mut rs = stmt.query([f])?;
        while let Some(r) = rs.next()? {
            latest.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        Ok(())
    })
    .unwrap();
    let below = latest
        .values()
        .filter(|(_, json)| {
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            v.as_array().unwrap().iter().any(|s| {
                ["weight_for_age", "length_for_age", "weight_for_length"].contains(&s["indicator"].as_str().unwrap())
                    && s["z"].as_f64().unwrap() < -2.0
            })
        })
        .count() as i64;
    assert_eq!((c.growth.with_measurement, c.growth.below_minus_2sd), (latest.len() as i64, below));
}

#[test]
fn the_city_report_has_every_facility_once_and_totals_that_add_up() {
    let (t, admin) = seeded();
    let all = gather(&t.db, None);
    assert_eq!(all.len() as i64, count(&t.db, "SELECT count(*) FROM facilities"));
    assert_eq!(all.len(), 113, "88 elder centres and stations and 25 childcare units");
    let doc = report::build(&t.db, &admin, None, october(), Locale::ZhCn, now(), &mut |_| {}).unwrap();
    let tables: Vec<_> =
        doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
    assert_eq!(tables.len(), 4, "a table of elder facilities, one of childcare units, one of incidents, one of fees");
    for (table, kind) in [(tables[0], "elder"), (tables[1], "childcare"), (tables[3], "every")] {
        let facility_rows: Vec<_> = table.rows.iter().filter(|r| r.kind == RowKind::Normal).collect();
        let expected = count(
            &t.db,
            &format!(
                "SELECT count(*) FROM facilities
                  WHERE '{kind}' = 'every' OR (kind = 'childcare') = ('{kind}' = 'childcare')"
            ),
        );
        assert_eq!(facility_rows.len() as i64, expected);
        let names: HashSet<String> = facility_rows.iter().map(|r| r.cells[0].display()).collect();
        assert_eq!(names.len(), facility_rows.len(), "each facility once");
        let total = table.rows.last().unwrap();
        assert_eq!(total.kind, RowKind::Total);
        assert_eq!(total.cells[0].display(), "全市合计");
        for col in 1..table.columns.len() {
            let sum: i64 = facility_rows
                .iter()
                .map(|r| match &r.cells[col] {
                    Cell::Int(n) | Cell::Fen(n) => *n,
                    _ => 0,
                })
                .sum();
            match &total.cells[col] {
                Cell::Int(n) | Cell::Fen(n) => assert_eq!(*n, sum, "{kind} column {}", table.columns[col].label),
                Cell::Share(_) => {}
                other => panic!("unexpected total cell {other:?}"),
            }
        }
    }
    // The city's meals served equal the bookings table's, however grouped.
    let served = count(
        &t.db,
        "SELECT count(*) FROM bookings WHERE status = 'served' AND day BETWEEN '2026-10-01' AND '2026-10-31'",
    );
    let elder_total = tables[0].rows.last().unwrap();
    let col = tables[0].columns.iter().position(|c| c.label == "供餐").unwrap();
    assert_eq!(elder_total.cells[col], Cell::Int(served));
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) must be installed to check PDFs: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pages_of(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo prints the page count");
    line.split_whitespace().last().unwrap().parse().unwrap()
}

fn assert_subset_font_embedded(pdf: &Path) {
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "the PDF names its font");
    for row in rows {
        let name = row.split_whitespace().next().unwrap();
        assert!(name.len() > 7 && name.as_bytes()[6] == b'+', "a subset font carries a 6-letter tag: {row}");
        assert!(row.contains(" yes yes "), "embedded and subset: {row}");
    }
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

#[test]
fn the_facility_pdf_opens_with_its_subset_font_pages_and_figures() {
    let (t, admin) = seeded();
    let f = first_of(&t.db, "elder_centre");
    let name: String =
        t.db.read(|c| Ok(c.query_row("SELECT name FROM facilities WHERE id = ?1", [f], |r| r.get(0))?)).unwrap();
    let path = t.dir.path().join("out").join("f.pdf");
    let saved =
        report::save(&t.db, &admin, Some(f), october(), ReportFormat::Pdf, Locale::ZhCn, now(), &path, &mut |_| {})
            .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(saved.bytes, bytes.len() as u64);
    assert!(bytes.len() < 300_000, "a subset font keeps a facility report small: {} bytes", bytes.len());
    assert_subset_font_embedded(&path);

    let doc = report::build(&t.db, &admin, Some(f), october(), Locale::ZhCn, now(), &mut |_| {}).unwrap();
    let pages = pages_of(&path);
    assert_eq!(pages, report::pdf::layout_pages(&doc).len(), "the file has the pages the layout made");
    let text = text_of(&path);
    assert!(text.contains(&name), "the facility's name is in the text");
    assert!(text.contains("2026年10月"));
    // pdftotext leaves out the spaces between CJK glyphs, so compare without them.
    let packed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(packed.contains(&format!("第1页/共{pages}页")), "page numbers: {text}");
    assert!(packed.contains(&format!("第{pages}页/共{pages}页")));
    for words in ["一、服务对象", "二、助餐", "三、上门服务", "四、健康管理", "五、能力评估", "制表人", "负责人"]
    {
        assert!(text.contains(words), "{words} is in the report");
    }
    // The registered figure is printed beside its label.
    let Figures::Elder(e) = &gather(&t.db, Some(f))[0].figures else { unreachable!() };
    let line = text.lines().find(|l| l.contains("月末在册")).expect("the registered line");
    assert!(line.contains(&e.roll.registered.to_string()), "{line}");
    assert!(!text.contains("report."), "every label is translated");
    // The export is audited.
    assert_eq!(count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'monthly_report'"), 1);
}

#[test]
fn the_city_pdf_and_workbook_carry_every_facility() {
    let (t, admin) = seeded();
    let pdf = t.dir.path().join("city.pdf");
    let mut heard = Vec::new();
    report::save(&t.db, &admin, None, october(), ReportFormat::Pdf, Locale::ZhCn, now(), &pdf, &mut |p| heard.push(p))
        .unwrap();
    assert_subset_font_embedded(&pdf);
    // Progress is throttled in the core: every stage is heard, its last step too, and no
    // more than one step in PROGRESS_EVERY of the facilities read one by one.
    let reading: Vec<_> = heard.iter().filter(|p| p.stage == "figures").collect();
    let steps = reading.last().expect("the figures stage is heard").total;
    assert!(steps > 10, "the city's facilities are read one by one: {steps}");
    assert!(reading.len() as u32 <= steps / report::PROGRESS_EVERY + 2, "{} messages for {steps} steps", reading.len());
    assert!(reading.iter().any(|p| p.done == p.total), "the last step is heard");
    assert_eq!(heard.last().map(|p| p.stage.as_str()), Some("writing"));
    let text = text_of(&pdf);
    let names: Vec<String> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT name FROM facilities")?;
            let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(names)
        })
        .unwrap();
    for name in &names {
        assert!(text.contains(name.as_str()), "{name} has its row in the city report");
    }
    assert!(text.contains("全市合计") && text.contains("各生活圈体检异常率"));
    assert!(pages_of(&pdf) >= 3);

    let xlsx = t.dir.path().join("city.xlsx");
    report::save(&t.db, &admin, None, october(), ReportFormat::Xlsx, Locale::ZhCn, now(), &xlsx, &mut |_| {}).unwrap();
    use calamine::{open_workbook, DataType, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheets = book.sheet_names().to_vec();
    assert!(sheets.contains(&"概要".to_string()) && sheets.contains(&"养老机构".to_string()), "{sheets:?}");
    let elder = book.worksheet_range("养老机构").unwrap();
    let facility_col: Vec<String> = elder.rows().map(|r| r[0].to_string()).collect();
    let elder_names = count(&t.db, "SELECT count(*) FROM facilities WHERE kind != 'childcare'");
    assert_eq!(names.iter().filter(|n| facility_col.contains(n)).count() as i64, elder_names);
    let total = elder.rows().next_back().unwrap();
    assert_eq!(total[0].to_string(), "全市合计");
    let served = count(&t.db, "SELECT count(*) FROM bookings WHERE status = 'served' AND day LIKE '2026-10-%'");
    let col = elder.rows().next().unwrap().iter().position(|c| *c == "供餐").unwrap();
    assert_eq!(total[col].as_f64(), Some(served as f64), "numbers stay numbers in Excel");
}

#[test]
fn reports_in_english_translate_every_label() {
    let (t, admin) = seeded();
    let f = first_of(&t.db, "childcare");
    let doc: Document = report::build(&t.db, &admin, Some(f), october(), Locale::En, now(), &mut |_| {}).unwrap();
    let mut words = vec![doc.title.clone(), doc.header_right.clone(), doc.page_label.clone()];
    for block in &doc.blocks {
        match block {
            Block::Heading(h) | Block::Paragraph(h) => words.push(h.clone()),
            Block::Facts(facts) => words.extend(facts.iter().map(|f| f.label.clone())),
            Block::Table(t) => words
                .extend(t.columns.iter().map(|c| c.label.clone()).chain(t.rows.iter().map(|r| r.cells[0].display()))),
            Block::Chart(c) => words.push(c.title.clone()),
            Block::Signatures(s) => words.extend(s.iter().cloned()),
        }
    }
    for w in &words {
        assert!(!w.contains("report.") && !w.contains("child_health.") && !w.is_empty(), "untranslated: {w:?}");
    }
    assert!(words.iter().any(|w| w == "2. Morning and noon checks"), "{words:?}");
    assert!(doc.page_label.contains("{page}") && doc.page_label.contains("{pages}"));
}

#[test]
fn who_may_print_what_and_bad_months_change_nothing() {
    let (t, admin) = seeded();
    let (f, other) = common::two_elder_facilities(&t.db);
    let manager = account(&t.db, &admin, "mgr", Role::FacilityManager, Some(f));
    let nurse = account(&t.db, &admin, "nurse", Role::Nurse, Some(f));
    let out = t.dir.path().join("r.pdf");
    let audit = || count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'monthly_report'");
    let try_save = |actor, facility, month: &str| {
        let month = Month::parse(month)?;
        report::save(&t.db, actor, facility, month, ReportFormat::Pdf, Locale::ZhCn, now(), &out, &mut |_| {})
    };
    assert!(matches!(try_save(&nurse, Some(f), OCTOBER), Err(CoreError::Forbidden)), "nurses do not print reports");
    assert!(matches!(try_save(&manager, Some(other), OCTOBER), Err(CoreError::Forbidden)), "another facility's");
    assert!(matches!(try_save(&manager, None, OCTOBER), Err(CoreError::Forbidden)), "the city's is the office's");
    assert!(matches!(try_save(&admin, Some(999_999), OCTOBER), Err(CoreError::NotFound { .. })));
    match try_save(&manager, Some(f), "2026-12") {
        Err(CoreError::Invalid(i)) => assert_eq!(i.code, "report.month_future"),
        other => panic!("a month not begun is refused: {other:?}"),
    }
    match try_save(&manager, Some(f), "2026-13") {
        Err(CoreError::Invalid(i)) => assert_eq!(i.code, "report.month_invalid"),
        other => panic!("{other:?}"),
    }
    let message = CoreError::from(Month::parse("10月").unwrap_err()).to_payload(Locale::ZhCn).message;
    assert!(message.contains("2026-10"), "the clerk is told how to write it: {message}");
    assert!(!out.exists(), "nothing written on a refusal");
    assert_eq!(audit(), 0);
    // The manager's own facility, this month so far: allowed.
    try_save(&manager, Some(f), "2026-11").unwrap();
    assert!(out.exists());
    assert_eq!(audit(), 1);
}

#[test]
fn the_current_month_counts_up_to_today_and_says_so() {
    let (t, admin) = seeded();
    let november = Month::parse("2026-11").unwrap();
    let all = t.db.read(|c| figures::gather(c, None, november, common::today(), &mut |_, _| {})).unwrap();
    let q = |sql: &str| count(&t.db, sql);
    let booked: i64 = all
        .iter()
        .filter_map(|fm| if let Figures::Elder(e) = &fm.figures { Some(e.meals.all.booked) } else { None })
        .sum();
    assert_eq!(
        booked,
        q("SELECT count(*) FROM bookings WHERE status != 'cancelled' AND day BETWEEN '2026-11-01' AND '2026-11-29'"),
        "meals booked for days still to come are not counted"
    );
    let missing: i64 = all
        .iter()
        .filter_map(|fm| if let Figures::Child(c) = &fm.figures { Some(c.samples_missing) } else { None })
        .sum();
    let missing_to_today = q("SELECT count(*) FROM menu_items i JOIN menus m ON m.id = i.menu_id
         JOIN facilities f ON f.id = m.facility_id AND f.kind = 'childcare'
         WHERE m.status = 'published' AND i.day BETWEEN '2026-11-01' AND '2026-11-29' AND NOT EXISTS (
           SELECT 1 FROM food_samples s WHERE s.facility_id = m.facility_id AND s.day = i.day AND s.meal = i.meal
           AND s.dish_id = i.dish_id)");
    assert_eq!(missing, missing_to_today, "tomorrow's dishes have no sample yet, and are not missing");
    let doc = report::build(&t.db, &admin, None, november, Locale::ZhCn, now(), &mut |_| {}).unwrap();
    assert!(doc.header_right.contains("截至 2026-11-29"), "{}", doc.header_right);
    assert!(matches!(&doc.blocks[0], Block::Paragraph(p) if p.contains("2026-11-29")));
    let october = report::build(&t.db, &admin, None, october(), Locale::ZhCn, now(), &mut |_| {}).unwrap();
    assert_eq!(october.header_right, "2026年10月", "a month over says nothing of the kind");
}

#[test]
fn follow_ups_add_up_in_every_facility_and_month() {
    let (t, _) = seeded();
    for month in ["2021-01", "2024-01", "2025-06", "2026-10", "2026-11"] {
        let month = Month::parse(month).unwrap();
        let all = t.db.read(|c| figures::gather(c, None, month, common::today(), &mut |_, _| {})).unwrap();
        for fm in &all {
            let Figures::Elder(e) = &fm.figures else { continue };
            let h = &e.health;
            assert!(
                h.follow_ups_done + h.follow_ups_overdue <= h.follow_ups_due,
                "{month} {}: due {} done {} overdue {}",
                fm.place.name,
                h.follow_ups_due,
                h.follow_ups_done,
                h.follow_ups_overdue
            );
            if month.to_string() == "2021-01" {
                assert_eq!(
                    (h.follow_ups_due, e.roll.registered),
                    (0, 0),
                    "before the demo's first client, nothing is due"
                );
            }
        }
    }
}

#[test]
fn the_city_s_row_of_a_facility_is_its_own_report() {
    let (t, _) = seeded();
    // Two blood pressures on one day, the later one (controlled) written first: the
    // day's latest reading is the later one, in whatever order the rows are stored. A
    // client with hypertension, consent and an October checkup with a blood pressure.
    let (id, taken_at): (i64, String) = t
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT k.id, k.taken_at FROM checkups k JOIN clients cl ON cl.id = k.client_id
                 WHERE cl.status = 'active' AND cl.consent_on IS NOT NULL AND cl.chronic_conditions LIKE '%hypertension%'
                   AND k.systolic IS NOT NULL AND k.taken_at BETWEEN '2026-10-05T02:00:00Z' AND '2026-10-25T02:00:00Z'
                 ORDER BY k.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    let earlier = (taken_at.parse::<DateTime<Utc>>().unwrap() - Duration::minutes(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let raw = rusqlite::Connection::open(t.dir.path().join("carecircle.db")).unwrap();
    raw.execute("UPDATE checkups SET systolic = 122, diastolic = 78 WHERE id = ?1", [id]).unwrap();
    raw.execute_batch(&format!(
        "CREATE TEMP TABLE k AS SELECT * FROM checkups WHERE id = {id};
         UPDATE k SET id = (SELECT max(id) + 1 FROM checkups), taken_at = '{earlier}', systolic = 176, diastolic = 98,
                      worst_level = 'raised', uid = randomblob(16);
         INSERT INTO checkups SELECT * FROM k;"
    ))
    .unwrap();
    drop(raw);

    let city = gather(&t.db, None);
    for fm in &city {
        let own = gather(&t.db, Some(fm.place.id));
        assert_eq!(own.len(), 1);
        assert_eq!(own[0], *fm, "{}: the city's row and the facility's own report", fm.place.name);
    }
}

#[test]
fn the_city_read_on_two_readers_is_the_city_read_on_one() {
    let (t, _) = seeded();
    let together =
        t.db.read_together(2, |readers| {
            assert_eq!(readers.len(), 2);
            figures::gather_together(readers, None, october(), common::today(), &mut |_, _| {})
        })
        .unwrap();
    assert_eq!(together, gather(&t.db, None));
}

/// Reports `kind` of the first client (or child) of `facility` at `when` (a Wuhai wall time,
/// or a day at 09:30), an hour later; `hospital` sends them to one.
fn incident(db: &Db, admin: &carecircle_core::Actor, facility: i64, when: &str, kind: IncidentKind, hospital: bool) {
    let when = if when.len() == 10 { format!("{when} 09:30") } else { when.to_string() };
    let child = count(db, &format!("SELECT kind = 'childcare' FROM facilities WHERE id = {facility}")) == 1;
    let (table, person_kind) = if child { ("children", PersonKind::Child) } else { ("clients", PersonKind::Client) };
    let person = count(db, &format!("SELECT min(id) FROM {table} WHERE facility_id = {facility}"));
    let input = IncidentInput {
        person_kind,
        person_id: person,
        kind,
        severity: if hospital { Severity::Serious } else { Severity::Unhurt },
        occurred_at: when.clone(),
        place: "活动室".into(),
        what_happened: "经过".into(),
        injury: hospital.then(|| "伤情".into()),
        action_taken: "处置".into(),
        to_hospital: hospital,
        hospital: hospital.then(|| "乌海市人民医院".into()),
        witnesses: None,
        family_told_at: None,
        family_told_who: None,
        family_told_how: None,
    };
    let wall = chrono::NaiveDateTime::parse_from_str(&when, "%Y-%m-%d %H:%M").unwrap();
    let at = carecircle_core::clock::from_local(wall) + Duration::hours(1);
    incidents::report(db, admin, &input, at).unwrap();
}

/// Every facility's incident figures of October.
fn incident_figures(db: &Db) -> HashMap<i64, IncidentFigures> {
    gather(db, None)
        .into_iter()
        .map(|fm| match fm.figures {
            Figures::Elder(e) => (fm.place.id, e.incidents),
            Figures::Child(c) => (fm.place.id, c.incidents),
        })
        .collect()
}

#[test]
fn incidents_are_counted_by_kind_in_the_facilitys_report_and_the_citys() {
    let (t, admin) = seeded();
    let centre = first_of(&t.db, "elder_centre");
    let unit = first_of(&t.db, "childcare");
    let before = incident_figures(&t.db);
    incident(&t.db, &admin, centre, "2026-10-03", IncidentKind::Fall, false);
    incident(&t.db, &admin, centre, "2026-10-20", IncidentKind::Fall, true);
    incident(&t.db, &admin, centre, "2026-10-21", IncidentKind::Choking, false);
    incident(&t.db, &admin, unit, "2026-10-08", IncidentKind::Fall, false);
    // The evening of 31 October in Wuhai is October's (15:30 UTC); 1 November's morning is not.
    incident(&t.db, &admin, centre, "2026-10-31 23:30", IncidentKind::Wandering, false);
    incident(&t.db, &admin, centre, "2026-11-01 00:10", IncidentKind::Fall, false);
    let after = incident_figures(&t.db);

    // What the reports added, exactly.
    let at = |kind: IncidentKind| IncidentKind::ALL.iter().position(|k| *k == kind).unwrap();
    let added = |id: i64, kind: IncidentKind| after[&id].by_kind[at(kind)] - before[&id].by_kind[at(kind)];
    let (falls, choking, wandering) = (
        added(centre, IncidentKind::Fall),
        added(centre, IncidentKind::Choking),
        added(centre, IncidentKind::Wandering),
    );
    assert_eq!((falls, choking, wandering, after[&centre].total() - before[&centre].total()), (2, 1, 1, 4));
    assert_eq!(after[&centre].serious - before[&centre].serious, 1);
    assert_eq!(after[&centre].to_hospital - before[&centre].to_hospital, 1);
    assert_eq!(after[&centre].open - before[&centre].open, 4, "none of them closed");
    assert_eq!(after[&unit].total() - before[&unit].total(), 1);

    // Every facility's figures against the table, counted apart in SQL.
    for (id, f) in &after {
        for (i, kind) in IncidentKind::ALL.iter().enumerate() {
            let n = count(
                &t.db,
                &format!(
                    "SELECT count(*) FROM incidents WHERE facility_id = {id} AND kind = '{kind}'
                     AND occurred_at >= '2026-09-30T16:00:00Z' AND occurred_at < '2026-10-31T16:00:00Z'"
                ),
            );
            assert_eq!(f.by_kind[i], n, "facility {id}, {kind}");
        }
    }
    let october_sql = "FROM incidents i JOIN facilities f ON f.id = i.facility_id
         WHERE i.occurred_at >= '2026-09-30T16:00:00Z' AND i.occurred_at < '2026-10-31T16:00:00Z'";

    // The city's table by kind: a row per kind that happened, elder and children apart.
    let doc = report::build(&t.db, &admin, None, october(), Locale::ZhCn, now(), &mut |_| {}).unwrap();
    let table = doc
        .blocks
        .iter()
        .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
        .find(|t| t.sheet == "意外事件")
        .unwrap();
    let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.iter().map(Cell::display).collect()).collect();
    let mut expected = Vec::new();
    for kind in IncidentKind::ALL {
        let of = |childcare: bool| {
            count(
                &t.db,
                &format!(
                    "SELECT count(*) {october_sql} AND i.kind = '{kind}' AND (f.kind = 'childcare') = {childcare}"
                ),
            )
        };
        let (elder, child) = (of(false), of(true));
        if elder + child > 0 {
            let name = carecircle_core::i18n::lookup(Locale::ZhCn, &format!("incidents.kinds.{kind}")).unwrap();
            expected.push(vec![name.to_string(), elder.to_string(), child.to_string(), (elder + child).to_string()]);
        }
    }
    let total = count(&t.db, &format!("SELECT count(*) {october_sql}"));
    let children = count(&t.db, &format!("SELECT count(*) {october_sql} AND f.kind = 'childcare'"));
    expected.push(vec!["全市合计".into(), (total - children).to_string(), children.to_string(), total.to_string()]);
    assert_eq!(rows, expected);
}
