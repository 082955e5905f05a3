//! Nurses' checkups of elderly clients: each value read against the national rules and
//! stored with its reading; an urgent reading goes on the facility's alert list at once and
//! stays there until someone records what was done. A checkup typed wrong is corrected in
//! place (by its nurse or a manager) and read again, its alerts following the new reading.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::clock::local_day;
use crate::domain::account::{Action, Actor, Role};
use crate::domain::followup::{self, ClientFacts, DueReason, PastCheckup, Purpose};
use crate::domain::person::PersonKind;
use crate::domain::resident_id::Sex;
use crate::domain::text;
use crate::domain::vitals::{self, Finding, Level, VitalsInput};
use crate::error::{CoreError, Invalid, Result};
use crate::services::scope::{facility_for, Owned};
use crate::store::{parse_utc_stamp, read, utc_stamp, Db, Tx};

/// The checkup form: the values (any subset) and a note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckupInput {
    pub vitals: VitalsInput,
    /// Why it was taken; a follow-up or the yearly check satisfies what was due.
    #[serde(default)]
    pub purpose: Purpose,
    pub notes: Option<String>,
}

/// A stored checkup with every reading.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Checkup {
    pub id: i64,
    pub client_id: i64,
    pub taken_at: String,
    pub purpose: Purpose,
    /// The account of the nurse who took it: they (or a manager) may correct it.
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub vitals: VitalsInput,
    pub findings: Vec<Finding>,
    pub worst_level: Level,
    pub notes: Option<String>,
    /// The last correction of its values, if any (every one is in the audit log).
    pub corrected_at: Option<String>,
    pub corrected_by_name: Option<String>,
    /// The alerts its urgent readings raised, open or handled, in the order raised.
    pub alerts: Vec<CheckupAlert>,
}

/// An alert as shown on its checkup: what was done about it, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CheckupAlert {
    pub id: i64,
    pub code: String,
    pub value: String,
    pub raised_at: String,
    pub handled_at: Option<String>,
    pub handled_by: Option<String>,
    pub handled_note: Option<String>,
    /// Closed because the reading was corrected and is no longer urgent; the note then reads
    /// "old → new".
    pub closed_by_correction: bool,
}

impl CheckupAlert {
    fn from_row(r: &Row) -> rusqlite::Result<CheckupAlert> {
        Ok(CheckupAlert {
            id: r.get("id")?,
            code: r.get("code")?,
            value: r.get("value")?,
            raised_at: r.get("raised_at")?,
            handled_at: r.get("handled_at")?,
            handled_by: r.get("handled_by")?,
            handled_note: r.get("handled_note")?,
            closed_by_correction: r.get("closed_by_correction")?,
        })
    }
}

/// An urgent reading waiting for someone to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Alert {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub checkup_id: i64,
    /// The reading's code (`bp.urgent`, `glucose.low`, …), words under `vitals.` in i18n.
    pub code: String,
    pub value: String,
    pub raised_at: String,
}

impl Checkup {
    fn from_row(r: &Row) -> rusqlite::Result<Checkup> {
        let findings: Vec<Finding> = serde_json::from_str(&r.get::<_, String>("findings_json")?).unwrap_or_default();
        let worst: String = r.get("worst_level")?;
        let worst = serde_json::from_value(serde_json::Value::String(worst))
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(Checkup {
            id: r.get("id")?,
            client_id: r.get("client_id")?,
            taken_at: r.get("taken_at")?,
            purpose: r.get("purpose")?,
            recorded_by: r.get("recorded_by")?,
            recorded_by_name: r.get("recorded_by_name")?,
            vitals: VitalsInput {
                systolic: r.get("systolic")?,
                diastolic: r.get("diastolic")?,
                heart_rate: r.get("heart_rate")?,
                glucose_fasting: r.get("glucose_fasting")?,
                glucose_random: r.get("glucose_random")?,
                temperature: r.get("temperature")?,
                weight_kg: r.get("weight_kg")?,
                height_cm: r.get("height_cm")?,
                waist_cm: r.get("waist_cm")?,
                spo2: r.get("spo2")?,
                sex: None,
                diabetes: false,
            },
            findings,
            worst_level: worst,
            notes: r.get("notes")?,
            corrected_at: r.get("corrected_at")?,
            corrected_by_name: r.get("corrected_by_name")?,
            alerts: Vec::new(),
        })
    }
}

