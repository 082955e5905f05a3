//! Growth measurements: weight, length or height and head circumference, each read against
//! the WHO standards for the child's age and sex, and a child's history for the chart.

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::date_of;
use crate::codes::code_enum;
use crate::dates::parse_day;
use crate::domain::account::{Action, Actor};
use crate::domain::growth::{self, GrowthClass, GrowthInput, Indicator, ZScore};
use crate::domain::person::{months_between, PersonKind};
use crate::domain::resident_id::Sex;
use crate::domain::text;
use crate::error::{Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::read;
use crate::store::Db;

code_enum! {
    /// Why a child was measured. Entry and periodic examinations satisfy the schedule;
    /// a routine weighing in class does not (it is not a physical examination).
    #[derive(Default)]
    GrowthPurpose { Entry = "entry", Periodic = "periodic", #[default] Routine = "routine" }
}

/// A measurement as the health worker enters it. Weight or height (or both) is needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GrowthMeasurementInput {
    /// ISO date.
    pub measured_on: String,
    pub weight_kg: Option<f64>,
    /// Length lying down under 2 years, height standing from 2, as WHO measures.
    pub height_cm: Option<f64>,
    pub head_cm: Option<f64>,
    pub purpose: GrowthPurpose,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GrowthMeasurement {
    pub id: i64,
    pub child_id: i64,
    pub facility_id: i64,
    pub measured_on: String,
    pub age_days: u32,
    pub age_months: u32,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub head_cm: Option<f64>,
    pub purpose: GrowthPurpose,
    /// Each indicator the values allow, read against the WHO standards.
    pub zscores: Vec<ZScore>,
    /// Older than the WHO tables: stored, with no z-scores.
    pub beyond_standards: bool,
    pub note: Option<String>,
    pub measured_by_name: String,
    pub created_at: String,
}

/// A z-score as stored in `zscores_json` (the domain type is only ever written out).
#[derive(Deserialize)]
struct StoredZScore {
    indicator: Indicator,
    z: f64,
    class: GrowthClass,
    code: String,
}

impl GrowthMeasurement {
    fn from_row(r: &Row) -> rusqlite::Result<GrowthMeasurement> {
        let measured_on = date_of(r, "measured_on")?;
        let age_days: u32 = r.get("age_days")?;
        let birth = measured_on - Days::new(u64::from(age_days));
        // Scores from a newer app that this one cannot read are left out, not an error.
        let zscores = read::json::<Vec<StoredZScore>, _>(r, "zscores_json")?
            .into_iter()
            .map(|s| ZScore { indicator: s.indicator, z: s.z, class: s.class, code: s.code })
            .collect();
        Ok(GrowthMeasurement {
            id: r.get("id")?,
            child_id: r.get("child_id")?,
            facility_id: r.get("facility_id")?,
            measured_on: measured_on.to_string(),
            age_days,
            age_months: months_between(birth, measured_on),
            weight_kg: r.get("weight_kg")?,
            height_cm: r.get("height_cm")?,
            head_cm: r.get("head_cm")?,
            purpose: GrowthPurpose::from_row(r, "purpose")?,
            zscores,
            beyond_standards: age_days > growth::MAX_AGE_DAYS,
            note: r.get("note")?,
            measured_by_name: r.get("measured_by_name")?,
            created_at: r.get("created_at")?,
        })
    }
}

/// A value no child of the unit's ages could have is an entry error, whatever the age: the
/// WHO check (plausible ranges, |z| > 5) covers only the ages its tables do, so a child past
/// them is held to these wider ranges alone.
fn plausible(value: Option<f64>, (min, max): (f64, f64), field: &'static str) -> Result<(), Invalid> {
    match value {
        Some(v) if !v.is_finite() || v < min || v > max => Err(Invalid::new("growth_measurement.implausible", field)
            .with("value", v)
            .with("min", min)
            .with("max", max)),
        _ => Ok(()),
    }
}

/// Records a measurement, with the z-scores of the child's age and sex on file. Refused:
/// a date in the future or before the child's birth, values no child could have.
pub fn record_growth(
    db: &Db,
    actor: &Actor,
    child_id: i64,
    input: &GrowthMeasurementInput,
    today: NaiveDate,
) -> Result<GrowthMeasurement> {
    actor.require(Action::Assess)?;
    let measured_on = parse_day(&input.measured_on, "measured_on")?;
    if measured_on > today {
        return Err(Invalid::new("growth_measurement.future", "measured_on").into());
    }
    if input.weight_kg.is_none() && input.height_cm.is_none() {
        return Err(Invalid::new("growth_measurement.empty", "weight_kg").into());
    }
    // An entry or periodic examination is the whole measurement: a weighing alone would
    // take the child off the list of examinations due.
    if matches!(input.purpose, GrowthPurpose::Entry | GrowthPurpose::Periodic) {
        let missing = if input.weight_kg.is_none() {
            Some("weight_kg")
        } else {
            input.height_cm.is_none().then_some("height_cm")
        };
        if let Some(field) = missing {
            return Err(Invalid::new("growth_measurement.exam_incomplete", field).into());
        }
    }
    plausible(input.weight_kg, (0.5, 60.0), "weight_kg")?;
    plausible(input.height_cm, (38.0, 150.0), "height_cm")?;
    plausible(input.head_cm, (25.0, 60.0), "head_cm")?;
    let note = text::optional_text(input.note.as_deref(), 500, "note")?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::Assess, PersonKind::Child, child_id)?;
        let (birth, sex, left_on) = c
            .prepare_cached("SELECT birth_date, sex, left_on FROM children WHERE id = ?1")?
            .query_row([child_id], |r| {
                Ok((date_of(r, "birth_date")?, r.get::<_, String>("sex")?, r.get::<_, Option<String>>("left_on")?))
            })?;
        if measured_on < birth {
            return Err(Invalid::new("growth_measurement.before_birth", "measured_on").into());
        }
        if left_on.is_some_and(|l| l < measured_on.to_string()) {
            return Err(Invalid::new("growth_measurement.child_left", "measured_on").into());
        }
        let age_days = u32::try_from((measured_on - birth).num_days()).unwrap_or(u32::MAX);
        let zscores = if age_days <= growth::MAX_AGE_DAYS {
            growth::assess(&GrowthInput {
                sex: Sex::from_db(&sex),
                age_days,
                weight_kg: input.weight_kg,
                height_cm: input.height_cm,
                head_cm: input.head_cm,
            })?
        } else {
            Vec::new()
        };
        let row = MeasurementRow {
            child_id,
            facility_id,
            measured_on,
            age_days,
            weight_kg: input.weight_kg,
            height_cm: input.height_cm,
            head_cm: input.head_cm,
            purpose: input.purpose,
            zscores: &zscores,
            note: note.as_deref(),
            measured_by: (actor.account_id, &actor.display_name),
            created_at: &c.stamp(),
        };
        let id = write_measurement(c, &row)?;
        let m = c
            .prepare_cached("SELECT * FROM growth_measurements WHERE id = ?1")?
            .query_row([id], GrowthMeasurement::from_row)?;
        Entry::new(AuditAction::Create, AuditEntity::GrowthMeasurement, m.id)
            .facility(Some(facility_id))
            .after(&m)
            .write(c, actor)?;
        Ok(m)
    })
}

