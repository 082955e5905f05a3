//! The registry of people: elderly clients, children (with guardians and pick-up persons)
//! and staff. Every operation checks the actor's role and facility; every change, every
//! view of a person's record and every reveal of an ID number is audited (PIPL).

mod children;
mod clients;
mod staff;
mod transfer;

pub(crate) use children::insert_child;
pub(crate) use clients::insert_client;
pub(crate) use staff::insert_staff;

pub(crate) use children::write_child;
pub use children::{create_child, get_child, list_children, update_child, Child, ChildContact, ChildSummary};
pub use clients::{
    create_client, get_client, list_clients, set_client_status, update_client, AssessmentSummary, Client,
    ClientSummary, Contact,
};
pub(crate) use clients::{write_client, Registered};
pub(crate) use staff::write_staff;
pub use staff::{create_staff, get_staff, list_staff, update_staff, Staff};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{audited_read, AuditAction, Entry};
use super::scope::{self, facility_for};
use super::search::{id_match, SearchCache};
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::person::PersonKind;
use crate::domain::resident_id::{mask, ResidentId, Sex};
use crate::error::{CoreError, Invalid, Result};
use crate::store::Db;

/// One page of a list, with the count of all rows that match.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Page<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

code_enum! {
    /// Narrows a list to people in one state. `Gone` is whoever is no longer served or
    /// employed: a client who moved or died, a child who left, a staff member who left.
    /// Children and staff are only `Active` or `Gone`.
    ListStatus { Active = "active", Suspended = "suspended", Moved = "moved", Deceased = "deceased", Gone = "gone" }
}

code_enum! {
    /// The column a list is sorted by, as a spreadsheet column is. Each list offers the
    /// columns it shows; ties keep the list's own order.
    ListSort {
        Name = "name",
        Age = "age",
        Facility = "facility",
        Status = "status",
        CareLevel = "care_level",
        Class = "class",
        EnrolledOn = "enrolled_on",
        Job = "job",
    }
}

/// Which people a list shows, and in which order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListQuery {
    /// One facility; none = every facility the actor may see.
    pub facility_id: Option<i64>,
    /// Also moved and deceased clients, children who left, staff no longer working.
    /// Ignored when `status` is given.
    pub include_inactive: bool,
    pub offset: i64,
    pub limit: i64,
    /// Only whom the front desk's search box finds for this text: a name, its pinyin or
    /// initials, the last digits of the ID number, a phone number. Blank narrows nothing.
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub status: Option<ListStatus>,
    #[serde(default)]
    pub sort: Option<ListSort>,
    #[serde(default)]
    pub descending: bool,
}

impl ListQuery {
    /// The facility filter after the scope check: a scoped account asking for another
    /// facility is refused, asking for none gets its own.
    fn facility(&self, actor: &Actor) -> Result<Option<i64>> {
        actor.require(Action::ViewPeople)?;
        match self.facility_id {
            Some(f) => {
                actor.require_at(Action::ViewPeople, f)?;
                Ok(Some(f))
            }
            None => Ok(actor.facility_scope()),
        }
    }

    fn limit(&self) -> i64 {
        self.limit.clamp(1, 500)
    }

    /// The ids of the `kind` the search text finds within `facility`, as a JSON array for
    /// `json_each` in the list's WHERE; `None` without text. The search index is the desk's
    /// own, so the list finds exactly whom the desk would, in milliseconds for a whole city.
    fn found(
        &self,
        db: &Db,
        actor: &Actor,
        cache: &SearchCache,
        facility: Option<i64>,
        kind: PersonKind,
    ) -> Result<Option<String>> {
        let Some(text) = self.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let index = cache.index(db)?;
        let ids: Vec<String> = index
            .query(text, facility, &[kind], index.len().max(1), id_match(actor))
            .iter()
            .map(|hit| hit.id.to_string())
            .collect();
        Ok(Some(format!("[{}]", ids.join(","))))
    }

    /// The state asked for, as its code for the SQL, if this list has it.
    fn status_among(&self, offered: &[ListStatus]) -> Result<Option<&'static str>> {
        match self.status {
            Some(status) if !offered.contains(&status) => {
                Err(Invalid::new("person.list_status", "status").with("status", status.as_str()).into())
            }
            status => Ok(status.map(ListStatus::as_str)),
        }
    }

    /// The ORDER BY: the sorted column's expression from this list's `columns`, then the
    /// list's own order. The expressions are the list's constants, never the caller's text.
    fn order_by(&self, columns: &[(ListSort, &str)], own_order: &str) -> Result<String> {
        let Some(sort) = self.sort else {
            return Ok(own_order.to_string());
        };
        let Some((_, expr)) = columns.iter().find(|(column, _)| *column == sort) else {
            return Err(Invalid::new("person.list_sort", "sort").with("sort", sort.as_str()).into());
        };
        let direction = if self.descending { "DESC" } else { "ASC" };
        // Blank cells stay at the bottom whichever way the column runs, as in a spreadsheet.
        Ok(format!("({expr}) IS NULL, {expr} {direction}, {own_order}"))
    }

    fn offset(&self) -> i64 {
        self.offset.max(0)
    }
}

