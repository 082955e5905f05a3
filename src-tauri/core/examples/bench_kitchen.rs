//! The elder centres' meals on the city-scale demo (60,000 clients): what the kitchen's
//! count sheet of one meal costs (`services::meals::kitchen::kitchen_sheet`, and its .xlsx
//! export), and the month's meal totals (`services::meals::subsidy::month_totals`) for one
//! centre and for the whole city; serving through the service is timed too.
//!
//! The demo city does not seed meals yet, so this seeds its own, for November 2026:
//! - with plain SQL: a 16-dish library per elder facility (allergens, diet tags, added salt
//!   and sugar as a canteen would declare them), published weekly menus for every week
//!   touching the month (breakfast 2 dishes, lunch and dinner 3), ~12% of active clients
//!   recorded as low-income, extreme-poverty or disabled, and standing orders for about a
//!   fifth of the active clients (weekday lunch; some also dinner every day or breakfast;
//!   three in ten delivered);
//! - through `standing::materialize` (as of 31 October, for the whole month): the bookings,
//!   with the same allergy check as every booking (clashing days skipped and counted);
//! - with plain SQL again, to play the month out: one booking in 31 cancelled, every other
//!   one up to 28 November served, its subsidy category and amount fixed by the same rule as
//!   `bookings::serve` (the client's category; a standard client of 80+ counts as aged_80).
//!
//! Run with `cargo run --release -p carecircle-core --example bench_kitchen`.

mod common;

use std::time::{Duration, Instant};

use carecircle_core::domain::meals::Meal;
use carecircle_core::services::accounts;
use carecircle_core::services::meals::bookings::{self, ServeOutcome};
use carecircle_core::services::meals::{kitchen, standing, subsidy};
use carecircle_core::{demo, Db};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rusqlite::params;

const RUNS: usize = 200;
const TOTAL_RUNS: usize = 30;

