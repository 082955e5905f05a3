//! Staff records: who works where, with which qualifications and hours. Managers keep
//! them; everyone in the facility may read them.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::{
    audit_id_refusal, bad_column, ensure_id_free, facility_kind, json_list, ListQuery, ListSort, ListStatus, Page,
};
use crate::domain::account::{Action, Actor};
use crate::domain::facility::bits_to_days;
use crate::domain::person::{PersonKind, Skill, StaffFields, StaffInput, StaffJob};
use crate::domain::resident_id::{mask, Sex};
use crate::error::{CoreError, Result};
use crate::search::sort_key;
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::services::search::SearchCache;
use crate::store::form_row::FormRow;
use crate::store::read;
use crate::store::{Db, Tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub sex: Sex,
    pub id_masked: Option<String>,
    pub job: StaffJob,
    pub facility_id: i64,
    pub facility_name: String,
    pub phone: Option<String>,
    pub skills: Vec<Skill>,
    pub work_starts: String,
    pub work_ends: String,
    pub work_days: Vec<u8>,
    pub active: bool,
    pub is_demo: bool,
}

impl Staff {
    fn from_row(r: &Row) -> rusqlite::Result<Staff> {
        Ok(Staff {
            id: r.get("id")?,
            name: r.get("name")?,
            sex: Sex::from_db(&r.get::<_, String>("sex")?).ok_or_else(|| bad_column("sex"))?,
            id_masked: r.get::<_, Option<String>>("id_number")?.as_deref().map(mask),
            job: r.get::<_, StaffJob>("job")?,
            facility_id: r.get("facility_id")?,
            facility_name: r.get("facility_name")?,
            phone: r.get("phone")?,
            skills: read::json(r, "skills")?,
            work_starts: r.get("work_starts")?,
            work_ends: r.get("work_ends")?,
            work_days: bits_to_days(r.get("work_days")?),
            active: r.get("active")?,
            is_demo: r.get("is_demo")?,
        })
    }
}

const SELECT: &str = "SELECT s.*, f.name AS facility_name FROM staff s JOIN facilities f ON f.id = s.facility_id";

fn load_staff(c: &Connection, id: i64) -> Result<Staff> {
    c.prepare_cached(&format!("{SELECT} WHERE s.id = ?1"))?
        .query_row([id], Staff::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Staff, id: id.to_string() })
}

pub fn get_staff(db: &Db, actor: &Actor, id: i64) -> Result<Staff> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Staff, id)?;
        let staff = load_staff(c, id)?;
        Ok((staff, Entry::new(AuditAction::View, AuditEntity::Staff, id).facility(Some(facility_id))))
    })
}

/// The staff a list filter lets through (`?1` facility, `?2` include inactive, `?3` status,
/// `?4` the ids the search found); the count and the page share it.
const STAFF_FILTER: &str = "(?1 IS NULL OR s.facility_id = ?1)
     AND CASE WHEN ?3 IS NULL THEN (?2 OR s.active = 1)
              WHEN ?3 = 'active' THEN s.active = 1
              ELSE s.active = 0 END
     AND (?4 IS NULL OR s.id IN (SELECT value FROM json_each(?4)))";

/// The columns the staff list sorts by; those working come before those who left.
const STAFF_SORTS: &[(ListSort, &str)] = &[
    (ListSort::Name, "s.name_key"),
    (ListSort::Job, "s.job"),
    (ListSort::Facility, "pinyin_key(f.name)"),
    (ListSort::Status, "1 - s.active"),
];

pub fn list_staff(db: &Db, actor: &Actor, cache: &SearchCache, query: &ListQuery) -> Result<Page<Staff>> {
    let facility = query.facility(actor)?;
    let status = query.status_among(&[ListStatus::Active, ListStatus::Gone])?;
    let order = query.order_by(STAFF_SORTS, "s.job, s.name_key, s.id")?;
    let found = query.found(db, actor, cache, facility, PersonKind::Staff)?;
    db.read(|c| {
        let total: i64 = c
            .prepare_cached(&format!("SELECT count(*) FROM staff s WHERE {STAFF_FILTER}"))?
            .query_row(params![facility, query.include_inactive, status, found], |r| r.get(0))?;
        let mut stmt =
            c.prepare_cached(&format!("{SELECT} WHERE {STAFF_FILTER} ORDER BY {order} LIMIT ?5 OFFSET ?6"))?;
        let args = params![facility, query.include_inactive, status, found, query.limit(), query.offset()];
        let rows = stmt.query_map(args, Staff::from_row)?;
        Ok(Page { total, rows: rows.collect::<rusqlite::Result<_>>()? })
    })
}