/// The measured values as stored, one list for the INSERT and the UPDATE so the two can never
/// write different columns.
const MEASURED: [&str; 10] = [
    "systolic",
    "diastolic",
    "heart_rate",
    "glucose_fasting",
    "glucose_random",
    "temperature",
    "weight_kg",
    "height_cm",
    "waist_cm",
    "spo2",
];

fn measured_values(v: &VitalsInput) -> [Value; 10] {
    let int = |n: Option<u16>| n.map_or(Value::Null, |n| Value::Integer(n.into()));
    let real = |x: Option<f64>| x.map_or(Value::Null, Value::Real);
    [
        int(v.systolic),
        int(v.diastolic),
        int(v.heart_rate),
        real(v.glucose_fasting),
        real(v.glucose_random),
        real(v.temperature),
        real(v.weight_kg),
        real(v.height_cm),
        real(v.waist_cm),
        int(v.spo2.map(u16::from)),
    ]
}

/// A checkup's values after the rules: what both recording and correcting store.
struct ReadCheckup {
    facility_id: i64,
    vitals: VitalsInput,
    findings: Vec<Finding>,
    worst: Level,
    notes: Option<String>,
}

/// Checks a checkup form for `client_id` and reads its values against the rules, with the
/// client's sex and conditions from the record. Nothing is written.
fn read_checkup(c: &Connection, actor: &Actor, client_id: i64, input: &CheckupInput) -> Result<ReadCheckup> {
    // The sex alone (sent with every form, to read the waist) is not a measurement.
    if !input.vitals.has_measurement() {
        return Err(Invalid::new("checkup.empty", "vitals").into());
    }
    let notes = text::optional_text(input.notes.as_deref(), 500, "notes")?;
    let facility_id = facility_for(c, actor, Action::Assess, PersonKind::Client, client_id)?;
    let (sex, consent, conditions): (String, Option<String>, String) =
        c.query_row("SELECT sex, consent_on, chronic_conditions FROM clients WHERE id = ?1", [client_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    // Health data is processed only with the client's separate consent on file (PIPL).
    if consent.is_none() {
        return Err(Invalid::new("assessment.consent_required", "vitals").into());
    }
    // The client's sex is on file: the nurse need not enter it to read the waist.
    let mut vitals = input.vitals.clone();
    vitals.sex = vitals.sex.or(Sex::from_db(&sex));
    // Whether the diabetes rules apply is the record's to say, never the form's.
    vitals.diabetes = conditions_of(&conditions)?.iter().any(|c| c == "diabetes");
    let findings = vitals.classify()?;
    let worst = findings.iter().map(|f| f.level).max().unwrap_or(Level::Normal);
    Ok(ReadCheckup { facility_id, vitals, findings, worst, notes })
}

/// A checkup with its alerts, or NotFound.
fn checkup_by_id(c: &Connection, checkup_id: i64) -> Result<Checkup> {
    let mut checkup = c
        .prepare_cached("SELECT * FROM checkups WHERE id = ?1")?
        .query_row([checkup_id], Checkup::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Checkup, id: checkup_id.to_string() })?;
    checkup.alerts = c
        .prepare_cached("SELECT * FROM alerts WHERE checkup_id = ?1 ORDER BY id")?
        .query_map([checkup_id], CheckupAlert::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(checkup)
}

/// Puts urgent readings of a checkup on its facility's alert list.
fn raise_alerts(
    c: &Tx,
    facility_id: i64,
    client_id: i64,
    checkup_id: i64,
    urgent: &[&Finding],
    now: DateTime<Utc>,
) -> Result<()> {
    let raised_at = utc_stamp(now);
    for f in urgent {
        let row =
            AlertRow { facility_id, client_id, checkup_id, code: &f.code, value: &f.value, raised_at: &raised_at };
        write_alert(c, &row, None)?;
    }
    Ok(())
}

/// An urgent reading on its facility's alert list, as stored.
pub(crate) struct AlertRow<'a> {
    pub facility_id: i64,
    pub client_id: i64,
    pub checkup_id: i64,
    pub code: &'a str,
    pub value: &'a str,
    pub raised_at: &'a str,
}

/// Inserts an alert, open or (the demo's history) already handled (when, by whom, the
/// note): the one writer of `alerts`. Returns its id.
pub(crate) fn write_alert(c: &Connection, row: &AlertRow, handled: Option<(&str, &str, &str)>) -> Result<i64> {
    let (handled_at, handled_by, note) = match handled {
        Some((at, by, note)) => (Some(at), Some(by), Some(note)),
        None => (None, None, None),
    };
    c.prepare_cached(
        "INSERT INTO alerts (facility_id, client_id, checkup_id, code, value, raised_at, handled_at, handled_by,
                             handled_note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.facility_id,
        row.client_id,
        row.checkup_id,
        row.code,
        row.value,
        row.raised_at,
        handled_at,
        handled_by,
        note
    ])?;
    Ok(c.last_insert_rowid())
}

