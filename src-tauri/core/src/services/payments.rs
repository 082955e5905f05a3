//! Payments taken at the desk, each with its numbered receipt (收款收据), and a receipt given
//! in error voided (作废): docs/money.md, "Payments and receipts".
//!
//! A receipt's number is taken in the transaction that writes the payment, as the next of
//! its series (the facility's, this PC's, the year's). Write transactions take the write lock
//! as they begin (IMMEDIATE), so two windows, or the app and the CLI, paying at once are
//! numbered one after the other: never the same number, never a gap.

use chrono::{DateTime, Datelike, Utc};
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::local_time;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::money::in_words;
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::{utc_stamp, Db};

code_enum! {
    /// What the money is for (收款事由).
    PaymentPurpose {
        /// 餐费
        Meals = "meals",
        /// 保育费: a childcare unit's monthly fee.
        ChildcareFee = "childcare_fee",
        /// 伙食费: a childcare unit's meal money, kept apart (学前教育法 art. 69).
        ChildcareMeals = "childcare_meals",
        /// 上门服务费
        Visits = "visits",
        Other = "other",
    }
}

impl PaymentPurpose {
    /// Whether a payment for `person` may be for this: a childcare unit's fees are a child's,
    /// meals and home visits a client's (a child's meals are its unit's meal money).
    pub fn fits(self, person: PersonKind) -> bool {
        use PaymentPurpose::*;
        match person {
            PersonKind::Client => matches!(self, Meals | Visits | Other),
            PersonKind::Child => matches!(self, ChildcareFee | ChildcareMeals | Other),
            PersonKind::Staff => false,
        }
    }
}

code_enum! {
    /// How it was paid: recorded, not processed (no payment provider).
    PayMethod { Cash = "cash", Wechat = "wechat", Alipay = "alipay", Card = "card" }
}

/// The most one receipt takes: 100,000 yuan. More is a typing slip (an extra zero), not a
/// payment at a day centre's desk.
pub const MAX_PAYMENT_FEN: i64 = 10_000_000;

/// The desk's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentInput {
    /// Whose account the money is for: a client, or a child (paid by the family).
    pub person_kind: PersonKind,
    #[ts(type = "number")]
    pub person_id: i64,
    /// Who handed the money over (交款人): the client, a son, a parent.
    pub payer_name: String,
    pub purpose: PaymentPurpose,
    /// What for, in words, e.g. "2026年12月餐费".
    pub note: Option<String>,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub method: PayMethod,
}

/// A payment and its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Payment {
    pub id: i64,
    pub facility_id: i64,
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub payer_name: String,
    pub purpose: PaymentPurpose,
    pub note: Option<String>,
    pub amount_fen: i64,
    /// The amount in capital words, as the receipt prints it.
    pub amount_words: String,
    pub method: PayMethod,
    pub received_by_name: String,
    pub received_at: String,
    /// The receipt's number as printed: year, PC, sequence (`2026-02-000123`).
    pub receipt_no: String,
    pub voided_at: Option<String>,
    pub voided_by_name: Option<String>,
    pub void_reason: Option<String>,
}

/// A receipt's printed number.
pub fn receipt_no(year: i32, pc: i64, seq: i64) -> String {
    format!("{year}-{pc:02}-{seq:06}")
}

impl Payment {
    fn from_row(r: &Row) -> rusqlite::Result<Payment> {
        let amount_fen: i64 = r.get("amount_fen")?;
        Ok(Payment {
            id: r.get("id")?,
            facility_id: r.get("facility_id")?,
            person_kind: r.get("person_kind")?,
            person_id: r.get("person_id")?,
            payer_name: r.get("payer_name")?,
            purpose: r.get("purpose")?,
            note: r.get("note")?,
            amount_fen,
            amount_words: in_words(amount_fen.unsigned_abs()),
            method: r.get("method")?,
            received_by_name: r.get("received_by_name")?,
            received_at: r.get("received_at")?,
            receipt_no: receipt_no(r.get("receipt_year")?, r.get("receipt_pc")?, r.get("receipt_seq")?),
            voided_at: r.get("voided_at")?,
            voided_by_name: r.get("voided_by_name")?,
            void_reason: r.get("void_reason")?,
        })
    }
}

fn by_id(c: &Connection, id: i64) -> Result<Payment> {
    c.prepare_cached("SELECT * FROM payments WHERE id = ?1")?
        .query_row([id], Payment::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Payment, id: id.to_string() })
}

/// This PC's number in its receipts' series: the hub's number of it once it has joined, 1
/// before. A PC that joined before the hub numbered its PCs has none until its next
/// exchange, and takes no money meanwhile: a number two PCs might share is no number.
fn pc_number(c: &Connection) -> Result<i64> {
    let (joined, number): (bool, Option<i64>) =
        c.query_row("SELECT pc IS NOT NULL, pc_number FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    match (joined, number) {
        (_, Some(n)) => Ok(n),
        (false, None) => Ok(1),
        (true, None) => Err(Invalid::new("payment.pc_unnumbered", "pc").into()),
    }
}

