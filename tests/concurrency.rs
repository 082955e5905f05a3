//! Two windows (or the app and the CLI) on one database: each works beside the other, and
//! a database held busy elsewhere is reported in words that say what to do.

use crate::common;

use std::time::{Duration, Instant};

use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::{frontdesk, search};
use carecircle_core::{CoreError, Db, Locale};

#[test]
fn two_instances_on_one_database_work_side_by_side() {
    let (t, admin) = common::seeded();
    let path = t.db.path().to_path_buf();
    let second = Db::open(&path, common::clock()).expect("a second instance opens the same file");
    let (centre, _) = common::two_elder_facilities(&t.db);
    let clients: Vec<i64> =
        t.db.read(|c| {
            let mut s = c.prepare("SELECT id FROM clients WHERE facility_id = ?1 AND status = 'active' ORDER BY id")?;
            let ids = s.query_map([centre], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .unwrap();
    let (first_half, second_half) = clients.split_at(clients.len() / 2);
    let now = t.db.clock().now();
    std::thread::scope(|scope| {
        // The desk of one window checks people in while the other window checks its own in
        // and searches: neither waits for long, neither fails.
        let one = scope.spawn(|| {
            for id in first_half {
                frontdesk::check_in(&t.db, &admin, PersonKind::Client, *id, now).unwrap();
            }
        });
        let cache = search::SearchCache::new();
        for id in second_half {
            frontdesk::check_in(&second, &admin, PersonKind::Client, *id, now).unwrap();
            assert!(!search::search(&second, &admin, &cache, "zh", &[], 5, common::today()).unwrap().is_empty());
        }
        one.join().unwrap();
    });
    let board = frontdesk::board(&t.db, &admin, centre, common::today()).unwrap();
    assert_eq!(board.present as usize, clients.len(), "each window sees the other's check-ins");
}

#[test]
fn a_database_held_busy_elsewhere_is_reported_in_words_not_as_a_failure() {
    let t = common::temp_db();
    let holder = rusqlite::Connection::open(t.db.path()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let refused = t.db.write(|c| Ok(c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'x')", [])?));
    // It waited (the busy timeout) before giving up, then said what to do.
    assert!(started.elapsed() >= Duration::from_secs(9), "{:?}", started.elapsed());
    match refused {
        Err(e @ CoreError::Busy) => {
            let payload = e.to_payload(Locale::ZhCn);
            assert_eq!(payload.code, "db.busy");
            assert!(payload.message.contains("请稍等几秒再试"), "{}", payload.message);
        }
        other => panic!("expected busy, got {other:?}"),
    }
    holder.execute_batch("ROLLBACK").unwrap();
    // Reads never waited meanwhile, and the write goes through once the other lets go.
    t.db.write(|c| Ok(c.execute("INSERT INTO living_circles (district_id, name) VALUES (1, 'x')", [])?)).unwrap();
}