/// A client's chronic conditions as stored (a JSON list of codes); a value that is not such a
/// list is a damaged row, refused rather than read as "no condition" (which would drop the
/// diabetes rules without a word).
fn conditions_of(stored: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(stored).map_err(|_| super::people::bad_column("chronic_conditions"))
}

/// A checkup row as it is stored: what recording one and the demo city both write, through
/// [`insert_checkup`], the table's one writer.
pub(crate) struct NewCheckupRow<'a> {
    pub client_id: i64,
    pub facility_id: i64,
    /// When it was taken (UTC stamp).
    pub taken_at: &'a str,
    /// The account that recorded it (0: the system, as the demo city).
    pub recorded_by: i64,
    pub recorded_by_name: &'a str,
    pub vitals: &'a VitalsInput,
    pub findings: &'a [Finding],
    pub worst: Level,
    pub notes: Option<&'a str>,
    pub purpose: Purpose,
    /// When the row was written (UTC stamp).
    pub created_at: &'a str,
}

/// Writes one checkup row; its id.
pub(crate) fn insert_checkup(c: &Connection, row: &NewCheckupRow) -> rusqlite::Result<i64> {
    let sql = format!(
        "INSERT INTO checkups (client_id, facility_id, taken_at, recorded_by, recorded_by_name, worst_level,
                               findings_json, notes, created_at, purpose, {})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, {})",
        MEASURED.join(", "),
        (11..11 + MEASURED.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
    );
    let head: [Value; 10] = [
        row.client_id.into(),
        row.facility_id.into(),
        row.taken_at.to_string().into(),
        row.recorded_by.into(),
        row.recorded_by_name.to_string().into(),
        row.worst.as_str().to_string().into(),
        serde_json::to_string(row.findings).expect("findings serialise").into(),
        row.notes.map_or(Value::Null, |n| Value::Text(n.to_string())),
        row.created_at.to_string().into(),
        row.purpose.as_str().to_string().into(),
    ];
    c.prepare_cached(&sql)?.execute(params_from_iter(head.into_iter().chain(measured_values(row.vitals))))?;
    Ok(c.last_insert_rowid())
}

/// Records a checkup for a client of the nurse's facility. Entry errors change nothing;
/// urgent readings are put on the alert list in the same transaction.
pub fn record_checkup(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    input: &CheckupInput,
    now: DateTime<Utc>,
) -> Result<Checkup> {
    actor.require(Action::Assess)?;
    db.write(|c| {
        let read = read_checkup(c, actor, client_id, input)?;
        let id = insert_checkup(
            c,
            &NewCheckupRow {
                client_id,
                facility_id: read.facility_id,
                taken_at: &utc_stamp(now),
                recorded_by: actor.account_id,
                recorded_by_name: &actor.display_name,
                vitals: &read.vitals,
                findings: &read.findings,
                worst: read.worst,
                notes: read.notes.as_deref(),
                purpose: input.purpose,
                created_at: &c.stamp(),
            },
        )?;
        let urgent: Vec<&Finding> = read.findings.iter().filter(|f| f.level == Level::Urgent).collect();
        raise_alerts(c, read.facility_id, client_id, id, &urgent, now)?;
        let checkup = checkup_by_id(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Checkup, id)
            .facility(Some(read.facility_id))
            .after(&checkup)
            .write(c, actor)?;
        Ok(checkup)
    })
}

