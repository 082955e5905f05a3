//! The ledger: every charge, credit and payment of a facility's people, derived from the
//! records behind them with the fee settings of their day (docs/money.md, "Charges, credits
//! and the two payers").
//!
//! - A meal served: its meal's price, split into the city's subsidy fixed on the booking
//!   when it was served, and the person's share, the rest (never below 0). A meal cancelled
//!   posts nothing; a meal booked and not served posts nothing.
//! - A visit done: the service's hourly price for the minutes recorded (the planned length
//!   when no times were kept), rounded to the fen; the city pays the share fixed on the
//!   visit when it was recorded done (home visits only, by the client's category).
//! - A childcare unit: the monthly fee once for each month a child is enrolled in (on the
//!   month's first day, or the day of enrolment); the meal fee for every day the unit was
//!   open (a day any child of it came in) while the child was enrolled; and a credit of
//!   that day's meal fee for each absent day from the unit's `credit_from`-th day of a run
//!   of absent open days. Runs are counted within the month, so a month's charges never
//!   depend on the month before. Days are charged once they are over (today's attendance is
//!   not yet complete).
//! - A payment: its amount, on its local day; a voided payment is reversed on the day it
//!   was voided (the receipt keeps its number and both lines show).
//!
//! Amounts are whole fen; a person's balance is what they owe (positive) or have in hand
//! (negative).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::{FeeItem, PriceBook};
use crate::clock::{from_local, local_day};
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::Service;
use crate::domain::meals::Meal;
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::error::{Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::payments::{receipt_no, PayMethod, PaymentPurpose};
use crate::services::scope::facility_for;
use crate::store::{parse_utc_stamp, read, Db};

code_enum! {
    /// What a ledger line does to the balance.
    PostingKind {
        /// Something given: the person owes their share.
        Charge = "charge",
        /// Something charged and not given (an absent day's meals): taken off.
        Credit = "credit",
        /// Money received.
        Payment = "payment",
        /// A voided receipt's money put back on the balance.
        Reversal = "reversal",
    }
}

/// What a line is for, as the statement names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum What {
    Meal {
        meal: Meal,
    },
    Visit {
        service: Service,
        minutes: i64,
        fen_per_hour: i64,
    },
    /// 保育费 of a month ("2026-11").
    MonthlyFee {
        month: String,
    },
    /// 伙食费 of a day the unit was open.
    MealDay,
    /// 伙食费 credited for an absent day.
    AbsentDay,
    Payment {
        receipt_no: String,
        method: PayMethod,
    },
    Void {
        receipt_no: String,
    },
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Posting {
    pub person_kind: PersonKind,
    pub person_id: i64,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub purpose: PaymentPurpose,
    pub kind: PostingKind,
    pub what: What,
    /// The whole price of what was given (before the city's share), for charges and credits.
    pub price_fen: Option<i64>,
    /// The city's share of a charge.
    pub city_fen: i64,
    /// The change to the person's balance: + for a charge or a reversal, − for a credit or
    /// a payment.
    pub own_fen: i64,
    /// The record behind it: its table and id.
    pub source_table: String,
    pub source_id: i64,
}

/// Whose lines to read: one person, or everyone of the facility.
#[derive(Debug, Clone, Copy)]
pub enum Whom {
    Everyone,
    One(PersonKind, i64),
}

impl Whom {
    fn client(self) -> Option<Option<i64>> {
        match self {
            Whom::Everyone => Some(None),
            Whom::One(PersonKind::Client, id) => Some(Some(id)),
            Whom::One(..) => None,
        }
    }

    fn child(self) -> Option<Option<i64>> {
        match self {
            Whom::Everyone => Some(None),
            Whom::One(PersonKind::Child, id) => Some(Some(id)),
            Whom::One(..) => None,
        }
    }
}

/// Rounds `n / d` half up, for non-negative `n` and positive `d`.
fn div_round(n: i64, d: i64) -> i64 {
    (n + d / 2) / d
}

/// The price of `minutes` of a service at `fen_per_hour`, to the nearest fen.
pub fn visit_price(fen_per_hour: i64, minutes: i64) -> i64 {
    div_round(fen_per_hour * minutes, 60)
}

/// The city's share of a visit's price at `percent`, to the nearest fen.
pub fn city_share(price: i64, percent: i64) -> i64 {
    div_round(price * percent, 100)
}

/// The facility's ledger lines dated `from` to `to` (both included), in day order, with the
/// settings of each line's day; `today` is the day in Wuhai (days after it post nothing,
/// childcare days from it on are not yet over).
pub fn postings(
    c: &Connection,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    whom: Whom,
    today: NaiveDate,
) -> Result<Vec<Posting>> {
    let book = PriceBook::load(c, facility_id)?;
    let to = to.min(today);
    let mut out = Vec::new();
    if from > to {
        return Ok(out);
    }
    if let Some(client) = whom.client() {
        meals(c, &book, facility_id, from, to, client, &mut out)?;
        visits(c, &book, facility_id, from, to, client, &mut out)?;
    }
    if let Some(child) = whom.child() {
        childcare(c, &book, facility_id, from, to, child, today, &mut out)?;
    }
    payments(c, facility_id, from, to, whom, &mut out)?;
    out.sort_by_key(|a| (a.day, a.person_kind, a.person_id));
    Ok(out)
}

fn meals(
    c: &Connection,
    book: &PriceBook,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    client: Option<i64>,
    out: &mut Vec<Posting>,
) -> Result<()> {
    let mut stmt = c.prepare_cached(
        "SELECT id, client_id, day, meal, coalesce(subsidy_fen, 0) FROM bookings
         WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'served'
           AND (?4 IS NULL OR client_id = ?4)",
    )?;
    let mut rows = stmt.query(params![facility_id, from.to_string(), to.to_string(), client])?;
    while let Some(r) = rows.next()? {
        let (day, meal): (NaiveDate, Meal) = (read::day(r, 2)?, r.get(3)?);
        let subsidy: i64 = r.get(4)?;
        let price = book.on(FeeItem::of_meal(meal), day);
        out.push(Posting {
            person_kind: PersonKind::Client,
            person_id: r.get(1)?,
            day,
            purpose: PaymentPurpose::Meals,
            kind: PostingKind::Charge,
            what: What::Meal { meal },
            price_fen: price,
            city_fen: subsidy,
            own_fen: price.map_or(0, |p| (p - subsidy).max(0)),
            source_table: "bookings".into(),
            source_id: r.get(0)?,
        });
    }
    Ok(())
}

fn visits(
    c: &Connection,
    book: &PriceBook,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    client: Option<i64>,
    out: &mut Vec<Posting>,
) -> Result<()> {
    let mut stmt = c.prepare_cached(
        "SELECT v.id, v.client_id, v.day, p.service,
                coalesce(v.done_end_min - v.done_start_min, v.duration_min), coalesce(v.city_percent, 0)
           FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id
          WHERE v.facility_id = ?1 AND v.day BETWEEN ?2 AND ?3 AND v.status = 'done'
            AND (?4 IS NULL OR v.client_id = ?4)",
    )?;
    let mut rows = stmt.query(params![facility_id, from.to_string(), to.to_string(), client])?;
    while let Some(r) = rows.next()? {
        let (day, service): (NaiveDate, Service) = (read::day(r, 2)?, r.get(3)?);
        let Some(rate) = book.on(FeeItem::of_service(service), day) else { continue };
        let minutes: i64 = r.get(4)?;
        let price = visit_price(rate, minutes);
        let city = city_share(price, r.get(5)?);
        out.push(Posting {
            person_kind: PersonKind::Client,
            person_id: r.get(1)?,
            day,
            purpose: PaymentPurpose::Visits,
            kind: PostingKind::Charge,
            what: What::Visit { service, minutes, fen_per_hour: rate },
            price_fen: Some(price),
            city_fen: city,
            own_fen: price - city,
            source_table: "visits".into(),
            source_id: r.get(0)?,
        });
    }
    Ok(())
}

struct Enrolment {
    id: i64,
    from: NaiveDate,
    left: Option<NaiveDate>,
}

impl Enrolment {
    fn on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.left.is_none_or(|left| day < left)
    }
}