/// (name, allergens, suits, added salt, added sugar): a northern canteen's library.
const DISHES: &[(&str, &str, &str, bool, bool)] = &[
    ("小米粥", "[]", r#"["low_salt","low_sugar","soft","minced","halal","vegetarian"]"#, false, false),
    ("鸡蛋羹", r#"["egg"]"#, r#"["soft","minced","halal"]"#, true, false),
    ("花卷", r#"["wheat"]"#, r#"["vegetarian","halal"]"#, true, false),
    ("牛奶燕麦粥", r#"["milk"]"#, r#"["soft","halal","vegetarian"]"#, false, true),
    ("豆浆油条", r#"["soy","wheat"]"#, r#"["vegetarian","halal"]"#, true, true),
    ("米饭", "[]", r#"["low_salt","low_sugar","halal","vegetarian"]"#, false, false),
    ("馒头", r#"["wheat"]"#, r#"["low_salt","vegetarian","halal"]"#, false, false),
    ("红烧肉", "[]", "[]", true, true),
    ("清蒸鲈鱼", r#"["fish"]"#, r#"["halal","soft"]"#, true, false),
    ("西红柿炒鸡蛋", r#"["egg"]"#, r#"["halal","vegetarian","soft"]"#, true, true),
    ("清炒时蔬", "[]", r#"["halal","vegetarian"]"#, true, false),
    ("土豆炖牛肉", "[]", r#"["halal","soft"]"#, true, false),
    ("宫保鸡丁", r#"["peanut"]"#, r#"["halal"]"#, true, true),
    ("虾仁豆腐", r#"["shellfish","soy"]"#, r#"["halal","soft","minced"]"#, true, false),
    ("冬瓜排骨汤", "[]", r#"["soft","low_sugar"]"#, true, false),
    ("手抓羊肉", "[]", r#"["halal"]"#, true, false),
];
const BREAKFASTS: &[usize] = &[0, 1, 2, 3, 4];
const MAINS: &[usize] = &[7, 8, 9, 10, 11, 12, 13, 14, 15];

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95), last.expect("at least one run"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Dishes, menus, subsidy categories and standing orders, in one transaction.
fn seed_meals(db: &Db, first: NaiveDate, last: NaiveDate) -> (usize, usize, usize) {
    db.write(|c| {
        let facilities: Vec<i64> = c
            .prepare("SELECT id FROM facilities WHERE kind IN ('elder_centre', 'elder_station') ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let stamp = "2026-10-20T00:00:00Z";
        let mut dish = c.prepare(
            "INSERT INTO dishes (facility_id, name, allergens, suits, added_salt, added_sugar, price_fen, created_at,
                                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 800, ?7, ?7)",
        )?;
        let mut menu = c.prepare(
            "INSERT INTO menus (facility_id, week_start, status, published_at, published_by_name, created_at, updated_at)
             VALUES (?1, ?2, 'published', ?3, 'bench', ?3, ?3)",
        )?;
        let mut item =
            c.prepare("INSERT INTO menu_items (menu_id, day, meal, dish_id, position) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let monday = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
        let mut menus = 0;
        for &f in &facilities {
            let mut ids = Vec::new();
            for (name, allergens, suits, salt, sugar) in DISHES {
                dish.execute(params![f, name, allergens, suits, salt, sugar, stamp])?;
                ids.push(c.last_insert_rowid());
            }
            let mut week = monday;
            while week <= last {
                menu.execute(params![f, week.to_string(), stamp])?;
                let menu_id = c.last_insert_rowid();
                menus += 1;
                for offset in 0..7u64 {
                    let day = week + Days::new(offset);
                    // A rotation that differs by facility and by day.
                    let k = (f as usize) * 7 + day.ordinal() as usize;
                    let breakfast = [0, BREAKFASTS[1 + k % (BREAKFASTS.len() - 1)]];
                    let lunch = [5, MAINS[k % MAINS.len()], MAINS[(k + 3) % MAINS.len()]];
                    let dinner = [6, MAINS[(k + 5) % MAINS.len()], MAINS[(k + 7) % MAINS.len()]];
                    for (meal, dishes) in [("breakfast", &breakfast[..]), ("lunch", &lunch[..]), ("dinner", &dinner[..])] {
                        for (pos, d) in dishes.iter().enumerate() {
                            item.execute(params![menu_id, day.to_string(), meal, ids[*d], pos as i64])?;
                        }
                    }
                }
                week = week + Days::new(7);
            }
        }
        c.execute(
            "UPDATE clients SET subsidy_category = CASE id % 100 WHEN 1 THEN 'extreme_poverty' WHEN 2 THEN 'extreme_poverty'
                 WHEN 3 THEN 'disabled' WHEN 4 THEN 'disabled' WHEN 5 THEN 'disabled'
                 ELSE 'low_income' END
             WHERE id % 100 BETWEEN 1 AND 12",
            [],
        )?;
        let mut order = c.prepare(
            "INSERT INTO standing_orders (client_id, facility_id, meal, weekdays, mode, from_day, created_by_name, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'bench', ?7)",
        )?;
        let clients: Vec<(i64, i64)> = c
            .prepare("SELECT id, facility_id FROM clients WHERE status = 'active' ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut orders = 0;
        for (id, facility) in clients {
            // A cheap, repeatable spread: about one active client in five eats at the centre.
            let h = (id.wrapping_mul(2_654_435_761) >> 7) % 1000;
            if h >= 200 {
                continue;
            }
            let mode = if h % 10 < 3 { "delivery" } else { "dine_in" };
            let mut add = |meal: &str, mask: i64| -> rusqlite::Result<()> {
                order.execute(params![id, facility, meal, mask, mode, first.to_string(), stamp])?;
                orders += 1;
                Ok(())
            };
            add("lunch", 0b0011111)?;
            if h % 4 == 0 {
                add("dinner", 0b1111111)?;
            }
            if h % 12 == 1 {
                add("breakfast", 0b1111111)?;
            }
        }
        Ok((facilities.len(), menus, orders))
    })
    .unwrap()
}

/// One booking in 31 cancelled; the others up to `served_through` served, with the subsidy
/// `bookings::serve` would fix.
fn play_out(db: &Db, served_through: NaiveDate) -> (usize, usize) {
    db.write(|c| {
        let cancelled = c.execute(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = created_at, cancelled_by_name = 'bench',
                                 cancel_reason = '请假'
             WHERE id % 31 = 0",
            [],
        )?;
        let served = c.execute(
            "UPDATE bookings SET status = 'served', served_at = day || 'T04:00:00Z', served_by_name = 'bench',
                    diet_confirmed_by = coalesce(diet_confirmed_by, 'bench'),
                    diet_confirmed_at = coalesce(diet_confirmed_at, day || 'T04:00:00Z'),
                    subsidy_category = meal.category, subsidy_fen = rate.fen_per_meal
             FROM (SELECT b.id, CASE
                       WHEN cl.subsidy_category = 'standard'
                            AND (CAST(substr(b.day, 1, 4) AS INTEGER) - CAST(substr(cl.birth_date, 1, 4) AS INTEGER)
                                 - (substr(b.day, 6) < substr(cl.birth_date, 6))) >= 80 THEN 'aged_80'
                       ELSE cl.subsidy_category END AS category
                   FROM bookings b JOIN clients cl ON cl.id = b.client_id
                   WHERE b.status = 'booked' AND b.day <= ?1) AS meal
             JOIN subsidy_rates rate ON rate.category = meal.category
             WHERE bookings.id = meal.id",
            [served_through.to_string()],
        )?;
        Ok((served, cancelled))
    })
    .unwrap()
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let (first, last) = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_or_create(dir.path().join("city.db"), common::clock()).unwrap();
    let admin = accounts::set_up_city_admin(&db, "admin", "管理员", "admin-pass-1").unwrap();
    let t = Instant::now();
    let seeded = demo::seed(&db, &admin, 10, &mut |_| {}).unwrap();
    println!("city-scale demo: {} clients, seeded in {:.1} s", seeded.clients, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let (facilities, menus, orders) = seed_meals(&db, first, last);
    println!(
        "meals seeded by this benchmark (SQL): {} elder facilities × {} dishes, {menus} published weekly menus, \
         {orders} standing orders, in {:.1} s",
        facilities,
        DISHES.len(),
        t.elapsed().as_secs_f64()
    );

    let facility_ids: Vec<i64> = db
        .read(|c| {
            Ok(c.prepare("SELECT DISTINCT facility_id FROM standing_orders ORDER BY facility_id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let t = Instant::now();
    let (mut booked, mut unconfirmed, mut skipped) = (0, 0, 0);
    let as_of = at("2026-10-31T00:00:00Z");
    for &f in &facility_ids {
        let r = standing::materialize(&db, &admin, f, last, as_of).unwrap();
        booked += r.booked;
        unconfirmed += r.unconfirmed_diet;
        skipped += r.skipped.len();
    }
    println!(
        "materialize (the service, {} facilities, through {last}): {booked} bookings ({unconfirmed} with diet \
         warnings to confirm), {skipped} meals skipped for an allergy, in {:.1} s",
        facility_ids.len(),
        t.elapsed().as_secs_f64()
    );
    let (served, cancelled) = play_out(&db, today - Days::new(1));
    println!("month played out (SQL): {served} served through {}, {cancelled} cancelled", today - Days::new(1));
    // Closed and opened again, as the app is from one day to the next: SQLite folds the
    // write-ahead log of all that seeding back into the database file.
    drop(db);
    let db = Db::open_or_create(dir.path().join("city.db"), common::clock()).unwrap();

    // The busiest centre and a middling one, for Monday's lunch: the sheet the kitchen prints
    // before the meal, materialized diet warnings still open.
    let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let sizes: Vec<(i64, i64)> = db
        .read(|c| {
            Ok(c.prepare(
                "SELECT facility_id, count(*) AS n FROM bookings WHERE day = ?1 AND meal = 'lunch' AND status != 'cancelled'
                 GROUP BY facility_id ORDER BY n DESC",
            )?
            .query_map([monday.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let (busiest, middling) = (sizes[0], sizes[sizes.len() / 2]);
    for (label, (facility, _)) in [("busiest centre", busiest), ("median centre", middling)] {
        let (p50, p95, sheet) =
            time(RUNS, || kitchen::kitchen_sheet(&db, &admin, facility, monday, Meal::Lunch).unwrap());
        for d in &sheet.dishes {
            assert_eq!(d.dine_in + d.delivery, d.total);
            assert_eq!(d.variants.iter().map(|v| v.total).sum::<u32>(), d.total);
        }
        println!(
            "kitchen sheet, {label} ({} bookings: {} dine-in, {} delivered; {} dishes, {} variants, {} blocked, \
             {} unconfirmed): median {:.2} ms, p95 {:.2} ms",
            sheet.bookings,
            sheet.dine_in,
            sheet.delivery,
            sheet.dishes.len(),
            sheet.dishes.iter().map(|d| d.variants.len()).sum::<usize>(),
            sheet.blocked.len(),
            sheet.unconfirmed.len(),
            ms(p50),
            ms(p95)
        );
    }
    let path = dir.path().join("kitchen.xlsx");
    let (p50, p95, report) =
        time(TOTAL_RUNS, || kitchen::export_kitchen_sheet(&db, &admin, busiest.0, monday, Meal::Lunch, &path).unwrap());
    println!(
        "kitchen sheet export (.xlsx, {} rows), busiest centre: median {:.1} ms, p95 {:.1} ms",
        report.rows,
        ms(p50),
        ms(p95)
    );

    let (p50, p95, m) = time(TOTAL_RUNS, || subsidy::month_totals(&db, &admin, Some(busiest.0), 2026, 11).unwrap());
    println!(
        "month totals, busiest centre ({} booked, {} served, {} cancelled, subsidy ¥{:.2}): median {:.2} ms, p95 {:.2} ms",
        m.all.booked,
        m.all.served,
        m.all.cancelled,
        m.subsidy_fen as f64 / 100.0,
        ms(p50),
        ms(p95)
    );
    let (p50, p95, m) = time(TOTAL_RUNS, || subsidy::month_totals(&db, &admin, None, 2026, 11).unwrap());
    println!(
        "month totals, whole city ({} booked, {} served, {} cancelled, subsidy ¥{:.2}): median {:.1} ms, p95 {:.1} ms",
        m.all.booked,
        m.all.served,
        m.all.cancelled,
        m.subsidy_fen as f64 / 100.0,
        ms(p50),
        ms(p95)
    );
    for c in &m.by_category {
        println!("  {:>16}: {:>7} meals, ¥{:.2}", c.category.as_str(), c.meals, c.fen as f64 / 100.0);
    }

    // Serving the busiest centre's dinner of the 29th (a Sunday), one booking at a time.
    let waiting: Vec<i64> = db
        .read(|c| {
            Ok(c.prepare(
                "SELECT id FROM bookings WHERE facility_id = ?1 AND day = ?2 AND meal = 'dinner' AND status = 'booked'",
            )?
            .query_map(params![busiest.0, today.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let mut times = Vec::new();
    let mut refused = 0;
    for id in &waiting {
        let t = Instant::now();
        match bookings::serve(&db, &admin, *id, true, at("2026-11-29T10:30:00Z")) {
            Ok(ServeOutcome::Served { .. }) => times.push(t.elapsed()),
            _ => refused += 1,
        }
    }
    times.sort();
    if !times.is_empty() {
        println!(
            "serve (the service, confirming open diet warnings), busiest centre's dinner of {today}: {} served, {refused} refused; median {:.2} ms, \
             p95 {:.2} ms",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        );
    }
}
