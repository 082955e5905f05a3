//! The demo city: the right numbers, realistic people, marked as demo, all-or-nothing.

use crate::common;

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
    assert!(matches!(demo::seed(&t.db, &admin, 1, &mut |_| {}), Err(CoreError::DemoNotEmpty)));
    let fresh = common::temp_db();
    let clerk = Actor {
        account_id: 5,
        username: "c".into(),
        display_name: "c".into(),
        role: carecircle_core::Role::FrontDesk,
        facility_id: Some(1),
    };
    assert!(matches!(demo::seed(&fresh.db, &clerk, 1, &mut |_| {}), Err(CoreError::Forbidden)));
    assert!(demo::seed(&fresh.db, &Actor::system(), 0, &mut |_| {}).is_err(), "scale 0 is refused");
    assert_eq!(common::count(&fresh.db, "SELECT count(*) FROM facilities"), 0, "refusals wrote nothing");
}

#[test]
fn scale_multiplies_people_not_places() {
    let t = common::temp_db();
    let report = demo::seed(&t.db, &Actor::system(), 2, &mut |_| {}).unwrap();
    assert_eq!(report.facilities, 113);
    assert_eq!(report.clients, 2 * demo::CLIENTS_PER_SCALE as u64);
    assert_eq!(report.children, 2 * demo::CHILDREN_PER_SCALE as u64);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'seed_demo'"), 1);
}

/// The columns of `table` no demo row fills, but those left empty on purpose.
fn columns_the_demo_leaves_empty(t: &common::TestDb, table: &str, empty_on_purpose: &[&str]) -> Vec<String> {
    let columns: Vec<String> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT name FROM pragma_table_info(?1)")?;
            let names = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(names)
        })
        .unwrap();
    assert!(!columns.is_empty(), "no table {table}");
    columns
        .into_iter()
        // A row's uid is given when its PC joins the city hub (docs/sync.md), not before.
        .filter(|c| c != "uid" && !empty_on_purpose.contains(&c.as_str()))
        .filter(|c| common::count(&t.db, &format!("SELECT count(*) FROM {table} WHERE {c} IS NOT NULL")) == 0)
        .collect()
}

/// The demo writes every kind of record the app writes through the app's own writer
/// (people::write_client, write_child, write_staff, registry::write_facility,
/// health::insert_checkup, write_alert, assessments::write_assessment, visits' write_plan_item,
/// write_series, write_visit, write_leave, child_health's write_check, write_measurement,
/// write_medicine, write_dose, meals' insert_dish, insert_menu, write_standing_order,
/// write_booking), and copies menu items, food samples and attendance in bulk into the
/// services' columns: a column such a writer fills is filled in the demo's rows too. Every
/// column holds something in some demo row, but those the demo leaves empty on purpose.
#[test]
fn the_demo_fills_every_column_the_writers_fill() {
    let (t, _) = common::seeded();
    // No demo nurse types notes, takes a random glucose, or corrects a reading.
    let checkups = ["notes", "glucose_random", "corrected_at", "corrected_by_name"];
    assert_eq!(columns_the_demo_leaves_empty(&t, "checkups", &checkups), Vec::<String>::new());
    // No demo carer writes a note on a visit.
    assert_eq!(columns_the_demo_leaves_empty(&t, "visits", &["note"]), Vec::<String>::new());
    assert_eq!(columns_the_demo_leaves_empty(&t, "dishes", &[]), Vec::<String>::new());
    // No demo manager writes a note on a week's menu.
    assert_eq!(columns_the_demo_leaves_empty(&t, "menus", &["note"]), Vec::<String>::new());
    assert_eq!(columns_the_demo_leaves_empty(&t, "menu_items", &[]), Vec::<String>::new());
    // Every demo order is open-ended (some were stopped).
    assert_eq!(columns_the_demo_leaves_empty(&t, "standing_orders", &["to_day"]), Vec::<String>::new());
    assert_eq!(columns_the_demo_leaves_empty(&t, "bookings", &[]), Vec::<String>::new());
    assert_eq!(columns_the_demo_leaves_empty(&t, "booking_substitutions", &[]), Vec::<String>::new());
    assert_eq!(columns_the_demo_leaves_empty(&t, "food_samples", &[]), Vec::<String>::new());
    // No demo clerk types notes on a person, no demo child has left, and no demo staff
    // member's ID number is on file.
    let people: &[(&str, &[&str])] = &[
        ("clients", &["notes"]),
        ("client_contacts", &[]),
        ("children", &["notes", "left_on"]),
        ("child_contacts", &[]),
        ("staff", &["id_number"]),
        // No demo assessor writes notes.
        ("assessments", &["notes"]),
        ("alerts", &[]),
        // No demo plan item has a note; leave always gives a reason.
        ("care_plan_items", &["note"]),
        ("visit_series", &[]),
        ("staff_leave", &[]),
        ("child_checks", &[]),
        ("growth_measurements", &[]),
        ("child_medicines", &[]),
        // No demo dose has a note.
        ("child_medicine_doses", &["note"]),
        // Copied in bulk by SQLite from the served bookings and the morning checks, into the
        // front desk's columns.
        ("attendance", &[]),
        // Couples at elder facilities and siblings at childcare units.
        ("families", &[]),
        ("family_members", &[]),
    ];
    for &(table, empty) in people {
        assert_eq!(columns_the_demo_leaves_empty(&t, table, empty), Vec::<String>::new(), "{table}");
    }
}

