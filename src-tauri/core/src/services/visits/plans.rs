//! Care plans: the services a client is to receive each week (a home visit for bathing, a
//! rehabilitation session at the centre, a medication check…), each with visits a week,
//! duration, preferred days and time window, the skill it needs and where it happens.
//!
//! Decisions worth knowing:
//! - A plan item is never deleted: visits point at it. It is ended on a day; its planned
//!   visits after that day are cancelled and its weekly series stop, in the same
//!   transaction.
//! - The client's latest capability level suggests the plan's weekly minutes
//!   (`domain::visits::suggested_weekly_minutes`); the manager decides, so a plan outside
//!   the suggestion is allowed and shown as such.
//! - At most two visits a day on the preferred days (morning and evening care); the window
//!   must hold the whole visit.
//! - Writing plans is `Action::ManageCarePlans` (nurses, managers) at the client's
//!   facility; reading them is `ViewPeople`. Every change is audited.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::require_elder_client;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::{bits_to_days, days_to_bits, Service};
use crate::domain::person::{PersonKind, Skill};
use crate::domain::text;
use crate::domain::visits::{clock, parse_clock, suggested_weekly_minutes, CarePlace};
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::form_row::FormRow;
use crate::store::read;
use crate::store::{Db, Tx};

pub const PLAN_TITLE_MAX: usize = 40;
pub const PLAN_NOTE_MAX: usize = 200;

/// The plan item form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanItemInput {
    pub client_id: i64,
    pub service: Service,
    /// What is done, e.g. "上门助浴".
    pub title: String,
    pub visits_per_week: u32,
    pub duration_min: u32,
    /// 1 Monday … 7 Sunday.
    pub preferred_days: Vec<u8>,
    /// "HH:MM": the visit takes place between these times.
    pub window_start: String,
    pub window_end: String,
    pub skill: Option<Skill>,
    pub place: CarePlace,
    #[ts(type = "string")]
    #[serde(deserialize_with = "crate::dates::day")]
    pub starts_on: NaiveDate,
    #[ts(type = "string | null")]
    #[serde(default, deserialize_with = "crate::dates::optional_day")]
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanItem {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub facility_id: i64,
    pub service: Service,
    pub title: String,
    pub visits_per_week: u32,
    pub duration_min: u32,
    pub preferred_days: Vec<u8>,
    pub window_start: String,
    pub window_end: String,
    pub skill: Option<Skill>,
    pub place: CarePlace,
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    #[ts(type = "string | null")]
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// Not ended before today.
    pub active: bool,
    /// The window in minutes after midnight, as stored (the scheduler's unit).
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) window_min: (u32, u32),
}

impl PlanItem {
    /// A row reader for a day: whether an item is `active` depends on when it is read.
    pub(crate) fn reader(today: NaiveDate) -> impl Fn(&Row) -> rusqlite::Result<PlanItem> {
        move |r| PlanItem::from_row(r, today)
    }

    fn from_row(r: &Row, today: NaiveDate) -> rusqlite::Result<PlanItem> {
        let ends_on = read::opt_day(r, "ends_on")?;
        Ok(PlanItem {
            id: r.get("id")?,
            client_id: r.get("client_id")?,
            client_name: r.get("client_name")?,
            facility_id: r.get("facility_id")?,
            service: r.get("service")?,
            title: r.get("title")?,
            visits_per_week: r.get("visits_per_week")?,
            duration_min: r.get("duration_min")?,
            preferred_days: bits_to_days(r.get("preferred_days")?),
            window_start: clock(r.get("window_start")?),
            window_end: clock(r.get("window_end")?),
            skill: r.get("skill")?,
            place: CarePlace::from_row(r, "place")?,
            starts_on: crate::store::read::day(r, "starts_on")?,
            ends_on,
            note: r.get("note")?,
            active: ends_on.is_none_or(|d| d >= today),
            window_min: (r.get("window_start")?, r.get("window_end")?),
        })
    }
}

