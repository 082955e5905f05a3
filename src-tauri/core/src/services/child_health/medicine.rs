//! Medicine brought from home: the course a guardian signed for, and each dose given, never
//! more in a day than the course allows.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::local_day;
use crate::dates::parse_day;
use crate::domain::account::{Action, Actor};
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::{utc_stamp, Db};

/// The longest course of medicine from home the unit takes on one signature.
pub const MEDICINE_MAX_DAYS: i64 = 90;

/// Medicine a guardian brought, as written on the form they signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MedicineInput {
    pub medicine: String,
    /// As the guardian wrote it, e.g. "5 ml".
    pub dose: String,
    pub times_per_day: u8,
    /// When in the day, e.g. "10:00, 14:00".
    pub times: Option<String>,
    /// ISO dates, first and last day of the course.
    pub from_day: String,
    pub to_day: String,
    /// The guardian who signed for it.
    pub guardian_name: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MedicineOrder {
    pub id: i64,
    pub child_id: i64,
    pub facility_id: i64,
    pub medicine: String,
    pub dose: String,
    pub times_per_day: u8,
    pub times: Option<String>,
    pub from_day: String,
    pub to_day: String,
    pub guardian_name: String,
    pub note: Option<String>,
    pub recorded_by_name: String,
    pub recorded_at: String,
}

/// A dose given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MedicineDose {
    pub id: i64,
    pub medicine_id: i64,
    pub day: String,
    pub given_at: String,
    pub given_by_name: String,
    pub note: Option<String>,
}

/// Who gave a dose (the signed-in account when left empty) and a note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DoseInput {
    pub given_by: Option<String>,
    pub note: Option<String>,
}

/// One course of medicine on a day: the doses given so far and how many are still due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MedicineDay {
    pub order: MedicineOrder,
    pub child_name: String,
    pub class_name: Option<String>,
    pub doses: Vec<MedicineDose>,
    pub still_due: u8,
}

impl MedicineOrder {
    fn from_row(r: &Row) -> rusqlite::Result<MedicineOrder> {
        Ok(MedicineOrder {
            id: r.get("id")?,
            child_id: r.get("child_id")?,
            facility_id: r.get("facility_id")?,
            medicine: r.get("medicine")?,
            dose: r.get("dose")?,
            times_per_day: r.get("times_per_day")?,
            times: r.get("times")?,
            from_day: r.get("from_day")?,
            to_day: r.get("to_day")?,
            guardian_name: r.get("guardian_name")?,
            note: r.get("note")?,
            recorded_by_name: r.get("recorded_by_name")?,
            recorded_at: r.get("recorded_at")?,
        })
    }
}

impl MedicineDose {
    fn from_row(r: &Row) -> rusqlite::Result<MedicineDose> {
        Ok(MedicineDose {
            id: r.get("id")?,
            medicine_id: r.get("medicine_id")?,
            day: r.get("day")?,
            given_at: r.get("given_at")?,
            given_by_name: r.get("given_by_name")?,
            note: r.get("note")?,
        })
    }
}

pub(crate) struct MedicineFields {
    pub medicine: String,
    pub dose: String,
    pub times_per_day: u8,
    pub times: Option<String>,
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    pub guardian_name: String,
    pub note: Option<String>,
}

impl MedicineInput {
    fn validate(&self) -> Result<MedicineFields, Invalid> {
        let medicine = text::required_name(&self.medicine, 60, "medicine.name_empty", "text.too_long", "medicine")?;
        let dose = text::required_name(&self.dose, 40, "medicine.dose_empty", "text.too_long", "dose")?;
        if !(1..=6).contains(&self.times_per_day) {
            return Err(Invalid::new("medicine.times_per_day", "times_per_day").with("min", 1).with("max", 6));
        }
        let from_day = parse_day(&self.from_day, "from_day")?;
        let to_day = parse_day(&self.to_day, "to_day")?;
        if to_day < from_day {
            return Err(Invalid::new("medicine.days_order", "to_day"));
        }
        if (to_day - from_day).num_days() + 1 > MEDICINE_MAX_DAYS {
            return Err(Invalid::new("medicine.too_long", "to_day").with("max", MEDICINE_MAX_DAYS));
        }
        Ok(MedicineFields {
            medicine,
            dose,
            times_per_day: self.times_per_day,
            times: text::optional_text(self.times.as_deref(), 60, "times")?,
            from_day,
            to_day,
            guardian_name: text::required_name(
                &self.guardian_name,
                60,
                "medicine.guardian_required",
                "text.too_long",
                "guardian_name",
            )?,
            note: text::optional_text(self.note.as_deref(), 500, "note")?,
        })
    }
}

fn order_by_id(c: &Connection, id: i64) -> Result<MedicineOrder> {
    c.prepare_cached("SELECT * FROM child_medicines WHERE id = ?1")?
        .query_row([id], MedicineOrder::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::ChildMedicine, id: id.to_string() })
}

/// Logs medicine a guardian brought for a child, with the guardian who signed for it.
pub fn add_medicine(
    db: &Db,
    actor: &Actor,
    child_id: i64,
    input: &MedicineInput,
    now: DateTime<Utc>,
) -> Result<MedicineOrder> {
    actor.require(Action::Assess)?;
    let f = input.validate()?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::Assess, PersonKind::Child, child_id)?;
        let left_on: Option<String> =
            c.query_row("SELECT left_on FROM children WHERE id = ?1", [child_id], |r| r.get(0))?;
        if left_on.is_some_and(|l| l < f.from_day.to_string()) {
            return Err(Invalid::new("medicine.child_left", "from_day").into());
        }
        let recorded_by = (actor.account_id, actor.display_name.as_str());
        let id = write_medicine(c, child_id, facility_id, &f, recorded_by, &utc_stamp(now))?;
        let order = order_by_id(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::ChildMedicine, order.id)
            .facility(Some(facility_id))
            .after(&order)
            .write(c, actor)?;
        Ok(order)
    })
}

