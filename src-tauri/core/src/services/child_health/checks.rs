//! The morning and noon checks of a class (一摸二看三问四查): the sheet of who is in and
//! how each child was found, recorded and corrected on the day, and the guardian told.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{bad_column, date_of};
use crate::clock::local_day;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::person::{months_between, PersonKind};
use crate::domain::resident_id::Sex;
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::{utc_stamp, Db, Tx};

/// A temperature at or above this is fever (一摸).
pub use crate::domain::vitals::FEVER_FROM_C;
/// Over this, high fever (高热, 诊断学): the child cannot stay with the group.
pub const HIGH_FEVER_ABOVE_C: f64 = 39.0;
/// A reading outside this range is an entry error (a thermometer misread), not a finding.
pub const TEMPERATURE_RANGE_C: (f64, f64) = (34.0, 42.5);

code_enum! {
    /// 晨检 on arrival, 午检 after the midday rest.
    #[derive(Default)]
    CheckSession { #[default] Morning = "morning", Noon = "noon" }
}

code_enum! {
    /// What was done about a child with fever or symptoms.
    #[derive(Default)]
    CheckAction { #[default] None = "none", Observe = "observe", Isolate = "isolate", SendHome = "send_home" }
}

/// How a child's temperature reads, mildest first (docs/domain.md, "Children's morning and
/// noon checks", gives each threshold and its source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChildFever {
    /// Under 37.3 °C: no action needed for the temperature.
    None,
    /// 37.3–39.0 °C: at least observed.
    Fever,
    /// Over 39.0 °C (高热): isolated from the group or sent home, the guardian told.
    High,
    /// Sent home to a doctor, the guardian told: 41 °C and over at any age (超高热),
    /// 38 °C and over under 3 months, 39 °C and over under 6 months.
    Urgent,
}

impl ChildFever {
    pub fn read(temperature: f64, age_months: u32) -> ChildFever {
        use crate::domain::vitals::HYPERPYREXIA_FROM_C;
        let infant_limit = match age_months {
            0..=2 => Some(38.0),
            3..=5 => Some(39.0),
            _ => None,
        };
        if temperature >= HYPERPYREXIA_FROM_C || infant_limit.is_some_and(|l| temperature >= l) {
            ChildFever::Urgent
        } else if temperature > HIGH_FEVER_ABOVE_C {
            ChildFever::High
        } else if temperature >= FEVER_FROM_C {
            ChildFever::Fever
        } else {
            ChildFever::None
        }
    }
}

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
#[derive(Debug)]
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

fn validate_check(input: &MorningCheckInput, age_months: u32) -> Result<CheckValues, Invalid> {
    let (min, max) = TEMPERATURE_RANGE_C;
    if let Some(t) = input.temperature {
        if !t.is_finite() || !(min..=max).contains(&t) {
            return Err(Invalid::new("morning_check.temperature_implausible", "temperature")
                .with("value", t)
                .with("min", min)
                .with("max", max));
        }
    }
    let grade = input.temperature.map_or(ChildFever::None, |t| ChildFever::read(t, age_months));
    let fever = grade > ChildFever::None;
    let unsafe_item = text::optional_text(input.unsafe_item.as_deref(), 100, "unsafe_item")?;
    let note = text::optional_text(input.note.as_deref(), 500, "note")?;
    if (fever || input.signs.any()) && input.action == CheckAction::None {
        return Err(Invalid::new("morning_check.action_required", "action"));
    }
    let temperature = || format!("{:.1}", input.temperature.unwrap_or_default());
    match (grade, input.action) {
        (ChildFever::Urgent, action) if action != CheckAction::SendHome => {
            return Err(Invalid::new("morning_check.urgent_fever", "action").with("temperature", temperature()));
        }
        (ChildFever::High, CheckAction::Observe) => {
            return Err(Invalid::new("morning_check.high_fever", "action").with("temperature", temperature()));
        }
        _ => {}
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

/// The child's name and age in months on `day`, if they belong to `facility_id` and are
/// enrolled that day. A child of another unit is named only by id: the actor may not see
/// who they are.
fn enrolled_child(c: &Connection, facility_id: i64, child_id: i64, day: NaiveDate) -> Result<(String, u32)> {
    let found: Option<(i64, String, String, Option<String>, NaiveDate)> = c
        .prepare_cached("SELECT facility_id, name, enrolled_on, left_on, birth_date FROM children WHERE id = ?1")?
        .query_row([child_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, date_of(r, "birth_date")?)))
        .optional()?;
    let Some((_, name, enrolled_on, left_on, birth_date)) = found.filter(|f| f.0 == facility_id) else {
        return Err(Invalid::new("morning_check.child_not_here", "child_id")
            .with("child", format!("#{child_id}"))
            .with("child_id", child_id)
            .into());
    };
    let age_months = months_between(birth_date, day);
    let day = day.to_string();
    if enrolled_on > day || left_on.is_some_and(|l| l < day) {
        return Err(Invalid::new("morning_check.child_not_enrolled", "child_id")
            .with("child", &name)
            .with("child_id", child_id)
            .into());
    }
    Ok((name, age_months))
}

fn load_check(c: &Connection, child_id: i64, day: NaiveDate, session: CheckSession) -> Result<Option<MorningCheck>> {
    Ok(c.prepare_cached("SELECT * FROM child_checks WHERE child_id = ?1 AND day = ?2 AND session = ?3")?
        .query_row(params![child_id, day.to_string(), session.as_str()], MorningCheck::from_row)
        .optional()?)
}

/// A morning or noon check as stored: what [`write_check`], the one writer of
/// `child_checks`, takes.
pub(crate) struct CheckRow<'a> {
    pub child_id: i64,
    pub facility_id: i64,
    pub day: NaiveDate,
    pub session: CheckSession,
    pub temperature: Option<f64>,
    pub fever: bool,
    pub signs: &'a CheckSigns,
    pub unsafe_item: Option<&'a str>,
    pub note: Option<&'a str>,
    pub action: CheckAction,
    /// When the guardian was told, and by whom.
    pub guardian_told: Option<(&'a str, &'a str)>,
    /// The account (0 for the system) and name of whoever checked.
    pub checked_by: (i64, &'a str),
    pub checked_at: &'a str,
}

/// Writes a check over whatever the child had for that day and session (one a day and
/// session), for the service and the demo city alike; returns its id.
pub(crate) fn write_check(c: &Connection, row: &CheckRow) -> Result<i64> {
    let (told_at, told_by) = row.guardian_told.unzip();
    Ok(c.prepare_cached(
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
            row.child_id,
            row.facility_id,
            row.day.to_string(),
            row.session.as_str(),
            row.temperature,
            row.fever,
            row.signs.poor_spirits,
            row.signs.red_throat,
            row.signs.rash,
            row.signs.poor_eating,
            row.signs.poor_sleep,
            row.signs.abnormal_stools,
            row.unsafe_item,
            row.note,
            row.action.as_str(),
            told_at,
            told_by,
            row.checked_by.0,
            row.checked_by.1,
            row.checked_at,
        ],
        |r| r.get(0),
    )?)
}

/// Writes one validated check over whatever that child had for the day and session.
fn upsert_check(
    c: &Tx,
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
    let checked_at = utc_stamp(now);
    let row = CheckRow {
        child_id: v.child_id,
        facility_id,
        day,
        session,
        temperature: v.temperature,
        fever: v.fever,
        signs: &v.signs,
        unsafe_item: v.unsafe_item.as_deref(),
        note: v.note.as_deref(),
        action: v.action,
        guardian_told: told.0.as_deref().zip(told.1.as_deref()),
        checked_by: (actor.account_id, &actor.display_name),
        checked_at: &checked_at,
    };
    let id = write_check(c, &row)?;
    let after =
        c.prepare_cached("SELECT * FROM child_checks WHERE id = ?1")?.query_row([id], MorningCheck::from_row)?;
    let action = if before.is_some() { AuditAction::Update } else { AuditAction::Create };
    let mut entry = Entry::new(action, AuditEntity::ChildCheck, id).facility(Some(facility_id)).after(&after);
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
            let (name, age_months) = enrolled_child(c, facility_id, input.child_id, day)?;
            let named = |e: Invalid| e.with("child", &name).with("child_id", input.child_id);
            if !seen.insert(input.child_id) {
                return Err(named(Invalid::new("morning_check.duplicate_child", "child_id")).into());
            }
            valid.push(validate_check(input, age_months).map_err(named)?);
        }
        valid.iter().map(|v| upsert_check(c, actor, facility_id, day, session, v, now)).collect()
    })
}

