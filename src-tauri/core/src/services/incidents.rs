//! Incident reports (意外事件): anyone on duty reports what befell a client or a child; the
//! report may be completed while it is open; a manager reviews it and closes it once the
//! family has been told. A closed report is kept as it was (docs/domain.md, "Incidents").
//!
//! The reports feed three other places: a client's assessment counts their care-risk events
//! of the last 30 days from them ([`risk_events_30d`]); a serious one stays on the nurses'
//! alert count until closed; the monthly report counts them by kind.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::clock::from_local;
use crate::domain::account::{Action, Actor};
use crate::domain::incident::{is_serious, IncidentFields, IncidentInput, IncidentKind, Severity};
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::{utc_stamp, Db};

/// A stored report, with the person's name as it reads now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Incident {
    pub id: i64,
    pub facility_id: i64,
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub person_name: String,
    pub kind: IncidentKind,
    pub severity: Severity,
    /// A serious injury or a hospital transfer.
    pub serious: bool,
    /// UTC instants, as stored.
    pub occurred_at: String,
    pub place: String,
    pub what_happened: String,
    pub injury: Option<String>,
    pub action_taken: String,
    pub to_hospital: bool,
    pub hospital: Option<String>,
    pub witnesses: Option<String>,
    pub family_told_at: Option<String>,
    pub family_told_who: Option<String>,
    pub family_told_how: Option<String>,
    pub reported_by_name: String,
    pub reported_at: String,
    pub updated_at: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by_name: Option<String>,
    pub review_note: Option<String>,
}

impl Incident {
    fn from_row(r: &Row) -> rusqlite::Result<Incident> {
        let severity: Severity = r.get("severity")?;
        let to_hospital: bool = r.get("to_hospital")?;
        Ok(Incident {
            id: r.get("id")?,
            facility_id: r.get("facility_id")?,
            person_kind: r.get("person_kind")?,
            person_id: r.get("person_id")?,
            person_name: r.get("person_name")?,
            kind: r.get("kind")?,
            severity,
            serious: is_serious(severity, to_hospital),
            occurred_at: r.get("occurred_at")?,
            place: r.get("place")?,
            what_happened: r.get("what_happened")?,
            injury: r.get("injury")?,
            action_taken: r.get("action_taken")?,
            to_hospital,
            hospital: r.get("hospital")?,
            witnesses: r.get("witnesses")?,
            family_told_at: r.get("family_told_at")?,
            family_told_who: r.get("family_told_who")?,
            family_told_how: r.get("family_told_how")?,
            reported_by_name: r.get("reported_by_name")?,
            reported_at: r.get("reported_at")?,
            updated_at: r.get("updated_at")?,
            closed_at: r.get("closed_at")?,
            closed_by_name: r.get("closed_by_name")?,
            review_note: r.get("review_note")?,
        })
    }
}

/// The columns of [`Incident`], with the person's name, over `incidents i`.
const SELECT: &str = "SELECT i.*, CASE i.person_kind
         WHEN 'client' THEN (SELECT name FROM clients WHERE id = i.person_id)
         ELSE (SELECT name FROM children WHERE id = i.person_id) END AS person_name
     FROM incidents i";

fn by_id(c: &Connection, id: i64) -> Result<Incident> {
    c.prepare_cached(&format!("{SELECT} WHERE i.id = ?1"))?
        .query_row([id], Incident::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Incident, id: id.to_string() })
}

/// A report's fields as they are stored: times as UTC stamps.
struct Stored<'f> {
    f: &'f IncidentFields,
    occurred_at: String,
    told_at: Option<String>,
    told_who: Option<&'f str>,
    told_how: Option<&'f str>,
}

impl<'f> Stored<'f> {
    fn of(f: &'f IncidentFields) -> Stored<'f> {
        Stored {
            f,
            occurred_at: utc_stamp(f.occurred_at),
            told_at: f.family_told.as_ref().map(|t| utc_stamp(t.at)),
            told_who: f.family_told.as_ref().map(|t| t.who.as_str()),
            told_how: f.family_told.as_ref().map(|t| t.how.as_str()),
        }
    }

    /// The values of the columns the report's form sets, each named `:column`: what an
    /// insert and an update both write.
    fn params(&self) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
        let f = self.f;
        vec![
            (":kind", &f.kind),
            (":severity", &f.severity),
            (":occurred_at", &self.occurred_at),
            (":place", &f.place),
            (":what_happened", &f.what_happened),
            (":injury", &f.injury),
            (":action_taken", &f.action_taken),
            (":to_hospital", &f.to_hospital),
            (":hospital", &f.hospital),
            (":witnesses", &f.witnesses),
            (":family_told_at", &self.told_at),
            (":family_told_who", &self.told_who),
            (":family_told_how", &self.told_how),
        ]
    }
}