#[test]
fn a_year_of_checkups_read_by_the_rules_with_a_plausible_share_abnormal() {
    use carecircle_core::domain::vitals::VitalsInput;
    use carecircle_core::services::health;

    let (t, admin) = common::seeded();
    let db = &t.db;
    let total = common::count(db, "SELECT count(*) FROM checkups");
    assert!(total > 15_000, "{total} checkups for 6,000 clients");
    // Within the last year, never in the future, only of active consenting clients.
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM checkups WHERE taken_at < '2025-11-28' OR taken_at > '2026-11-29T23:59:59Z'"
        ),
        0
    );
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM checkups c JOIN clients k ON k.id = c.client_id WHERE k.consent_on IS NULL OR k.consent_on > substr(c.taken_at, 1, 10)"
        ),
        0
    );
    // Blood pressure of hypertensive clients: mostly controlled, a real tail raised, urgent rare.
    let share = |level_sql: &str| {
        common::count(db, &format!(
            "SELECT count(*) FROM checkups c JOIN clients k ON k.id = c.client_id
             WHERE k.chronic_conditions LIKE '%hypertension%' AND c.systolic IS NOT NULL AND ({level_sql})"
        )) as f64
            / common::count(db, "SELECT count(*) FROM checkups c JOIN clients k ON k.id = c.client_id WHERE k.chronic_conditions LIKE '%hypertension%' AND c.systolic IS NOT NULL") as f64
    };
    let raised = share("c.systolic >= 140 OR c.diastolic >= 90");
    let urgent = share("c.systolic >= 180 OR c.diastolic >= 110");
    assert!((0.15..0.5).contains(&raised), "raised share {raised:.2}");
    assert!(urgent > 0.0 && urgent < 0.02, "urgent share {urgent:.4}");
    // Every stored reading is what the rules say of its values.
    let stored: Vec<(VitalsInput, String)> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT systolic, diastolic, heart_rate, glucose_fasting, temperature, weight_kg, height_cm, spo2, worst_level
                 FROM checkups WHERE waist_cm IS NULL ORDER BY id LIMIT 2000",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    VitalsInput {
                        systolic: r.get(0)?,
                        diastolic: r.get(1)?,
                        heart_rate: r.get(2)?,
                        glucose_fasting: r.get(3)?,
                        temperature: r.get(4)?,
                        weight_kg: r.get(5)?,
                        height_cm: r.get(6)?,
                        spo2: r.get(7)?,
                        ..Default::default()
                    },
                    r.get(8)?,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    for (v, worst) in &stored {
        let read = v.classify().unwrap().iter().map(|f| f.level).max().unwrap();
        assert_eq!(read.as_str(), worst, "{v:?}");
    }
    // Urgent readings raised alerts; only the last week's are still open.
    assert_eq!(
        common::count(db, "SELECT count(*) FROM checkups WHERE worst_level = 'urgent'"),
        common::count(db, "SELECT count(DISTINCT checkup_id) FROM alerts")
    );
    assert_eq!(
        common::count(db, "SELECT count(*) FROM alerts WHERE handled_at IS NULL AND raised_at < '2026-11-21'"),
        0
    );
    // A facility's follow-up list has work on it, but not everyone is overdue.
    let (centre, _) = common::two_elder_facilities(db);
    let due = health::due_follow_ups(db, &admin, centre, None, common::today(), 14).unwrap();
    let overdue = due.iter().filter(|d| d.overdue).count();
    let active =
        common::count(db, &format!("SELECT count(*) FROM clients WHERE facility_id = {centre} AND status = 'active'"));
    assert!(overdue > 0 && (overdue as i64) < active / 2, "{overdue} overdue of {active} clients");
}

