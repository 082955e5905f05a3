//! Checkups: every value read and stored, entry errors refused with nothing written,
//! urgent readings on the facility's alert list until handled.

use crate::common;

use carecircle_core::domain::followup::{DueReason, Purpose};
use carecircle_core::domain::vitals::{Level, VitalsInput};
use carecircle_core::services::health::{self, CheckupInput};
use carecircle_core::{CoreError, Role};
use common::{at, code};

fn bp(s: u16, d: u16) -> CheckupInput {
    CheckupInput {
        vitals: VitalsInput { systolic: Some(s), diastolic: Some(d), ..Default::default() },
        ..Default::default()
    }
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

    let calm = health::record_checkup(&t.db, &nurse, client, &bp(118, 76), at("2026-11-28T01:00:00Z")).unwrap();
    assert_eq!(calm.worst_level, Level::Normal);
    let urgent = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), at("2026-11-29T01:00:00Z")).unwrap();
    assert_eq!((urgent.worst_level, urgent.findings[0].code.as_str()), (Level::Urgent, "bp.urgent"));
    // The demo's own open alerts aside: this client's.
    let mine = |nurse| -> Vec<health::Alert> {
        health::open_alerts(&t.db, nurse, centre).unwrap().into_iter().filter(|a| a.client_id == client).collect()
    };
    let alerts = mine(&nurse);
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].client_id, alerts[0].value.as_str()), (client, "185/112"));
    assert!(matches!(health::open_alerts(&t.db, &nurse, other), Err(CoreError::Forbidden)));

    assert_eq!(
        code(health::handle_alert(&t.db, &nurse, alerts[0].id, "  ", at("2026-11-29T01:10:00Z")).unwrap_err()),
        "alert.note_required"
    );
    health::handle_alert(&t.db, &nurse, alerts[0].id, "已转诊至市医院", at("2026-11-29T01:10:00Z")).unwrap();
    assert!(mine(&nurse).is_empty());
    assert_eq!(
        code(health::handle_alert(&t.db, &nurse, alerts[0].id, "again", at("2026-11-29T01:20:00Z")).unwrap_err()),
        "alert.already_handled"
    );

    let history = health::checkups(&t.db, &nurse, client).unwrap();
    assert_eq!(history.iter().take(2).map(|c| c.id).collect::<Vec<_>>(), vec![urgent.id, calm.id], "newest first");
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
    let before = common::count(&t.db, "SELECT count(*) FROM checkups");
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
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM checkups"), before, "nothing was written");
    // The waist is read with the sex on file.
    let waist =
        CheckupInput { vitals: VitalsInput { waist_cm: Some(95.0), ..Default::default() }, ..Default::default() };
    let read = health::record_checkup(&t.db, &nurse, with, &waist, now).unwrap();
    assert_eq!(read.findings[0].code, "waist.central_obesity");
}

