//! The front desk's search box over the database: keeps one in-memory [`SearchIndex`],
//! rebuilt only when people changed (a trigger-maintained counter says so, whoever made
//! the change: this window, a second one, the CLI, an import), and turns the index's hits
//! into rows the desk can act on, within the actor's facility scope.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::account::{Action, Actor};
use crate::domain::person::months_between;
use crate::domain::person::{age_on, PersonKind};
use crate::domain::resident_id::{mask, Sex};
use crate::error::Result;
use crate::search::{IdMatch, MatchedBy, PersonRecord, SearchIndex};
use crate::store::Db;

/// One result row: enough to recognise the person and act (open, check in or out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PersonHit {
    pub kind: PersonKind,
    pub id: i64,
    pub name: String,
    pub facility_id: i64,
    pub facility_name: String,
    pub matched_by: MatchedBy,
    /// Still served or employed (not moved, deceased, left, inactive).
    pub active: bool,
    pub sex: Sex,
    /// Whole years; for a child, see `age_months`.
    pub age: Option<u32>,
    pub age_months: Option<u32>,
    pub id_masked: Option<String>,
    /// A client's status, a child's class, a staff member's job.
    pub detail: Option<String>,
    /// Checked in and not yet out (clients and children).
    pub checked_in: bool,
}

/// Whether the actor finds people by the end of their ID number, or only by the whole number.
pub(crate) fn id_match(actor: &Actor) -> IdMatch {
    if actor.require(Action::RevealId).is_ok() {
        IdMatch::Tail
    } else {
        IdMatch::Whole
    }
}

/// The index and the people-revision it was built at.
#[derive(Default)]
pub struct SearchCache {
    built: Mutex<Option<(i64, Arc<SearchIndex>)>>,
}

fn people_revision(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT rev FROM change_counters WHERE name = 'people'", [], |r| r.get(0))?)
}

fn split_phones(joined: Option<String>) -> Vec<String> {
    joined.map(|j| j.split(',').map(str::to_string).collect()).unwrap_or_default()
}

/// Reads one kind of person; each query yields (id, facility, name, ID number, active, phones).
fn push_records(c: &Connection, kind: PersonKind, sql: &str, records: &mut Vec<PersonRecord>) -> Result<()> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(PersonRecord {
            kind,
            id: r.get(0)?,
            facility_id: r.get(1)?,
            name: r.get(2)?,
            id_number: r.get(3)?,
            active: r.get(4)?,
            phones: split_phones(r.get(5)?),
        })
    })?;
    for row in rows {
        records.push(row?);
    }
    Ok(())
}

fn load_records(c: &Connection) -> Result<Vec<PersonRecord>> {
    let mut records = Vec::new();
    // A client is also found by an emergency contact's phone, a child by a guardian's:
    // callers often give the relative's number.
    push_records(
        c,
        PersonKind::Client,
        "SELECT cl.id, cl.facility_id, cl.name, cl.id_number, cl.status IN ('active', 'suspended'),
                concat_ws(',', cl.phone, (SELECT group_concat(phone) FROM client_contacts WHERE client_id = cl.id))
         FROM clients cl",
        &mut records,
    )?;
    push_records(
        c,
        PersonKind::Child,
        "SELECT ch.id, ch.facility_id, ch.name, ch.id_number, ch.left_on IS NULL,
                (SELECT group_concat(phone) FROM child_contacts WHERE child_id = ch.id AND active = 1)
         FROM children ch",
        &mut records,
    )?;
    push_records(
        c,
        PersonKind::Staff,
        "SELECT id, facility_id, name, id_number, active, phone FROM staff",
        &mut records,
    )?;
    Ok(records)
}

impl SearchCache {
    pub fn new() -> SearchCache {
        SearchCache::default()
    }

    /// The index for the database as it is now, rebuilt if people changed since.
    pub fn index(&self, db: &Db) -> Result<Arc<SearchIndex>> {
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        db.read(|c| {
            let rev = people_revision(c)?;
            if let Some((at, index)) = built.as_ref() {
                if *at == rev {
                    return Ok(index.clone());
                }
            }
            // Rows and revision come from the same snapshot, so the label is exact.
            let index = Arc::new(SearchIndex::build(load_records(c)?));
            *built = Some((rev, index.clone()));
            Ok(index)
        })
    }
}

fn hit_details(c: &Connection, hit: &crate::search::Hit, today: NaiveDate) -> Result<PersonHit> {
    let sql = match hit.kind {
        PersonKind::Client => {
            "SELECT p.name, p.sex, p.birth_date, p.id_number, p.status AS detail, f.name,
                    EXISTS (SELECT 1 FROM attendance a WHERE a.person_kind = 'client' AND a.person_id = p.id AND a.out_at IS NULL)
             FROM clients p JOIN facilities f ON f.id = p.facility_id WHERE p.id = ?1"
        }
        PersonKind::Child => {
            "SELECT p.name, p.sex, p.birth_date, p.id_number, cc.name AS detail, f.name,
                    EXISTS (SELECT 1 FROM attendance a WHERE a.person_kind = 'child' AND a.person_id = p.id AND a.out_at IS NULL)
             FROM children p JOIN facilities f ON f.id = p.facility_id LEFT JOIN child_classes cc ON cc.id = p.class_id
             WHERE p.id = ?1"
        }
        PersonKind::Staff => {
            "SELECT p.name, p.sex, NULL, p.id_number, p.job AS detail, f.name, 0
             FROM staff p JOIN facilities f ON f.id = p.facility_id WHERE p.id = ?1"
        }
    };
    Ok(c.prepare_cached(sql)?.query_row(params![hit.id], |r| {
        let birth: Option<String> = r.get(2)?;
        let birth = birth.and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok());
        let is_child = hit.kind == PersonKind::Child;
        Ok(PersonHit {
            kind: hit.kind,
            id: hit.id,
            name: r.get(0)?,
            facility_id: hit.facility_id,
            facility_name: r.get(5)?,
            matched_by: hit.matched_by,
            active: hit.active,
            sex: Sex::from_db(&r.get::<_, String>(1)?)
                .ok_or_else(|| rusqlite::Error::InvalidColumnType(1, "sex".into(), rusqlite::types::Type::Text))?,
            age: birth.filter(|_| !is_child).map(|b| age_on(b, today)),
            age_months: birth.filter(|_| is_child).map(|b| months_between(b, today)),
            id_masked: r.get::<_, Option<String>>(3)?.as_deref().map(mask),
            detail: r.get(4)?,
            checked_in: r.get(6)?,
        })
    })?)
}

/// Finds people for the search box: best first, at most `limit`, only in the facilities
/// the actor may see. `kinds` empty means every kind.
pub fn search(
    db: &Db,
    actor: &Actor,
    cache: &SearchCache,
    text: &str,
    kinds: &[PersonKind],
    limit: usize,
    today: NaiveDate,
) -> Result<Vec<PersonHit>> {
    actor.require(Action::ViewPeople)?;
    let index = cache.index(db)?;
    let hits = index.query(text, actor.facility_scope(), kinds, limit.clamp(1, 100), id_match(actor));
    db.read(|c| hits.iter().map(|h| hit_details(c, h, today)).collect())
}