/// Corrects a checkup's values (a misread, a slip of the finger), checked as a new checkup
/// would be and read again, in one transaction with its alerts: an open alert whose reading
/// is no longer urgent is closed, marked as closed by the correction with "old → new" as its
/// note; one still urgent stays open with the corrected value; an urgent reading that had no
/// alert raises one. A handled alert stays as handled. Allowed to the nurse who took the
/// checkup and to a manager of its facility (or the city administrator); audited with the
/// checkup before and after. The time it was taken does not change.
pub fn correct_checkup(
    db: &Db,
    actor: &Actor,
    checkup_id: i64,
    input: &CheckupInput,
    now: DateTime<Utc>,
) -> Result<Checkup> {
    actor.require(Action::Assess)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::Assess, Owned::Checkup, checkup_id)?;
        let before = checkup_by_id(c, checkup_id)?;
        let manager = matches!(actor.role, Role::FacilityManager | Role::CityAdmin);
        if !manager && actor.account_id != before.recorded_by {
            return Err(CoreError::Forbidden);
        }
        let read = read_checkup(c, actor, before.client_id, input)?;
        let sql = format!(
            "UPDATE checkups SET worst_level = ?1, findings_json = ?2, notes = ?3, purpose = ?4, corrected_at = ?5,
                                 corrected_by_name = ?6, {} WHERE id = ?{}",
            MEASURED.iter().enumerate().map(|(i, name)| format!("{name} = ?{}", i + 7)).collect::<Vec<_>>().join(", "),
            7 + MEASURED.len(),
        );
        let head: [Value; 6] = [
            read.worst.as_str().to_string().into(),
            serde_json::to_string(&read.findings).expect("findings serialise").into(),
            read.notes.clone().map_or(Value::Null, Value::Text),
            input.purpose.as_str().to_string().into(),
            utc_stamp(now).into(),
            actor.display_name.clone().into(),
        ];
        let values = head.into_iter().chain(measured_values(&read.vitals)).chain([Value::Integer(checkup_id)]);
        c.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        follow_correction(c, actor, facility_id, &before, &read.findings, now)?;
        let after = checkup_by_id(c, checkup_id)?;
        Entry::new(AuditAction::Correct, AuditEntity::Checkup, checkup_id)
            .facility(Some(facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Brings a corrected checkup's alerts in line with its new findings (see [`correct_checkup`]).
fn follow_correction(
    c: &Tx,
    actor: &Actor,
    facility_id: i64,
    before: &Checkup,
    findings: &[Finding],
    now: DateTime<Utc>,
) -> Result<()> {
    let urgent: Vec<&Finding> = findings.iter().filter(|f| f.level == Level::Urgent).collect();
    for alert in &before.alerts {
        let still = urgent.iter().find(|f| f.code == alert.code);
        match (still, &alert.handled_at) {
            (Some(f), None) if f.value != alert.value => {
                c.prepare_cached("UPDATE alerts SET value = ?1 WHERE id = ?2")?.execute(params![f.value, alert.id])?;
            }
            (None, None) => {
                // What the measure reads now, if it was measured at all.
                let measure = before.findings.iter().find(|f| f.code == alert.code).map(|f| f.measure);
                let now_reads =
                    findings.iter().find(|f| Some(f.measure) == measure).map_or("—", |f| f.value.as_str());
                let note = format!("{} → {}", alert.value, now_reads);
                c.prepare_cached(
                    "UPDATE alerts SET handled_at = ?1, handled_by = ?2, handled_note = ?3, closed_by_correction = 1
                     WHERE id = ?4",
                )?
                .execute(params![utc_stamp(now), actor.display_name, note, alert.id])?;
                Entry::new(AuditAction::Close, AuditEntity::Alert, alert.id)
                    .facility(Some(facility_id))
                    .after(&serde_json::json!({ "note": note, "closed_by_correction": true }))
                    .write(c, actor)?;
            }
            _ => {}
        }
    }
    let new: Vec<&Finding> = urgent.into_iter().filter(|f| !before.alerts.iter().any(|a| a.code == f.code)).collect();
    raise_alerts(c, facility_id, before.client_id, before.id, &new, now)
}

/// A client's checkups, newest first. The view is audited (health data).
pub fn checkups(db: &Db, actor: &Actor, client_id: i64) -> Result<Vec<Checkup>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, client_id)?;
        let mut alerts: HashMap<i64, Vec<CheckupAlert>> = HashMap::new();
        let mut rows = c.prepare_cached("SELECT * FROM alerts WHERE client_id = ?1 ORDER BY id")?;
        let mut rows = rows.query([client_id])?;
        while let Some(r) = rows.next()? {
            alerts.entry(r.get("checkup_id")?).or_default().push(CheckupAlert::from_row(r)?);
        }
        let list = c
            .prepare_cached("SELECT * FROM checkups WHERE client_id = ?1 ORDER BY taken_at DESC, id DESC")?
            .query_map([client_id], Checkup::from_row)?
            .map(|k| k.map(|k| Checkup { alerts: alerts.remove(&k.id).unwrap_or_default(), ..k }))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((list, Entry::new(AuditAction::View, AuditEntity::Checkups, client_id).facility(Some(facility_id))))
    })
}