/// A stored value that is not one the app writes (a hand edit, a newer app).
pub(crate) fn bad_column(column: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, column.into(), rusqlite::types::Type::Text)
}

fn sex_of(r: &Row) -> rusqlite::Result<Sex> {
    Sex::from_db(&r.get::<_, String>("sex")?).ok_or_else(|| bad_column("sex"))
}

fn birth_of(r: &Row) -> rusqlite::Result<NaiveDate> {
    crate::store::read::day(r, "birth_date")
}

fn json_list<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("a list of codes or strings always serialises")
}

/// The message for an ID number already on file: it names the holder only to someone who
/// may see the holder's facility; anyone else learns only that the number is taken.
pub(crate) fn id_taken(actor: &Actor, holder_name: &str, holder_facility: i64) -> Invalid {
    if actor.require_at(Action::ViewPeople, holder_facility).is_ok() {
        Invalid::new("person.id_taken", "id_number").with("name", holder_name)
    } else {
        Invalid::new("person.id_taken_elsewhere", "id_number")
    }
}

/// Passes a save's outcome through; when the save was refused because its ID number is
/// already on file, records that look-up in an entry of its own (the refused save's
/// transaction rolled back). Whether a number is registered is itself personal data: each
/// "already registered" answer is on the log, with the number masked and nothing about the
/// holder; a number found free is recorded by the save it allowed.
pub(crate) fn audit_id_refusal<T>(
    db: &Db,
    actor: &Actor,
    kind: PersonKind,
    record: Option<i64>,
    facility: Option<i64>,
    id_number: Option<&str>,
    saved: Result<T>,
) -> Result<T> {
    let Err(CoreError::Invalid(refusal)) = &saved else { return saved };
    let (Some(number), true) = (id_number, refusal.code.starts_with("person.id_taken")) else { return saved };
    let facility = match (facility, record) {
        (Some(f), _) => Some(f),
        (None, Some(id)) => db.read(|c| scope::facility_of(c, kind, id))?,
        (None, None) => actor.facility_id,
    };
    let where_found = if refusal.code == "person.id_taken" { "here" } else { "elsewhere" };
    db.write(|c| {
        Entry::new(AuditAction::IdTaken, kind, record.map_or_else(String::new, |id| id.to_string()))
            .facility(facility)
            .after(&serde_json::json!({ "id_masked": mask(number.trim()), "registered": where_found }))
            .write(c, actor)
    })?;
    saved
}

/// Refuses an ID number already registered to someone else: the same ID cannot belong to
/// two people, whatever list they are in.
fn ensure_id_free(
    c: &Connection,
    actor: &Actor,
    id: Option<&ResidentId>,
    except: Option<(PersonKind, i64)>,
) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let mut stmt = c.prepare_cached(
        "SELECT 'client', id, name, facility_id FROM clients WHERE id_number = ?1
         UNION ALL SELECT 'child', id, name, facility_id FROM children WHERE id_number = ?1
         UNION ALL SELECT 'staff', id, name, facility_id FROM staff WHERE id_number = ?1",
    )?;
    let holders = stmt.query_map([id.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
    })?;
    for holder in holders {
        let (kind, other, name, facility) = holder?;
        let kind = PersonKind::parse(&kind).expect("the query names only known kinds");
        if except != Some((kind, other)) {
            return Err(id_taken(actor, &name, facility).into());
        }
    }
    Ok(())
}

/// The facility's kind, or an error naming the field when it does not exist.
fn facility_kind(c: &Connection, facility_id: i64) -> Result<FacilityKind> {
    let kind: Option<FacilityKind> = c
        .prepare_cached("SELECT kind FROM facilities WHERE id = ?1")?
        .query_row([facility_id], |r| r.get(0))
        .optional()?;
    kind.ok_or_else(|| Invalid::new("person.facility_unknown", "facility_id").with("id", facility_id).into())
}

fn require_community(c: &Connection, community_id: i64) -> Result<()> {
    let exists: bool =
        c.query_row("SELECT count(*) > 0 FROM communities WHERE id = ?1", [community_id], |r| r.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(Invalid::new("person.community_unknown", "community_id").with("id", community_id).into())
    }
}

/// The full ID number of one person, for the roles that need it. The reveal is audited.
pub fn reveal_id_number(db: &Db, actor: &Actor, kind: PersonKind, id: i64) -> Result<Option<String>> {
    actor.require(Action::RevealId)?;
    let table = match kind {
        PersonKind::Client => "SELECT id_number FROM clients WHERE id = ?1",
        PersonKind::Child => "SELECT id_number FROM children WHERE id = ?1",
        PersonKind::Staff => "SELECT id_number FROM staff WHERE id = ?1",
    };
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::RevealId, kind, id)?;
        let number: Option<String> = c.prepare_cached(table)?.query_row([id], |r| r.get(0))?;
        Ok((number, Entry::new(AuditAction::RevealId, kind, id).facility(Some(facility_id))))
    })
}
