//! The front desk: checking day-care clients and children in and out, and the day's
//! board of who is in. A child leaves only with a guardian or an authorised pick-up
//! person; any other hand-over is refused, and the refusal is logged.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{AuditAction, AuditEntity, Entry};
use crate::clock::{local_day, local_offset};
use crate::domain::account::{Action, Actor};
use crate::domain::person::{ClientStatus, PersonKind};
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::roster::export::{plain, write_table};
use crate::roster::{vocab, ExportReport};
use crate::store::{parse_utc_stamp, utc_stamp, Db};
use std::path::Path;

/// Who collects a child: one of the child's registered contacts, with the last four
/// characters of the ID card they show, or someone else by name (who will be refused —
/// the attempt is still recorded).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PickUp {
    pub contact_id: Option<i64>,
    pub other_name: Option<String>,
    /// As the desk typed it from the card; checked against the contact's on file.
    #[serde(default)]
    pub id_tail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BoardEntry {
    pub attendance_id: i64,
    pub kind: PersonKind,
    pub person_id: i64,
    pub name: String,
    /// Class for a child; empty for a client.
    pub group: Option<String>,
    /// UTC instants; the UI shows them in local time.
    pub in_at: String,
    pub out_at: Option<String>,
    pub picked_up_name: Option<String>,
}

/// The day's board of one facility.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Board {
    pub facility_id: i64,
    pub day: String,
    /// In now.
    pub present: i64,
    /// Came today and already left.
    pub left: i64,
    /// Everyone who came today, the ones still in first.
    pub entries: Vec<BoardEntry>,
}

impl BoardEntry {
    fn from_row(r: &Row) -> rusqlite::Result<BoardEntry> {
        let kind: String = r.get("person_kind")?;
        Ok(BoardEntry {
            attendance_id: r.get("id")?,
            kind: PersonKind::parse(&kind).ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(0, "person_kind".into(), rusqlite::types::Type::Text)
            })?,
            person_id: r.get("person_id")?,
            name: r.get("name")?,
            group: r.get("grp")?,
            in_at: r.get("in_at")?,
            out_at: r.get("out_at")?,
            picked_up_name: r.get("picked_up_name")?,
        })
    }
}

const ENTRY_SELECT: &str = "SELECT a.id, a.person_kind, a.person_id, a.in_at, a.out_at, a.picked_up_name,
        coalesce(cl.name, ch.name) AS name, cc.name AS grp
 FROM attendance a
 LEFT JOIN clients cl ON a.person_kind = 'client' AND cl.id = a.person_id
 LEFT JOIN children ch ON a.person_kind = 'child' AND ch.id = a.person_id
 LEFT JOIN child_classes cc ON cc.id = ch.class_id";

fn load_entry(c: &Connection, attendance_id: i64) -> Result<BoardEntry> {
    Ok(c.prepare_cached(&format!("{ENTRY_SELECT} WHERE a.id = ?1"))?
        .query_row([attendance_id], BoardEntry::from_row)?)
}

