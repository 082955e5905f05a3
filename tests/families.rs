//! Families: who pays for several people of one facility. A family's statement is its
//! members' statements, each as the person's own, and their sum, on screen and on paper; the
//! desk's mistakes are refused and change nothing; a member who moves leaves the family.

use crate::common;
use crate::transfer::client_moved_to;

use std::collections::HashSet;

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::compose::Words;
use carecircle_core::report::document::{Block, Cell, RowKind};
use carecircle_core::report::money;
use carecircle_core::services::families::{self, FamilyInput};
use carecircle_core::services::fees::ledger::{self, Whom};
use carecircle_core::services::people;
use carecircle_core::{CoreError, Locale, Role};
use common::{code, count, today};

fn form(facility_id: i64, name: &str, payer: &str, phone: Option<&str>) -> FamilyInput {
    FamilyInput {
        facility_id,
        name: name.to_string(),
        payer_name: payer.to_string(),
        payer_phone: phone.map(str::to_string),
    }
}

#[test]
fn a_familys_statement_is_its_members_statements_and_their_sum_in_figures_and_on_paper() {
    let (t, admin) = common::seeded();
    let (elder, other) = common::two_elder_facilities(&t.db);
    let desk = common::account(&t.db, &admin, "desk_family", Role::FrontDesk, Some(elder));
    let october = Month::new(2026, 10).unwrap();
    // Two clients of the centre with charges or payments in October, in no family yet.
    let in_families: HashSet<i64> =
        t.db.read(|c| {
            Ok(c.prepare("SELECT person_id FROM family_members WHERE person_kind = 'client'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let with_lines: Vec<i64> =
        t.db.read(|c| ledger::postings(c, elder, october.first(), october.last(), Whom::Everyone, today()))
            .unwrap()
            .into_iter()
            .filter(|p| p.person_kind == PersonKind::Client && !in_families.contains(&p.person_id))
            .map(|p| p.person_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .take(2)
            .collect();
    assert_eq!(with_lines.len(), 2, "the demo's centre charges its clients in October");
    let (husband, wife) = (with_lines[0], with_lines[1]);

    // The desk's slips are refused in words and leave nothing behind.
    let families_now = || count(&t.db, "SELECT count(*) FROM families");
    let demo_families = families_now();
    assert!(demo_families > 0, "the demo has couples and siblings");
    assert_eq!(
        code(families::create(&t.db, &desk, &form(elder, "  ", "王芳", None)).unwrap_err()),
        "family.name_required"
    );
    assert_eq!(
        code(families::create(&t.db, &desk, &form(elder, "王家", " ", None)).unwrap_err()),
        "family.payer_required"
    );
    assert_eq!(
        code(families::create(&t.db, &desk, &form(elder, "王家", "王芳", Some("12ab"))).unwrap_err()),
        "phone.invalid"
    );
    assert!(matches!(families::create(&t.db, &desk, &form(other, "王家", "王芳", None)), Err(CoreError::Forbidden)));
    assert_eq!(families_now(), demo_families);

    let family = families::create(&t.db, &desk, &form(elder, "王家", "王芳", Some("138 0000 1234"))).unwrap();
    assert_eq!(family.payer_phone.as_deref(), Some("13800001234"));
    families::add_member(&t.db, &desk, family.id, PersonKind::Client, husband).unwrap();
    let family = families::add_member(&t.db, &desk, family.id, PersonKind::Client, wife).unwrap();
    assert_eq!(family.members.len(), 2);
    let again = families::add_member(&t.db, &desk, family.id, PersonKind::Client, wife).unwrap_err();
    let again = common::invalid(again);
    assert_eq!((again.code, again.params), ("family.already_member", vec![("family", "王家".to_string())]));
    let elsewhere = count(&t.db, &format!("SELECT min(id) FROM clients WHERE facility_id = {other}"));
    assert!(matches!(
        families::add_member(&t.db, &desk, family.id, PersonKind::Client, elsewhere),
        Err(CoreError::Forbidden)
    ));
    let elsewhere_by_admin = families::add_member(&t.db, &admin, family.id, PersonKind::Client, elsewhere);
    assert_eq!(code(elsewhere_by_admin.unwrap_err()), "family.other_facility");
    assert_eq!(
        code(families::add_member(&t.db, &desk, family.id, PersonKind::Staff, 1).unwrap_err()),
        "family.person_kind"
    );
    assert_eq!(count(&t.db, &format!("SELECT count(*) FROM family_members WHERE family_id = {}", family.id)), 2);
    assert_eq!(families::of_person(&t.db, &desk, PersonKind::Client, wife).unwrap().map(|f| f.id), Some(family.id));

    // Each member's statement as the person's own, and their sum to the fen.
    let st = families::statement(&t.db, &desk, family.id, october).unwrap();
    assert!(!st.partial, "October is over on the tests' day");
    let ids: HashSet<i64> = st.members.iter().map(|m| m.person_id).collect();
    assert_eq!(ids, HashSet::from([husband, wife]));
    let mut sum = [0i64; 6];
    for m in &st.members {
        let own = ledger::statement(&t.db, &desk, PersonKind::Client, m.person_id, october).unwrap();
        assert_eq!(m, &own, "a member's part is their own statement");
        let t = &own.total;
        for (s, v) in
            sum.iter_mut().zip([t.opening_fen, t.charged_fen, t.credited_fen, t.paid_fen, t.closing_fen, t.city_fen])
        {
            *s += v;
        }
    }
    let total = &st.total;
    assert_eq!(
        [total.opening_fen, total.charged_fen, total.credited_fen, total.paid_fen, total.closing_fen, total.city_fen],
        sum
    );
    assert!(total.charged_fen + total.paid_fen > 0, "a month with money in it");
    assert_eq!(total.closing_fen, total.opening_fen + total.charged_fen - total.credited_fen - total.paid_fen);

    // On paper: a row per member and the total, each member's lines under their name.
    let words = Words(Locale::ZhCn);
    let doc = money::family_statement_document(&st, words, "desk", common::clock().now());
    assert!(doc.title.contains("王家"), "{}", doc.title);
    let tables: Vec<_> =
        doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
    assert_eq!(tables.len(), 3, "members' figures, then each member's lines");
    let by_member = tables[0];
    assert_eq!(by_member.rows.len(), 3);
    let last = by_member.rows.last().unwrap();
    assert_eq!(last.kind, RowKind::Total);
    assert_eq!(last.cells[5], Cell::Fen(total.closing_fen));
    for (row, m) in by_member.rows.iter().zip(&st.members) {
        assert_eq!(row.cells[0], Cell::Text(m.name.clone()));
        assert_eq!(row.cells[2], Cell::Fen(m.total.charged_fen));
    }
    for (lines, m) in tables[1..].iter().zip(&st.members) {
        assert_eq!(lines.rows.len(), m.lines.len(), "{}'s lines", m.name);
    }
    let path = t.dir.path().join("family.pdf");
    let saved =
        money::save_family_statement(&t.db, &desk, family.id, october, words, common::clock().now(), &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF") && saved.bytes == bytes.len() as u64);

    // The arrears list names the family that pays for each person who owes.
    let owing = ledger::arrears(&t.db, &desk, elder, october.last()).unwrap();
    assert!(owing.iter().any(|a| a.family.is_some()), "some of the demo's couples owe");
    for a in &owing {
        let family = families::of_person(&t.db, &desk, a.person_kind, a.person_id).unwrap();
        assert_eq!(a.family, family.map(|f| f.name), "{}", a.name);
    }

    // Members come and go on the audit log; their ledgers stay as they were.
    let family = families::remove_member(&t.db, &desk, family.id, PersonKind::Client, husband).unwrap();
    assert_eq!(family.members.len(), 1);
    assert_eq!(
        code(families::remove_member(&t.db, &desk, family.id, PersonKind::Client, husband).unwrap_err()),
        "family.not_member"
    );
    assert_eq!(families::statement(&t.db, &desk, family.id, october).unwrap().members.len(), 1);
    let entries = count(
        &t.db,
        &format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'family' AND entity_id = '{}'
               AND action IN ('create', 'add_member', 'remove_member')",
            family.id
        ),
    );
    assert_eq!(entries, 4);
    let own = ledger::statement(&t.db, &desk, PersonKind::Client, husband, october).unwrap();
    assert_eq!(own.total, st.members.iter().find(|m| m.person_id == husband).unwrap().total);

    // A member who moves leaves the family: it pays at the old facility.
    let shown = people::get_client(&t.db, &admin, wife, today()).unwrap();
    people::update_client(&t.db, &admin, wife, &client_moved_to(&shown, other), today()).unwrap();
    assert!(families::of_person(&t.db, &admin, PersonKind::Client, wife).unwrap().is_none());
    let listed = families::list(&t.db, &desk, elder).unwrap();
    assert!(listed.iter().find(|f| f.id == family.id).unwrap().members.is_empty());

    families::delete(&t.db, &desk, family.id).unwrap();
    assert_eq!(families_now(), demo_families);
    assert!(matches!(families::statement(&t.db, &desk, family.id, october), Err(CoreError::NotFound { .. })));
}
