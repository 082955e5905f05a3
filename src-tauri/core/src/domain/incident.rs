//! Incidents (意外事件): what befell a client or a child, as the person who saw it reports
//! it. The kinds are the nine risks GB 38600-2019 (养老机构服务安全基本规范, mandatory since
//! 2022-01-01) names, plus "other"; docs/domain.md, "Incidents", gives the sources of what a
//! report holds and why the family must be told before it is closed.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::from_local;
use crate::codes::code_enum;
use crate::domain::person::PersonKind;
use crate::domain::text;
use crate::error::Invalid;

code_enum! {
    /// What happened: GB 38600-2019's nine risks (服务防护), falls first as the commonest,
    /// then anything else. The order is the form's and the reports'.
    IncidentKind {
        /// 跌倒
        Fall = "fall",
        /// 坠床
        BedFall = "bed_fall",
        /// 噎食
        Choking = "choking",
        /// 食品药品误食: food or medicine taken by mistake.
        WrongIntake = "wrong_intake",
        /// 烫伤
        Scald = "scald",
        /// 压疮
        PressureInjury = "pressure_injury",
        /// 他伤和自伤: hurt by another, or self-harm.
        Harm = "harm",
        /// 走失
        Wandering = "wandering",
        /// 文娱活动意外
        ActivityAccident = "activity_accident",
        Other = "other",
    }
}

impl IncidentKind {
    /// Whether the kind is reported for `person`: pressure injuries are a risk of the
    /// bedridden elderly, not of the children in a childcare unit.
    pub fn applies_to(self, person: PersonKind) -> bool {
        match person {
            PersonKind::Client => true,
            PersonKind::Child => self != IncidentKind::PressureInjury,
            PersonKind::Staff => false,
        }
    }
}

code_enum! {
    /// How badly the person was hurt.
    Severity {
        /// No injury (a fall caught in time still counts as a fall).
        Unhurt = "none",
        /// A minor injury treated on the spot.
        Minor = "minor",
        /// A serious injury: a doctor, a hospital, or worse.
        Serious = "serious",
    }
}

/// How far back an incident may be reported: older events belong in the person's history
/// notes, not in this month's book.
pub const REPORT_WINDOW_DAYS: i64 = 31;

/// How long a report's free texts may be.
pub const TEXT_MAX: usize = 1000;

/// The report as the form sends it. Times are Wuhai wall times, `YYYY-MM-DD HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IncidentInput {
    pub person_kind: PersonKind,
    #[ts(type = "number")]
    pub person_id: i64,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub occurred_at: String,
    pub place: String,
    /// What was seen, as it was seen.
    pub what_happened: String,
    pub injury: Option<String>,
    /// What was done at once (first aid, who was called).
    pub action_taken: String,
    pub to_hospital: bool,
    /// Which hospital, when sent to one.
    pub hospital: Option<String>,
    pub witnesses: Option<String>,
    /// When the family (a client's emergency contact, a child's guardian) was told.
    pub family_told_at: Option<String>,
    /// Whom: a name and how they are related.
    pub family_told_who: Option<String>,
    /// How: by phone, in person, by message.
    pub family_told_how: Option<String>,
}

/// Who among the family was told, when and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyTold {
    pub at: DateTime<Utc>,
    pub who: String,
    pub how: String,
}

/// A report that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFields {
    pub person_kind: PersonKind,
    pub person_id: i64,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub occurred_at: DateTime<Utc>,
    pub place: String,
    pub what_happened: String,
    pub injury: Option<String>,
    pub action_taken: String,
    pub to_hospital: bool,
    pub hospital: Option<String>,
    pub witnesses: Option<String>,
    pub family_told: Option<FamilyTold>,
}

impl IncidentFields {
    /// Serious: a serious injury, or anyone sent to hospital. It goes on the nurses' alert
    /// list until a manager closes it.
    pub fn serious(&self) -> bool {
        is_serious(self.severity, self.to_hospital)
    }
}

pub fn is_serious(severity: Severity, to_hospital: bool) -> bool {
    severity == Severity::Serious || to_hospital
}

/// [`is_serious`] over a row of `incidents`, for the queries that count serious reports.
pub const SERIOUS_SQL: &str = "(severity = 'serious' OR to_hospital = 1)";

