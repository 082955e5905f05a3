//! A person's copy of their data (PIPL Art. 45): everything held about one client or child,
//! who viewed or changed it, as a PDF and a workbook; made only by their facility's managers
//! (the city office for anyone), and on the audit log.
use std::process::Command;

use crate::common;
use carecircle_core::domain::incident::{IncidentInput, IncidentKind, Severity};
use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::document::{Block, Document};
use carecircle_core::report::person_data;
use carecircle_core::services::families::{self, FamilyInput};
use carecircle_core::services::fees::ledger;
use carecircle_core::services::payments::{self, PayMethod, PaymentInput, PaymentPurpose};
use carecircle_core::services::{health, incidents, people};
use carecircle_core::{CoreError, Db, Locale, Role};
use common::{at, code};

/// Every word and cell a reader sees, by section heading.
fn words(doc: &Document) -> Vec<String> {
    let mut out = vec![doc.title.clone(), doc.header_left.clone(), doc.header_right.clone()];
    for block in &doc.blocks {
        match block {
            Block::Heading(h) | Block::Paragraph(h) => out.push(h.clone()),
            Block::Facts(facts) => out.extend(facts.iter().flat_map(|f| [f.label.clone(), f.value.display()])),
            Block::Table(t) => out.extend(
                t.columns
                    .iter()
                    .map(|c| c.label.clone())
                    .chain(t.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.display()))),
            ),
            Block::Chart(c) => out.push(c.title.clone()),
            Block::Signatures(s) => out.extend(s.iter().cloned()),
        }
    }
    out
}

/// The rows of the table under `heading`.
fn table_rows(doc: &Document, heading: &str) -> Vec<Vec<String>> {
    let at = doc.blocks.iter().position(|b| matches!(b, Block::Heading(h) if h == heading)).expect(heading);
    match &doc.blocks[at + 1] {
        Block::Table(t) => t.rows.iter().map(|r| r.cells.iter().map(|c| c.display()).collect()).collect(),
        _ => Vec::new(),
    }
}

fn one(db: &Db, sql: &str, id: i64) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [id], |r| r.get(0))?)).expect(sql)
}

fn untranslated(doc: &Document) -> Vec<String> {
    words(doc)
        .into_iter()
        .filter(|w| {
            ["report.", "visits.", "health.", "meals.", "audit.", "entities.", "child_health."]
                .iter()
                .any(|k| w.contains(k))
        })
        .collect()
}

