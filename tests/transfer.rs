//! A client or child who moves to another facility: what is still to come goes with them
//! or ends, the old facility keeps its history and loses sight of the person
//! (docs/domain.md, "Moving to another facility").
use crate::common;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::domain::person::{ChildInput, ClientInput, ContactInput, IdentityInput};
use carecircle_core::domain::vitals::VitalsInput;
use carecircle_core::services::child_health::{self as medicine, DoseInput, MedicineInput};
use carecircle_core::services::frontdesk;
use carecircle_core::services::health::{self, CheckupInput};
use carecircle_core::services::people;
use carecircle_core::services::visits::edit::{self, NewVisit};
use carecircle_core::services::visits::plans;
use carecircle_core::{CoreError, Db, Role};
use chrono::{Days, NaiveDate};
use common::{at, code, count, fixture, today};

/// The form as the client's page shows it, moved to `facility_id`.
pub(crate) fn client_moved_to(client: &people::Client, facility_id: i64) -> ClientInput {
    ClientInput {
        name: client.name.clone(),
        identity: IdentityInput { id_number: None, sex: Some(client.sex), birth_date: Some(client.birth_date.clone()) },
        ethnicity: client.ethnicity.clone(),
        phone: client.phone.clone(),
        facility_id,
        community_id: client.community_id,
        address: client.address.clone(),
        living_situation: client.living_situation,
        chronic_conditions: client.chronic_conditions.clone(),
        diet_needs: client.diet_needs.clone(),
        allergies: client.allergies.clone(),
        contacts: client
            .contacts
            .iter()
            .map(|k| ContactInput { name: k.name.clone(), relation: k.relation.clone(), phone: k.phone.clone() })
            .collect(),
        consent: client.consent_on.is_some(),
        notes: client.notes.clone(),
    }
}

pub(crate) fn child_moved_to(child: &people::Child, facility_id: i64, class_id: i64) -> ChildInput {
    ChildInput { facility_id, class_id: Some(class_id), ..fixture::child_form_as_shown(child) }
}

/// The first two childcare units with a class, each with its first class.
pub(crate) fn two_units(db: &Db) -> ((i64, i64), (i64, i64)) {
    let units: Vec<(i64, i64)> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT f.id, min(cc.id) FROM facilities f JOIN child_classes cc ON cc.facility_id = f.id
                  WHERE f.kind = 'childcare' GROUP BY f.id ORDER BY f.id LIMIT 2",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    (units[0], units[1])
}

fn one(db: &Db, sql: &str, p: impl rusqlite::Params) -> i64 {
    db.read(|c| Ok(c.query_row(sql, p, |r| r.get(0))?)).expect(sql)
}

fn later(days: u64) -> NaiveDate {
    today() + Days::new(days)
}