#[test]
fn follow_ups_are_planned_from_readings_and_satisfied_by_the_next_checkup() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    // A hypertensive client of 70 with no checkups yet.
    let client: i64 = t
        .db
        .write(|c| {
            let id: i64 = c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active' LIMIT 1",
                [centre],
                |r| r.get(0),
            )?;
            c.execute("DELETE FROM alerts WHERE client_id = ?1", [id])?;
            c.execute("DELETE FROM checkups WHERE client_id = ?1", [id])?;
            c.execute(
                "UPDATE clients SET chronic_conditions = '[\"hypertension\"]', birth_date = '1956-05-01',
                                    created_at = '2026-01-10T02:00:00Z' WHERE id = ?1",
                [id],
            )?;
            Ok(id)
        })
        .unwrap();
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let other_nurse = common::account(&t.db, &admin, "nurse2", Role::Nurse, Some(centre));
    let today = "2026-11-29".parse().unwrap();
    let mine = |nurse_id: Option<i64>| {
        health::due_follow_ups(&t.db, &nurse, centre, nurse_id, today, 14)
            .unwrap()
            .into_iter()
            .filter(|d| d.client_id == client)
            .map(|d| (d.reason, d.due_on.to_string(), d.overdue))
            .collect::<Vec<_>>()
    };
    // Never checked: the control and the annual check are due since registration.
    assert_eq!(
        mine(None),
        vec![
            (DueReason::HypertensionControl, "2026-01-10".into(), true),
            (DueReason::AnnualCheck, "2026-01-10".into(), true),
        ]
    );
    let annual = CheckupInput { purpose: Purpose::Annual, ..bp(152, 88) };
    let taken = health::record_checkup(&t.db, &nurse, client, &annual, at("2026-11-25T01:00:00Z")).unwrap();
    assert_eq!(taken.purpose, Purpose::Annual);
    // 152/88 is uncontrolled: back within two weeks, by the nurse who took it.
    let due = health::due_follow_ups(&t.db, &nurse, centre, Some(nurse.account_id), today, 14).unwrap();
    let due: Vec<_> = due.into_iter().filter(|d| d.client_id == client).collect();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].reason, due[0].due_on.to_string()), (DueReason::BpUncontrolled, "2026-12-09".into()));
    assert_eq!(due[0].nurse_name.as_deref(), Some("nurse"));
    assert!(mine(Some(other_nurse.account_id)).is_empty(), "not on another nurse's list");
    // Controlled at the follow-up: the next control is in 3 months, beyond the list's horizon.
    let follow = CheckupInput { purpose: Purpose::FollowUp, ..bp(132, 82) };
    health::record_checkup(&t.db, &nurse, client, &follow, at("2026-12-05T01:00:00Z")).unwrap();
    assert!(mine(None).is_empty());
    let later = health::due_follow_ups(&t.db, &nurse, centre, None, today, 120).unwrap();
    assert!(later.iter().any(|d| d.client_id == client
        && d.reason == DueReason::HypertensionControl
        && d.due_on.to_string() == "2027-03-05"));
}

#[test]
fn a_form_with_only_the_sex_on_it_is_empty() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let client: i64 = t
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active' LIMIT 1",
                [centre],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let before = common::count(&t.db, "SELECT count(*) FROM checkups");
    let sex_only = CheckupInput {
        vitals: VitalsInput { sex: Some(carecircle_core::domain::resident_id::Sex::Female), ..Default::default() },
        purpose: Purpose::Annual,
        notes: Some("nothing measured".into()),
    };
    let err = health::record_checkup(&t.db, &nurse, client, &sex_only, at("2026-11-29T02:00:00Z")).unwrap_err();
    assert_eq!(code(err), "checkup.empty");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM checkups"), before);
}

#[test]
fn a_diabetic_clients_fast_heart_rate_and_high_fever_are_urgent_whatever_the_form_says() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let with = |diabetic: bool| -> i64 {
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active'
                   AND (chronic_conditions LIKE '%\"diabetes\"%') = ?2 ORDER BY id LIMIT 1",
                rusqlite::params![centre, diabetic],
                |r| r.get(0),
            )?)
        })
        .unwrap()
    };
    let (diabetic, other) = (with(true), with(false));
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let reading = |diabetes_on_form: bool| CheckupInput {
        vitals: VitalsInput {
            heart_rate: Some(112),
            temperature: Some(39.4),
            diabetes: diabetes_on_form,
            ..Default::default()
        },
        ..Default::default()
    };
    let now = at("2026-11-29T02:00:00Z");
    // The form says "not diabetic": the record decides.
    let saved = health::record_checkup(&t.db, &nurse, diabetic, &reading(false), now).unwrap();
    let codes: Vec<_> = saved.findings.iter().map(|f| (f.code.as_str(), f.level)).collect();
    assert_eq!(codes, [("hr.diabetic_tachycardia", Level::Urgent), ("temp.diabetic_high_fever", Level::Urgent)]);
    let alerts = health::open_alerts(&t.db, &nurse, centre).unwrap();
    let mine: Vec<_> = alerts.iter().filter(|a| a.checkup_id == saved.id).map(|a| a.code.as_str()).collect();
    assert_eq!(mine, ["hr.diabetic_tachycardia", "temp.diabetic_high_fever"]);
    // The same reading of a client without diabetes (the form claiming it) is raised, not urgent.
    let saved = health::record_checkup(&t.db, &nurse, other, &reading(true), now).unwrap();
    assert_eq!(saved.worst_level, Level::Raised);
    assert!(health::open_alerts(&t.db, &nurse, centre).unwrap().iter().all(|a| a.checkup_id != saved.id));
    // 41 °C is urgent for anyone.
    let hot =
        CheckupInput { vitals: VitalsInput { temperature: Some(41.0), ..Default::default() }, ..Default::default() };
    let saved = health::record_checkup(&t.db, &nurse, other, &hot, now).unwrap();
    assert_eq!((saved.worst_level, saved.findings[0].code.as_str()), (Level::Urgent, "temp.hyperpyrexia"));
}

