//! Children's health: the class's morning check with who is in, a whole class refused for
//! one bad row with nothing written, corrections in place, medicine from home dose by dose,
//! growth with WHO z-scores, and the examinations due.

use crate::common;

use carecircle_core::domain::growth::Indicator;
use carecircle_core::domain::person::{ChildContactInput, ChildInput, IdentityInput, PersonKind};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::services::child_health::{
    self, CheckAction, CheckSession, CheckSigns, DoseInput, ExamDueReason, GrowthMeasurementInput, GrowthPurpose,
    MedicineInput, MorningCheckInput,
};
use carecircle_core::services::{frontdesk, people};
use carecircle_core::{Actor, CoreError, Db, Role};
use chrono::{DateTime, NaiveDate, Utc};
use common::{at, day, invalid};

/// 08:30 in Wuhai on the tests' today (2026-11-29).
fn this_morning() -> DateTime<Utc> {
    at("2026-11-29T00:30:00Z")
}

fn param<'a>(v: &'a carecircle_core::error::Invalid, name: &str) -> Option<&'a str> {
    v.params.iter().find(|(k, _)| *k == name).map(|(_, value)| value.as_str())
}

/// The first two childcare units of the demo city.
fn two_units(db: &Db) -> (i64, i64) {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id LIMIT 2")?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok((ids[0], ids[1]))
    })
    .unwrap()
}

fn class_id(db: &Db, unit: i64, name: &str) -> i64 {
    db.read(|c| {
        Ok(c.query_row("SELECT id FROM child_classes WHERE facility_id = ?1 AND name = ?2", (unit, name), |r| {
            r.get(0)
        })?)
    })
    .unwrap()
}

/// A child of `unit` with one guardian, born and enrolled on the days given.
fn child(db: &Db, admin: &Actor, unit: i64, class: Option<i64>, name: &str, born: &str, enrolled: &str) -> i64 {
    people::create_child(
        db,
        admin,
        &ChildInput {
            name: name.into(),
            identity: IdentityInput { id_number: None, sex: Some(Sex::Female), birth_date: Some(born.into()) },
            ethnicity: "汉族".into(),
            facility_id: unit,
            class_id: class,
            enrolled_on: enrolled.into(),
            left_on: None,
            allergies: vec![],
            diet_needs: vec![],
            contacts: vec![ChildContactInput {
                id: None,
                name: "斯琴".into(),
                relation: "母亲".into(),
                phone: "13904731111".into(),
                is_guardian: true,
                may_pick_up: true,
                id_tail: None,
            }],
            consent: true,
            notes: None,
        },
        common::today(),
    )
    .unwrap()
    .id
}

fn check(child_id: i64, temperature: f64) -> MorningCheckInput {
    MorningCheckInput { child_id, temperature: Some(temperature), ..Default::default() }
}

struct Class {
    unit: i64,
    other_unit: i64,
    /// Checked in this morning.
    in_a: i64,
    in_b: i64,
    /// Not come today.
    away: i64,
}

/// Three children of the unit's 小班, two of them checked in at the desk this morning.
fn class_of_three(db: &Db, admin: &Actor) -> Class {
    let (unit, other_unit) = two_units(db);
    let class = Some(class_id(db, unit, "小班"));
    let in_a = child(db, admin, unit, class, "阿拉坦", "2022-10-01", "2025-09-01");
    let in_b = child(db, admin, unit, class, "包思琪", "2022-11-15", "2025-09-01");
    let away = child(db, admin, unit, class, "陈一诺", "2022-09-20", "2025-09-01");
    let desk = common::account(db, admin, "desk", Role::FrontDesk, Some(unit));
    for id in [in_a, in_b] {
        frontdesk::check_in(db, &desk, PersonKind::Child, id, at("2026-11-29T00:10:00Z")).unwrap();
    }
    Class { unit, other_unit, in_a, in_b, away }
}

