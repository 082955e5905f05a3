//! Care visits: care plans, every kind of conflict the week view explains,
//! weekly series with exceptions, recording outcomes (a caregiver only their own), making
//! up a missed visit, leave, and the weekly scheduler on a feasible and an infeasible week.
//!
//! Each test builds two elder centres through the services (`common::Fixture`); the first
//! has two staff members with known hours and skills and two clients whose homes are 1 km
//! apart. Days are counted from the real today (the services
//! refuse the past), in the weeks after it.

use crate::common;

use carecircle_core::dates::monday_of;
use carecircle_core::domain::facility::Service;
use carecircle_core::domain::person::{Skill, StaffInput, StaffJob};
use carecircle_core::domain::visits::{CarePlace, ConflictKind, GeoPoint, VisitReason, VisitStatus};
use carecircle_core::services::accounts;
use carecircle_core::services::visits::edit::{self, NewVisit, VisitMove};
use carecircle_core::services::visits::leave::{self, LeaveInput};
use carecircle_core::services::visits::location;
use carecircle_core::services::visits::planner::{self, PlanReport};
use carecircle_core::services::visits::plans::{self, PlanItemInput};
use carecircle_core::services::visits::record::{self, VisitOutcome};
use carecircle_core::services::visits::week;
use carecircle_core::services::visits::week::Week;
use carecircle_core::{Actor, CoreError, Db, Role};
use chrono::{Days, NaiveDate};
use common::count;
use common::fixture::Fixture;

const CENTRE_AT: GeoPoint = GeoPoint { lat: 39.6550, lon: 106.7940 };

struct Setup {
    t: Fixture,
    admin: Actor,
    centre: i64,
    /// Works Monday–Friday 08:00–17:00, caregiver certificate only.
    carer: i64,
    /// Nurse, Monday–Friday 08:00–12:00.
    nurse: i64,
    clients: [i64; 2],
    /// Monday of next week.
    monday: NaiveDate,
}

fn setup() -> Setup {
    let t = Fixture::new();
    let admin = t.admin.clone();
    let centre = t.elder_centre("新华养老服务中心");
    t.elder_centre("凤凰岭养老服务中心");
    // Only these two staff members work here, so the scheduler's choices are known.
    let carer = t.staff(&t.staff_form(centre, "测试护理员", StaffJob::Caregiver, &[Skill::CaregiverCertificate]));
    let nurse = t.staff(&StaffInput {
        work_ends: "12:00".into(),
        ..t.staff_form(centre, "测试护士", StaffJob::Nurse, &[Skill::NurseLicence])
    });
    let ids = [t.client(&t.client_form(centre, "张桂英")), t.client(&t.client_form(centre, "王淑珍"))];
    location::set_facility_location(&t.db, &admin, centre, Some(CENTRE_AT)).unwrap();
    location::set_home_location(&t.db, &admin, ids[0], Some(CENTRE_AT.offset(0.0, 500.0))).unwrap();
    location::set_home_location(&t.db, &admin, ids[1], Some(CENTRE_AT.offset(1000.0, 500.0))).unwrap();
    let monday = monday_of(common::today()) + Days::new(7);
    Setup { t, admin, centre, carer, nurse, clients: [ids[0], ids[1]], monday }
}

fn item(client_id: i64, title: &str, skill: Option<Skill>) -> PlanItemInput {
    PlanItemInput {
        client_id,
        service: Service::DailyCare,
        title: title.into(),
        visits_per_week: 2,
        duration_min: 60,
        preferred_days: vec![1, 2, 3, 4, 5],
        window_start: "08:00".into(),
        window_end: "17:00".into(),
        skill,
        place: CarePlace::Home,
        starts_on: common::today(),
        ends_on: None,
        note: None,
    }
}

