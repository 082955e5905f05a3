//! Children's health at the childcare units (托儿所幼儿园卫生保健工作规范): the morning and
//! noon checks of a whole class (一摸二看三问四查), medicine brought from home with each dose
//! given, growth measurements read against the WHO standards, and which examinations are due.
//!
//! Recording is the health worker's (`Action::Assess`: nurse, manager, city office); reading
//! needs `Action::ViewPeople` at the child's facility. Every change is audited in the same
//! transaction, and so is every view of one child's health record (PIPL: all data of a
//! child under 14 is sensitive). A rule broken by any input refuses the whole call with
//! nothing written.
//!
//! Decisions worth knowing:
//! - Fever is read from the thermometer only (≥ 37.3 °C); a check without a temperature
//!   records no fever. Fever or any sign needs an action other than `none`; an unsafe
//!   object found in a pocket is taken away and logged, but is not itself a reason to
//!   observe the child. Isolating a child or sending them home needs the guardian told.
//! - Checks are recorded and corrected on their own day only: a sheet from paper cannot be
//!   back-dated, and yesterday's record is closed.
//! - A check does not need the child checked in at the desk: the health worker often checks
//!   at the gate before the desk does. The sheet shows who is in, all the same.
//! - Processing rests on the unit's legal duty to check and examine every child, so no
//!   separate consent is asked here (unlike the elderly checkups, which are voluntary).
//! - A child older than the WHO tables (1856 days) is still measured and the values kept,
//!   with no z-scores: there is no standard to read them against.
//! - Examinations due are derived, never stored: see [`growth_due`] and [`next_exam`].
//! - A dose beyond the day's number of doses is refused outright: a second dose by mistake
//!   is the error this log exists to prevent.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::Entry;
use super::frontdesk::local_day;
use super::people::facility_of;
use crate::domain::account::{Action, Actor};
use crate::domain::growth::{self, GrowthClass, GrowthInput, Indicator, ZScore};
use crate::domain::person::{months_between, parse_date, PersonKind};
use crate::domain::resident_id::Sex;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::store::{now_utc, utc_stamp, Db};

/// A temperature at or above this is fever (一摸).
pub const FEVER_FROM_C: f64 = 37.3;
/// A reading outside this range is an entry error (a thermometer misread), not a finding.
pub const TEMPERATURE_RANGE_C: (f64, f64) = (34.0, 42.5);
/// Examinations falling due within this many days are on the due list.
pub const DUE_HORIZON_DAYS: u64 = 30;
/// A child away this many months or more is examined again before coming back.
pub const AWAY_MONTHS_FOR_REEXAM: u32 = 3;
/// The longest course of medicine from home the unit takes on one signature.
pub const MEDICINE_MAX_DAYS: i64 = 90;

/// A stored value the app never writes (a hand edit, a newer app).
fn bad_column(column: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, column.into(), rusqlite::types::Type::Text)
}

fn date_of(r: &Row, column: &str) -> rusqlite::Result<NaiveDate> {
    let raw: String = r.get(column)?;
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| bad_column(column))
}

/// An enum stored as its snake_case code.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            fn from_row(r: &Row, column: &str) -> rusqlite::Result<$name> {
                $name::parse(&r.get::<_, String>(column)?).ok_or_else(|| bad_column(column))
            }
        }
    };
}

stored_enum! {
    /// 晨检 on arrival, 午检 after the midday rest.
    CheckSession { #[default] Morning = "morning", Noon = "noon" }
}

stored_enum! {
    /// What was done about a child with fever or symptoms.
    CheckAction { #[default] None = "none", Observe = "observe", Isolate = "isolate", SendHome = "send_home" }
}

stored_enum! {
    /// Why a child was measured. Entry and periodic examinations satisfy the schedule;
    /// a routine weighing in class does not (it is not a physical examination).
    GrowthPurpose { Entry = "entry", Periodic = "periodic", #[default] Routine = "routine" }
}

/// Why an examination is due; words under `child_health.due_reasons.` in i18n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ExamDueReason {
    /// Never examined: the entry examination, due by the enrolment day.
    #[serde(rename = "entry")]
    Entry,
    /// Under 3 at the last examination: every 6 months.
    #[serde(rename = "periodic_under3")]
    PeriodicUnder3,
    /// 3 or over at the last examination: once a year.
    #[serde(rename = "periodic_3plus")]
    Periodic3Plus,
    /// Back after 3 months or more away, not examined since leaving.
    #[serde(rename = "return")]
    Return,
}

// ---------------------------------------------------------------------------------------
// Morning and noon checks
// ---------------------------------------------------------------------------------------

/// The signs looked for (二看, 三问); fever is read from the temperature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckSigns {
    pub poor_spirits: bool,
    pub red_throat: bool,
    pub rash: bool,
    pub poor_eating: bool,
    pub poor_sleep: bool,
    pub abnormal_stools: bool,
}

impl CheckSigns {
    pub fn any(&self) -> bool {
        self.poor_spirits || self.red_throat || self.rash || self.poor_eating || self.poor_sleep || self.abnormal_stools
    }
}

/// One child's row of the class sheet as the health worker fills it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MorningCheckInput {
    pub child_id: i64,
    /// °C as read; none when not measured.
    pub temperature: Option<f64>,
    pub signs: CheckSigns,
    /// The unsafe object found on the child (四查), if any.
    pub unsafe_item: Option<String>,
    pub note: Option<String>,
    pub action: CheckAction,
    /// The guardian has been told; required to isolate a child or send them home.
    pub guardian_told: bool,
}

