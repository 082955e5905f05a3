//! The front desk: check-in and check-out, the day's board, and handing a child only to
//! an authorised adult.

use crate::common;

use carecircle_core::domain::person::{ChildContactInput, ChildInput, ClientStatus, IdentityInput, PersonKind};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::services::frontdesk::{self, PickUp};
use carecircle_core::services::people;
use carecircle_core::{CoreError, Db, Role};
use common::{at, code, fixture};

/// A child of the first childcare unit with one guardian who may pick up (ID ending 123X),
/// one registered contact who may not, and a grandfather who may but has no ID tail on file.
fn child_with_contacts(db: &Db, admin: &carecircle_core::Actor) -> (i64, i64, i64, i64, i64) {
    let unit: i64 = db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id LIMIT 1", [], |r| r.get(0))?)
        })
        .unwrap();
    let contact = |name: &str, guardian: bool, pick: bool, tail: Option<&str>| ChildContactInput {
        id: None,
        name: name.into(),
        relation: if guardian { "母亲".into() } else { "邻居".into() },
        phone: "13904731111".into(),
        is_guardian: guardian,
        may_pick_up: pick,
        id_tail: tail.map(str::to_string),
    };
    let child = people::create_child(
        db,
        admin,
        &ChildInput {
            name: "其木格".into(),
            identity: IdentityInput { id_number: None, sex: Some(Sex::Female), birth_date: Some("2023-06-01".into()) },
            ethnicity: "蒙古族".into(),
            facility_id: unit,
            class_id: None,
            enrolled_on: "2025-09-01".into(),
            left_on: None,
            allergies: vec![],
            diet_needs: vec![],
            contacts: vec![
                contact("斯琴", true, true, Some("123x")),
                contact("王阿姨", false, false, None),
                contact("巴图", false, true, None),
            ],
            consent: true,
            notes: None,
        },
        common::today(),
    )
    .unwrap();
    (unit, child.id, child.contacts[0].id, child.contacts[1].id, child.contacts[2].id)
}

#[test]
fn a_child_goes_home_only_with_an_authorised_adult_and_refusals_are_logged() {
    let (t, admin) = common::seeded();
    let (unit, child, mother, neighbour, grandfather) = child_with_contacts(&t.db, &admin);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(unit));
    let entry = frontdesk::check_in(&t.db, &desk, PersonKind::Child, child, at("2026-11-30T00:45:00Z")).unwrap();
    assert_eq!(entry.name, "其木格");
    assert_eq!(
        code(frontdesk::check_in(&t.db, &desk, PersonKind::Child, child, at("2026-11-30T00:50:00Z")).unwrap_err()),
        "frontdesk.already_in"
    );

    let out = |pickup: PickUp| {
        frontdesk::check_out(&t.db, &desk, PersonKind::Child, child, Some(&pickup), at("2026-11-30T09:30:00Z"))
    };
    // A stranger, a registered contact without pick-up rights, and no one at all: refused.
    let stranger = PickUp { contact_id: None, other_name: Some("张三".into()), id_tail: None };
    assert_eq!(code(out(stranger).unwrap_err()), "frontdesk.pickup_refused");
    let contact = |id: i64, tail: Option<&str>| PickUp {
        contact_id: Some(id),
        other_name: None,
        id_tail: tail.map(str::to_string),
    };
    assert_eq!(code(out(contact(neighbour, Some("1234"))).unwrap_err()), "frontdesk.pickup_refused");
    assert_eq!(code(out(PickUp::default()).unwrap_err()), "frontdesk.pickup_required");
    // Another child's mother is not this child's: refused too.
    let someone_elses: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM child_contacts WHERE child_id != ?1 AND may_pick_up = 1 LIMIT 1",
                [child],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let refused = out(contact(someone_elses, Some("1234")));
    assert_eq!(code(refused.unwrap_err()), "frontdesk.pickup_refused");
    // The mother is let go only with the last four of her ID card, as on file; asked
    // without them, nothing happens; a wrong answer is a refusal on record. So is an
    // authorised grandfather whose tail nobody recorded: there is nothing to check.
    assert_eq!(code(out(contact(mother, None)).unwrap_err()), "frontdesk.pickup_id_tail_required");
    assert_eq!(code(out(contact(mother, Some("1230"))).unwrap_err()), "frontdesk.pickup_id_mismatch");
    assert_eq!(code(out(contact(grandfather, Some("0000"))).unwrap_err()), "frontdesk.pickup_no_id_tail");
    let refusals: Vec<String> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT after_json FROM audit_log WHERE action = 'pickup_refused' ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(refusals.len(), 5, "every refusal is on record: {refusals:?}");
    assert!(refusals[0].contains("张三") && refusals[1].contains("王阿姨"));
    assert!(refusals[3].contains("斯琴") && refusals[3].contains("pickup_id_mismatch"), "{}", refusals[3]);
    assert!(refusals[4].contains("巴图") && refusals[4].contains("pickup_no_id_tail"), "{}", refusals[4]);
    let board = frontdesk::board(&t.db, &desk, unit, "2026-11-30".parse().unwrap()).unwrap();
    assert_eq!(board.present, 1, "the child is still in after the refusals");

    // Typed as a Chinese input method types it: full-width, a small x, a space.
    let done = out(contact(mother, Some(" １２３ｘ"))).unwrap();
    assert_eq!(done.picked_up_name.as_deref(), Some("斯琴"));
    let board = frontdesk::board(&t.db, &desk, unit, "2026-11-30".parse().unwrap()).unwrap();
    assert_eq!((board.present, board.left), (0, 1));
}

