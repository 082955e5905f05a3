//! The format's objective and rules, applied to any solver's answer. The exact semantics
//! are in the module doc of [`super`]; bench/visits/check.py implements the same, apart.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::instance::{same_id, Instance, Minute, Vehicle};

/// A solver's answer: each vehicle's visits in order (by index into `visits`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Keyed by the vehicle's id as it reads (`"7"` for the number 7).
    pub routes: BTreeMap<String, Vec<usize>>,
    /// Wall seconds the solver took.
    #[serde(default)]
    pub secs: f64,
}

/// What an answer costs, and its parts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub objective: f64,
    /// Minutes travelled, centre to centre, over all routes.
    pub travel: Minute,
    /// Visits in no route.
    pub unplaced: usize,
    /// Minutes worked beyond `max_duration`, over all vehicles.
    pub overtime: Minute,
    /// Σ over clients of (distinct carers − 1).
    pub continuity: u64,
}

/// A rule an answer broke: any one makes it invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    UnknownVehicle {
        vehicle: String,
    },
    VisitOutOfRange {
        vehicle: String,
        visit: usize,
    },
    PlacedTwice {
        visit: usize,
    },
    SkillMissing {
        vehicle: String,
        visit: usize,
        skill: u8,
    },
    PinnedCarerMismatch {
        vehicle: String,
        visit: usize,
    },
    /// The carer arrives at `arrival`, after every window of the visit has closed.
    WindowMissed {
        vehicle: String,
        visit: usize,
        arrival: Minute,
    },
    /// The carer is back at the centre at `back`, after the day's `end`.
    EndExceeded {
        vehicle: String,
        back: Minute,
        end: Minute,
    },
}

/// The format's score of a valid answer, or every rule it breaks.
pub fn score(instance: &Instance, answer: &Answer) -> Result<Score, Vec<Violation>> {
    let (score, violations) = tally(instance, answer);
    if violations.is_empty() {
        Ok(score)
    } else {
        Err(violations)
    }
}

/// When a route's visits start, by the format's rule: leave at `start`, start each visit at
/// the earliest moment in one of its windows at or after arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Timeline {
    pub starts: Vec<Minute>,
    pub travel: Minute,
    /// Back at the centre (`start` for an empty route).
    pub back: Minute,
    /// The latest departure that delays no visit: waiting before the first visit is not work.
    pub departure: Minute,
    /// The first visit whose windows had all closed, by position, and the arrival there;
    /// the times after it are not computed.
    pub missed: Option<(usize, Minute)>,
}

impl Timeline {
    pub fn of(instance: &Instance, vehicle: &Vehicle, visits: &[usize]) -> Timeline {
        let mut t = vehicle.start;
        let mut at = 0;
        let mut travel = 0;
        let mut starts = Vec::with_capacity(visits.len());
        for (pos, &v) in visits.iter().enumerate() {
            let visit = &instance.visits[v];
            let leg = instance.minutes(at, visit.loc);
            travel += leg;
            let arrival = t + leg;
            let Some(start) = visit.earliest_start(arrival) else {
                return Timeline {
                    starts,
                    travel,
                    back: arrival,
                    departure: vehicle.start,
                    missed: Some((pos, arrival)),
                };
            };
            starts.push(start);
            t = start + visit.service;
            at = visit.loc;
        }
        let last_leg = if visits.is_empty() { 0 } else { instance.minutes(at, 0) };
        let departure = match (visits.first(), starts.first()) {
            (Some(&first), Some(&start)) => start - instance.minutes(0, instance.visits[first].loc),
            _ => vehicle.start,
        };
        Timeline { starts, travel: travel + last_leg, back: t + last_leg, departure, missed: None }
    }

    /// Minutes worked beyond the vehicle's `max_duration`.
    pub fn overtime(&self, vehicle: &Vehicle) -> Minute {
        (self.back - self.departure - vehicle.max_duration).max(0)
    }
}

/// The score as if every placement counted, and the violations found; [`score`] keeps the
/// score only when there are none.
pub(crate) fn tally(instance: &Instance, answer: &Answer) -> (Score, Vec<Violation>) {
    let mut violations = Vec::new();
    let mut placed = HashSet::new();
    let mut carers_of_client: HashMap<String, HashSet<String>> = HashMap::new();
    let (mut travel, mut overtime) = (0, 0);
    for (key, route) in &answer.routes {
        let Some(vehicle) = instance.vehicles.iter().find(|v| v.id.to_string() == *key) else {
            violations.push(Violation::UnknownVehicle { vehicle: key.clone() });
            continue;
        };
        let mut known = Vec::with_capacity(route.len());
        for &v in route {
            let Some(visit) = instance.visits.get(v) else {
                violations.push(Violation::VisitOutOfRange { vehicle: key.clone(), visit: v });
                continue;
            };
            if !placed.insert(v) {
                violations.push(Violation::PlacedTwice { visit: v });
            }
            if !vehicle.has_skill(visit.skill) {
                violations.push(Violation::SkillMissing { vehicle: key.clone(), visit: v, skill: visit.skill });
            }
            if visit.pinned_carer.as_ref().is_some_and(|c| !same_id(c, &vehicle.carer)) {
                violations.push(Violation::PinnedCarerMismatch { vehicle: key.clone(), visit: v });
            }
            carers_of_client.entry(visit.client.to_string()).or_default().insert(vehicle.carer.to_string());
            known.push(v);
        }
        let timeline = Timeline::of(instance, vehicle, &known);
        travel += timeline.travel;
        if let Some((pos, arrival)) = timeline.missed {
            violations.push(Violation::WindowMissed { vehicle: key.clone(), visit: known[pos], arrival });
        } else if timeline.back > vehicle.end {
            violations.push(Violation::EndExceeded { vehicle: key.clone(), back: timeline.back, end: vehicle.end });
        } else {
            overtime += timeline.overtime(vehicle);
        }
    }
    let unplaced = instance.visits.len() - placed.len();
    let continuity = carers_of_client.values().map(|c| c.len() as u64 - 1).sum();
    let score = Score {
        objective: objective(instance, travel, unplaced, overtime, continuity),
        travel,
        unplaced,
        overtime,
        continuity,
    };
    (score, violations)
}