#[test]
fn a_client_s_copy_holds_every_record_and_who_looked_at_it() {
    let (t, admin) = common::seeded();
    let client = one(
        &t.db,
        "SELECT cl.id FROM clients cl
          WHERE EXISTS (SELECT 1 FROM checkups k WHERE k.client_id = cl.id)
            AND EXISTS (SELECT 1 FROM assessments a WHERE a.client_id = cl.id)
            AND EXISTS (SELECT 1 FROM visits v WHERE v.client_id = cl.id AND v.status = 'done')
            AND EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = cl.id AND b.status = 'served')
            AND cl.id_number IS NOT NULL AND cl.id > ?1
          ORDER BY cl.id LIMIT 1",
        0,
    );
    let facility = one(&t.db, "SELECT facility_id FROM clients WHERE id = ?1", client);
    let manager = common::account(&t.db, &admin, "mgr", Role::FacilityManager, Some(facility));
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(facility));
    // A nurse opens the record and the alert list: both are in the copy.
    people::get_client(&t.db, &nurse, client, common::today()).unwrap();
    health::open_alerts(&t.db, &nurse, facility).unwrap();
    // She reports a fall and opens the incident book, which lists it: both are in the copy.
    let fall = IncidentInput {
        person_kind: PersonKind::Client,
        person_id: client,
        kind: IncidentKind::Fall,
        severity: Severity::Unhurt,
        occurred_at: "2026-11-28 09:30".into(),
        place: "走廊".into(),
        what_happened: "行走时跌倒".into(),
        injury: None,
        action_taken: "扶起观察".into(),
        to_hospital: false,
        hospital: None,
        witnesses: None,
        family_told_at: None,
        family_told_who: None,
        family_told_how: None,
    };
    incidents::report(&t.db, &nurse, &fall, common::clock().now()).unwrap();
    incidents::list(&t.db, &nurse, facility, Month::parse("2026-11").unwrap()).unwrap();
    // The client and another of the facility are paid for by their son: he is in the copy.
    let spouse = common::count(
        &t.db,
        &format!(
            "SELECT min(id) FROM clients c WHERE facility_id = {facility} AND id != {client}
                AND NOT EXISTS (SELECT 1 FROM family_members m WHERE m.person_kind = 'client' AND m.person_id = c.id)"
        ),
    );
    let (spouse_name, facility_name): (String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT c.name, f.name FROM clients c JOIN facilities f ON f.id = c.facility_id WHERE c.id = ?1",
                [spouse],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    t.db.write(|c| {
        Ok(c.execute("DELETE FROM family_members WHERE person_kind = 'client' AND person_id = ?1", [client])?)
    })
    .unwrap();
    let input = FamilyInput {
        facility_id: facility,
        name: "周家".into(),
        payer_name: "周强".into(),
        payer_phone: Some("13900001111".into()),
    };
    let family = families::create(&t.db, &manager, &input).unwrap();
    for person in [client, spouse] {
        families::add_member(&t.db, &manager, family.id, PersonKind::Client, person).unwrap();
    }
    // The desk takes the month's meal money, on the wrong receipt first: both are in the copy.
    let money = PaymentInput {
        person_kind: PersonKind::Client,
        person_id: client,
        payer_name: "王丽".into(),
        purpose: PaymentPurpose::Meals,
        note: Some("11月餐费".into()),
        amount_fen: 36_000,
        method: PayMethod::Cash,
    };
    let wrong = payments::record(&t.db, &manager, &money, common::clock().now()).unwrap();
    payments::void(&t.db, &manager, wrong.id, "收款事由写错", common::clock().now()).unwrap();
    payments::record(&t.db, &manager, &money, common::clock().now()).unwrap();
    // The nurse reads the client's statement and the family's: both are in the copy; another
    // family's statement, which does not name the client, is not.
    let november = Month::parse("2026-11").unwrap();
    ledger::statement(&t.db, &nurse, PersonKind::Client, client, november).unwrap();
    families::statement(&t.db, &nurse, family.id, november).unwrap();
    let neighbour = common::count(
        &t.db,
        &format!(
            "SELECT min(id) FROM clients c WHERE facility_id = {facility} AND id NOT IN ({client}, {spouse})
                AND NOT EXISTS (SELECT 1 FROM family_members m WHERE m.person_kind = 'client' AND m.person_id = c.id)"
        ),
    );
    let next_door = families::create(&t.db, &manager, &FamilyInput { name: "邻家".into(), ..input.clone() }).unwrap();
    families::add_member(&t.db, &manager, next_door.id, PersonKind::Client, neighbour).unwrap();
    families::statement(&t.db, &nurse, next_door.id, november).unwrap();

    let doc = person_data::build(&t.db, &manager, PersonKind::Client, client, Locale::ZhCn, at("2026-11-29T02:00:00Z"))
        .unwrap();
    let all = words(&doc);
    let id_number: String =
        t.db.read(|c| Ok(c.query_row("SELECT id_number FROM clients WHERE id = ?1", [client], |r| r.get(0))?)).unwrap();
    assert!(all.contains(&id_number), "the person's own copy has their whole ID number");
    assert!(untranslated(&doc).is_empty(), "{:?}", untranslated(&doc));
    let count = |sql: &str| one(&t.db, sql, client) as usize;
    assert_eq!(table_rows(&doc, "健康检查").len(), count("SELECT count(*) FROM checkups WHERE client_id = ?1"));
    assert_eq!(table_rows(&doc, "能力评估").len(), count("SELECT count(*) FROM assessments WHERE client_id = ?1"));
    assert_eq!(table_rows(&doc, "服务记录").len(), count("SELECT count(*) FROM visits WHERE client_id = ?1"));
    assert_eq!(table_rows(&doc, "照护计划").len(), count("SELECT count(*) FROM care_plan_items WHERE client_id = ?1"));
    assert_eq!(table_rows(&doc, "就餐记录").len(), count("SELECT count(*) FROM bookings WHERE client_id = ?1"));
    assert_eq!(
        table_rows(&doc, "出入记录").len(),
        count("SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = ?1")
    );
    let their_incidents = table_rows(&doc, "意外事件");
    assert_eq!(
        their_incidents.len(),
        count("SELECT count(*) FROM incidents WHERE person_kind = 'client' AND person_id = ?1")
    );
    assert!(their_incidents.iter().any(|r| r[1] == "跌倒" && r[3] == "走廊" && r[4] == "行走时跌倒"));
    let family = table_rows(&doc, "家庭（合并结算）");
    assert_eq!(family, vec![vec!["周家".to_string(), "周强".into(), "13900001111".into(), spouse_name, facility_name]]);
    let paid = table_rows(&doc, "收款记录");
    assert_eq!(paid.len(), count("SELECT count(*) FROM payments WHERE person_kind = 'client' AND person_id = ?1"));
    let row = paid.iter().position(|r| r[1] == wrong.receipt_no).expect("the wrong receipt is in the copy");
    assert_eq!(paid[row][1..5], [wrong.receipt_no.as_str(), "王丽", "餐费 · 11月餐费", "360.00"]);
    assert!(paid[row][7].ends_with("收款事由写错") && paid[row + 1][7].is_empty(), "{paid:?}");
    let trail = table_rows(&doc, "查看与修改记录");
    let by_nurse: Vec<&Vec<String>> = trail.iter().filter(|r| r[2].contains("(nurse)")).collect();
    assert!(by_nurse.iter().any(|r| r[3] == "查看" && r[4] == "服务对象"), "the record view: {by_nurse:?}");
    assert!(by_nurse.iter().any(|r| r[4] == "意外事件报告"), "the report: {by_nurse:?}");
    assert!(by_nurse.iter().any(|r| r[3] == "查看" && r[4] == "意外事件记录"), "the book: {by_nurse:?}");
    assert!(by_nurse.iter().any(|r| r[3] == "查看" && r[4] == "对账单"), "the statement: {by_nurse:?}");
    assert!(by_nurse.iter().any(|r| r[3] == "查看" && r[4] == "家庭"), "the family's statement: {by_nurse:?}");
    let listed = one(&t.db, "SELECT count(*) FROM alerts WHERE client_id = ?1 AND handled_at IS NULL", client) > 0;
    assert_eq!(by_nurse.len(), if listed { 6 } else { 5 }, "the alert list counts only if it named them: {by_nurse:?}");
    let by_manager: Vec<&Vec<String>> = trail.iter().filter(|r| r[2].contains("(mgr)")).collect();
    assert_eq!(
        by_manager.iter().filter(|r| r[3] == "加入家庭").count(),
        1,
        "the client joining 周家, not the neighbour joining 邻家: {by_manager:?}"
    );

    // Written as both files, each whole, and the export is on the log.
    let pdf = t.dir.path().join("copy.pdf");
    let xlsx = t.dir.path().join("copy.xlsx");
    let files = person_data::save(
        &t.db,
        &manager,
        PersonKind::Client,
        client,
        Locale::ZhCn,
        at("2026-11-29T02:00:00Z"),
        &pdf,
        &xlsx,
    )
    .unwrap();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert_eq!(files.pdf.bytes, std::fs::metadata(&pdf).unwrap().len());
    let text =
        Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    let name: String =
        t.db.read(|c| Ok(c.query_row("SELECT name FROM clients WHERE id = ?1", [client], |r| r.get(0))?)).unwrap();
    assert!(
        text.contains(&format!("{name}个人信息副本")) && text.contains("健康检查"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert_eq!(
        one(
            &t.db,
            "SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'client' AND entity_id = CAST(?1 AS TEXT)
               AND username = 'mgr' AND after_json LIKE '%copy.pdf%copy.xlsx%'",
            client
        ),
        1
    );
}

#[test]
fn only_the_person_s_managers_make_a_copy_and_a_refusal_writes_nothing() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let client = one(&t.db, "SELECT min(id) FROM clients WHERE facility_id = ?1", a);
    let now = at("2026-11-29T02:00:00Z");
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    let elsewhere = common::account(&t.db, &admin, "mgr-b", Role::FacilityManager, Some(b));
    let before = common::count(&t.db, "SELECT count(*) FROM audit_log");
    for who in [&nurse, &elsewhere] {
        let refused = person_data::build(&t.db, who, PersonKind::Client, client, Locale::ZhCn, now);
        assert!(matches!(refused, Err(CoreError::Forbidden)), "{refused:?}");
    }
    let pdf = t.dir.path().join("x.pdf");
    let xlsx = t.dir.path().join("x.xlsx");
    assert!(matches!(
        person_data::save(&t.db, &nurse, PersonKind::Client, client, Locale::ZhCn, now, &pdf, &xlsx),
        Err(CoreError::Forbidden)
    ));
    assert!(!pdf.exists() && !xlsx.exists());
    let staff = one(&t.db, "SELECT min(id) FROM staff WHERE facility_id = ?1", a);
    assert_eq!(
        code(person_data::build(&t.db, &admin, PersonKind::Staff, staff, Locale::ZhCn, now).unwrap_err()),
        "person_data.client_or_child"
    );
    assert!(matches!(
        person_data::build(&t.db, &admin, PersonKind::Client, 999_999, Locale::ZhCn, now),
        Err(CoreError::NotFound { .. })
    ));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log"), before);
}

#[test]
fn a_child_s_copy_in_english_has_checks_growth_and_pick_up_persons() {
    let (t, admin) = common::seeded();
    let child = one(
        &t.db,
        "SELECT min(ch.id) FROM children ch
          WHERE EXISTS (SELECT 1 FROM child_checks k WHERE k.child_id = ch.id)
            AND EXISTS (SELECT 1 FROM growth_measurements g WHERE g.child_id = ch.id) AND ch.id > ?1",
        0,
    );
    let doc =
        person_data::build(&t.db, &admin, PersonKind::Child, child, Locale::En, at("2026-11-29T02:00:00Z")).unwrap();
    assert!(untranslated(&doc).is_empty(), "{:?}", untranslated(&doc));
    let count = |sql: &str| one(&t.db, sql, child) as usize;
    assert_eq!(
        table_rows(&doc, "Morning and noon checks").len(),
        count("SELECT count(*) FROM child_checks WHERE child_id = ?1")
    );
    assert_eq!(
        table_rows(&doc, "Growth measurements").len(),
        count("SELECT count(*) FROM growth_measurements WHERE child_id = ?1")
    );
    let contacts = table_rows(&doc, "Guardians and pick-up persons");
    assert_eq!(contacts.len(), count("SELECT count(*) FROM child_contacts WHERE child_id = ?1"));
    // A pick-up person's ID tail is theirs, not the child's: the copy says only whether one is on file.
    let tails: Vec<String> =
        t.db.read(|c| {
            let mut stmt =
                c.prepare("SELECT id_tail FROM child_contacts WHERE child_id = ?1 AND id_tail IS NOT NULL")?;
            let rows = stmt.query_map([child], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let all = words(&doc);
    assert!(tails.iter().all(|tail| !all.contains(tail)));
}