fn invalid(e: CoreError) -> &'static str {
    match e {
        CoreError::Invalid(v) => v.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

impl Setup {
    fn db(&self) -> &Db {
        &self.t.db
    }

    fn plan(&self, client: usize, title: &str, skill: Option<Skill>) -> i64 {
        plans::create_plan_item(self.db(), &self.admin, &item(self.clients[client], title, skill)).unwrap().id
    }

    fn visit(&self, item: i64, day: NaiveDate, start: &str, staff: i64) -> i64 {
        let input = NewVisit { plan_item_id: item, day, start: start.into(), staff_id: Some(staff) };
        edit::create_visit(self.db(), &self.admin, &input).unwrap().id
    }

    /// The week as the app opens it: the series step, then the read.
    fn week(&self, monday: NaiveDate) -> Week {
        week::fill_week(self.db(), &self.admin, self.centre, monday).unwrap();
        week::week(self.db(), &self.admin, self.centre, monday).unwrap()
    }

    fn conflicts(&self, monday: NaiveDate) -> Vec<(ConflictKind, Vec<i64>)> {
        let w = self.week(monday);
        w.conflicts.into_iter().map(|c| (c.kind, c.visit_ids)).collect()
    }
}

#[test]
fn plan_items_are_checked_scoped_and_suggested_by_level() {
    let s = setup();
    let nurse = common::account(s.db(), &s.admin, "nurse1", Role::Nurse, Some(s.centre));
    let desk = common::account(s.db(), &s.admin, "desk1", Role::FrontDesk, Some(s.centre));
    let made = plans::create_plan_item(s.db(), &nurse, &item(s.clients[0], "上门助浴", None)).unwrap();
    assert_eq!((made.visits_per_week, made.window_start.as_str()), (2, "08:00"));
    assert!(matches!(
        plans::create_plan_item(s.db(), &desk, &item(s.clients[0], "陪伴", None)),
        Err(CoreError::Forbidden)
    ));
    let before = count(s.db(), "SELECT count(*) FROM care_plan_items");
    let bad = PlanItemInput { window_end: "08:30".into(), ..item(s.clients[0], "助浴", None) };
    assert_eq!(invalid(plans::create_plan_item(s.db(), &nurse, &bad).unwrap_err()), "plan.window_too_short");
    assert_eq!(count(s.db(), "SELECT count(*) FROM care_plan_items"), before, "nothing written");

    // The plan shows the planned minutes against what the capability level suggests.
    s.db()
        .write(|c| {
            c.execute(
                "INSERT INTO assessments (client_id, assessed_on, assessor_id, assessor_name, scores_json, total,
                     preliminary_level, level, created_at)
                 VALUES (?1, '2099-01-01', 1, 'x', '{}', 50, 2, 2, '2026-01-01T00:00:00Z')",
                [s.clients[0]],
            )?;
            Ok(())
        })
        .unwrap();
    let plan = plans::care_plan(s.db(), &desk, s.clients[0]).unwrap();
    assert_eq!((plan.level, plan.planned_min), (Some(2), 120));
    assert_eq!((plan.suggested_min_low, plan.suggested_min_high), (Some(180), Some(360)));
}

#[test]
fn every_conflict_kind_is_found_and_explained() {
    let s = setup();
    let m = s.monday;
    let bath = s.plan(0, "上门助浴", None);
    let other_home = s.plan(1, "陪伴聊天", None);
    let meds = s.plan(0, "用药检查", Some(Skill::NurseLicence));
    assert!(s.conflicts(m).is_empty());

    // Monday: two visits at once.
    let a = s.visit(bath, m, "09:00", s.carer);
    let b = s.visit(other_home, m, "09:30", s.carer);
    // Tuesday: homes 1 km apart (1000 × 1.3 / 80 → 17 min) with 10 minutes between.
    let t = m + Days::new(1);
    let c1 = s.visit(bath, t, "09:00", s.carer);
    let c2 = s.visit(other_home, t, "10:10", s.carer);
    // Wednesday: the nurse works until 12:00; a visit at 11:30 runs past it.
    let late = s.visit(meds, m + Days::new(2), "11:30", s.nurse);
    // Thursday: a nursing visit given to the caregiver.
    let unskilled = s.visit(meds, m + Days::new(3), "09:00", s.carer);
    // Saturday: the caregiver works Monday to Friday.
    let saturday = s.visit(bath, m + Days::new(5), "09:00", s.carer);

    let found = s.conflicts(m);
    let has = |kind: ConflictKind, ids: &[i64]| found.iter().any(|(k, v)| *k == kind && v == ids);
    assert!(has(ConflictKind::DoubleBooked, &[a, b]), "{found:?}");
    assert!(has(ConflictKind::NoWalkTime, &[c1, c2]), "{found:?}");
    assert!(has(ConflictKind::OutsideHours, &[late]), "{found:?}");
    assert!(has(ConflictKind::MissingSkill, &[unskilled]), "{found:?}");
    assert!(has(ConflictKind::NotWorkingDay, &[saturday]), "{found:?}");
    assert_eq!(found.len(), 5, "nothing else: {found:?}");

    let w = s.week(m);
    let walk = w.conflicts.iter().find(|c| c.kind == ConflictKind::NoWalkTime).unwrap();
    assert_eq!((walk.walk_min, walk.gap_min, walk.estimated), (Some(17), Some(10), false));

    // Leave on Monday turns that day's visits into leave conflicts.
    leave::add_leave(s.db(), &s.admin, &LeaveInput { staff_id: s.carer, from: m, to: m, reason: Some("病假".into()) })
        .unwrap();
    let found = s.conflicts(m);
    assert!(found.iter().any(|(k, v)| *k == ConflictKind::OnLeave && v == &[a]), "{found:?}");
    let w = s.week(m);
    assert_eq!(w.staff.iter().find(|x| x.id == s.carer).unwrap().leave_days, vec![m]);
    // Overlapping leave is refused; moving a visit away from the clash clears it.
    let again = LeaveInput { staff_id: s.carer, from: m, to: m + Days::new(1), reason: None };
    assert_eq!(invalid(leave::add_leave(s.db(), &s.admin, &again).unwrap_err()), "leave.overlaps");
    edit::move_visit(s.db(), &s.admin, c2, &VisitMove { day: t, start: "10:30".into(), staff_id: Some(s.carer) })
        .unwrap();
    assert!(!s.conflicts(m).iter().any(|(k, _)| *k == ConflictKind::NoWalkTime));
}