#[test]
fn the_sheet_lists_the_class_present_first_and_a_feverish_child_is_sent_home_with_the_guardian_told() {
    let (t, admin) = common::seeded();
    let k = class_of_three(&t.db, &admin);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(k.unit));
    let today = common::today();

    let sheet = child_health::class_sheet(&t.db, &nurse, k.unit, Some("小班"), today, CheckSession::Morning).unwrap();
    assert!(sheet.classes.iter().any(|c| c == "小班") && sheet.classes.len() >= 5, "the unit's classes to choose from");
    assert!(sheet.rows.iter().all(|r| r.class_name.as_deref() == Some("小班")), "only the class asked for");
    let row = |id: i64| sheet.rows.iter().position(|r| r.child_id == id).expect("the child is on the sheet");
    assert!(sheet.rows[row(k.in_a)].present && sheet.rows[row(k.in_b)].present);
    assert!(!sheet.rows[row(k.away)].present);
    let first_absent = sheet.rows.iter().position(|r| !r.present).unwrap();
    assert!(sheet.rows[first_absent..].iter().all(|r| !r.present), "children present come first");
    assert_eq!(sheet.present, 2, "only our two were checked in at the desk");
    assert_eq!(sheet.checked, 0);

    let feverish = MorningCheckInput {
        signs: CheckSigns { poor_spirits: true, ..Default::default() },
        action: CheckAction::SendHome,
        guardian_told: true,
        note: Some("家长 9:10 接回".into()),
        ..check(k.in_b, 37.8)
    };
    let saved = child_health::record_checks(
        &t.db,
        &nurse,
        k.unit,
        today,
        CheckSession::Morning,
        &[check(k.in_a, 36.6), feverish],
        this_morning(),
    )
    .unwrap();
    assert_eq!(saved.len(), 2);
    assert!(!saved[0].fever && !saved[0].abnormal && saved[0].action == CheckAction::None);
    let b = &saved[1];
    assert!(b.fever && b.abnormal, "37.8 °C is fever");
    assert_eq!(b.action, CheckAction::SendHome);
    assert_eq!(b.guardian_told_at.as_deref(), Some("2026-11-29T00:30:00Z"));
    assert_eq!(b.guardian_told_by.as_deref(), Some("nurse"));
    assert_eq!((b.day.as_str(), b.session), ("2026-11-29", CheckSession::Morning));

    let sheet = child_health::class_sheet(&t.db, &nurse, k.unit, Some("小班"), today, CheckSession::Morning).unwrap();
    assert_eq!((sheet.checked, sheet.abnormal), (2, 1));
    let b_row = sheet.rows.iter().find(|r| r.child_id == k.in_b).unwrap();
    assert_eq!(b_row.check.as_ref().map(|c| c.id), Some(b.id));
    let noon = child_health::class_sheet(&t.db, &nurse, k.unit, Some("小班"), today, CheckSession::Noon).unwrap();
    assert_eq!(noon.checked, 0, "the noon check is a session of its own");
    assert_eq!(
        invalid(
            child_health::class_sheet(&t.db, &nurse, k.unit, Some("火箭班"), today, CheckSession::Morning).unwrap_err()
        )
        .code,
        "morning_check.class_unknown"
    );
    let all = child_health::class_sheet(&t.db, &nurse, k.unit, None, today, CheckSession::Morning).unwrap();
    assert!(all.rows.len() > sheet.rows.len(), "no class given: the whole unit");

    let history = child_health::checks_for_child(&t.db, &nurse, k.in_b, day("2026-11-01"), today).unwrap();
    assert_eq!(history.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b.id]);
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'child_checks' AND action = 'view'"),
        1,
        "opening a child's health record is audited"
    );
}

