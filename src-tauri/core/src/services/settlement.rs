//! The city's settlement (政府购买服务结算): each month, each elder facility's sheet of what
//! the city pays for (docs/money.md, "The city's settlement").
//!
//! - The lines are the ledger's city shares of the month: every served meal with a subsidy
//!   and every home visit done with a city share, one line each, naming the booking or the
//!   visit behind it. Missed, refused and cancelled visits and cancelled meals are left out
//!   and counted apart.
//! - Until the manager signs it off the sheet is a draft read from the ledger as it stands;
//!   signing writes the lines down. Only a month that is over is signed.
//! - The city office approves or rejects each line (a rejection says why), then locks the
//!   month once no line waits. A locked month's sheet, and the meals and visits behind it,
//!   never change (migration 020's triggers); a later correction is an adjustment line on a
//!   later month's sheet, naming the line it corrects.
//! - The sheet's total is the sum of its lines, and the meals' and visits' lines are the
//!   ledger's city shares of the month to the fen (tests/settlement.rs).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::local_day;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::month::Month;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::fees::ledger::{self, PostingKind, What, Whom};
use crate::store::{read, utc_stamp, Db};

code_enum! {
    SettlementStatus {
        /// Read from the ledger as it stands; adjustments may be added.
        Draft = "draft",
        /// Signed off by the facility's manager: the lines are written down, for the city.
        Signed = "signed",
        /// Every line decided and the month closed.
        Locked = "locked",
    }
}

code_enum! {
    LineKind { Meal = "meal", Visit = "visit", Adjustment = "adjustment" }
}

code_enum! {
    Decision { Pending = "pending", Approved = "approved", Rejected = "rejected" }
}

/// The most an adjustment may be either way: ¥10,000.
pub const MAX_ADJUSTMENT_FEN: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SettlementLine {
    /// None on a draft's lines read from the ledger.
    pub id: Option<i64>,
    pub kind: LineKind,
    pub client_id: i64,
    pub client_name: String,
    pub category: String,
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// The meal, or the visit's service.
    pub what: String,
    pub minutes: Option<i64>,
    pub unit_fen: i64,
    pub amount_fen: i64,
    pub source_table: String,
    pub source_id: i64,
    pub corrects_line_id: Option<i64>,
    pub note: Option<String>,
    pub decision: Decision,
    pub reason: Option<String>,
    pub decided_by_name: Option<String>,
}

