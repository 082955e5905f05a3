//! Fees and the ledger: a month of the demo city's meals, visits and childcare days posts
//! the charges and credits an independent count (plain SQL over the same records) gives;
//! the unit's rule for absent days credits exactly the days it says; prices are never
//! changed under a charge that used them; a statement's lines add up to its balances, month
//! to month, and the arrears list owes what the statements say; the monthly report's fees
//! (PDF and workbook) are every statement added up, kept or derived.

use crate::common;

use std::collections::{HashMap, HashSet};

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::document::{Block, Cell, Document, RowKind, Table};
use carecircle_core::report::{self, ReportFormat};
use carecircle_core::services::fees::ledger::{self, PostingKind, Whom};
use carecircle_core::services::fees::{self, months, FeeItem, FeeSettingInput};
use carecircle_core::services::payments::{self, PayMethod, PaymentInput, PaymentPurpose};
use carecircle_core::store::Db;
use carecircle_core::{Locale, Role};
use chrono::NaiveDate;
use common::{code, day};

/// Prices as a manager would have set them, written straight in (the service refuses a
/// first day already served, as these are): lunch goes up mid-October.
fn set_prices(db: &Db, elder: i64, unit: i64) {
    let rows: &[(i64, &str, i64, &str)] = &[
        (elder, "meal.breakfast", 500, "2025-01-01"),
        (elder, "meal.lunch", 1200, "2025-01-01"),
        (elder, "meal.lunch", 1500, "2026-10-15"),
        (elder, "meal.dinner", 1000, "2025-01-01"),
        (elder, "visit.daily_care", 4000, "2025-01-01"),
        (elder, "visit.nursing", 6000, "2025-01-01"),
        (elder, "visit.rehabilitation", 5000, "2025-01-01"),
        (elder, "visit.medical", 8000, "2025-01-01"),
        (unit, "childcare.monthly", 80_000, "2025-01-01"),
        (unit, "childcare.meal_day", 1200, "2025-01-01"),
        (unit, "childcare.meal_day", 1300, "2026-10-12"),
        (unit, "childcare.credit_from", 1, "2025-01-01"),
    ];
    db.write(|c| {
        c.execute("DELETE FROM fee_settings WHERE facility_id IN (?1, ?2)", [elder, unit])?;
        for (facility, item, value, from) in rows {
            c.execute(
                "INSERT INTO fee_settings (facility_id, item, value, from_day, set_by_name, set_at)
                 VALUES (?1, ?2, ?3, ?4, 'test', '2025-01-01T00:00:00Z')",
                rusqlite::params![facility, item, value, from],
            )?;
        }
        Ok(())
    })
    .unwrap();
}

fn unit_with_children(db: &Db) -> i64 {
    common::count(
        db,
        "SELECT f.id FROM facilities f WHERE f.kind = 'childcare'
          ORDER BY (SELECT count(*) FROM children ch WHERE ch.facility_id = f.id) DESC LIMIT 1",
    )
}

fn all_lines(db: &Db, facility: i64, month: Month, whom: Whom) -> Vec<ledger::Posting> {
    db.read(|c| ledger::postings(c, facility, month.first(), month.last(), whom, common::today())).unwrap()
}

fn sum(lines: &[ledger::Posting], keep: impl Fn(&ledger::Posting) -> bool) -> (i64, i64, i64) {
    lines.iter().filter(|p| keep(p)).fold((0, 0, 0), |t, p| (t.0 + 1, t.1 + p.own_fen, t.2 + p.city_fen))
}