/// A stored morning or noon check.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MorningCheck {
    pub id: i64,
    pub child_id: i64,
    pub facility_id: i64,
    pub day: String,
    pub session: CheckSession,
    pub temperature: Option<f64>,
    /// Temperature ≥ 37.3 °C.
    pub fever: bool,
    pub signs: CheckSigns,
    pub unsafe_item: Option<String>,
    pub note: Option<String>,
    /// Fever or any sign: the child needs watching.
    pub abnormal: bool,
    pub action: CheckAction,
    /// UTC instant the guardian was told, and the staff member who recorded it.
    pub guardian_told_at: Option<String>,
    pub guardian_told_by: Option<String>,
    pub checked_by_name: String,
    pub checked_at: String,
}

impl MorningCheck {
    fn from_row(r: &Row) -> rusqlite::Result<MorningCheck> {
        let signs = CheckSigns {
            poor_spirits: r.get("poor_spirits")?,
            red_throat: r.get("red_throat")?,
            rash: r.get("rash")?,
            poor_eating: r.get("poor_eating")?,
            poor_sleep: r.get("poor_sleep")?,
            abnormal_stools: r.get("abnormal_stools")?,
        };
        let fever: bool = r.get("fever")?;
        Ok(MorningCheck {
            id: r.get("id")?,
            child_id: r.get("child_id")?,
            facility_id: r.get("facility_id")?,
            day: r.get("day")?,
            session: CheckSession::from_row(r, "session")?,
            temperature: r.get("temperature")?,
            fever,
            signs,
            unsafe_item: r.get("unsafe_item")?,
            note: r.get("note")?,
            abnormal: fever || signs.any(),
            action: CheckAction::from_row(r, "action")?,
            guardian_told_at: r.get("guardian_told_at")?,
            guardian_told_by: r.get("guardian_told_by")?,
            checked_by_name: r.get("checked_by_name")?,
            checked_at: r.get("checked_at")?,
        })
    }
}

/// One child on the class sheet: in today or not, and their check of the session if done.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ClassSheetRow {
    pub child_id: i64,
    pub name: String,
    pub sex: Sex,
    pub age_months: u32,
    pub class_name: Option<String>,
    /// Checked in at the desk that day.
    pub present: bool,
    /// Came that day and has already been collected.
    pub checked_out: bool,
    pub check: Option<MorningCheck>,
}

/// A class (or the whole unit) for one day's morning or noon check.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ClassSheet {
    pub facility_id: i64,
    pub day: String,
    pub session: CheckSession,
    /// The class shown; none = every child of the unit.
    pub class_name: Option<String>,
    /// The unit's classes, to choose from.
    pub classes: Vec<String>,
    /// Children present first, then in name order.
    pub rows: Vec<ClassSheetRow>,
    pub present: u32,
    pub checked: u32,
    pub abnormal: u32,
}

/// A check after the rules, ready to store.
struct CheckValues {
    child_id: i64,
    temperature: Option<f64>,
    fever: bool,
    signs: CheckSigns,
    unsafe_item: Option<String>,
    note: Option<String>,
    action: CheckAction,
    guardian_told: bool,
}

fn validate_check(input: &MorningCheckInput) -> Result<CheckValues, Invalid> {
    let (min, max) = TEMPERATURE_RANGE_C;
    if let Some(t) = input.temperature {
        if !t.is_finite() || !(min..=max).contains(&t) {
            return Err(Invalid::new("morning_check.temperature_implausible", "temperature")
                .with("value", t)
                .with("min", min)
                .with("max", max));
        }
    }
    let fever = input.temperature.is_some_and(|t| t >= FEVER_FROM_C);
    let unsafe_item = text::optional_text(input.unsafe_item.as_deref(), 100, "unsafe_item")?;
    let note = text::optional_text(input.note.as_deref(), 500, "note")?;
    if (fever || input.signs.any()) && input.action == CheckAction::None {
        return Err(Invalid::new("morning_check.action_required", "action"));
    }
    if matches!(input.action, CheckAction::Isolate | CheckAction::SendHome) && !input.guardian_told {
        return Err(Invalid::new("morning_check.guardian_required", "guardian_told"));
    }
    Ok(CheckValues {
        child_id: input.child_id,
        temperature: input.temperature,
        fever,
        signs: input.signs,
        unsafe_item,
        note,
        action: input.action,
        guardian_told: input.guardian_told,
    })
}