#[test]
fn a_home_without_coordinates_is_an_estimated_fifteen_minutes() {
    let s = setup();
    location::set_home_location(s.db(), &s.admin, s.clients[1], None).unwrap();
    let (a, b) = (s.plan(0, "助浴", None), s.plan(1, "陪伴", None));
    s.visit(a, s.monday, "09:00", s.carer);
    s.visit(b, s.monday, "10:10", s.carer);
    let w = s.week(s.monday);
    let walk = &w.conflicts[0];
    assert_eq!((walk.kind, walk.walk_min, walk.estimated), (ConflictKind::NoWalkTime, Some(15), true));
    assert_eq!(
        invalid(
            location::set_home_location(s.db(), &s.admin, s.clients[1], Some(GeoPoint { lat: 106.79, lon: 39.65 }))
                .unwrap_err()
        ),
        "location.out_of_range"
    );
}

#[test]
fn a_weekly_series_keeps_its_rest_when_one_occurrence_moves_or_is_cancelled() {
    let s = setup();
    let m = s.monday;
    let bath = s.plan(0, "上门助浴", None);
    let tuesday = m + Days::new(1);
    let first = s.visit(bath, tuesday, "09:00", s.carer);
    let weekly = edit::make_weekly(s.db(), &s.admin, first).unwrap();
    let series = weekly.series_id.expect("a series");
    assert_eq!(invalid(edit::make_weekly(s.db(), &s.admin, first).unwrap_err()), "visit.already_weekly");

    let occurrence = |monday: NaiveDate| {
        let w = s.week(monday);
        w.visits.into_iter().filter(|v| v.series_id == Some(series)).collect::<Vec<_>>()
    };
    // Opening the next weeks writes their occurrences: Tuesday 09:00 with the caregiver.
    let w2 = occurrence(m + Days::new(7));
    assert_eq!(w2.len(), 1);
    assert_eq!((w2[0].day, w2[0].start_min, w2[0].staff_id), (tuesday + Days::new(7), 540, Some(s.carer)));
    // Moving week 2's to Wednesday 14:00 is an exception: week 3 stays on Tuesday.
    let moved = edit::move_visit(
        s.db(),
        &s.admin,
        w2[0].id,
        &VisitMove { day: tuesday + Days::new(8), start: "14:00".into(), staff_id: Some(s.carer) },
    )
    .unwrap();
    assert!(moved.moved && moved.locked);
    let w3 = occurrence(m + Days::new(14));
    assert_eq!((w3[0].day, w3[0].start_min, w3[0].moved), (tuesday + Days::new(14), 540, false));
    // Re-opening week 2 does not write a second occurrence for its usual Tuesday.
    assert_eq!(occurrence(m + Days::new(7)).len(), 1);
    // Cancelling week 3's keeps week 4's.
    edit::cancel_visit(s.db(), &s.admin, w3[0].id).unwrap();
    assert_eq!(occurrence(m + Days::new(14))[0].status, VisitStatus::Cancelled);
    assert_eq!(occurrence(m + Days::new(21))[0].status, VisitStatus::Planned);
    // Ending the series after week 4 cancels what it wrote later and writes nothing more.
    let w5 = occurrence(m + Days::new(28));
    edit::end_series(s.db(), &s.admin, series, tuesday + Days::new(21)).unwrap();
    assert_eq!(occurrence(m + Days::new(28))[0].id, w5[0].id);
    assert_eq!(occurrence(m + Days::new(28))[0].status, VisitStatus::Cancelled);
    assert!(occurrence(m + Days::new(35)).is_empty());
}