/// A child's measurements, oldest first (as a growth chart reads); the view is audited.
pub fn growth_history(db: &Db, actor: &Actor, child_id: i64) -> Result<Vec<GrowthMeasurement>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Child, child_id)?;
        let history = c
            .prepare_cached("SELECT * FROM growth_measurements WHERE child_id = ?1 ORDER BY measured_on, id")?
            .query_map([child_id], GrowthMeasurement::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((
            history,
            Entry::new(AuditAction::View, AuditEntity::GrowthMeasurements, child_id).facility(Some(facility_id)),
        ))
    })
}

/// A measurement as stored: what [`write_measurement`], the one writer of
/// `growth_measurements`, takes.
pub(crate) struct MeasurementRow<'a> {
    pub child_id: i64,
    pub facility_id: i64,
    pub measured_on: NaiveDate,
    pub age_days: u32,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub head_cm: Option<f64>,
    pub purpose: GrowthPurpose,
    pub zscores: &'a [ZScore],
    pub note: Option<&'a str>,
    /// The account (0 for the system) and name of whoever measured.
    pub measured_by: (i64, &'a str),
    pub created_at: &'a str,
}

/// Inserts a measurement, for the service and the demo city alike; returns its id.
pub(crate) fn write_measurement(c: &Connection, row: &MeasurementRow) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO growth_measurements (child_id, facility_id, measured_on, age_days, weight_kg, height_cm, head_cm,
                                          purpose, zscores_json, note, measured_by, measured_by_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        row.child_id,
        row.facility_id,
        row.measured_on.to_string(),
        row.age_days,
        row.weight_kg,
        row.height_cm,
        row.head_cm,
        row.purpose.as_str(),
        serde_json::to_string(row.zscores).expect("z-scores serialise"),
        row.note,
        row.measured_by.0,
        row.measured_by.1,
        row.created_at,
    ])?;
    Ok(c.last_insert_rowid())
}