/// What the sheet leaves out, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeftOut {
    pub missed_visits: i64,
    pub refused_visits: i64,
    pub cancelled_visits: i64,
    pub cancelled_meals: i64,
    /// Served to clients with no subsidy (the standard category): the client's alone.
    pub unsubsidised_meals: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SheetTotals {
    pub lines: i64,
    pub amount_fen: i64,
    pub meals: i64,
    pub meals_fen: i64,
    pub visits: i64,
    pub visits_fen: i64,
    pub adjustments_fen: i64,
    pub approved_fen: i64,
    pub rejected_fen: i64,
    pub pending: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Sheet {
    pub facility_id: i64,
    pub facility_name: String,
    /// "2026-11".
    pub month: String,
    pub status: SettlementStatus,
    pub lines: Vec<SettlementLine>,
    pub totals: SheetTotals,
    pub left_out: LeftOut,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<String>,
    pub locked_by_name: Option<String>,
    pub locked_at: Option<String>,
    /// The month is over: it may be signed.
    pub over: bool,
}

fn totals(lines: &[SettlementLine]) -> SheetTotals {
    let mut t = SheetTotals::default();
    for l in lines {
        t.lines += 1;
        t.amount_fen += l.amount_fen;
        match l.kind {
            LineKind::Meal => {
                t.meals += 1;
                t.meals_fen += l.amount_fen;
            }
            LineKind::Visit => {
                t.visits += 1;
                t.visits_fen += l.amount_fen;
            }
            LineKind::Adjustment => t.adjustments_fen += l.amount_fen,
        }
        match l.decision {
            Decision::Approved => t.approved_fen += l.amount_fen,
            Decision::Rejected => t.rejected_fen += l.amount_fen,
            Decision::Pending => t.pending += 1,
        }
    }
    t
}

/// The month's lines as the ledger has them now: its city shares, meals then visits.
fn ledger_lines(c: &Connection, facility_id: i64, month: Month, today: NaiveDate) -> Result<Vec<SettlementLine>> {
    let postings = ledger::postings(c, facility_id, month.first(), month.last(), Whom::Everyone, today)?;
    let categories = source_categories(c, facility_id, month)?;
    let names = client_names(c, facility_id, month)?;
    let mut lines: Vec<SettlementLine> = postings
        .into_iter()
        .filter(|p| p.kind == PostingKind::Charge && p.city_fen > 0)
        .filter_map(|p| {
            let (kind, what, minutes, unit) = match &p.what {
                What::Meal { meal } => (LineKind::Meal, meal.as_str().to_string(), None, p.city_fen),
                What::Visit { service, minutes, fen_per_hour } => {
                    (LineKind::Visit, service.as_str().to_string(), Some(*minutes), *fen_per_hour)
                }
                _ => return None,
            };
            Some(SettlementLine {
                id: None,
                kind,
                client_id: p.person_id,
                client_name: names.get(&p.person_id).cloned().unwrap_or_default(),
                category: categories.get(&(p.source_table.clone(), p.source_id)).cloned().unwrap_or_default(),
                day: p.day,
                what,
                minutes,
                unit_fen: unit,
                amount_fen: p.city_fen,
                source_table: p.source_table,
                source_id: p.source_id,
                corrects_line_id: None,
                note: None,
                decision: Decision::Pending,
                reason: None,
                decided_by_name: None,
            })
        })
        .collect();
    lines.sort_by_key(|l| (l.kind, l.day, l.client_id, l.source_id));
    Ok(lines)
}

/// The category fixed on each of the month's served meals and done visits.
fn source_categories(c: &Connection, facility_id: i64, month: Month) -> Result<HashMap<(String, i64), String>> {
    let mut out = HashMap::new();
    for (table, sql) in [
        (
            "bookings",
            "SELECT id, coalesce(subsidy_category, '') FROM bookings
              WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'served'",
        ),
        (
            "visits",
            "SELECT id, coalesce(subsidy_category, '') FROM visits
              WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'done'",
        ),
    ] {
        let mut stmt = c.prepare_cached(sql)?;
        let rows = stmt.query_map(params![facility_id, month.first().to_string(), month.last().to_string()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, category) = row?;
            out.insert((table.to_string(), id), category);
        }
    }
    Ok(out)
}

/// The names of the clients of the month's meals and visits (a client moved away since
/// included).
fn client_names(c: &Connection, facility_id: i64, month: Month) -> Result<HashMap<i64, String>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, name FROM clients
          WHERE id IN (SELECT client_id FROM bookings WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3)
             OR id IN (SELECT client_id FROM visits WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3)",
    )?;
    let rows = stmt.query_map(params![facility_id, month.first().to_string(), month.last().to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn left_out(c: &Connection, facility_id: i64, month: Month) -> Result<LeftOut> {
    let (first, last) = (month.first().to_string(), month.last().to_string());
    let count = |sql: &str| -> Result<i64> {
        Ok(c.prepare_cached(sql)?.query_row(params![facility_id, first, last], |r| r.get(0))?)
    };
    Ok(LeftOut {
        missed_visits: count(
            "SELECT count(*) FROM visits WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'missed'",
        )?,
        refused_visits: count(
            "SELECT count(*) FROM visits WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'refused'",
        )?,
        cancelled_visits: count(
            "SELECT count(*) FROM visits WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'cancelled'",
        )?,
        cancelled_meals: count(
            "SELECT count(*) FROM bookings WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'cancelled'",
        )?,
        unsubsidised_meals: count(
            "SELECT count(*) FROM bookings WHERE facility_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'served'
                AND coalesce(subsidy_fen, 0) = 0",
        )?,
    })
}

struct Stored {
    id: i64,
    status: SettlementStatus,
    left_out: String,
    signed_by_name: Option<String>,
    signed_at: Option<String>,
    locked_by_name: Option<String>,
    locked_at: Option<String>,
}

fn stored(c: &Connection, facility_id: i64, month: Month) -> Result<Option<Stored>> {
    Ok(c.prepare_cached(
        "SELECT id, status, left_out, signed_by_name, signed_at, locked_by_name, locked_at
           FROM settlements WHERE facility_id = ?1 AND month = ?2",
    )?
    .query_row(params![facility_id, month.to_string()], |r| {
        Ok(Stored {
            id: r.get(0)?,
            status: r.get(1)?,
            left_out: r.get(2)?,
            signed_by_name: r.get(3)?,
            signed_at: r.get(4)?,
            locked_by_name: r.get(5)?,
            locked_at: r.get(6)?,
        })
    })
    .optional()?)
}

fn stored_lines(c: &Connection, settlement_id: i64) -> Result<Vec<SettlementLine>> {
    let mut stmt = c.prepare_cached(
        "SELECT l.*, cl.name AS client_name FROM settlement_lines l JOIN clients cl ON cl.id = l.client_id
          WHERE l.settlement_id = ?1 ORDER BY CASE l.kind WHEN 'meal' THEN 0 WHEN 'visit' THEN 1 ELSE 2 END,
                l.day, l.client_id, l.source_id",
    )?;
    let rows = stmt.query_map([settlement_id], |r| {
        Ok(SettlementLine {
            id: Some(r.get("id")?),
            kind: r.get("kind")?,
            client_id: r.get("client_id")?,
            client_name: r.get("client_name")?,
            category: r.get("category")?,
            day: read::day(r, "day")?,
            what: r.get("what")?,
            minutes: r.get("minutes")?,
            unit_fen: r.get("unit_fen")?,
            amount_fen: r.get("amount_fen")?,
            source_table: r.get("source_table")?,
            source_id: r.get("source_id")?,
            corrects_line_id: r.get("corrects_line_id")?,
            note: r.get("note")?,
            decision: r.get("decision")?,
            reason: r.get("reason")?,
            decided_by_name: r.get("decided_by_name")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn elder_facility(c: &Connection, facility_id: i64) -> Result<String> {
    let (kind, name): (FacilityKind, String) = c
        .prepare_cached("SELECT kind, name FROM facilities WHERE id = ?1")?
        .query_row([facility_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| CoreError::NotFound { entity: AuditEntity::Facility, id: facility_id.to_string() })?;
    if !kind.is_elder() {
        return Err(Invalid::new("settlement.not_elder_facility", "facility_id").into());
    }
    Ok(name)
}

pub(crate) fn sheet_in(c: &Connection, facility_id: i64, month: Month, today: NaiveDate) -> Result<Sheet> {
    let facility_name = elder_facility(c, facility_id)?;
    let saved = stored(c, facility_id, month)?;
    let (lines, left) = match &saved {
        Some(s) if s.status != SettlementStatus::Draft => {
            (stored_lines(c, s.id)?, read::json_text::<LeftOut>("left_out", &s.left_out).unwrap_or_default())
        }
        _ => {
            let mut lines = ledger_lines(c, facility_id, month, today)?;
            if let Some(s) = &saved {
                lines.extend(stored_lines(c, s.id)?);
            }
            (lines, left_out(c, facility_id, month)?)
        }
    };
    Ok(Sheet {
        facility_id,
        facility_name,
        month: month.to_string(),
        status: saved.as_ref().map_or(SettlementStatus::Draft, |s| s.status),
        totals: totals(&lines),
        lines,
        left_out: left,
        signed_by_name: saved.as_ref().and_then(|s| s.signed_by_name.clone()),
        signed_at: saved.as_ref().and_then(|s| s.signed_at.clone()),
        locked_by_name: saved.as_ref().and_then(|s| s.locked_by_name.clone()),
        locked_at: saved.as_ref().and_then(|s| s.locked_at.clone()),
        over: month.last() < today,
    })
}

/// A facility's sheet of a month: as signed and decided, or (a draft) as the ledger has it
/// now. Managers of the facility and the city office; audited.
pub fn sheet(db: &Db, actor: &Actor, facility_id: i64, month: Month) -> Result<Sheet> {
    actor.require_at(Action::Settle, facility_id)?;
    let today = db.clock().today();
    audited_read(db, actor, |c| {
        let sheet = sheet_in(c, facility_id, month, today)?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Settlement, facility_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "month": sheet.month }));
        Ok((sheet, entry))
    })
}

fn draft_id(c: &Connection, facility_id: i64, month: Month) -> Result<i64> {
    match stored(c, facility_id, month)? {
        Some(s) if s.status == SettlementStatus::Draft => Ok(s.id),
        Some(_) => Err(Invalid::new("settlement.signed_already", "month").with("month", month).into()),
        None => {
            c.prepare_cached("INSERT INTO settlements (facility_id, month) VALUES (?1, ?2)")?
                .execute(params![facility_id, month.to_string()])?;
            Ok(c.last_insert_rowid())
        }
    }
}

/// The manager signs off the month's sheet: its lines, as the ledger has them now with any
/// adjustments, are written down for the city office. Only a month that is over.
pub fn sign(db: &Db, actor: &Actor, facility_id: i64, month: Month, now: DateTime<Utc>) -> Result<Sheet> {
    actor.require(Action::Settle)?;
    let today = local_day(now);
    if month.last() >= today {
        return Err(Invalid::new("settlement.month_not_over", "month").with("month", month).into());
    }
    db.write(|c| {
        actor.require_at(Action::Settle, facility_id)?;
        elder_facility(c, facility_id)?;
        let id = write_signed(c, facility_id, month, today, &actor.display_name, now)?;
        let sheet = sheet_in(c, facility_id, month, today)?;
        Entry::new(AuditAction::Sign, AuditEntity::Settlement, id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "month": sheet.month, "lines": sheet.totals.lines, "amount_fen": sheet.totals.amount_fen }))
            .write(c, actor)?;
        Ok(sheet)
    })
}

/// Writes the month's lines down as the ledger has them and marks the sheet signed; its id.
pub(crate) fn write_signed(
    c: &Connection,
    facility_id: i64,
    month: Month,
    today: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    {
        let id = draft_id(c, facility_id, month)?;
        let lines = ledger_lines(c, facility_id, month, today)?;
        let mut insert = c.prepare_cached(
            "INSERT INTO settlement_lines (settlement_id, kind, client_id, category, day, what, minutes, unit_fen,
                                           amount_fen, source_table, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for l in &lines {
            insert.execute(params![
                id,
                l.kind,
                l.client_id,
                l.category,
                l.day.to_string(),
                l.what,
                l.minutes,
                l.unit_fen,
                l.amount_fen,
                l.source_table,
                l.source_id
            ])?;
        }
        let left = serde_json::to_string(&left_out(c, facility_id, month)?).expect("counts serialize");
        c.prepare_cached(
            "UPDATE settlements SET status = 'signed', left_out = ?2, signed_by_name = ?3, signed_at = ?4 WHERE id = ?1",
        )?
        .execute(params![id, left, by, utc_stamp(now)])?;
        Ok(id)
    }
}

/// An adjustment form: the line of a locked month it corrects, by how much, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct AdjustmentInput {
    pub facility_id: i64,
    /// The month whose sheet takes the adjustment ("2026-12").
    pub month: String,
    pub corrects_line_id: i64,
    /// Negative when the city paid too much.
    pub amount_fen: i64,
    pub note: String,
}

/// Adds an adjustment to a month's draft sheet, correcting a line of a locked month.
pub fn add_adjustment(db: &Db, actor: &Actor, input: &AdjustmentInput) -> Result<Sheet> {
    actor.require(Action::Settle)?;
    let month = Month::parse(&input.month)?;
    if input.amount_fen == 0 || input.amount_fen.abs() > MAX_ADJUSTMENT_FEN {
        return Err(Invalid::new("settlement.adjustment_range", "amount_fen")
            .with("max", MAX_ADJUSTMENT_FEN / 100)
            .into());
    }
    let note = text::optional_text(Some(&input.note), 200, "note")?
        .ok_or_else(|| Invalid::new("settlement.adjustment_note_required", "note"))?;
    let today = db.clock().today();
    db.write(|c| {
        actor.require_at(Action::Settle, input.facility_id)?;
        elder_facility(c, input.facility_id)?;
        let corrected: Option<(i64, String, String, i64, String, String)> = c
            .prepare_cached(
                "SELECT l.client_id, l.category, l.what, s.facility_id, s.month, s.status
                   FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id WHERE l.id = ?1",
            )?
            .query_row([input.corrects_line_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?;
        let Some((client, category, what, facility, line_month, status)) = corrected else {
            return Err(Invalid::new("settlement.no_such_line", "corrects_line_id").into());
        };
        if facility != input.facility_id || status != "locked" || line_month.as_str() >= input.month.as_str() {
            return Err(Invalid::new("settlement.corrects_locked_earlier", "corrects_line_id").into());
        }
        let id = draft_id(c, input.facility_id, month)?;
        c.prepare_cached(
            "INSERT INTO settlement_lines (settlement_id, kind, client_id, category, day, what, unit_fen, amount_fen,
                                           source_table, source_id, corrects_line_id, note)
             VALUES (?1, 'adjustment', ?2, ?3, ?4, ?5, ?6, ?6, 'settlement_lines', ?7, ?7, ?8)",
        )?
        .execute(params![id, client, category, month.first().max(today.min(month.last())).to_string(), what,
            input.amount_fen, input.corrects_line_id, note])?;
        let line = c.last_insert_rowid();
        Entry::new(AuditAction::Create, AuditEntity::Settlement, id)
            .facility(Some(input.facility_id))
            .after(&serde_json::json!({ "adjustment": line, "corrects": input.corrects_line_id, "amount_fen": input.amount_fen, "note": note }))
            .write(c, actor)?;
        sheet_in(c, input.facility_id, month, today)
    })
}

/// The city office approves or rejects lines of a signed sheet; a rejection says why.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    month: Month,
    line_ids: &[i64],
    decision: Decision,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Sheet> {
    actor.require(Action::ReviewSettlements)?;
    let reason = text::optional_text(reason, 200, "reason")?;
    match decision {
        Decision::Rejected if reason.is_none() => {
            return Err(Invalid::new("settlement.reason_required", "reason").into());
        }
        Decision::Pending => return Err(Invalid::new("settlement.decision_invalid", "decision").into()),
        _ => {}
    }
    if line_ids.is_empty() {
        return Err(Invalid::new("settlement.no_lines_picked", "line_ids").into());
    }
    let today = local_day(now);
    db.write(|c| {
        let Some(s) = stored(c, facility_id, month)? else {
            return Err(Invalid::new("settlement.not_signed", "month").with("month", month).into());
        };
        match s.status {
            SettlementStatus::Signed => {}
            SettlementStatus::Draft => return Err(Invalid::new("settlement.not_signed", "month").with("month", month).into()),
            SettlementStatus::Locked => return Err(Invalid::new("settlement.locked", "month").into()),
        }
        let mut update = c.prepare_cached(
            "UPDATE settlement_lines SET decision = ?3, reason = ?4, decided_by_name = ?5, decided_at = ?6
              WHERE id = ?1 AND settlement_id = ?2",
        )?;
        for id in line_ids {
            if update.execute(params![id, s.id, decision, reason, actor.display_name, utc_stamp(now)])? == 0 {
                return Err(Invalid::new("settlement.no_such_line", "line_ids").into());
            }
        }
        Entry::new(AuditAction::Review, AuditEntity::Settlement, s.id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "month": month.to_string(), "lines": line_ids.len(), "decision": decision, "reason": reason }))
            .write(c, actor)?;
        sheet_in(c, facility_id, month, today)
    })
}

/// The city office locks the month once no line waits: its sheet and the meals and visits
/// behind it stay as settled.
pub fn lock(db: &Db, actor: &Actor, facility_id: i64, month: Month, now: DateTime<Utc>) -> Result<Sheet> {
    actor.require(Action::ReviewSettlements)?;
    let today = local_day(now);
    db.write(|c| {
        let sheet = sheet_in(c, facility_id, month, today)?;
        match sheet.status {
            SettlementStatus::Signed => {}
            SettlementStatus::Draft => {
                return Err(Invalid::new("settlement.not_signed", "month").with("month", month).into())
            }
            SettlementStatus::Locked => return Err(Invalid::new("settlement.locked", "month").into()),
        }
        if sheet.totals.pending > 0 {
            return Err(Invalid::new("settlement.lines_pending", "month").with("n", sheet.totals.pending).into());
        }
        c.prepare_cached(
            "UPDATE settlements SET status = 'locked', locked_by_name = ?3, locked_at = ?4
              WHERE facility_id = ?1 AND month = ?2",
        )?
        .execute(params![facility_id, month.to_string(), actor.display_name, utc_stamp(now)])?;
        Entry::new(AuditAction::Lock, AuditEntity::Settlement, facility_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "month": month.to_string(), "approved_fen": sheet.totals.approved_fen }))
            .write(c, actor)?;
        sheet_in(c, facility_id, month, today)
    })
}
