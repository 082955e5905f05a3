//! The city's structure (district → living circle → community) and its facilities:
//! browsing, reading and editing, scoped to what the acting account may see.

use chrono::{Days, NaiveDate, NaiveTime};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{AuditAction, AuditEntity, Entry};
use crate::clock::from_local;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::{
    bits_to_days, ChildClass, Facility, FacilityFields, FacilityInput, FacilityKind, Service,
};
use crate::error::{CoreError, Invalid, Result};
use crate::roster::export::{plain, write_table};
use crate::roster::{vocab, ExportReport};
use crate::store::form_row::FormRow;
use crate::store::{utc_stamp, Db};
use std::path::Path;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CommunityNode {
    pub id: i64,
    pub name: String,
    /// "community" (社区) or "village" (村).
    pub kind: String,
    /// Facilities in it that the account may see.
    pub facility_count: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CircleNode {
    pub id: i64,
    pub name: String,
    pub communities: Vec<CommunityNode>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DistrictNode {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub circles: Vec<CircleNode>,
}

/// Counts shown before sign-in (nothing personal) and on the home screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CitySummary {
    pub districts: i64,
    pub living_circles: i64,
    pub communities: i64,
    pub elder_centres: i64,
    pub elder_stations: i64,
    pub childcare_units: i64,
    pub clients: i64,
    pub children: i64,
    pub staff: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FacilitySummary {
    pub id: i64,
    pub kind: FacilityKind,
    pub name: String,
    pub district_name: String,
    pub circle_id: i64,
    pub circle_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub phone: Option<String>,
    pub capacity: i64,
    pub services: Vec<Service>,
    pub is_demo: bool,
}

/// Narrows a facility list; every field is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FacilityFilter {
    pub district_id: Option<i64>,
    pub circle_id: Option<i64>,
    pub community_id: Option<i64>,
    pub kind: Option<FacilityKind>,
}

/// The city's structure and who is on its rolls today, counted as the monthly report counts
/// them: clients registered by today and neither moved nor deceased by then; children
/// enrolled by today who have not left (`report::figures`, `rolls`).
pub fn city_summary(db: &Db, today: NaiveDate) -> Result<CitySummary> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT (SELECT count(*) FROM districts), (SELECT count(*) FROM living_circles), (SELECT count(*) FROM communities),
                    (SELECT count(*) FROM facilities WHERE kind = 'elder_centre'),
                    (SELECT count(*) FROM facilities WHERE kind = 'elder_station'),
                    (SELECT count(*) FROM facilities WHERE kind = 'childcare'),
                    (SELECT count(*) FROM clients WHERE created_at < ?2
                        AND NOT (status IN ('moved', 'deceased') AND coalesce(status_since, '') <= ?1)),
                    (SELECT count(*) FROM children WHERE enrolled_on <= ?1 AND (left_on IS NULL OR left_on > ?1)),
                    (SELECT count(*) FROM staff WHERE active = 1)",
            params![today.to_string(), utc_stamp(from_local((today + Days::new(1)).and_time(NaiveTime::MIN)))],
            |r| {
                Ok(CitySummary {
                    districts: r.get(0)?,
                    living_circles: r.get(1)?,
                    communities: r.get(2)?,
                    elder_centres: r.get(3)?,
                    elder_stations: r.get(4)?,
                    childcare_units: r.get(5)?,
                    clients: r.get(6)?,
                    children: r.get(7)?,
                    staff: r.get(8)?,
                })
            },
        )?)
    })
}