#[test]
fn a_year_of_childcare_health_records() {
    use carecircle_core::domain::growth::{self, GrowthInput};
    use carecircle_core::domain::resident_id::Sex;
    use carecircle_core::services::child_health;

    let (t, admin) = common::seeded();
    let db = &t.db;
    let children = demo::CHILDREN_PER_SCALE as i64;
    // A morning check of every child in on each school day since enrolment; noon for a month.
    let morning = common::count(db, "SELECT count(*) FROM child_checks WHERE session = 'morning'");
    assert!((children * 40..children * 230).contains(&morning), "{morning} morning checks for {children} children");
    let noon = common::count(db, "SELECT count(*) FROM child_checks WHERE session = 'noon'");
    assert!(noon > 0 && noon < morning / 4, "{noon} noon checks");
    assert_eq!(common::count(db, "SELECT count(*) FROM child_checks WHERE session = 'noon' AND day < '2026-10-30'"), 0);
    assert_eq!(
        common::count(db, "SELECT count(*) FROM child_checks WHERE day >= '2026-11-29'"),
        0,
        "today is left to the user"
    );
    // Never at a weekend, in the Spring Festival fortnight, or before the child was enrolled.
    assert_eq!(common::count(db, "SELECT count(*) FROM child_checks WHERE strftime('%w', day) IN ('0', '6')"), 0);
    assert_eq!(
        common::count(db, "SELECT count(*) FROM child_checks WHERE day BETWEEN '2026-02-14' AND '2026-02-28'"),
        0
    );
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_checks k JOIN children c ON c.id = k.child_id
             WHERE k.day < c.enrolled_on OR k.day > coalesce(c.left_on, '9999') OR k.facility_id != c.facility_id"
        ),
        0
    );
    // Stored as the service stores them: fever from the thermometer, an action for every
    // finding, the guardian told of every child isolated or sent home.
    assert_eq!(common::count(db, "SELECT count(*) FROM child_checks WHERE fever != (temperature >= 37.3)"), 0);
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_checks WHERE action = 'none'
             AND (fever OR poor_spirits OR red_throat OR rash OR poor_eating OR poor_sleep OR abnormal_stools)"
        ),
        0
    );
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_checks WHERE action IN ('isolate', 'send_home') AND guardian_told_at IS NULL"
        ),
        0
    );
    assert!(
        common::count(db, "SELECT count(*) FROM child_checks WHERE temperature >= 38.0 AND action = 'send_home'") > 0
    );
    let checks = morning + noon;
    let fever = common::count(db, "SELECT count(*) FROM child_checks WHERE fever") as f64 / checks as f64;
    assert!((0.002..0.03).contains(&fever), "fever share {fever:.4}");
    let signs = common::count(
        db,
        "SELECT count(*) FROM child_checks
         WHERE poor_spirits OR red_throat OR rash OR poor_eating OR poor_sleep OR abnormal_stools",
    ) as f64
        / checks as f64;
    assert!((0.005..0.04).contains(&signs), "share with signs {signs:.4}");
    assert!(common::count(db, "SELECT count(*) FROM child_checks WHERE unsafe_item IS NOT NULL") > 0);
    // Checked by the unit's own health workers.
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_checks k WHERE NOT EXISTS (SELECT 1 FROM staff s
             WHERE s.facility_id = k.facility_id AND s.job = 'health_worker' AND s.name = k.checked_by_name)"
        ),
        0
    );

    // Growth: every child has an entry examination; the stored z-scores are what the
    // standards give for the stored values, as `record_growth` would have stored them.
    assert_eq!(
        common::count(db, "SELECT count(DISTINCT child_id) FROM growth_measurements WHERE purpose = 'entry'"),
        children
    );
    assert!(common::count(db, "SELECT count(*) FROM growth_measurements WHERE purpose = 'periodic'") > children / 5);
    assert!(common::count(db, "SELECT count(*) FROM growth_measurements WHERE purpose = 'routine'") > 0);
    type Row = (u32, Option<f64>, Option<f64>, Option<f64>, String, String);
    let sample: Vec<Row> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT g.age_days, g.weight_kg, g.height_cm, g.head_cm, g.zscores_json, ch.sex
                 FROM growth_measurements g JOIN children ch ON ch.id = g.child_id ORDER BY g.id LIMIT 500",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(sample.len(), 500);
    for (age_days, weight_kg, height_cm, head_cm, stored, sex) in &sample {
        let expected = if *age_days > growth::MAX_AGE_DAYS {
            Vec::new()
        } else {
            let input = GrowthInput {
                sex: Sex::from_db(sex),
                age_days: *age_days,
                weight_kg: *weight_kg,
                height_cm: *height_cm,
                head_cm: *head_cm,
            };
            growth::assess(&input).unwrap_or_else(|e| panic!("{input:?} refused: {e:?}"))
        };
        assert_eq!(stored, &serde_json::to_string(&expected).unwrap(), "age {age_days} days");
    }
    let z_below = |indicator: &str, z: f64| {
        let sql = format!(
            "SELECT count(*) FROM growth_measurements g, json_each(g.zscores_json) j
             WHERE json_extract(j.value, '$.indicator') = '{indicator}' AND json_extract(j.value, '$.z') < {z}"
        );
        common::count(db, &sql) as f64 / common::count(db, &sql.replace(&format!("< {z}"), "IS NOT NULL")) as f64
    };
    let underweight = z_below("weight_for_age", -2.0);
    assert!((0.005..0.10).contains(&underweight), "underweight share {underweight:.4}");
    let stunted = z_below("length_for_age", -2.0);
    assert!(stunted > 0.0 && stunted < 0.10, "stunted share {stunted:.4}");
    // The due list has work on it, but most children are examined on time.
    let units: Vec<i64> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .unwrap();
    let mut overdue = 0;
    for unit in &units {
        let due = child_health::growth_due(db, &admin, *unit, common::today()).unwrap();
        let late = due.iter().filter(|d| d.overdue).count() as i64;
        let enrolled = common::count(db, &format!("SELECT count(*) FROM children WHERE facility_id = {unit}"));
        assert!(late * 2 < enrolled, "unit {unit}: {late} of {enrolled} overdue");
        overdue += late;
    }
    assert!((children / 100..children / 5).contains(&overdue), "{overdue} of {children} children overdue");

    // Medicine from home: a few courses per unit a month, signed by a guardian of the child,
    // never more doses on a day than ordered, and only within the course.
    let medicines = common::count(db, "SELECT count(*) FROM child_medicines");
    assert!((25 * 12..25 * 12 * 10).contains(&medicines), "{medicines} courses of medicine");
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_medicines m WHERE NOT EXISTS (SELECT 1 FROM child_contacts c
             WHERE c.child_id = m.child_id AND c.is_guardian AND c.name = m.guardian_name)"
        ),
        0
    );
    assert!(common::count(db, "SELECT count(*) FROM child_medicine_doses") > medicines);
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM (SELECT d.medicine_id, d.day, count(*) AS n, m.times_per_day
                                   FROM child_medicine_doses d JOIN child_medicines m ON m.id = d.medicine_id
                                   GROUP BY d.medicine_id, d.day)
             WHERE n > times_per_day"
        ),
        0
    );
    assert_eq!(
        common::count(
            db,
            "SELECT count(*) FROM child_medicine_doses d JOIN child_medicines m ON m.id = d.medicine_id
             WHERE d.day < m.from_day OR d.day > m.to_day"
        ),
        0
    );
}

