//! Staff leave: days a staff member is away. The week view greys them, the conflict rules
//! flag visits on them, and the scheduler gives them no work. Kept by managers
//! (`Action::EditStaff`), read by anyone at the facility; removing a leave is audited like
//! adding one.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::read;
use crate::store::Db;

pub const LEAVE_REASON_MAX: usize = 60;
/// A year: longer absences are a change of the staff record (inactive), not leave.
pub const LEAVE_MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeaveInput {
    pub staff_id: i64,
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub to: NaiveDate,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Leave {
    pub id: i64,
    pub staff_id: i64,
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub reason: Option<String>,
}

impl Leave {
    fn from_row(r: &Row) -> rusqlite::Result<Leave> {
        Ok(Leave {
            id: r.get("id")?,
            staff_id: r.get("staff_id")?,
            from: read::day(r, "from_day")?,
            to: read::day(r, "to_day")?,
            reason: r.get("reason")?,
        })
    }
}

fn load_leave(c: &Connection, id: i64) -> Result<Leave> {
    c.prepare_cached("SELECT * FROM staff_leave WHERE id = ?1")?
        .query_row([id], Leave::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Leave, id: id.to_string() })
}

pub fn list_leave(db: &Db, actor: &Actor, staff_id: i64) -> Result<Vec<Leave>> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| {
        facility_for(c, actor, Action::ViewPeople, PersonKind::Staff, staff_id)?;
        Ok(c.prepare_cached("SELECT * FROM staff_leave WHERE staff_id = ?1 ORDER BY from_day DESC")?
            .query_map([staff_id], Leave::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

pub fn add_leave(db: &Db, actor: &Actor, input: &LeaveInput) -> Result<Leave> {
    actor.require(Action::EditStaff)?;
    if input.to < input.from {
        return Err(Invalid::new("leave.ends_before_start", "to").into());
    }
    if (input.to - input.from).num_days() >= LEAVE_MAX_DAYS {
        return Err(Invalid::new("leave.too_long", "to").with("days", LEAVE_MAX_DAYS).into());
    }
    let reason = text::optional_text(input.reason.as_deref(), LEAVE_REASON_MAX, "reason")?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::EditStaff, PersonKind::Staff, input.staff_id)?;
        let overlapping: bool = c
            .prepare_cached(
                "SELECT count(*) > 0 FROM staff_leave WHERE staff_id = ?1 AND from_day <= ?3 AND to_day >= ?2",
            )?
            .query_row(params![input.staff_id, input.from.to_string(), input.to.to_string()], |r| r.get(0))?;
        if overlapping {
            return Err(Invalid::new("leave.overlaps", "from").into());
        }
        let id = write_leave(c, input.staff_id, (input.from, input.to), reason.as_deref(), &c.stamp())?;
        let leave = load_leave(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Leave, leave.id)
            .facility(Some(facility_id))
            .after(&leave)
            .write(c, actor)?;
        Ok(leave)
    })
}

/// Inserts a staff member's leave (first and last day), made at `at`: the one writer of
/// `staff_leave`, for the service and the demo city alike. Returns its id.
pub(crate) fn write_leave(
    c: &Connection,
    staff_id: i64,
    (from, to): (NaiveDate, NaiveDate),
    reason: Option<&str>,
    at: &str,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO staff_leave (staff_id, from_day, to_day, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![staff_id, from.to_string(), to.to_string(), reason, at])?;
    Ok(c.last_insert_rowid())
}

pub fn remove_leave(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Action::EditStaff)?;
    db.write(|c| {
        let leave = load_leave(c, id)?;
        let facility_id = facility_for(c, actor, Action::EditStaff, PersonKind::Staff, leave.staff_id)?;
        c.execute("DELETE FROM staff_leave WHERE id = ?1", [id])?;
        Entry::new(AuditAction::Delete, AuditEntity::Leave, id)
            .facility(Some(facility_id))
            .before(&leave)
            .write(c, actor)?;
        Ok(())
    })
}