#[test]
fn a_month_of_meals_and_visits_posts_what_an_independent_count_gives() {
    let (t, _) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    let october = Month::new(2026, 10).unwrap();
    let lines = all_lines(&t.db, elder, october, Whom::Everyone);

    // Meals: one charge per served meal; cancelled and uncollected ones post nothing.
    let price = "CASE meal WHEN 'breakfast' THEN 500 WHEN 'dinner' THEN 1000
                 ELSE CASE WHEN day >= '2026-10-15' THEN 1500 ELSE 1200 END END";
    let served = format!("FROM bookings WHERE facility_id = {elder} AND day BETWEEN '2026-10-01' AND '2026-10-31'");
    let meals = sum(&lines, |p| p.purpose == PaymentPurpose::Meals && p.kind == PostingKind::Charge);
    let expected = (
        common::count(&t.db, &format!("SELECT count(*) {served} AND status = 'served'")),
        common::count(
            &t.db,
            &format!("SELECT sum(max({price} - coalesce(subsidy_fen, 0), 0)) {served} AND status = 'served'"),
        ),
        common::count(&t.db, &format!("SELECT sum(coalesce(subsidy_fen, 0)) {served} AND status = 'served'")),
    );
    assert!(expected.0 > 300, "the demo centre serves meals in October: {expected:?}");
    assert!(common::count(&t.db, &format!("SELECT count(*) {served} AND status != 'served'")) > 0);
    assert_eq!(meals, expected);

    // Visits: done ones only, priced by the minute, the city's share as fixed on the visit.
    let done = format!(
        "FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id
         WHERE v.facility_id = {elder} AND v.day BETWEEN '2026-10-01' AND '2026-10-31' AND v.status = 'done'
           AND p.service IN ('daily_care', 'nursing', 'rehabilitation', 'medical')"
    );
    let amount = "((CASE p.service WHEN 'daily_care' THEN 4000 WHEN 'nursing' THEN 6000
                    WHEN 'rehabilitation' THEN 5000 ELSE 8000 END)
                   * (v.done_end_min - v.done_start_min) + 30) / 60";
    let visits = sum(&lines, |p| p.purpose == PaymentPurpose::Visits && p.kind == PostingKind::Charge);
    let city = common::count(&t.db, &format!("SELECT sum(({amount} * v.city_percent + 50) / 100) {done}"));
    let whole = common::count(&t.db, &format!("SELECT sum({amount}) {done}"));
    let expected = (common::count(&t.db, &format!("SELECT count(*) {done}")), whole - city, city);
    assert!(expected.0 > 20 && city > 0 && city < whole, "done visits, some paid by the city: {expected:?}");
    assert!(
        common::count(
            &t.db,
            &format!(
                "SELECT count(*) FROM visits WHERE facility_id = {elder} AND day BETWEEN '2026-10-01' AND '2026-10-31'
               AND status IN ('missed', 'refused', 'cancelled')"
            )
        ) > 0
    );
    assert_eq!(visits, expected);
    // Every line names a record of its kind behind it.
    assert!(lines
        .iter()
        .filter(|p| p.kind == PostingKind::Charge)
        .all(|p| (p.source_table == "bookings") == (p.purpose == PaymentPurpose::Meals)));
    // The month's payments are on the ledger too: each once, on its day.
    let paid = sum(&lines, |p| p.kind == PostingKind::Payment);
    let received = format!(
        "FROM payments WHERE facility_id = {elder} AND received_at >= '2026-09-30T16:00:00Z' AND received_at < '2026-10-31T16:00:00Z'"
    );
    assert_eq!(
        (paid.0, -paid.1),
        (
            common::count(&t.db, &format!("SELECT count(*) {received}")),
            common::count(&t.db, &format!("SELECT coalesce(sum(amount_fen), 0) {received}")),
        )
    );
}