#[test]
fn one_bad_row_refuses_the_whole_class_and_names_the_child() {
    let (t, admin) = common::seeded();
    let k = class_of_three(&t.db, &admin);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(k.unit));
    let today = common::today();
    let record = |rows: &[MorningCheckInput]| {
        child_health::record_checks(&t.db, &nurse, k.unit, today, CheckSession::Morning, rows, this_morning())
    };

    let e = invalid(record(&[check(k.in_a, 36.5), check(k.in_b, 37.8)]).unwrap_err());
    assert_eq!((e.code, e.field), ("morning_check.action_required", "action"), "fever needs an action");
    assert_eq!(param(&e, "child"), Some("包思琪"), "the error says which child");
    assert_eq!(param(&e, "child_id"), Some(k.in_b.to_string().as_str()));

    let sent_home_untold = MorningCheckInput { action: CheckAction::SendHome, ..check(k.in_b, 38.2) };
    assert_eq!(invalid(record(&[sent_home_untold]).unwrap_err()).code, "morning_check.guardian_required");

    let e = invalid(record(&[check(k.in_a, 36.5), check(k.in_b, 43.0)]).unwrap_err());
    assert_eq!((e.code, e.field), ("morning_check.temperature_implausible", "temperature"));
    assert_eq!(param(&e, "child"), Some("包思琪"));
    assert_eq!(invalid(record(&[check(k.in_a, 33.0)]).unwrap_err()).code, "morning_check.temperature_implausible");

    assert_eq!(
        invalid(record(&[check(k.in_a, 36.5), check(k.in_a, 36.6)]).unwrap_err()).code,
        "morning_check.duplicate_child"
    );
    assert_eq!(invalid(record(&[]).unwrap_err()).code, "morning_check.empty");
    let stranger: i64 =
        t.db.read(|c| {
            Ok(c.query_row("SELECT id FROM children WHERE facility_id = ?1 LIMIT 1", [k.other_unit], |r| r.get(0))?)
        })
        .unwrap();
    let e = invalid(record(&[check(stranger, 36.5)]).unwrap_err());
    assert_eq!(e.code, "morning_check.child_not_here");
    assert_eq!(param(&e, "child"), Some(format!("#{stranger}").as_str()), "another unit's child is not named");

    // The demo city holds a year of checks up to yesterday; today's are the test's.
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM child_checks WHERE day = '2026-11-29'"),
        0,
        "nothing was written"
    );
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'child_check'"), 0);

    let yesterday = child_health::record_checks(
        &t.db,
        &nurse,
        k.unit,
        day("2026-11-28"),
        CheckSession::Morning,
        &[check(k.in_a, 36.5)],
        this_morning(),
    );
    assert_eq!(invalid(yesterday.unwrap_err()).code, "morning_check.not_today", "no back-dating");
}

#[test]
fn a_check_corrected_the_same_day_is_updated_in_place_and_audited() {
    let (t, admin) = common::seeded();
    let k = class_of_three(&t.db, &admin);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(k.unit));
    let today = common::today();
    let first = child_health::record_checks(
        &t.db,
        &nurse,
        k.unit,
        today,
        CheckSession::Morning,
        &[check(k.in_a, 36.5)],
        this_morning(),
    )
    .unwrap();
    let observed = MorningCheckInput { action: CheckAction::Observe, ..check(k.in_a, 37.5) };
    let second = child_health::record_checks(
        &t.db,
        &nurse,
        k.unit,
        today,
        CheckSession::Morning,
        &[observed],
        at("2026-11-29T02:00:00Z"),
    )
    .unwrap();
    assert_eq!(second[0].id, first[0].id, "the same check, corrected");
    assert_eq!((second[0].temperature, second[0].fever), (Some(37.5), true));
    assert_eq!(second[0].checked_at, "2026-11-29T02:00:00Z");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM child_checks WHERE day = '2026-11-29'"), 1);
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'child_check' AND action = 'update'"),
        1
    );

    // Observed, then the guardian is called later in the morning.
    let told = child_health::set_guardian_told(&t.db, &nurse, second[0].id, at("2026-11-29T02:30:00Z")).unwrap();
    assert_eq!(told.guardian_told_at.as_deref(), Some("2026-11-29T02:30:00Z"));
    let again = child_health::set_guardian_told(&t.db, &nurse, second[0].id, at("2026-11-29T03:00:00Z")).unwrap();
    assert_eq!(again.guardian_told_at, told.guardian_told_at, "telling twice keeps the first time");
}