/// A client of the centre with consent on file, and none of the demo's checkups or alerts.
/// The demo city, its first elder centre, a consenting client there and the centre's nurse.
fn centre_client_and_nurse() -> (common::TestDb, carecircle_core::Actor, i64, i64, carecircle_core::Actor) {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let client = a_consenting_client(&t, centre);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    (t, admin, centre, client, nurse)
}

fn a_consenting_client(t: &common::TestDb, centre: i64) -> i64 {
    t.db.write(|c| {
        let id: i64 = c.query_row(
            "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active' LIMIT 1",
            [centre],
            |r| r.get(0),
        )?;
        c.execute("DELETE FROM alerts WHERE client_id = ?1", [id])?;
        c.execute("DELETE FROM checkups WHERE client_id = ?1", [id])?;
        Ok(id)
    })
    .unwrap()
}

/// (code, value, open, closed by a correction, note) of a checkup's alerts, in order raised.
fn alerts_of(t: &common::TestDb, checkup_id: i64) -> Vec<(String, String, bool, bool, Option<String>)> {
    t.db.read(|c| {
        Ok(c.prepare(
            "SELECT code, value, handled_at IS NULL, closed_by_correction, handled_note FROM alerts
             WHERE checkup_id = ?1 ORDER BY id",
        )?
        .query_map([checkup_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

#[test]
fn a_corrected_checkup_is_read_again_and_its_alerts_follow_the_correction() {
    let (t, _, centre, client, nurse) = centre_client_and_nurse();
    let taken = at("2026-11-29T01:00:00Z");
    let slip = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), taken).unwrap();
    assert_eq!(alerts_of(&t, slip.id), vec![("bp.urgent".into(), "185/112".into(), true, false, None)]);

    // Typed 185 for 145: the corrected reading is raised, not urgent, and the alert it made
    // moot is closed, saying so, in the same step.
    let fixed = health::correct_checkup(&t.db, &nurse, slip.id, &bp(145, 92), at("2026-11-29T01:30:00Z")).unwrap();
    assert_eq!((fixed.id, fixed.vitals.systolic, fixed.vitals.diastolic), (slip.id, Some(145), Some(92)));
    assert_eq!((fixed.worst_level, fixed.findings[0].code.as_str()), (Level::Raised, "bp.raised"));
    assert_eq!(fixed.taken_at, slip.taken_at, "a correction does not move the checkup in time");
    assert_eq!(fixed.recorded_by_name, "nurse");
    assert_eq!(fixed.corrected_by_name.as_deref(), Some("nurse"));
    assert_eq!(fixed.corrected_at.as_deref(), Some("2026-11-29T01:30:00Z"));
    assert_eq!(
        alerts_of(&t, slip.id),
        vec![("bp.urgent".into(), "185/112".into(), false, true, Some("185/112 → 145/92".into()))]
    );
    assert!(health::open_alerts(&t.db, &nurse, centre).unwrap().iter().all(|a| a.client_id != client));
    // The history shows the closed alert on its checkup, with who closed it and why.
    let listed = &health::checkups(&t.db, &nurse, client).unwrap()[0];
    assert_eq!(listed.alerts.len(), 1);
    let closed = &listed.alerts[0];
    assert!(closed.closed_by_correction);
    assert_eq!(
        (closed.handled_by.as_deref(), closed.handled_at.as_deref()),
        (Some("nurse"), Some("2026-11-29T01:30:00Z"))
    );

    // The audit has the checkup before and after.
    let (before, after): (String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE entity = 'checkup' AND entity_id = ?1
                 AND action = 'correct'",
                [slip.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    let systolic = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap()["vitals"]["systolic"].clone();
    assert_eq!((systolic(&before), systolic(&after)), (185.into(), 145.into()));

    // A fever of 41.2 °C added to it is urgent: a new alert is raised, the closed one stays closed.
    let with_fever =
        CheckupInput { vitals: VitalsInput { temperature: Some(41.2), ..bp(145, 92).vitals }, ..Default::default() };
    health::correct_checkup(&t.db, &nurse, slip.id, &with_fever, at("2026-11-29T01:40:00Z")).unwrap();
    let alerts = alerts_of(&t, slip.id);
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[1], ("temp.hyperpyrexia".into(), "41.2".into(), true, false, None));
    assert!(!alerts[0].2, "the moot blood-pressure alert is not reopened");
}

#[test]
fn a_reading_still_urgent_after_correction_keeps_its_open_alert_with_the_corrected_value() {
    let (t, _, _, client, nurse) = centre_client_and_nurse();
    let urgent = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), at("2026-11-29T01:00:00Z")).unwrap();
    health::correct_checkup(&t.db, &nurse, urgent.id, &bp(190, 115), at("2026-11-29T01:05:00Z")).unwrap();
    assert_eq!(alerts_of(&t, urgent.id), vec![("bp.urgent".into(), "190/115".into(), true, false, None)]);
}

#[test]
fn a_correction_is_validated_as_a_new_checkup_and_a_refused_one_changes_nothing() {
    let (t, _, _, client, nurse) = centre_client_and_nurse();
    let now = at("2026-11-29T01:00:00Z");
    let urgent = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), now).unwrap();
    let audits = || common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'correct'");
    let before = audits();
    assert_eq!(
        code(health::correct_checkup(&t.db, &nurse, urgent.id, &bp(400, 90), now).unwrap_err()),
        "vitals.implausible"
    );
    assert_eq!(
        code(health::correct_checkup(&t.db, &nurse, urgent.id, &CheckupInput::default(), now).unwrap_err()),
        "checkup.empty"
    );
    assert!(matches!(
        health::correct_checkup(&t.db, &nurse, i64::MAX, &bp(120, 80), now),
        Err(CoreError::NotFound { .. })
    ));
    assert_eq!(health::checkups(&t.db, &nurse, client).unwrap()[0], urgent, "the checkup is as recorded");
    assert_eq!(alerts_of(&t, urgent.id), vec![("bp.urgent".into(), "185/112".into(), true, false, None)]);
    assert_eq!(audits(), before);
}

#[test]
fn only_its_nurse_or_a_manager_of_its_facility_may_correct_a_checkup() {
    let (t, admin) = common::seeded();
    let (centre, other) = common::two_elder_facilities(&t.db);
    let client = a_consenting_client(&t, centre);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let now = at("2026-11-29T01:00:00Z");
    let taken = health::record_checkup(&t.db, &nurse, client, &bp(150, 95), now).unwrap();
    let refused = [
        common::account(&t.db, &admin, "colleague", Role::Nurse, Some(centre)),
        common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre)),
        common::account(&t.db, &admin, "carer", Role::Caregiver, Some(centre)),
        common::account(&t.db, &admin, "elsewhere", Role::FacilityManager, Some(other)),
    ];
    for actor in &refused {
        assert!(
            matches!(health::correct_checkup(&t.db, actor, taken.id, &bp(140, 90), now), Err(CoreError::Forbidden)),
            "{} may not correct another nurse's checkup",
            actor.username
        );
    }
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(centre));
    for (actor, systolic) in [(&nurse, 148), (&manager, 146), (&admin, 144)] {
        let fixed = health::correct_checkup(&t.db, actor, taken.id, &bp(systolic, 90), now).unwrap();
        assert_eq!(fixed.vitals.systolic, Some(systolic));
        assert_eq!(fixed.corrected_by_name.as_deref(), Some(actor.display_name.as_str()));
    }
}