#[test]
fn childcare_days_post_the_meal_fee_and_absent_days_take_it_back() {
    let (t, _) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    let october = Month::new(2026, 10).unwrap();
    let lines = all_lines(&t.db, unit, october, Whom::Everyone);

    // Independently: a unit's open days are the days any child came; a child enrolled all
    // month pays the fee for each and is credited each it missed (the rule is "every day"),
    // so it pays the meal fee of the days it came, at the day's price.
    let open = "SELECT DISTINCT day FROM attendance WHERE facility_id = {unit} AND person_kind = 'child'
                  AND day BETWEEN '2026-10-01' AND '2026-10-31'"
        .replace("{unit}", &unit.to_string());
    let open_days = common::count(&t.db, &format!("SELECT count(*) FROM ({open})"));
    assert!(open_days >= 15, "the unit opened in October: {open_days}");
    let fee = "CASE WHEN day >= '2026-10-12' THEN 1300 ELSE 1200 END";
    let children =
        t.db.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id FROM children WHERE facility_id = ?1 AND enrolled_on <= '2026-10-01'
                   AND (left_on IS NULL OR left_on > '2026-10-31')",
            )?;
            let ids = stmt.query_map([unit], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids)
        })
        .unwrap();
    assert!(children.len() >= 5);
    let mut credited_somewhere = false;
    for child in &children {
        let came = format!(
            "FROM (SELECT DISTINCT day FROM attendance WHERE person_kind = 'child' AND person_id = {child}
                     AND facility_id = {unit} AND day BETWEEN '2026-10-01' AND '2026-10-31')"
        );
        let mine: Vec<_> = lines.iter().filter(|p| p.person_id == *child && p.source_table != "payments").collect();
        let meals: i64 = mine.iter().filter(|p| p.purpose == PaymentPurpose::ChildcareMeals).map(|p| p.own_fen).sum();
        assert_eq!(meals, common::count(&t.db, &format!("SELECT coalesce(sum({fee}), 0) {came}")), "child {child}");
        let charges =
            mine.iter().filter(|p| p.kind == PostingKind::Charge && p.purpose == PaymentPurpose::ChildcareMeals);
        assert_eq!(charges.count() as i64, open_days, "a meal-fee charge per open day, child {child}");
        let credits = mine.iter().filter(|p| p.kind == PostingKind::Credit).count() as i64;
        assert_eq!(credits, open_days - common::count(&t.db, &format!("SELECT count(*) {came}")));
        credited_somewhere |= credits > 0;
        let monthly: Vec<_> = mine.iter().filter(|p| p.purpose == PaymentPurpose::ChildcareFee).collect();
        assert_eq!(monthly.len(), 1, "one monthly fee");
        assert_eq!((monthly[0].day, monthly[0].own_fen), (day("2026-10-01"), 80_000));
    }
    assert!(credited_somewhere, "some child missed a day in October");
}

/// Replaces a child's October days in with all the unit's open days but `absent` (indexes
/// into the open days), and returns the open days.
fn october_days_in(db: &Db, unit: i64, child: i64, absent: &[usize]) -> Vec<NaiveDate> {
    db.write(|c| {
        let open: Vec<NaiveDate> = c
            .prepare(
                "SELECT DISTINCT day FROM attendance WHERE facility_id = ?1 AND person_kind = 'child'
                   AND person_id != ?2 AND day BETWEEN '2026-10-01' AND '2026-10-31' ORDER BY day",
            )?
            .query_map([unit, child], |r| r.get::<_, String>(0))?
            .map(|d| d.map(|d| d.parse().unwrap()))
            .collect::<rusqlite::Result<_>>()?;
        c.execute(
            "DELETE FROM attendance WHERE person_kind = 'child' AND person_id = ?1 AND day BETWEEN '2026-10-01' AND '2026-10-31'",
            [child],
        )?;
        for (_, d) in open.iter().enumerate().filter(|(i, _)| !absent.contains(i)) {
            c.execute(
                "INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by, out_at, out_by)
                 VALUES (?1, 'child', ?2, ?3, ?3 || 'T00:30:00Z', 1, ?3 || 'T09:00:00Z', 1)",
                rusqlite::params![unit, child, d.to_string()],
            )?;
        }
        Ok(open)
    })
    .unwrap()
}

