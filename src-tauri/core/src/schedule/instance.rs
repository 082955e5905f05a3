//! The week to schedule, exactly as the benchmark format writes it (CARE_VISIT_BENCH.md),
//! plus the app's two optional per-visit fields. An instance is checked once, when it is
//! read ([`Instance::from_json`] or [`Instance::validate`]): the scorer and the solver then
//! index its vectors without checking again.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// Minutes from Monday 00:00 (times) or a number of minutes (durations).
pub type Minute = i64;

/// The latest minute an instance may name: four weeks after its Monday 00:00. A week's
/// plan needs one; the bound keeps every sum the solver makes far from overflowing.
pub const MAX_MINUTE: Minute = 4 * 7 * 24 * 60;
/// The longest walk, visit or working day an instance may name: a day.
pub const MAX_SPAN: Minute = 24 * 60;

/// A client's, carer's or vehicle's id: the format leaves its type open, so a number and a
/// string are both accepted and written back as they came. Two ids are the same when they
/// read the same (`7` and `"7"` name one vehicle in an answer's keys).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Id {
    Number(i64),
    Text(String),
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Text(s) => f.write_str(s),
        }
    }
}

/// When a visit may start: `start <= service start <= end`, both within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[Minute; 2]", into = "[Minute; 2]")]
pub struct Window {
    pub start: Minute,
    pub end: Minute,
}

impl From<[Minute; 2]> for Window {
    fn from([start, end]: [Minute; 2]) -> Self {
        Window { start, end }
    }
}

impl From<Window> for [Minute; 2] {
    fn from(w: Window) -> Self {
        [w.start, w.end]
    }
}

/// One visit to a client's home in the week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub client: Id,
    /// Index into [`Instance::points`].
    pub loc: usize,
    /// Minutes spent at the home.
    pub service: Minute,
    /// The skill the carer needs (0 = care, 1 = nursing; the app maps more).
    pub skill: u8,
    /// The visit may start in any one of these.
    pub windows: Vec<Window>,
    /// The app's extension: only this carer may take the visit (it is already fixed in the
    /// week). The format's checker ignores it; our scorer reports a mismatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_carer: Option<Id>,
    /// The app's extension: the client's usual caregiver in earlier weeks. The solver prefers
    /// them (a small internal cost); the reported score does not include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_carer: Option<Id>,
}