#[test]
fn opening_a_week_only_reads_and_the_series_step_writes_once_audited() {
    let s = setup();
    let bath = s.plan(0, "上门助浴", None);
    let first = s.visit(bath, s.monday + Days::new(1), "09:00", s.carer);
    let series = edit::make_weekly(s.db(), &s.admin, first).unwrap().series_id.unwrap();
    let next = s.monday + Days::new(7);
    let rows = |sql: &str| count(s.db(), sql);
    let written = format!("SELECT count(*) FROM visits WHERE series_id = {series}");
    let filled = "SELECT count(*) FROM audit_log WHERE action = 'fill_series'";

    // The read writes nothing, not even while a write transaction holds the lock elsewhere.
    let before = rows(&written);
    let db = s.db();
    std::thread::scope(|scope| {
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let path = db.path().to_path_buf();
        scope.spawn(move || {
            // Another process's long write: the week must not wait for it.
            let other = rusqlite::Connection::open(path).unwrap();
            other.execute_batch("BEGIN IMMEDIATE").unwrap();
            held_tx.send(()).unwrap();
            done_rx.recv().unwrap();
            other.execute_batch("ROLLBACK").unwrap();
        });
        held_rx.recv().unwrap();
        let w = week::week(db, &s.admin, s.centre, next).unwrap();
        done_tx.send(()).unwrap();
        assert!(w.visits.iter().all(|v| v.series_id != Some(series)), "nothing written by the read");
    });
    assert_eq!(rows(&written), before);
    assert_eq!(rows(filled), 0);

    // The step writes the week's occurrence once and says so in the audit log.
    assert_eq!(week::fill_week(s.db(), &s.admin, s.centre, next).unwrap(), 1);
    assert_eq!(week::fill_week(s.db(), &s.admin, s.centre, next).unwrap(), 0, "nothing missing the second time");
    assert_eq!(rows(&written), before + 1);
    assert_eq!(rows(filled), 1);
    // A caregiver of another facility may not take the step there.
    let (_, other) = common::two_elder_facilities(s.db());
    let stranger = common::account(s.db(), &s.admin, "carer-elsewhere", Role::Caregiver, Some(other));
    assert!(matches!(week::fill_week(s.db(), &stranger, s.centre, next), Err(CoreError::Forbidden)));
}

#[test]
fn visits_are_recorded_by_their_caregiver_and_missed_ones_made_up() {
    let s = setup();
    let today = common::today();
    let bath = s.plan(0, "上门助浴", None);
    let todays = s.visit(bath, today, "08:00", s.carer);
    let future = s.visit(bath, today + Days::new(2), "09:00", s.carer);

    let mine = common::account(s.db(), &s.admin, "carer1", Role::Caregiver, Some(s.centre));
    let theirs = common::account(s.db(), &s.admin, "carer2", Role::Caregiver, Some(s.centre));
    accounts::link_staff(s.db(), &s.admin, mine.account_id, Some(s.carer)).unwrap();
    accounts::link_staff(s.db(), &s.admin, theirs.account_id, Some(s.nurse)).unwrap();
    // One staff record, one account; and only a staff member of the account's facility.
    let code = invalid(accounts::link_staff(s.db(), &s.admin, theirs.account_id, Some(s.carer)).unwrap_err());
    assert_eq!(code, "account.staff_linked");
    let done = VisitOutcome {
        status: VisitStatus::Done,
        start: Some("08:05".into()),
        end: Some("09:00".into()),
        reason: None,
        note: Some("洗澡顺利".into()),
    };
    assert_eq!(invalid(record::record_visit(s.db(), &theirs, todays, &done).unwrap_err()), "visit.not_yours");
    assert_eq!(invalid(record::record_visit(s.db(), &mine, future, &done).unwrap_err()), "visit.in_future");
    let missed_no_reason =
        VisitOutcome { status: VisitStatus::Missed, start: None, end: None, reason: None, note: None };
    assert_eq!(
        invalid(record::record_visit(s.db(), &mine, todays, &missed_no_reason).unwrap_err()),
        "visit.reason_required"
    );
    let recorded = format!("SELECT count(*) FROM visits WHERE facility_id = {} AND status != 'planned'", s.centre);
    assert_eq!(count(s.db(), &recorded), 0, "nothing written");

    let v = record::record_visit(s.db(), &mine, todays, &done).unwrap();
    assert_eq!((v.status, v.done_start_min, v.done_end_min), (VisitStatus::Done, Some(485), Some(540)));
    assert_eq!(v.recorded_by_name.as_deref(), Some("carer1"));
    assert_eq!(invalid(record::record_visit(s.db(), &mine, todays, &done).unwrap_err()), "visit.recorded_already");
    // A correction that changes nothing writes nothing: who recorded it stays.
    let v = record::record_visit(s.db(), &s.admin, todays, &done).unwrap();
    assert_eq!(v.recorded_by_name.as_deref(), Some("carer1"));
    // An account with no staff record is told so.
    let unlinked = common::account(s.db(), &s.admin, "carer3", Role::Caregiver, Some(s.centre));
    assert_eq!(
        invalid(record::record_visit(s.db(), &unlinked, future, &done).unwrap_err()),
        "visit.account_not_linked"
    );
    // The manager corrects it to missed; the audit keeps both.
    let missed = VisitOutcome { reason: Some(VisitReason::InHospital), ..missed_no_reason };
    let v = record::record_visit(s.db(), &s.admin, todays, &missed).unwrap();
    assert_eq!((v.status, v.done_start_min), (VisitStatus::Missed, None));
    assert_eq!(count(s.db(), &format!("SELECT count(*) FROM audit_log WHERE entity = 'visit' AND entity_id = '{todays}' AND action IN ('record', 'correct')")), 2);

    // Made up once, on another day; the second make-up is refused.
    let makeup = record::make_up(s.db(), &s.admin, todays, today + Days::new(1), "15:00", Some(s.carer)).unwrap();
    assert_eq!(makeup.makes_up_for, Some(todays));
    assert!(s.week(monday_of(today)).visits.iter().any(|v| v.id == todays && v.made_up));
    assert_eq!(
        invalid(record::make_up(s.db(), &s.admin, todays, today + Days::new(1), "16:00", None).unwrap_err()),
        "visit.made_up_already"
    );
    assert_eq!(
        invalid(record::make_up(s.db(), &s.admin, future, today, "16:00", None).unwrap_err()),
        "visit.not_missed"
    );
}

