//! Helpers shared by the integration tests: each test builds its own temporary database.
#![allow(dead_code)]

use carecircle_core::demo;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::{Actor, Db, Role};
use chrono::NaiveDate;
use tempfile::TempDir;

pub struct TestDb {
    pub db: Db,
    pub dir: TempDir,
}

pub fn temp_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(dir.path().join("carecircle.db")).expect("open fresh db");
    TestDb { db, dir }
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// A fresh database with the demo city (scale 1) and a city administrator.
pub fn seeded() -> (TestDb, Actor) {
    let t = temp_db();
    let admin = accounts::set_up_city_admin(&t.db, "admin", "市管理员", "admin-pass-1").expect("set up");
    demo::seed(&t.db, &admin, 1, today(), &mut |_| {}).expect("seed demo");
    (t, admin)
}

/// Creates an account and signs it in, returning the actor.
pub fn account(db: &Db, admin: &Actor, username: &str, role: Role, facility_id: Option<i64>) -> Actor {
    accounts::create_account(
        db,
        admin,
        &NewAccount {
            username: username.into(),
            display_name: username.into(),
            password: "password-1".into(),
            role,
            facility_id,
        },
    )
    .expect("create account");
    accounts::sign_in(db, username, "password-1").expect("sign in")
}

pub fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).expect(sql)
}

/// Two facilities of a kind, for cross-facility checks.
pub fn two_elder_facilities(db: &Db) -> (i64, i64) {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 2")?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok((ids[0], ids[1]))
    })
    .unwrap()
}

/// The demo city seeds a year of meals at every facility; these tests build a facility's
/// library, menus and bookings from nothing, so they first clear what was seeded there.
pub fn without_demo_meals(db: &Db, facilities: &[i64]) {
    const CLEAR: &[&str] = &[
        "DELETE FROM food_samples WHERE facility_id = ?1",
        "DELETE FROM booking_substitutions WHERE booking_id IN (SELECT id FROM bookings WHERE facility_id = ?1)",
        "DELETE FROM bookings WHERE facility_id = ?1",
        "DELETE FROM standing_orders WHERE facility_id = ?1",
        "DELETE FROM menu_items WHERE menu_id IN (SELECT id FROM menus WHERE facility_id = ?1)",
        "DELETE FROM menus WHERE facility_id = ?1",
        "DELETE FROM dishes WHERE facility_id = ?1",
    ];
    db.write(|c| {
        for id in facilities {
            for sql in CLEAR {
                c.execute(sql, [id])?;
            }
        }
        Ok(())
    })
    .unwrap();
}

/// The demo city seeds care plans and a year of visits at every elder facility; these
/// tests build a facility's plans and weeks from nothing, so they first clear what was
/// seeded there.
pub fn without_demo_visits(db: &Db, facilities: &[i64]) {
    const CLEAR: &[&str] = &[
        "UPDATE visits SET makes_up_for = NULL WHERE facility_id = ?1",
        "DELETE FROM visits WHERE facility_id = ?1",
        "DELETE FROM visit_series WHERE facility_id = ?1",
        "DELETE FROM care_plan_items WHERE facility_id = ?1",
        "DELETE FROM staff_leave WHERE staff_id IN (SELECT id FROM staff WHERE facility_id = ?1)",
    ];
    db.write(|c| {
        for id in facilities {
            for sql in CLEAR {
                c.execute(sql, [id])?;
            }
        }
        Ok(())
    })
    .unwrap();
}