fn check_by_id(c: &Connection, check_id: i64) -> Result<MorningCheck> {
    c.prepare_cached("SELECT * FROM child_checks WHERE id = ?1")?
        .query_row([check_id], MorningCheck::from_row)
        .optional()?
        .ok_or(CoreError::NotFound { entity: AuditEntity::ChildCheck, id: check_id.to_string() })
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
        Entry::new(AuditAction::GuardianTold, AuditEntity::ChildCheck, check_id)
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
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Child, child_id)?;
        let checks = c
            .prepare_cached(
                "SELECT * FROM child_checks WHERE child_id = ?1 AND day BETWEEN ?2 AND ?3
                 ORDER BY day DESC, session DESC",
            )?
            .query_map(params![child_id, from.to_string(), to.to_string()], MorningCheck::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let entry = Entry::new(AuditAction::View, AuditEntity::ChildChecks, child_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "from": from, "to": to }));
        Ok((checks, entry))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(temperature: Option<f64>, action: CheckAction, told: bool) -> MorningCheckInput {
        MorningCheckInput { child_id: 1, temperature, action, guardian_told: told, ..Default::default() }
    }

    /// A toddler: the age rules for infants do not apply.
    const TODDLER: u32 = 24;

    fn validate_check(input: &MorningCheckInput) -> Result<CheckValues, Invalid> {
        super::validate_check(input, TODDLER)
    }

    #[test]
    fn how_a_childs_temperature_reads_at_every_edge() {
        use ChildFever::*;
        let cases = [
            (37.2, TODDLER, None),
            (37.3, TODDLER, Fever),
            (39.0, TODDLER, Fever),
            (39.1, TODDLER, High),
            (40.9, TODDLER, High),
            (41.0, TODDLER, Urgent),
            (37.9, 2, Fever),
            (38.0, 2, Urgent),
            (38.0, 3, Fever),
            (38.9, 5, Fever),
            (39.0, 5, Urgent),
            (39.0, 6, Fever),
            (39.1, 6, High),
            (41.0, 6, Urgent),
        ];
        for (t, months, grade) in cases {
            assert_eq!(ChildFever::read(t, months), grade, "{t} °C at {months} months");
        }
    }

    #[test]
    fn a_high_fever_cannot_be_merely_observed_nor_an_urgent_one_kept() {
        let at = |t, months, action| super::validate_check(&input(Some(t), action, true), months).err().map(|e| e.code);
        assert_eq!(at(39.1, TODDLER, CheckAction::Observe), Some("morning_check.high_fever"));
        assert_eq!(at(39.1, TODDLER, CheckAction::Isolate), None);
        assert_eq!(at(39.1, TODDLER, CheckAction::SendHome), None);
        assert_eq!(at(39.0, TODDLER, CheckAction::Observe), None);
        for action in [CheckAction::Observe, CheckAction::Isolate] {
            assert_eq!(at(42.5, TODDLER, action), Some("morning_check.urgent_fever"), "{action:?} at 42.5 °C");
            assert_eq!(at(38.0, 2, action), Some("morning_check.urgent_fever"), "an infant under 3 months");
        }
        assert_eq!(at(42.5, TODDLER, CheckAction::SendHome), None);
        assert_eq!(at(38.0, 2, CheckAction::SendHome), None);
        assert_eq!(at(42.5, TODDLER, CheckAction::None), Some("morning_check.action_required"));
        let e = super::validate_check(&input(Some(42.5), CheckAction::Observe, true), TODDLER).unwrap_err();
        assert_eq!(e.params, vec![("temperature", "42.5".to_string())]);
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
        assert!(validate_check(&input(Some(42.5), CheckAction::SendHome, true)).is_ok());
    }
}