/// The person's facility, after checking they may come in today.
fn admissible(c: &Connection, kind: PersonKind, id: i64, day: NaiveDate) -> Result<i64> {
    match kind {
        PersonKind::Client => {
            let (facility_id, status): (i64, String) = c
                .prepare_cached("SELECT facility_id, status FROM clients WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or(CoreError::NotFound { entity: AuditEntity::Client, id: id.to_string() })?;
            if status != ClientStatus::Active.as_str() {
                return Err(Invalid::new("frontdesk.client_not_active", "person_id").with("status", status).into());
            }
            Ok(facility_id)
        }
        PersonKind::Child => {
            let (facility_id, left_on): (i64, Option<String>) = c
                .prepare_cached("SELECT facility_id, left_on FROM children WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or(CoreError::NotFound { entity: AuditEntity::Child, id: id.to_string() })?;
            // The leaving date is the child's last day: from the day after, no check-in.
            if left_on.is_some_and(|l| l.as_str() < day.to_string().as_str()) {
                return Err(Invalid::new("frontdesk.child_left", "person_id").into());
            }
            Ok(facility_id)
        }
        PersonKind::Staff => Err(Invalid::new("frontdesk.staff_not_checked_in", "person_id").into()),
    }
}

fn open_stay(c: &Connection, kind: PersonKind, id: i64) -> Result<Option<(i64, i64)>> {
    Ok(c.prepare_cached(
        "SELECT id, facility_id FROM attendance WHERE person_kind = ?1 AND person_id = ?2 AND out_at IS NULL",
    )?
    .query_row(params![kind.as_str(), id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

pub fn check_in(db: &Db, actor: &Actor, kind: PersonKind, person_id: i64, now: DateTime<Utc>) -> Result<BoardEntry> {
    actor.require(Action::CheckInOut)?;
    let day = local_day(now);
    db.write(|c| {
        let facility_id = admissible(c, kind, person_id, day)?;
        actor.require_at(Action::CheckInOut, facility_id)?;
        if open_stay(c, kind, person_id)?.is_some() {
            return Err(Invalid::new("frontdesk.already_in", "person_id").into());
        }
        c.prepare_cached(
            "INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![facility_id, kind.as_str(), person_id, day.to_string(), utc_stamp(now), actor.account_id])?;
        let entry = load_entry(c, c.last_insert_rowid())?;
        Entry::new(AuditAction::CheckIn, kind, person_id).facility(Some(facility_id)).after(&entry).write(c, actor)?;
        Ok(entry)
    })
}

enum Handover {
    Done(BoardEntry),
    /// Refused for the reason the code names (the attempt is on the log).
    Refused(&'static str),
}

/// Checks a person out. For a child, `pickup` must name one of the child's contacts who
/// may pick up, with the last four characters of their ID card matching the ones on file;
/// anyone else is refused with `frontdesk.pickup_refused`, a wrong or missing tail on file
/// with `frontdesk.pickup_id_mismatch` / `pickup_no_id_tail`, and each refusal (who tried,
/// why, who was at the desk) is written to the audit log all the same.
pub fn check_out(
    db: &Db,
    actor: &Actor,
    kind: PersonKind,
    person_id: i64,
    pickup: Option<&PickUp>,
    now: DateTime<Utc>,
) -> Result<BoardEntry> {
    actor.require(Action::CheckInOut)?;
    let outcome = db.write(|c| {
        let (stay, facility_id) =
            open_stay(c, kind, person_id)?.ok_or_else(|| Invalid::new("frontdesk.not_in", "person_id"))?;
        actor.require_at(Action::CheckInOut, facility_id)?;
        let mut picked_up = (None, None);
        if kind == PersonKind::Child {
            let pickup = pickup.ok_or_else(|| Invalid::new("frontdesk.pickup_required", "pickup"))?;
            // (contact id, name, belongs to this child and may pick up now, ID tail on file)
            let contact: Option<(i64, String, bool, Option<String>)> = match pickup.contact_id {
                Some(id) => c
                    .prepare_cached(
                        "SELECT id, name, child_id = ?2 AND active = 1 AND may_pick_up = 1, id_tail
                         FROM child_contacts WHERE id = ?1",
                    )?
                    .query_row(params![id, person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()?,
                None => None,
            };
            let typed_tail = match (&contact, pickup.id_tail.as_deref().map(normalise_tail)) {
                (Some((_, _, true, _)), None) => {
                    return Err(Invalid::new("frontdesk.pickup_id_tail_required", "id_tail").into())
                }
                (_, tail) => tail,
            };
            let refusal = match (&contact, pickup.contact_id) {
                (Some((_, _, true, Some(on_file))), _) if typed_tail.as_deref() == Some(on_file.as_str()) => None,
                (Some((_, name, true, None)), _) => Some((name.clone(), "frontdesk.pickup_no_id_tail")),
                (Some((_, name, true, Some(_))), _) => Some((name.clone(), "frontdesk.pickup_id_mismatch")),
                (Some((_, name, false, _)), _) => Some((name.clone(), "frontdesk.pickup_refused")),
                // An id that names nobody: refuse it all the same, and say so.
                (None, Some(id)) => Some((format!("#{id}"), "frontdesk.pickup_refused")),
                (None, None) => Some((
                    text::optional_text(pickup.other_name.as_deref(), 60, "pickup")?
                        .ok_or_else(|| Invalid::new("frontdesk.pickup_required", "pickup"))?,
                    "frontdesk.pickup_refused",
                )),
            };
            match refusal {
                None => {
                    let (id, name, _, _) = contact.expect("only a contact's matching tail lets a child go");
                    picked_up = (Some(id), Some(name));
                }
                Some((who, code)) => {
                    Entry::new(AuditAction::PickupRefused, AuditEntity::Child, person_id)
                        .facility(Some(facility_id))
                        .after(&serde_json::json!({ "person": who, "contact_id": pickup.contact_id, "reason": code }))
                        .write(c, actor)?;
                    return Ok(Handover::Refused(code));
                }
            }
        }
        c.prepare_cached(
            "UPDATE attendance SET out_at = ?1, out_by = ?2, picked_up_by = ?3, picked_up_name = ?4 WHERE id = ?5",
        )?
        .execute(params![utc_stamp(now), actor.account_id, picked_up.0, picked_up.1, stay])?;
        let entry = load_entry(c, stay)?;
        Entry::new(AuditAction::CheckOut, kind, person_id).facility(Some(facility_id)).after(&entry).write(c, actor)?;
        Ok(Handover::Done(entry))
    })?;
    match outcome {
        Handover::Done(entry) => Ok(entry),
        Handover::Refused(code) => Err(Invalid::new(code, "pickup").into()),
    }
}

/// An ID tail as typed at the desk, in the form tails are kept: no spaces, a capital X,
/// full-width digits as ASCII (a Chinese input method types them).
fn normalise_tail(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'ｘ' | 'Ｘ' => 'X',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Who came to `facility_id` on `day`, who is still in, and who collected each child.
pub fn board(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<Board> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        let entries: Vec<BoardEntry> = c
            .prepare_cached(&format!(
                "{ENTRY_SELECT} WHERE a.facility_id = ?1 AND (a.day = ?2 OR a.out_at IS NULL)
                 ORDER BY a.out_at IS NOT NULL, a.in_at DESC"
            ))?
            .query_map(params![facility_id, day.to_string()], BoardEntry::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let present = entries.iter().filter(|e| e.out_at.is_none()).count() as i64;
        Ok(Board { facility_id, day: day.to_string(), present, left: entries.len() as i64 - present, entries })
    })
}

/// Writes the day's board to an .xlsx at `path`, times in Wuhai time; audited.
pub fn export_board(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate, path: &Path) -> Result<ExportReport> {
    let board = board(db, actor, facility_id, day)?;
    let local = |utc: &str| {
        parse_utc_stamp(utc)
            .map(|t| t.with_timezone(&local_offset()).format("%H:%M").to_string())
            .unwrap_or_else(|| utc.to_string())
    };
    let columns = [plain("姓名"), plain("类别"), plain("班级"), plain("签到"), plain("签退"), plain("接走人")];
    let rows: Vec<Vec<String>> = board
        .entries
        .iter()
        .map(|e| {
            vec![
                e.name.clone(),
                vocab::label(vocab::PERSON_KINDS, e.kind).to_string(),
                e.group.clone().unwrap_or_default(),
                local(&e.in_at),
                e.out_at.as_deref().map(local).unwrap_or_default(),
                e.picked_up_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    write_table(path, &format!("{} 签到", board.day), &columns, &rows)?;
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::Board, path.display())
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "day": board.day, "rows": rows.len() }))
            .write(c, actor)
    })?;
    Ok(ExportReport { path: path.display().to_string(), rows: rows.len() })
}