#[test]
fn a_year_of_meals() {
    use std::collections::HashMap;

    use carecircle_core::domain::meals::{clashes, Clash, DishFacts, EaterFacts, Meal};
    use carecircle_core::services::meals::subsidy::{self, SubsidyCategory};
    use carecircle_core::services::meals::{kitchen, menus, standing};
    use chrono::{DateTime, NaiveDate, Utc};

    let (t, admin) = common::seeded();
    let db = &t.db;
    let count = |sql: &str| common::count(db, sql);
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let rows = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        db.read(|c| {
            let mut stmt = c.prepare(sql)?;
            let width = stmt.column_count();
            let rows = stmt.query_map([], |r| (0..width).map(|i| r.get(i)).collect())?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    };
    let text = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Text(s) => s.clone(),
        other => panic!("expected text, got {other:?}"),
    };
    let int = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Integer(i) => *i,
        other => panic!("expected an integer, got {other:?}"),
    };

    // Every facility has a library of 18–30 dishes and a published menu for every week of the
    // year, this one and the next (units skip the weeks they were closed), 2–4 dishes a meal
    // on weekdays.
    assert_eq!(
        count(
            "SELECT count(*) FROM facilities f
             WHERE (SELECT count(*) FROM dishes d WHERE d.facility_id = f.id AND d.is_demo) NOT BETWEEN 18 AND 30"
        ),
        0
    );
    assert_eq!(count("SELECT count(*) FROM menus WHERE status != 'published' OR published_at IS NULL"), 0);
    assert_eq!(
        count(
            "SELECT count(*) FROM facilities f WHERE f.kind != 'childcare'
             AND (SELECT count(*) FROM menus m WHERE m.facility_id = f.id AND m.week_start BETWEEN '2025-11-24' AND '2026-11-30') != 54"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM facilities f WHERE f.kind = 'childcare'
             AND (SELECT count(*) FROM menus m WHERE m.facility_id = f.id) NOT BETWEEN 44 AND 54"
        ),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM (SELECT count(*) AS n FROM menu_items GROUP BY menu_id, day, meal) WHERE n NOT BETWEEN 2 AND 4"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM menu_items WHERE strftime('%w', day) IN ('0', '6')"), 0);
    assert_eq!(count("SELECT count(*) FROM menu_items WHERE day BETWEEN '2026-02-16' AND '2026-02-27' AND menu_id IN (SELECT m.id FROM menus m JOIN facilities f ON f.id = m.facility_id WHERE f.kind = 'childcare')"), 0, "units are closed for the Spring Festival");
    // Grams by age at the units only, and never for under-ones of a salted or sweetened dish.
    assert_eq!(
        count(
            "SELECT count(*) FROM menu_items i JOIN menus m ON m.id = i.menu_id JOIN facilities f ON f.id = m.facility_id
             WHERE (f.kind = 'childcare') != (i.grams_json IS NOT NULL)"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM menu_items i JOIN dishes d ON d.id = i.dish_id
             WHERE json_extract(i.grams_json, '$.under_1') IS NOT NULL AND (d.added_salt OR d.added_sugar)"
        ),
        0
    );
    assert!(count("SELECT count(*) FROM menu_items WHERE json_extract(grams_json, '$.under_1') > 0") > 0);
    // A unit's quantity-specified menu changes every 1–2 weeks; a centre's is never last week's.
    let units: Vec<i64> =
        rows("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id").iter().map(|r| int(&r[0])).collect();
    for unit in &units {
        for week in ["2026-11-23", "2026-11-30"] {
            let menu = menus::menu_for_week(db, &admin, *unit, day(week)).unwrap().expect("published");
            assert!(!menu.change_due && menu.weeks_unchanged <= 2, "unit {unit}, week {week}");
            assert!(menu.items.iter().all(|i| i.grams.is_some()));
        }
    }
    let (centre, _) = common::two_elder_facilities(db);
    assert_eq!(menus::menu_for_week(db, &admin, centre, day("2026-11-23")).unwrap().unwrap().weeks_unchanged, 1);

    // Standing orders for 10–25 % of clients; a quarter's bookings, served before today and
    // booked from today on; mostly lunch, some delivered.
    let clients = demo::CLIENTS_PER_SCALE as i64;
    let ordering = count("SELECT count(DISTINCT client_id) FROM standing_orders");
    assert!((clients / 10..clients / 4).contains(&ordering), "{ordering} clients with standing orders");
    assert_eq!(
        count(
            "SELECT count(*) FROM standing_orders o JOIN clients c ON c.id = o.client_id
             WHERE c.status != 'active' AND o.stopped_on IS NULL"
        ),
        0,
        "a client no longer active has no open order"
    );
    let bookings = count("SELECT count(*) FROM bookings");
    assert!((clients * 4..clients * 20).contains(&bookings), "{bookings} bookings");
    assert_eq!(
        count("SELECT count(*) FROM bookings WHERE day >= '2026-11-29' AND status != 'booked'"),
        0,
        "today on is the user's"
    );
    assert!(count("SELECT count(*) FROM bookings WHERE day BETWEEN '2026-11-30' AND '2026-12-04'") > clients / 20);
    let past = count("SELECT count(*) FROM bookings WHERE day < '2026-11-29'");
    let served = count("SELECT count(*) FROM bookings WHERE status = 'served'");
    let cancelled = count("SELECT count(*) FROM bookings WHERE status = 'cancelled'");
    assert!(
        served as f64 > 0.95 * past as f64 && cancelled > 0 && cancelled < past / 20,
        "{served} served, {cancelled} cancelled of {past}"
    );
    let lunch = count("SELECT count(*) FROM bookings WHERE meal = 'lunch'");
    let delivered = count("SELECT count(*) FROM bookings WHERE mode = 'delivery'");
    assert!(lunch > bookings * 4 / 5 && delivered > bookings / 10 && delivered < bookings / 2);
    // Served at meal time on the day (lunch 11:10–12:30 in Wuhai), by someone, with the
    // subsidy fixed; cancelled before the cut-off by someone, with a reason.
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings WHERE status = 'served' AND meal = 'lunch'
             AND (served_at NOT BETWEEN day || 'T03:10:00Z' AND day || 'T04:30:00Z' OR served_by_name IS NULL
                  OR subsidy_category IS NULL OR subsidy_fen IS NULL)"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings WHERE status = 'cancelled'
             AND (cancelled_by_name IS NULL OR cancel_reason IS NULL OR cancelled_at <= created_at)"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings WHERE status = 'cancelled' AND meal = 'lunch'
             AND cancel_reason NOT LIKE 'client_%' AND cancelled_at >= day || 'T01:30:00Z'"
        ),
        0,
        "cancelled before the 09:30 cut-off unless the client's status changed"
    );
    // Bookings only of active clients: from the day an order stopped none is eaten.
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings b JOIN standing_orders o ON o.id = b.standing_order_id
             WHERE o.stopped_on IS NOT NULL AND b.day > o.stopped_on AND b.status != 'cancelled'"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings b JOIN clients c ON c.id = b.client_id
             WHERE c.status != 'active' AND b.day >= '2026-11-29' AND b.status != 'cancelled'"
        ),
        0
    );
    // Every booking's day has a published menu for its meal.
    assert_eq!(
        count(
            "SELECT count(*) FROM bookings b WHERE NOT EXISTS (
                 SELECT 1 FROM menus m JOIN menu_items i ON i.menu_id = m.id
                 WHERE m.facility_id = b.facility_id AND m.week_start = date(b.day, '-6 days', 'weekday 1')
                   AND m.status = 'published' AND i.day = b.day AND i.meal = b.meal)"
        ),
        0
    );

    // The rules, with the services' own check: no plate clashes with the client's allergy (a
    // substitute of the facility's instead, for a dish on that meal), and every diet warning
    // confirmed — by the clerk at booking or whoever served; only bookings `materialize`
    // made and nobody has served yet keep theirs open, as the service leaves them.
    let parse = |raw: &str| serde_json::from_str::<Vec<serde_json::Value>>(raw).unwrap();
    let mut dishes: HashMap<i64, (i64, DishFacts)> = HashMap::new();
    for r in rows("SELECT id, facility_id, name, ingredients, allergens, suits, added_salt, added_sugar FROM dishes") {
        let facts = DishFacts {
            name: text(&r[2]),
            ingredients: text(&r[3]),
            allergens: serde_json::from_str(&text(&r[4])).unwrap(),
            suits: serde_json::from_str(&text(&r[5])).unwrap(),
            added_salt: int(&r[6]) == 1,
            added_sugar: int(&r[7]) == 1,
        };
        dishes.insert(int(&r[0]), (int(&r[1]), facts));
    }
    // Clients with the same allergies and diets are checked once per dish.
    let mut profiles: HashMap<(String, String), usize> = HashMap::new();
    let mut eaters: HashMap<i64, (usize, EaterFacts)> = HashMap::new();
    for r in rows("SELECT id, allergies, diet_needs FROM clients") {
        let (allergies, diets) = (text(&r[1]), text(&r[2]));
        let eater = EaterFacts {
            allergies: parse(&allergies).iter().filter_map(|v| v.as_str().map(String::from)).collect(),
            diet_needs: serde_json::from_str(&diets).unwrap(),
            age_months: None,
        };
        let next = profiles.len();
        let profile = *profiles.entry((allergies, diets)).or_insert(next);
        eaters.insert(int(&r[0]), (profile, eater));
    }
    let mut on_menu: HashMap<(i64, String, String), Vec<i64>> = HashMap::new();
    for r in rows(
        "SELECT m.facility_id, i.day, i.meal, i.dish_id FROM menu_items i JOIN menus m ON m.id = i.menu_id
         WHERE m.status = 'published' AND i.day >= (SELECT min(day) FROM bookings) ORDER BY i.position",
    ) {
        on_menu.entry((int(&r[0]), text(&r[1]), text(&r[2]))).or_default().push(int(&r[3]));
    }
    let mut substitutes: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    for r in rows("SELECT booking_id, dish_id, substitute_dish_id FROM booking_substitutions") {
        substitutes.entry(int(&r[0])).or_default().insert(int(&r[1]), int(&r[2]));
    }
    assert!(!substitutes.is_empty(), "allergic, halal and vegetarian clients get substitutes");
    let mut verdicts: HashMap<(usize, i64), Vec<Clash>> = HashMap::new();
    let none = HashMap::new();
    let (mut warned, mut left_open) = (0, 0);
    for r in rows(
        "SELECT id, client_id, facility_id, day, meal, status, diet_confirmed_by IS NOT NULL, standing_order_id IS NOT NULL
         FROM bookings WHERE status != 'cancelled'",
    ) {
        let (id, client, facility) = (int(&r[0]), int(&r[1]), int(&r[2]));
        let menu = &on_menu[&(facility, text(&r[3]), text(&r[4]))];
        let subs = substitutes.get(&id).unwrap_or(&none);
        for (replaced, substitute) in subs {
            assert!(menu.contains(replaced), "booking {id} replaces a dish not on its meal");
            assert_eq!(dishes[substitute].0, facility, "booking {id}: a substitute of its own facility");
        }
        let (profile, eater) = &eaters[&client];
        let mut warns = false;
        for dish in menu {
            let plate = *subs.get(dish).unwrap_or(dish);
            let found = verdicts.entry((*profile, plate)).or_insert_with(|| clashes(eater, &dishes[&plate].1));
            assert!(!found.iter().any(Clash::refuses), "booking {id}: {} clashes with {:?}", dishes[&plate].1.name, eater.allergies);
            warns |= found.iter().any(|c| matches!(c, Clash::Diet { .. }));
        }
        let (status, confirmed, materialized) = (text(&r[5]), int(&r[6]) == 1, int(&r[7]) == 1);
        if warns {
            warned += 1;
            if !confirmed {
                assert!(status == "booked" && materialized, "booking {id} ({status}) has diet warnings nobody confirmed");
                left_open += 1;
            }
        }
    }
    assert!(warned > bookings / 50 && left_open < warned / 4, "{warned} bookings with diet warnings, {left_open} open");

    // The subsidy of each served meal is what the rates give the client's category that day.
    let rates: HashMap<SubsidyCategory, i64> =
        subsidy::subsidy_rates(db, &admin).unwrap().into_iter().map(|r| (r.category, r.fen_per_meal)).collect();
    let mut by_category: HashMap<SubsidyCategory, i64> = HashMap::new();
    for r in rows(
        "SELECT b.day, b.subsidy_category, b.subsidy_fen, c.subsidy_category, c.birth_date
         FROM bookings b JOIN clients c ON c.id = b.client_id WHERE b.status = 'served'",
    ) {
        let recorded = SubsidyCategory::parse(&text(&r[3])).unwrap();
        let expected = subsidy::category_on(recorded, day(&text(&r[4])), day(&text(&r[0])));
        assert_eq!((text(&r[1]), int(&r[2])), (expected.as_str().to_string(), rates[&expected]));
        *by_category.entry(expected).or_default() += 1;
    }
    assert!(by_category.len() == SubsidyCategory::ALL.len(), "every category is served: {by_category:?}");

    // Food samples: every dish of the centres' and units' meals before today but about 1 in
    // 100, at least 100 g, kept 48 hours, thrown away after that (today's left to the user).
    let samples = count("SELECT count(*) FROM food_samples");
    let expected = count(
        "SELECT count(*) FROM menu_items i JOIN menus m ON m.id = i.menu_id JOIN facilities f ON f.id = m.facility_id
         WHERE f.kind != 'elder_station' AND i.day < '2026-11-29'",
    );
    assert!(samples <= expected && samples * 1000 > expected * 975, "{samples} samples of {expected} dishes");
    assert_eq!(
        count(
            "SELECT count(*) FROM food_samples s WHERE s.grams < 100 OR s.day >= '2026-11-29'
             OR s.discard_after != strftime('%Y-%m-%dT%H:%M:%SZ', s.sampled_at, '+48 hours')
             OR s.discarded_at < s.discard_after OR s.discarded_at >= '2026-11-28T16:00:00Z'
             OR substr(s.sampled_at, 1, 10) NOT IN (s.day, date(s.day, '-1 day'))"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM food_samples s WHERE NOT EXISTS (
                 SELECT 1 FROM menus m JOIN menu_items i ON i.menu_id = m.id
                 WHERE m.facility_id = s.facility_id AND m.week_start = date(s.day, '-6 days', 'weekday 1')
                   AND m.status = 'published' AND i.day = s.day AND i.meal = s.meal AND i.dish_id = s.dish_id)"
        ),
        0,
        "only dishes on the day's menu are sampled"
    );
    // Kept no longer than needed: at the centres, open every day, none is left past its 48
    // hours but Saturday's (thrown away today); at the units the weekend's wait for Monday.
    assert_eq!(
        count(
            "SELECT count(*) FROM food_samples s JOIN facilities f ON f.id = s.facility_id
             WHERE s.discarded_at IS NULL
               AND s.discard_after < CASE f.kind WHEN 'elder_centre' THEN '2026-11-28T16:00:00Z' ELSE '2026-11-27T16:00:00Z' END"
        ),
        0
    );

    // The kitchen sheet of the busiest centre lunch of the last month adds up.
    let busiest = &rows(
        "SELECT b.facility_id, b.day, count(*) FROM bookings b JOIN facilities f ON f.id = b.facility_id
         WHERE f.kind = 'elder_centre' AND b.meal = 'lunch' AND b.status != 'cancelled' AND b.day BETWEEN '2026-10-29' AND '2026-11-28'
         GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1",
    )[0];
    let (facility, on) = (int(&busiest[0]), day(&text(&busiest[1])));
    let sheet = kitchen::kitchen_sheet(db, &admin, facility, on, Meal::Lunch).unwrap();
    assert_eq!(i64::from(sheet.bookings), int(&busiest[2]));
    assert!(sheet.bookings >= 10, "a busy centre: {} lunches", sheet.bookings);
    assert_eq!(sheet.dine_in + sheet.delivery, sheet.bookings);
    assert!(sheet.blocked.is_empty(), "no plate clashes with an allergy");
    for w in &sheet.unconfirmed {
        let sql = format!(
            "SELECT count(*) FROM bookings WHERE id = {} AND status = 'booked' AND standing_order_id IS NOT NULL",
            w.booking_id
        );
        assert_eq!(count(&sql), 1, "only a meal nobody served keeps the warning `materialize` left open");
    }
    assert_eq!(sheet.deliveries.len() as u32, sheet.delivery);
    for d in &sheet.dishes {
        assert_eq!(d.dine_in + d.delivery, d.total, "{}", d.name);
        assert_eq!(d.variants.iter().map(|v| v.total).sum::<u32>(), d.total, "{}: variants add up", d.name);
        if d.on_menu {
            let replaced = count(&format!(
                "SELECT count(*) FROM booking_substitutions s JOIN bookings b ON b.id = s.booking_id
                 WHERE b.facility_id = {facility} AND b.day = '{on}' AND b.meal = 'lunch' AND b.status != 'cancelled'
                   AND s.dish_id = {}",
                d.dish_id
            ));
            assert_eq!(i64::from(d.total) + replaced, i64::from(sheet.bookings), "{}: everyone's plate", d.name);
        }
    }
    // Next week's orders are already booked: `materialize` finds nothing more to book.
    let now = DateTime::parse_from_rfc3339("2026-11-29T02:00:00Z").unwrap().with_timezone(&Utc);
    let again = standing::materialize(db, &admin, facility, day("2026-12-06"), now).unwrap();
    assert_eq!(again.booked, 0);
    assert!(kitchen::kitchen_sheet(db, &admin, facility, day("2026-11-30"), Meal::Lunch).unwrap().bookings > 0);

    // Last month's totals: meals served, with the subsidy.
    let month = subsidy::month_totals(db, &admin, None, 2026, 10).unwrap();
    assert!(month.all.served > clients && month.subsidy_fen > 0, "{:?}", month.all);
    assert!(month.all.cancelled > 0 && month.all.booked >= month.all.served);
    let centre_month = subsidy::month_totals(db, &admin, Some(facility), 2026, 10).unwrap();
    assert!(centre_month.all.served > 100);
}