#[test]
fn the_units_rule_credits_absent_days_from_the_nth_of_a_run() {
    let (t, admin) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    // From the 3rd day of a run: a 2-day absence is not credited, a 4-day one from its 3rd.
    t.db.write(|c| {
        Ok(c.execute(
            "UPDATE fee_settings SET value = 3 WHERE facility_id = ?1 AND item = 'childcare.credit_from'",
            [unit],
        )?)
    })
    .unwrap();
    let child = common::count(
        &t.db,
        &format!("SELECT min(id) FROM children WHERE facility_id = {unit} AND enrolled_on <= '2026-10-01' AND left_on IS NULL"),
    );
    let open = october_days_in(&t.db, unit, child, &[1, 2, 5, 6, 7, 8]);
    let october = Month::new(2026, 10).unwrap();
    let lines = all_lines(&t.db, unit, october, Whom::One(PersonKind::Child, child));
    let credited: Vec<NaiveDate> = lines.iter().filter(|p| p.kind == PostingKind::Credit).map(|p| p.day).collect();
    assert_eq!(credited, vec![open[7], open[8]]);
    let fee = |d: NaiveDate| if d >= day("2026-10-12") { 1300 } else { 1200 };
    let charged: i64 = open.iter().map(|d| fee(*d)).sum();
    let meals: i64 = lines
        .iter()
        .filter(|p| p.purpose == PaymentPurpose::ChildcareMeals && p.source_table != "payments")
        .map(|p| p.own_fen)
        .sum();
    assert_eq!(meals, charged - fee(open[7]) - fee(open[8]));
    // The same child's statement asks the same: the month's fee and the meal money apart.
    let desk = common::account(&t.db, &admin, "desk_u", Role::FrontDesk, Some(unit));
    let st = ledger::statement(&t.db, &desk, PersonKind::Child, child, october).unwrap();
    let by = |p| st.by_purpose.iter().find(|t| t.purpose == Some(p)).unwrap();
    assert_eq!(by(PaymentPurpose::ChildcareMeals).charged_fen - by(PaymentPurpose::ChildcareMeals).credited_fen, meals);
    assert_eq!(by(PaymentPurpose::ChildcareFee).charged_fen, 80_000);
}

#[test]
fn statements_carry_their_balance_from_month_to_month_and_the_arrears_list_agrees() {
    let (t, admin) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(elder));
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(elder));
    let client = common::count(
        &t.db,
        &format!(
            "SELECT client_id FROM bookings WHERE facility_id = {elder} AND status = 'served'
              AND day BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY client_id ORDER BY count(*) DESC LIMIT 1"
        ),
    );
    let (october, november) = (Month::new(2026, 10).unwrap(), Month::new(2026, 11).unwrap());
    let oct = ledger::statement(&t.db, &desk, PersonKind::Client, client, october).unwrap();
    assert!(oct.total.charged_fen > 0 && !oct.partial);

    // Paid in November: one receipt kept, one voided; the void puts its money back.
    let pay = |fen| PaymentInput {
        person_kind: PersonKind::Client,
        person_id: client,
        payer_name: "家属".into(),
        purpose: PaymentPurpose::Meals,
        note: None,
        amount_fen: fen,
        method: PayMethod::Cash,
    };
    let now = common::clock().now();
    let before = ledger::statement(&t.db, &desk, PersonKind::Client, client, november).unwrap();
    payments::record(&t.db, &desk, &pay(10_000), now).unwrap();
    let wrong = payments::record(&t.db, &desk, &pay(99_999), now).unwrap();
    payments::void(&t.db, &manager, wrong.id, "金额录错", now).unwrap();

    let nov = ledger::statement(&t.db, &desk, PersonKind::Client, client, november).unwrap();
    assert!(nov.partial, "November is not over on the 29th");
    assert_eq!(nov.total.opening_fen, oct.total.closing_fen);
    assert_eq!(nov.total.paid_fen - before.total.paid_fen, 10_000);
    assert_eq!(nov.total.closing_fen, before.total.closing_fen - 10_000);
    let kinds: Vec<PostingKind> = nov.lines[before.lines.len()..].iter().map(|p| p.kind).collect();
    assert_eq!(kinds, vec![PostingKind::Payment, PostingKind::Payment, PostingKind::Reversal]);
    for st in [&oct, &nov] {
        let t = &st.total;
        assert_eq!(t.opening_fen + t.charged_fen - t.credited_fen - t.paid_fen, t.closing_fen);
        assert_eq!(t.closing_fen - t.opening_fen, st.lines.iter().map(|p| p.own_fen).sum::<i64>());
        assert_eq!(t.closing_fen, st.by_purpose.iter().map(|p| p.closing_fen).sum::<i64>());
    }

    // The arrears list at October's end owes each person what their statement closes at.
    let list = ledger::arrears(&t.db, &desk, elder, october.last()).unwrap();
    assert!(list.len() > 5, "{} owe", list.len());
    assert!(list.windows(2).all(|w| w[0].owed_fen >= w[1].owed_fen), "most owed first");
    for a in list.iter().take(5) {
        let st = ledger::statement(&t.db, &desk, a.person_kind, a.person_id, october).unwrap();
        assert_eq!(st.total.closing_fen, a.owed_fen, "{}", a.name);
    }
    let owed = list.iter().find(|a| a.person_id == client).map_or(0, |a| a.owed_fen);
    assert_eq!(owed, oct.total.closing_fen);
}