/// A wall time in Wuhai as the form sends it (`YYYY-MM-DD HH:MM`, seconds allowed).
pub fn parse_wall_time(raw: &str, field: &'static str) -> Result<DateTime<Utc>, Invalid> {
    let raw = raw.trim();
    ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .map(from_local)
        .ok_or_else(|| Invalid::new("incident.time_invalid", field).with("value", raw))
}

impl IncidentInput {
    /// Checks a new report as of `now`: nothing in the future, nothing older than
    /// [`REPORT_WINDOW_DAYS`], the family told after the event, and every text in bounds.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<IncidentFields, Invalid> {
        self.validate_since(now, now)
    }

    /// [`IncidentInput::validate`] for a report first made at `reported`: the window for
    /// the event's time counts from then, so completing an old report days later is no
    /// error.
    pub fn validate_since(&self, now: DateTime<Utc>, reported: DateTime<Utc>) -> Result<IncidentFields, Invalid> {
        if !self.kind.applies_to(self.person_kind) {
            return Err(Invalid::new("incident.kind_not_for_person", "kind"));
        }
        let occurred_at = parse_wall_time(&self.occurred_at, "occurred_at")?;
        if occurred_at > now {
            return Err(Invalid::new("incident.in_future", "occurred_at"));
        }
        if occurred_at < reported.min(now) - Duration::days(REPORT_WINDOW_DAYS) {
            return Err(Invalid::new("incident.too_old", "occurred_at").with("days", REPORT_WINDOW_DAYS));
        }
        let required = |raw: &str, code, field| text::required_name(raw, TEXT_MAX, code, "text.too_long", field);
        let place = text::required_name(&self.place, 100, "incident.place_required", "text.too_long", "place")?;
        let what_happened = required(&self.what_happened, "incident.what_required", "what_happened")?;
        let action_taken = required(&self.action_taken, "incident.action_required", "action_taken")?;
        let injury = text::optional_text(self.injury.as_deref(), TEXT_MAX, "injury")?;
        if self.severity != Severity::Unhurt && injury.is_none() {
            return Err(Invalid::new("incident.injury_required", "injury"));
        }
        let hospital = text::optional_text(self.hospital.as_deref(), 100, "hospital")?;
        if self.to_hospital && hospital.is_none() {
            return Err(Invalid::new("incident.hospital_required", "hospital"));
        }
        Ok(IncidentFields {
            person_kind: self.person_kind,
            person_id: self.person_id,
            kind: self.kind,
            severity: self.severity,
            occurred_at,
            place,
            what_happened,
            injury,
            action_taken,
            to_hospital: self.to_hospital,
            hospital: hospital.filter(|_| self.to_hospital),
            witnesses: text::optional_text(self.witnesses.as_deref(), 200, "witnesses")?,
            family_told: self.family_told(occurred_at, now)?,
        })
    }

    /// The family's part: all three fields or none.
    fn family_told(&self, occurred_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Option<FamilyTold>, Invalid> {
        let at = self.family_told_at.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let who = text::optional_text(self.family_told_who.as_deref(), 60, "family_told_who")?;
        let how = text::optional_text(self.family_told_how.as_deref(), 60, "family_told_how")?;
        match (at, who, how) {
            (None, None, None) => Ok(None),
            (Some(at), Some(who), Some(how)) => {
                let at = parse_wall_time(at, "family_told_at")?;
                // To the minute: the form has no seconds.
                if at + Duration::seconds(59) < occurred_at {
                    return Err(Invalid::new("incident.told_before", "family_told_at"));
                }
                if at > now {
                    return Err(Invalid::new("incident.in_future", "family_told_at"));
                }
                Ok(Some(FamilyTold { at, who, how }))
            }
            (at, who, _) => {
                let field = if at.is_none() {
                    "family_told_at"
                } else if who.is_none() {
                    "family_told_who"
                } else {
                    "family_told_how"
                };
                Err(Invalid::new("incident.family_incomplete", field))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    fn now() -> DateTime<Utc> {
        Clock::at_local(2026, 11, 20, 15, 0).now()
    }

    fn fall() -> IncidentInput {
        IncidentInput {
            person_kind: PersonKind::Client,
            person_id: 1,
            kind: IncidentKind::Fall,
            severity: Severity::Minor,
            occurred_at: "2026-11-20 09:30".into(),
            place: " 餐厅 ".into(),
            what_happened: "起身时滑倒".into(),
            injury: Some("右膝擦伤".into()),
            action_taken: "消毒包扎，护士评估".into(),
            to_hospital: false,
            hospital: None,
            witnesses: None,
            family_told_at: Some("2026-11-20 10:05".into()),
            family_told_who: Some("女儿 王丽".into()),
            family_told_how: Some("电话".into()),
        }
    }

    fn code(input: IncidentInput) -> &'static str {
        input.validate(now()).unwrap_err().code
    }

    #[test]
    fn a_complete_report_is_trimmed_and_read_in_wuhai_time() {
        let f = fall().validate(now()).unwrap();
        assert_eq!(f.place, "餐厅");
        assert_eq!(f.occurred_at.to_rfc3339(), "2026-11-20T01:30:00+00:00");
        assert_eq!(f.family_told.unwrap().at.to_rfc3339(), "2026-11-20T02:05:00+00:00");
        assert!(!fall().validate(now()).unwrap().serious());
    }

    #[test]
    fn serious_means_a_serious_injury_or_a_hospital() {
        let f = IncidentInput { severity: Severity::Serious, ..fall() }.validate(now()).unwrap();
        assert!(f.serious());
        let f = IncidentInput { to_hospital: true, hospital: Some("乌海市人民医院".into()), ..fall() };
        assert!(f.validate(now()).unwrap().serious());
    }

    #[test]
    fn times_in_the_future_or_too_long_ago_are_refused() {
        assert_eq!(code(IncidentInput { occurred_at: "2026-11-20 15:01".into(), ..fall() }), "incident.in_future");
        assert_eq!(code(IncidentInput { occurred_at: "2026-10-01 09:00".into(), ..fall() }), "incident.too_old");
        assert_eq!(code(IncidentInput { occurred_at: "20.11.2026".into(), ..fall() }), "incident.time_invalid");
        // Next year's date typed by mistake.
        assert_eq!(code(IncidentInput { occurred_at: "2027-11-20 09:30".into(), ..fall() }), "incident.in_future");
    }

    #[test]
    fn the_family_is_told_after_the_event_and_all_three_fields_go_together() {
        let before = IncidentInput { family_told_at: Some("2026-11-20 09:00".into()), ..fall() };
        assert_eq!(code(before), "incident.told_before");
        let same_minute = IncidentInput { occurred_at: "2026-11-20 10:05:30".into(), ..fall() };
        assert!(same_minute.validate(now()).is_ok());
        let no_how = IncidentInput { family_told_how: Some("  ".into()), ..fall() };
        let err = no_how.validate(now()).unwrap_err();
        assert_eq!((err.code, err.field), ("incident.family_incomplete", "family_told_how"));
        let none = IncidentInput { family_told_at: None, family_told_who: None, family_told_how: None, ..fall() };
        assert_eq!(none.validate(now()).unwrap().family_told, None);
    }

    #[test]
    fn required_texts_and_what_goes_with_an_injury_or_a_hospital() {
        assert_eq!(code(IncidentInput { place: " ".into(), ..fall() }), "incident.place_required");
        assert_eq!(code(IncidentInput { what_happened: String::new(), ..fall() }), "incident.what_required");
        assert_eq!(code(IncidentInput { action_taken: String::new(), ..fall() }), "incident.action_required");
        assert_eq!(code(IncidentInput { injury: None, ..fall() }), "incident.injury_required");
        assert!(IncidentInput { injury: None, severity: Severity::Unhurt, ..fall() }.validate(now()).is_ok());
        assert_eq!(code(IncidentInput { to_hospital: true, ..fall() }), "incident.hospital_required");
        assert_eq!(code(IncidentInput { what_happened: "跌".repeat(TEXT_MAX + 1), ..fall() }), "text.too_long");
        // A hospital named without the transfer ticked is not kept.
        let f = IncidentInput { hospital: Some("医院".into()), ..fall() }.validate(now()).unwrap();
        assert_eq!(f.hospital, None);
    }

    #[test]
    fn children_have_no_pressure_injuries_to_report() {
        let child = |kind| IncidentInput { person_kind: PersonKind::Child, kind, ..fall() };
        assert_eq!(code(child(IncidentKind::PressureInjury)), "incident.kind_not_for_person");
        assert!(child(IncidentKind::Fall).validate(now()).is_ok());
        assert_eq!(code(IncidentInput { person_kind: PersonKind::Staff, ..fall() }), "incident.kind_not_for_person");
    }
}
