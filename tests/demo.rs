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
    assert_eq!(common::count(db, "SELECT count(*) FROM alerts WHERE handled_at IS NULL AND raised_at < '2026-11-21'"), 0);
    // A facility's follow-up list has work on it, but not everyone is overdue.
    let (centre, _) = common::two_elder_facilities(db);
    let due = health::due_follow_ups(db, &admin, centre, None, common::today(), 14).unwrap();
    let overdue = due.iter().filter(|d| d.overdue).count();
    let active = common::count(db, &format!("SELECT count(*) FROM clients WHERE facility_id = {centre} AND status = 'active'"));
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
