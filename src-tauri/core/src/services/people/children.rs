//! Children (幼儿) of the integrated childcare units, with their guardians and authorised
//! pick-up persons. Contacts are never deleted, only retired, so that a past pick-up
//! still names the person who took the child.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::{
    audit_id_refusal, birth_of, ensure_id_free, facility_kind, json_list, sex_of, ListQuery, ListSort, ListStatus, Page,
};
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::person::{months_between, ChildFields, ChildInput, DietNeed, PersonKind};
use crate::domain::resident_id::{mask, Sex};
use crate::error::{CoreError, Invalid, Result};
use crate::search::sort_key;
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::services::search::SearchCache;
use crate::store::form_row::FormRow;
use crate::store::read;
use crate::store::{Db, Tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChildContact {
    pub id: i64,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub is_guardian: bool,
    pub may_pick_up: bool,
    /// The last four characters of the contact's ID number, which the desk asks the adult
    /// for at a hand-over: shown only to those who decide who may collect the child
    /// ([`Action::ManagePickup`]), or the desk would read the answer off the screen.
    pub id_tail: Option<String>,
    /// Whether a tail is on file, for everyone (a hand-over needs one).
    pub id_tail_on_file: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChildSummary {
    pub id: i64,
    pub name: String,
    pub sex: Sex,
    pub age_months: u32,
    pub facility_id: i64,
    pub facility_name: String,
    pub class_name: Option<String>,
    pub enrolled_on: String,
    pub left_on: Option<String>,
    pub allergies: Vec<String>,
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Child {
    pub id: i64,
    pub name: String,
    pub sex: Sex,
    pub birth_date: String,
    pub age_months: u32,
    pub id_masked: Option<String>,
    pub ethnicity: String,
    pub facility_id: i64,
    pub facility_name: String,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub enrolled_on: String,
    pub left_on: Option<String>,
    pub allergies: Vec<String>,
    pub diet_needs: Vec<DietNeed>,
    /// Current guardians and pick-up persons (retired ones are not shown).
    pub contacts: Vec<ChildContact>,
    pub consent_on: Option<String>,
    pub consent_by: Option<String>,
    pub notes: Option<String>,
    pub is_demo: bool,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn load_contacts(c: &Connection, child_id: i64) -> Result<Vec<ChildContact>> {
    Ok(c.prepare_cached(
        "SELECT id, name, relation, phone, is_guardian, may_pick_up, id_tail FROM child_contacts
         WHERE child_id = ?1 AND active = 1 ORDER BY position",
    )?
    .query_map([child_id], |r| {
        Ok(ChildContact {
            id: r.get(0)?,
            name: r.get(1)?,
            relation: r.get(2)?,
            phone: r.get(3)?,
            is_guardian: r.get(4)?,
            may_pick_up: r.get(5)?,
            id_tail_on_file: r.get::<_, Option<String>>(6)?.is_some(),
            id_tail: r.get(6)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

impl Child {
    /// The record as the actor may see it: the contacts' ID tails only for those who manage
    /// pick-up persons.
    fn shown_to(mut self, actor: &Actor) -> Child {
        if actor.require_at(Action::ManagePickup, self.facility_id).is_err() {
            for contact in &mut self.contacts {
                contact.id_tail = None;
            }
        }
        self
    }
}

fn load_child(c: &Connection, id: i64, today: NaiveDate) -> Result<Child> {
    let mut child = c
        .prepare_cached(
            "SELECT ch.*, f.name AS facility_name, cc.name AS class_name
             FROM children ch JOIN facilities f ON f.id = ch.facility_id LEFT JOIN child_classes cc ON cc.id = ch.class_id
             WHERE ch.id = ?1",
        )?
        .query_row([id], |r| {
            let birth = birth_of(r)?;
            Ok(Child {
                id: r.get("id")?,
                name: r.get("name")?,
                sex: sex_of(r)?,
                birth_date: birth.to_string(),
                age_months: months_between(birth, today),
                id_masked: r.get::<_, Option<String>>("id_number")?.as_deref().map(mask),
                ethnicity: r.get("ethnicity")?,
                facility_id: r.get("facility_id")?,
                facility_name: r.get("facility_name")?,
                class_id: r.get("class_id")?,
                class_name: r.get("class_name")?,
                enrolled_on: r.get("enrolled_on")?,
                left_on: r.get("left_on")?,
                allergies: read::json(r, "allergies")?,
                diet_needs: read::json(r, "diet_needs")?,
                contacts: Vec::new(),
                consent_on: r.get("consent_on")?,
                consent_by: r.get("consent_by")?,
                notes: r.get("notes")?,
                is_demo: r.get("is_demo")?,
                created_at: r.get("created_at")?,
                updated_at: r.get("updated_at")?,
            })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Child, id: id.to_string() })?;
    child.contacts = load_contacts(c, id)?;
    Ok(child)
}

/// Opens a child's record; the view is audited (all data of a child under 14 is sensitive).
pub fn get_child(db: &Db, actor: &Actor, id: i64, today: NaiveDate) -> Result<Child> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Child, id)?;
        let child = load_child(c, id, today)?.shown_to(actor);
        Ok((child, Entry::new(AuditAction::View, AuditEntity::Child, id).facility(Some(facility_id))))
    })
}

/// The children a list filter lets through (`?1` facility, `?2` include inactive, `?3` status,
/// `?4` the ids the search found); the count and the page share it.
const CHILD_FILTER: &str = "(?1 IS NULL OR ch.facility_id = ?1)
     AND CASE WHEN ?3 IS NULL THEN (?2 OR ch.left_on IS NULL)
              WHEN ?3 = 'active' THEN ch.left_on IS NULL
              ELSE ch.left_on IS NOT NULL END
     AND (?4 IS NULL OR ch.id IN (SELECT value FROM json_each(?4)))";

/// The columns the children's list sorts by; age runs young to old.
const CHILD_SORTS: &[(ListSort, &str)] = &[
    (ListSort::Name, "ch.name_key"),
    (ListSort::Age, "-julianday(ch.birth_date)"),
    (ListSort::Class, "cc.name"),
    (ListSort::Facility, "pinyin_key(f.name)"),
    (ListSort::EnrolledOn, "ch.enrolled_on"),
];

pub fn list_children(
    db: &Db,
    actor: &Actor,
    cache: &SearchCache,
    query: &ListQuery,
    today: NaiveDate,
) -> Result<Page<ChildSummary>> {
    let facility = query.facility(actor)?;
    let status = query.status_among(&[ListStatus::Active, ListStatus::Gone])?;
    let order = query.order_by(CHILD_SORTS, "cc.name, ch.name_key, ch.id")?;
    let found = query.found(db, actor, cache, facility, PersonKind::Child)?;
    db.read(|c| {
        let total: i64 = c
            .prepare_cached(&format!("SELECT count(*) FROM children ch WHERE {CHILD_FILTER}"))?
            .query_row(params![facility, query.include_inactive, status, found], |r| r.get(0))?;
        let mut stmt = c.prepare_cached(&format!(
            "SELECT ch.id, ch.name, ch.sex, ch.birth_date, ch.facility_id, f.name AS facility_name, cc.name AS class_name,
                    ch.enrolled_on, ch.left_on, ch.allergies, ch.is_demo
             FROM children ch JOIN facilities f ON f.id = ch.facility_id LEFT JOIN child_classes cc ON cc.id = ch.class_id
             WHERE {CHILD_FILTER}
             ORDER BY {order} LIMIT ?5 OFFSET ?6"
        ))?;
        let args = params![facility, query.include_inactive, status, found, query.limit(), query.offset()];
        let rows = stmt.query_map(args, |r| {
            Ok(ChildSummary {
                id: r.get("id")?,
                name: r.get("name")?,
                sex: sex_of(r)?,
                age_months: months_between(birth_of(r)?, today),
                facility_id: r.get("facility_id")?,
                facility_name: r.get("facility_name")?,
                class_name: r.get("class_name")?,
                enrolled_on: r.get("enrolled_on")?,
                left_on: r.get("left_on")?,
                allergies: read::json(r, "allergies")?,
                is_demo: r.get("is_demo")?,
            })
        })?;
        Ok(Page { total, rows: rows.collect::<rusqlite::Result<_>>()? })
    })
}

fn check_references(c: &Connection, actor: &Actor, fields: &ChildFields, except: Option<i64>) -> Result<()> {
    if facility_kind(c, fields.facility_id)? != FacilityKind::Childcare {
        return Err(Invalid::new("child.facility_not_childcare", "facility_id").into());
    }
    // The unit takes children of a set age range, counted at enrolment.
    let (min, max): (Option<i64>, Option<i64>) = c.query_row(
        "SELECT age_min_months, age_max_months FROM facilities WHERE id = ?1",
        [fields.facility_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let months = i64::from(months_between(fields.identity.birth_date, fields.enrolled_on));
    if let (Some(min), Some(max)) = (min, max) {
        if months < min || months > max {
            return Err(Invalid::new("child.age_outside_unit", "birth_date")
                .with("months", months)
                .with("min", min)
                .with("max", max)
                .into());
        }
    }
    if let Some(class_id) = fields.class_id {
        let in_facility: bool = c.query_row(
            "SELECT count(*) > 0 FROM child_classes WHERE id = ?1 AND facility_id = ?2",
            params![class_id, fields.facility_id],
            |r| r.get(0),
        )?;
        if !in_facility {
            return Err(Invalid::new("child.class_unknown", "class_id").into());
        }
    }
    ensure_id_free(c, actor, fields.identity.id_number.as_ref(), except.map(|id| (PersonKind::Child, id)))
}

/// Brings the contacts in line with the form: kept ones (by id) are updated, new ones
/// added, the ones left out retired.
fn sync_contacts(c: &Connection, child_id: i64, fields: &ChildFields) -> Result<()> {
    let existing: Vec<i64> = c
        .prepare_cached("SELECT id FROM child_contacts WHERE child_id = ?1 AND active = 1")?
        .query_map([child_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in fields.contacts.iter().filter_map(|k| k.id) {
        if !existing.contains(&id) {
            return Err(Invalid::new("contact.unknown", "contacts").with("id", id).into());
        }
    }
    for id in existing.iter().filter(|id| !fields.contacts.iter().any(|k| k.id == Some(**id))) {
        c.execute("UPDATE child_contacts SET active = 0 WHERE id = ?1", [id])?;
    }
    for (position, k) in fields.contacts.iter().enumerate() {
        match k.id {
            Some(id) => c.execute(
                "UPDATE child_contacts SET position = ?1, name = ?2, relation = ?3, phone = ?4, is_guardian = ?5,
                        may_pick_up = ?6, id_tail = ?7 WHERE id = ?8",
                params![position as i64, k.name, k.relation, k.phone, k.is_guardian, k.may_pick_up, k.id_tail, id],
            )?,
            None => c.execute(
                "INSERT INTO child_contacts (child_id, position, name, relation, phone, is_guardian, may_pick_up, id_tail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![child_id, position as i64, k.name, k.relation, k.phone, k.is_guardian, k.may_pick_up, k.id_tail],
            )?,
        };
    }
    Ok(())
}

fn consent(
    fields: &ChildFields,
    before: Option<&Child>,
    actor: &Actor,
    today: NaiveDate,
) -> (Option<String>, Option<String>) {
    match (fields.consent, before.and_then(|b| b.consent_on.clone())) {
        (true, Some(on)) => (Some(on), before.and_then(|b| b.consent_by.clone())),
        (true, None) => (Some(today.to_string()), Some(actor.display_name.clone())),
        (false, _) => (None, None),
    }
}

/// The child's columns, as both the INSERT and the UPDATE write them.
fn child_row(fields: &ChildFields, consent_on: Option<String>, consent_by: Option<String>) -> FormRow {
    FormRow::new(
        "children",
        vec![
            ("facility_id", fields.facility_id.into()),
            ("class_id", fields.class_id.into()),
            ("name", fields.name.clone().into()),
            ("sex", fields.identity.sex.as_str().to_string().into()),
            ("birth_date", fields.identity.birth_date.to_string().into()),
            ("id_number", fields.identity.id_number.as_ref().map(|id| id.as_str().to_string()).into()),
            ("ethnicity", fields.ethnicity.clone().into()),
            ("enrolled_on", fields.enrolled_on.to_string().into()),
            ("left_on", fields.left_on.map(|d| d.to_string()).into()),
            ("allergies", json_list(&fields.allergies).into()),
            ("diet_needs", json_list(&fields.diet_needs).into()),
            ("consent_on", consent_on.into()),
            ("consent_by", consent_by.into()),
            ("notes", fields.notes.clone().into()),
            ("name_key", sort_key(&fields.name).into()),
        ],
    )
}

/// Inserts a validated, checked child with their contacts, enrolled now by the actor (no
/// audit: the caller writes it).
pub(crate) fn insert_child(c: &Tx, actor: &Actor, fields: &ChildFields, today: NaiveDate) -> Result<i64> {
    let (consent_on, consent_by) = consent(fields, None, actor, today);
    let consent = consent_on.as_deref().and_then(|on| on.parse().ok()).zip(consent_by.as_deref());
    write_child(c, fields, consent, &c.stamp(), false)
}

/// Inserts a child with their contacts, created at `at`, consent as given (the day, who
/// took it): the one writer of `children` and `child_contacts`, for the services and the
/// demo city (which marks its own) alike.
pub(crate) fn write_child(
    c: &Connection,
    fields: &ChildFields,
    consent: Option<(NaiveDate, &str)>,
    at: &str,
    is_demo: bool,
) -> Result<i64> {
    let (consent_on, consent_by) = consent.map(|(on, by)| (on.to_string(), by.to_string())).unzip();
    let id = child_row(fields, consent_on, consent_by).with("is_demo", is_demo).insert(c, at)?;
    sync_contacts(c, id, fields)?;
    Ok(id)
}

/// Only a unit's manager decides who may collect a child: the desk that hands children
/// over must not be able to add a name to that list.
fn require_pickup_rights(actor: &Actor, facility_id: i64) -> Result<()> {
    if actor.require_at(Action::ManagePickup, facility_id).is_err() {
        return Err(Invalid::new("child.contacts_manager_only", "contacts").into());
    }
    Ok(())
}

/// The contacts as they bear on a hand-over, for telling whether an edit changes them.
fn pickup_terms(
    contacts: impl Iterator<Item = (Option<i64>, String, String, String, bool, bool, Option<String>)>,
) -> Vec<String> {
    let mut terms: Vec<String> = contacts.map(|c| format!("{c:?}")).collect();
    terms.sort();
    terms
}

pub fn create_child(db: &Db, actor: &Actor, input: &ChildInput, today: NaiveDate) -> Result<Child> {
    actor.require(Action::EditPeople)?;
    let fields = input.validate(today)?;
    actor.require_at(Action::EditPeople, fields.facility_id)?;
    require_pickup_rights(actor, fields.facility_id)?;
    let saved = db.write(|c| {
        check_references(c, actor, &fields, None)?;
        let id = insert_child(c, actor, &fields, today)?;
        let after = load_child(c, id, today)?;
        Entry::new(AuditAction::Create, AuditEntity::Child, id)
            .facility(Some(fields.facility_id))
            .after(&after)
            .write(c, actor)?;
        Ok(after.shown_to(actor))
    });
    audit_id_refusal(
        db,
        actor,
        PersonKind::Child,
        None,
        Some(fields.facility_id),
        input.identity.id_number.as_deref(),
        saved,
    )
}

pub fn update_child(db: &Db, actor: &Actor, id: i64, input: &ChildInput, today: NaiveDate) -> Result<Child> {
    actor.require(Action::EditPeople)?;
    let saved = db.write(|c| {
        facility_for(c, actor, Action::EditPeople, PersonKind::Child, id)?;
        let mut input = input.clone();
        if input.identity.id_number.as_deref().is_none_or(|s| s.trim().is_empty()) {
            input.identity.id_number =
                c.query_row("SELECT id_number FROM children WHERE id = ?1", [id], |r| r.get(0))?;
        }
        let fields = input.validate(today)?;
        actor.require_at(Action::EditPeople, fields.facility_id)?;
        check_references(c, actor, &fields, Some(id))?;
        let before = load_child(c, id, today)?;
        // A kept contact's blank tail keeps the one on file: the desk never sees it.
        let mut fields = fields;
        for k in fields.contacts.iter_mut().filter(|k| k.id_tail.is_none()) {
            k.id_tail = before.contacts.iter().find(|b| Some(b.id) == k.id).and_then(|b| b.id_tail.clone());
        }
        let old = pickup_terms(before.contacts.iter().map(|k| {
            (
                Some(k.id),
                k.name.clone(),
                k.relation.clone(),
                k.phone.clone(),
                k.is_guardian,
                k.may_pick_up,
                k.id_tail.clone(),
            )
        }));
        let new = pickup_terms(fields.contacts.iter().map(|k| {
            (k.id, k.name.clone(), k.relation.clone(), k.phone.clone(), k.is_guardian, k.may_pick_up, k.id_tail.clone())
        }));
        if old != new {
            require_pickup_rights(actor, fields.facility_id)?;
        }
        let (consent_on, consent_by) = consent(&fields, Some(&before), actor, today);
        child_row(&fields, consent_on, consent_by).update(c, id)?;
        sync_contacts(c, id, &fields)?;
        if fields.facility_id != before.facility_id {
            super::transfer::move_child(c, actor, id, before.facility_id, fields.facility_id, today)?;
        }
        let after = load_child(c, id, today)?;
        Entry::new(AuditAction::Update, AuditEntity::Child, id)
            .facility(Some(fields.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after.shown_to(actor))
    });
    audit_id_refusal(db, actor, PersonKind::Child, Some(id), None, input.identity.id_number.as_deref(), saved)
}