/// A client's plan as the care-plan page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CarePlan {
    pub client_id: i64,
    /// The latest capability level (0–4), if assessed.
    pub level: Option<u8>,
    /// Weekly visit minutes the level suggests.
    pub suggested_min_low: Option<u32>,
    pub suggested_min_high: Option<u32>,
    /// Weekly minutes of the items in force today.
    pub planned_min: u32,
    pub items: Vec<PlanItem>,
}

/// A plan item after the rules, ready to store.
pub(crate) struct PlanFields {
    pub service: Service,
    pub title: String,
    pub visits_per_week: u32,
    pub duration_min: u32,
    /// ISO weekdays as bits (Monday = 1).
    pub preferred_days: i64,
    pub window_start: u32,
    pub window_end: u32,
    pub skill: Option<Skill>,
    pub place: CarePlace,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl PlanItemInput {
    fn validate(&self) -> Result<PlanFields, Invalid> {
        let title =
            text::required_name(&self.title, PLAN_TITLE_MAX, "plan.title_empty", "plan.title_too_long", "title")?;
        if !(1..=14).contains(&self.visits_per_week) {
            return Err(Invalid::new("plan.visits_per_week", "visits_per_week").with("max", 14));
        }
        if !(5..=240).contains(&self.duration_min) {
            return Err(Invalid::new("plan.duration", "duration_min").with("min", 5).with("max", 240));
        }
        let mut days = self.preferred_days.clone();
        days.sort_unstable();
        days.dedup();
        if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(Invalid::new("plan.days_empty", "preferred_days"));
        }
        if self.visits_per_week as usize > days.len() * 2 {
            return Err(Invalid::new("plan.too_many_for_days", "visits_per_week").with("days", days.len()));
        }
        let window_start = parse_clock(&self.window_start, "window_start")?;
        let window_end = parse_clock(&self.window_end, "window_end")?;
        if window_end < window_start + self.duration_min {
            return Err(Invalid::new("plan.window_too_short", "window_end").with("minutes", self.duration_min));
        }
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            return Err(Invalid::new("plan.ends_before_start", "ends_on"));
        }
        Ok(PlanFields {
            service: self.service,
            title,
            visits_per_week: self.visits_per_week,
            duration_min: self.duration_min,
            preferred_days: days_to_bits(&days),
            window_start,
            window_end,
            skill: self.skill,
            place: self.place,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            note: text::optional_text(self.note.as_deref(), PLAN_NOTE_MAX, "note")?,
        })
    }
}

const ITEM_SELECT: &str =
    "SELECT p.*, cl.name AS client_name FROM care_plan_items p JOIN clients cl ON cl.id = p.client_id";

pub(crate) fn load_item(c: &Connection, id: i64, today: NaiveDate) -> Result<PlanItem> {
    c.prepare_cached(&format!("{ITEM_SELECT} WHERE p.id = ?1"))?
        .query_row([id], PlanItem::reader(today))
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::PlanItem, id: id.to_string() })
}

/// A client's care plan with what their capability level suggests. The view is audited.
pub fn care_plan(db: &Db, actor: &Actor, client_id: i64) -> Result<CarePlan> {
    actor.require(Action::ViewPeople)?;
    let today = db.clock().today();
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, client_id)?;
        let mut items = c
            .prepare_cached(&format!("{ITEM_SELECT} WHERE p.client_id = ?1 ORDER BY p.id"))?
            .query_map([client_id], PlanItem::reader(today))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        items.sort_by_key(|i| !i.active); // stable: the ended ones last, each group by id
        let level: Option<u8> = c
            .prepare_cached(
                "SELECT level FROM assessments WHERE client_id = ?1 ORDER BY assessed_on DESC, id DESC LIMIT 1",
            )?
            .query_row([client_id], |r| r.get(0))
            .optional()?;
        let suggested = level.map(suggested_weekly_minutes);
        let planned_min =
            items.iter().filter(|i| i.active && i.starts_on <= today).map(|i| i.visits_per_week * i.duration_min).sum();
        let plan = CarePlan {
            client_id,
            level,
            suggested_min_low: suggested.map(|s| s.0),
            suggested_min_high: suggested.map(|s| s.1),
            planned_min,
            items,
        };
        Ok((plan, Entry::new(AuditAction::View, AuditEntity::CarePlan, client_id).facility(Some(facility_id))))
    })
}

