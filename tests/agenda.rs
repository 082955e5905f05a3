//! The home page: each role's work of the day, with the figures the monthly report also
//! shows agreeing with the report of the same day.

use crate::common;

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::ClientStatus;
use carecircle_core::i18n::Locale;
use carecircle_core::report::figures::{gather, Figures};
use carecircle_core::report::{self, ReportFormat};
use carecircle_core::services::agenda::{self, open_alert_count};
use carecircle_core::services::people::set_client_status;
use carecircle_core::services::visits::week;
use carecircle_core::services::{health, incidents, registry};
use carecircle_core::Role;

#[test]
fn each_roles_home_page_agrees_with_the_report_of_the_same_day() {
    let (t, admin) = common::seeded();
    let today = common::today();
    let (centre, other) = common::two_elder_facilities(&t.db);
    let report = t.db.read(|c| gather(c, None, Month::of(today), today, &mut |_, _| {})).unwrap();

    // The city's summary card: the rolls as the report counts them today.
    let (mut clients, mut children) = (0, 0);
    for f in &report {
        match &f.figures {
            Figures::Elder(e) => clients += e.roll.registered,
            Figures::Child(c) => children += c.roll.registered,
        }
    }
    let summary = registry::city_summary(&t.db, today).unwrap();
    assert_eq!((summary.clients, summary.children), (clients, children));
    let all: i64 = t.db.read(|c| Ok(c.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?)).unwrap();
    assert!(summary.clients < all, "moved and deceased clients are not on the roll ({} of {all})", summary.clients);

    // A facility manager: the three sections, each figure as the report or the list has it.
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(centre));
    let day = agenda::agenda(&t.db, &manager, Some(other), today).unwrap();
    let f = day.facility.expect("the manager's own facility");
    assert_eq!(f.facility_id, centre, "a facility's account gets its own, whatever it asks");
    assert!(day.city.is_none());
    let Figures::Elder(e) = &report.iter().find(|m| m.place.id == centre).unwrap().figures else { panic!() };
    assert_eq!(i64::from(f.on_roll), e.roll.registered);
    let nurse_day = f.nurse.as_ref().unwrap();
    assert_eq!(i64::from(nurse_day.follow_ups_overdue), e.health.follow_ups_overdue);
    let listed = health::due_follow_ups(&t.db, &manager, centre, None, today, 7).unwrap();
    assert_eq!(nurse_day.follow_ups_this_week as usize, listed.iter().filter(|d| !d.overdue).count());
    // The Health page's alerts tab: the urgent readings and the serious incidents still open.
    let book = incidents::list(&t.db, &manager, centre, Month::of(today)).unwrap();
    let serious_open = book.iter().filter(|i| i.serious && i.closed_at.is_none()).count();
    assert_eq!(
        nurse_day.open_alerts as usize,
        health::open_alerts(&t.db, &manager, centre).unwrap().len() + serious_open
    );
    let w = week::week(&t.db, &manager, centre, today).unwrap();
    let m = f.manager.as_ref().unwrap();
    assert_eq!(m.visit_conflicts as usize, w.conflicts.iter().filter(|k| k.day >= today).count());
    assert_eq!((m.last_month.as_str(), m.last_month_reported), ("2026-10", false));
    assert!(f.desk.is_some());

    // The front desk: its section only, who is expected (Monday: the tests' today is a
    // Sunday, when the centre serves no meals); a client suspended is no longer expected
    // (suspending cancels the bookings not yet served).
    let monday = today + chrono::Days::new(1);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(centre));
    let booked: i64 = t
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT client_id FROM bookings WHERE facility_id = ?1 AND day = ?2 AND status = 'booked' ORDER BY id LIMIT 1",
                rusqlite::params![centre, monday.to_string()],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let expected: u32 = t
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM (SELECT client_id FROM bookings WHERE facility_id = ?1 AND day = ?2 AND status != 'cancelled'
                   UNION SELECT client_id FROM visits WHERE facility_id = ?1 AND day = ?2 AND place = 'centre' AND status = 'planned')",
                rusqlite::params![centre, monday.to_string()],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let d = agenda::agenda(&t.db, &desk, None, monday).unwrap().facility.unwrap();
    assert!(d.nurse.is_none() && d.manager.is_none());
    assert_eq!(d.desk.unwrap().clients_expected, expected);
    set_client_status(&t.db, &admin, booked, ClientStatus::Suspended, today).unwrap();
    let d = agenda::agenda(&t.db, &desk, None, monday).unwrap().facility.unwrap();
    assert!(d.desk.unwrap().clients_expected < expected, "a suspended client is not expected");

    // A nurse: the nurse's section; the alert count of the badge is her facility's.
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(centre));
    let n = agenda::agenda(&t.db, &nurse, None, today).unwrap().facility.unwrap();
    assert!(n.desk.is_none() && n.manager.is_none() && n.nurse.is_some());
    assert_eq!(open_alert_count(&t.db, &nurse).unwrap(), nurse_day.open_alerts);
    // Urgent readings and serious incidents not closed, counted apart.
    let city_alerts = common::count(&t.db, "SELECT count(*) FROM alerts WHERE handled_at IS NULL")
        + common::count(
            &t.db,
            "SELECT count(*) FROM incidents WHERE closed_at IS NULL AND (severity = 'serious' OR to_hospital = 1)",
        );
    assert_eq!(i64::from(open_alert_count(&t.db, &admin).unwrap()), city_alerts);
    let childcare_incidents = common::count(
        &t.db,
        "SELECT count(*) FROM incidents i JOIN facilities f ON f.id = i.facility_id WHERE f.kind = 'childcare'
           AND i.closed_at IS NULL AND (i.severity = 'serious' OR i.to_hospital = 1)",
    );

    // The city office: every facility is unreported until its report of last month is made.
    let city = agenda::agenda(&t.db, &admin, None, today).unwrap().city.unwrap();
    assert_eq!(city.not_reported.len() as u32, city.facilities);
    let by_circle: u32 = city.circles.iter().map(|k| k.open_alerts).sum();
    assert_eq!(
        i64::from(by_circle),
        city_alerts - childcare_incidents,
        "the circles' health is their elder facilities'"
    );
    let out = t.dir.path().join("report.pdf");
    report::save(
        &t.db,
        &manager,
        Some(centre),
        Month::of(today).previous(),
        ReportFormat::Pdf,
        Locale::ZhCn,
        common::clock().now(),
        &out,
        &mut |_| {},
    )
    .unwrap();
    let city = agenda::agenda(&t.db, &admin, Some(centre), today).unwrap();
    assert!(!city.city.unwrap().not_reported.iter().any(|f| f.id == centre));
    assert!(city.facility.unwrap().manager.unwrap().last_month_reported, "the city office sees the chosen facility");
}