#[test]
fn a_year_of_care_visits() {
    use carecircle_core::dates::monday_of;
    use carecircle_core::domain::visits::ConflictKind;
    use carecircle_core::services::visits::week;
    use chrono::Days;

    let (t, admin) = common::seeded();
    let db = &t.db;
    let count = |sql: &str| common::count(db, sql);
    // Plans, staff with skills and hours, a year of visits with their outcomes.
    assert!(count("SELECT count(*) FROM care_plan_items") > 1_000);
    assert!(count("SELECT count(*) FROM staff WHERE job IN ('caregiver', 'nurse')") >= 88 * 2);
    assert!(count("SELECT count(*) FROM visits WHERE day < date('2026-11-29', '-300 days')") > 0, "a year back");
    let past = count("SELECT count(*) FROM visits WHERE day < '2026-11-29'") as f64;
    let share = |status: &str| {
        count(&format!("SELECT count(*) FROM visits WHERE day < '2026-11-29' AND status = '{status}'")) as f64 / past
    };
    assert!((0.88..0.95).contains(&share("done")), "done {}", share("done"));
    assert!((0.02..0.08).contains(&share("missed")), "missed {}", share("missed"));
    assert!((0.01..0.05).contains(&share("refused")), "refused {}", share("refused"));
    // Each outcome as the services record it.
    assert_eq!(count("SELECT count(*) FROM visits WHERE status = 'done' AND (done_end_min <= done_start_min OR recorded_at IS NULL)"), 0);
    assert_eq!(count("SELECT count(*) FROM visits WHERE status IN ('missed', 'refused') AND reason IS NULL"), 0);
    assert_eq!(count("SELECT count(*) FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id WHERE v.day < p.starts_on OR v.day > coalesce(p.ends_on, '9999')"), 0);
    assert_eq!(
        count("SELECT count(*) FROM visits m JOIN visits v ON v.id = m.makes_up_for WHERE v.status != 'missed' OR v.plan_item_id != m.plan_item_id OR m.day <= v.day"),
        0
    );
    assert!(count("SELECT count(*) FROM visits WHERE makes_up_for IS NOT NULL") > 0);
    // Whoever made a visit had the skill it needs.
    assert_eq!(
        count(
            "SELECT count(*) FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id JOIN staff s ON s.id = v.staff_id
              WHERE p.skill IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(s.skills) WHERE value = p.skill)"
        ),
        0
    );
    // Homes and facilities are located; homes within 1.5 km of their facility (a degree of
    // latitude is 111 km; of longitude here, 86 km).
    assert_eq!(count("SELECT count(*) FROM facilities WHERE lat IS NULL"), 0);
    let located = count("SELECT count(*) FROM clients WHERE home_lat IS NOT NULL") as f64 / 6000.0;
    assert!((0.85..0.97).contains(&located), "{located}");
    assert_eq!(
        count(
            "SELECT count(*) FROM clients c JOIN facilities f ON f.id = c.facility_id WHERE c.home_lat IS NOT NULL
                AND ((c.home_lat - f.lat) * 111000) * ((c.home_lat - f.lat) * 111000)
                  + ((c.home_lon - f.lon) * 86000) * ((c.home_lon - f.lon) * 86000) > 1600 * 1600"
        ),
        0
    );
    // The regular week holds together: next week, written from the weekly series, has no
    // clash, walk, skill or hours conflict anywhere (leave taken next week may show).
    let next = monday_of(common::today()) + Days::new(7);
    let elder: Vec<i64> = db
        .read(|c| {
            let mut s = c.prepare("SELECT id FROM facilities WHERE kind != 'childcare' ORDER BY id")?;
            let ids = s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .unwrap();
    let mut series_visits = 0;
    for f in elder {
        week::fill_week(db, &admin, f, next).unwrap();
        let w = week::week(db, &admin, f, next).unwrap();
        series_visits += w.visits.len();
        let bad: Vec<_> = w.conflicts.iter().filter(|c| c.kind != ConflictKind::OnLeave).collect();
        assert!(bad.is_empty(), "facility {f}: {bad:?}");
    }
    assert!(series_visits > 500, "{series_visits}");
}