#[allow(clippy::too_many_arguments)]
fn childcare(
    c: &Connection,
    book: &PriceBook,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    child: Option<i64>,
    today: NaiveDate,
    out: &mut Vec<Posting>,
) -> Result<()> {
    let children: Vec<Enrolment> = c
        .prepare_cached(
            "SELECT id, enrolled_on, left_on FROM children
              WHERE facility_id = ?1 AND enrolled_on <= ?3 AND (left_on IS NULL OR left_on >= ?2)
                AND (?4 IS NULL OR id = ?4)",
        )?
        .query_map(params![facility_id, Month::of(from).first().to_string(), to.to_string(), child], |r| {
            Ok(Enrolment { id: r.get(0)?, from: read::day(r, 1)?, left: read::opt_day(r, 2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if children.is_empty() {
        return Ok(());
    }
    // Whole months, so a run of absent days is counted the same whatever range is asked.
    let (first, last_over) = (Month::of(from).first(), Month::of(to).last().min(today.pred_opt().unwrap_or(today)));
    let mut open = BTreeSet::new();
    let mut came: HashMap<i64, BTreeSet<NaiveDate>> = HashMap::new();
    let mut stmt = c.prepare_cached(
        "SELECT person_id, day FROM attendance
          WHERE facility_id = ?1 AND person_kind = 'child' AND day BETWEEN ?2 AND ?3",
    )?;
    let mut rows = stmt.query(params![facility_id, first.to_string(), last_over.to_string()])?;
    while let Some(r) = rows.next()? {
        let (id, day): (i64, NaiveDate) = (r.get(0)?, read::day(r, 1)?);
        open.insert(day);
        came.entry(id).or_default().insert(day);
    }
    let in_range = |day: NaiveDate| from <= day && day <= to;
    let none = BTreeSet::new();
    for kid in &children {
        let days_in = came.get(&kid.id).unwrap_or(&none);
        let mut month = Month::of(from);
        while month.first() <= to {
            let fee_day = month.first().max(kid.from);
            if month.contains(fee_day) && kid.on(fee_day) && fee_day <= today && in_range(fee_day) {
                if let Some(fee) = book.on(FeeItem::ChildcareMonthly, fee_day) {
                    out.push(child_line(
                        kid.id,
                        fee_day,
                        PaymentPurpose::ChildcareFee,
                        PostingKind::Charge,
                        fee,
                        || What::MonthlyFee { month: month.to_string() },
                    ));
                }
            }
            let mut run = 0;
            for &day in open.range(month.first()..=month.last()) {
                if !kid.on(day) {
                    continue;
                }
                if days_in.contains(&day) {
                    run = 0;
                } else {
                    run += 1;
                }
                let Some(fee) = book.on(FeeItem::ChildcareMealDay, day) else { continue };
                if !in_range(day) {
                    continue;
                }
                out.push(child_line(kid.id, day, PaymentPurpose::ChildcareMeals, PostingKind::Charge, fee, || {
                    What::MealDay
                }));
                let credit_from = book.on(FeeItem::ChildcareCreditFrom, day).unwrap_or(1);
                if run > 0 && run >= credit_from {
                    out.push(child_line(kid.id, day, PaymentPurpose::ChildcareMeals, PostingKind::Credit, fee, || {
                        What::AbsentDay
                    }));
                }
            }
            month = month.next();
        }
    }
    Ok(())
}

fn child_line(
    id: i64,
    day: NaiveDate,
    purpose: PaymentPurpose,
    kind: PostingKind,
    fee: i64,
    what: impl FnOnce() -> What,
) -> Posting {
    let (own, source) = match kind {
        PostingKind::Credit => (-fee, "attendance"),
        _ if purpose == PaymentPurpose::ChildcareFee => (fee, "children"),
        _ => (fee, "attendance"),
    };
    Posting {
        person_kind: PersonKind::Child,
        person_id: id,
        day,
        purpose,
        kind,
        what: what(),
        price_fen: Some(fee),
        city_fen: 0,
        own_fen: own,
        source_table: source.into(),
        source_id: id,
    }
}

fn payments(
    c: &Connection,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    whom: Whom,
    out: &mut Vec<Posting>,
) -> Result<()> {
    let stamp = |day: NaiveDate| crate::store::utc_stamp(day_start(day));
    let (lo, hi) = (stamp(from), stamp(to + Days::new(1)));
    let (kind, person) = match whom {
        Whom::Everyone => (None, None),
        Whom::One(kind, id) => (Some(kind), Some(id)),
    };
    let mut stmt = c.prepare_cached(
        "SELECT id, person_kind, person_id, purpose, amount_fen, method, received_at, receipt_year, receipt_pc,
                receipt_seq, voided_at
           FROM payments
          WHERE facility_id = ?1 AND (?4 IS NULL OR (person_kind = ?4 AND person_id = ?5))
            AND ((received_at >= ?2 AND received_at < ?3) OR (voided_at >= ?2 AND voided_at < ?3))",
    )?;
    let mut rows = stmt.query(params![facility_id, lo, hi, kind, person])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let no = receipt_no(r.get(7)?, r.get(8)?, r.get(9)?);
        let amount: i64 = r.get(4)?;
        let line = |day, kind, what, own| Posting {
            person_kind: r.get(1).unwrap_or(PersonKind::Client),
            person_id: r.get(2).unwrap_or_default(),
            day,
            purpose: r.get(3).unwrap_or(PaymentPurpose::Other),
            kind,
            what,
            price_fen: None,
            city_fen: 0,
            own_fen: own,
            source_table: "payments".into(),
            source_id: id,
        };
        let received = local_day(stamp_of(r, 6)?);
        if (from..=to).contains(&received) {
            let method: PayMethod = r.get(5)?;
            out.push(line(received, PostingKind::Payment, What::Payment { receipt_no: no.clone(), method }, -amount));
        }
        if let Some(voided) = r.get::<_, Option<String>>(10)? {
            let voided = local_day(
                parse_utc_stamp(&voided).ok_or_else(|| read::bad_value("voided_at", &voided, "a UTC stamp"))?,
            );
            if (from..=to).contains(&voided) {
                out.push(line(voided, PostingKind::Reversal, What::Void { receipt_no: no }, amount));
            }
        }
    }
    Ok(())
}

fn stamp_of(r: &rusqlite::Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let raw: String = r.get(i)?;
    parse_utc_stamp(&raw).ok_or_else(|| read::bad_value("received_at", &raw, "a UTC stamp"))
}

/// The first day anything can be on a facility's ledger: its first fee setting's or first
/// payment's. None: nothing ever is.
pub(crate) fn ledger_start(c: &Connection, facility_id: i64) -> Result<Option<NaiveDate>> {
    let setting = c
        .prepare_cached("SELECT min(from_day) FROM fee_settings WHERE facility_id = ?1")?
        .query_row([facility_id], |r| read::opt_day(r, 0))?;
    let paid: Option<String> = c
        .prepare_cached("SELECT min(received_at) FROM payments WHERE facility_id = ?1")?
        .query_row([facility_id], |r| r.get(0))?;
    let paid = paid.and_then(|s| parse_utc_stamp(&s)).map(local_day);
    Ok(match (setting, paid) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// The first day on or after `from` on which a charge used `item` at the facility, up to
/// `today`: a setting from `from` would change it.
pub(crate) fn first_use_since(
    c: &Connection,
    facility_id: i64,
    item: FeeItem,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    if from > today {
        return Ok(None);
    }
    let meal = Meal::ALL.iter().find(|m| FeeItem::of_meal(**m) == item);
    let service = Service::ALL.iter().find(|s| FeeItem::of_service(**s) == item);
    let day: Option<NaiveDate> = if let Some(meal) = meal {
        c.prepare_cached(
            "SELECT min(day) FROM bookings WHERE facility_id = ?1 AND meal = ?2 AND status = 'served' AND day >= ?3",
        )?
        .query_row(params![facility_id, meal, from.to_string()], |r| read::opt_day(r, 0))?
    } else if let Some(service) = service {
        c.prepare_cached(
            "SELECT min(v.day) FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id
              WHERE v.facility_id = ?1 AND p.service = ?2 AND v.status = 'done' AND v.day >= ?3",
        )?
        .query_row(params![facility_id, service, from.to_string()], |r| read::opt_day(r, 0))?
    } else if item == FeeItem::ChildcareMonthly {
        // Posted on each month's first day (or the day of enrolment) for every child enrolled.
        c.prepare_cached(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM children WHERE facility_id = ?1 AND enrolled_on <= ?3
                                       AND (left_on IS NULL OR left_on > ?2)) THEN ?2 END",
        )?
        .query_row(params![facility_id, from.to_string(), today.to_string()], |r| read::opt_day(r, 0))?
    } else {
        c.prepare_cached(
            "SELECT min(day) FROM attendance WHERE facility_id = ?1 AND person_kind = 'child'
                AND day >= ?2 AND day < ?3",
        )?
        .query_row(params![facility_id, from.to_string(), today.to_string()], |r| read::opt_day(r, 0))?
    };
    Ok(day)
}

/// What one purpose came to in a statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PurposeTotals {
    pub purpose: Option<PaymentPurpose>,
    pub opening_fen: i64,
    pub charged_fen: i64,
    pub credited_fen: i64,
    /// Received, less what voided receipts put back.
    pub paid_fen: i64,
    pub closing_fen: i64,
    /// The city's share of the charges (not the person's to pay).
    pub city_fen: i64,
}

impl Posting {
    /// What the line adds to a total's (charged, credited, paid, city's share): a charge
    /// its own and the city's share, a credit what it takes off, a payment what it brings
    /// in (a void's reversal takes it back out).
    pub(crate) fn parts(&self) -> [i64; 4] {
        match self.kind {
            PostingKind::Charge => [self.own_fen, 0, 0, self.city_fen],
            PostingKind::Credit => [0, -self.own_fen, 0, 0],
            PostingKind::Payment | PostingKind::Reversal => [0, 0, -self.own_fen, 0],
        }
    }
}

impl PurposeTotals {
    /// Totals added up, under no purpose: a statement's purposes, a family's members.
    pub(crate) fn sum<'a>(parts: impl IntoIterator<Item = &'a PurposeTotals>) -> PurposeTotals {
        let mut total = PurposeTotals::default();
        for t in parts {
            total.opening_fen += t.opening_fen;
            total.charged_fen += t.charged_fen;
            total.credited_fen += t.credited_fen;
            total.paid_fen += t.paid_fen;
            total.closing_fen += t.closing_fen;
            total.city_fen += t.city_fen;
        }
        total
    }

    fn add(&mut self, p: &Posting) {
        let [charged, credited, paid, city] = p.parts();
        self.charged_fen += charged;
        self.credited_fen += credited;
        self.paid_fen += paid;
        self.city_fen += city;
        self.closing_fen += p.own_fen;
    }
}

/// A client's or a child's month: the balance brought forward, every line of the month, and
/// the balance carried; by purpose and in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Statement {
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub name: String,
    pub facility_id: i64,
    pub facility_name: String,
    /// "2026-11".
    pub month: String,
    pub lines: Vec<Posting>,
    /// One per purpose with any line or balance, in purpose order.
    pub by_purpose: Vec<PurposeTotals>,
    /// All purposes (its `purpose` is None).
    pub total: PurposeTotals,
    /// The month is not over yet: the statement so far.
    pub partial: bool,
}

/// The statement of one client or child for `month`, at their facility. Audited: what a
/// family owes is theirs.
pub fn statement(db: &Db, actor: &Actor, kind: PersonKind, person_id: i64, month: Month) -> Result<Statement> {
    actor.require(Action::ViewPeople)?;
    if kind == PersonKind::Staff {
        return Err(Invalid::new("payment.person_kind", "person_kind").into());
    }
    let today = db.clock().today();
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, kind, person_id)?;
        let st = statement_in(c, facility_id, kind, person_id, month, today)?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Statement, person_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "person_kind": kind, "month": month.to_string() }));
        Ok((st, entry))
    })
}

