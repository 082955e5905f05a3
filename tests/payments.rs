//! Payments and their receipts: numbered per facility, PC and year with no gap and no
//! repeat, even with two windows paying at once; never changed or deleted; a receipt given
//! in error voided by a manager, keeping its number, on the audit log.

use crate::common;

use carecircle_core::domain::person::PersonKind;
use carecircle_core::services::payments::{self, PayMethod, PaymentInput, PaymentPurpose};
use carecircle_core::store::Db;
use carecircle_core::{CoreError, Role};
use common::code;

fn lunch_money(client: i64, fen: i64) -> PaymentInput {
    PaymentInput {
        person_kind: PersonKind::Client,
        person_id: client,
        payer_name: " 王丽 ".into(),
        purpose: PaymentPurpose::Meals,
        note: Some("2026年12月餐费".into()),
        amount_fen: fen,
        method: PayMethod::Wechat,
    }
}

fn first_client(db: &Db, facility: i64) -> i64 {
    common::count(db, &format!("SELECT min(id) FROM clients WHERE facility_id = {facility} AND status = 'active'"))
}

/// The last receipt number of PC 1's series of 2026 at a facility: the demo city's year of
/// payments came before the test's.
fn last_seq(db: &Db, facility: i64) -> i64 {
    common::count(
        db,
        &format!(
            "SELECT coalesce(max(receipt_seq), 0) FROM payments
              WHERE facility_id = {facility} AND receipt_year = 2026 AND receipt_pc = 1"
        ),
    )
}

fn no(seq: i64) -> String {
    format!("2026-01-{seq:06}")
}

/// The receipt numbers of a facility's payments after payment `after`, in the order taken.
fn seqs(db: &Db, facility: i64, after: i64) -> Vec<i64> {
    db.read(|c| {
        let mut stmt = c.prepare("SELECT receipt_seq FROM payments WHERE facility_id = ?1 AND id > ?2 ORDER BY id")?;
        let rows = stmt.query_map([facility, after], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    })
    .unwrap()
}

#[test]
fn receipts_run_one_two_three_within_the_year_and_start_again_with_the_next() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = first_client(&t.db, a);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let last = last_seq(&t.db, a);

    let first = payments::record(&t.db, &desk, &lunch_money(client, 36_050), common::clock().now()).unwrap();
    assert_eq!(first.receipt_no, no(last + 1), "PC 1: this PC has not joined the hub");
    assert_eq!(first.payer_name, "王丽");
    assert_eq!(first.amount_words, "人民币叁佰陆拾元零伍角整");
    assert_eq!(first.received_by_name, "desk");
    let second = payments::record(&t.db, &desk, &lunch_money(client, 100), common::clock().now()).unwrap();
    assert_eq!(second.receipt_no, no(last + 2));

    // The last minute of the year in Wuhai, then the first of the next: a new series.
    let eve = common::at("2026-12-31T15:59:00Z");
    let new_year = common::at("2026-12-31T16:01:00Z");
    assert_eq!(payments::record(&t.db, &desk, &lunch_money(client, 100), eve).unwrap().receipt_no, no(last + 3));
    assert_eq!(
        payments::record(&t.db, &desk, &lunch_money(client, 100), new_year).unwrap().receipt_no,
        "2027-01-000001"
    );

    // A PC that joined the hub numbers its receipts with the hub's number of it.
    t.db.write(|c| Ok(c.execute("UPDATE sync_state SET pc = 'joined', pc_number = NULL", [])?)).unwrap();
    let refused = payments::record(&t.db, &desk, &lunch_money(client, 100), common::clock().now()).unwrap_err();
    assert_eq!(code(refused), "payment.pc_unnumbered");
    t.db.write(|c| Ok(c.execute("UPDATE sync_state SET pc_number = 3", [])?)).unwrap();
    let third_pc = payments::record(&t.db, &desk, &lunch_money(client, 100), common::clock().now()).unwrap();
    assert_eq!(third_pc.receipt_no, "2026-03-000001");
}

#[test]
fn two_windows_paying_at_once_never_share_or_skip_a_number() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = first_client(&t.db, a);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let path = t.dir.path().join("carecircle.db");
    let (last, before) = (last_seq(&t.db, a), common::count(&t.db, "SELECT max(id) FROM payments"));
    const EACH: i64 = 40;
    std::thread::scope(|s| {
        for window in 0..2 {
            let (desk, path) = (&desk, &path);
            s.spawn(move || {
                // A window of its own: its own connections to the same file.
                let db = Db::open(path, common::clock()).unwrap();
                for i in 0..EACH {
                    let fen = 100 * (window * EACH + i + 1);
                    payments::record(&db, desk, &lunch_money(client, fen), common::clock().now()).unwrap();
                }
            });
        }
    });
    let mut numbers = seqs(&t.db, a, before);
    numbers.sort_unstable();
    assert_eq!(numbers, (last + 1..=last + 2 * EACH).collect::<Vec<_>>());
    // Every amount once: no payment lost or written twice.
    let total = common::count(
        &t.db,
        &format!("SELECT sum(amount_fen) FROM payments WHERE facility_id = {a} AND id > {before}"),
    );
    assert_eq!(total, 100 * (1..=2 * EACH).sum::<i64>());
}