/// The format's objective from its parts.
fn objective(instance: &Instance, travel: Minute, unplaced: usize, overtime: Minute, continuity: u64) -> f64 {
    travel as f64
        + instance.unmet_penalty * unplaced as f64
        + instance.overtime_weight * overtime as f64
        + instance.continuity_weight * continuity as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::instance::tests::line;
    use crate::schedule::instance::Id;

    fn answer(routes: &[(&str, &[usize])]) -> Answer {
        Answer { routes: routes.iter().map(|(k, r)| (k.to_string(), r.to_vec())).collect(), secs: 0.0 }
    }

    /// Centre → home 1 (arrive 490, start 490, leave 520) → home 2 (arrive 530, wait to 540,
    /// leave 560) → centre at 580. Travel 10 + 10 + 20 = 40; departure 480; worked 100 − 60 = 40
    /// minutes of overtime. Objective 40 + 2 × 40 = 120.
    #[test]
    fn scores_a_route_worked_by_hand() {
        let s = score(&line(), &answer(&[("v1", &[0, 1])])).unwrap();
        assert_eq!(s, Score { objective: 120.0, travel: 40, unplaced: 0, overtime: 40, continuity: 0 });
    }

    /// Visit 1 alone: leave 480, arrive 500, wait to 540, leave 560, back 580. The departure
    /// that delays nothing is 520, so 60 minutes are worked: no overtime. Visit 0 unplaced.
    #[test]
    fn waiting_before_the_first_visit_is_not_work() {
        let s = score(&line(), &answer(&[("v1", &[1])])).unwrap();
        assert_eq!(s, Score { objective: 1040.0, travel: 40, unplaced: 1, overtime: 0, continuity: 0 });
    }

    /// Visit 1 first (start 540, leave 560), then visit 0 (arrive and start 570, leave 600), back
    /// at 610. Departure 520: 90 minutes worked, 30 overtime; travel 20 + 10 + 10 = 40.
    #[test]
    fn the_order_of_visits_changes_the_times() {
        let s = score(&line(), &answer(&[("v1", &[1, 0])])).unwrap();
        assert_eq!((s.travel, s.overtime, s.objective), (40, 30, 100.0));
    }

    #[test]
    fn an_extra_carer_for_a_client_costs_continuity() {
        let mut i = line();
        i.carers.push(crate::schedule::instance::Carer { id: Id::Number(2), skills: vec![0, 1] });
        let mut tuesday = i.vehicles[0].clone();
        (tuesday.id, tuesday.carer, tuesday.day, tuesday.start, tuesday.end) =
            (Id::Text("v2".into()), Id::Number(2), 1, 1920, 2460);
        i.vehicles.push(tuesday);
        i.visits.push(i.visits[0].clone());
        i.visits[2].windows[0] = crate::schedule::instance::Window { start: 1920, end: 2040 };
        let s = score(&i, &answer(&[("v1", &[0]), ("v2", &[2])])).unwrap();
        assert_eq!((s.continuity, s.unplaced, s.travel), (1, 1, 40));
        assert_eq!(s.objective, 40.0 + 1000.0 + 10.0);
    }

    #[test]
    fn finds_every_kind_of_violation() {
        let mut i = line();
        i.vehicles[0].skills = vec![0];
        i.carers[0].skills = vec![0];
        let v = score(&i, &answer(&[("v1", &[1, 7, 1]), ("nope", &[0])])).unwrap_err();
        assert!(v.contains(&Violation::UnknownVehicle { vehicle: "nope".into() }));
        assert!(v.contains(&Violation::VisitOutOfRange { vehicle: "v1".into(), visit: 7 }));
        assert!(v.contains(&Violation::PlacedTwice { visit: 1 }));
        assert!(v.contains(&Violation::SkillMissing { vehicle: "v1".into(), visit: 1, skill: 1 }));
        // Home 2 first (leave 560), home 1 at 570: its window closed at 485.
        let mut i = line();
        i.visits[0].windows[0].end = 485;
        let v = score(&i, &answer(&[("v1", &[1, 0])])).unwrap_err();
        assert_eq!(v, vec![Violation::WindowMissed { vehicle: "v1".into(), visit: 0, arrival: 570 }]);
        let mut i = line();
        i.vehicles[0].end = 600;
        let v = score(&i, &answer(&[("v1", &[1, 0])])).unwrap_err();
        assert_eq!(v, vec![Violation::EndExceeded { vehicle: "v1".into(), back: 610, end: 600 }]);
        let mut i = line();
        i.carers.push(crate::schedule::instance::Carer { id: Id::Number(2), skills: vec![] });
        i.visits[0].pinned_carer = Some(Id::Number(2));
        let v = score(&i, &answer(&[("v1", &[0])])).unwrap_err();
        assert_eq!(v, vec![Violation::PinnedCarerMismatch { vehicle: "v1".into(), visit: 0 }]);
    }
}