pub(crate) fn statement_in(
    c: &Connection,
    facility_id: i64,
    kind: PersonKind,
    person_id: i64,
    month: Month,
    today: NaiveDate,
) -> Result<Statement> {
    let whom = Whom::One(kind, person_id);
    let name: String = c.query_row(
        &format!("SELECT name FROM {} WHERE id = ?1", if kind == PersonKind::Child { "children" } else { "clients" }),
        [person_id],
        |r| r.get(0),
    )?;
    let facility_name: String =
        c.query_row("SELECT name FROM facilities WHERE id = ?1", [facility_id], |r| r.get(0))?;
    let mut by: HashMap<Option<PaymentPurpose>, PurposeTotals> = HashMap::new();
    if let Some(start) = ledger_start(c, facility_id)?.filter(|s| *s < month.first()) {
        for p in postings(c, facility_id, start, month.first().pred_opt().expect("a day before"), whom, today)? {
            let t = by.entry(Some(p.purpose)).or_default();
            t.opening_fen += p.own_fen;
            t.closing_fen += p.own_fen;
        }
    }
    let lines = postings(c, facility_id, month.first(), month.last(), whom, today)?;
    for p in &lines {
        by.entry(Some(p.purpose)).or_default().add(p);
    }
    let mut by_purpose: Vec<PurposeTotals> = by
        .into_iter()
        .map(|(purpose, mut t)| {
            t.purpose = purpose;
            t
        })
        .filter(|t| *t != PurposeTotals { purpose: t.purpose, ..Default::default() })
        .collect();
    by_purpose.sort_by_key(|t| t.purpose);
    let total = PurposeTotals::sum(&by_purpose);
    Ok(Statement {
        person_kind: kind,
        person_id,
        name,
        facility_id,
        facility_name,
        month: month.to_string(),
        lines,
        by_purpose,
        total,
        partial: month.last() >= today,
    })
}