/// The facility's urgent readings nobody has handled yet, oldest first. The view is
/// audited, naming the clients shown.
pub fn open_alerts(db: &Db, actor: &Actor, facility_id: i64) -> Result<Vec<Alert>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    audited_read(db, actor, |c| {
        let alerts: Vec<Alert> = c
            .prepare_cached(
                "SELECT a.id, a.client_id, cl.name, a.checkup_id, a.code, a.value, a.raised_at
             FROM alerts a JOIN clients cl ON cl.id = a.client_id
             WHERE a.facility_id = ?1 AND a.handled_at IS NULL ORDER BY a.raised_at, a.id",
            )?
            .query_map([facility_id], |r| {
                Ok(Alert {
                    id: r.get(0)?,
                    client_id: r.get(1)?,
                    client_name: r.get(2)?,
                    checkup_id: r.get(3)?,
                    code: r.get(4)?,
                    value: r.get(5)?,
                    raised_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let entry = Entry::list_viewed(AuditEntity::Alerts, facility_id, "clients", alerts.iter().map(|a| a.client_id));
        Ok((alerts, entry))
    })
}

/// Records what was done about an alert (referred, rechecked, family told) and takes it off the list.
pub fn handle_alert(db: &Db, actor: &Actor, alert_id: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
    actor.require(Action::Assess)?;
    let note =
        text::optional_text(Some(note), 500, "note")?.ok_or_else(|| Invalid::new("alert.note_required", "note"))?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::Assess, Owned::Alert, alert_id)?;
        let handled: Option<String> =
            c.query_row("SELECT handled_at FROM alerts WHERE id = ?1", [alert_id], |r| r.get(0))?;
        if handled.is_some() {
            return Err(Invalid::new("alert.already_handled", "note").into());
        }
        c.execute(
            "UPDATE alerts SET handled_at = ?1, handled_by = ?2, handled_note = ?3 WHERE id = ?4",
            params![utc_stamp(now), actor.display_name, note, alert_id],
        )?;
        Entry::new(AuditAction::Handle, AuditEntity::Alert, alert_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "note": note }))
            .write(c, actor)
    })
}

/// A follow-up on a facility's due list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DueFollowUp {
    pub client_id: i64,
    pub client_name: String,
    pub reason: DueReason,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    pub overdue: bool,
    /// The reading or check it follows, if any.
    #[ts(type = "string | null")]
    pub last_on: Option<NaiveDate>,
    /// The nurse who took the client's latest checkup: the one who follows up.
    pub nurse_id: Option<i64>,
    pub nurse_name: Option<String>,
}

/// Follow-ups of the facility's active clients (with consent to health data on file: without
/// it nothing can be recorded) that are overdue or due within
/// `horizon_days`, overdue first, then by due day; optionally only one nurse's clients.
pub fn due_follow_ups(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    nurse_id: Option<i64>,
    today: NaiveDate,
    horizon_days: u32,
) -> Result<Vec<DueFollowUp>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let horizon = today + chrono::Days::new(u64::from(horizon_days.min(366)));
    audited_read(db, actor, |c| {
        let due = FollowUpBook::read(c, facility_id)?.due(nurse_id, today, horizon, None);
        let entry = Entry::list_viewed(AuditEntity::FollowUps, facility_id, "clients", due.iter().map(|d| d.client_id));
        Ok((due, entry))
    })
}

/// A facility's consenting active clients with their checkup history, read once so the
/// follow-ups can be worked out as of several days (the monthly report asks as of a month's
/// first and last day).
#[derive(Default)]
pub(crate) struct FollowUpBook {
    clients: Vec<BookedClient>,
}

