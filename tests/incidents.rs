//! Incident reports: reported by whoever is on duty, completed while open, closed by a
//! manager once the family has been told, and kept as closed; counted in the assessment's
//! care-risk events and, when serious, on the alert count.

use crate::common;

use carecircle_core::domain::assessment::{AssessmentInput, LevelAdjustment};
use carecircle_core::domain::incident::{IncidentInput, IncidentKind, Severity};
use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::agenda::open_alert_count;
use carecircle_core::services::{assessments, incidents};
use carecircle_core::{CoreError, Role};
use common::code;

/// A fall at 09:30 on `day`, the family not yet told.
fn fall(client_id: i64, day: &str) -> IncidentInput {
    IncidentInput {
        person_kind: PersonKind::Client,
        person_id: client_id,
        kind: IncidentKind::Fall,
        severity: Severity::Minor,
        occurred_at: format!("{day} 09:30"),
        place: "餐厅".into(),
        what_happened: "起身取餐时滑倒，右膝着地".into(),
        injury: Some("右膝擦伤".into()),
        action_taken: "扶起，消毒包扎，护士评估".into(),
        to_hospital: false,
        hospital: None,
        witnesses: Some("护理员 李梅".into()),
        family_told_at: None,
        family_told_who: None,
        family_told_how: None,
    }
}

fn told(input: IncidentInput, at: &str) -> IncidentInput {
    IncidentInput {
        family_told_at: Some(at.into()),
        family_told_who: Some("女儿 王丽".into()),
        family_told_how: Some("电话".into()),
        ..input
    }
}

/// A client of facility `a` with consent on file, not yet assessed.
fn client_of(t: &common::TestDb, a: i64) -> i64 {
    t.db.read(|c| {
        Ok(c.query_row(
            "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL AND status = 'active'
             ORDER BY id LIMIT 1",
            [a],
            |r| r.get(0),
        )?)
    })
    .unwrap()
}

#[test]
fn a_report_is_completed_while_open_closed_once_the_family_is_told_and_then_kept() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = client_of(&t, a);
    let carer = common::account(&t.db, &admin, "carer", Role::Caregiver, Some(a));
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(a));
    let now = common::clock().now();

    let report = incidents::report(&t.db, &carer, &fall(client, "2026-11-28"), now).unwrap();
    assert_eq!((report.reported_by_name.as_str(), report.facility_id), ("carer", a));
    assert!(!report.serious);
    assert_eq!(report.occurred_at, "2026-11-28T01:30:00Z", "stored in UTC");

    // A caregiver reports, but only a manager closes; and not before the family is told.
    assert!(matches!(incidents::close(&t.db, &carer, report.id, "加装扶手", now), Err(CoreError::Forbidden)));
    assert_eq!(
        code(incidents::close(&t.db, &manager, report.id, "加装扶手", now).unwrap_err()),
        "incident.family_not_told"
    );
    assert_eq!(code(incidents::close(&t.db, &manager, report.id, "  ", now).unwrap_err()), "incident.review_required");

    let completed =
        incidents::update(&t.db, &carer, report.id, &told(fall(client, "2026-11-28"), "2026-11-28 10:00"), now)
            .unwrap();
    assert_eq!(completed.family_told_how.as_deref(), Some("电话"));
    let closed = incidents::close(&t.db, &manager, report.id, "地面湿滑：餐厅加铺防滑垫", now).unwrap();
    assert_eq!(closed.closed_by_name.as_deref(), Some("boss"));

    // Closed is kept as it is, through the service and underneath it.
    let again = told(fall(client, "2026-11-28"), "2026-11-28 10:00");
    assert_eq!(code(incidents::update(&t.db, &carer, report.id, &again, now).unwrap_err()), "incident.closed");
    assert_eq!(code(incidents::close(&t.db, &manager, report.id, "再次", now).unwrap_err()), "incident.closed");
    let raw_update = t.db.write(|c| Ok(c.execute("UPDATE incidents SET place = 'x' WHERE id = ?1", [report.id])?));
    assert_eq!(code(raw_update.unwrap_err()), "incident.closed");
    let raw_delete = t.db.write(|c| Ok(c.execute("DELETE FROM incidents WHERE id = ?1", [report.id])?));
    assert_eq!(code(raw_delete.unwrap_err()), "incident.kept");

    // Who did what, in the audit log.
    let actions =
        t.db.read(|c| {
            let mut stmt =
                c.prepare("SELECT action FROM audit_log WHERE entity = 'incident' AND entity_id = ?1 ORDER BY id")?;
            let rows = stmt.query_map([report.id.to_string()], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap();
    assert_eq!(actions, ["create", "update", "review"]);
}

#[test]
fn a_bad_report_changes_nothing_and_other_facilities_are_out_of_reach() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let client = client_of(&t, a);
    let elsewhere = common::account(&t.db, &admin, "carer_b", Role::Caregiver, Some(b));
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let now = common::clock().now();
    let rows = || common::count(&t.db, "SELECT count(*) FROM incidents");
    let demo = rows();

    assert!(matches!(
        incidents::report(&t.db, &elsewhere, &fall(client, "2026-11-28"), now),
        Err(CoreError::Forbidden)
    ));
    // Tomorrow's date, next year's, and an empty form.
    assert_eq!(
        code(incidents::report(&t.db, &desk, &fall(client, "2026-11-30"), now).unwrap_err()),
        "incident.in_future"
    );
    assert_eq!(
        code(incidents::report(&t.db, &desk, &fall(client, "2027-11-28"), now).unwrap_err()),
        "incident.in_future"
    );
    let empty = IncidentInput { place: String::new(), what_happened: String::new(), ..fall(client, "2026-11-28") };
    assert_eq!(code(incidents::report(&t.db, &desk, &empty, now).unwrap_err()), "incident.place_required");
    let nobody = IncidentInput { person_id: 999_999, ..fall(client, "2026-11-28") };
    assert!(matches!(incidents::report(&t.db, &desk, &nobody, now), Err(CoreError::NotFound { .. })));
    assert_eq!(rows(), demo);

    // The front desk may report what it saw; the person of a report stays who it was.
    let report = incidents::report(&t.db, &desk, &fall(client, "2026-11-28"), now).unwrap();
    let other = client_of(&t, a) + 1;
    let moved = IncidentInput { person_id: other, ..fall(client, "2026-11-28") };
    assert_eq!(code(incidents::update(&t.db, &desk, report.id, &moved, now).unwrap_err()), "incident.person_fixed");
    assert_eq!(rows(), demo + 1);
}

#[test]
fn the_assessment_counts_the_reports_of_the_last_30_days_not_what_was_typed() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = client_of(&t, a);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    let clock = common::clock();
    // The demo's own reports of the client, if any.
    let demo = |day| incidents::risk_events(&t.db, &nurse, client, common::day(day)).unwrap();
    let (demo_29, demo_30, demo_15) = (demo("2026-11-29"), demo("2026-11-30"), demo("2026-10-15"));
    // One fall 40 days ago (reported then), two in the last 30 days.
    clock.set(common::at("2026-10-20T04:00:00Z"));
    incidents::report(&t.db, &nurse, &fall(client, "2026-10-20"), clock.now()).unwrap();
    clock.set(common::clock().now());
    incidents::report(&t.db, &nurse, &fall(client, "2026-10-31"), clock.now()).unwrap();
    let choking = IncidentInput { kind: IncidentKind::Choking, ..fall(client, "2026-11-28") };
    incidents::report(&t.db, &nurse, &choking, clock.now()).unwrap();

    assert_eq!(demo("2026-11-29"), demo_29 + 2);
    // 30 days up to and including 29 November begin on 31 October.
    assert_eq!(demo("2026-11-30"), demo_30 + 1);

    let typed = AssessmentInput { risk_events_30d: 7, ..healthy("2026-11-29") };
    let record = assessments::add(&t.db, &nurse, client, &typed, common::today()).unwrap();
    assert_eq!(record.scores.risk_events_30d, demo_29 + 2);
    assert!(record.scores.adjustments.contains(&LevelAdjustment::RiskEvents));
    let none_then = assessments::add(&t.db, &nurse, client, &healthy("2026-10-15"), common::today()).unwrap();
    assert_eq!(none_then.scores.risk_events_30d, demo_15);
}

