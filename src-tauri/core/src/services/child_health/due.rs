//! The examination schedule: when each child's next entry, periodic or return examination
//! falls due, derived from the measurements and the desk's attendance, never stored.

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::date_of;
use crate::domain::account::{Action, Actor};
use crate::domain::person::months_between;
use crate::error::Result;
use crate::services::audit::{audited_read, AuditEntity, Entry};
use crate::store::Db;

/// Examinations falling due within this many days are on the due list.
pub const DUE_HORIZON_DAYS: u64 = 30;
/// A child away this many months or more is examined again before coming back.
pub const AWAY_MONTHS_FOR_REEXAM: u32 = 3;

/// Why an examination is due; words under `child_health.due_reasons.` in i18n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ExamDueReason {
    /// Never examined: the entry examination, due by the enrolment day.
    #[serde(rename = "entry")]
    Entry,
    /// Under 3 at the last examination: every 6 months.
    #[serde(rename = "periodic_under3")]
    PeriodicUnder3,
    /// 3 or over at the last examination: once a year.
    #[serde(rename = "periodic_3plus")]
    Periodic3Plus,
    /// Back after 3 months or more away, not examined since leaving.
    #[serde(rename = "return")]
    Return,
}

/// An examination due soon or overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DueCheck {
    pub child_id: i64,
    pub child_name: String,
    pub class_name: Option<String>,
    pub age_months: u32,
    /// The last entry or periodic examination.
    pub last_measured_on: Option<String>,
    pub due_on: String,
    pub overdue: bool,
    pub reason: ExamDueReason,
}

/// What the schedule needs to know about a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExamFacts {
    pub birth_date: NaiveDate,
    pub enrolled_on: NaiveDate,
    /// The last entry or periodic examination.
    pub last_exam: Option<NaiveDate>,
    /// The latest return after 3 months or more away: (last day in before, first day back).
    pub last_return: Option<(NaiveDate, NaiveDate)>,
}

/// When the child's next examination is due, and why (docs/domain.md, "Children's morning and noon checks"):
/// never examined → the entry examination, by the enrolment day; examined under 3 years
/// old → 6 months later; at 3 or over → a year later; back after 3 months or more away and
/// not examined since leaving → on the day back. The earliest of these wins.
pub fn next_exam(facts: &ExamFacts) -> (NaiveDate, ExamDueReason) {
    let Some(last) = facts.last_exam else {
        return (facts.enrolled_on, ExamDueReason::Entry);
    };
    let mut due = if months_between(facts.birth_date, last) < 36 {
        (last + Months::new(6), ExamDueReason::PeriodicUnder3)
    } else {
        (last + Months::new(12), ExamDueReason::Periodic3Plus)
    };
    if let Some((away_from, back_on)) = facts.last_return {
        if last <= away_from && back_on < due.0 {
            due = (back_on, ExamDueReason::Return);
        }
    }
    due
}

/// The unit's children whose examination is overdue or due within [`DUE_HORIZON_DAYS`],
/// overdue first, then by due day. Only entry and periodic examinations count; routine
/// weighings do not. Children registered to start soon are listed for their entry exam.
///
/// The return rule reads gaps between days the desk recorded the child in, so it never
/// fires for the time before the unit started using the app; a desk that stops checking a
/// child in for three months will make it fire wrongly.
pub fn growth_due(db: &Db, actor: &Actor, facility_id: i64, today: NaiveDate) -> Result<Vec<DueCheck>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    audited_read(db, actor, |c| {
        let due = growth_due_in(c, facility_id, today)?;
        let entry = Entry::list_viewed(AuditEntity::ExamsDue, facility_id, "children", due.iter().map(|d| d.child_id));
        Ok((due, entry))
    })
}

