//! A year of fees and payments: every facility's prices from the first of the month a year
//! ago (a third of the centres put lunch up by a yuan five months ago), and at the start of
//! each month the families paying what the month before came to, each item on a receipt
//! of its own: most in full, some in part, a few not at all (the arrears list has them).
//! Now and then a receipt is made out wrong, voided and made out again.
//!
//! The city settled every month with every elder facility up to the month before last:
//! signed off by the facility, each line approved (now and then one rejected, with the
//! reason), and locked. Last month's sheet waits for the city office at half of them and
//! for the manager's signature at the others.
//!
//! Prices are the demo's, in the range of Inner Mongolia's 助餐 canteens and 托育 units,
//! not any facility's.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use super::{SeedReport, Seeder};
use crate::clock::from_local;
use crate::domain::facility::{FacilityKind, Service};
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::services::fees::ledger::{self, Whom};
use crate::services::fees::{months, FeeItem};
use crate::services::payments::{PayMethod, PaymentPurpose};
use crate::services::settlement;
use crate::store::utc_stamp;

/// Fen per hour of each home-care service, before a facility's own rounding.
const HOURLY: [(Service, i64); 6] = [
    (Service::Medical, 8000),
    (Service::DailyCare, 4000),
    (Service::Rehabilitation, 6000),
    (Service::Nursing, 5000),
    (Service::Meals, 3000),
    (Service::Recreation, 3000),
];

const METHODS: [(PayMethod, u32); 4] =
    [(PayMethod::Wechat, 45), (PayMethod::Cash, 25), (PayMethod::Alipay, 20), (PayMethod::Card, 10)];

fn method(rng: &mut SmallRng) -> PayMethod {
    let mut at = rng.random_range(0..100);
    for (m, w) in METHODS {
        if at < w {
            return m;
        }
        at -= w;
    }
    PayMethod::Wechat
}

/// One payment to write, before its receipt number.
struct Paid {
    at: chrono::DateTime<chrono::Utc>,
    kind: PersonKind,
    person: i64,
    payer: String,
    purpose: PaymentPurpose,
    note: String,
    fen: i64,
    method: PayMethod,
    /// Made out wrong: voided the same minute, with the right one after it.
    voided: bool,
}

