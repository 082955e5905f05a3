//! Elderly clients (服务对象): registration, the record, status changes. A moved or
//! deceased client is kept, never deleted.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::{
    audit_id_refusal, birth_of, ensure_id_free, facility_kind, json_list, require_community, sex_of, ListQuery,
    ListSort, ListStatus, Page,
};
use crate::domain::account::{Action, Actor};
use crate::domain::person::{
    age_on, ChronicCondition, ClientFields, ClientInput, ClientStatus, DietNeed, LivingSituation, PersonKind,
};
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
pub struct Contact {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

/// The latest capability assessment, as the client's record shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentSummary {
    pub id: i64,
    pub assessed_on: String,
    pub total: i64,
    /// 0 intact … 4 total loss of capability (GB/T 42195-2022).
    pub level: u8,
    pub assessor_name: String,
}

/// A row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ClientSummary {
    pub id: i64,
    pub name: String,
    pub sex: Sex,
    pub age: u32,
    pub id_masked: Option<String>,
    pub phone: Option<String>,
    pub facility_id: i64,
    pub facility_name: String,
    pub community_name: String,
    pub status: ClientStatus,
    pub diet_needs: Vec<DietNeed>,
    pub allergies: Vec<String>,
    pub care_level: Option<u8>,
    pub is_demo: bool,
}

/// The client's record. The ID number is masked; [`super::reveal_id_number`] shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub sex: Sex,
    pub birth_date: String,
    pub age: u32,
    pub id_masked: Option<String>,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub facility_id: i64,
    pub facility_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub address: Option<String>,
    pub living_situation: LivingSituation,
    pub chronic_conditions: Vec<ChronicCondition>,
    pub diet_needs: Vec<DietNeed>,
    pub allergies: Vec<String>,
    pub contacts: Vec<Contact>,
    pub consent_on: Option<String>,
    pub consent_by: Option<String>,
    pub status: ClientStatus,
    pub status_since: Option<String>,
    pub notes: Option<String>,
    pub latest_assessment: Option<AssessmentSummary>,
    pub is_demo: bool,
    pub created_at: String,
    pub updated_at: String,
}

fn status_of(r: &Row) -> rusqlite::Result<ClientStatus> {
    r.get::<_, ClientStatus>("status")
}

fn load_client(c: &Connection, id: i64, today: NaiveDate) -> Result<Client> {
    let mut client = c
        .prepare_cached(
            "SELECT cl.*, f.name AS facility_name, co.name AS community_name
             FROM clients cl JOIN facilities f ON f.id = cl.facility_id JOIN communities co ON co.id = cl.community_id
             WHERE cl.id = ?1",
        )?
        .query_row([id], |r| {
            let birth = birth_of(r)?;
            Ok(Client {
                id: r.get("id")?,
                name: r.get("name")?,
                sex: sex_of(r)?,
                birth_date: birth.to_string(),
                age: age_on(birth, today),
                id_masked: r.get::<_, Option<String>>("id_number")?.as_deref().map(mask),
                ethnicity: r.get("ethnicity")?,
                phone: r.get("phone")?,
                facility_id: r.get("facility_id")?,
                facility_name: r.get("facility_name")?,
                community_id: r.get("community_id")?,
                community_name: r.get("community_name")?,
                address: r.get("address")?,
                living_situation: r.get::<_, LivingSituation>("living_situation")?,
                chronic_conditions: read::json(r, "chronic_conditions")?,
                diet_needs: read::json(r, "diet_needs")?,
                allergies: read::json(r, "allergies")?,
                contacts: Vec::new(),
                consent_on: r.get("consent_on")?,
                consent_by: r.get("consent_by")?,
                status: status_of(r)?,
                status_since: r.get("status_since")?,
                notes: r.get("notes")?,
                latest_assessment: None,
                is_demo: r.get("is_demo")?,
                created_at: r.get("created_at")?,
                updated_at: r.get("updated_at")?,
            })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Client, id: id.to_string() })?;
    client.contacts = c
        .prepare_cached("SELECT name, relation, phone FROM client_contacts WHERE client_id = ?1 ORDER BY position")?
        .query_map([id], |r| Ok(Contact { name: r.get(0)?, relation: r.get(1)?, phone: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    client.latest_assessment = c
        .prepare_cached(
            "SELECT id, assessed_on, total, level, assessor_name FROM assessments WHERE client_id = ?1
             ORDER BY assessed_on DESC, id DESC LIMIT 1",
        )?
        .query_row([id], |r| {
            Ok(AssessmentSummary {
                id: r.get(0)?,
                assessed_on: r.get(1)?,
                total: r.get(2)?,
                level: r.get(3)?,
                assessor_name: r.get(4)?,
            })
        })
        .optional()?;
    Ok(client)
}

/// Opens a client's record; the view itself is audited.
pub fn get_client(db: &Db, actor: &Actor, id: i64, today: NaiveDate) -> Result<Client> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, id)?;
        let client = load_client(c, id, today)?;
        Ok((client, Entry::new(AuditAction::View, AuditEntity::Client, id).facility(Some(facility_id))))
    })
}

