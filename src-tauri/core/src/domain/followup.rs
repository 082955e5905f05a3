//! What health follow-up a client is due for, derived from their conditions, age and
//! checkup history by the national rules (国家基本公共卫生服务规范; docs/domain.md, "Follow-ups"):
//!
//! - an uncontrolled blood pressure (raised or urgent) → a follow-up within 2 weeks;
//! - likewise an uncontrolled fasting glucose for a diabetic client (the same service
//!   standard's diabetes rule: not controlled → follow up within 2 weeks);
//! - hypertension and type-2 diabetes: at least 4 control follow-ups a year, so one is due
//!   3 months after the last reading of that kind (blood pressure, fasting glucose);
//! - every client aged 65 or more: one health check a year (a checkup recorded as `annual`).
//!
//! Nothing here is stored: the plan is recomputed from the checkups, so it cannot go stale
//! when a reading is entered, corrected or a client's conditions change.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::person::age_on;
use super::vitals::Level;
use crate::codes::code_enum;

/// Days within which an uncontrolled reading must be followed up.
pub const UNCONTROLLED_WITHIN_DAYS: u64 = 14;
/// Months between control follow-ups of a chronic condition (4 a year).
pub const CONTROL_EVERY_MONTHS: u32 = 3;
/// The age from which the yearly health check is due.
pub const ANNUAL_CHECK_AGE: u32 = 65;

code_enum! {
    /// Why a checkup was taken.
    #[derive(Default)]
    Purpose {
        #[default]
        Routine = "routine",
        FollowUp = "follow_up",
        Annual = "annual",
    }
}

/// Why a follow-up is due; the words are under `followup.` in i18n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DueReason {
    BpUncontrolled,
    GlucoseUncontrolled,
    HypertensionControl,
    DiabetesControl,
    AnnualCheck,
}

/// What the planner needs to know about a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFacts {
    pub birth_date: NaiveDate,
    pub hypertension: bool,
    pub diabetes: bool,
    /// The day the client was registered: a rule with no reading yet is due from then.
    pub registered_on: NaiveDate,
}

/// One past checkup as the planner reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastCheckup {
    pub day: NaiveDate,
    pub purpose: Purpose,
    /// How the blood pressure read, if it was taken.
    pub bp: Option<Level>,
    /// How the fasting glucose read, if it was taken.
    pub fasting_glucose: Option<Level>,
}

/// A follow-up the client is due for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub reason: DueReason,
    pub due_on: NaiveDate,
    /// The reading (or check) this one follows, if any.
    pub last_on: Option<NaiveDate>,
}

fn uncontrolled(level: Level) -> bool {
    level >= Level::Raised
}