/// [`growth_due`] on an open connection (the home page reads it with other figures).
pub(crate) fn growth_due_in(c: &Connection, facility_id: i64, today: NaiveDate) -> Result<Vec<DueCheck>> {
    let horizon = today + Days::new(DUE_HORIZON_DAYS);

    // Per child, the latest day back after a gap of 3 months or more between two days in.
    // (SQLite takes the bare prev_day from the row that holds max(day).)
    let returns: HashMap<i64, (NaiveDate, NaiveDate)> = c
        .prepare_cached(
            "SELECT person_id, max(day) AS back_on, prev_day FROM (
                     SELECT person_id, day, lag(day) OVER (PARTITION BY person_id ORDER BY day) AS prev_day
                     FROM attendance
                     WHERE person_kind = 'child' AND day <= ?2
                       AND person_id IN (SELECT id FROM children WHERE facility_id = ?1))
                 WHERE day >= date(prev_day, ?3)
                 GROUP BY person_id",
        )?
        .query_map(params![facility_id, today.to_string(), format!("+{AWAY_MONTHS_FOR_REEXAM} months")], |r| {
            Ok((r.get::<_, i64>("person_id")?, (date_of(r, "prev_day")?, date_of(r, "back_on")?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut due: Vec<(DueCheck, String)> = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT ch.id, ch.name, ch.name_key, ch.birth_date, ch.enrolled_on, cc.name AS class_name,
                    (SELECT max(measured_on) FROM growth_measurements g
                     WHERE g.child_id = ch.id AND g.purpose IN ('entry', 'periodic')) AS last_exam
             FROM children ch LEFT JOIN child_classes cc ON cc.id = ch.class_id
             WHERE ch.facility_id = ?1 AND (ch.left_on IS NULL OR ch.left_on >= ?2)",
    )?;
    let mut rows = stmt.query(params![facility_id, today.to_string()])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("id")?;
        let last_exam: Option<String> = r.get("last_exam")?;
        let facts = ExamFacts {
            birth_date: date_of(r, "birth_date")?,
            enrolled_on: date_of(r, "enrolled_on")?,
            last_exam: match &last_exam {
                Some(_) => Some(date_of(r, "last_exam")?),
                None => None,
            },
            last_return: returns.get(&id).copied(),
        };
        let (due_on, reason) = next_exam(&facts);
        if due_on > horizon {
            continue;
        }
        due.push((
            DueCheck {
                child_id: id,
                child_name: r.get("name")?,
                class_name: r.get("class_name")?,
                age_months: months_between(facts.birth_date, today),
                last_measured_on: last_exam,
                due_on: due_on.to_string(),
                overdue: due_on < today,
                reason,
            },
            r.get("name_key")?,
        ));
    }
    due.sort_by(|(a, ak), (b, bk)| {
        (!a.overdue, &a.due_on, ak, a.child_id).cmp(&(!b.overdue, &b.due_on, bk, b.child_id))
    });
    Ok(due.into_iter().map(|(d, _)| d).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_schedule_follows_the_age_at_the_last_exam() {
        let facts = |birth: &str, last: Option<&str>| ExamFacts {
            birth_date: d(birth),
            enrolled_on: d("2025-09-01"),
            last_exam: last.map(d),
            last_return: None,
        };
        assert_eq!(next_exam(&facts("2023-01-10", None)), (d("2025-09-01"), ExamDueReason::Entry));
        assert_eq!(
            next_exam(&facts("2023-01-10", Some("2025-03-15"))),
            (d("2025-09-15"), ExamDueReason::PeriodicUnder3),
            "26 months old at the exam: again after 6 months"
        );
        assert_eq!(
            next_exam(&facts("2022-03-01", Some("2025-03-15"))),
            (d("2026-03-15"), ExamDueReason::Periodic3Plus),
            "3 years old at the exam: again after a year"
        );
    }

    #[test]
    fn a_child_back_after_three_months_away_is_examined_on_return() {
        let mut facts = ExamFacts {
            birth_date: d("2021-05-01"),
            enrolled_on: d("2024-09-01"),
            last_exam: Some(d("2025-09-01")),
            last_return: Some((d("2025-12-20"), d("2026-04-07"))),
        };
        assert_eq!(next_exam(&facts), (d("2026-04-07"), ExamDueReason::Return));
        facts.last_return = Some((d("2025-08-20"), d("2025-12-01")));
        assert_eq!(
            next_exam(&facts),
            (d("2026-09-01"), ExamDueReason::Periodic3Plus),
            "examined after leaving: the return is covered"
        );
    }
}