/// The clients a list filter lets through (`?1` facility, `?2` include inactive, `?3` status,
/// `?4` the ids the search found); the count and the page share it.
const CLIENT_FILTER: &str = "(?1 IS NULL OR cl.facility_id = ?1)
     AND CASE WHEN ?3 IS NULL THEN (?2 OR cl.status IN ('active', 'suspended'))
              WHEN ?3 = 'gone' THEN cl.status IN ('moved', 'deceased')
              ELSE cl.status = ?3 END
     AND (?4 IS NULL OR cl.id IN (SELECT value FROM json_each(?4)))";

/// The columns the clients' list sorts by; age runs young to old.
const CLIENT_SORTS: &[(ListSort, &str)] = &[
    (ListSort::Name, "cl.name_key"),
    (ListSort::Age, "-julianday(cl.birth_date)"),
    (ListSort::Facility, "pinyin_key(f.name)"),
    (ListSort::Status, "CASE cl.status WHEN 'active' THEN 0 WHEN 'suspended' THEN 1 WHEN 'moved' THEN 2 ELSE 3 END"),
    (ListSort::CareLevel, "care_level"),
];

pub fn list_clients(
    db: &Db,
    actor: &Actor,
    cache: &SearchCache,
    query: &ListQuery,
    today: NaiveDate,
) -> Result<Page<ClientSummary>> {
    let facility = query.facility(actor)?;
    let status = query.status_among(ListStatus::ALL)?;
    let order = query.order_by(CLIENT_SORTS, "cl.name_key, cl.id")?;
    let found = query.found(db, actor, cache, facility, PersonKind::Client)?;
    db.read(|c| {
        let total: i64 = c
            .prepare_cached(&format!("SELECT count(*) FROM clients cl WHERE {CLIENT_FILTER}"))?
            .query_row(params![facility, query.include_inactive, status, found], |r| r.get(0))?;
        let mut stmt = c.prepare_cached(&format!(
            "SELECT cl.id, cl.name, cl.sex, cl.birth_date, cl.id_number, cl.phone, cl.facility_id, f.name AS facility_name,
                    co.name AS community_name, cl.status, cl.diet_needs, cl.allergies, cl.is_demo,
                    (SELECT level FROM assessments a WHERE a.client_id = cl.id
                     ORDER BY assessed_on DESC, a.id DESC LIMIT 1) AS care_level
             FROM clients cl JOIN facilities f ON f.id = cl.facility_id JOIN communities co ON co.id = cl.community_id
             WHERE {CLIENT_FILTER}
             ORDER BY {order} LIMIT ?5 OFFSET ?6"
        ))?;
        let args = params![facility, query.include_inactive, status, found, query.limit(), query.offset()];
        let rows = stmt.query_map(args, |r| {
            let birth = birth_of(r)?;
            Ok(ClientSummary {
                id: r.get("id")?,
                name: r.get("name")?,
                sex: sex_of(r)?,
                age: age_on(birth, today),
                id_masked: r.get::<_, Option<String>>("id_number")?.as_deref().map(mask),
                phone: r.get("phone")?,
                facility_id: r.get("facility_id")?,
                facility_name: r.get("facility_name")?,
                community_name: r.get("community_name")?,
                status: status_of(r)?,
                diet_needs: read::json(r, "diet_needs")?,
                allergies: read::json(r, "allergies")?,
                care_level: r.get("care_level")?,
                is_demo: r.get("is_demo")?,
            })
        })?;
        Ok(Page { total, rows: rows.collect::<rusqlite::Result<_>>()? })
    })
}