#[test]
fn only_the_unit_s_health_worker_records_checks() {
    let (t, admin) = common::seeded();
    let k = class_of_three(&t.db, &admin);
    let today = common::today();
    let rows = [check(k.in_a, 36.5)];
    let elsewhere = common::account(&t.db, &admin, "nurse2", Role::Nurse, Some(k.other_unit));
    let record = |actor: &Actor| {
        child_health::record_checks(&t.db, actor, k.unit, today, CheckSession::Morning, &rows, this_morning())
    };
    assert!(matches!(record(&elsewhere), Err(CoreError::Forbidden)), "another unit's nurse");
    assert!(matches!(
        child_health::class_sheet(&t.db, &elsewhere, k.unit, None, today, CheckSession::Morning),
        Err(CoreError::Forbidden)
    ));
    let desk = common::account(&t.db, &admin, "desk2", Role::FrontDesk, Some(k.unit));
    assert!(matches!(record(&desk), Err(CoreError::Forbidden)), "the front desk sees, but does not record");
    assert_eq!(
        child_health::class_sheet(&t.db, &desk, k.unit, None, today, CheckSession::Morning).unwrap().facility_id,
        k.unit
    );
    assert!(matches!(
        child_health::checks_for_child(&t.db, &elsewhere, k.in_a, today, today),
        Err(CoreError::Forbidden)
    ));
    let manager = common::account(&t.db, &admin, "manager", Role::FacilityManager, Some(k.unit));
    assert!(record(&manager).is_ok(), "the unit's manager may");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM child_checks WHERE day = '2026-11-29'"), 1);
}

#[test]
fn medicine_from_home_is_given_dose_by_dose_and_never_more_than_ordered() {
    let (t, admin) = common::seeded();
    let k = class_of_three(&t.db, &admin);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(k.unit));
    let today = common::today();
    let order = MedicineInput {
        medicine: "布洛芬混悬液".into(),
        dose: "5 ml".into(),
        times_per_day: 2,
        times: Some("10:00, 14:00".into()),
        from_day: "2026-11-29".into(),
        to_day: "2026-12-01".into(),
        guardian_name: "斯琴".into(),
        note: None,
    };
    let bad = MedicineInput { times_per_day: 0, ..order.clone() };
    assert_eq!(
        invalid(child_health::add_medicine(&t.db, &nurse, k.in_a, &bad, this_morning()).unwrap_err()).code,
        "medicine.times_per_day"
    );
    let unsigned = MedicineInput { guardian_name: " ".into(), ..order.clone() };
    assert_eq!(
        invalid(child_health::add_medicine(&t.db, &nurse, k.in_a, &unsigned, this_morning()).unwrap_err()).code,
        "medicine.guardian_required"
    );
    let backwards = MedicineInput { to_day: "2026-11-28".into(), ..order.clone() };
    assert_eq!(
        invalid(child_health::add_medicine(&t.db, &nurse, k.in_a, &backwards, this_morning()).unwrap_err()).code,
        "medicine.days_order"
    );
    let desk = common::account(&t.db, &admin, "desk2", Role::FrontDesk, Some(k.unit));
    assert!(matches!(
        child_health::add_medicine(&t.db, &desk, k.in_a, &order, this_morning()),
        Err(CoreError::Forbidden)
    ));
    assert_eq!(common::count(&t.db, &format!("SELECT count(*) FROM child_medicines WHERE child_id = {}", k.in_a)), 0);

    let med = child_health::add_medicine(&t.db, &nurse, k.in_a, &order, this_morning()).unwrap();
    assert_eq!((med.times_per_day, med.guardian_name.as_str()), (2, "斯琴"));
    // The demo city's own courses may be running at the unit today: ours is looked up by id.
    let ours = |day: NaiveDate| {
        child_health::medicines_for_day(&t.db, &nurse, k.unit, day)
            .unwrap()
            .into_iter()
            .filter(|m| m.order.id == med.id)
            .collect::<Vec<_>>()
    };
    let list = ours(today);
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].child_name.as_str(), list[0].still_due), ("阿拉坦", 2));

    let teacher = DoseInput { given_by: Some("王老师".into()), note: None };
    let first = child_health::give_dose(&t.db, &nurse, med.id, &teacher, at("2026-11-29T02:00:00Z")).unwrap();
    assert_eq!((first.given_by_name.as_str(), first.day.as_str()), ("王老师", "2026-11-29"));
    let list = ours(today);
    assert_eq!((list[0].doses.len(), list[0].still_due), (1, 1));
    let second =
        child_health::give_dose(&t.db, &nurse, med.id, &DoseInput::default(), at("2026-11-29T06:00:00Z")).unwrap();
    assert_eq!(second.given_by_name, "nurse", "given by the signed-in account when no one else is named");
    let e = invalid(
        child_health::give_dose(&t.db, &nurse, med.id, &DoseInput::default(), at("2026-11-29T08:00:00Z")).unwrap_err(),
    );
    assert_eq!((e.code, param(&e, "given"), param(&e, "times")), ("medicine.all_given", Some("2"), Some("2")));
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM child_medicine_doses WHERE medicine_id = {}", med.id)),
        2,
        "the third dose was refused"
    );
    assert_eq!(ours(today)[0].still_due, 0);

    // The next day counts afresh; after the last day, no dose.
    let dose =
        child_health::give_dose(&t.db, &nurse, med.id, &DoseInput::default(), at("2026-11-30T02:00:00Z")).unwrap();
    assert_eq!((dose.medicine_id, dose.day.as_str()), (med.id, "2026-11-30"));
    assert_eq!(
        invalid(
            child_health::give_dose(&t.db, &nurse, med.id, &DoseInput::default(), at("2026-12-02T02:00:00Z"))
                .unwrap_err()
        )
        .code,
        "medicine.outside_days"
    );
    assert!(ours(day("2026-12-02")).is_empty());
}