impl Seeder<'_> {
    pub(super) fn fees(&mut self, report: &mut SeedReport) -> Result<()> {
        let mut rng = SmallRng::seed_from_u64(self.rng.random());
        let start = Month::of(self.today - Days::new(365));
        let raise = Month::of(self.today - Days::new(150)).first();
        let facilities: Vec<(i64, FacilityKind)> = {
            let mut stmt = self.conn.prepare("SELECT id, kind FROM facilities WHERE is_demo = 1 ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut insert = self.conn.prepare(
            "INSERT INTO fee_settings (facility_id, item, value, from_day, set_by_name, set_at)
             VALUES (?1, ?2, ?3, ?4, '演示数据', ?5)",
        )?;
        for &(facility, kind) in &facilities {
            let set_at = utc_stamp(from_local(start.first().and_time(NaiveTime::MIN)));
            let mut put = |item: FeeItem, value: i64, from: NaiveDate| -> Result<()> {
                insert.execute(params![facility, item, value, from.to_string(), set_at])?;
                report.fee_settings += 1;
                Ok(())
            };
            if kind == FacilityKind::Childcare {
                put(FeeItem::ChildcareMonthly, 80_000 + 5_000 * rng.random_range(0..15), start.first())?;
                put(FeeItem::ChildcareMealDay, 1_000 + 100 * rng.random_range(0..7), start.first())?;
                put(FeeItem::ChildcareCreditFrom, if rng.random_bool(0.5) { 1 } else { 3 }, start.first())?;
            } else {
                let lunch = 1_200 + 100 * rng.random_range(0..7);
                put(FeeItem::MealBreakfast, 300 + 100 * rng.random_range(0..3), start.first())?;
                put(FeeItem::MealLunch, lunch, start.first())?;
                if rng.random_bool(1.0 / 3.0) {
                    put(FeeItem::MealLunch, lunch + 100, raise)?;
                }
                put(FeeItem::MealDinner, 1_000 + 100 * rng.random_range(0..6), start.first())?;
                for (service, fen) in HOURLY {
                    let own = fen * rng.random_range(90..=110) / 100 / 100 * 100;
                    put(FeeItem::of_service(service), own, start.first())?;
                }
            }
        }
        drop(insert);
        for &(facility, _) in &facilities {
            let paid = self.month_payments(facility, start, &mut rng)?;
            report.payments += self.write_payments(facility, paid)? as u64;
        }
        for &(facility, kind) in &facilities {
            if kind.is_elder() {
                report.settlements += self.settlements(facility, start, &mut rng)?;
            }
        }
        report.families += self.families()?;
        // The months that are over kept, as the first report would keep them.
        report.ledger_months += months::keep(self.conn, None, Month::of(self.today).previous(), self.today)? as u64;
        Ok(())
    }

    /// A few families at every facility, for the desk's family statements: at an elder
    /// facility up to three couples (a man and a woman of it who live with their spouse, in
    /// the same community, and eat its meals or have its visits), paid for by the man's
    /// first contact; at a childcare unit up to
    /// two pairs of siblings (children of one surname), paid for by the elder's first
    /// guardian.
    fn families(&self) -> Result<u64> {
        let stamp = utc_stamp(from_local(self.today.and_time(NaiveTime::MIN)));
        let couples = "WITH spouses AS (
                 SELECT id, facility_id, community_id, sex, name,
                        row_number() OVER (PARTITION BY facility_id, community_id, sex ORDER BY id) AS n
                   FROM clients c WHERE is_demo = 1 AND living_situation = 'with_spouse'
                    AND (EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = c.id AND b.status = 'served')
                         OR EXISTS (SELECT 1 FROM visits v WHERE v.client_id = c.id AND v.status = 'done'))),
               pairs AS (
                 SELECT m.facility_id, m.id AS first, w.id AS second, m.name,
                        row_number() OVER (PARTITION BY m.facility_id ORDER BY m.id) AS k
                   FROM spouses m JOIN spouses w
                     ON w.facility_id = m.facility_id AND w.community_id = m.community_id
                    AND w.n = m.n AND m.sex = 'M' AND w.sex = 'F')
             SELECT p.facility_id, 'client', p.first, p.second, p.name || '家',
                    coalesce(k.name, p.name), k.phone
               FROM pairs p
               LEFT JOIN client_contacts k ON k.client_id = p.first
                    AND k.position = (SELECT min(position) FROM client_contacts WHERE client_id = p.first)
              WHERE p.k <= 3";
        let siblings = "WITH kids AS (
                 SELECT id, facility_id, substr(name, 1, 1) AS surname,
                        row_number() OVER (PARTITION BY facility_id, substr(name, 1, 1) ORDER BY id) AS n
                   FROM children WHERE is_demo = 1 AND left_on IS NULL),
               pairs AS (
                 SELECT a.facility_id, a.id AS first, b.id AS second,
                        row_number() OVER (PARTITION BY a.facility_id ORDER BY a.id) AS k
                   FROM kids a JOIN kids b ON b.facility_id = a.facility_id AND b.surname = a.surname
                    AND a.n % 2 = 1 AND b.n = a.n + 1)
             SELECT p.facility_id, 'child', p.first, p.second, g.name || '家', g.name, g.phone
               FROM pairs p
               JOIN child_contacts g ON g.child_id = p.first
                AND g.position = (SELECT min(position) FROM child_contacts WHERE child_id = p.first AND is_guardian = 1)
              WHERE p.k <= 2";
        let mut written = 0;
        for sql in [couples, siblings] {
            type Pair = (i64, String, i64, i64, String, String, Option<String>);
            let pairs: Vec<Pair> = self
                .conn
                .prepare(sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (facility, kind, first, second, name, payer, phone) in pairs {
                self.conn.execute(
                    "INSERT INTO families (facility_id, name, payer_name, payer_phone, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![facility, name, payer, phone, stamp],
                )?;
                let family = self.conn.last_insert_rowid();
                for person in [first, second] {
                    self.conn.execute(
                        "INSERT INTO family_members (family_id, person_kind, person_id, added_at) VALUES (?1, ?2, ?3, ?4)",
                        params![family, kind, person, stamp],
                    )?;
                }
                written += 1;
            }
        }
        Ok(written)
    }

    /// Every month from `start` to the month before last signed, decided and locked; last
    /// month's signed and waiting for the city office at half the facilities, still a draft
    /// for the manager to sign at the others.
    fn settlements(&self, facility: i64, start: Month, rng: &mut SmallRng) -> Result<u64> {
        let last = Month::of(self.today).previous();
        let signs_last = facility % 2 == 0;
        let mut month = start;
        let mut written = 0;
        while month < last || (month == last && signs_last) {
            let signed_at = from_local(month.next().first().and_time(NaiveTime::MIN) + chrono::Duration::hours(10));
            let id = settlement::write_signed(self.conn, facility, month, self.today, "演示站长", signed_at)?;
            written += 1;
            if month < last {
                let decided = utc_stamp(signed_at + chrono::Duration::days(5));
                self.conn.execute(
                    "UPDATE settlement_lines SET decision = 'approved', decided_by_name = '市民政局', decided_at = ?2
                      WHERE settlement_id = ?1",
                    params![id, decided],
                )?;
                let lines: i64 = self.conn.query_row(
                    "SELECT count(*) FROM settlement_lines WHERE settlement_id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                if lines > 0 && rng.random_bool(0.3) {
                    self.conn.execute(
                        "UPDATE settlement_lines SET decision = 'rejected', reason = '服务记录缺少服务对象签字'
                          WHERE id = (SELECT id FROM settlement_lines WHERE settlement_id = ?1 AND kind = 'visit'
                                      ORDER BY id LIMIT 1 OFFSET ?2)",
                        params![id, rng.random_range(0..lines.max(1))],
                    )?;
                }
                self.conn.execute(
                    "UPDATE settlements SET status = 'locked', locked_by_name = '市民政局', locked_at = ?2 WHERE id = ?1",
                    params![id, decided],
                )?;
            }
            month = month.next();
        }
        Ok(written)
    }

    /// Each month's balances paid early the next month, item by item.
    fn month_payments(&self, facility: i64, start: Month, rng: &mut SmallRng) -> Result<Vec<Paid>> {
        let payers = self.payers(facility)?;
        let mut owed: BTreeMap<(PersonKind, i64, PaymentPurpose), i64> = BTreeMap::new();
        let mut out = Vec::new();
        let mut month = start;
        while month.next().first() <= self.today {
            for p in ledger::postings(self.conn, facility, month.first(), month.last(), Whom::Everyone, self.today)? {
                *owed.entry((p.person_kind, p.person_id, p.purpose)).or_default() += p.own_fen;
            }
            let pay_month = month.next();
            for (&(kind, person, purpose), due) in owed.iter_mut() {
                if *due <= 0 {
                    continue;
                }
                let roll = rng.random_range(0..100);
                let fen = match roll {
                    0..85 => *due,
                    85..93 => (*due / 2 / 1000 * 1000).max(100),
                    _ => continue,
                };
                let day = pay_month.first() + Days::new(rng.random_range(0..10));
                if day >= self.today {
                    continue;
                }
                let minute = rng.random_range(8 * 60..17 * 60);
                let at = from_local(day.and_time(NaiveTime::MIN) + chrono::Duration::minutes(minute));
                let payer = payers.get(&(kind, person)).cloned().unwrap_or_default();
                out.push(Paid {
                    at,
                    kind,
                    person,
                    payer,
                    purpose,
                    note: format!("{}年{}月", month.year(), month.number()),
                    fen,
                    method: method(rng),
                    voided: rng.random_range(0..150) == 0,
                });
                *due -= fen;
            }
            month = pay_month;
        }
        out.sort_by_key(|p| p.at);
        Ok(out)
    }

    /// Who pays for each person: a client's first contact, or the client; a child's first
    /// guardian.
    fn payers(&self, facility: i64) -> Result<BTreeMap<(PersonKind, i64), String>> {
        let mut stmt = self.conn.prepare(
            "SELECT 'client', c.id, coalesce((SELECT name FROM client_contacts WHERE client_id = c.id
                                               ORDER BY position LIMIT 1), c.name)
               FROM clients c WHERE c.facility_id = ?1
             UNION ALL
             SELECT 'child', k.id, coalesce((SELECT name FROM child_contacts WHERE child_id = k.id AND is_guardian = 1
                                              ORDER BY position LIMIT 1), k.name || '家长')
               FROM children k WHERE k.facility_id = ?1",
        )?;
        let rows = stmt.query_map([facility], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes the payments in the order taken, numbered 1, 2, 3… within each year, as PC 1.
    fn write_payments(&self, facility: i64, paid: Vec<Paid>) -> Result<usize> {
        let desk: String = self.conn.query_row(
            "SELECT coalesce((SELECT name FROM staff WHERE facility_id = ?1 ORDER BY id LIMIT 1), '前台')",
            [facility],
            |r| r.get(0),
        )?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO payments (facility_id, person_kind, person_id, payer_name, purpose, note, amount_fen, method,
                                   received_by_name, received_at, receipt_year, receipt_pc, receipt_seq,
                                   voided_at, voided_by_name, void_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?13, ?14, ?15)",
        )?;
        let mut seq: BTreeMap<i32, i64> = BTreeMap::new();
        let mut written = 0;
        for p in paid {
            let year = crate::clock::local_time(p.at).year();
            let copies: &[(i64, bool)] = if p.voided { &[(10, true), (1, false)] } else { &[(1, false)] };
            for &(times, void) in copies {
                let n = seq.entry(year).or_default();
                *n += 1;
                let stamp = utc_stamp(p.at);
                insert.execute(params![
                    facility,
                    p.kind,
                    p.person,
                    p.payer,
                    p.purpose,
                    p.note,
                    p.fen * times,
                    p.method,
                    desk,
                    stamp,
                    year,
                    *n,
                    void.then_some(&stamp),
                    void.then_some(&desk),
                    void.then_some("金额开错，已重开"),
                ])?;
                written += 1;
            }
        }
        Ok(written)
    }
}