/// Checks what only the database can tell: the facility takes elderly clients, the
/// community exists, the ID number is nobody else's.
fn check_references(c: &Connection, actor: &Actor, fields: &ClientFields, except: Option<i64>) -> Result<()> {
    if !facility_kind(c, fields.facility_id)?.is_elder() {
        return Err(Invalid::new("client.facility_not_elder", "facility_id").into());
    }
    require_community(c, fields.community_id)?;
    ensure_id_free(c, actor, fields.identity.id_number.as_ref(), except.map(|id| (PersonKind::Client, id)))
}

fn write_contacts(c: &Connection, client_id: i64, fields: &ClientFields) -> Result<()> {
    c.execute("DELETE FROM client_contacts WHERE client_id = ?1", [client_id])?;
    let mut insert = c.prepare_cached(
        "INSERT INTO client_contacts (client_id, position, name, relation, phone) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, contact) in fields.contacts.iter().enumerate() {
        insert.execute(params![client_id, i as i64, contact.name, contact.relation, contact.phone])?;
    }
    Ok(())
}

/// The client's columns, as both the INSERT and the UPDATE write them.
fn client_row(fields: &ClientFields, consent_on: Option<String>, consent_by: Option<String>) -> FormRow {
    FormRow::new(
        "clients",
        vec![
            ("facility_id", fields.facility_id.into()),
            ("community_id", fields.community_id.into()),
            ("name", fields.name.clone().into()),
            ("sex", fields.identity.sex.as_str().to_string().into()),
            ("birth_date", fields.identity.birth_date.to_string().into()),
            ("id_number", fields.identity.id_number.as_ref().map(|id| id.as_str().to_string()).into()),
            ("ethnicity", fields.ethnicity.clone().into()),
            ("phone", fields.phone.clone().into()),
            ("address", fields.address.clone().into()),
            ("living_situation", fields.living_situation.as_str().to_string().into()),
            ("chronic_conditions", json_list(&fields.chronic_conditions).into()),
            ("diet_needs", json_list(&fields.diet_needs).into()),
            ("allergies", json_list(&fields.allergies).into()),
            ("consent_on", consent_on.into()),
            ("consent_by", consent_by.into()),
            ("notes", fields.notes.clone().into()),
            ("name_key", sort_key(&fields.name).into()),
        ],
    )
}

/// Inserts a validated, checked client with their contacts, registered now by the actor
/// (no audit: the caller writes it).
pub(crate) fn insert_client(c: &Tx, actor: &Actor, fields: &ClientFields, today: NaiveDate) -> Result<i64> {
    let consent = fields.consent.then_some((today, actor.display_name.as_str()));
    let registered =
        Registered { at: &c.stamp(), consent, status: ClientStatus::Active, status_since: None, is_demo: false };
    write_client(c, fields, &registered)
}

/// When and how a client came onto the register, and where they stand now: a new client's
/// is now and active; the demo city writes its people's history through the same writer.
pub(crate) struct Registered<'a> {
    /// Created and last updated.
    pub at: &'a str,
    /// The day consent was given, and who took it.
    pub consent: Option<(NaiveDate, &'a str)>,
    pub status: ClientStatus,
    pub status_since: Option<NaiveDate>,
    pub is_demo: bool,
}

/// Inserts a client with their contacts, as [`Registered`]: the one writer of `clients` and
/// `client_contacts` (no audit: the caller writes it).
pub(crate) fn write_client(c: &Connection, fields: &ClientFields, registered: &Registered) -> Result<i64> {
    let (consent_on, consent_by) = registered.consent.map(|(on, by)| (on.to_string(), by.to_string())).unzip();
    let id = client_row(fields, consent_on, consent_by)
        .with("status", registered.status.as_str().to_string())
        .with("status_since", registered.status_since.map(|d| d.to_string()))
        .with("is_demo", registered.is_demo)
        .insert(c, registered.at)?;
    write_contacts(c, id, fields)?;
    Ok(id)
}