/// One person who owes money at a day's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Arrear {
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub name: String,
    pub owed_fen: i64,
    /// The last payment's local day, if any.
    #[ts(type = "string | null")]
    pub last_paid: Option<NaiveDate>,
    /// The family that pays for the person, if any: the desk asks its payer.
    pub family: Option<String>,
}

/// Everyone of a facility who owes money at the end of `as_of` (the month's last day, or
/// today), most owed first. For the desk: who to ask at the counter. Audited.
pub fn arrears(db: &Db, actor: &Actor, facility_id: i64, as_of: NaiveDate) -> Result<Vec<Arrear>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let today = db.clock().today();
    audited_read(db, actor, |c| {
        let list = arrears_in(c, facility_id, as_of, today)?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Arrears, facility_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "as_of": as_of, "people": list.len() }));
        Ok((list, entry))
    })
}

pub(crate) fn arrears_in(c: &Connection, facility_id: i64, as_of: NaiveDate, today: NaiveDate) -> Result<Vec<Arrear>> {
    let Some(start) = ledger_start(c, facility_id)? else { return Ok(Vec::new()) };
    let mut owed: HashMap<(PersonKind, i64), (i64, Option<NaiveDate>)> = HashMap::new();
    for p in postings(c, facility_id, start, as_of, Whom::Everyone, today)? {
        let e = owed.entry((p.person_kind, p.person_id)).or_default();
        e.0 += p.own_fen;
        if p.kind == PostingKind::Payment {
            e.1 = Some(p.day);
        }
    }
    let families: HashMap<(PersonKind, i64), String> = c
        .prepare_cached(
            "SELECT m.person_kind, m.person_id, f.name FROM family_members m JOIN families f ON f.id = m.family_id
              WHERE f.facility_id = ?1",
        )?
        .query_map([facility_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut list = Vec::new();
    for ((kind, id), (fen, last_paid)) in owed.into_iter().filter(|(_, (fen, _))| *fen > 0) {
        let table = if kind == PersonKind::Child { "children" } else { "clients" };
        let name: Option<String> = c
            .prepare_cached(&format!("SELECT name FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        list.push(Arrear {
            person_kind: kind,
            person_id: id,
            name: name.unwrap_or_default(),
            owed_fen: fen,
            last_paid,
            family: families.get(&(kind, id)).cloned(),
        });
    }
    list.sort_by(|a, b| b.owed_fen.cmp(&a.owed_fen).then(a.name.cmp(&b.name)));
    Ok(list)
}

/// The instant a local day begins, for tests and callers that think in days.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    from_local(day.and_hms_opt(0, 0, 0).expect("midnight"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_prices_round_to_the_nearest_fen() {
        // ¥40 an hour: 45 minutes is ¥30; 7 minutes 466.67 fen → 467.
        assert_eq!(visit_price(4000, 45), 3000);
        assert_eq!(visit_price(4000, 7), 467);
        assert_eq!(visit_price(3333, 1), 56);
        assert_eq!(city_share(3000, 50), 1500);
        assert_eq!(city_share(467, 50), 234);
        assert_eq!(city_share(467, 100), 467);
        assert_eq!(city_share(467, 0), 0);
    }
}
