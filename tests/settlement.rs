//! The city's settlement: a facility's sheet of a month is the ledger's city shares line by
//! line and its total their sum; the manager signs a month once it is over; the city
//! office decides every line (a rejection says why) before it locks the month; a locked
//! month's meals, visits and sheet refuse every change; a later correction is an adjustment
//! on a later sheet naming the line it corrects.

use crate::common;

use carecircle_core::clock::Clock;
use carecircle_core::domain::month::Month;
use carecircle_core::domain::visits::VisitStatus;
use carecircle_core::services::fees::ledger::{self, PostingKind, What, Whom};
use carecircle_core::services::settlement::{self, AdjustmentInput, Decision, LineKind, SettlementStatus};
use carecircle_core::services::visits::record::{record_visit, VisitOutcome};
use carecircle_core::store::Db;
use carecircle_core::{CoreError, Role};
use common::code;

/// The tests' city two days into December: November is over.
fn in_december(t: &common::TestDb) -> Db {
    Db::open(t.dir.path().join("carecircle.db"), Clock::at_local(2026, 12, 2, 10, 0)).unwrap()
}

fn november() -> Month {
    Month::new(2026, 11).unwrap()
}

#[test]
fn the_sheet_is_the_ledgers_city_shares_line_by_line_and_its_total_their_sum() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let db = in_december(&t);
    let manager = common::account(&db, &admin, "boss", Role::FacilityManager, Some(a));
    let desk = common::account(&db, &admin, "desk", Role::FrontDesk, Some(a));
    let now = db.clock().now();

    // Still November on the 29th: not over, not signed.
    let early = settlement::sign(&t.db, &manager, a, november(), common::clock().now()).unwrap_err();
    assert_eq!(code(early), "settlement.month_not_over");
    assert!(matches!(settlement::sign(&db, &desk, a, november(), now), Err(CoreError::Forbidden)));

    let draft = settlement::sheet(&db, &manager, a, november()).unwrap();
    assert_eq!((draft.status, draft.over), (SettlementStatus::Draft, true));
    let sheet = settlement::sign(&db, &manager, a, november(), now).unwrap();
    assert_eq!(sheet.status, SettlementStatus::Signed);
    assert_eq!(sheet.signed_by_name.as_deref(), Some("boss"));
    // Signing writes down what the draft showed.
    assert_eq!(sheet.totals, draft.totals);
    assert_eq!(sheet.lines.len(), draft.lines.len());
    assert!(sheet.lines.iter().all(|l| l.id.is_some() && l.decision == Decision::Pending));

    // The total is its lines' sum; the meals' lines the subsidies fixed on the served
    // meals; the visits' the ledger's city shares; each line once, naming its record.
    let t2 = &sheet.totals;
    assert_eq!(t2.amount_fen, sheet.lines.iter().map(|l| l.amount_fen).sum::<i64>());
    assert_eq!(t2.amount_fen, t2.meals_fen + t2.visits_fen + t2.adjustments_fen);
    let served = format!(
        "FROM bookings WHERE facility_id = {a} AND day BETWEEN '2026-11-01' AND '2026-11-30' AND status = 'served'"
    );
    assert_eq!(
        (t2.meals, t2.meals_fen),
        (
            common::count(&db, &format!("SELECT count(*) {served} AND subsidy_fen > 0")),
            common::count(&db, &format!("SELECT sum(subsidy_fen) {served}"))
        )
    );
    let postings = db
        .read(|c| ledger::postings(c, a, november().first(), november().last(), Whom::Everyone, db.clock().today()))
        .unwrap();
    let visits: Vec<_> = postings
        .iter()
        .filter(|p| p.kind == PostingKind::Charge && matches!(p.what, What::Visit { .. }) && p.city_fen > 0)
        .collect();
    assert!(visits.len() > 10, "the city pays for home visits in November: {}", visits.len());
    assert_eq!((t2.visits, t2.visits_fen), (visits.len() as i64, visits.iter().map(|p| p.city_fen).sum::<i64>()));
    let mut sources: Vec<(String, i64)> = sheet.lines.iter().map(|l| (l.source_table.clone(), l.source_id)).collect();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), sheet.lines.len());
    // Left out and counted apart: missed, refused and cancelled visits, cancelled meals.
    let visit_count = |status: &str| {
        common::count(
            &db,
            &format!("SELECT count(*) FROM visits WHERE facility_id = {a} AND status = '{status}' AND day BETWEEN '2026-11-01' AND '2026-11-30'"),
        )
    };
    assert_eq!(
        (sheet.left_out.missed_visits, sheet.left_out.refused_visits, sheet.left_out.cancelled_visits),
        (visit_count("missed"), visit_count("refused"), visit_count("cancelled"))
    );
    assert!(sheet.left_out.missed_visits > 0);

    assert_eq!(code(settlement::sign(&db, &manager, a, november(), now).unwrap_err()), "settlement.signed_already");
    // A childcare unit's sheet: none, the city settles elder care.
    let unit = common::count(&db, "SELECT min(id) FROM facilities WHERE kind = 'childcare'");
    assert_eq!(code(settlement::sheet(&db, &admin, unit, november()).unwrap_err()), "settlement.not_elder_facility");
}

