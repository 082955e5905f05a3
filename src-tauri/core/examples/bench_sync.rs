//! The city hub at city scale (docs/sync.md, "Scale"): the demo city split by facility, each
//! facility's PC sending what it holds and the city office's first full sync; then one usual
//! day of the whole city (each facility's check-ins, checkups, morning checks, meals served,
//! food samples and visits of one weekday, again) sent and pulled, and one centre's day
//! reaching that centre's second PC; and the hub's size. A throw-away PostgreSQL cluster
//! (Debian's postgresql package) is started in a temporary folder and stopped at the end.
//!
//! One copy of the city plays each facility's PC in turn (its sync state set to that
//! facility's enrolment between turns): it sends what 113 PCs would.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_sync [-- SCALE]`
//! (default 10, the city-scale demo of 60,000 clients).

mod common;
// The tests' throw-away cluster (stop and restart are theirs alone).
#[allow(dead_code)]
#[path = "../../../tests/common/pg.rs"]
mod pg;

use std::time::{Duration, Instant};

use carecircle_core::hub::{self, Enrolment};
use carecircle_core::sync::{
    self,
    entities::{Scope, ENTITIES},
};
use carecircle_core::Db;
use common::percentile;
use pg::{PgCluster, OWNER};

/// The weekday copied as "a usual day", and how far ahead the copy is put (a day no table
/// holds anything on yet).
const USUAL_DAY: &str = "2026-11-26";
const AHEAD: &str = "+70 days";
/// What a facility writes in a day: a row for each of these, per row of the usual day.
const DAY_TABLES: &[&str] = &["attendance", "checkups", "child_checks", "bookings", "food_samples", "visits"];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn spread(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "{label}: median {:.0} ms, p95 {:.0} ms, max {:.0} ms, all {:.1} s ({} facilities)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap()),
        total.as_secs_f64(),
        times.len()
    );
}

/// Makes the playing database the PC of `enrolment`, with nothing waiting to be sent.
fn play(db: &Db, enrolment: &Enrolment) {
    db.write(|tx| {
        tx.execute(
            "UPDATE sync_state SET pc = ?1, facility_id = ?2, role = ?3",
            rusqlite::params![enrolment.pc, enrolment.facility_id, enrolment.role],
        )?;
        tx.execute_batch("DELETE FROM sync_outbox; DELETE FROM sync_field_clock;")?;
        Ok(())
    })
    .expect("play");
}

