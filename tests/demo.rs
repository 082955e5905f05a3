//! The demo city: the right numbers, realistic people, marked as demo, all-or-nothing.

mod common;

use carecircle_core::demo;
use carecircle_core::domain::resident_id::ResidentId;
use carecircle_core::{Actor, CoreError};

#[test]
fn the_demo_city_has_wuhai_s_numbers() {
    let (t, _admin) = common::seeded();
    let db = &t.db;
    assert_eq!(common::count(db, "SELECT count(*) FROM districts"), 3);
    assert_eq!(common::count(db, "SELECT count(*) FROM living_circles"), 14);
    assert_eq!(common::count(db, "SELECT count(*) FROM communities"), 83);
    assert_eq!(common::count(db, "SELECT count(*) FROM facilities WHERE kind IN ('elder_centre','elder_station')"), 88);
    assert_eq!(common::count(db, "SELECT count(*) FROM facilities WHERE kind = 'childcare'"), 25);
    assert_eq!(common::count(db, "SELECT count(*) FROM clients"), demo::CLIENTS_PER_SCALE as i64);
    assert_eq!(common::count(db, "SELECT count(*) FROM children"), demo::CHILDREN_PER_SCALE as i64);
    // Every facility has at least a manager and one front-line worker.
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM facilities f WHERE (SELECT count(*) FROM staff s WHERE s.facility_id = f.id) < 2"
        ),
        0
    );
    assert_eq!(common::count(db, "SELECT count(*) FROM facilities f WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.facility_id = f.id AND s.job = 'manager')"), 0);
}

#[test]
fn every_demo_record_is_marked_as_demo() {
    let (t, _) = common::seeded();
    for table in ["living_circles", "communities", "facilities", "staff", "clients", "children"] {
        assert_eq!(common::count(&t.db, &format!("SELECT count(*) FROM {table} WHERE is_demo = 0")), 0, "{table}");
    }
}

#[test]
fn demo_people_are_realistic() {
    let (t, _) = common::seeded();
    let db = &t.db;
    // Every ID number passes GB 11643 and agrees with the stored birth date and sex.
    let rows: Vec<(String, String, String)> = db
        .read(|c| {
            let mut s = c.prepare("SELECT id_number, birth_date, sex FROM clients UNION ALL SELECT id_number, birth_date, sex FROM children WHERE id_number IS NOT NULL")?;
            let r = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(r)
        })
        .unwrap();
    for (id, birth, sex) in &rows {
        let parsed = ResidentId::parse(id, common::today()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&parsed.birth_date().to_string(), birth);
        assert_eq!(parsed.sex().as_str(), sex);
        assert!(id.starts_with("15030"), "Wuhai area codes");
    }
    // Clients are elderly; children are under seven.
    assert_eq!(common::count(db, "SELECT count(*) FROM clients WHERE birth_date > '1966-11-29'"), 0);
    assert_eq!(common::count(db, "SELECT count(*) FROM children WHERE birth_date < '2019-11-29'"), 0);
    // Several ethnic groups, as in Wuhai.
    assert!(common::count(db, "SELECT count(DISTINCT ethnicity) FROM clients") >= 4);
    let mongol = common::count(db, "SELECT count(*) FROM clients WHERE ethnicity = '蒙古族'");
    assert!((100..1_000).contains(&mongol), "a few per cent Mongol: {mongol}");
    // Names in the pools include characters outside GB2312 that must render everywhere.
    assert!(common::count(db, "SELECT count(*) FROM children WHERE name GLOB '*[堃喆玥昇犇]*'") > 0);
}

#[test]
fn demo_loads_only_into_an_empty_registry_and_only_for_the_city() {
    let (t, admin) = common::seeded();
    assert!(matches!(demo::seed(&t.db, &admin, 1, common::today(), &mut |_| {}), Err(CoreError::DemoNotEmpty)));
    let fresh = common::temp_db();
    let clerk = Actor {
        account_id: 5,
        username: "c".into(),
        display_name: "c".into(),
        role: carecircle_core::Role::FrontDesk,
        facility_id: Some(1),
    };
    assert!(matches!(demo::seed(&fresh.db, &clerk, 1, common::today(), &mut |_| {}), Err(CoreError::Forbidden)));
    assert!(demo::seed(&fresh.db, &Actor::system(), 0, common::today(), &mut |_| {}).is_err(), "scale 0 is refused");
    assert_eq!(common::count(&fresh.db, "SELECT count(*) FROM facilities"), 0, "refusals wrote nothing");
}

#[test]
fn scale_multiplies_people_not_places() {
    let t = common::temp_db();
    let report = demo::seed(&t.db, &Actor::system(), 2, common::today(), &mut |_| {}).unwrap();
    assert_eq!(report.facilities, 113);
    assert_eq!(report.clients, 2 * demo::CLIENTS_PER_SCALE as u64);
    assert_eq!(report.children, 2 * demo::CHILDREN_PER_SCALE as u64);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'seed_demo'"), 1);
}