/// The whole structure, with each community's count of facilities the actor may see.
pub fn city_tree(db: &Db, actor: &Actor) -> Result<Vec<DistrictNode>> {
    actor.require(Action::ViewFacility)?;
    let scope = actor.facility_scope();
    db.read(|c| {
        let mut districts: Vec<DistrictNode> = c
            .prepare_cached("SELECT id, code, name FROM districts ORDER BY code")?
            .query_map([], |r| {
                Ok(DistrictNode { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, circles: Vec::new() })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = c.prepare_cached(
            "SELECT lc.district_id, lc.id AS circle_id, lc.name AS circle_name, co.id, co.name, co.kind,
                    (SELECT count(*) FROM facilities f WHERE f.community_id = co.id AND (?1 IS NULL OR f.id = ?1)) AS n
             FROM living_circles lc LEFT JOIN communities co ON co.circle_id = lc.id
             ORDER BY lc.district_id, lc.id, co.id",
        )?;
        let mut rows = stmt.query([scope])?;
        while let Some(r) = rows.next()? {
            let district_id: i64 = r.get(0)?;
            let circle_id: i64 = r.get(1)?;
            let Some(district) = districts.iter_mut().find(|d| d.id == district_id) else { continue };
            if district.circles.last().is_none_or(|lc| lc.id != circle_id) {
                district.circles.push(CircleNode { id: circle_id, name: r.get(2)?, communities: Vec::new() });
            }
            if let Some(id) = r.get::<_, Option<i64>>(3)? {
                let circle = district.circles.last_mut().expect("pushed above");
                circle.communities.push(CommunityNode {
                    id,
                    name: r.get(4)?,
                    kind: r.get(5)?,
                    facility_count: r.get(6)?,
                });
            }
        }
        Ok(districts)
    })
}

pub fn list_facilities(db: &Db, actor: &Actor, filter: &FacilityFilter) -> Result<Vec<FacilitySummary>> {
    actor.require(Action::ViewFacility)?;
    let scope = actor.facility_scope();
    db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT f.id, f.kind, f.name, d.name AS district_name, lc.id AS circle_id, lc.name AS circle_name,
                    co.id AS community_id, co.name AS community_name, f.phone, f.capacity, f.services, f.is_demo
             FROM facilities f JOIN communities co ON co.id = f.community_id
             JOIN living_circles lc ON lc.id = co.circle_id JOIN districts d ON d.id = lc.district_id
             WHERE (?1 IS NULL OR f.id = ?1) AND (?2 IS NULL OR d.id = ?2) AND (?3 IS NULL OR lc.id = ?3)
               AND (?4 IS NULL OR co.id = ?4) AND (?5 IS NULL OR f.kind = ?5)
             ORDER BY d.code, lc.id, co.id, f.kind, f.name",
        )?;
        let rows = stmt.query_map(
            params![
                scope,
                filter.district_id,
                filter.circle_id,
                filter.community_id,
                filter.kind.map(FacilityKind::as_str)
            ],
            |r| {
                Ok(FacilitySummary {
                    id: r.get("id")?,
                    kind: r.get("kind")?,
                    name: r.get("name")?,
                    district_name: r.get("district_name")?,
                    circle_id: r.get("circle_id")?,
                    circle_name: r.get("circle_name")?,
                    community_id: r.get("community_id")?,
                    community_name: r.get("community_name")?,
                    phone: r.get("phone")?,
                    capacity: r.get("capacity")?,
                    services: Service::from_bits(r.get("services")?),
                    is_demo: r.get("is_demo")?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

fn load_facility(c: &Connection, id: i64) -> Result<Facility> {
    let mut facility = c
        .prepare_cached(
            "SELECT f.*, d.id AS district_id, d.name AS district_name, lc.id AS circle_id, lc.name AS circle_name,
                    co.name AS community_name
             FROM facilities f JOIN communities co ON co.id = f.community_id
             JOIN living_circles lc ON lc.id = co.circle_id JOIN districts d ON d.id = lc.district_id
             WHERE f.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Facility {
                id: r.get("id")?,
                kind: r.get("kind")?,
                name: r.get("name")?,
                district_id: r.get("district_id")?,
                district_name: r.get("district_name")?,
                circle_id: r.get("circle_id")?,
                circle_name: r.get("circle_name")?,
                community_id: r.get("community_id")?,
                community_name: r.get("community_name")?,
                address: r.get("address")?,
                phone: r.get("phone")?,
                opens_at: r.get("opens_at")?,
                closes_at: r.get("closes_at")?,
                open_days: bits_to_days(r.get("open_days")?),
                capacity: r.get("capacity")?,
                services: Service::from_bits(r.get("services")?),
                age_min_months: r.get("age_min_months")?,
                age_max_months: r.get("age_max_months")?,
                classes: Vec::new(),
                is_demo: r.get("is_demo")?,
                updated_at: r.get("updated_at")?,
            })
        })
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Facility, id: id.to_string() })?;
    facility.classes = c
        .prepare_cached("SELECT id, name FROM child_classes WHERE facility_id = ?1 ORDER BY id")?
        .query_map([id], |r| Ok(ChildClass { id: r.get(0)?, name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(facility)
}

pub fn get_facility(db: &Db, actor: &Actor, id: i64) -> Result<Facility> {
    actor.require_at(Action::ViewFacility, id)?;
    db.read(|c| load_facility(c, id))
}

/// Two facilities with one name cannot be told apart in a roster or a report.
fn require_unique_name(c: &Connection, name: &str, except: Option<i64>) -> Result<()> {
    let taken: bool = c.query_row(
        "SELECT count(*) > 0 FROM facilities WHERE name = ?1 AND (?2 IS NULL OR id != ?2)",
        params![name, except],
        |r| r.get(0),
    )?;
    if taken {
        Err(Invalid::new("facility.name_taken", "name").with("name", name).into())
    } else {
        Ok(())
    }
}

fn require_community(c: &Connection, community_id: i64) -> Result<()> {
    let exists: bool =
        c.query_row("SELECT count(*) > 0 FROM communities WHERE id = ?1", [community_id], |r| r.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(Invalid::new("facility.community_unknown", "community_id").with("id", community_id).into())
    }
}

/// Brings the unit's classes in line with the form: renames kept ones, adds new ones and
/// removes the ones left out (refused while a child is still in the class).
fn sync_classes(c: &Connection, facility_id: i64, fields: &FacilityFields) -> Result<()> {
    let kept: Vec<i64> = fields.classes.iter().filter_map(|k| k.id).collect();
    let existing: Vec<(i64, String)> = c
        .prepare_cached("SELECT id, name FROM child_classes WHERE facility_id = ?1")?
        .query_map([facility_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, name) in existing.iter().filter(|(id, _)| !kept.contains(id)) {
        let children: i64 =
            c.query_row("SELECT count(*) FROM children WHERE class_id = ?1 AND left_on IS NULL", [id], |r| r.get(0))?;
        if children > 0 {
            return Err(Invalid::new("facility.class_has_children", "classes").with("name", name).into());
        }
        c.execute("UPDATE children SET class_id = NULL WHERE class_id = ?1", [id])?;
        c.execute("DELETE FROM child_classes WHERE id = ?1", [id])?;
    }
    // Park kept classes under temporary names first so that swapping two names does not
    // trip the unique (facility, name) constraint half-way.
    for id in &kept {
        if !existing.iter().any(|(e, _)| e == id) {
            return Err(Invalid::new("facility.class_unknown", "classes").with("id", id).into());
        }
        c.execute("UPDATE child_classes SET name = '~' || id WHERE id = ?1", [id])?;
    }
    for class in &fields.classes {
        match class.id {
            Some(id) => c.execute("UPDATE child_classes SET name = ?1 WHERE id = ?2", params![class.name, id])?,
            None => c.execute(
                "INSERT INTO child_classes (facility_id, name) VALUES (?1, ?2)",
                params![facility_id, class.name],
            )?,
        };
    }
    Ok(())
}

/// Saves the edit form. Validation failures and scope violations change nothing; a
/// successful edit is audited with the record before and after.
pub fn update_facility(db: &Db, actor: &Actor, id: i64, input: &FacilityInput) -> Result<Facility> {
    actor.require_at(Action::EditFacility, id)?;
    db.write(|c| {
        let before = load_facility(c, id)?;
        let fields = input.validate(before.kind)?;
        require_unique_name(c, &fields.name, Some(id))?;
        require_community(c, fields.community_id)?;
        facility_row(&fields).update(c, id)?;
        if before.kind == FacilityKind::Childcare {
            sync_classes(c, id, &fields)?;
        }
        let after = load_facility(c, id)?;
        Entry::new(AuditAction::Update, AuditEntity::Facility, id)
            .facility(Some(id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// Writes the facility list (as filtered) to an .xlsx at `path`; audited.
pub fn export_facilities(db: &Db, actor: &Actor, filter: &FacilityFilter, path: &Path) -> Result<ExportReport> {
    let list = list_facilities(db, actor, filter)?;
    let columns = [
        plain("名称"),
        plain("类型"),
        plain("区"),
        plain("一刻钟生活圈"),
        plain("社区/村"),
        plain("床位/托位数"),
        plain("电话"),
        plain("服务项目"),
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                vocab::label(vocab::FACILITY_KINDS, f.kind).to_string(),
                f.district_name.clone(),
                f.circle_name.clone(),
                f.community_name.clone(),
                f.capacity.to_string(),
                f.phone.clone().unwrap_or_default(),
                f.services.iter().map(|s| vocab::label(vocab::SERVICES, *s)).collect::<String>(),
            ]
        })
        .collect();
    write_table(path, "机构名单", &columns, &rows)?;
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::Facilities, path.display())
            .facility(actor.facility_scope())
            .after(&serde_json::json!({ "rows": rows.len() }))
            .write(c, actor)
    })?;
    Ok(ExportReport { path: path.display().to_string(), rows: rows.len() })
}

/// The facility form's columns, as both the INSERT and the UPDATE write them.
fn facility_row(f: &FacilityFields) -> FormRow {
    FormRow::new(
        "facilities",
        vec![
            ("name", f.name.clone().into()),
            ("community_id", f.community_id.into()),
            ("address", f.address.clone().into()),
            ("phone", f.phone.clone().into()),
            ("opens_at", f.opens_at.clone().into()),
            ("closes_at", f.closes_at.clone().into()),
            ("open_days", f.open_days_bits.into()),
            ("capacity", f.capacity.into()),
            ("services", f.services_bits.into()),
            ("age_min_months", f.age_min_months.into()),
            ("age_max_months", f.age_max_months.into()),
        ],
    )
}

/// Inserts a facility, and a childcare unit's classes, created at `at`: the one writer of
/// `facilities` and of a new unit's `child_classes`, for the registry and the demo city
/// (which marks its own) alike. Returns its id.
pub(crate) fn write_facility(
    c: &Connection,
    kind: FacilityKind,
    fields: &FacilityFields,
    at: &str,
    is_demo: bool,
) -> Result<i64> {
    let id = facility_row(fields).with("kind", kind.as_str().to_string()).with("is_demo", is_demo).insert(c, at)?;
    if kind == FacilityKind::Childcare {
        sync_classes(c, id, fields)?;
    }
    Ok(id)
}

/// Adds a facility to the registry (city administrator only).
pub fn create_facility(db: &Db, actor: &Actor, kind: FacilityKind, input: &FacilityInput) -> Result<Facility> {
    actor.require(Action::CreateFacility)?;
    let fields = input.validate(kind)?;
    db.write(|c| {
        require_unique_name(c, &fields.name, None)?;
        require_community(c, fields.community_id)?;
        let id = write_facility(c, kind, &fields, &c.stamp(), false)?;
        let after = load_facility(c, id)?;
        Entry::new(AuditAction::Create, AuditEntity::Facility, id).facility(Some(id)).after(&after).write(c, actor)?;
        Ok(after)
    })
}