#[test]
fn a_price_is_never_changed_under_a_charge_that_used_it() {
    let (t, admin) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    let manager = common::account(&t.db, &admin, "boss", Role::FacilityManager, Some(elder));
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(elder));
    let now = common::clock().now();
    let lunch = |from: &str, value| FeeSettingInput {
        facility_id: elder,
        item: FeeItem::MealLunch,
        value,
        from_day: day(from),
    };
    let october = Month::new(2026, 10).unwrap();
    let before = all_lines(&t.db, elder, october, Whom::Everyone);

    // From a day lunches were served since: refused, and nothing changes.
    let refused = fees::set(&t.db, &manager, &lunch("2026-10-20", 1800), now).unwrap_err();
    assert_eq!(code(refused), "fees.used");
    assert_eq!(all_lines(&t.db, elder, october, Whom::Everyone), before);

    // From the 1st of next month: taken, and put right before the day comes.
    let set = fees::set(&t.db, &manager, &lunch("2026-12-01", 1800), now).unwrap();
    assert_eq!(set.value, 1800);
    fees::set(&t.db, &manager, &lunch("2026-12-01", 1600), now).unwrap();
    let rows = fees::settings(&t.db, &manager, elder).unwrap();
    let lunches: Vec<i64> = rows.iter().filter(|s| s.item == FeeItem::MealLunch).map(|s| s.value).collect();
    assert_eq!(lunches, vec![1200, 1500, 1600]);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'fee_setting'"), 2);

    for (input, expected) in [
        (lunch("2026-12-01", -1), "fees.value_range"),
        (lunch("2026-12-01", 10_001), "fees.value_range"),
        (lunch("2028-01-01", 1500), "fees.too_far_ahead"),
        (
            FeeSettingInput { item: FeeItem::ChildcareMonthly, ..lunch("2026-12-01", 80_000) },
            "fees.item_not_for_facility",
        ),
        (
            FeeSettingInput { item: FeeItem::ChildcareCreditFrom, facility_id: unit, ..lunch("2026-12-01", 0) },
            "fees.value_range",
        ),
    ] {
        let admin_err = fees::set(&t.db, &admin, &input, now).unwrap_err();
        assert_eq!(code(admin_err), expected, "{input:?}");
    }
    assert!(matches!(
        fees::set(&t.db, &desk, &lunch("2026-12-02", 1500), now).unwrap_err(),
        carecircle_core::CoreError::Forbidden
    ));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM fee_settings WHERE from_day = '2026-12-02'"), 0);
}

#[test]
fn a_visits_city_share_is_fixed_when_it_is_recorded_done() {
    let (t, admin) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    set_prices(&t.db, elder, unit);
    let october = Month::new(2026, 10).unwrap();
    let visit = common::count(
        &t.db,
        &format!(
            "SELECT v.id FROM visits v JOIN clients c ON c.id = v.client_id
              WHERE v.facility_id = {elder} AND v.status = 'done' AND v.place = 'home'
                AND c.subsidy_category IN ('low_income', 'extreme_poverty', 'disabled')
                AND v.day BETWEEN '2026-10-01' AND '2026-10-31' LIMIT 1"
        ),
    );
    let line = |db: &Db| {
        all_lines(db, elder, october, Whom::Everyone)
            .into_iter()
            .find(|p| p.source_table == "visits" && p.source_id == visit)
    };
    let paid_by_city = line(&t.db).expect("priced");
    assert_eq!(
        (paid_by_city.own_fen, paid_by_city.city_fen > 0),
        (0, true),
        "the city pays all for a low-income client"
    );
    // The client's category changes later: October stays as it was.
    t.db.write(|c| {
        Ok(c.execute(
            "UPDATE clients SET subsidy_category = 'standard' WHERE id = (SELECT client_id FROM visits WHERE id = ?1)",
            [visit],
        )?)
    })
    .unwrap();
    assert_eq!(line(&t.db), Some(paid_by_city));
    let _ = admin;
}

