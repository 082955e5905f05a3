//! What happened at a visit: done (with start and end time and a note), missed or refused
//! (with a reason); and a missed visit made up by another one.
//!
//! Decisions worth knowing:
//! - A visit is recorded on or after its day, never before. A caregiver records only the
//!   visits assigned to the staff record their account is linked to; nurses, managers and
//!   the desk record any visit of their facility.
//! - A recorded visit is corrected only by a manager (the record is evidence of care);
//!   every recording and correction is audited with the record before and after.
//! - "Other" as a reason needs a note saying what it was.
//! - A missed or refused visit is made up by a new visit of the same plan item pointing at
//!   it; one make-up per visit.

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::edit::{add_visit, NewVisit};
use super::{account_staff, load_visit, Visit, VISIT_SELECT};
use crate::domain::account::{Action, Actor, Role};
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::domain::visits::{parse_clock, VisitReason, VisitStatus};
use crate::error::{Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::meals::subsidy::visit_share;
use crate::services::scope::facility_for;
use crate::store::Db;

pub const VISIT_NOTE_MAX: usize = 300;
/// Longer than any visit a plan allows (4 h), short enough to catch 09:00–21:00 typed for 09:00–12:00.
pub const MAX_DONE_MIN: u32 = 6 * 60;

/// The outcome form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitOutcome {
    /// done, missed or refused.
    pub status: VisitStatus,
    /// "HH:MM", for a visit done.
    pub start: Option<String>,
    pub end: Option<String>,
    pub reason: Option<VisitReason>,
    pub note: Option<String>,
}

/// An outcome after the rules.
struct OutcomeFields {
    status: VisitStatus,
    done: Option<(u32, u32)>,
    reason: Option<VisitReason>,
    note: Option<String>,
}

impl VisitOutcome {
    fn validate(&self) -> Result<OutcomeFields, Invalid> {
        let note = text::optional_text(self.note.as_deref(), VISIT_NOTE_MAX, "note")?;
        match self.status {
            VisitStatus::Done => {
                let start = parse_clock(self.start.as_deref().unwrap_or(""), "start")?;
                let end = parse_clock(self.end.as_deref().unwrap_or(""), "end")?;
                if end <= start {
                    return Err(Invalid::new("visit.end_before_start", "end"));
                }
                if end - start > MAX_DONE_MIN {
                    return Err(Invalid::new("visit.too_long", "end").with("hours", MAX_DONE_MIN / 60));
                }
                Ok(OutcomeFields { status: self.status, done: Some((start, end)), reason: None, note })
            }
            VisitStatus::Missed | VisitStatus::Refused => {
                let reason = self.reason.ok_or_else(|| Invalid::new("visit.reason_required", "reason"))?;
                if reason == VisitReason::Other && note.is_none() {
                    return Err(Invalid::new("visit.other_needs_note", "note"));
                }
                Ok(OutcomeFields { status: self.status, done: None, reason: Some(reason), note })
            }
            VisitStatus::Planned | VisitStatus::Cancelled => {
                Err(Invalid::new("visit.outcome_invalid", "status").with("status", self.status.as_str()))
            }
        }
    }
}