fn check_references(c: &Connection, actor: &Actor, fields: &StaffFields, except: Option<i64>) -> Result<()> {
    facility_kind(c, fields.facility_id)?;
    ensure_id_free(c, actor, fields.id_number.as_ref(), except.map(|id| (PersonKind::Staff, id)))
}

/// The staff record's columns, as both the INSERT and the UPDATE write them.
fn staff_row(fields: &StaffFields) -> FormRow {
    FormRow::new(
        "staff",
        vec![
            ("facility_id", fields.facility_id.into()),
            ("name", fields.name.clone().into()),
            ("sex", fields.sex.as_str().to_string().into()),
            ("job", fields.job.as_str().to_string().into()),
            ("phone", fields.phone.clone().into()),
            ("id_number", fields.id_number.as_ref().map(|id| id.as_str().to_string()).into()),
            ("skills", json_list(&fields.skills).into()),
            ("work_starts", fields.work_starts.clone().into()),
            ("work_ends", fields.work_ends.clone().into()),
            ("work_days", fields.work_days_bits.into()),
            ("active", fields.active.into()),
            ("name_key", sort_key(&fields.name).into()),
        ],
    )
}

/// Inserts a validated, checked staff record, taken on now (no audit: the caller writes it).
pub(crate) fn insert_staff(c: &Tx, fields: &StaffFields) -> Result<i64> {
    write_staff(c, fields, &c.stamp(), false)
}

/// Inserts a staff record created at `at`: the one writer of `staff`, for the services and
/// the demo city (which marks its own) alike.
pub(crate) fn write_staff(c: &Connection, fields: &StaffFields, at: &str, is_demo: bool) -> Result<i64> {
    staff_row(fields).with("is_demo", is_demo).insert(c, at)
}

pub fn create_staff(db: &Db, actor: &Actor, input: &StaffInput, today: NaiveDate) -> Result<Staff> {
    actor.require(Action::EditStaff)?;
    let fields = input.validate(today)?;
    actor.require_at(Action::EditStaff, fields.facility_id)?;
    let saved = db.write(|c| {
        check_references(c, actor, &fields, None)?;
        let id = insert_staff(c, &fields)?;
        let after = load_staff(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Staff, id)
            .facility(Some(fields.facility_id))
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    });
    audit_id_refusal(db, actor, PersonKind::Staff, None, Some(fields.facility_id), input.id_number.as_deref(), saved)
}

pub fn update_staff(db: &Db, actor: &Actor, id: i64, input: &StaffInput, today: NaiveDate) -> Result<Staff> {
    actor.require(Action::EditStaff)?;
    let saved = db.write(|c| {
        facility_for(c, actor, Action::EditStaff, PersonKind::Staff, id)?;
        let mut input = input.clone();
        if input.id_number.as_deref().is_none_or(|s| s.trim().is_empty()) {
            input.id_number = c.query_row("SELECT id_number FROM staff WHERE id = ?1", [id], |r| r.get(0))?;
        }
        let fields = input.validate(today)?;
        actor.require_at(Action::EditStaff, fields.facility_id)?;
        check_references(c, actor, &fields, Some(id))?;
        let before = load_staff(c, id)?;
        staff_row(&fields).update(c, id)?;
        if fields.facility_id != before.facility_id {
            crate::sync::queue_move(c, PersonKind::Staff, id, fields.facility_id)?;
        }
        let after = load_staff(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Staff, id)
            .facility(Some(fields.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    });
    audit_id_refusal(db, actor, PersonKind::Staff, Some(id), None, input.id_number.as_deref(), saved)
}