#[test]
fn a_handled_alert_is_shown_on_its_checkup_with_who_handled_it_when_and_the_note() {
    let (t, _, centre, client, nurse) = centre_client_and_nurse();
    let urgent = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), at("2026-11-29T01:00:00Z")).unwrap();
    assert_eq!(urgent.alerts.len(), 1, "the new checkup carries its open alert");
    assert_eq!(urgent.alerts[0].handled_at, None);
    let alert =
        health::open_alerts(&t.db, &nurse, centre).unwrap().into_iter().find(|a| a.client_id == client).unwrap();
    health::handle_alert(&t.db, &nurse, alert.id, "已转诊至市医院", at("2026-11-29T01:10:00Z")).unwrap();
    let listed = health::checkups(&t.db, &nurse, client).unwrap();
    let shown = &listed[0].alerts[0];
    assert_eq!(
        (shown.code.as_str(), shown.value.as_str(), shown.handled_by.as_deref(), shown.handled_at.as_deref()),
        ("bp.urgent", "185/112", Some("nurse"), Some("2026-11-29T01:10:00Z"))
    );
    assert_eq!(shown.handled_note.as_deref(), Some("已转诊至市医院"));
    assert!(!shown.closed_by_correction);
}

/// The follow-up planner reads a checkup's blood pressure and fasting glucose from the stored
/// values (the city's monthly report reads every checkup); the levels it gets must be those
/// the checkup's findings say, for every checkup of the demo city and for a corrected one.
#[test]
fn the_planners_levels_from_the_stored_values_are_the_findings_levels() {
    use carecircle_core::domain::vitals::{blood_pressure_level, fasting_glucose_level, Finding, Measure};
    let (t, _, _, client, nurse) = centre_client_and_nurse();
    let slip = health::record_checkup(&t.db, &nurse, client, &bp(185, 112), at("2026-11-29T01:00:00Z")).unwrap();
    health::correct_checkup(&t.db, &nurse, slip.id, &bp(145, 92), at("2026-11-29T01:30:00Z")).unwrap();

    type Stored = (i64, Option<u16>, Option<u16>, Option<f64>, String);
    let rows: Vec<Stored> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT id, systolic, diastolic, glucose_fasting, findings_json FROM checkups")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert!(rows.len() > 10_000, "{} checkups", rows.len());
    let (mut pressures, mut glucoses) = (0, 0);
    for (id, s, d, g, findings) in rows {
        let findings: Vec<Finding> = serde_json::from_str(&findings).unwrap();
        let found = |m: Measure| findings.iter().find(|f| f.measure == m).map(|f| f.level);
        let bp = s.zip(d).map(|(s, d)| blood_pressure_level(s, d));
        assert_eq!(bp, found(Measure::BloodPressure), "checkup {id}");
        assert_eq!(g.map(fasting_glucose_level), found(Measure::GlucoseFasting), "checkup {id}");
        pressures += usize::from(bp.is_some());
        glucoses += usize::from(g.is_some());
    }
    assert!(pressures > 1000 && glucoses > 1000, "{pressures} pressures, {glucoses} glucoses");
}