/// The report's table of fees (its sheet in the workbook: 收费).
fn fees_table(doc: &Document) -> &Table {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.sheet == "收费" => Some(t),
            _ => None,
        })
        .expect("the report has its fees table")
}

/// The fees section's table and facts of a facility's report: the total row's money cells
/// (charged, credited, city, paid) and the fact values by label.
fn report_money(doc: &Document) -> (Vec<Cell>, HashMap<String, Cell>) {
    let table = fees_table(doc);
    let total = table.rows.last().expect("a total row");
    assert_eq!(total.kind, RowKind::Total);
    let facts = doc
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Facts(f) => f.iter().map(|f| (f.label.clone(), f.value.clone())).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect();
    (total.cells[1..].to_vec(), facts)
}

#[test]
fn the_report_s_fees_are_every_statement_added_up_in_the_pdf_the_workbook_and_the_months_kept() {
    let (t, admin) = common::seeded();
    let (elder, _) = common::two_elder_facilities(&t.db);
    let unit = unit_with_children(&t.db);
    let october = Month::new(2026, 10).unwrap();
    let kept = |f: i64| {
        common::count(
            &t.db,
            &format!("SELECT count(*) FROM ledger_months_done WHERE facility_id = {f} AND month = '2026-10'"),
        ) == 1
    };
    assert!(kept(elder) && kept(unit), "the demo keeps the months that are over");
    // New prices from a year back: every month of both is derived again.
    set_prices(&t.db, elder, unit);
    assert!(!kept(elder) && !kept(unit), "a change of price takes the months it prices off");

    for facility in [elder, unit] {
        let today = common::today();
        let derived = t.db.read(|c| months::month_money(c, facility, october, today)).unwrap();
        let doc =
            report::build(&t.db, &admin, Some(facility), october, Locale::ZhCn, common::clock().now(), &mut |_| {})
                .unwrap();
        assert!(kept(facility), "the report keeps the month it read");
        let from_kept = t.db.read(|c| months::month_money(c, facility, october, today)).unwrap();
        assert_eq!(from_kept, derived, "kept or derived, the same figures");

        // Independently: every person with a line up to October's end, their statements added up.
        let people: HashSet<(PersonKind, i64)> =
            t.db.read(|c| ledger::postings(c, facility, day("2025-01-01"), october.last(), Whom::Everyone, today))
                .unwrap()
                .into_iter()
                .map(|p| (p.person_kind, p.person_id))
                .collect();
        assert!(people.len() > 10, "{} people", people.len());
        let (mut charged, mut credited, mut city, mut paid) = (0, 0, 0, 0);
        let (mut owing, mut owed, mut in_hand) = (0, 0, 0);
        for &(kind, id) in &people {
            let st = ledger::statement(&t.db, &admin, kind, id, october).unwrap();
            charged += st.total.charged_fen;
            credited += st.total.credited_fen;
            city += st.total.city_fen;
            paid += st.total.paid_fen;
            match st.total.closing_fen {
                fen if fen > 0 => {
                    owing += 1;
                    owed += fen;
                }
                fen => in_hand -= fen,
            }
        }
        let total = derived.total();
        assert!(charged > 0 && paid > 0, "charged {charged}, paid {paid}");
        assert_eq!(
            (total.charged_fen, total.credited_fen, total.city_fen, total.paid_fen),
            (charged, credited, city, paid)
        );
        assert_eq!((derived.owing, derived.owed_fen, derived.in_hand_fen), (owing, owed, in_hand));
        let list = ledger::arrears(&t.db, &admin, facility, october.last()).unwrap();
        assert_eq!((list.len() as i64, list.iter().map(|a| a.owed_fen).sum::<i64>()), (owing, owed));
        if facility == unit {
            assert!(credited > 0, "absent days are credited");
        }

        let (cells, facts) = report_money(&doc);
        assert_eq!(cells, vec![Cell::Fen(charged), Cell::Fen(credited), Cell::Fen(city), Cell::Fen(paid)]);
        assert_eq!(facts["月末欠费人数"], Cell::Int(owing));
        assert_eq!(facts["月末欠费金额"], Cell::Fen(owed));
        assert_eq!(facts["月末预交余额"], Cell::Fen(in_hand));

        // The workbook's sheet of the same table: yuan to the fen.
        let path = t.dir.path().join(format!("report-{facility}.xlsx"));
        std::fs::write(&path, report::render(&doc, ReportFormat::Xlsx, Locale::ZhCn).unwrap()).unwrap();
        use calamine::{open_workbook, DataType, Reader, Xlsx};
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let sheet = book.worksheet_range("收费").unwrap();
        let last = sheet.rows().next_back().unwrap();
        assert_eq!(last[0].to_string(), "合计");
        let fen = |i: usize| (last[i].as_f64().expect("a number") * 100.0).round() as i64;
        assert_eq!((fen(1), fen(2), fen(3), fen(4)), (charged, credited, city, paid));
    }

    // A meal of October served by mistake, put right: October is derived again and owes less.
    let before = t.db.read(|c| months::month_money(c, elder, october, common::today())).unwrap();
    let booking = common::count(
        &t.db,
        &format!(
            "SELECT b.id FROM bookings b WHERE b.facility_id = {elder} AND b.status = 'served'
               AND b.day = '2026-10-20' AND b.meal = 'lunch' ORDER BY b.id LIMIT 1"
        ),
    );
    t.db.write(|c| Ok(c.execute("UPDATE bookings SET status = 'cancelled' WHERE id = ?1", [booking])?)).unwrap();
    assert!(
        common::count(
            &t.db,
            &format!("SELECT count(*) FROM ledger_months_done WHERE facility_id = {elder} AND month >= '2026-10'")
        ) == 0,
        "the month changed and every later one are taken off"
    );
    let after = t.db.read(|c| months::month_money(c, elder, october, common::today())).unwrap();
    let subsidy = common::count(&t.db, &format!("SELECT coalesce(subsidy_fen, 0) FROM bookings WHERE id = {booking}"));
    assert_eq!(before.total().charged_fen - after.total().charged_fen, (1500 - subsidy).max(0), "one lunch at ¥15");
    t.db.write(|c| months::keep(c, Some(elder), october, common::today())).unwrap();
    assert!(kept(elder));
    assert_eq!(t.db.read(|c| months::month_money(c, elder, october, common::today())).unwrap(), after);
}

