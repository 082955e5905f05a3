//! The ledger kept month by month (docs/money.md, "The ledger kept by month"): for each
//! facility and each month that is over, what its people were charged, credited and paid
//! by purpose, and each person's balance at the month's end (migration 021).
//!
//! The monthly report reads a facility's month from these rows: a year of the city's fees
//! is a few thousand rows, where deriving it again would read every meal, visit and
//! childcare day since the first price was set. The rows are made by [`keep`] (before a
//! report is read, and by the demo) from the same [`postings`](super::ledger::postings)
//! the statements read, and taken off by triggers when anything a month is derived from
//! changes, with every later month of the facility (a balance carries forward). A month
//! not kept, or not over, is derived on the spot from the last month kept before it, so
//! the figures are the same either way; only the time differs.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::ledger::{ledger_start, postings, Posting, Whom};
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::services::payments::PaymentPurpose;
use crate::store::read;

/// What one purpose came to in a facility's month, over all its people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurposeMonth {
    pub purpose: PaymentPurpose,
    /// The people's own share of what was given.
    pub charged_fen: i64,
    /// Taken off for what was charged and not given (absent days).
    pub credited_fen: i64,
    /// Received, less what voided receipts put back.
    pub paid_fen: i64,
    /// The city's share of what was given.
    pub city_fen: i64,
}

impl PurposeMonth {
    fn new(purpose: PaymentPurpose) -> PurposeMonth {
        PurposeMonth { purpose, charged_fen: 0, credited_fen: 0, paid_fen: 0, city_fen: 0 }
    }

    fn add(&mut self, p: &Posting) {
        let [charged, credited, paid, city] = p.parts();
        self.charged_fen += charged;
        self.credited_fen += credited;
        self.paid_fen += paid;
        self.city_fen += city;
    }

    fn is_nil(&self) -> bool {
        *self == PurposeMonth::new(self.purpose)
    }
}

/// A facility's month in money.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthMoney {
    /// The purposes with anything in the month, in purpose order.
    pub by_purpose: Vec<PurposeMonth>,
    /// People who owe at the end of the last day counted, and what they owe in all.
    pub owing: i64,
    pub owed_fen: i64,
    /// What people have paid ahead, in all (a positive amount).
    pub in_hand_fen: i64,
}

impl MonthMoney {
    /// All purposes together (its `purpose` is the first's, or meals when there is none).
    pub fn total(&self) -> PurposeMonth {
        let mut t = PurposeMonth::new(self.by_purpose.first().map_or(PaymentPurpose::Meals, |p| p.purpose));
        for p in &self.by_purpose {
            t.charged_fen += p.charged_fen;
            t.credited_fen += p.credited_fen;
            t.paid_fen += p.paid_fen;
            t.city_fen += p.city_fen;
        }
        t
    }
}

type Balances = HashMap<(PersonKind, i64), i64>;

/// A month is over, and so may be kept, once its last day is before today.
fn is_over(month: Month, today: NaiveDate) -> bool {
    month.last() < today
}

/// The facility's `month` (up to `today` in the current month), from the rows kept when
/// they are, derived from the ledger otherwise.
pub fn month_money(c: &Connection, facility_id: i64, month: Month, today: NaiveDate) -> Result<MonthMoney> {
    if is_over(month, today) {
        if let Some(kept) = read_kept(c, facility_id, month)? {
            return Ok(kept);
        }
    }
    let Some(start) = ledger_start(c, facility_id)? else { return Ok(MonthMoney::default()) };
    let (mut balances, from) = match last_kept(c, facility_id, month.previous())? {
        Some(kept) => (read_balances(c, facility_id, kept)?, kept.next().first()),
        None => (Balances::new(), start),
    };
    if from < month.first() {
        let before = month.first().pred_opt().expect("a day before the month");
        for p in postings(c, facility_id, from, before, Whom::Everyone, today)? {
            *balances.entry((p.person_kind, p.person_id)).or_default() += p.own_fen;
        }
    }
    let lines = postings(c, facility_id, month.first(), month.last(), Whom::Everyone, today)?;
    Ok(tally(&lines, &mut balances))
}

/// Keeps each month of the facility (or of every facility) that is over, up to `through`,
/// and not kept yet, in month order from the first not kept. Returns how many months of
/// facilities were made.
pub fn keep(c: &Connection, facility: Option<i64>, through: Month, today: NaiveDate) -> Result<usize> {
    let through = through.min(Month::of(today).previous());
    let ids: Vec<i64> = match facility {
        Some(f) => vec![f],
        None => {
            let mut stmt = c.prepare_cached("SELECT id FROM facilities ORDER BY id")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids
        }
    };
    let mut made = 0;
    for f in ids {
        let Some(start) = ledger_start(c, f)? else { continue };
        let (mut month, mut balances) = match last_kept(c, f, through)? {
            Some(kept) if kept == through => continue,
            Some(kept) => (kept.next(), read_balances(c, f, kept)?),
            None => (Month::of(start), Balances::new()),
        };
        while month <= through {
            let lines = postings(c, f, month.first(), month.last(), Whom::Everyone, today)?;
            let money = tally(&lines, &mut balances);
            write(c, f, month, &money, &balances)?;
            made += 1;
            month = month.next();
        }
    }
    Ok(made)
}