/// Records a dose given now. Refused outside the course's days, and once the day's doses
/// have all been given: a further dose is an overdose, never a matter for a note.
pub fn give_dose(
    db: &Db,
    actor: &Actor,
    medicine_id: i64,
    input: &DoseInput,
    now: DateTime<Utc>,
) -> Result<MedicineDose> {
    actor.require(Action::Assess)?;
    let given_by =
        text::optional_text(input.given_by.as_deref(), 60, "given_by")?.unwrap_or_else(|| actor.display_name.clone());
    let note = text::optional_text(input.note.as_deref(), 200, "note")?;
    let day = local_day(now);
    db.write(|c| {
        let order = order_by_id(c, medicine_id)?;
        actor.require_at(Action::Assess, order.facility_id)?;
        if day.to_string() < order.from_day || day.to_string() > order.to_day {
            return Err(Invalid::new("medicine.outside_days", "medicine_id")
                .with("from", &order.from_day)
                .with("to", &order.to_day)
                .into());
        }
        let given: i64 = c
            .prepare_cached("SELECT count(*) FROM child_medicine_doses WHERE medicine_id = ?1 AND day = ?2")?
            .query_row(params![medicine_id, day.to_string()], |r| r.get(0))?;
        if given >= i64::from(order.times_per_day) {
            return Err(Invalid::new("medicine.all_given", "medicine_id")
                .with("given", given)
                .with("times", order.times_per_day)
                .into());
        }
        let id = write_dose(c, medicine_id, day, &utc_stamp(now), (actor.account_id, &given_by), note.as_deref())?;
        let dose = c
            .prepare_cached("SELECT * FROM child_medicine_doses WHERE id = ?1")?
            .query_row([id], MedicineDose::from_row)?;
        Entry::new(AuditAction::Create, AuditEntity::MedicineDose, dose.id)
            .facility(Some(order.facility_id))
            .after(&serde_json::json!({ "child_id": order.child_id, "medicine": order.medicine, "dose": dose }))
            .write(c, actor)?;
        Ok(dose)
    })
}

/// The courses of medicine running at the unit on `day`, by class and name, each with the
/// doses given that day and how many are still due. The view is audited, naming the
/// children shown.
pub fn medicines_for_day(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<Vec<MedicineDay>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    audited_read(db, actor, |c| {
        let list = medicines_in(c, facility_id, day)?;
        let children = list.iter().map(|m| m.order.child_id);
        let entry = Entry::list_viewed(AuditEntity::Medicines, facility_id, "children", children);
        Ok((list, entry))
    })
}

/// [`medicines_for_day`] on an open connection.
pub(crate) fn medicines_in(c: &Connection, facility_id: i64, day: NaiveDate) -> Result<Vec<MedicineDay>> {
    let day = day.to_string();

    let orders: Vec<(MedicineOrder, String, Option<String>)> = c
        .prepare_cached(
            "SELECT m.*, ch.name AS child_name, cc.name AS class_name
                 FROM child_medicines m JOIN children ch ON ch.id = m.child_id
                 LEFT JOIN child_classes cc ON cc.id = ch.class_id
                 WHERE m.facility_id = ?1 AND m.from_day <= ?2 AND m.to_day >= ?2
                   AND (ch.left_on IS NULL OR ch.left_on >= ?2)
                 ORDER BY cc.id, ch.name_key, ch.id, m.id",
        )?
        .query_map(params![facility_id, day], |r| {
            Ok((MedicineOrder::from_row(r)?, r.get("child_name")?, r.get("class_name")?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut doses_of = c.prepare_cached(
        "SELECT * FROM child_medicine_doses WHERE medicine_id = ?1 AND day = ?2 ORDER BY given_at, id",
    )?;
    orders
        .into_iter()
        .map(|(order, child_name, class_name)| {
            let doses: Vec<MedicineDose> =
                doses_of.query_map(params![order.id, day], MedicineDose::from_row)?.collect::<rusqlite::Result<_>>()?;
            let still_due = order.times_per_day.saturating_sub(doses.len().min(255) as u8);
            Ok(MedicineDay { order, child_name, class_name, doses, still_due })
        })
        .collect()
}

/// Inserts medicine a guardian handed over, recorded by (account, name) at `at`: the one
/// writer of `child_medicines`, for the service and the demo city alike. Returns its id.
pub(crate) fn write_medicine(
    c: &Connection,
    child_id: i64,
    facility_id: i64,
    f: &MedicineFields,
    recorded_by: (i64, &str),
    at: &str,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO child_medicines (child_id, facility_id, medicine, dose, times_per_day, times, from_day, to_day,
                                      guardian_name, note, recorded_by, recorded_by_name, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        child_id,
        facility_id,
        f.medicine,
        f.dose,
        f.times_per_day,
        f.times,
        f.from_day.to_string(),
        f.to_day.to_string(),
        f.guardian_name,
        f.note,
        recorded_by.0,
        recorded_by.1,
        at,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Inserts a dose given on `day` at `given_at` by (account, name): the one writer of
/// `child_medicine_doses`, for the service and the demo city alike. Returns its id.
pub(crate) fn write_dose(
    c: &Connection,
    medicine_id: i64,
    day: NaiveDate,
    given_at: &str,
    given_by: (i64, &str),
    note: Option<&str>,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO child_medicine_doses (medicine_id, day, given_at, given_by, given_by_name, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![medicine_id, day.to_string(), given_at, given_by.0, given_by.1, note])?;
    Ok(c.last_insert_rowid())
}