#[test]
fn a_bad_payment_writes_nothing_and_only_the_desk_and_managers_take_money() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let client = first_client(&t.db, a);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let other_desk = common::account(&t.db, &admin, "desk_b", Role::FrontDesk, Some(b));
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    let now = common::clock().now();
    let before = common::count(&t.db, "SELECT count(*) FROM payments");
    for (input, expected) in [
        (lunch_money(client, 0), "payment.amount_positive"),
        (lunch_money(client, -500), "payment.amount_positive"),
        (lunch_money(client, 10_000_001), "payment.amount_too_large"),
        (PaymentInput { payer_name: "  ".into(), ..lunch_money(client, 100) }, "payment.payer_required"),
        (PaymentInput { person_kind: PersonKind::Staff, ..lunch_money(client, 100) }, "payment.person_kind"),
        (
            PaymentInput { purpose: PaymentPurpose::ChildcareFee, ..lunch_money(client, 100) },
            "payment.purpose_not_for_person",
        ),
    ] {
        assert_eq!(code(payments::record(&t.db, &desk, &input, now).unwrap_err()), expected);
    }
    assert!(matches!(payments::record(&t.db, &nurse, &lunch_money(client, 100), now), Err(CoreError::Forbidden)));
    assert!(matches!(payments::record(&t.db, &other_desk, &lunch_money(client, 100), now), Err(CoreError::Forbidden)));
    let nobody = PaymentInput { person_id: 999_999, ..lunch_money(client, 100) };
    assert!(matches!(payments::record(&t.db, &desk, &nobody, now), Err(CoreError::NotFound { .. })));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM payments"), before);
}

#[test]
fn a_receipt_given_in_error_is_voided_keeping_its_number_and_nothing_is_ever_edited() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = first_client(&t.db, a);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(a));
    let now = common::clock().now();
    let last = last_seq(&t.db, a);
    let wrong = payments::record(&t.db, &desk, &lunch_money(client, 3_600_000), now).unwrap();

    assert!(matches!(payments::void(&t.db, &desk, wrong.id, "多打了两个零", now), Err(CoreError::Forbidden)));
    assert_eq!(code(payments::void(&t.db, &manager, wrong.id, " ", now).unwrap_err()), "payment.void_reason_required");
    let void = payments::void(&t.db, &manager, wrong.id, "多打了两个零", now).unwrap();
    assert_eq!((void.receipt_no.as_str(), void.amount_fen), (wrong.receipt_no.as_str(), 3_600_000));
    assert_eq!(void.voided_by_name.as_deref(), Some("boss"));
    assert_eq!(code(payments::void(&t.db, &manager, wrong.id, "again", now).unwrap_err()), "payment.already_void");
    // The right amount under the next number: the void one keeps its place in the series.
    let right = payments::record(&t.db, &desk, &lunch_money(client, 36_000), now).unwrap();
    assert_eq!((wrong.receipt_no, right.receipt_no.clone()), (no(last + 1), no(last + 2)));

    // Underneath the service too: no edit, no delete, not even of the void mark.
    for sql in [
        format!("UPDATE payments SET amount_fen = 36000 WHERE id = {}", wrong.id),
        format!("UPDATE payments SET void_reason = 'x' WHERE id = {}", wrong.id),
        format!("UPDATE payments SET receipt_seq = 9 WHERE id = {}", right.id),
        format!("DELETE FROM payments WHERE id = {}", right.id),
    ] {
        let refused = t.db.write(|c| Ok(c.execute(&sql, [])?)).unwrap_err();
        assert_eq!(code(refused), "payment.kept", "{sql}");
    }
    let listed = payments::for_person(&t.db, &desk, PersonKind::Client, client).unwrap();
    assert_eq!(listed.iter().take(2).map(|p| p.id).collect::<Vec<_>>(), [right.id, wrong.id]);
    let actions = common::count(
        &t.db,
        &format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'payment' AND entity_id = '{}' AND action IN ('create', 'void')",
            wrong.id
        ),
    );
    assert_eq!(actions, 2);
}