/// The desk asks for the last four of the collecting adult's ID: it must not read them off
/// its own screen. It sees that a tail is on file, not the tail; saving the child's record
/// keeps the tails it never saw, without needing the right to change pick-up persons.
#[test]
fn the_desk_never_sees_the_id_tails_it_checks() {
    let (t, admin) = common::seeded();
    let (unit, child, _, _, _) = child_with_contacts(&t.db, &admin);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(unit));
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(unit));
    let seen = people::get_child(&t.db, &desk, child, common::today()).unwrap();
    assert!(seen.contacts.iter().all(|k| k.id_tail.is_none()));
    assert_eq!(seen.contacts.iter().map(|k| k.id_tail_on_file).collect::<Vec<_>>(), [true, false, false]);
    assert_eq!(
        people::get_child(&t.db, &manager, child, common::today()).unwrap().contacts[0].id_tail.as_deref(),
        Some("123X")
    );

    // The desk saves the form as it was shown, with a new allergy.
    let mut input = fixture::child_form_as_shown(&seen);
    input.allergies = vec!["peanut".into()];
    let saved = people::update_child(&t.db, &desk, child, &input, common::today()).unwrap();
    assert!(saved.contacts.iter().all(|k| k.id_tail.is_none()), "nor in what the save returns");
    let kept = people::get_child(&t.db, &manager, child, common::today()).unwrap();
    assert_eq!(kept.contacts[0].id_tail.as_deref(), Some("123X"));
    assert_eq!(kept.allergies, ["peanut"]);
}

#[test]
fn clients_check_in_and_out_and_the_board_follows_the_local_day() {
    let (t, admin) = common::seeded();
    let (centre, other) = common::two_elder_facilities(&t.db);
    let client: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND status = 'active' LIMIT 1",
                [centre],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    // 07:30 in Wuhai is 23:30 UTC the day before: it is on the Wuhai day's board.
    frontdesk::check_in(&t.db, &desk, PersonKind::Client, client, at("2026-11-29T23:30:00Z")).unwrap();
    let board = frontdesk::board(&t.db, &desk, centre, "2026-11-30".parse().unwrap()).unwrap();
    assert_eq!(board.present, 1);
    assert_eq!(board.entries[0].person_id, client);
    assert!(matches!(frontdesk::board(&t.db, &desk, other, "2026-11-30".parse().unwrap()), Err(CoreError::Forbidden)));
    let entry =
        frontdesk::check_out(&t.db, &desk, PersonKind::Client, client, None, at("2026-11-30T08:00:00Z")).unwrap();
    assert_eq!(entry.out_at.as_deref(), Some("2026-11-30T08:00:00Z"));
    assert_eq!(
        code(
            frontdesk::check_out(&t.db, &desk, PersonKind::Client, client, None, at("2026-11-30T08:01:00Z"))
                .unwrap_err()
        ),
        "frontdesk.not_in"
    );
}

#[test]
fn a_suspended_client_is_not_checked_in_and_a_move_checks_out() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let ids: Vec<i64> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT id FROM clients WHERE facility_id = ?1 AND status = 'active' LIMIT 2")?;
            let rows = stmt.query_map([centre], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    let today = common::today();
    people::set_client_status(&t.db, &admin, ids[0], ClientStatus::Suspended, today).unwrap();
    assert_eq!(
        code(frontdesk::check_in(&t.db, &admin, PersonKind::Client, ids[0], at("2026-11-29T01:00:00Z")).unwrap_err()),
        "frontdesk.client_not_active"
    );
    frontdesk::check_in(&t.db, &admin, PersonKind::Client, ids[1], at("2026-11-29T01:00:00Z")).unwrap();
    people::set_client_status(&t.db, &admin, ids[1], ClientStatus::Moved, today).unwrap();
    let board = frontdesk::board(&t.db, &admin, centre, today).unwrap();
    assert_eq!(board.present, 0, "a client who moved away is no longer counted as in");
}