/// Registers a client. Bad input, a facility outside the actor's scope or an ID number
/// already on file changes nothing.
pub fn create_client(db: &Db, actor: &Actor, input: &ClientInput, today: NaiveDate) -> Result<Client> {
    actor.require(Action::EditPeople)?;
    let fields = input.validate(today)?;
    actor.require_at(Action::EditPeople, fields.facility_id)?;
    let saved = db.write(|c| {
        check_references(c, actor, &fields, None)?;
        let id = insert_client(c, actor, &fields, today)?;
        let after = load_client(c, id, today)?;
        Entry::new(AuditAction::Create, AuditEntity::Client, id)
            .facility(Some(fields.facility_id))
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    });
    audit_id_refusal(
        db,
        actor,
        PersonKind::Client,
        None,
        Some(fields.facility_id),
        input.identity.id_number.as_deref(),
        saved,
    )
}

/// Saves the client form. Without an ID number in the form, the one on file is kept (the
/// form never holds the full number); moving a client to another facility needs rights
/// at both.
pub fn update_client(db: &Db, actor: &Actor, id: i64, input: &ClientInput, today: NaiveDate) -> Result<Client> {
    actor.require(Action::EditPeople)?;
    let saved = db.write(|c| {
        facility_for(c, actor, Action::EditPeople, PersonKind::Client, id)?;
        let mut input = input.clone();
        if input.identity.id_number.as_deref().is_none_or(|s| s.trim().is_empty()) {
            input.identity.id_number =
                c.query_row("SELECT id_number FROM clients WHERE id = ?1", [id], |r| r.get(0))?;
        }
        let fields = input.validate(today)?;
        actor.require_at(Action::EditPeople, fields.facility_id)?;
        check_references(c, actor, &fields, Some(id))?;
        let before = load_client(c, id, today)?;
        // Consent keeps its original date while it stands; withdrawing it clears it.
        let (consent_on, consent_by) = match (fields.consent, &before.consent_on) {
            (true, Some(on)) => (Some(on.clone()), before.consent_by.clone()),
            (true, None) => (Some(today.to_string()), Some(actor.display_name.clone())),
            (false, _) => (None, None),
        };
        client_row(&fields, consent_on, consent_by).update(c, id)?;
        write_contacts(c, id, &fields)?;
        if fields.facility_id != before.facility_id {
            super::transfer::move_client(c, actor, id, before.facility_id, fields.facility_id, today)?;
        }
        let after = load_client(c, id, today)?;
        Entry::new(AuditAction::Update, AuditEntity::Client, id)
            .facility(Some(fields.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    });
    audit_id_refusal(db, actor, PersonKind::Client, Some(id), None, input.identity.id_number.as_deref(), saved)
}

/// Suspends, reactivates, or records a move or a death. A client who moved or died is
/// checked out if still in; the record stays.
pub fn set_client_status(db: &Db, actor: &Actor, id: i64, status: ClientStatus, today: NaiveDate) -> Result<Client> {
    actor.require(Action::EditPeople)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::EditPeople, PersonKind::Client, id)?;
        let before = load_client(c, id, today)?;
        if before.status == status {
            return Ok(before);
        }
        let gone = matches!(before.status, ClientStatus::Moved | ClientStatus::Deceased);
        if gone && actor.require_at(Action::ReinstateClient, facility_id).is_err() {
            return Err(Invalid::new("client.reinstate_manager_only", "status").into());
        }
        let now = c.stamp();
        c.execute(
            "UPDATE clients SET status = ?1, status_since = ?2, updated_at = ?3 WHERE id = ?4",
            params![status.as_str(), today.to_string(), now, id],
        )?;
        if matches!(status, ClientStatus::Moved | ClientStatus::Deceased) {
            c.execute(
                "UPDATE attendance SET out_at = ?1, out_by = ?2
                 WHERE person_kind = 'client' AND person_id = ?3 AND out_at IS NULL",
                params![now, actor.account_id, id],
            )?;
        }
        // Suspended, moved or dead: standing meal orders stop and bookings not yet served
        // are cancelled, in this same transaction. Reinstating restarts nothing.
        crate::services::meals::standing::stop_for_client_status(c, actor, id, facility_id, status, today, &now)?;
        let after = load_client(c, id, today)?;
        Entry::new(AuditAction::Status, AuditEntity::Client, id)
            .facility(Some(facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}