/// Every follow-up the client is due for, earliest first. `history` may be in any order.
/// A 2-week follow-up of an uncontrolled reading replaces the quarterly control of the
/// same condition (it comes sooner and is the same visit).
pub fn plan(client: &ClientFacts, history: &[PastCheckup], today: NaiveDate) -> Vec<Due> {
    let latest = |read: fn(&PastCheckup) -> Option<Level>| {
        history.iter().filter_map(|c| read(c).map(|level| (c.day, level))).max_by_key(|(day, _)| *day)
    };
    let mut out = Vec::new();
    // `recheck_any`: a raised reading is followed up even without the diagnosis (a first
    // raised blood pressure is rechecked on another day, docs/domain.md).
    let mut follow =
        |reading: Option<(NaiveDate, Level)>, diagnosed: bool, recheck_any: bool, soon, control| match reading {
            Some((day, level)) if uncontrolled(level) && (diagnosed || recheck_any) => {
                out.push(Due { reason: soon, due_on: day + Days::new(UNCONTROLLED_WITHIN_DAYS), last_on: Some(day) })
            }
            _ if !diagnosed => {}
            Some((day, _)) => out.push(Due {
                reason: control,
                due_on: day.checked_add_months(Months::new(CONTROL_EVERY_MONTHS)).unwrap_or(day),
                last_on: Some(day),
            }),
            None => out.push(Due { reason: control, due_on: client.registered_on, last_on: None }),
        };
    follow(latest(|c| c.bp), client.hypertension, true, DueReason::BpUncontrolled, DueReason::HypertensionControl);
    follow(
        latest(|c| c.fasting_glucose),
        client.diabetes,
        false,
        DueReason::GlucoseUncontrolled,
        DueReason::DiabetesControl,
    );

    let turned_65 = client.birth_date.checked_add_months(Months::new(ANNUAL_CHECK_AGE * 12));
    if age_on(client.birth_date, today) >= ANNUAL_CHECK_AGE {
        let last = history.iter().filter(|c| c.purpose == Purpose::Annual).map(|c| c.day).max();
        let due_on = match last {
            Some(day) => day.checked_add_months(Months::new(12)).unwrap_or(day),
            None => client.registered_on.max(turned_65.unwrap_or(client.registered_on)),
        };
        out.push(Due { reason: DueReason::AnnualCheck, due_on, last_on: last });
    }
    out.sort_by_key(|d| (d.due_on, d.reason));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn client(htn: bool, dm: bool) -> ClientFacts {
        ClientFacts { birth_date: d("1950-03-10"), hypertension: htn, diabetes: dm, registered_on: d("2025-01-05") }
    }

    fn bp(day: &str, level: Level) -> PastCheckup {
        PastCheckup { day: d(day), purpose: Purpose::Routine, bp: Some(level), fasting_glucose: None }
    }

    fn glu(day: &str, level: Level) -> PastCheckup {
        PastCheckup { day: d(day), purpose: Purpose::FollowUp, bp: None, fasting_glucose: Some(level) }
    }

    fn annual(day: &str) -> PastCheckup {
        PastCheckup { day: d(day), purpose: Purpose::Annual, bp: None, fasting_glucose: None }
    }

    fn reasons(plan: &[Due]) -> Vec<(DueReason, NaiveDate)> {
        plan.iter().map(|p| (p.reason, p.due_on)).collect()
    }

    const TODAY: &str = "2026-11-29";

    #[test]
    fn uncontrolled_blood_pressure_is_followed_up_within_two_weeks() {
        for level in [Level::Raised, Level::Urgent] {
            let p = plan(&client(true, false), &[annual("2026-06-01"), bp("2026-11-20", level)], d(TODAY));
            assert_eq!(p[0].reason, DueReason::BpUncontrolled);
            assert_eq!(p[0].due_on, d("2026-12-04"));
            assert!(!p.iter().any(|x| x.reason == DueReason::HypertensionControl), "the 2-week visit is the control");
        }
    }

    #[test]
    fn a_raised_reading_without_a_diagnosis_is_rechecked_too() {
        let p = plan(&client(false, false), &[annual("2026-06-01"), bp("2026-11-20", Level::Raised)], d(TODAY));
        assert_eq!(
            reasons(&p),
            vec![(DueReason::BpUncontrolled, d("2026-12-04")), (DueReason::AnnualCheck, d("2027-06-01"))]
        );
        // High-normal is watched, not followed up.
        let p = plan(&client(false, false), &[annual("2026-06-01"), bp("2026-11-20", Level::HighNormal)], d(TODAY));
        assert_eq!(reasons(&p), vec![(DueReason::AnnualCheck, d("2027-06-01"))]);
    }

    #[test]
    fn only_the_latest_reading_counts() {
        // Raised in October, controlled in November: the next control is 3 months on.
        let history = [bp("2026-10-01", Level::Raised), bp("2026-11-10", Level::HighNormal), annual("2026-06-01")];
        let p = plan(&client(true, false), &history, d(TODAY));
        assert_eq!(reasons(&p)[0], (DueReason::HypertensionControl, d("2027-02-10")));
    }

    #[test]
    fn chronic_conditions_are_controlled_four_times_a_year() {
        let history = [bp("2026-09-30", Level::Normal), glu("2026-08-31", Level::Normal), annual("2026-06-01")];
        let p = plan(&client(true, true), &history, d(TODAY));
        assert_eq!(
            reasons(&p),
            vec![
                (DueReason::DiabetesControl, d("2026-11-30")),
                (DueReason::HypertensionControl, d("2026-12-30")),
                (DueReason::AnnualCheck, d("2027-06-01")),
            ]
        );
    }

    #[test]
    fn uncontrolled_glucose_for_a_diabetic_client_within_two_weeks() {
        for level in [Level::Raised, Level::Urgent] {
            let p = plan(&client(false, true), &[glu("2026-11-01", level), annual("2026-06-01")], d(TODAY));
            assert_eq!(reasons(&p)[0], (DueReason::GlucoseUncontrolled, d("2026-11-15")));
        }
        // A glucose reading of someone without diabetes plans nothing by itself.
        let p = plan(&client(false, false), &[glu("2026-11-01", Level::Raised), annual("2026-06-01")], d(TODAY));
        assert_eq!(reasons(&p), vec![(DueReason::AnnualCheck, d("2027-06-01"))]);
    }

    #[test]
    fn a_condition_never_checked_is_due_from_registration() {
        let p = plan(&client(true, false), &[annual("2026-06-01")], d(TODAY));
        assert_eq!(p[0], Due { reason: DueReason::HypertensionControl, due_on: d("2025-01-05"), last_on: None });
    }

    #[test]
    fn the_annual_check_starts_at_65() {
        let mut young = client(false, false);
        young.birth_date = d("1961-11-30"); // 65 tomorrow
        assert!(plan(&young, &[], d(TODAY)).is_empty());
        young.birth_date = d("1961-11-29"); // 65 today: due from the birthday, registered before
        assert_eq!(reasons(&plan(&young, &[], d(TODAY))), vec![(DueReason::AnnualCheck, d("2026-11-29"))]);
        // A year after the last annual check; a routine checkup does not count as one.
        let p = plan(&client(false, false), &[annual("2025-11-29"), bp("2026-11-01", Level::Normal)], d(TODAY));
        assert_eq!(reasons(&p), vec![(DueReason::AnnualCheck, d("2026-11-29"))]);
    }
}