/// The facility's plan items active on `day`, of active clients, by client: what a visit
/// placed by hand is for.
pub fn facility_plan_items(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<Vec<PlanItem>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let today = db.clock().today();
    db.read(|c| {
        Ok(c.prepare_cached(&format!(
            "{ITEM_SELECT} WHERE p.facility_id = ?1 AND cl.status = 'active' AND p.starts_on <= ?2
                   AND (p.ends_on IS NULL OR p.ends_on >= ?2)
                 ORDER BY cl.name_key, p.id"
        ))?
        .query_map(params![facility_id, day.to_string()], PlanItem::reader(today))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

/// The plan item form's columns, as both the INSERT and the UPDATE write them.
fn plan_row(f: &PlanFields) -> FormRow {
    FormRow::new(
        "care_plan_items",
        vec![
            ("service", f.service.as_str().to_string().into()),
            ("title", f.title.clone().into()),
            ("visits_per_week", f.visits_per_week.into()),
            ("duration_min", f.duration_min.into()),
            ("preferred_days", f.preferred_days.into()),
            ("window_start", f.window_start.into()),
            ("window_end", f.window_end.into()),
            ("skill", f.skill.map(|s| s.as_str().to_string()).into()),
            ("place", f.place.as_str().to_string().into()),
            ("starts_on", f.starts_on.to_string().into()),
            ("ends_on", f.ends_on.map(|d| d.to_string()).into()),
            ("note", f.note.clone().into()),
        ],
    )
}

/// Inserts a care plan item created at `at`: the one writer of `care_plan_items`, for the
/// service and the demo city (which marks its own) alike. Returns its id.
pub(crate) fn write_plan_item(
    c: &Connection,
    client_id: i64,
    facility_id: i64,
    f: &PlanFields,
    at: &str,
    is_demo: bool,
) -> Result<i64> {
    plan_row(f).with("client_id", client_id).with("facility_id", facility_id).with("is_demo", is_demo).insert(c, at)
}

pub fn create_plan_item(db: &Db, actor: &Actor, input: &PlanItemInput) -> Result<PlanItem> {
    actor.require(Action::ManageCarePlans)?;
    let f = input.validate()?;
    db.write(|c| {
        let facility_id = require_elder_client(c, input.client_id)?;
        actor.require_at(Action::ManageCarePlans, facility_id)?;
        let id = write_plan_item(c, input.client_id, facility_id, &f, &c.stamp(), false)?;
        let item = load_item(c, id, c.today())?;
        Entry::new(AuditAction::Create, AuditEntity::PlanItem, item.id)
            .facility(Some(facility_id))
            .after(&item)
            .write(c, actor)?;
        Ok(item)
    })
}

/// Changes an item. Visits already in a week keep their day and time; the next planning
/// follows the new item.
pub fn update_plan_item(db: &Db, actor: &Actor, id: i64, input: &PlanItemInput) -> Result<PlanItem> {
    actor.require(Action::ManageCarePlans)?;
    let f = input.validate()?;
    db.write(|c| {
        let before = load_item(c, id, c.today())?;
        actor.require_at(Action::ManageCarePlans, before.facility_id)?;
        if before.client_id != input.client_id {
            return Err(Invalid::new("plan.client_changed", "client_id").into());
        }
        require_elder_client(c, before.client_id)?;
        plan_row(&f).update(c, id)?;
        if let Some(end) = f.ends_on {
            stop_after(c, id, end)?;
        }
        let item = load_item(c, id, c.today())?;
        Entry::new(AuditAction::Update, AuditEntity::PlanItem, id)
            .facility(Some(item.facility_id))
            .before(&before)
            .after(&item)
            .write(c, actor)?;
        Ok(item)
    })
}

/// Ends an item on `last_day`: later planned visits are cancelled, its series stop.
pub fn end_plan_item(db: &Db, actor: &Actor, id: i64, last_day: NaiveDate) -> Result<PlanItem> {
    actor.require(Action::ManageCarePlans)?;
    db.write(|c| {
        let before = load_item(c, id, c.today())?;
        actor.require_at(Action::ManageCarePlans, before.facility_id)?;
        if last_day < before.starts_on {
            return Err(Invalid::new("plan.ends_before_start", "ends_on").into());
        }
        c.execute(
            "UPDATE care_plan_items SET ends_on = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, last_day.to_string(), c.stamp()],
        )?;
        stop_after(c, id, last_day)?;
        let item = load_item(c, id, c.today())?;
        Entry::new(AuditAction::End, AuditEntity::PlanItem, id)
            .facility(Some(item.facility_id))
            .before(&before)
            .after(&item)
            .write(c, actor)?;
        Ok(item)
    })
}

/// Nothing of an ended item is planned after its last day.
fn stop_after(c: &Tx, item_id: i64, last_day: NaiveDate) -> Result<()> {
    let day = last_day.to_string();
    c.execute(
        "UPDATE visits SET status = 'cancelled', updated_at = ?3
          WHERE plan_item_id = ?1 AND day > ?2 AND status = 'planned'",
        params![item_id, day, c.stamp()],
    )?;
    c.execute(
        "UPDATE visit_series SET until_day = ?2, updated_at = ?3
          WHERE plan_item_id = ?1 AND (until_day IS NULL OR until_day > ?2)",
        params![item_id, day, c.stamp()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PlanItemInput {
        PlanItemInput {
            client_id: 1,
            service: Service::DailyCare,
            title: "上门助浴".into(),
            visits_per_week: 2,
            duration_min: 60,
            preferred_days: vec![2, 4],
            window_start: "09:00".into(),
            window_end: "11:30".into(),
            skill: Some(Skill::CaregiverCertificate),
            place: CarePlace::Home,
            starts_on: "2026-12-01".parse().unwrap(),
            ends_on: None,
            note: None,
        }
    }

    fn refusal(i: PlanItemInput) -> &'static str {
        i.validate().err().map(|e| e.code).unwrap_or("accepted")
    }

    #[test]
    fn a_plain_item_is_accepted() {
        let f = input().validate().unwrap();
        assert_eq!((f.window_start, f.window_end, f.preferred_days), (540, 690, 0b1010));
    }

    #[test]
    fn bad_items_are_refused_with_their_rule() {
        assert_eq!(refusal(PlanItemInput { title: "  ".into(), ..input() }), "plan.title_empty");
        assert_eq!(refusal(PlanItemInput { visits_per_week: 0, ..input() }), "plan.visits_per_week");
        assert_eq!(refusal(PlanItemInput { duration_min: 600, ..input() }), "plan.duration");
        assert_eq!(refusal(PlanItemInput { preferred_days: vec![], ..input() }), "plan.days_empty");
        assert_eq!(refusal(PlanItemInput { preferred_days: vec![8], ..input() }), "plan.days_empty");
        assert_eq!(refusal(PlanItemInput { visits_per_week: 5, ..input() }), "plan.too_many_for_days");
        assert_eq!(refusal(PlanItemInput { window_end: "09:30".into(), ..input() }), "plan.window_too_short");
        assert_eq!(refusal(PlanItemInput { window_start: "9点".into(), ..input() }), "visit.time_invalid");
        let before = Some("2026-11-01".parse().unwrap());
        assert_eq!(refusal(PlanItemInput { ends_on: before, ..input() }), "plan.ends_before_start");
    }
}