impl Visit {
    /// When the visit starts for a carer arriving at `arrival`: the earliest moment at or
    /// after it that lies in one of its windows (waiting until a window opens), or `None`
    /// when every window has closed.
    pub fn earliest_start(&self, arrival: Minute) -> Option<Minute> {
        self.windows.iter().filter(|w| w.end >= arrival).map(|w| w.start.max(arrival)).min()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carer {
    pub id: Id,
    pub skills: Vec<u8>,
}

/// One carer's working day: leaves the centre at or after `start`, is back by `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: Id,
    pub carer: Id,
    /// 0 = Monday; informative only (the times are absolute).
    pub day: u32,
    pub start: Minute,
    pub end: Minute,
    /// Minutes worked before overtime counts.
    pub max_duration: Minute,
    /// The carer's skills on that day: a subset of the carer's.
    pub skills: Vec<u8>,
}

impl Vehicle {
    pub fn has_skill(&self, skill: u8) -> bool {
        self.skills.contains(&skill)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Metres; index 0 is the centre every route leaves from and returns to.
    pub points: Vec<[f64; 2]>,
    /// Whole minutes between points, `travel[from][to]`.
    pub travel: Vec<Vec<Minute>>,
    pub visits: Vec<Visit>,
    pub carers: Vec<Carer>,
    pub vehicles: Vec<Vehicle>,
    /// Cost of each visit left unplaced.
    pub unmet_penalty: f64,
    /// Cost of each minute of overtime.
    pub overtime_weight: f64,
    /// Cost of each extra distinct carer a client sees in the week.
    pub continuity_weight: f64,
}

/// Why an instance was refused. The messages are for whoever wrote the instance (a
/// developer or support); the user sees them inside the i18n message `schedule.instance_invalid`.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    #[error("not an instance: {0}")]
    Json(#[from] serde_json::Error),
    #[error("there are no points: point 0 must be the centre")]
    NoCentre,
    #[error("travel must be a {points}×{points} matrix, one row and column per point")]
    TravelShape { points: usize },
    #[error("travel from point {from} to {to} is negative")]
    NegativeTravel { from: usize, to: usize },
    #[error("visit {visit} is at point {loc}, which does not exist")]
    UnknownPoint { visit: usize, loc: usize },
    #[error("visit {visit} has a negative service time")]
    NegativeService { visit: usize },
    #[error("visit {visit} has no window")]
    NoWindow { visit: usize },
    #[error("visit {visit} has a window that ends ({end}) before it starts ({start})")]
    WindowOrder { visit: usize, start: Minute, end: Minute },
    #[error("visit {visit} names carer {carer}, who does not exist")]
    UnknownVisitCarer { visit: usize, carer: Id },
    #[error("two {what} have the id {id}")]
    DuplicateId { what: &'static str, id: Id },
    #[error("vehicle {vehicle} belongs to carer {carer}, who does not exist")]
    UnknownCarer { vehicle: Id, carer: Id },
    #[error("vehicle {vehicle} ends before it starts, or has a negative max_duration")]
    VehicleHours { vehicle: Id },
    #[error("vehicle {vehicle} has skill {skill}, which its carer lacks")]
    VehicleSkill { vehicle: Id, skill: u8 },
    #[error("{name} must be a number at least 0")]
    Weight { name: &'static str },
    #[error("{what} is {value}: it must be from 0 to {max} minutes")]
    OutOfRange { what: String, value: Minute, max: Minute },
}

/// `value` if it lies in 0..=max; otherwise the error naming `what`.
fn within(what: impl FnOnce() -> String, value: Minute, max: Minute) -> Result<(), InstanceError> {
    if (0..=max).contains(&value) {
        Ok(())
    } else {
        Err(InstanceError::OutOfRange { what: what(), value, max })
    }
}

impl From<InstanceError> for Invalid {
    fn from(e: InstanceError) -> Self {
        Invalid::new("schedule.instance_invalid", "instance").with("detail", e)
    }
}

impl Instance {
    /// Reads and checks an instance.
    pub fn from_json(text: &str) -> Result<Instance, InstanceError> {
        let instance: Instance = serde_json::from_str(text)?;
        instance.validate()?;
        Ok(instance)
    }

    /// Checks everything the scorer and the solver rely on, so neither can index out of
    /// range or meet a vehicle without a carer.
    pub fn validate(&self) -> Result<(), InstanceError> {
        self.validate_travel()?;
        self.validate_visits()?;
        self.validate_people()?;
        for (name, weight) in [
            ("unmet_penalty", self.unmet_penalty),
            ("overtime_weight", self.overtime_weight),
            ("continuity_weight", self.continuity_weight),
        ] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(InstanceError::Weight { name });
            }
        }
        Ok(())
    }

    fn validate_travel(&self) -> Result<(), InstanceError> {
        let points = self.points.len();
        if points == 0 {
            return Err(InstanceError::NoCentre);
        }
        if self.travel.len() != points || self.travel.iter().any(|row| row.len() != points) {
            return Err(InstanceError::TravelShape { points });
        }
        for (from, row) in self.travel.iter().enumerate() {
            if let Some(to) = row.iter().position(|&t| t < 0) {
                return Err(InstanceError::NegativeTravel { from, to });
            }
            for (to, &t) in row.iter().enumerate() {
                within(|| format!("travel from point {from} to {to}"), t, MAX_SPAN)?;
            }
        }
        Ok(())
    }

    fn validate_visits(&self) -> Result<(), InstanceError> {
        let carers: HashSet<String> = self.carers.iter().map(|c| c.id.to_string()).collect();
        for (visit, v) in self.visits.iter().enumerate() {
            if v.loc >= self.points.len() {
                return Err(InstanceError::UnknownPoint { visit, loc: v.loc });
            }
            if v.service < 0 {
                return Err(InstanceError::NegativeService { visit });
            }
            if v.windows.is_empty() {
                return Err(InstanceError::NoWindow { visit });
            }
            if let Some(w) = v.windows.iter().find(|w| w.start > w.end) {
                return Err(InstanceError::WindowOrder { visit, start: w.start, end: w.end });
            }
            within(|| format!("visit {visit}'s service"), v.service, MAX_SPAN)?;
            for w in &v.windows {
                within(|| format!("visit {visit}'s window"), w.start, MAX_MINUTE)?;
                within(|| format!("visit {visit}'s window"), w.end, MAX_MINUTE)?;
            }
            for carer in [&v.pinned_carer, &v.preferred_carer].into_iter().flatten() {
                if !carers.contains(&carer.to_string()) {
                    return Err(InstanceError::UnknownVisitCarer { visit, carer: carer.clone() });
                }
            }
        }
        Ok(())
    }

    fn validate_people(&self) -> Result<(), InstanceError> {
        unique_ids("carers", self.carers.iter().map(|c| &c.id))?;
        unique_ids("vehicles", self.vehicles.iter().map(|v| &v.id))?;
        for v in &self.vehicles {
            let carer = self
                .carer(&v.carer)
                .ok_or_else(|| InstanceError::UnknownCarer { vehicle: v.id.clone(), carer: v.carer.clone() })?;
            if v.start > v.end || v.max_duration < 0 {
                return Err(InstanceError::VehicleHours { vehicle: v.id.clone() });
            }
            within(|| format!("vehicle {}'s start", v.id), v.start, MAX_MINUTE)?;
            within(|| format!("vehicle {}'s end", v.id), v.end, MAX_MINUTE)?;
            within(|| format!("vehicle {}'s max_duration", v.id), v.max_duration, MAX_SPAN)?;
            if let Some(&skill) = v.skills.iter().find(|s| !carer.skills.contains(s)) {
                return Err(InstanceError::VehicleSkill { vehicle: v.id.clone(), skill });
            }
        }
        Ok(())
    }

    /// The carer with this id (ids compare as they read).
    pub fn carer(&self, id: &Id) -> Option<&Carer> {
        self.carers.iter().find(|c| same_id(&c.id, id))
    }

    /// Minutes from point `from` to point `to`.
    pub fn minutes(&self, from: usize, to: usize) -> Minute {
        self.travel[from][to]
    }
}

/// Whether two ids name the same thing: `7` and `"7"` do.
pub fn same_id(a: &Id, b: &Id) -> bool {
    match (a, b) {
        (Id::Number(x), Id::Number(y)) => x == y,
        (Id::Text(x), Id::Text(y)) => x == y,
        _ => a.to_string() == b.to_string(),
    }
}

fn unique_ids<'a>(what: &'static str, ids: impl Iterator<Item = &'a Id>) -> Result<(), InstanceError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id.to_string()) {
            return Err(InstanceError::DuplicateId { what, id: id.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A centre and two homes on a line, 10 minutes apart: 0 — 1 — 2.
    /// One carer with both skills working Monday 08:00–17:00, 60 minutes before overtime.
    pub(crate) fn line() -> Instance {
        serde_json::from_value(serde_json::json!({
            "points": [[0, 0], [800, 0], [1600, 0]],
            "travel": [[0, 10, 20], [10, 0, 10], [20, 10, 0]],
            "visits": [
                {"client": 1, "loc": 1, "service": 30, "skill": 0, "windows": [[480, 600]]},
                {"client": 2, "loc": 2, "service": 20, "skill": 1, "windows": [[540, 560], [900, 960]]}
            ],
            "carers": [{"id": 1, "skills": [0, 1]}],
            "vehicles": [{"id": "v1", "carer": 1, "day": 0, "start": 480, "end": 1020,
                          "max_duration": 60, "skills": [0, 1]}],
            "unmet_penalty": 1000, "overtime_weight": 2, "continuity_weight": 10
        }))
        .expect("the test instance reads")
    }

    #[test]
    fn reads_numbers_and_strings_as_ids_and_keeps_them() {
        let i = line();
        assert_eq!(i.vehicles[0].id, Id::Text("v1".into()));
        assert_eq!(i.carers[0].id, Id::Number(1));
        assert!(same_id(&Id::Number(1), &Id::Text("1".into())));
        let back = serde_json::to_value(&i).unwrap();
        assert_eq!(back["visits"][1]["windows"], serde_json::json!([[540, 560], [900, 960]]));
        assert!(back["visits"][0].get("pinned_carer").is_none(), "absent extensions are not written");
        assert!(i.validate().is_ok());
    }

    #[test]
    fn starts_in_the_earliest_window_still_open() {
        let v = &line().visits[1];
        assert_eq!(v.earliest_start(500), Some(540), "waits for the first window");
        assert_eq!(v.earliest_start(555), Some(555));
        assert_eq!(v.earliest_start(561), Some(900), "missed the first, waits for the second");
        assert_eq!(v.earliest_start(961), None);
    }

    #[test]
    fn refuses_a_malformed_instance_with_the_reason() {
        let mut i = line();
        i.travel[1].pop();
        assert!(matches!(i.validate(), Err(InstanceError::TravelShape { points: 3 })));
        let mut i = line();
        i.visits[0].loc = 3;
        assert!(matches!(i.validate(), Err(InstanceError::UnknownPoint { visit: 0, loc: 3 })));
        let mut i = line();
        i.visits[1].windows[0] = Window { start: 600, end: 500 };
        assert!(matches!(i.validate(), Err(InstanceError::WindowOrder { visit: 1, .. })));
        let mut i = line();
        i.vehicles[0].carer = Id::Number(9);
        assert!(matches!(i.validate(), Err(InstanceError::UnknownCarer { .. })));
        let mut i = line();
        i.vehicles.push(i.vehicles[0].clone());
        assert!(matches!(i.validate(), Err(InstanceError::DuplicateId { what: "vehicles", .. })));
        let mut i = line();
        i.vehicles[0].skills.push(2);
        assert!(matches!(i.validate(), Err(InstanceError::VehicleSkill { skill: 2, .. })));
        let mut i = line();
        i.visits[0].pinned_carer = Some(Id::Number(5));
        assert!(matches!(i.validate(), Err(InstanceError::UnknownVisitCarer { visit: 0, .. })));
        let mut i = line();
        i.overtime_weight = -1.0;
        assert!(matches!(i.validate(), Err(InstanceError::Weight { name: "overtime_weight" })));
        assert!(matches!(Instance::from_json("{\"points\": 3}"), Err(InstanceError::Json(_))));
    }

    #[test]
    fn a_refusal_becomes_an_error_the_user_can_read() {
        let invalid: Invalid = InstanceError::NoCentre.into();
        assert_eq!(invalid.code, "schedule.instance_invalid");
        assert!(invalid.params[0].1.contains("centre"));
    }
}

/// Property tests: an instance file is read or refused with a reason, whatever it holds;
/// and an instance that is accepted is solved, and its answer scored, without a panic —
/// so the bounds `validate` keeps are the ones the solver needs.
#[cfg(test)]
mod properties {
    use std::time::Duration;

    use proptest::prelude::*;
    use serde_json::{json, Value};

    use super::*;
    use crate::schedule::{score, solve, SolveOptions};

    /// A minute as an instance might hold one: usual, at a week's edge, or absurd.
    fn minute() -> impl Strategy<Value = i64> {
        prop_oneof![
            40 => 0i64..1500,
            6 => 0i64..20_000,
            1 => prop::sample::select(vec![-1, i64::MIN, i64::MAX, i64::MAX / 2, 1 << 53, 10_080, MAX_MINUTE, MAX_MINUTE + 1]),
        ]
    }

    /// A length (a walk, a visit, a working day): usual, near the bound, or absurd.
    fn span() -> impl Strategy<Value = i64> {
        prop_oneof![
            60 => 0i64..120,
            2 => 0i64..3000,
            1 => prop::sample::select(vec![-1, i64::MIN, i64::MAX, MAX_SPAN, MAX_SPAN + 1]),
        ]
    }

    fn id() -> impl Strategy<Value = Value> {
        prop_oneof![(0i64..4).prop_map(|n| json!(n)), "[a-c]".prop_map(|s| json!(s))]
    }

    fn instance() -> impl Strategy<Value = Value> {
        let points = 1usize..5;
        points.prop_flat_map(|n| {
            let travel = prop::collection::vec(prop::collection::vec(span(), n..=n), n..=n);
            let loc = prop_oneof![12 => 0usize..n, 1 => Just(n)];
            let visit = (id(), loc, span(), 0u8..3, prop::collection::vec((minute(), minute()), 0..3)).prop_map(
                |(client, loc, service, skill, windows)| {
                    let mut windows: Vec<[i64; 2]> = windows.into_iter().map(|(a, b)| [a.min(b), a.max(b)]).collect();
                    // Mostly one window or two; now and then none (refused).
                    if windows.is_empty() && service % 13 != 0 {
                        windows.push([480, 1020]);
                    }
                    json!({"client": client, "loc": loc, "service": service, "skill": skill, "windows": windows})
                },
            );
            let vehicle = (
                0i64..3,
                0u32..9,
                minute(),
                minute(),
                prop_oneof![9 => Just(480i64), 1 => span()],
                prop::collection::vec(0u8..3, 0..3),
            )
                .prop_map(|(carer, day, start, end, max, skills)| {
                    (carer, day, start.min(end), start.max(end), max, skills)
                });
            (
                Just(n),
                travel,
                prop::collection::vec(visit, 0..8),
                1i64..4,
                prop::collection::vec(vehicle, 0..5),
                prop::sample::select(vec![json!(1000.0), json!(0.0), json!(1e308), json!(-1.0)]),
            )
                .prop_map(|(n, travel, visits, carers, vehicles, penalty)| {
                    let carers: Vec<Value> = (0..carers).map(|id| json!({"id": id, "skills": [0, 1, 2]})).collect();
                    let vehicles: Vec<Value> = vehicles
                        .into_iter()
                        .enumerate()
                        .map(|(i, (carer, day, start, end, max, skills))| {
                            json!({"id": format!("v{i}"), "carer": carer, "day": day, "start": start, "end": end,
                                   "max_duration": max, "skills": skills})
                        })
                        .collect();
                    json!({
                        "points": vec![[0.0, 0.0]; n], "travel": travel, "visits": visits,
                        "carers": carers, "vehicles": vehicles,
                        "unmet_penalty": penalty, "overtime_weight": 2.0, "continuity_weight": 10.0,
                    })
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_read_or_refused_without_a_panic(text in any::<String>()) {
            let _ = Instance::from_json(&text);
        }

        #[test]
        fn an_accepted_instance_is_solved_and_scored_without_a_panic(value in instance()) {
            let Ok(instance) = Instance::from_json(&value.to_string()) else { return Ok(()) };
            let options = SolveOptions { time_limit: Duration::from_millis(5), seed: 7, progress: None };
            let solution = solve(&instance, &options);
            let placed: usize = solution.routes.iter().map(|r| r.stops.len()).sum();
            prop_assert_eq!(placed + solution.unplaced.len(), instance.visits.len());
            prop_assert!(score(&instance, &solution.to_answer(0.0)).is_ok(), "the solver's own answer is valid");
        }
    }

    #[test]
    fn the_generator_makes_instances_that_are_accepted() {
        // A fair share of the generated instances must pass `validate`, or the property
        // above would solve nothing.
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut why = std::collections::BTreeMap::<String, usize>::new();
        let accepted = (0..300)
            .filter(|_| match Instance::from_json(&instance().new_tree(&mut runner).unwrap().current().to_string()) {
                Ok(_) => true,
                Err(e) => {
                    *why.entry(e.to_string().split(' ').take(3).collect::<Vec<_>>().join(" ")).or_default() += 1;
                    false
                }
            })
            .count();
        assert!(accepted > 60, "{accepted} of 300 generated instances accepted; the others: {why:?}");
    }
}