/// Inserts a report by `reporter` (account id, name) at `at`: the one writer of new rows of
/// `incidents`, for the service and the demo city alike.
pub(crate) fn write_incident(
    c: &Connection,
    facility_id: i64,
    f: &IncidentFields,
    reporter: (i64, &str),
    at: &str,
) -> Result<i64> {
    let stored = Stored::of(f);
    let mut values = stored.params();
    values.extend([
        (":facility_id", &facility_id as &dyn rusqlite::ToSql),
        (":person_kind", &f.person_kind),
        (":person_id", &f.person_id),
        (":reported_by", &reporter.0),
        (":reported_by_name", &reporter.1),
        (":reported_at", &at),
    ]);
    let columns: Vec<&str> = values.iter().map(|(name, _)| &name[1..]).collect();
    let names: Vec<&str> = values.iter().map(|(name, _)| *name).collect();
    c.prepare_cached(&format!("INSERT INTO incidents ({}) VALUES ({})", columns.join(", "), names.join(", ")))?
        .execute(values.as_slice())?;
    Ok(c.last_insert_rowid())
}

/// Records a report. Anyone on duty may: the caregiver who found the client on the floor
/// reports it, not whoever is at the desk.
pub fn report(db: &Db, actor: &Actor, input: &IncidentInput, now: DateTime<Utc>) -> Result<Incident> {
    actor.require(Action::ReportIncidents)?;
    let f = input.validate(now)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::ReportIncidents, f.person_kind, f.person_id)?;
        let id = write_incident(c, facility_id, &f, (actor.account_id, &actor.display_name), &utc_stamp(now))?;
        let incident = by_id(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Incident, id)
            .facility(Some(facility_id))
            .after(&incident)
            .write(c, actor)?;
        Ok(incident)
    })
}

