//! Checkups: every value read and stored, entry errors refused with nothing written,
//! urgent readings on the facility's alert list until handled.

mod common;

use carecircle_core::domain::vitals::{Level, VitalsInput};
use carecircle_core::services::health::{self, CheckupInput};
use carecircle_core::{CoreError, Role};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn code(e: CoreError) -> &'static str {
    match e {
        CoreError::Invalid(v) => v.code,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn bp(s: u16, d: u16) -> CheckupInput {
    CheckupInput { vitals: VitalsInput { systolic: Some(s), diastolic: Some(d), ..Default::default() }, notes: None }
}

#[test]
fn an_urgent_reading_goes_on_the_alert_list_until_handled() {
    let (t, admin) = common::seeded();
    let (centre, other) = common::two_elder_facilities(&t.db);
    let client: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL LIMIT 1",
                [centre],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));

    let calm = health::record_checkup(&t.db, &nurse, client, &bp(128, 80), at("2026-11-28T01:00:00Z")).unwrap();
    assert_eq!(calm.worst_level, Level::Normal);
    let urgent = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), at("2026-11-29T01:00:00Z")).unwrap();
    assert_eq!((urgent.worst_level, urgent.findings[0].code.as_str()), (Level::Urgent, "bp.urgent"));
    let alerts = health::open_alerts(&t.db, &nurse, centre).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].client_id, alerts[0].value.as_str()), (client, "185/112"));
    assert!(matches!(health::open_alerts(&t.db, &nurse, other), Err(CoreError::Forbidden)));

    assert_eq!(
        code(health::handle_alert(&t.db, &nurse, alerts[0].id, "  ", at("2026-11-29T01:10:00Z")).unwrap_err()),
        "alert.note_required"
    );
    health::handle_alert(&t.db, &nurse, alerts[0].id, "已转诊至市医院", at("2026-11-29T01:10:00Z")).unwrap();
    assert!(health::open_alerts(&t.db, &nurse, centre).unwrap().is_empty());
    assert_eq!(
        code(health::handle_alert(&t.db, &nurse, alerts[0].id, "again", at("2026-11-29T01:20:00Z")).unwrap_err()),
        "alert.already_handled"
    );

    let history = health::checkups(&t.db, &nurse, client).unwrap();
    assert_eq!(history.iter().map(|c| c.id).collect::<Vec<_>>(), vec![urgent.id, calm.id], "newest first");
}

#[test]
fn entry_errors_consent_and_roles_are_checked_before_anything_is_written() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let (with, without): (i64, i64) =
        t.db.read(|c| {
            let with = c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL LIMIT 1",
                [centre],
                |r| r.get(0),
            )?;
            let without = c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NULL LIMIT 1",
                [centre],
                |r| r.get(0),
            )?;
            Ok((with, without))
        })
        .unwrap();
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let now = at("2026-11-29T02:00:00Z");
    assert_eq!(code(health::record_checkup(&t.db, &nurse, with, &bp(400, 90), now).unwrap_err()), "vitals.implausible");
    assert_eq!(
        code(health::record_checkup(&t.db, &nurse, with, &CheckupInput::default(), now).unwrap_err()),
        "checkup.empty"
    );
    assert_eq!(
        code(health::record_checkup(&t.db, &nurse, without, &bp(120, 80), now).unwrap_err()),
        "assessment.consent_required"
    );
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    assert!(matches!(health::record_checkup(&t.db, &desk, with, &bp(120, 80), now), Err(CoreError::Forbidden)));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM checkups"), 0, "nothing was written");
    // The waist is read with the sex on file.
    let waist = CheckupInput { vitals: VitalsInput { waist_cm: Some(95.0), ..Default::default() }, notes: None };
    let read = health::record_checkup(&t.db, &nurse, with, &waist, now).unwrap();
    assert_eq!(read.findings[0].code, "waist.central_obesity");
}