fn healthy(date: &str) -> AssessmentInput {
    AssessmentInput {
        assessed_on: date.into(),
        self_care: vec![4; 8],
        mobility: vec![4, 4, 4, 3],
        mental: vec![4, 4, 4, 4, 4, 4, 1, 1, 2],
        senses: vec![2, 2, 4, 3, 4],
        coma: false,
        dementia_or_mental_disorder: false,
        risk_events_30d: 0,
        notes: None,
    }
}

#[test]
fn a_serious_incident_stays_on_the_alert_count_until_closed_and_the_book_shows_the_open_first() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = client_of(&t, a);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(a));
    let now = common::clock().now();
    let before = open_alert_count(&t.db, &nurse).unwrap();
    let city_before = open_alert_count(&t.db, &admin).unwrap();

    let minor = incidents::report(&t.db, &nurse, &told(fall(client, "2026-11-02"), "2026-11-02 10:00"), now).unwrap();
    assert_eq!(open_alert_count(&t.db, &nurse).unwrap(), before, "a minor incident is no alert");
    let serious = IncidentInput {
        severity: Severity::Serious,
        to_hospital: true,
        hospital: Some("乌海市人民医院".into()),
        injury: Some("左髋疼痛，不能站立".into()),
        ..told(fall(client, "2026-11-28"), "2026-11-28 09:40")
    };
    let serious = incidents::report(&t.db, &nurse, &serious, now).unwrap();
    assert!(serious.serious);
    assert_eq!(open_alert_count(&t.db, &nurse).unwrap(), before + 1);
    assert_eq!(open_alert_count(&t.db, &admin).unwrap(), city_before + 1, "and on the city's");

    incidents::close(&t.db, &manager, minor.id, "复核：地面已改防滑", now).unwrap();
    let november = Month::parse("2026-11").unwrap();
    let mine = |book: &[incidents::Incident]| {
        book.iter().filter(|i| [serious.id, minor.id].contains(&i.id)).map(|i| i.id).collect::<Vec<_>>()
    };
    let book = incidents::list(&t.db, &nurse, a, november).unwrap();
    assert_eq!(mine(&book), [serious.id, minor.id], "the open one first");
    let first_closed = book.iter().position(|i| i.closed_at.is_some()).unwrap_or(book.len());
    assert!(book[first_closed..].iter().all(|i| i.closed_at.is_some()), "every open report before the closed");
    assert!(book.iter().all(|i| i.facility_id == a));
    // December's book still shows what is open, not what was closed in November.
    let december = incidents::list(&t.db, &nurse, a, november.next()).unwrap();
    assert_eq!(mine(&december), [serious.id]);

    incidents::close(&t.db, &manager, serious.id, "髋部骨折住院；夜间加床栏", now).unwrap();
    assert_eq!(open_alert_count(&t.db, &nurse).unwrap(), before);
    let theirs = incidents::for_person(&t.db, &nurse, PersonKind::Client, client).unwrap();
    assert!(theirs.iter().all(|i| i.person_id == client));
    assert_eq!(mine(&theirs).len(), 2);
}