/// Completes or corrects an open report (the family told later, the injury as the doctor
/// found it). The person stays who it was: a report about someone else is a new report.
pub fn update(db: &Db, actor: &Actor, id: i64, input: &IncidentInput, now: DateTime<Utc>) -> Result<Incident> {
    actor.require(Action::ReportIncidents)?;
    db.write(|c| {
        let before = by_id(c, id)?;
        actor.require_at(Action::ReportIncidents, before.facility_id)?;
        if before.closed_at.is_some() {
            return Err(Invalid::new("incident.closed", "id").into());
        }
        if (input.person_kind, input.person_id) != (before.person_kind, before.person_id) {
            return Err(Invalid::new("incident.person_fixed", "person_id").into());
        }
        // The window for reporting counts from when it was first reported.
        let reported = crate::store::parse_utc_stamp(&before.reported_at).unwrap_or(now);
        let f = input.validate_since(now, reported)?;
        let stored = Stored::of(&f);
        let stamp = utc_stamp(now);
        let mut values = stored.params();
        values.push((":updated_at", &stamp));
        let set: Vec<String> = values.iter().map(|(name, _)| format!("{} = {name}", &name[1..])).collect();
        values.push((":id", &id));
        c.prepare_cached(&format!("UPDATE incidents SET {} WHERE id = :id", set.join(", ")))?
            .execute(values.as_slice())?;
        let after = by_id(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Incident, id)
            .facility(Some(before.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// A manager's review: what caused it and what changes (整改), then the report is closed.
/// Refused while the family has not been told.
pub fn close(db: &Db, actor: &Actor, id: i64, review_note: &str, now: DateTime<Utc>) -> Result<Incident> {
    actor.require(Action::ReviewIncidents)?;
    let note = text::optional_text(Some(review_note), 1000, "review_note")?
        .ok_or_else(|| Invalid::new("incident.review_required", "review_note"))?;
    db.write(|c| {
        let before = by_id(c, id)?;
        actor.require_at(Action::ReviewIncidents, before.facility_id)?;
        if before.closed_at.is_some() {
            return Err(Invalid::new("incident.closed", "id").into());
        }
        if before.family_told_at.is_none() {
            return Err(Invalid::new("incident.family_not_told", "family_told_at").into());
        }
        c.prepare_cached(
            "UPDATE incidents SET closed_at = ?1, closed_by = ?2, closed_by_name = ?3, review_note = ?4 WHERE id = ?5",
        )?
        .execute(params![utc_stamp(now), actor.account_id, actor.display_name, note, id])?;
        let after = by_id(c, id)?;
        Entry::new(AuditAction::Review, AuditEntity::Incident, id)
            .facility(Some(before.facility_id))
            .after(&serde_json::json!({ "review_note": note }))
            .write(c, actor)?;
        Ok(after)
    })
}

/// The facility's book for a month: every report still open, whenever it happened, then
/// those that happened in `month`, newest first. The view is audited, naming the people.
pub fn list(db: &Db, actor: &Actor, facility_id: i64, month: Month) -> Result<Vec<Incident>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let (from, to) = month_bounds(month);
    audited_read(db, actor, |c| {
        let rows: Vec<Incident> = c
            .prepare_cached(&format!(
                "{SELECT} WHERE i.facility_id = ?1
                   AND (i.closed_at IS NULL OR (i.occurred_at >= ?2 AND i.occurred_at < ?3))
                 ORDER BY i.closed_at IS NOT NULL, i.occurred_at DESC, i.id DESC"
            ))?
            .query_map(params![facility_id, from, to], Incident::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let entry = viewed(facility_id, &rows);
        Ok((rows, entry))
    })
}

/// A person's reports, newest first (their record's page). Audited.
pub fn for_person(db: &Db, actor: &Actor, kind: PersonKind, person_id: i64) -> Result<Vec<Incident>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, kind, person_id)?;
        let rows: Vec<Incident> = c
            .prepare_cached(&format!(
                "{SELECT} WHERE i.person_kind = ?1 AND i.person_id = ?2 ORDER BY i.occurred_at DESC, i.id DESC"
            ))?
            .query_map(params![kind, person_id], Incident::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let entry = viewed(facility_id, &rows);
        Ok((rows, entry))
    })
}

/// One entry for a list shown, naming whose reports it showed.
fn viewed(facility_id: i64, rows: &[Incident]) -> Entry {
    let ids = |kind| {
        let mut ids: Vec<i64> = rows.iter().filter(|i| i.person_kind == kind).map(|i| i.person_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    Entry::new(AuditAction::View, AuditEntity::Incidents, facility_id)
        .facility(Some(facility_id))
        .after(&serde_json::json!({ "clients": ids(PersonKind::Client), "children": ids(PersonKind::Child) }))
}

/// The UTC bounds of a month in Wuhai, as stored: `[first day 00:00, next month's 00:00)`.
pub(crate) fn month_bounds(month: Month) -> (String, String) {
    (day_start(month.first()), day_start(month.next().first()))
}

fn day_start(day: NaiveDate) -> String {
    utc_stamp(from_local(day.and_time(NaiveTime::MIN)))
}

/// The days GB/T 42195-2022 looks back over for care-risk events.
pub const RISK_EVENT_DAYS: i64 = 30;

/// A client's care-risk events in the 30 days up to and including `day`, as the assessment
/// of that day counts them (GB/T 42195-2022: 跌倒、噎食、自杀、自伤、走失等). Every kind of
/// report counts: each of GB 38600's nine is such an event.
pub(crate) fn risk_events_30d(c: &Connection, client_id: i64, day: NaiveDate) -> Result<u8> {
    let from = day_start(day - Duration::days(RISK_EVENT_DAYS - 1));
    let to = day_start(day + Duration::days(1));
    let n: i64 = c
        .prepare_cached(
            "SELECT count(*) FROM incidents
             WHERE person_kind = 'client' AND person_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
        )?
        .query_row(params![client_id, from, to], |r| r.get(0))?;
    Ok(u8::try_from(n).unwrap_or(u8::MAX))
}

/// [`risk_events_30d`] for the assessment form, which shows the count it will use.
pub fn risk_events(db: &Db, actor: &Actor, client_id: i64, day: NaiveDate) -> Result<u8> {
    actor.require(Action::Assess)?;
    db.read(|c| {
        facility_for(c, actor, Action::Assess, PersonKind::Client, client_id)?;
        risk_events_30d(c, client_id, day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_bounded_by_wuhai_midnights() {
        let (from, to) = month_bounds(Month::parse("2026-11").unwrap());
        assert_eq!(from, "2026-10-31T16:00:00Z");
        assert_eq!(to, "2026-11-30T16:00:00Z");
    }
}