#[test]
fn the_past_other_facilities_and_ended_plans_are_refused() {
    let s = setup();
    let (_, elsewhere) = common::two_elder_facilities(s.db());
    let stranger = s.t.staff(&s.t.staff_form(elsewhere, "别处护理员", StaffJob::Caregiver, &[]));
    let bath = s.plan(0, "上门助浴", None);
    let yesterday = common::today() - Days::new(1);
    let past = NewVisit { plan_item_id: bath, day: yesterday, start: "09:00".into(), staff_id: None };
    assert_eq!(invalid(edit::create_visit(s.db(), &s.admin, &past).unwrap_err()), "visit.day_past");
    let away = NewVisit { plan_item_id: bath, day: s.monday, start: "09:00".into(), staff_id: Some(stranger) };
    assert_eq!(invalid(edit::create_visit(s.db(), &s.admin, &away).unwrap_err()), "visit.staff_not_here");
    let v = s.visit(bath, s.monday, "09:00", s.carer);
    let back = VisitMove { day: yesterday, start: "09:00".into(), staff_id: Some(s.carer) };
    assert_eq!(invalid(edit::move_visit(s.db(), &s.admin, v, &back).unwrap_err()), "visit.day_past");
    let late = VisitMove { day: s.monday, start: "23:30".into(), staff_id: None };
    assert_eq!(invalid(edit::move_visit(s.db(), &s.admin, v, &late).unwrap_err()), "visit.past_midnight");

    // Ending the plan item this week cancels next week's visit.
    plans::end_plan_item(s.db(), &s.admin, bath, common::today()).unwrap();
    let w = s.week(s.monday);
    assert_eq!(w.visits.iter().find(|x| x.id == v).unwrap().status, VisitStatus::Cancelled);
    let after = NewVisit { plan_item_id: bath, day: s.monday, start: "10:00".into(), staff_id: None };
    assert_eq!(invalid(edit::create_visit(s.db(), &s.admin, &after).unwrap_err()), "visit.outside_plan");
}

impl Setup {
    fn plan_week(&self) -> PlanReport {
        let limit = std::time::Duration::from_millis(300);
        planner::plan_facility_week(self.db(), &self.admin, self.centre, self.monday, limit, &|_| {}).unwrap()
    }

    fn item_with(&self, client: usize, title: &str, change: impl FnOnce(&mut PlanItemInput)) -> i64 {
        let mut input = item(self.clients[client], title, None);
        change(&mut input);
        plans::create_plan_item(self.db(), &self.admin, &input).unwrap().id
    }
}