pub fn record_visit(db: &Db, actor: &Actor, id: i64, outcome: &VisitOutcome) -> Result<Visit> {
    actor.require(Action::RecordVisits)?;
    let f = outcome.validate()?;
    db.write(|c| {
        let before = load_visit(c, id)?;
        actor.require_at(Action::RecordVisits, before.facility_id)?;
        if actor.role == Role::Caregiver {
            let Some(mine) = account_staff(c, actor)? else {
                return Err(Invalid::new("visit.account_not_linked", "staff_id").into());
            };
            if before.staff_id != Some(mine) {
                return Err(Invalid::new("visit.not_yours", "staff_id").into());
            }
        }
        match before.status {
            VisitStatus::Planned => {}
            VisitStatus::Cancelled => return Err(Invalid::new("visit.cancelled", "status").into()),
            _ if matches!(actor.role, Role::FacilityManager | Role::CityAdmin) => {}
            _ => return Err(Invalid::new("visit.recorded_already", "status").into()),
        }
        if before.day > c.today() {
            return Err(Invalid::new("visit.in_future", "day").with("day", before.day).into());
        }
        let unchanged = before.status == f.status
            && (before.done_start_min, before.done_end_min) == f.done.unzip()
            && before.reason == f.reason
            && before.note == f.note;
        if unchanged {
            return Ok(before); // a correction that corrects nothing keeps who recorded it
        }
        c.prepare_cached(
            "UPDATE visits SET status = ?2, done_start_min = ?3, done_end_min = ?4, reason = ?5, note = ?6,
                 recorded_by = ?7, recorded_by_name = ?8, recorded_at = ?9, updated_at = ?9
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            f.status.as_str(),
            f.done.map(|d| d.0),
            f.done.map(|d| d.1),
            f.reason.map(VisitReason::as_str),
            f.note,
            actor.account_id,
            actor.display_name,
            c.stamp(),
        ])?;
        let share = match f.status {
            VisitStatus::Done => Some(visit_share(
                c,
                before.client_id,
                before.day,
                before.place == crate::domain::visits::CarePlace::Home,
            )?),
            _ => None,
        };
        c.prepare_cached("UPDATE visits SET subsidy_category = ?2, city_percent = ?3 WHERE id = ?1")?
            .execute(params![id, share.map(|s| s.0), share.map(|s| s.1)])?;
        let after = load_visit(c, id)?;
        let action = if before.status == VisitStatus::Planned { AuditAction::Record } else { AuditAction::Correct };
        Entry::new(action, AuditEntity::Visit, id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Books a new visit of the same plan item to make up a missed or refused one.
pub fn make_up(
    db: &Db,
    actor: &Actor,
    missed_id: i64,
    day: NaiveDate,
    start: &str,
    staff_id: Option<i64>,
) -> Result<Visit> {
    actor.require(Action::ScheduleVisits)?;
    db.write(|c| {
        let missed = load_visit(c, missed_id)?;
        actor.require_at(Action::ScheduleVisits, missed.facility_id)?;
        if !matches!(missed.status, VisitStatus::Missed | VisitStatus::Refused) {
            return Err(Invalid::new("visit.not_missed", "status").into());
        }
        if missed.made_up {
            return Err(Invalid::new("visit.made_up_already", "makes_up_for").into());
        }
        let input = NewVisit { plan_item_id: missed.plan_item_id, day, start: start.to_string(), staff_id };
        add_visit(c, actor, &input, Some(missed_id))
    })
}

/// A staff member's visits over some days (a caregiver's own list).
pub fn staff_visits(db: &Db, actor: &Actor, staff_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<Visit>> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| {
        facility_for(c, actor, Action::ViewPeople, PersonKind::Staff, staff_id)?;
        Ok(c.prepare_cached(&format!(
            "{VISIT_SELECT} WHERE v.staff_id = ?1 AND v.day BETWEEN ?2 AND ?3 AND v.status != 'cancelled'
                  ORDER BY v.day, v.start_min"
        ))?
        .query_map(params![staff_id, from.to_string(), to.to_string()], Visit::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: VisitStatus) -> VisitOutcome {
        VisitOutcome { status, start: None, end: None, reason: None, note: None }
    }

    fn refusal(o: VisitOutcome) -> &'static str {
        o.validate().err().map(|e| e.code).unwrap_or("accepted")
    }

    #[test]
    fn a_visit_done_needs_a_sensible_start_and_end() {
        let done = |s: &str, e: &str| VisitOutcome {
            start: Some(s.into()),
            end: Some(e.into()),
            ..outcome(VisitStatus::Done)
        };
        assert_eq!(refusal(done("09:00", "10:00")), "accepted");
        assert_eq!(refusal(outcome(VisitStatus::Done)), "visit.time_invalid");
        assert_eq!(refusal(done("10:00", "09:00")), "visit.end_before_start");
        assert_eq!(refusal(done("09:00", "21:00")), "visit.too_long");
    }

    #[test]
    fn missed_and_refused_need_a_reason_and_other_a_note() {
        assert_eq!(refusal(outcome(VisitStatus::Missed)), "visit.reason_required");
        let other = VisitOutcome { reason: Some(VisitReason::Other), ..outcome(VisitStatus::Refused) };
        assert_eq!(refusal(other.clone()), "visit.other_needs_note");
        assert_eq!(refusal(VisitOutcome { note: Some("家属接走".into()), ..other }), "accepted");
        assert_eq!(refusal(outcome(VisitStatus::Cancelled)), "visit.outcome_invalid");
    }
}