struct BookedClient {
    id: i64,
    name: String,
    facts: ClientFacts,
    /// Filled in per question when the record has no registration day the app wrote (due
    /// from "today").
    registered_on: Option<NaiveDate>,
    /// In the order they were taken (the planner takes the last of a day's readings as
    /// the day's).
    history: Vec<PastCheckup>,
    /// The latest checkup (taken at, its row): its nurse follows up.
    latest: Option<(DateTime<Utc>, i64)>,
    /// That nurse (account id, name), once read (`read`; the report has no use for it).
    nurse: Option<(i64, String)>,
}

impl FollowUpBook {
    /// One facility's book, with each client's nurse.
    pub(crate) fn read(c: &rusqlite::Connection, facility_id: i64) -> Result<FollowUpBook> {
        let mut book = Self::read_range(c, facility_id, facility_id)?.remove(&facility_id).unwrap_or_default();
        // The latest checkups' ids as a JSON list, for one query.
        let latest: Vec<String> =
            book.clients.iter().filter_map(|client| client.latest.map(|(_, id)| id.to_string())).collect();
        let mut nurses: HashMap<i64, (i64, String)> = HashMap::new();
        let mut stmt = c.prepare_cached(
            "SELECT id, recorded_by, recorded_by_name FROM checkups WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut rows = stmt.query([format!("[{}]", latest.join(","))])?;
        while let Some(r) = rows.next()? {
            nurses.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        for client in &mut book.clients {
            client.nurse = client.latest.and_then(|(_, checkup)| nurses.remove(&checkup));
        }
        Ok(book)
    }

    /// The books of every facility from `lo` to `hi` (ids), from one pass over the clients
    /// and one over the checkups (the city's monthly report reads all 88 centres'); without
    /// the nurses.
    pub(crate) fn read_range(c: &rusqlite::Connection, lo: i64, hi: i64) -> Result<HashMap<i64, FollowUpBook>> {
        let mut books: HashMap<i64, FollowUpBook> = HashMap::new();
        // The clients the books list (active, with consent).
        let mut booked: HashSet<i64> = HashSet::new();
        let mut rows = c.prepare_cached(&read::facility_range(
            "SELECT facility_id, id, name, birth_date, chronic_conditions, created_at FROM clients
             WHERE facility_id BETWEEN :lo AND :hi AND status = 'active' AND consent_on IS NOT NULL",
            lo,
            hi,
        ))?;
        let mut rows = rows.query(rusqlite::named_params! { ":lo": lo, ":hi": hi })?;
        while let Some(r) = rows.next()? {
            let Ok(birth_date) = read::text(r, 3)?.parse::<NaiveDate>() else { continue };
            let conditions = conditions_of(read::text(r, 4)?)?;
            let registered_on = parse_utc_stamp(read::text(r, 5)?).map(local_day);
            let facts = ClientFacts {
                birth_date,
                hypertension: conditions.iter().any(|c| c == "hypertension"),
                diabetes: conditions.iter().any(|c| c == "diabetes"),
                registered_on: registered_on.unwrap_or(birth_date),
            };
            let (facility, id): (i64, i64) = (r.get(0)?, r.get(1)?);
            let book = books.entry(facility).or_default();
            booked.insert(id);
            book.clients.push(BookedClient {
                id,
                name: r.get(2)?,
                facts,
                registered_on,
                history: Vec::new(),
                latest: None,
                nurse: None,
            });
        }
        // A client's whole history, wherever it was taken: one who moved here keeps their
        // follow-ups (docs/domain.md, "Moving to another facility"). One facility's clients'
        // by the index on client; many facilities' in one pass over the table.
        // The levels are those `classify` gave the stored values when the checkup was
        // taken (its findings say the same: tests/health.rs holds them together), read
        // from the values rather than from each checkup's findings.
        let sql = if lo == hi {
            "SELECT k.client_id, k.taken_at, k.purpose, k.systolic, k.diastolic, k.glucose_fasting, k.id
             FROM clients cl JOIN checkups k ON k.client_id = cl.id
             WHERE cl.facility_id = ?1 AND cl.status = 'active' AND cl.consent_on IS NOT NULL"
        } else {
            "SELECT client_id, taken_at, purpose, systolic, diastolic, glucose_fasting, id FROM checkups
             WHERE ?1 IS NOT NULL"
        };
        let mut taken: HashMap<i64, Vec<(DateTime<Utc>, i64, PastCheckup)>> = HashMap::new();
        let mut rows = c.prepare_cached(sql)?;
        let mut rows = rows.query([lo])?;
        while let Some(r) = rows.next()? {
            let client_id: i64 = r.get(0)?;
            if !booked.contains(&client_id) {
                continue;
            }
            let Some(taken_at) = parse_utc_stamp(read::text(r, 1)?) else { continue };
            let bp = match (r.get::<_, Option<u16>>(3)?, r.get::<_, Option<u16>>(4)?) {
                (Some(s), Some(d)) => Some(vitals::blood_pressure_level(s, d)),
                _ => None,
            };
            let checkup = PastCheckup {
                day: local_day(taken_at),
                purpose: r.get(2)?,
                bp,
                fasting_glucose: r.get::<_, Option<f64>>(5)?.map(vitals::fasting_glucose_level),
            };
            taken.entry(client_id).or_default().push((taken_at, r.get(6)?, checkup));
        }
        // Each history in the order the checkups were taken, however the rows came.
        for client in books.values_mut().flat_map(|book| &mut book.clients) {
            let Some(mut readings) = taken.remove(&client.id) else { continue };
            readings.sort_by_key(|(at, id, _)| (*at, *id));
            client.latest = readings.last().map(|(at, id, _)| (*at, *id));
            client.history = readings.into_iter().map(|(_, _, checkup)| checkup).collect();
        }
        Ok(books)
    }

    /// The follow-ups due on or before `horizon` as of `today`, optionally of one nurse's
    /// clients. With `seen_until`, only what was known that day counts: clients registered
    /// by then and checkups taken by then.
    pub(crate) fn due(
        &self,
        nurse_id: Option<i64>,
        today: NaiveDate,
        horizon: NaiveDate,
        seen_until: Option<NaiveDate>,
    ) -> Vec<DueFollowUp> {
        let mut out = Vec::new();
        for client in &self.clients {
            let nurse = client.nurse.as_ref();
            if nurse_id.is_some() && nurse.map(|n| n.0) != nurse_id {
                continue;
            }
            for due in client.plan(today, seen_until).unwrap_or_default() {
                if due.due_on > horizon {
                    continue;
                }
                out.push(DueFollowUp {
                    client_id: client.id,
                    client_name: client.name.clone(),
                    reason: due.reason,
                    due_on: due.due_on,
                    overdue: due.due_on < today,
                    last_on: due.last_on,
                    nurse_id: nurse.map(|n| n.0),
                    nurse_name: nurse.map(|n| n.1.clone()),
                });
            }
        }
        out.sort_by(|a, b| (!a.overdue, a.due_on, &a.client_name).cmp(&(!b.overdue, b.due_on, &b.client_name)));
        out
    }

    /// Each client's follow-ups (as `due` works them out, every one however far off) as of
    /// two days, each from what was known that day: `None` where the client was not
    /// registered yet. The monthly counts compare a client's two plans.
    pub(crate) fn plans_on(
        &self,
        earlier: NaiveDate,
        later: NaiveDate,
    ) -> impl Iterator<Item = (Option<Vec<followup::Due>>, Option<Vec<followup::Due>>)> + '_ {
        self.clients.iter().map(move |client| (client.plan(earlier, Some(earlier)), client.plan(later, Some(later))))
    }
}

impl BookedClient {
    /// The client's follow-ups as of `today`; with `seen_until`, from what was known that
    /// day (`None` if the client was registered after it).
    fn plan(&self, today: NaiveDate, seen_until: Option<NaiveDate>) -> Option<Vec<followup::Due>> {
        if seen_until.is_some_and(|u| self.registered_on.is_some_and(|r| r > u)) {
            return None;
        }
        // A record the app did not write has no registration day: due from today.
        let facts = ClientFacts { registered_on: self.registered_on.unwrap_or(today), ..self.facts.clone() };
        // The history is in the order it was taken: what was known is a prefix of it.
        let seen = match seen_until {
            Some(u) => &self.history[..self.history.partition_point(|p| p.day <= u)],
            None => &self.history[..],
        };
        Some(followup::plan(&facts, seen, today))
    }
}
