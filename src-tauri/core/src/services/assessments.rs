//! Capability assessments (GB/T 42195-2022) of elderly clients: every assessment is kept
//! with its date and assessor; the client's record shows the latest level.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

use super::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::dates::parse_day;
use crate::domain::account::{Action, Actor};
use crate::domain::assessment::{AssessmentInput, AssessmentScores};
use crate::domain::person::PersonKind;
use crate::error::{Invalid, Result};
use crate::services::incidents;
use crate::services::scope::facility_for;
use crate::store::Db;

/// One stored assessment: the scores as filled in, with who assessed and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentRecord {
    pub id: i64,
    pub client_id: i64,
    pub assessor_name: String,
    pub scores: AssessmentScores,
    pub created_at: String,
}

impl AssessmentRecord {
    fn from_row(r: &Row) -> rusqlite::Result<AssessmentRecord> {
        let json: String = r.get("scores_json")?;
        let scores = serde_json::from_str(&json)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(AssessmentRecord {
            id: r.get("id")?,
            client_id: r.get("client_id")?,
            assessor_name: r.get("assessor_name")?,
            scores,
            created_at: r.get("created_at")?,
        })
    }
}

/// Inserts a client's assessment by `assessor` (account id, name), created at `at`: the
/// one writer of `assessments`, for the service and the demo city's history alike.
pub(crate) fn write_assessment(
    c: &Connection,
    client_id: i64,
    scores: &AssessmentScores,
    assessor: (i64, &str),
    at: &str,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO assessments (client_id, assessed_on, assessor_id, assessor_name, scores_json, total,
                                  preliminary_level, level, notes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        client_id,
        scores.assessed_on,
        assessor.0,
        assessor.1,
        serde_json::to_string(scores).expect("scores serialise"),
        scores.total,
        scores.preliminary_level.as_number(),
        scores.level.as_number(),
        scores.notes,
        at,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Records an assessment for a client of the assessor's facility. Its care-risk events of
/// the last 30 days are those the incident reports hold, whatever the form says.
pub fn add(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    input: &AssessmentInput,
    today: NaiveDate,
) -> Result<AssessmentRecord> {
    actor.require(Action::Assess)?;
    let checked = input.validate(today)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::Assess, PersonKind::Client, client_id)?;
        // The care-risk events are counted from the incident reports, not typed.
        let assessed_on = parse_day(&checked.assessed_on, "assessed_on")?;
        let risk_events_30d = incidents::risk_events_30d(c, client_id, assessed_on)?;
        let scores = AssessmentInput { risk_events_30d, ..input.clone() }.validate(today)?;
        // Health data is processed only with the client's separate consent on file (PIPL).
        let (birth, consent): (String, Option<String>) =
            c.query_row("SELECT birth_date, consent_on FROM clients WHERE id = ?1", [client_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if consent.is_none() {
            return Err(Invalid::new("assessment.consent_required", "assessed_on").into());
        }
        if scores.assessed_on < birth {
            return Err(Invalid::new("assessment.date_before_birth", "assessed_on").with("date", birth).into());
        }
        let id = write_assessment(c, client_id, &scores, (actor.account_id, &actor.display_name), &c.stamp())?;
        let record =
            c.prepare_cached("SELECT * FROM assessments WHERE id = ?1")?.query_row([id], AssessmentRecord::from_row)?;
        Entry::new(AuditAction::Create, AuditEntity::Assessment, id)
            .facility(Some(facility_id))
            .after(&record)
            .write(c, actor)?;
        Ok(record)
    })
}

/// Every assessment of a client, newest first. The view is audited (health data).
pub fn list(db: &Db, actor: &Actor, client_id: i64) -> Result<Vec<AssessmentRecord>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, client_id)?;
        let rows = c
            .prepare_cached("SELECT * FROM assessments WHERE client_id = ?1 ORDER BY assessed_on DESC, id DESC")?
            .query_map([client_id], AssessmentRecord::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok((rows, Entry::new(AuditAction::View, AuditEntity::Assessments, client_id).facility(Some(facility_id))))
    })
}