#[test]
fn the_scheduler_places_a_feasible_week_fully_and_keeps_what_was_placed_by_hand() {
    let s = setup();
    let bath = s.plan(0, "上门助浴", Some(Skill::CaregiverCertificate));
    let company = s.item_with(1, "陪伴聊天", |i| {
        i.visits_per_week = 3;
        i.duration_min = 45;
    });
    let meds = s.item_with(0, "用药检查", |i| {
        i.visits_per_week = 3;
        i.duration_min = 20;
        i.window_end = "11:00".into();
        i.skill = Some(Skill::NurseLicence);
    });
    let report = s.plan_week();
    assert_eq!((report.placed, report.kept, report.replaced), (8, 0, 0), "{report:?}");
    assert!(report.unplaced.is_empty());

    let w = s.week(s.monday);
    assert!(w.conflicts.is_empty(), "{:?}", w.conflicts);
    let anyone = [s.carer, s.nurse];
    for (item, n, window, staff) in [
        (bath, 2, (480, 1020), &anyone[..1]),
        (company, 3, (480, 1020), &anyone[..]),
        (meds, 3, (480, 660), &anyone[1..]),
    ] {
        let mine: Vec<_> = w.visits.iter().filter(|v| v.plan_item_id == item).collect();
        assert_eq!(mine.len(), n, "item {item}");
        let mut days: Vec<_> = mine.iter().map(|v| v.day).collect();
        days.dedup();
        assert_eq!(days.len(), n, "on different days: {days:?}");
        for v in mine {
            assert!(v.start_min >= window.0 && v.start_min + v.duration_min <= window.1, "{v:?}");
            assert!(staff.contains(&v.staff_id.unwrap()), "someone with the skill: {v:?}");
        }
    }

    // Planning again redoes the automatic plan; a visit moved by hand stays where it was put.
    let moved = w.visits.iter().find(|v| v.plan_item_id == company).unwrap();
    edit::move_visit(
        s.db(),
        &s.admin,
        moved.id,
        &VisitMove { day: moved.day, start: "15:30".into(), staff_id: Some(s.carer) },
    )
    .unwrap();
    let again = s.plan_week();
    assert_eq!((again.placed, again.kept, again.replaced), (7, 1, 7), "{again:?}");
    let w = s.week(s.monday);
    assert_eq!(w.visits.len(), 8);
    assert!(w.visits.iter().any(|v| v.id == moved.id && v.start_min == 15 * 60 + 30));
    assert!(w.conflicts.is_empty(), "{:?}", w.conflicts);
}

#[test]
fn the_scheduler_solves_without_the_write_lock_and_plans_again_around_a_change_made_meanwhile() {
    let s = setup();
    s.item_with(1, "陪伴聊天", |i| {
        i.visits_per_week = 3;
        i.duration_min = 45;
    });
    // While the week is being solved, a manager at another screen puts the caregiver on
    // leave for the whole week. The write goes through at once (the planner holds no lock
    // while it solves: on the same thread a held lock would never be released), and the
    // plan written afterwards is made around it.
    let leave_added = std::cell::Cell::new(false);
    let ticks = std::cell::Cell::new(0);
    let limit = std::time::Duration::from_millis(300);
    let report = planner::plan_facility_week(s.db(), &s.admin, s.centre, s.monday, limit, &|_| {
        ticks.set(ticks.get() + 1);
        // The first tick is the facility's start; later ones come from the solver.
        if ticks.get() == 2 && !leave_added.get() {
            let week = LeaveInput { staff_id: s.carer, from: s.monday, to: s.monday + Days::new(6), reason: None };
            leave::add_leave(s.db(), &s.admin, &week).unwrap();
            leave_added.set(true);
        }
    })
    .unwrap();
    assert!(leave_added.get(), "the solver reported progress ({} ticks)", ticks.get());
    assert_eq!(report.placed, 3, "{report:?}");
    let w = s.week(s.monday);
    assert!(w.visits.iter().all(|v| v.staff_id == Some(s.nurse)), "nobody on leave: {:?}", w.visits);
    assert!(w.conflicts.is_empty(), "{:?}", w.conflicts);
    assert_eq!(count(s.db(), "SELECT count(*) FROM audit_log WHERE action = 'plan_week'"), 1, "written once");
}

#[test]
fn the_scheduler_explains_each_visit_it_cannot_place() {
    let s = setup();
    // Nobody here is trained in rehabilitation.
    s.item_with(0, "康复训练", |i| {
        i.visits_per_week = 1;
        i.skill = Some(Skill::Rehabilitation);
    });
    // Evenings, when nobody works.
    s.item_with(1, "晚间照护", |i| {
        i.visits_per_week = 1;
        i.window_start = "18:00".into();
        i.window_end = "20:00".into();
    });
    // The nurse works 20 hours a week; these ask for 28.
    for client in [0, 1] {
        s.item_with(client, "伤口护理", |i| {
            i.visits_per_week = 10;
            i.duration_min = 84;
            i.skill = Some(Skill::NurseLicence);
        });
    }
    let report = s.plan_week();
    let reasons: Vec<&str> = report.unplaced.iter().map(|u| u.reason.as_str()).collect();
    let of = |title: &str| report.unplaced.iter().filter(|u| u.title == title).collect::<Vec<_>>();
    assert_eq!(of("康复训练").len(), 1);
    assert_eq!(of("康复训练")[0].reason, "no_carer_with_skill");
    assert_eq!(of("康复训练")[0].skill, Some(Skill::Rehabilitation));
    assert_eq!(of("晚间照护")[0].reason, "no_window_in_working_hours");
    // Each says where and on which days it could have gone: one visit a week on any weekday.
    let evening = of("晚间照护")[0];
    assert!(!evening.facility_name.is_empty());
    assert_eq!(evening.days, (0..5).map(|i| s.monday + Days::new(i)).collect::<Vec<_>>());
    let wounds = of("伤口护理");
    assert!(!wounds.is_empty() && wounds.iter().all(|u| u.reason == "no_room_left"), "{reasons:?}");
    // Ten a week on five days: each visit has its day, and the nurse's morning that day is full.
    assert!(wounds.iter().all(|u| u.carer_days == Some(1)), "{wounds:?}");
    // What it did place fits: the nurse's mornings hold two 84-minute visits each at most.
    assert_eq!(report.placed as usize + wounds.len(), 20);
    assert!(report.placed >= 10, "{report:?}");
    let w = s.week(s.monday);
    assert!(w.conflicts.is_empty(), "{:?}", w.conflicts);
}

