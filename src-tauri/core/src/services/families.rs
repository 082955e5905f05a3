//! Families (家庭): who pays for several people of one facility, and their statement of a
//! month (docs/money.md, "A family's statement").
//!
//! A family names the payer a statement is addressed to (a daughter paying for both her
//! parents' meals, the parents of two children at one unit) and lists its members: clients
//! and children of its facility, each in at most one family. The ledger stays each
//! person's: a charge, a payment and its receipt name one person, so a person's statement,
//! the arrears list and the monthly report read as they did. A family's statement is its
//! members' statements of the month, under their names, and their sum.
//!
//! The desk keeps families (the same right as taking payments); a person who moves to
//! another facility leaves their family there (services/people/transfer.rs).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::fees::ledger::{statement_in, PurposeTotals, Statement};
use crate::services::scope::facility_for;
use crate::store::{Db, Tx};

/// The longest a family's or payer's name may be.
const NAME_MAX: usize = 60;

/// A member as listed: who, and their name as it reads now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FamilyMember {
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub name: String,
}

/// A family and its members, clients first, then children, each by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Family {
    pub id: i64,
    pub facility_id: i64,
    /// As the statement is headed, e.g. "王建国家".
    pub name: String,
    /// Who the statement is addressed to and signs it.
    pub payer_name: String,
    pub payer_phone: Option<String>,
    pub members: Vec<FamilyMember>,
}

/// The desk's form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct FamilyInput {
    pub facility_id: i64,
    pub name: String,
    pub payer_name: String,
    pub payer_phone: Option<String>,
}

struct Checked {
    name: String,
    payer_name: String,
    payer_phone: Option<String>,
}

impl FamilyInput {
    fn validate(&self) -> Result<Checked, Invalid> {
        Ok(Checked {
            name: text::required_name(&self.name, NAME_MAX, "family.name_required", "text.too_long", "name")?,
            payer_name: text::required_name(
                &self.payer_name,
                NAME_MAX,
                "family.payer_required",
                "text.too_long",
                "payer_name",
            )?,
            payer_phone: text::phone(self.payer_phone.as_deref(), "payer_phone")?,
        })
    }
}

/// A family's month: each member's statement, and what they come to together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FamilyStatement {
    pub family: Family,
    pub facility_name: String,
    /// "2026-11".
    pub month: String,
    pub members: Vec<Statement>,
    /// The members' totals added up (its `purpose` is None).
    pub total: PurposeTotals,
    /// The month is not over yet: the statement so far.
    pub partial: bool,
}

impl Family {
    /// What an audit entry of reading the family's statement of `month` (or printing it to
    /// `file`) records: the members by kind, so each one's copy of their data lists it
    /// (report/person_data.rs).
    pub(crate) fn read_by_month(&self, month: &str, file: Option<&str>) -> serde_json::Value {
        let ids = |kind: PersonKind| -> Vec<i64> {
            self.members.iter().filter(|m| m.person_kind == kind).map(|m| m.person_id).collect()
        };
        let mut read = serde_json::json!({
            "month": month,
            "clients": ids(PersonKind::Client),
            "children": ids(PersonKind::Child),
        });
        if let Some(file) = file {
            read["file"] = file.into();
        }
        read
    }
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound { entity: AuditEntity::Family, id: id.to_string() }
}

fn family_row(r: &Row) -> rusqlite::Result<Family> {
    Ok(Family {
        id: r.get("id")?,
        facility_id: r.get("facility_id")?,
        name: r.get("name")?,
        payer_name: r.get("payer_name")?,
        payer_phone: r.get("payer_phone")?,
        members: Vec::new(),
    })
}

