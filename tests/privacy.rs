//! What a role without the right to see ID numbers is shown, everywhere a masked ID number
//! appears — lists, a person's page, search, exports, import reports, error messages — never
//! adds up to a whole number (docs/domain.md, "Privacy"); and whether a number is on file is
//! told only to who may register people, each answer on the log.

use crate::common;

use carecircle_core::domain::person::{ClientInput, IdentityInput, LivingSituation, StaffInput, StaffJob};
use carecircle_core::domain::resident_id::{check_char, Sex};
use carecircle_core::i18n::error_message;
use carecircle_core::roster::{self, table, ImportReport, RosterKind};
use carecircle_core::services::people::{self, ListQuery};
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::{Actor, CoreError, Db, Locale, Role};
use serde::Serialize;

/// Runs of ID-number characters with something masked in them, as shown in `text`.
fn masked_numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || c == 'X' || c == 'x' || c == '*' {
            run.push(c);
        } else {
            if run.len() >= 15 && run.contains('*') {
                found.push(run.clone());
            }
            run.clear();
        }
    }
    found
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap()
}

/// (id, full ID number) of the facility's people of one kind that have one.
fn numbers(db: &Db, table: &str, facility: i64) -> Vec<(i64, String)> {
    db.read(|c| {
        let sql =
            format!("SELECT id, id_number FROM {table} WHERE facility_id = ?1 AND id_number IS NOT NULL ORDER BY id");
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map([facility], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

/// A new client of `facility` with the ID number `number`.
fn form(db: &Db, facility: i64, number: &str) -> ClientInput {
    let community_id: i64 = db
        .read(|c| Ok(c.query_row("SELECT community_id FROM facilities WHERE id = ?1", [facility], |r| r.get(0))?))
        .unwrap();
    ClientInput {
        name: "重名".into(),
        identity: IdentityInput { id_number: Some(number.into()), sex: None, birth_date: None },
        ethnicity: "汉族".into(),
        phone: None,
        facility_id: facility,
        community_id,
        address: None,
        living_situation: LivingSituation::Alone,
        chronic_conditions: vec![],
        diet_needs: vec![],
        allergies: vec![],
        contacts: vec![],
        consent: false,
        notes: None,
    }
}

/// The desk's preview of a one-row roster of clients for `facility` naming the number.
fn preview_roster(db: &Db, desk: &Actor, facility: i64, number: &str) -> ImportReport {
    let community: String = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT co.name FROM facilities f JOIN communities co ON co.id = f.community_id WHERE f.id = ?1",
                [facility],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let roster = format!("姓名,身份证号,民族,社区,居住情况\n重名,{number},汉族,{community},独居\n");
    let today = common::today();
    roster::preview(db, desk, RosterKind::Clients, Some(facility), "名单.csv", roster.as_bytes(), today, Locale::ZhCn)
        .unwrap()
}

fn cells(path: &std::path::Path) -> String {
    let table = table::read("x.xlsx", &std::fs::read(path).unwrap()).unwrap();
    table.rows.iter().flat_map(|(_, r)| r.iter().map(|cell| cell.text.clone())).collect::<Vec<_>>().join("\n")
}

#[test]
fn nothing_the_front_desk_sees_adds_up_to_an_id_number() {
    let (t, admin) = common::seeded();
    let (centre, elsewhere) = common::two_elder_facilities(&t.db);
    let unit: i64 = t
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id", [], |r| r.get(0))?))
        .unwrap();
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    let unit_desk = common::account(&t.db, &admin, "unit-desk", Role::FrontDesk, Some(unit));
    let cache = SearchCache::new();
    let today = common::today();
    let dir = tempfile::tempdir().unwrap();
    // A nurse with her ID number on file (the demo's staff have none).
    let mut nurse_number = String::from("15030319850317002");
    nurse_number.push(check_char(nurse_number.as_bytes()));
    let nurse = StaffInput {
        name: "乌云".into(),
        sex: Sex::Female,
        id_number: Some(nurse_number),
        job: StaffJob::Nurse,
        facility_id: centre,
        phone: None,
        skills: vec![],
        work_starts: "08:00".into(),
        work_ends: "17:00".into(),
        work_days: vec![1, 2, 3, 4, 5],
        active: true,
    };
    people::create_staff(&t.db, &admin, &nurse, today).unwrap();
    let clients = numbers(&t.db, "clients", centre);
    let children = numbers(&t.db, "children", unit);
    let staff = numbers(&t.db, "staff", centre);
    assert!(clients.len() > 20 && children.len() > 10 && staff.len() == 1, "the demo has numbers to hide");

    let mut shown: Vec<(String, String)> = Vec::new();
    let mut show = |place: &str, text: String| shown.push((place.to_string(), text));
    // The lists, the pages, and the search box.
    let all =
        |facility| ListQuery { facility_id: Some(facility), include_inactive: true, limit: 500, ..Default::default() };
    show("client list", json(&people::list_clients(&t.db, &desk, &cache, &all(centre), today).unwrap()));
    show("staff list", json(&people::list_staff(&t.db, &desk, &cache, &all(centre)).unwrap()));
    show("child list", json(&people::list_children(&t.db, &unit_desk, &cache, &all(unit), today).unwrap()));
    for (id, _) in clients.iter().take(15) {
        let client = people::get_client(&t.db, &desk, *id, today).unwrap();
        show("client page", json(&client));
        show("search by name", json(&search(&t.db, &desk, &cache, &client.name, &[], 20, today).unwrap()));
    }
    for (id, _) in children.iter().take(15) {
        show("child page", json(&people::get_child(&t.db, &unit_desk, *id, today).unwrap()));
    }
    for (id, _) in &staff {
        show("staff page", json(&people::get_staff(&t.db, &desk, *id).unwrap()));
    }
    // The end of a number finds nobody for the desk: a hit would tell them the tail.
    for (_, number) in clients.iter().take(15) {
        let hits = search(&t.db, &desk, &cache, &number[14..], &[], 20, today).unwrap();
        assert!(hits.iter().all(|h| h.matched_by != carecircle_core::search::MatchedBy::IdNumber), "{hits:?}");
        show("search by a tail", json(&hits));
    }
    // Exports.
    for (kind, actor) in [(RosterKind::Clients, &desk), (RosterKind::Staff, &desk), (RosterKind::Children, &unit_desk)]
    {
        let path = dir.path().join(format!("{}.xlsx", kind.as_str()));
        roster::export(&t.db, actor, kind, None, true, None, &path).unwrap();
        show("export", cells(&path));
    }
    // A number already on file, typed into the form and into a roster: the refusal and the
    // import report.
    let (_, taken_elsewhere) = numbers(&t.db, "clients", elsewhere)[0].clone();
    let (_, taken_here) = clients[0].clone();
    for number in [&taken_elsewhere, &taken_here] {
        let input = form(&t.db, centre, number);
        let refusal = common::invalid(people::create_client(&t.db, &desk, &input, today).unwrap_err());
        for locale in [Locale::ZhCn, Locale::En] {
            show("refusal", error_message(locale, refusal.code, &refusal.params));
        }
        show("refusal field", json(&refusal.params));
    }
    let report = preview_roster(&t.db, &desk, centre, &taken_elsewhere);
    assert_eq!(report.rows.len(), 1);
    assert!(!report.rows[0].errors.is_empty(), "the taken number is refused: {report:?}");
    show("import report", json(&report));

    let everyone: Vec<&String> = clients.iter().chain(&children).chain(&staff).map(|(_, n)| n).collect();
    let mut masks = 0;
    for (place, text) in &shown {
        for number in &everyone {
            assert!(!text.contains(number.as_str()), "{place} shows the number {number}");
        }
        for masked in masked_numbers(text) {
            masks += 1;
            let (area, hidden) = masked.split_at(6);
            assert!(
                area.bytes().all(|b| b.is_ascii_digit()) && hidden.len() == 12 && hidden.bytes().all(|b| b == b'*'),
                "{place} shows {masked}: more than the area code"
            );
        }
    }
    assert!(masks > 100, "the test saw the masked numbers it checks ({masks})");
}

#[test]
fn whether_a_number_is_on_file_is_told_to_registering_roles_and_logged() {
    let (t, admin) = common::seeded();
    let (centre, elsewhere) = common::two_elder_facilities(&t.db);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    let caregiver = common::account(&t.db, &admin, "carer", Role::Caregiver, Some(centre));
    let (holder, number) = numbers(&t.db, "clients", elsewhere)[0].clone();
    let input = form(&t.db, centre, &number);
    let lookups = |t: &common::TestDb| common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'id_taken'");

    // A caregiver may not register anyone: refused before any look-up.
    assert!(matches!(people::create_client(&t.db, &caregiver, &input, common::today()), Err(CoreError::Forbidden)));
    assert_eq!(lookups(&t), 0);
    // The desk is told the number is registered elsewhere, and that answer is on the log,
    // masked, without the holder.
    let refusal = common::invalid(people::create_client(&t.db, &desk, &input, common::today()).unwrap_err());
    assert_eq!(refusal.code, "person.id_taken_elsewhere");
    assert_eq!(lookups(&t), 1);
    let (facility, entity, after): (i64, String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT facility_id, entity, after_json FROM audit_log WHERE action = 'id_taken'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((facility, entity.as_str()), (centre, "client"));
    assert!(after.contains(&number[..6]) && after.contains("elsewhere"), "{after}");
    assert!(!after.contains(&number) && !after.contains(&holder.to_string()), "{after}");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM clients WHERE name = '重名'"), 0, "nothing saved");

    // Editing someone into the number is a look-up too; so is each row of a roster preview.
    let own = numbers(&t.db, "clients", centre)[0].0;
    let refusal = common::invalid(people::update_client(&t.db, &desk, own, &input, common::today()).unwrap_err());
    assert_eq!(refusal.code, "person.id_taken_elsewhere");
    assert_eq!(lookups(&t), 2);
    let entity_id: String =
        t.db.read(|c| Ok(c.query_row("SELECT entity_id FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| r.get(0))?))
            .unwrap();
    assert_eq!(entity_id, own.to_string(), "the record being edited, not the holder");
    preview_roster(&t.db, &desk, centre, &number);
    assert_eq!(lookups(&t), 3);
}