/// One usual day of `facility`: the rows of USUAL_DAY copied AHEAD, every date and time
/// moved with them (the triggers record each as a change).
fn usual_day(db: &Db, facility: i64) -> usize {
    db.write(|tx| {
        let mut made = 0;
        for table in DAY_TABLES {
            let columns: Vec<String> = tx
                .prepare("SELECT name FROM pragma_table_info(?1) WHERE name NOT IN ('id', 'uid')")?
                .query_map([table], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let moved: Vec<String> = columns
                .iter()
                .map(|c| {
                    if c == "day" || c.ends_with("_day") || c.ends_with("_on") {
                        format!("date({c}, '{AHEAD}')")
                    } else if c.ends_with("_at") || c == "discard_after" {
                        format!("strftime('%Y-%m-%dT%H:%M:%SZ', {c}, '{AHEAD}')")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            let day = if *table == "checkups" { "date(taken_at, '+8 hours')" } else { "day" };
            made += tx.execute(
                &format!(
                    "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE facility_id = ?1 AND {day} = ?2",
                    columns.join(", "),
                    moved.join(", ")
                ),
                rusqlite::params![facility, USUAL_DAY],
            )?;
        }
        Ok(made)
    })
    .expect("a usual day")
}

fn main() {
    let scale: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let (dir, master, admin) = common::demo_city(scale);
    sync::prepare(&master).expect("prepare");
    for name in ["city", "facility", "second"] {
        master.backup_to(dir.path().join(format!("{name}.db"))).expect("copy");
    }
    let facilities: Vec<i64> = master
        .read(|c| {
            Ok(c.prepare("SELECT id FROM facilities ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .expect("facilities");
    let busiest: i64 = master
        .read(|c| {
            Ok(c.query_row(
                "SELECT facility_id FROM attendance WHERE day = ?1 GROUP BY facility_id ORDER BY count(*) DESC LIMIT 1",
                [USUAL_DAY],
                |r| r.get(0),
            )?)
        })
        .expect("busiest");
    drop(master);

    let cluster = PgCluster::start();
    let mut owner = hub::connect(&cluster.url(OWNER)).expect("hub");
    hub::migrate(&mut owner).expect("migrate");
    let clock = common::clock();

    // The city office's PC: the city's structure and accounts only.
    let city = Db::open(dir.path().join("city.db"), clock.clone()).expect("city");
    city.write(|tx| {
        for entity in ENTITIES.iter().rev().filter(|e| !matches!(e.scope, Scope::City)) {
            tx.execute(
                &format!("DELETE FROM {} WHERE {} IS NOT NULL", entity.table, entity.facility_sql(entity.table)),
                [],
            )?;
        }
        Ok(())
    })
    .expect("city office's database");
    let city_enrolment = hub::enrol(&mut owner, None, &hub::new_pc_id(clock.now()), "pass").expect("enrol");
    sync::join(&city, &admin, &city_enrolment).expect("join");
    let mut city_hub = hub::connect(&cluster.url(&city_enrolment.role)).expect("connect");
    sync::exchange(&city, &mut city_hub).expect("city sends");

    // Each facility joins and sends what it holds.
    let playing = Db::open(dir.path().join("facility.db"), clock.clone()).expect("facility");
    let mut enrolments = Vec::new();
    let (mut sends, mut sent) = (Vec::new(), 0);
    for f in &facilities {
        let enrolment = hub::enrol(&mut owner, Some(*f), &hub::new_pc_id(clock.now()), "pass").expect("enrol");
        playing.write(|tx| Ok(tx.execute("UPDATE sync_state SET pc = NULL", [])?)).expect("reset");
        let t = Instant::now();
        sync::join(&playing, &admin, &enrolment).expect("join");
        let mut as_pc = hub::connect(&cluster.url(&enrolment.role)).expect("connect");
        sent += sync::push(&playing, &mut as_pc).expect("push");
        sends.push(t.elapsed());
        enrolments.push(enrolment);
    }
    spread(&format!("a facility's first send (join and push; {sent} changes in all)"), sends);
    let t = Instant::now();
    let first = sync::exchange(&city, &mut city_hub).expect("city pulls");
    println!(
        "the city office's first full sync: {} changes, {} rows, in {:.1} s ({:.0} changes/s)",
        first.pulled.changes,
        first.pulled.rows,
        t.elapsed().as_secs_f64(),
        first.pulled.changes as f64 / t.elapsed().as_secs_f64()
    );

    // The busiest centre's second PC, caught up.
    let second = Db::open(dir.path().join("second.db"), clock.clone()).expect("second");
    let second_enrolment = hub::enrol(&mut owner, Some(busiest), &hub::new_pc_id(clock.now()), "pass").expect("enrol");
    sync::join(&second, &admin, &second_enrolment).expect("join");
    let mut second_hub = hub::connect(&cluster.url(&second_enrolment.role)).expect("connect");
    sync::exchange(&second, &mut second_hub).expect("second catches up");
    sync::exchange(&city, &mut city_hub).expect("the city office catches up");

    // One usual day of the whole city.
    let (mut days, mut day_changes) = (Vec::new(), 0);
    for enrolment in &enrolments {
        play(&playing, enrolment);
        let f = enrolment.facility_id.expect("a facility");
        usual_day(&playing, f);
        let mut as_pc = hub::connect(&cluster.url(&enrolment.role)).expect("connect");
        let t = Instant::now();
        day_changes += sync::push(&playing, &mut as_pc).expect("push the day");
        days.push(t.elapsed());
    }
    spread(&format!("a facility's day pushed ({day_changes} changes in all)"), days);
    let t = Instant::now();
    let day = sync::exchange(&city, &mut city_hub).expect("city pulls the day");
    println!(
        "the city office pulls the city's day: {} changes in {:.2} s",
        day.pulled.changes,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let centre = sync::exchange(&second, &mut second_hub).expect("second pulls its centre's day");
    println!(
        "the busiest centre's day reaches its second PC: {} changes in {:.0} ms",
        centre.pulled.changes,
        ms(t.elapsed())
    );

    let (rows, bytes): (i64, i64) = {
        let r = owner
            .query_one("SELECT count(*), pg_total_relation_size('hub.changes') FROM hub.changes", &[])
            .expect("hub size");
        (r.get(0), r.get(1))
    };
    println!("the hub: {rows} changes, {:.0} MiB with its indexes", bytes as f64 / 1024.0 / 1024.0);
}