#[test]
fn growth_is_read_against_the_who_standards_and_older_children_are_stored_without_scores() {
    let (t, admin) = common::seeded();
    let (unit, _) = two_units(&t.db);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(unit));
    let today = common::today();
    let toddler = child(&t.db, &admin, unit, None, "格日乐", "2024-05-29", "2025-09-01");
    let measured = |on: &str, weight: f64, height: f64| GrowthMeasurementInput {
        measured_on: on.into(),
        weight_kg: Some(weight),
        height_cm: Some(height),
        head_cm: None,
        purpose: GrowthPurpose::Periodic,
        note: None,
    };
    let m = child_health::record_growth(&t.db, &nurse, toddler, &measured("2026-11-29", 12.5, 90.0), today).unwrap();
    assert_eq!(m.age_days, 914);
    assert_eq!(m.age_months, 30);
    assert!(!m.beyond_standards);
    let indicators: Vec<Indicator> = m.zscores.iter().map(|z| z.indicator).collect();
    for wanted in [Indicator::WeightForAge, Indicator::LengthForAge, Indicator::WeightForLength, Indicator::BmiForAge] {
        assert!(indicators.contains(&wanted), "{wanted:?} in {indicators:?}");
    }
    let history = child_health::growth_history(&t.db, &nurse, toddler).unwrap();
    assert_eq!(history, vec![m.clone()], "read back as recorded, z-scores included");

    let refuse = |input: GrowthMeasurementInput| {
        invalid(child_health::record_growth(&t.db, &nurse, toddler, &input, today).unwrap_err()).code
    };
    assert_eq!(refuse(measured("2026-11-30", 12.5, 90.0)), "growth_measurement.future");
    assert_eq!(refuse(measured("2024-05-01", 3.0, 50.0)), "growth_measurement.before_birth");
    assert_eq!(
        refuse(GrowthMeasurementInput { weight_kg: None, height_cm: None, ..measured("2026-11-29", 0.0, 0.0) }),
        "growth_measurement.empty"
    );
    assert_eq!(refuse(measured("2026-11-29", 125.0, 90.0)), "growth_measurement.implausible");

    let six = child(&t.db, &admin, unit, None, "苏和", "2020-12-01", "2025-09-01");
    let old = child_health::record_growth(&t.db, &nurse, six, &measured("2026-11-29", 21.0, 117.0), today).unwrap();
    assert!(old.age_days > 1856 && old.beyond_standards && old.zscores.is_empty(), "stored, with no z-scores");
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM growth_measurements WHERE child_id IN ({toddler}, {six})")),
        2
    );
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(unit));
    assert!(matches!(
        child_health::record_growth(&t.db, &desk, six, &measured("2026-11-29", 21.0, 117.0), today),
        Err(CoreError::Forbidden)
    ));
}