/// The child's name if they belong to `facility_id` and are enrolled on `day`. A child of
/// another unit is named only by id: the actor may not see who they are.
fn enrolled_child(c: &Connection, facility_id: i64, child_id: i64, day: NaiveDate) -> Result<String> {
    let found: Option<(i64, String, String, Option<String>)> = c
        .prepare_cached("SELECT facility_id, name, enrolled_on, left_on FROM children WHERE id = ?1")?
        .query_row([child_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((_, name, enrolled_on, left_on)) = found.filter(|f| f.0 == facility_id) else {
        return Err(Invalid::new("morning_check.child_not_here", "child_id")
            .with("child", format!("#{child_id}"))
            .with("child_id", child_id)
            .into());
    };
    let day = day.to_string();
    if enrolled_on > day || left_on.is_some_and(|l| l < day) {
        return Err(Invalid::new("morning_check.child_not_enrolled", "child_id")
            .with("child", &name)
            .with("child_id", child_id)
            .into());
    }
    Ok(name)
}

fn load_check(c: &Connection, child_id: i64, day: NaiveDate, session: CheckSession) -> Result<Option<MorningCheck>> {
    Ok(c.prepare_cached("SELECT * FROM child_checks WHERE child_id = ?1 AND day = ?2 AND session = ?3")?
        .query_row(params![child_id, day.to_string(), session.as_str()], MorningCheck::from_row)
        .optional()?)
}

/// Writes one validated check over whatever that child had for the day and session.
fn upsert_check(
    c: &Connection,
    actor: &Actor,
    facility_id: i64,
    day: NaiveDate,
    session: CheckSession,
    v: &CheckValues,
    now: DateTime<Utc>,
) -> Result<MorningCheck> {
    let before = load_check(c, v.child_id, day, session)?;
    // A guardian told earlier keeps the time they were told; unticking clears it.
    let told = match (v.guardian_told, &before) {
        (false, _) => (None, None),
        (true, Some(b)) if b.guardian_told_at.is_some() => (b.guardian_told_at.clone(), b.guardian_told_by.clone()),
        (true, _) => (Some(utc_stamp(now)), Some(actor.display_name.clone())),
    };
    let id: i64 = c
        .prepare_cached(
            "INSERT INTO child_checks (child_id, facility_id, day, session, temperature, fever, poor_spirits, red_throat,
                                       rash, poor_eating, poor_sleep, abnormal_stools, unsafe_item, note, action,
                                       guardian_told_at, guardian_told_by, checked_by, checked_by_name, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
             ON CONFLICT (child_id, day, session) DO UPDATE SET
                (facility_id, temperature, fever, poor_spirits, red_throat, rash, poor_eating, poor_sleep, abnormal_stools,
                 unsafe_item, note, action, guardian_told_at, guardian_told_by, checked_by, checked_by_name, checked_at)
              = (excluded.facility_id, excluded.temperature, excluded.fever, excluded.poor_spirits, excluded.red_throat,
                 excluded.rash, excluded.poor_eating, excluded.poor_sleep, excluded.abnormal_stools, excluded.unsafe_item,
                 excluded.note, excluded.action, excluded.guardian_told_at, excluded.guardian_told_by,
                 excluded.checked_by, excluded.checked_by_name, excluded.checked_at)
             RETURNING id",
        )?
        .query_row(
            params![
                v.child_id,
                facility_id,
                day.to_string(),
                session.as_str(),
                v.temperature,
                v.fever,
                v.signs.poor_spirits,
                v.signs.red_throat,
                v.signs.rash,
                v.signs.poor_eating,
                v.signs.poor_sleep,
                v.signs.abnormal_stools,
                v.unsafe_item,
                v.note,
                v.action.as_str(),
                told.0,
                told.1,
                actor.account_id,
                actor.display_name,
                utc_stamp(now),
            ],
            |r| r.get(0),
        )?;
    let after =
        c.prepare_cached("SELECT * FROM child_checks WHERE id = ?1")?.query_row([id], MorningCheck::from_row)?;
    let mut entry = Entry::new(if before.is_some() { "update" } else { "create" }, "child_check", id)
        .facility(Some(facility_id))
        .after(&after);
    if let Some(before) = &before {
        entry = entry.before(before);
    }
    entry.write(c, actor)?;
    Ok(after)
}

/// The morning or noon check sheet of one class (or of the whole unit when `class_name` is
/// none): every child enrolled that day, whether they are in, and their check if done.
pub fn class_sheet(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    class_name: Option<&str>,
    day: NaiveDate,
    session: CheckSession,
) -> Result<ClassSheet> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let class_name = class_name.map(str::trim).filter(|n| !n.is_empty());
    db.read(|c| {
        let classes: Vec<String> = c
            .prepare_cached("SELECT name FROM child_classes WHERE facility_id = ?1 ORDER BY id")?
            .query_map([facility_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(name) = class_name.filter(|n| !classes.iter().any(|k| k == n)) {
            return Err(Invalid::new("morning_check.class_unknown", "class_name").with("name", name).into());
        }
        let mut checks: HashMap<i64, MorningCheck> = c
            .prepare_cached("SELECT * FROM child_checks WHERE facility_id = ?1 AND day = ?2 AND session = ?3")?
            .query_map(params![facility_id, day.to_string(), session.as_str()], MorningCheck::from_row)?
            .map(|r| r.map(|k| (k.child_id, k)))
            .collect::<rusqlite::Result<_>>()?;
        // In that day: a stay begun that day, or one still open from before (as the desk's board counts).
        let rows: Vec<ClassSheetRow> = c
            .prepare_cached(
                "SELECT ch.id, ch.name, ch.sex, ch.birth_date, cc.name AS class_name,
                        att.person_id IS NOT NULL AS present, coalesce(att.open, 1) = 0 AS checked_out
                 FROM children ch
                 LEFT JOIN child_classes cc ON cc.id = ch.class_id
                 LEFT JOIN (SELECT person_id, sum(out_at IS NULL) AS open FROM attendance
                            WHERE facility_id = ?1 AND person_kind = 'child'
                              AND (day = ?2 OR (out_at IS NULL AND day < ?2))
                            GROUP BY person_id) att ON att.person_id = ch.id
                 WHERE ch.facility_id = ?1 AND ch.enrolled_on <= ?2 AND (ch.left_on IS NULL OR ch.left_on >= ?2)
                   AND (?3 IS NULL OR cc.name = ?3)
                 ORDER BY present DESC, ch.name_key, ch.id",
            )?
            .query_map(params![facility_id, day.to_string(), class_name], |r| {
                Ok(ClassSheetRow {
                    child_id: r.get("id")?,
                    name: r.get("name")?,
                    sex: Sex::from_db(&r.get::<_, String>("sex")?).ok_or_else(|| bad_column("sex"))?,
                    age_months: months_between(date_of(r, "birth_date")?, day),
                    class_name: r.get("class_name")?,
                    present: r.get("present")?,
                    checked_out: r.get("checked_out")?,
                    check: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let rows: Vec<ClassSheetRow> =
            rows.into_iter().map(|row| ClassSheetRow { check: checks.remove(&row.child_id), ..row }).collect();
        let count = |f: &dyn Fn(&ClassSheetRow) -> bool| rows.iter().filter(|r| f(r)).count() as u32;
        Ok(ClassSheet {
            facility_id,
            day: day.to_string(),
            session,
            class_name: class_name.map(str::to_string),
            classes,
            present: count(&|r| r.present),
            checked: count(&|r| r.check.is_some()),
            abnormal: count(&|r| r.check.as_ref().is_some_and(|k| k.abnormal)),
            rows,
        })
    })
}

/// Records the checks of a class in one go. Every row is checked first: one bad row
/// refuses the whole call, naming its child (`child`, `child_id` params), and nothing is
/// written. A child already checked this session is corrected in place (audited as an
/// update). Checks are taken and corrected on their own day only.
pub fn record_checks(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    day: NaiveDate,
    session: CheckSession,
    rows: &[MorningCheckInput],
    now: DateTime<Utc>,
) -> Result<Vec<MorningCheck>> {
    actor.require_at(Action::Assess, facility_id)?;
    if rows.is_empty() {
        return Err(Invalid::new("morning_check.empty", "rows").into());
    }
    if day != local_day(now) {
        return Err(Invalid::new("morning_check.not_today", "day").with("day", day).into());
    }
    db.write(|c| {
        let mut seen = HashSet::new();
        let mut valid = Vec::with_capacity(rows.len());
        for input in rows {
            let name = enrolled_child(c, facility_id, input.child_id, day)?;
            let named = |e: Invalid| e.with("child", &name).with("child_id", input.child_id);
            if !seen.insert(input.child_id) {
                return Err(named(Invalid::new("morning_check.duplicate_child", "child_id")).into());
            }
            valid.push(validate_check(input).map_err(named)?);
        }
        valid.iter().map(|v| upsert_check(c, actor, facility_id, day, session, v, now)).collect()
    })
}

fn check_by_id(c: &Connection, check_id: i64) -> Result<MorningCheck> {
    c.prepare_cached("SELECT * FROM child_checks WHERE id = ?1")?
        .query_row([check_id], MorningCheck::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: "child_check", id: check_id.to_string() })
}

/// Records that the guardian of a checked child has been told (say, of a child kept under
/// observation who got worse). Telling twice keeps the first time.
pub fn set_guardian_told(db: &Db, actor: &Actor, check_id: i64, now: DateTime<Utc>) -> Result<MorningCheck> {
    actor.require(Action::Assess)?;
    db.write(|c| {
        let before = check_by_id(c, check_id)?;
        actor.require_at(Action::Assess, before.facility_id)?;
        if before.guardian_told_at.is_some() {
            return Ok(before);
        }
        c.prepare_cached("UPDATE child_checks SET guardian_told_at = ?1, guardian_told_by = ?2 WHERE id = ?3")?
            .execute(params![utc_stamp(now), actor.display_name, check_id])?;
        let after = check_by_id(c, check_id)?;
        Entry::new("guardian_told", "child_check", check_id)
            .facility(Some(after.facility_id))
            .before(&before)
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

/// One child's checks from `from` to `to` (inclusive), newest first; the view is audited.
pub fn checks_for_child(
    db: &Db,
    actor: &Actor,
    child_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MorningCheck>> {
    actor.require(Action::ViewPeople)?;
    db.write(|c| {
        let facility_id = facility_of(c, PersonKind::Child, child_id)?;
        actor.require_at(Action::ViewPeople, facility_id)?;
        let checks = c
            .prepare_cached(
                "SELECT * FROM child_checks WHERE child_id = ?1 AND day BETWEEN ?2 AND ?3
                 ORDER BY day DESC, session DESC",
            )?
            .query_map(params![child_id, from.to_string(), to.to_string()], MorningCheck::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Entry::new("view", "child_checks", child_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "from": from, "to": to }))
            .write(c, actor)?;
        Ok(checks)
    })
}

// ---------------------------------------------------------------------------------------
// Medicine from home
// ---------------------------------------------------------------------------------------

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

struct MedicineFields {
    medicine: String,
    dose: String,
    times_per_day: u8,
    times: Option<String>,
    from_day: NaiveDate,
    to_day: NaiveDate,
    guardian_name: String,
    note: Option<String>,
}

impl MedicineInput {
    fn validate(&self) -> Result<MedicineFields, Invalid> {
        let medicine = text::required_name(&self.medicine, 60, "medicine.name_empty", "text.too_long", "medicine")?;
        let dose = text::required_name(&self.dose, 40, "medicine.dose_empty", "text.too_long", "dose")?;
        if !(1..=6).contains(&self.times_per_day) {
            return Err(Invalid::new("medicine.times_per_day", "times_per_day").with("min", 1).with("max", 6));
        }
        let from_day = parse_date(&self.from_day, "from_day")?;
        let to_day = parse_date(&self.to_day, "to_day")?;
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
        .ok_or(CoreError::NotFound { entity: "child_medicine", id: id.to_string() })
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
        let facility_id = facility_of(c, PersonKind::Child, child_id)?;
        actor.require_at(Action::Assess, facility_id)?;
        let left_on: Option<String> =
            c.query_row("SELECT left_on FROM children WHERE id = ?1", [child_id], |r| r.get(0))?;
        if left_on.is_some_and(|l| l < f.from_day.to_string()) {
            return Err(Invalid::new("medicine.child_left", "from_day").into());
        }
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
            actor.account_id,
            actor.display_name,
            utc_stamp(now),
        ])?;
        let order = order_by_id(c, c.last_insert_rowid())?;
        Entry::new("create", "child_medicine", order.id).facility(Some(facility_id)).after(&order).write(c, actor)?;
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
        c.prepare_cached(
            "INSERT INTO child_medicine_doses (medicine_id, day, given_at, given_by, given_by_name, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![medicine_id, day.to_string(), utc_stamp(now), actor.account_id, given_by, note])?;
        let dose = c
            .prepare_cached("SELECT * FROM child_medicine_doses WHERE id = ?1")?
            .query_row([c.last_insert_rowid()], MedicineDose::from_row)?;
        Entry::new("create", "medicine_dose", dose.id)
            .facility(Some(order.facility_id))
            .after(&serde_json::json!({ "child_id": order.child_id, "medicine": order.medicine, "dose": dose }))
            .write(c, actor)?;
        Ok(dose)
    })
}

/// The courses of medicine running at the unit on `day`, by class and name, each with the
/// doses given that day and how many are still due.
pub fn medicines_for_day(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate) -> Result<Vec<MedicineDay>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let day = day.to_string();
    db.read(|c| {
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
                let doses: Vec<MedicineDose> = doses_of
                    .query_map(params![order.id, day], MedicineDose::from_row)?
                    .collect::<rusqlite::Result<_>>()?;
                let still_due = order.times_per_day.saturating_sub(doses.len().min(255) as u8);
                Ok(MedicineDay { order, child_name, class_name, doses, still_due })
            })
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// Growth
// ---------------------------------------------------------------------------------------

/// A measurement as the health worker enters it. Weight or height (or both) is needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GrowthMeasurementInput {
    /// ISO date.
    pub measured_on: String,
    pub weight_kg: Option<f64>,
    /// Length lying down under 2 years, height standing from 2, as WHO measures.
    pub height_cm: Option<f64>,
    pub head_cm: Option<f64>,
    pub purpose: GrowthPurpose,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GrowthMeasurement {
    pub id: i64,
    pub child_id: i64,
    pub facility_id: i64,
    pub measured_on: String,
    pub age_days: u32,
    pub age_months: u32,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub head_cm: Option<f64>,
    pub purpose: GrowthPurpose,
    /// Each indicator the values allow, read against the WHO standards.
    pub zscores: Vec<ZScore>,
    /// Older than the WHO tables: stored, with no z-scores.
    pub beyond_standards: bool,
    pub note: Option<String>,
    pub measured_by_name: String,
    pub created_at: String,
}

/// A z-score as stored in `zscores_json` (the domain type is only ever written out).
#[derive(Deserialize)]
struct StoredZScore {
    indicator: Indicator,
    z: f64,
    class: GrowthClass,
    code: String,
}

impl GrowthMeasurement {
    fn from_row(r: &Row) -> rusqlite::Result<GrowthMeasurement> {
        let measured_on = date_of(r, "measured_on")?;
        let age_days: u32 = r.get("age_days")?;
        let birth = measured_on - Days::new(u64::from(age_days));
        // Scores from a newer app that this one cannot read are left out, not an error.
        let zscores = serde_json::from_str::<Vec<serde_json::Value>>(&r.get::<_, String>("zscores_json")?)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| serde_json::from_value::<StoredZScore>(v).ok())
            .map(|s| ZScore { indicator: s.indicator, z: s.z, class: s.class, code: s.code })
            .collect();
        Ok(GrowthMeasurement {
            id: r.get("id")?,
            child_id: r.get("child_id")?,
            facility_id: r.get("facility_id")?,
            measured_on: measured_on.to_string(),
            age_days,
            age_months: months_between(birth, measured_on),
            weight_kg: r.get("weight_kg")?,
            height_cm: r.get("height_cm")?,
            head_cm: r.get("head_cm")?,
            purpose: GrowthPurpose::from_row(r, "purpose")?,
            zscores,
            beyond_standards: age_days > growth::MAX_AGE_DAYS,
            note: r.get("note")?,
            measured_by_name: r.get("measured_by_name")?,
            created_at: r.get("created_at")?,
        })
    }
}

/// A value no child of the unit's ages could have is an entry error, whatever the age: the
/// WHO check (plausible ranges, |z| > 5) covers only the ages its tables do, so a child past
/// them is held to these wider ranges alone.
fn plausible(value: Option<f64>, (min, max): (f64, f64), field: &'static str) -> Result<(), Invalid> {
    match value {
        Some(v) if !v.is_finite() || v < min || v > max => Err(Invalid::new("growth_measurement.implausible", field)
            .with("value", v)
            .with("min", min)
            .with("max", max)),
        _ => Ok(()),
    }
}

/// Records a measurement, with the z-scores of the child's age and sex on file. Refused:
/// a date in the future or before the child's birth, values no child could have.
pub fn record_growth(
    db: &Db,
    actor: &Actor,
    child_id: i64,
    input: &GrowthMeasurementInput,
    today: NaiveDate,
) -> Result<GrowthMeasurement> {
    actor.require(Action::Assess)?;
    let measured_on = parse_date(&input.measured_on, "measured_on")?;
    if measured_on > today {
        return Err(Invalid::new("growth_measurement.future", "measured_on").into());
    }
    if input.weight_kg.is_none() && input.height_cm.is_none() {
        return Err(Invalid::new("growth_measurement.empty", "weight_kg").into());
    }
    plausible(input.weight_kg, (0.5, 60.0), "weight_kg")?;
    plausible(input.height_cm, (38.0, 150.0), "height_cm")?;
    plausible(input.head_cm, (25.0, 60.0), "head_cm")?;
    let note = text::optional_text(input.note.as_deref(), 500, "note")?;
    db.write(|c| {
        let facility_id = facility_of(c, PersonKind::Child, child_id)?;
        actor.require_at(Action::Assess, facility_id)?;
        let (birth, sex, left_on) = c
            .prepare_cached("SELECT birth_date, sex, left_on FROM children WHERE id = ?1")?
            .query_row([child_id], |r| {
                Ok((date_of(r, "birth_date")?, r.get::<_, String>("sex")?, r.get::<_, Option<String>>("left_on")?))
            })?;
        if measured_on < birth {
            return Err(Invalid::new("growth_measurement.before_birth", "measured_on").into());
        }
        if left_on.is_some_and(|l| l < measured_on.to_string()) {
            return Err(Invalid::new("growth_measurement.child_left", "measured_on").into());
        }
        let age_days = u32::try_from((measured_on - birth).num_days()).unwrap_or(u32::MAX);
        let zscores = if age_days <= growth::MAX_AGE_DAYS {
            growth::assess(&GrowthInput {
                sex: Sex::from_db(&sex),
                age_days,
                weight_kg: input.weight_kg,
                height_cm: input.height_cm,
                head_cm: input.head_cm,
            })?
        } else {
            Vec::new()
        };
        c.prepare_cached(
            "INSERT INTO growth_measurements (child_id, facility_id, measured_on, age_days, weight_kg, height_cm, head_cm,
                                              purpose, zscores_json, note, measured_by, measured_by_name, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            child_id,
            facility_id,
            measured_on.to_string(),
            age_days,
            input.weight_kg,
            input.height_cm,
            input.head_cm,
            input.purpose.as_str(),
            serde_json::to_string(&zscores).expect("z-scores serialise"),
            note,
            actor.account_id,
            actor.display_name,
            now_utc(),
        ])?;
        let m = c
            .prepare_cached("SELECT * FROM growth_measurements WHERE id = ?1")?
            .query_row([c.last_insert_rowid()], GrowthMeasurement::from_row)?;
        Entry::new("create", "growth_measurement", m.id).facility(Some(facility_id)).after(&m).write(c, actor)?;
        Ok(m)
    })
}

/// A child's measurements, oldest first (as a growth chart reads); the view is audited.
pub fn growth_history(db: &Db, actor: &Actor, child_id: i64) -> Result<Vec<GrowthMeasurement>> {
    actor.require(Action::ViewPeople)?;
    db.write(|c| {
        let facility_id = facility_of(c, PersonKind::Child, child_id)?;
        actor.require_at(Action::ViewPeople, facility_id)?;
        let history = c
            .prepare_cached("SELECT * FROM growth_measurements WHERE child_id = ?1 ORDER BY measured_on, id")?
            .query_map([child_id], GrowthMeasurement::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Entry::new("view", "growth_measurements", child_id).facility(Some(facility_id)).write(c, actor)?;
        Ok(history)
    })
}

// ---------------------------------------------------------------------------------------
// Examinations due
// ---------------------------------------------------------------------------------------

/// An examination due soon or overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DueCheck {
    pub child_id: i64,
    pub child_name: String,
    pub class_name: Option<String>,
    pub age_months: u32,
    /// The last entry or periodic examination.
    pub last_measured_on: Option<String>,
    pub due_on: String,
    pub overdue: bool,
    pub reason: ExamDueReason,
}

/// What the schedule needs to know about a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExamFacts {
    pub birth_date: NaiveDate,
    pub enrolled_on: NaiveDate,
    /// The last entry or periodic examination.
    pub last_exam: Option<NaiveDate>,
    /// The latest return after 3 months or more away: (last day in before, first day back).
    pub last_return: Option<(NaiveDate, NaiveDate)>,
}

/// When the child's next examination is due, and why (DESIGN.md, 托儿所幼儿园卫生保健工作规范):
/// never examined → the entry examination, by the enrolment day; examined under 3 years
/// old → 6 months later; at 3 or over → a year later; back after 3 months or more away and
/// not examined since leaving → on the day back. The earliest of these wins.
pub fn next_exam(facts: &ExamFacts) -> (NaiveDate, ExamDueReason) {
    let Some(last) = facts.last_exam else {
        return (facts.enrolled_on, ExamDueReason::Entry);
    };
    let mut due = if months_between(facts.birth_date, last) < 36 {
        (last + Months::new(6), ExamDueReason::PeriodicUnder3)
    } else {
        (last + Months::new(12), ExamDueReason::Periodic3Plus)
    };
    if let Some((away_from, back_on)) = facts.last_return {
        if last <= away_from && back_on < due.0 {
            due = (back_on, ExamDueReason::Return);
        }
    }
    due
}

/// The unit's children whose examination is overdue or due within [`DUE_HORIZON_DAYS`],
/// overdue first, then by due day. Only entry and periodic examinations count; routine
/// weighings do not. Children registered to start soon are listed for their entry exam.
///
/// The return rule reads gaps between days the desk recorded the child in, so it never
/// fires for the time before the unit started using the app; a desk that stops checking a
/// child in for three months will make it fire wrongly.
pub fn growth_due(db: &Db, actor: &Actor, facility_id: i64, today: NaiveDate) -> Result<Vec<DueCheck>> {
    actor.require_at(Action::ViewPeople, facility_id)?;
    let horizon = today + Days::new(DUE_HORIZON_DAYS);
    db.read(|c| {
        // Per child, the latest day back after a gap of 3 months or more between two days in.
        // (SQLite takes the bare prev_day from the row that holds max(day).)
        let returns: HashMap<i64, (NaiveDate, NaiveDate)> = c
            .prepare_cached(
                "SELECT person_id, max(day) AS back_on, prev_day FROM (
                     SELECT person_id, day, lag(day) OVER (PARTITION BY person_id ORDER BY day) AS prev_day
                     FROM attendance
                     WHERE person_kind = 'child' AND day <= ?2
                       AND person_id IN (SELECT id FROM children WHERE facility_id = ?1))
                 WHERE day >= date(prev_day, ?3)
                 GROUP BY person_id",
            )?
            .query_map(params![facility_id, today.to_string(), format!("+{AWAY_MONTHS_FOR_REEXAM} months")], |r| {
                Ok((r.get::<_, i64>("person_id")?, (date_of(r, "prev_day")?, date_of(r, "back_on")?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut due: Vec<(DueCheck, String)> = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT ch.id, ch.name, ch.name_key, ch.birth_date, ch.enrolled_on, cc.name AS class_name,
                    (SELECT max(measured_on) FROM growth_measurements g
                     WHERE g.child_id = ch.id AND g.purpose IN ('entry', 'periodic')) AS last_exam
             FROM children ch LEFT JOIN child_classes cc ON cc.id = ch.class_id
             WHERE ch.facility_id = ?1 AND (ch.left_on IS NULL OR ch.left_on >= ?2)",
        )?;
        let mut rows = stmt.query(params![facility_id, today.to_string()])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get("id")?;
            let last_exam: Option<String> = r.get("last_exam")?;
            let facts = ExamFacts {
                birth_date: date_of(r, "birth_date")?,
                enrolled_on: date_of(r, "enrolled_on")?,
                last_exam: match &last_exam {
                    Some(_) => Some(date_of(r, "last_exam")?),
                    None => None,
                },
                last_return: returns.get(&id).copied(),
            };
            let (due_on, reason) = next_exam(&facts);
            if due_on > horizon {
                continue;
            }
            due.push((
                DueCheck {
                    child_id: id,
                    child_name: r.get("name")?,
                    class_name: r.get("class_name")?,
                    age_months: months_between(facts.birth_date, today),
                    last_measured_on: last_exam,
                    due_on: due_on.to_string(),
                    overdue: due_on < today,
                    reason,
                },
                r.get("name_key")?,
            ));
        }
        due.sort_by(|(a, ak), (b, bk)| {
            (!a.overdue, &a.due_on, ak, a.child_id).cmp(&(!b.overdue, &b.due_on, bk, b.child_id))
        });
        Ok(due.into_iter().map(|(d, _)| d).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input(temperature: Option<f64>, action: CheckAction, told: bool) -> MorningCheckInput {
        MorningCheckInput { child_id: 1, temperature, action, guardian_told: told, ..Default::default() }
    }

    #[test]
    fn fever_starts_at_37_3_and_needs_an_action() {
        assert!(!validate_check(&input(Some(37.2), CheckAction::None, false)).unwrap().fever);
        assert_eq!(
            validate_check(&input(Some(37.3), CheckAction::None, false)).err().map(|e| e.code),
            Some("morning_check.action_required")
        );
        assert!(validate_check(&input(Some(37.3), CheckAction::Observe, false)).unwrap().fever);
        let rash = MorningCheckInput { signs: CheckSigns { rash: true, ..Default::default() }, ..Default::default() };
        assert_eq!(validate_check(&rash).err().map(|e| e.field), Some("action"));
        let pocket = MorningCheckInput { unsafe_item: Some("纽扣电池".into()), ..Default::default() };
        assert!(validate_check(&pocket).is_ok(), "an object taken away is logged, the child needs no action");
    }

    #[test]
    fn sending_home_or_isolating_needs_the_guardian_told() {
        for action in [CheckAction::Isolate, CheckAction::SendHome] {
            assert_eq!(
                validate_check(&input(Some(38.5), action, false)).err().map(|e| e.code),
                Some("morning_check.guardian_required")
            );
            assert!(validate_check(&input(Some(38.5), action, true)).is_ok());
        }
    }

    #[test]
    fn a_thermometer_misread_is_refused() {
        for t in [33.9, 42.6, f64::NAN] {
            let e = validate_check(&input(Some(t), CheckAction::Observe, false)).err().unwrap();
            assert_eq!((e.code, e.field), ("morning_check.temperature_implausible", "temperature"));
        }
        assert!(validate_check(&input(Some(34.0), CheckAction::None, false)).is_ok());
        assert!(validate_check(&input(Some(42.5), CheckAction::Observe, false)).is_ok());
    }

    #[test]
    fn the_schedule_follows_the_age_at_the_last_exam() {
        let facts = |birth: &str, last: Option<&str>| ExamFacts {
            birth_date: d(birth),
            enrolled_on: d("2025-09-01"),
            last_exam: last.map(d),
            last_return: None,
        };
        assert_eq!(next_exam(&facts("2023-01-10", None)), (d("2025-09-01"), ExamDueReason::Entry));
        assert_eq!(
            next_exam(&facts("2023-01-10", Some("2025-03-15"))),
            (d("2025-09-15"), ExamDueReason::PeriodicUnder3),
            "26 months old at the exam: again after 6 months"
        );
        assert_eq!(
            next_exam(&facts("2022-03-01", Some("2025-03-15"))),
            (d("2026-03-15"), ExamDueReason::Periodic3Plus),
            "3 years old at the exam: again after a year"
        );
    }

    #[test]
    fn a_child_back_after_three_months_away_is_examined_on_return() {
        let mut facts = ExamFacts {
            birth_date: d("2021-05-01"),
            enrolled_on: d("2024-09-01"),
            last_exam: Some(d("2025-09-01")),
            last_return: Some((d("2025-12-20"), d("2026-04-07"))),
        };
        assert_eq!(next_exam(&facts), (d("2026-04-07"), ExamDueReason::Return));
        facts.last_return = Some((d("2025-08-20"), d("2025-12-01")));
        assert_eq!(
            next_exam(&facts),
            (d("2026-09-01"), ExamDueReason::Periodic3Plus),
            "examined after leaving: the return is covered"
        );
    }
}