impl PaymentInput {
    fn validate(&self) -> Result<(String, Option<String>), Invalid> {
        if self.person_kind == PersonKind::Staff {
            return Err(Invalid::new("payment.person_kind", "person_kind"));
        }
        if !self.purpose.fits(self.person_kind) {
            return Err(Invalid::new("payment.purpose_not_for_person", "purpose"));
        }
        if self.amount_fen <= 0 {
            return Err(Invalid::new("payment.amount_positive", "amount_fen"));
        }
        if self.amount_fen > MAX_PAYMENT_FEN {
            return Err(Invalid::new("payment.amount_too_large", "amount_fen").with("max", MAX_PAYMENT_FEN / 100));
        }
        let payer = text::required_name(&self.payer_name, 60, "payment.payer_required", "text.too_long", "payer_name")?;
        Ok((payer, text::optional_text(self.note.as_deref(), 100, "note")?))
    }
}

/// Records a payment for a client or a child of the actor's facility, under the next
/// number of this PC's series for the year, and returns it with its receipt.
pub fn record(db: &Db, actor: &Actor, input: &PaymentInput, now: DateTime<Utc>) -> Result<Payment> {
    actor.require(Action::TakePayments)?;
    let (payer, note) = input.validate()?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::TakePayments, input.person_kind, input.person_id)?;
        let pc = pc_number(c)?;
        let year = local_time(now).year();
        let seq: i64 = c
            .prepare_cached(
                "SELECT coalesce(max(receipt_seq), 0) + 1 FROM payments
                 WHERE facility_id = ?1 AND receipt_year = ?2 AND receipt_pc = ?3",
            )?
            .query_row((facility_id, year, pc), |r| r.get(0))?;
        c.prepare_cached(
            "INSERT INTO payments (facility_id, person_kind, person_id, payer_name, purpose, note, amount_fen, method,
                                   received_by, received_by_name, received_at, receipt_year, receipt_pc, receipt_seq)
             VALUES (:facility, :kind, :person, :payer, :purpose, :note, :amount, :method,
                     :by, :by_name, :at, :year, :pc, :seq)",
        )?
        .execute(named_params! {
            ":facility": facility_id,
            ":kind": input.person_kind,
            ":person": input.person_id,
            ":payer": payer,
            ":purpose": input.purpose,
            ":note": note,
            ":amount": input.amount_fen,
            ":method": input.method,
            ":by": actor.account_id,
            ":by_name": actor.display_name,
            ":at": utc_stamp(now),
            ":year": year,
            ":pc": pc,
            ":seq": seq,
        })?;
        let payment = by_id(c, c.last_insert_rowid())?;
        Entry::new(AuditAction::Create, AuditEntity::Payment, payment.id)
            .facility(Some(facility_id))
            .after(&payment)
            .write(c, actor)?;
        Ok(payment)
    })
}

/// Voids a receipt given in error (作废), with the reason: it keeps its number and what it
/// said, and is marked void on every copy printed after. A manager's act, once.
pub fn void(db: &Db, actor: &Actor, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Payment> {
    actor.require(Action::VoidReceipts)?;
    let reason = text::optional_text(Some(reason), 200, "void_reason")?
        .ok_or_else(|| Invalid::new("payment.void_reason_required", "void_reason"))?;
    db.write(|c| {
        let before = by_id(c, id)?;
        actor.require_at(Action::VoidReceipts, before.facility_id)?;
        if before.voided_at.is_some() {
            return Err(Invalid::new("payment.already_void", "id").with("no", &before.receipt_no).into());
        }
        c.prepare_cached(
            "UPDATE payments SET voided_at = ?1, voided_by = ?2, voided_by_name = ?3, void_reason = ?4 WHERE id = ?5",
        )?
        .execute((utc_stamp(now), actor.account_id, &actor.display_name, &reason, id))?;
        let after = by_id(c, id)?;
        Entry::new(AuditAction::Void, AuditEntity::Payment, id)
            .facility(Some(before.facility_id))
            .after(&serde_json::json!({ "receipt_no": after.receipt_no, "reason": reason }))
            .write(c, actor)?;
        Ok(after)
    })
}

/// One payment, to print its receipt again: for the desk and managers of its facility.
pub fn by_id_for(db: &Db, actor: &Actor, id: i64) -> Result<Payment> {
    db.read(|c| {
        let payment = by_id(c, id)?;
        actor.require_at(Action::TakePayments, payment.facility_id)?;
        Ok(payment)
    })
}

/// A client's or child's payments, newest first. Audited: what a family paid is theirs.
pub fn for_person(db: &Db, actor: &Actor, kind: PersonKind, person_id: i64) -> Result<Vec<Payment>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, kind, person_id)?;
        let rows = c
            .prepare_cached(
                "SELECT * FROM payments WHERE person_kind = ?1 AND person_id = ?2 ORDER BY received_at DESC, id DESC",
            )?
            .query_map((kind, person_id), Payment::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Payments, person_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "person_kind": kind }));
        Ok((rows, entry))
    })
}