#[test]
fn a_weekly_visit_whose_caregiver_is_on_leave_is_covered_by_a_colleague() {
    let s = setup();
    let company = s.item_with(1, "陪伴聊天", |i| i.visits_per_week = 1);
    let first = s.visit(company, s.monday, "09:00", s.carer);
    edit::make_weekly(s.db(), &s.admin, first).unwrap();
    leave::add_leave(s.db(), &s.admin, &LeaveInput { staff_id: s.carer, from: s.monday, to: s.monday, reason: None })
        .unwrap();
    let on_leave = s.conflicts(s.monday);
    assert_eq!(on_leave.iter().map(|c| c.0).collect::<Vec<_>>(), vec![ConflictKind::OnLeave]);

    let report = s.plan_week();
    assert_eq!((report.assigned, report.placed), (1, 0), "{report:?}");
    let w = s.week(s.monday);
    let v = w.visits.iter().find(|v| v.id == first).unwrap();
    assert_eq!((v.staff_id, v.start_min, v.day), (Some(s.nurse), 540, s.monday), "same time, the nurse covers");
    assert!(w.conflicts.is_empty(), "{:?}", w.conflicts);
    // Logged as a reassignment of that visit, the caregiver before and the nurse after.
    let (before, after): (String, String) = s
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE entity = 'visit' AND action = 'reassign'
                  AND entity_id = ?1",
                [first.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(
        before.contains(&format!("\"staff_id\":{}", s.carer)) && after.contains(&format!("\"staff_id\":{}", s.nurse))
    );
    // The series itself still belongs to the caregiver: next week she is back.
    let next = s.week(s.monday + Days::new(7));
    assert_eq!(next.visits.iter().find(|v| v.series_id == w.visits[0].series_id).unwrap().staff_id, Some(s.carer));

    // Stopping the series from its very first visit: that one and the rest are cancelled.
    edit::end_series(s.db(), &s.admin, v.series_id.unwrap(), s.monday - Days::new(1)).unwrap();
    let w = s.week(s.monday);
    assert_eq!(w.visits.iter().find(|v| v.id == first).unwrap().status, VisitStatus::Cancelled);
}

#[test]
fn planning_moves_every_visit_it_can_off_a_carer_on_leave_and_lists_the_rest() {
    let s = setup();
    // Weekly at 14:00: the nurse, the only one left, works until 12:00, so the visit moves
    // within its item's window (08:00-17:00) that day.
    let company = s.item_with(0, "陪伴聊天", |i| i.visits_per_week = 1);
    let afternoon = s.visit(company, s.monday, "14:00", s.carer);
    edit::make_weekly(s.db(), &s.admin, afternoon).unwrap();
    // Weekly and needing the caregiver's certificate: nobody else has it.
    let bath = s.item_with(1, "上门助浴", |i| {
        i.visits_per_week = 1;
        i.skill = Some(Skill::CaregiverCertificate);
    });
    let bathing = s.visit(bath, s.monday + Days::new(1), "09:00", s.carer);
    edit::make_weekly(s.db(), &s.admin, bathing).unwrap();
    // Placed by hand: its time stays, its carer may change. At 10:00 the nurse takes it;
    // at 15:00 nobody can.
    let chat = s.item_with(1, "读报", |i| i.visits_per_week = 2);
    let by_hand_morning = s.visit(chat, s.monday + Days::new(2), "10:00", s.carer);
    let by_hand_late = s.visit(chat, s.monday + Days::new(3), "15:00", s.carer);
    let week = LeaveInput { staff_id: s.carer, from: s.monday, to: s.monday + Days::new(6), reason: None };
    leave::add_leave(s.db(), &s.admin, &week).unwrap();
    let on_leave = |s: &Setup| -> Vec<i64> {
        let mut ids: Vec<i64> =
            s.conflicts(s.monday).into_iter().filter(|c| c.0 == ConflictKind::OnLeave).flat_map(|c| c.1).collect();
        ids.sort();
        ids
    };
    assert_eq!(on_leave(&s).len(), 4);

    let report = s.plan_week();
    let w = s.week(s.monday);
    let visit = |id: i64| w.visits.iter().find(|v| v.id == id).unwrap();
    let moved = visit(afternoon);
    assert_eq!(moved.staff_id, Some(s.nurse), "{report:?}");
    assert!(moved.start_min + moved.duration_min <= 12 * 60, "moved into the nurse's morning: {}", moved.start_min);
    assert_eq!(moved.day, s.monday, "the same day");
    assert_eq!((visit(by_hand_morning).staff_id, visit(by_hand_morning).start_min), (Some(s.nurse), 600));

    // What stays with the carer on leave is exactly what the report lists, each with why.
    let mut listed: Vec<i64> = report.uncovered.iter().map(|u| u.visit_id).collect();
    listed.sort();
    assert_eq!(listed, on_leave(&s), "{:?}", report.uncovered);
    assert_eq!(listed, {
        let mut l = vec![bathing, by_hand_late];
        l.sort();
        l
    });
    let of = |id: i64| report.uncovered.iter().find(|u| u.visit_id == id).unwrap();
    assert_eq!((of(bathing).reason.as_str(), of(bathing).time_fixed), ("no_carer_with_skill", false));
    assert_eq!(of(bathing).skill, Some(Skill::CaregiverCertificate));
    assert_eq!((of(by_hand_late).away.as_str(), of(by_hand_late).time_fixed), ("on_leave", true));
    assert_eq!(of(by_hand_late).staff_name.as_deref(), Some("测试护理员"));
    assert_eq!((of(by_hand_late).day, of(by_hand_late).start_min), (s.monday + Days::new(3), 900));
}

#[test]
fn the_walks_from_and_to_the_facility_and_a_client_seen_twice_at_once_are_conflicts() {
    let s = setup();
    let bath = s.plan(1, "上门助浴", None);
    let company = s.item_with(1, "陪伴聊天", |i| i.duration_min = 30);
    // Client 1 lives 1,118 m from the centre: 1118 × 1.3 / 80 → 19 minutes' walk.
    let first = s.visit(bath, s.monday, "08:10", s.carer);
    let last = s.visit(bath, s.monday + Days::new(1), "16:00", s.carer);
    // The same client seen by the nurse while the caregiver is there.
    let tuesday_bath = s.visit(bath, s.monday + Days::new(2), "09:00", s.carer);
    let at_once = s.visit(company, s.monday + Days::new(2), "09:30", s.nurse);
    let found = s.conflicts(s.monday);
    let has = |kind: ConflictKind, ids: &[i64]| found.iter().any(|(k, v)| *k == kind && v == ids);
    assert!(has(ConflictKind::NoWalkFromCentre, &[first]), "{found:?}");
    assert!(has(ConflictKind::NoWalkToCentre, &[last]), "{found:?}");
    assert!(has(ConflictKind::ClientDoubleBooked, &[tuesday_bath, at_once]), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
    let w = s.week(s.monday);
    let from = w.conflicts.iter().find(|c| c.kind == ConflictKind::NoWalkFromCentre).unwrap();
    assert_eq!((from.walk_min, from.gap_min), (Some(19), Some(10)));
}

/// Every visit the scheduler places, removes, moves or gives to another caregiver is on the
/// audit log on its own, as are the visits a weekly series writes into a week.
#[test]
fn the_scheduler_and_the_weekly_series_audit_each_visit_they_write() {
    let s = setup();
    let entries = |action: &str| {
        count(s.db(), &format!("SELECT count(*) FROM audit_log WHERE entity = 'visit' AND action = '{action}'"))
    };
    s.plan(0, "上门助浴", Some(Skill::CaregiverCertificate));
    s.item_with(1, "陪伴聊天", |i| i.visits_per_week = 3);
    let first = s.plan_week();
    assert!(first.placed > 0);
    assert_eq!(entries("create"), i64::from(first.placed), "one entry per visit placed");
    let placed: Vec<i64> = {
        let w = s.week(s.monday);
        w.visits.iter().map(|v| v.id).collect()
    };
    let named: i64 = count(
        s.db(),
        &format!(
            "SELECT count(DISTINCT entity_id) FROM audit_log WHERE entity = 'visit' AND action = 'create'
              AND entity_id IN ({})",
            placed.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(",")
        ),
    );
    assert_eq!(named, placed.len() as i64, "each entry names its visit");

    // Planned again, the automatic plan is replaced: each removed visit is logged.
    let again = s.plan_week();
    assert_eq!(entries("delete"), i64::from(again.replaced));
    assert_eq!(entries("create"), i64::from(first.placed + again.placed));

    // A visit made weekly: the next week's occurrence, written when that week is opened,
    // is logged as the visit it is.
    let visit = s.week(s.monday).visits[0].id;
    edit::make_weekly(s.db(), &s.admin, visit).unwrap();
    let before = entries("create");
    s.week(s.monday + Days::new(7));
    assert_eq!(entries("create"), before + 1, "the series wrote one visit next week");
}