fn members_of(c: &Connection, family_id: i64) -> Result<Vec<FamilyMember>> {
    Ok(c.prepare_cached(
        "SELECT m.person_kind, m.person_id,
                CASE m.person_kind WHEN 'child' THEN (SELECT name FROM children WHERE id = m.person_id)
                                   ELSE (SELECT name FROM clients WHERE id = m.person_id) END AS name
           FROM family_members m WHERE m.family_id = ?1
          ORDER BY m.person_kind = 'child', pinyin_key(name), m.person_id",
    )?
    .query_map([family_id], |r| {
        Ok(FamilyMember {
            person_kind: r.get(0)?,
            person_id: r.get(1)?,
            name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

fn by_id(c: &Connection, id: i64) -> Result<Family> {
    let mut family = c
        .prepare_cached("SELECT * FROM families WHERE id = ?1")?
        .query_row([id], family_row)
        .optional()?
        .ok_or_else(|| not_found(id))?;
    family.members = members_of(c, id)?;
    Ok(family)
}

/// The family, once the actor may do `action` at its facility.
fn family_for(c: &Connection, actor: &Actor, action: Action, id: i64) -> Result<Family> {
    let family = by_id(c, id)?;
    actor.require_at(action, family.facility_id)?;
    Ok(family)
}

/// A facility's families, by name.
pub fn list(db: &Db, actor: &Actor, facility_id: i64) -> Result<Vec<Family>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    db.read(|c| {
        let ids = c
            .prepare_cached("SELECT id FROM families WHERE facility_id = ?1 ORDER BY pinyin_key(name), id")?
            .query_map([facility_id], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter().map(|id| by_id(c, id)).collect()
    })
}

/// The family a client or child belongs to, if any.
pub fn of_person(db: &Db, actor: &Actor, kind: PersonKind, person_id: i64) -> Result<Option<Family>> {
    actor.require(Action::ViewPeople)?;
    db.read(|c| {
        facility_for(c, actor, Action::ViewPeople, kind, person_id)?;
        let id: Option<i64> = c
            .prepare_cached("SELECT family_id FROM family_members WHERE person_kind = ?1 AND person_id = ?2")?
            .query_row(params![kind, person_id], |r| r.get(0))
            .optional()?;
        id.map(|id| by_id(c, id)).transpose()
    })
}

/// A new family of a facility, without members yet. Audited.
pub fn create(db: &Db, actor: &Actor, input: &FamilyInput) -> Result<Family> {
    actor.require(Action::TakePayments)?;
    let v = input.validate()?;
    db.write(|c| {
        actor.require_at(Action::TakePayments, input.facility_id)?;
        let known: Option<i64> = c
            .prepare_cached("SELECT id FROM facilities WHERE id = ?1")?
            .query_row([input.facility_id], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(CoreError::NotFound { entity: AuditEntity::Facility, id: input.facility_id.to_string() });
        }
        c.prepare_cached(
            "INSERT INTO families (facility_id, name, payer_name, payer_phone, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .execute(params![input.facility_id, v.name, v.payer_name, v.payer_phone, c.stamp()])?;
        let family = by_id(c, c.last_insert_rowid())?;
        Entry::new(AuditAction::Create, AuditEntity::Family, family.id)
            .facility(Some(family.facility_id))
            .after(&family)
            .write(c, actor)?;
        Ok(family)
    })
}

/// Renames a family or changes its payer. Its facility stays. Audited.
pub fn update(db: &Db, actor: &Actor, id: i64, input: &FamilyInput) -> Result<Family> {
    actor.require(Action::TakePayments)?;
    let v = input.validate()?;
    db.write(|c| {
        let before = family_for(c, actor, Action::TakePayments, id)?;
        c.prepare_cached(
            "UPDATE families SET name = ?2, payer_name = ?3, payer_phone = ?4, updated_at = ?5 WHERE id = ?1",
        )?
        .execute(params![id, v.name, v.payer_name, v.payer_phone, c.stamp()])?;
        let after = by_id(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Family, id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Adds a client or child of the family's facility. Refused when they already belong to a
/// family (this one or another): the desk takes them out of it first. Audited.
pub fn add_member(db: &Db, actor: &Actor, id: i64, kind: PersonKind, person_id: i64) -> Result<Family> {
    actor.require(Action::TakePayments)?;
    if kind == PersonKind::Staff {
        return Err(Invalid::new("family.person_kind", "person_kind").into());
    }
    db.write(|c| {
        let family = family_for(c, actor, Action::TakePayments, id)?;
        let facility = facility_for(c, actor, Action::TakePayments, kind, person_id)?;
        if facility != family.facility_id {
            return Err(Invalid::new("family.other_facility", "person_id").into());
        }
        let already: Option<String> = c
            .prepare_cached(
                "SELECT f.name FROM family_members m JOIN families f ON f.id = m.family_id
                  WHERE m.person_kind = ?1 AND m.person_id = ?2",
            )?
            .query_row(params![kind, person_id], |r| r.get(0))
            .optional()?;
        if let Some(name) = already {
            return Err(Invalid::new("family.already_member", "person_id").with("family", name).into());
        }
        c.prepare_cached(
            "INSERT INTO family_members (family_id, person_kind, person_id, added_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, kind, person_id, c.stamp()])?;
        touched(c, actor, family, AuditAction::AddMember, kind, person_id)
    })
}

/// Takes a member out of the family. Their own ledger is untouched. Audited.
pub fn remove_member(db: &Db, actor: &Actor, id: i64, kind: PersonKind, person_id: i64) -> Result<Family> {
    actor.require(Action::TakePayments)?;
    db.write(|c| {
        let family = family_for(c, actor, Action::TakePayments, id)?;
        let gone = c
            .prepare_cached("DELETE FROM family_members WHERE family_id = ?1 AND person_kind = ?2 AND person_id = ?3")?
            .execute(params![id, kind, person_id])?;
        if gone == 0 {
            return Err(Invalid::new("family.not_member", "person_id").into());
        }
        touched(c, actor, family, AuditAction::RemoveMember, kind, person_id)
    })
}

/// The family after a member came or went, with the audit entry of it.
fn touched(
    c: &Tx,
    actor: &Actor,
    before: Family,
    action: AuditAction,
    kind: PersonKind,
    person_id: i64,
) -> Result<Family> {
    c.prepare_cached("UPDATE families SET updated_at = ?2 WHERE id = ?1")?.execute(params![before.id, c.stamp()])?;
    let after = by_id(c, before.id)?;
    Entry::new(action, AuditEntity::Family, before.id)
        .facility(Some(before.facility_id))
        .after(&serde_json::json!({ "person_kind": kind, "person_id": person_id, "members": after.members.len() }))
        .write(c, actor)?;
    Ok(after)
}

/// Dissolves a family: its members belong to none after, their ledgers untouched. Audited.
pub fn delete(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Action::TakePayments)?;
    db.write(|c| {
        let before = family_for(c, actor, Action::TakePayments, id)?;
        c.prepare_cached("DELETE FROM family_members WHERE family_id = ?1")?.execute([id])?;
        c.prepare_cached("DELETE FROM families WHERE id = ?1")?.execute([id])?;
        Entry::new(AuditAction::Delete, AuditEntity::Family, id)
            .facility(Some(before.facility_id))
            .before(&before)
            .write(c, actor)
    })
}

/// Takes the person out of any family: a move to another facility (the family is the old
/// facility's). Returns the family they were in.
pub(crate) fn leave(c: &Tx, kind: PersonKind, person_id: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached("DELETE FROM family_members WHERE person_kind = ?1 AND person_id = ?2 RETURNING family_id")?
        .query_row(params![kind, person_id], |r| r.get(0))
        .optional()?)
}

/// A family's statement of `month`: every member's, and their sum. Audited, as each
/// member's statement is.
pub fn statement(db: &Db, actor: &Actor, id: i64, month: Month) -> Result<FamilyStatement> {
    actor.require(Action::ViewPeople)?;
    let today = db.clock().today();
    audited_read(db, actor, |c| {
        let family = family_for(c, actor, Action::ViewPeople, id)?;
        let st = statement_in_family(c, family, month, today)?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Family, id)
            .facility(Some(st.family.facility_id))
            .after(&st.family.read_by_month(&st.month, None));
        Ok((st, entry))
    })
}

fn statement_in_family(
    c: &Connection,
    family: Family,
    month: Month,
    today: chrono::NaiveDate,
) -> Result<FamilyStatement> {
    let facility_name: String =
        c.query_row("SELECT name FROM facilities WHERE id = ?1", [family.facility_id], |r| r.get(0))?;
    let members = family
        .members
        .iter()
        .map(|m| statement_in(c, family.facility_id, m.person_kind, m.person_id, month, today))
        .collect::<Result<Vec<_>>>()?;
    let total = PurposeTotals::sum(members.iter().map(|s| &s.total));
    Ok(FamilyStatement {
        family,
        facility_name,
        month: month.to_string(),
        members,
        total,
        partial: month.last() >= today,
    })
}