/// The month's lines added up by purpose, with `balances` (brought forward) carried to the
/// month's end.
fn tally(lines: &[Posting], balances: &mut Balances) -> MonthMoney {
    let mut by: Vec<PurposeMonth> = PaymentPurpose::ALL.iter().map(|&p| PurposeMonth::new(p)).collect();
    for p in lines {
        if let Some(t) = by.iter_mut().find(|t| t.purpose == p.purpose) {
            t.add(p);
        }
        *balances.entry((p.person_kind, p.person_id)).or_default() += p.own_fen;
    }
    by.retain(|t| !t.is_nil());
    let mut money = MonthMoney { by_purpose: by, ..Default::default() };
    for &fen in balances.values() {
        if fen > 0 {
            money.owing += 1;
            money.owed_fen += fen;
        } else {
            money.in_hand_fen -= fen;
        }
    }
    money
}

fn write(c: &Connection, facility_id: i64, month: Month, money: &MonthMoney, balances: &Balances) -> Result<()> {
    let m = month.to_string();
    c.execute("DELETE FROM ledger_months WHERE facility_id = ?1 AND month = ?2", params![facility_id, m])?;
    c.execute("DELETE FROM ledger_balances WHERE facility_id = ?1 AND month = ?2", params![facility_id, m])?;
    let mut purpose = c.prepare_cached(
        "INSERT INTO ledger_months (facility_id, month, purpose, charged_fen, credited_fen, paid_fen, city_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in &money.by_purpose {
        purpose.execute(params![facility_id, m, p.purpose, p.charged_fen, p.credited_fen, p.paid_fen, p.city_fen])?;
    }
    let mut balance = c.prepare_cached(
        "INSERT INTO ledger_balances (facility_id, month, person_kind, person_id, balance_fen)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (&(kind, id), &fen) in balances.iter().filter(|(_, fen)| **fen != 0) {
        balance.execute(params![facility_id, m, kind, id, fen])?;
    }
    c.prepare_cached(
        "INSERT OR REPLACE INTO ledger_months_done (facility_id, month, owing, owed_fen, in_hand_fen)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![facility_id, m, money.owing, money.owed_fen, money.in_hand_fen])?;
    Ok(())
}

/// The last month kept on or before `month`. The months kept are always an unbroken run
/// from the ledger's first (a change takes off its month and every later one), so the
/// balances of this one carry everything before it.
fn last_kept(c: &Connection, facility_id: i64, month: Month) -> Result<Option<Month>> {
    let raw: Option<String> = c
        .prepare_cached("SELECT max(month) FROM ledger_months_done WHERE facility_id = ?1 AND month <= ?2")?
        .query_row(params![facility_id, month.to_string()], |r| r.get(0))
        .optional()?
        .flatten();
    raw.map(|s| Month::parse(&s).map_err(|_| read::bad_value("ledger_months_done.month", &s, "a month").into()))
        .transpose()
}

fn read_balances(c: &Connection, facility_id: i64, month: Month) -> Result<Balances> {
    let mut stmt = c.prepare_cached(
        "SELECT person_kind, person_id, balance_fen FROM ledger_balances WHERE facility_id = ?1 AND month = ?2",
    )?;
    let rows = stmt.query_map(params![facility_id, month.to_string()], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The month as kept, if it is.
fn read_kept(c: &Connection, facility_id: i64, month: Month) -> Result<Option<MonthMoney>> {
    let m = month.to_string();
    let Some((owing, owed_fen, in_hand_fen)) = c
        .prepare_cached(
            "SELECT owing, owed_fen, in_hand_fen FROM ledger_months_done WHERE facility_id = ?1 AND month = ?2",
        )?
        .query_row(params![facility_id, m], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = c.prepare_cached(
        "SELECT purpose, charged_fen, credited_fen, paid_fen, city_fen FROM ledger_months
          WHERE facility_id = ?1 AND month = ?2",
    )?;
    let rows = stmt.query_map(params![facility_id, m], |r| {
        Ok(PurposeMonth {
            purpose: r.get(0)?,
            charged_fen: r.get(1)?,
            credited_fen: r.get(2)?,
            paid_fen: r.get(3)?,
            city_fen: r.get(4)?,
        })
    })?;
    let mut by_purpose: Vec<PurposeMonth> = rows.collect::<rusqlite::Result<_>>()?;
    by_purpose.sort_by_key(|p| p.purpose);
    Ok(Some(MonthMoney { by_purpose, owing, owed_fen, in_hand_fen }))
}