#[test]
fn a_client_who_moves_takes_what_is_to_come_and_leaves_the_history() {
    let (t, admin) = common::seeded();
    let day = today().to_string();
    // A demo client with a plan under way, a weekly series, a standing order and meals booked.
    let client = one(
        &t.db,
        "SELECT cl.id FROM clients cl
          WHERE cl.status = 'active' AND cl.consent_on IS NOT NULL
            AND EXISTS (SELECT 1 FROM care_plan_items p WHERE p.client_id = cl.id AND p.starts_on <= ?1 AND p.ends_on IS NULL)
            AND EXISTS (SELECT 1 FROM visit_series s WHERE s.client_id = cl.id AND s.until_day IS NULL)
            AND EXISTS (SELECT 1 FROM standing_orders o WHERE o.client_id = cl.id AND o.stopped_on IS NULL)
            AND EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = cl.id AND b.day >= ?1 AND b.status = 'booked')
          ORDER BY cl.id LIMIT 1",
        [&day],
    );
    let from = one(&t.db, "SELECT facility_id FROM clients WHERE id = ?1", [client]);
    let to = one(&t.db, "SELECT min(id) FROM facilities WHERE kind = 'elder_centre' AND id != ?1", [from]);
    let running = one(
        &t.db,
        "SELECT min(id) FROM care_plan_items WHERE client_id = ?1 AND starts_on <= ?2 AND ends_on IS NULL",
        rusqlite::params![client, day],
    );
    let running_title: String =
        t.db.read(|c| Ok(c.query_row("SELECT title FROM care_plan_items WHERE id = ?1", [running], |r| r.get(0))?))
            .unwrap();
    let tomorrow = edit::create_visit(
        &t.db,
        &admin,
        &NewVisit { plan_item_id: running, day: later(1), start: "09:00".into(), staff_id: None },
    )
    .unwrap();
    let next_month = plans::create_plan_item(&t.db, &admin, &fixture::weekly_rehab(client, later(30))).unwrap();
    let nurse = common::account(&t.db, &admin, "nurse-old", Role::Nurse, Some(from));
    let urgent = CheckupInput {
        vitals: VitalsInput { systolic: Some(185), diastolic: Some(112), ..Default::default() },
        ..Default::default()
    };
    let checkup = health::record_checkup(&t.db, &nurse, client, &urgent, at("2026-11-29T01:00:00Z")).unwrap();
    frontdesk::check_in(&t.db, &admin, PersonKind::Client, client, at("2026-11-29T01:30:00Z")).unwrap();
    let history = |sql: &str| one(&t.db, sql, rusqlite::params![client, from, day]);
    let done_before = history("SELECT count(*) FROM visits WHERE client_id = ?1 AND facility_id = ?2 AND day < ?3");
    let served_before = history(
        "SELECT count(*) FROM bookings WHERE client_id = ?1 AND facility_id = ?2 AND status = 'served' AND ?3 != ''",
    );
    assert!(done_before > 0 && served_before > 0, "the demo client has a history here");

    // A manager of the old facility alone cannot move the client out: nothing changes.
    let manager = common::account(&t.db, &admin, "mgr-old", Role::FacilityManager, Some(from));
    let shown = people::get_client(&t.db, &admin, client, today()).unwrap();
    let refused = people::update_client(&t.db, &manager, client, &client_moved_to(&shown, to), today());
    assert!(matches!(refused, Err(CoreError::Forbidden)), "{refused:?}");
    let at_new = "SELECT count(*) FROM care_plan_items WHERE client_id = ?1 AND facility_id = ?2";
    assert_eq!(one(&t.db, at_new, [client, to]), 0);

    let moved = people::update_client(&t.db, &admin, client, &client_moved_to(&shown, to), today()).unwrap();
    assert_eq!(moved.facility_id, to);

    // The plan goes on at the new facility from today; the old item ends today.
    let q = |sql: &str| one(&t.db, sql, rusqlite::params![client, from, day]);
    assert_eq!(
        one(
            &t.db,
            "SELECT count(*) FROM care_plan_items WHERE id = ?1 AND ends_on = ?2",
            rusqlite::params![running, day]
        ),
        1
    );
    let continued: (i64, String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT facility_id, title, starts_on FROM care_plan_items
                  WHERE client_id = ?1 AND id > ?2 AND title = ?3 AND ends_on IS NULL",
                rusqlite::params![client, running, running_title],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!(continued, (to, running_title.clone(), day.clone()));
    assert_eq!(one(&t.db, "SELECT facility_id FROM care_plan_items WHERE id = ?1", [next_month.id]), to);
    assert_eq!(
        q("SELECT count(*) FROM care_plan_items WHERE client_id = ?1 AND facility_id = ?2
            AND (ends_on IS NULL OR ends_on > ?3)"),
        0,
        "nothing of the plan runs on at the old facility"
    );
    // The old facility's staff no longer go: visits from today are cancelled, series end.
    assert_eq!(one(&t.db, "SELECT count(*) FROM visits WHERE id = ?1 AND status = 'cancelled'", [tomorrow.id]), 1);
    assert_eq!(
        q("SELECT count(*) FROM visits WHERE client_id = ?1 AND facility_id = ?2 AND day >= ?3 AND status = 'planned'"),
        0
    );
    assert_eq!(
        q("SELECT count(*) FROM visit_series WHERE client_id = ?1 AND facility_id = ?2 AND (until_day IS NULL OR until_day >= ?3)"),
        0
    );
    // Meals stop; the history stays where it happened.
    assert_eq!(
        q("SELECT count(*) FROM standing_orders WHERE client_id = ?1 AND stopped_on IS NULL AND ?2 > 0 AND ?3 != ''"),
        0
    );
    assert_eq!(
        q("SELECT count(*) FROM bookings WHERE client_id = ?1 AND day >= ?3 AND status = 'booked' AND ?2 > 0"),
        0
    );
    assert_eq!(q("SELECT count(*) FROM visits WHERE client_id = ?1 AND facility_id = ?2 AND day < ?3"), done_before);
    assert_eq!(
        q("SELECT count(*) FROM bookings WHERE client_id = ?1 AND facility_id = ?2 AND status = 'served' AND ?3 != ''"),
        served_before
    );
    // The open alert goes to the new facility's nurses, with the history they need.
    let new_nurse = common::account(&t.db, &admin, "nurse-new", Role::Nurse, Some(to));
    let open_at = |nurse, facility| {
        health::open_alerts(&t.db, nurse, facility).unwrap().into_iter().filter(|a| a.client_id == client).count()
    };
    assert_eq!(open_at(&new_nurse, to), 1);
    assert_eq!(open_at(&nurse, from), 0);
    assert_eq!(health::checkups(&t.db, &new_nurse, client).unwrap()[0].id, checkup.id);
    let follow_ups = health::due_follow_ups(&t.db, &new_nurse, to, None, today(), 30).unwrap();
    assert!(
        follow_ups.iter().any(|f| f.client_id == client && f.last_on == Some(today())),
        "the reading taken at the old facility is followed up at the new one"
    );
    // Checked out; the old facility no longer sees the record.
    assert_eq!(
        one(
            &t.db,
            "SELECT count(*) FROM attendance WHERE person_id = ?1 AND person_kind = 'client' AND out_at IS NULL",
            [client]
        ),
        0
    );
    assert!(matches!(people::get_client(&t.db, &nurse, client, today()), Err(CoreError::Forbidden)));
    assert!(matches!(health::checkups(&t.db, &nurse, client), Err(CoreError::Forbidden)));
    // One entry says what went and what ended.
    let entry: String =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT after_json FROM audit_log WHERE action = 'transfer' AND entity = 'client' AND entity_id = ?1",
                [client],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    assert_eq!((entry["from_facility"].as_i64(), entry["to_facility"].as_i64()), (Some(from), Some(to)));
    assert_eq!(entry["plan_items_moved"], serde_json::json!([next_month.id]));
    assert!(entry["visits_cancelled"].as_array().unwrap().contains(&tomorrow.id.into()));
    assert_eq!(entry["checked_out"], true);
}

#[test]
fn a_child_who_moves_takes_the_course_of_medicine_and_the_doses_of_the_day() {
    let (t, admin) = common::seeded();
    let ((from, _), (to, to_class)) = two_units(&t.db);
    let child = one(
        &t.db,
        "SELECT min(id) FROM children WHERE facility_id = ?1 AND left_on IS NULL AND consent_on IS NOT NULL",
        [from],
    );
    let now = at("2026-11-29T02:00:00Z");
    let course = |from_day: NaiveDate, to_day: NaiveDate| MedicineInput {
        medicine: "阿莫西林颗粒".into(),
        dose: "1 袋".into(),
        times_per_day: 2,
        times: Some("10:00, 14:00".into()),
        from_day: from_day.to_string(),
        to_day: to_day.to_string(),
        guardian_name: "家长".into(),
        note: None,
    };
    let running = medicine::add_medicine(&t.db, &admin, child, &course(today() - Days::new(1), later(2)), now).unwrap();
    let coming = medicine::add_medicine(&t.db, &admin, child, &course(later(5), later(6)), now).unwrap();
    medicine::give_dose(&t.db, &admin, running.id, &DoseInput::default(), now).unwrap();

    let shown = people::get_child(&t.db, &admin, child, today()).unwrap();
    people::update_child(&t.db, &admin, child, &child_moved_to(&shown, to, to_class), today()).unwrap();

    let on_day = |facility| {
        medicine::medicines_for_day(&t.db, &admin, facility, today())
            .unwrap()
            .into_iter()
            .filter(|m| m.order.child_id == child)
            .collect::<Vec<_>>()
    };
    assert!(on_day(from).is_empty(), "the old unit no longer doses the child");
    let here = on_day(to);
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].doses.len(), 1, "the morning's dose came along");
    assert_eq!(here[0].order.to_day, later(2).to_string());
    // The day's second dose is the last: a third is refused at the new unit too.
    medicine::give_dose(&t.db, &admin, here[0].order.id, &DoseInput::default(), at("2026-11-29T06:00:00Z")).unwrap();
    assert_eq!(
        code(
            medicine::give_dose(&t.db, &admin, here[0].order.id, &DoseInput::default(), at("2026-11-29T07:00:00Z"))
                .unwrap_err()
        ),
        "medicine.all_given"
    );
    // The old unit keeps yesterday's part of the course; the course to come moved whole.
    assert_eq!(
        one(
            &t.db,
            "SELECT count(*) FROM child_medicines WHERE id = ?1 AND facility_id = ?2 AND to_day = ?3",
            rusqlite::params![running.id, from, (today() - Days::new(1)).to_string()]
        ),
        1
    );
    assert_eq!(one(&t.db, "SELECT facility_id FROM child_medicines WHERE id = ?1", [coming.id]), to);
    assert_eq!(count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'transfer' AND entity = 'child'"), 1);
}
