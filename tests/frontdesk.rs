//! The front desk: check-in and check-out, the day's board, and handing a child only to
//! an authorised adult.

use crate::common;

use carecircle_core::domain::person::{ChildContactInput, ChildInput, ClientStatus, IdentityInput, PersonKind};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::services::frontdesk::{self, PickUp};
use carecircle_core::services::people;
use carecircle_core::{CoreError, Db, Role};
use common::{at, code};

/// A child of the first childcare unit with one guardian who may pick up and one
/// registered contact who may not.
fn child_with_contacts(db: &Db, admin: &carecircle_core::Actor) -> (i64, i64, i64, i64) {
    let unit: i64 = db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id LIMIT 1", [], |r| r.get(0))?)
        })
        .unwrap();
    let contact = |name: &str, guardian: bool, pick: bool| ChildContactInput {
        id: None,
        name: name.into(),
        relation: if guardian { "母亲".into() } else { "邻居".into() },
        phone: "13904731111".into(),
        is_guardian: guardian,
        may_pick_up: pick,
        id_tail: None,
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
            contacts: vec![contact("斯琴", true, true), contact("王阿姨", false, false)],
            consent: true,
            notes: None,
        },
        common::today(),
    )
    .unwrap();
    (unit, child.id, child.contacts[0].id, child.contacts[1].id)
}

#[test]
fn a_child_goes_home_only_with_an_authorised_adult_and_refusals_are_logged() {
    let (t, admin) = common::seeded();
    let (unit, child, mother, neighbour) = child_with_contacts(&t.db, &admin);
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
    let stranger = PickUp { contact_id: None, other_name: Some("张三".into()) };
    assert_eq!(code(out(stranger).unwrap_err()), "frontdesk.pickup_refused");
    assert_eq!(
        code(out(PickUp { contact_id: Some(neighbour), other_name: None }).unwrap_err()),
        "frontdesk.pickup_refused"
    );
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
    let refused = out(PickUp { contact_id: Some(someone_elses), other_name: None });
    assert_eq!(code(refused.unwrap_err()), "frontdesk.pickup_refused");
    let refusals: Vec<String> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT after_json FROM audit_log WHERE action = 'pickup_refused' ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(refusals.len(), 3, "every refusal is on record: {refusals:?}");
    assert!(refusals[0].contains("张三") && refusals[1].contains("王阿姨"));
    let board = frontdesk::board(&t.db, &desk, unit, "2026-11-30".parse().unwrap()).unwrap();
    assert_eq!(board.present, 1, "the child is still in after the refusals");

    let done = out(PickUp { contact_id: Some(mother), other_name: None }).unwrap();
    assert_eq!(done.picked_up_name.as_deref(), Some("斯琴"));
    let board = frontdesk::board(&t.db, &desk, unit, "2026-11-30".parse().unwrap()).unwrap();
    assert_eq!((board.present, board.left), (0, 1));
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