#[test]
fn the_due_list_puts_overdue_examinations_first() {
    let (t, admin) = common::seeded();
    let (unit, _) = two_units(&t.db);
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(unit));
    let today = common::today();
    let exam = |on: &str, weight: f64, height: f64, purpose: GrowthPurpose| GrowthMeasurementInput {
        measured_on: on.into(),
        weight_kg: Some(weight),
        height_cm: Some(height),
        head_cm: None,
        purpose,
        note: None,
    };
    let never = child(&t.db, &admin, unit, None, "从未体检", "2023-06-01", "2025-09-01");
    let two = child(&t.db, &admin, unit, None, "两岁", "2024-11-01", "2025-09-01");
    child_health::record_growth(&t.db, &nurse, two, &exam("2026-04-29", 10.0, 80.0, GrowthPurpose::Periodic), today)
        .unwrap();
    let four = child(&t.db, &admin, unit, None, "四岁", "2022-10-01", "2025-09-01");
    child_health::record_growth(&t.db, &nurse, four, &exam("2026-06-29", 16.0, 103.0, GrowthPurpose::Periodic), today)
        .unwrap();
    let weighed = child(&t.db, &admin, unit, None, "只称体重", "2022-10-01", "2025-09-01");
    child_health::record_growth(
        &t.db,
        &nurse,
        weighed,
        &exam("2026-06-29", 16.0, 103.0, GrowthPurpose::Routine),
        today,
    )
    .unwrap();
    let starting = child(&t.db, &admin, unit, None, "下月入园", "2024-01-10", "2026-12-10");
    // Examined at four in March, then away from May to mid-September.
    let back = child(&t.db, &admin, unit, None, "返园", "2022-01-05", "2025-09-01");
    child_health::record_growth(&t.db, &nurse, back, &exam("2026-03-01", 16.0, 102.0, GrowthPurpose::Periodic), today)
        .unwrap();
    t.db.write(|c| {
        for d in ["2026-05-08", "2026-05-09", "2026-09-15"] {
            c.execute(
                "INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by, out_at, out_by)
                 VALUES (?1, 'child', ?2, ?3, ?3 || 'T00:00:00Z', 1, ?3 || 'T09:00:00Z', 1)",
                (unit, back, d),
            )?;
        }
        Ok(())
    })
    .unwrap();

    let due = child_health::growth_due(&t.db, &nurse, unit, today).unwrap();
    let of = |id: i64| due.iter().find(|d| d.child_id == id);
    let never_due = of(never).expect("never examined: the entry exam");
    assert_eq!(
        (never_due.reason, never_due.overdue, never_due.due_on.as_str()),
        (ExamDueReason::Entry, true, "2025-09-01")
    );
    let two_due = of(two).expect("a two-year-old examined 7 months ago");
    assert_eq!(
        (two_due.reason, two_due.overdue, two_due.due_on.as_str(), two_due.last_measured_on.as_deref()),
        (ExamDueReason::PeriodicUnder3, true, "2026-10-29", Some("2026-04-29"))
    );
    assert!(of(four).is_none(), "a four-year-old examined 5 months ago is not due for 7 more months");
    assert_eq!(of(weighed).map(|d| d.reason), Some(ExamDueReason::Entry), "a routine weighing is no examination");
    let starting_due = of(starting).expect("starting within the month: the entry exam");
    assert_eq!((starting_due.overdue, starting_due.due_on.as_str()), (false, "2026-12-10"));
    let back_due = of(back).expect("back after more than 3 months away");
    assert_eq!(
        (back_due.reason, back_due.due_on.as_str(), back_due.overdue),
        (ExamDueReason::Return, "2026-09-15", true)
    );

    let first_not_overdue = due.iter().position(|d| !d.overdue).expect("one is not yet overdue");
    assert!(due[first_not_overdue..].iter().all(|d| !d.overdue), "overdue first");
    assert!(due[..first_not_overdue].windows(2).all(|w| w[0].due_on <= w[1].due_on), "then by due day");
    let elsewhere = common::account(&t.db, &admin, "nurse2", Role::Nurse, Some(two_units(&t.db).1));
    assert!(matches!(child_health::growth_due(&t.db, &elsewhere, unit, today), Err(CoreError::Forbidden)));
}