#[test]
fn the_city_decides_every_line_then_locks_the_month_and_nothing_of_it_changes() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let db = in_december(&t);
    let manager = common::account(&db, &admin, "boss", Role::FacilityManager, Some(a));
    let now = db.clock().now();
    let sheet = settlement::sign(&db, &manager, a, november(), now).unwrap();
    let ids: Vec<i64> = sheet.lines.iter().filter_map(|l| l.id).collect();
    let (first, rest) = ids.split_first().unwrap();

    // The manager signs; only the city office decides.
    assert!(matches!(
        settlement::decide(&db, &manager, a, november(), &ids, Decision::Approved, None, now),
        Err(CoreError::Forbidden)
    ));
    let no_reason = settlement::decide(&db, &admin, a, november(), &[*first], Decision::Rejected, Some(" "), now);
    assert_eq!(code(no_reason.unwrap_err()), "settlement.reason_required");
    let rejected =
        settlement::decide(&db, &admin, a, november(), &[*first], Decision::Rejected, Some("服务记录无签字"), now)
            .unwrap();
    assert_eq!(rejected.totals.pending, ids.len() as i64 - 1);
    assert_eq!(code(settlement::lock(&db, &admin, a, november(), now).unwrap_err()), "settlement.lines_pending");
    let decided = settlement::decide(&db, &admin, a, november(), rest, Decision::Approved, None, now).unwrap();
    assert_eq!(decided.totals.approved_fen + decided.totals.rejected_fen, decided.totals.amount_fen);
    assert_eq!(decided.totals.rejected_fen, sheet.lines[0].amount_fen);
    let locked = settlement::lock(&db, &admin, a, november(), now).unwrap();
    assert_eq!(locked.status, SettlementStatus::Locked);
    let before = db
        .read(|c| ledger::postings(c, a, november().first(), november().last(), Whom::Everyone, db.clock().today()))
        .unwrap();

    // A locked month refuses every change, by the services and underneath them.
    let visit = sheet.lines.iter().find(|l| l.kind == LineKind::Visit).unwrap().source_id;
    let missed = VisitOutcome {
        status: VisitStatus::Missed,
        start: None,
        end: None,
        reason: Some(carecircle_core::domain::visits::VisitReason::ClientIll),
        note: None,
    };
    assert_eq!(code(record_visit(&db, &manager, visit, &missed).unwrap_err()), "settlement.month_locked");
    for sql in [
        format!("UPDATE bookings SET status = 'cancelled' WHERE facility_id = {a} AND day = '2026-11-12'"),
        format!("DELETE FROM visits WHERE id = {visit}"),
        format!("UPDATE settlement_lines SET amount_fen = 1 WHERE id = {first}"),
        format!("DELETE FROM settlement_lines WHERE id = {first}"),
        format!("UPDATE settlements SET status = 'signed' WHERE facility_id = {a}"),
    ] {
        let refused = db.write(|c| Ok(c.execute(&sql, [])?)).unwrap_err();
        assert!(code(refused).starts_with("settlement."), "{sql}");
    }
    assert_eq!(
        code(settlement::decide(&db, &admin, a, november(), &[*first], Decision::Approved, None, now).unwrap_err()),
        "settlement.locked"
    );
    let after = db
        .read(|c| ledger::postings(c, a, november().first(), november().last(), Whom::Everyone, db.clock().today()))
        .unwrap();
    assert_eq!(after, before);

    // A correction found later goes on December's sheet, naming the line it corrects.
    let december = Month::new(2026, 12).unwrap();
    let adjust = |amount_fen, note: &str, line| AdjustmentInput {
        facility_id: a,
        month: "2026-12".into(),
        corrects_line_id: line,
        amount_fen,
        note: note.into(),
    };
    assert_eq!(
        code(settlement::add_adjustment(&db, &manager, &adjust(-300, " ", *first)).unwrap_err()),
        "settlement.adjustment_note_required"
    );
    assert_eq!(
        code(settlement::add_adjustment(&db, &manager, &adjust(0, "x", *first)).unwrap_err()),
        "settlement.adjustment_range"
    );
    let dec = settlement::add_adjustment(&db, &manager, &adjust(-300, "11月12日午餐未实际供应", *first)).unwrap();
    let adj: Vec<_> = dec.lines.iter().filter(|l| l.kind == LineKind::Adjustment).collect();
    assert_eq!(adj.len(), 1);
    assert_eq!((adj[0].amount_fen, adj[0].corrects_line_id), (-300, Some(*first)));
    assert_eq!(dec.totals.adjustments_fen, -300);
    assert_eq!(dec.status, SettlementStatus::Draft);
    assert_eq!(settlement::sheet(&db, &manager, a, december).unwrap().totals.adjustments_fen, -300);
    // Only a locked earlier month's line is corrected so.
    let second_month = settlement::add_adjustment(
        &db,
        &manager,
        &AdjustmentInput { month: "2026-11".into(), ..adjust(100, "x", *first) },
    );
    assert!(second_month.is_err());
}