#[test]
fn the_city_report_s_fees_row_is_each_facility_s_month_and_the_total_their_sum() {
    let (t, admin) = common::seeded();
    let october = Month::new(2026, 10).unwrap();
    let doc = report::build(&t.db, &admin, None, october, Locale::ZhCn, common::clock().now(), &mut |_| {}).unwrap();
    let table = fees_table(&doc);
    let ids: Vec<(i64, String)> =
        t.db.read(|c| {
            let mut stmt = c.prepare("SELECT id, name FROM facilities")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    let (mut paid, mut owed) = (0, 0);
    for (id, name) in &ids {
        let m = t.db.read(|c| months::month_money(c, *id, october, common::today())).unwrap();
        let row = table.rows.iter().find(|r| r.cells[0] == Cell::Text(name.clone())).expect("a row per facility");
        assert_eq!(row.cells[4], Cell::Fen(m.total().paid_fen), "{name}");
        assert_eq!(row.cells[6], Cell::Fen(m.owed_fen), "{name}");
        paid += m.total().paid_fen;
        owed += m.owed_fen;
    }
    let city = table.rows.last().unwrap();
    assert_eq!(city.cells[0], Cell::Text("全市合计".into()));
    assert_eq!((city.cells[4].clone(), city.cells[6].clone()), (Cell::Fen(paid), Cell::Fen(owed)));
    assert!(paid > 0 && owed > 0);
}
