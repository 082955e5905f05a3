//! Care visits: clients' care plans, staff leave, the week's visits (by hand, by weekly
//! series, by the automatic scheduler), their conflicts, and what happened at each visit.
//!
//! Times are the facility's local time (Asia/Shanghai): a visit has a local day and a start
//! minute after local midnight, which is what the week view, the conflict rules and the
//! scheduler all work in.

pub mod edit;
pub mod leave;
pub mod location;
pub mod planner;
pub mod plans;
pub mod record;
pub mod week;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::audit::AuditEntity;
use crate::domain::account::Actor;
use crate::domain::facility::{FacilityKind, Service};
use crate::domain::person::{ClientStatus, Skill};
use crate::domain::visits::{CarePlace, GeoPoint, VisitReason, VisitSource, VisitStatus};
use crate::error::{CoreError, Invalid, Result};
use crate::store::read;

/// The facility of an active client of an elder facility: care plans and visits are for
/// them only.
pub(crate) fn require_elder_client(c: &Connection, client_id: i64) -> Result<i64> {
    let (facility_id, status, kind): (i64, String, String) = c
        .prepare_cached(
            "SELECT cl.facility_id, cl.status, f.kind FROM clients cl JOIN facilities f ON f.id = cl.facility_id
              WHERE cl.id = ?1",
        )?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Client, id: client_id.to_string() })?;
    if !FacilityKind::parse(&kind).is_some_and(FacilityKind::is_elder) {
        return Err(Invalid::new("visit.not_elder_facility", "client_id").into());
    }
    if status != ClientStatus::Active.as_str() {
        return Err(Invalid::new("visit.client_not_active", "client_id").with("status", status).into());
    }
    Ok(facility_id)
}

/// A visit as the week view and the caregiver's list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Visit {
    pub id: i64,
    pub facility_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub client_address: Option<String>,
    pub plan_item_id: i64,
    pub title: String,
    pub service: Service,
    pub skill: Option<Skill>,
    pub place: CarePlace,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub start_min: u32,
    pub duration_min: u32,
    pub source: VisitSource,
    /// Part of a weekly series.
    pub series_id: Option<i64>,
    /// A series occurrence moved from its usual day or time (an exception).
    pub moved: bool,
    /// Placed or moved by hand: the scheduler keeps it where it is.
    pub locked: bool,
    pub status: VisitStatus,
    pub done_start_min: Option<u32>,
    pub done_end_min: Option<u32>,
    pub reason: Option<VisitReason>,
    pub note: Option<String>,
    pub recorded_by_name: Option<String>,
    pub makes_up_for: Option<i64>,
    /// A missed visit already made up by a later one.
    pub made_up: bool,
}

pub(crate) const VISIT_SELECT: &str = "SELECT v.*, cl.name AS client_name, cl.address AS client_address,
        s.name AS staff_name, p.title, p.service, p.skill, vs.weekday AS series_weekday,
        vs.start_min AS series_start,
        EXISTS (SELECT 1 FROM visits m WHERE m.makes_up_for = v.id AND m.status != 'cancelled') AS made_up
   FROM visits v
   JOIN clients cl ON cl.id = v.client_id
   JOIN care_plan_items p ON p.id = v.plan_item_id
   LEFT JOIN staff s ON s.id = v.staff_id
   LEFT JOIN visit_series vs ON vs.id = v.series_id";

impl Visit {
    pub(crate) fn from_row(r: &Row) -> rusqlite::Result<Visit> {
        let day = read::day(r, "day")?;
        let start_min: u32 = r.get("start_min")?;
        let series_day = read::opt_day(r, "series_day")?;
        let series_start: Option<u32> = r.get("series_start")?;
        Ok(Visit {
            id: r.get("id")?,
            facility_id: r.get("facility_id")?,
            client_id: r.get("client_id")?,
            client_name: r.get("client_name")?,
            client_address: r.get("client_address")?,
            plan_item_id: r.get("plan_item_id")?,
            title: r.get("title")?,
            service: r.get("service")?,
            skill: r.get("skill")?,
            place: CarePlace::from_row(r, "place")?,
            staff_id: r.get("staff_id")?,
            staff_name: r.get("staff_name")?,
            day,
            start_min,
            duration_min: r.get("duration_min")?,
            source: VisitSource::from_row(r, "source")?,
            series_id: r.get("series_id")?,
            moved: series_day.is_some_and(|d| d != day) || series_start.is_some_and(|s| s != start_min),
            locked: r.get("locked")?,
            status: VisitStatus::from_row(r, "status")?,
            done_start_min: r.get("done_start_min")?,
            done_end_min: r.get("done_end_min")?,
            reason: r.get("reason")?,
            note: r.get("note")?,
            recorded_by_name: r.get("recorded_by_name")?,
            makes_up_for: r.get("makes_up_for")?,
            made_up: r.get("made_up")?,
        })
    }
}

pub(crate) fn load_visit(c: &Connection, id: i64) -> Result<Visit> {
    c.prepare_cached(&format!("{VISIT_SELECT} WHERE v.id = ?1"))?
        .query_row([id], Visit::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::Visit, id: id.to_string() })
}

/// The staff record the signed-in account is (a caregiver's own visits), if linked.
pub(crate) fn account_staff(c: &Connection, actor: &Actor) -> Result<Option<i64>> {
    Ok(c.prepare_cached("SELECT staff_id FROM accounts WHERE id = ?1")?
        .query_row([actor.account_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Where a facility stands, for walking to and from it.
pub(crate) fn facility_point(c: &Connection, facility_id: i64) -> Result<Option<GeoPoint>> {
    let (lat, lon): (Option<f64>, Option<f64>) = c
        .prepare_cached("SELECT lat, lon FROM facilities WHERE id = ?1")?
        .query_row([facility_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(GeoPoint::from_parts(lat, lon))
}

/// What the audit log keeps of a visit's place in the week: whose, when, by whom.
pub(crate) fn visit_slot(c: &Connection, id: i64) -> Result<Option<serde_json::Value>> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(
        "SELECT client_id, plan_item_id, staff_id, day, start_min, duration_min, source, series_id FROM visits WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(serde_json::json!({
            "client_id": r.get::<_, i64>(0)?,
            "plan_item_id": r.get::<_, i64>(1)?,
            "staff_id": r.get::<_, Option<i64>>(2)?,
            "day": r.get::<_, String>(3)?,
            "start_min": r.get::<_, i64>(4)?,
            "duration_min": r.get::<_, i64>(5)?,
            "source": r.get::<_, String>(6)?,
            "series_id": r.get::<_, Option<i64>>(7)?,
        }))
    })
    .optional()?)
}
