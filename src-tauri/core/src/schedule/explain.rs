//! Why a visit was left out of the week, in terms a manager can act on: hire or train a
//! nurse, widen the client's window, or add hours. The solver places every visit it can, so
//! a visit that fits alone on some carer-day yet is unplaced had no room left there.

use serde::Serialize;

use super::instance::{same_id, Id, Instance, Vehicle, Visit};

/// An unplaced visit, by index into `visits`, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub visit: usize,
    pub reason: UnplacedReason,
}

/// The first of these that holds, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnplacedReason {
    /// No carer-day offers the skill the visit needs.
    NoCarerWithSkill { skill: u8 },
    /// The visit is fixed to `carer`, who has no working day with the skill and the hours
    /// for it.
    PinnedCarerUnavailable { carer: Id },
    /// Skilled carers exist, but none works when the visit could be made: leaving the centre
    /// at the start of the day, starting in a window, and back by the end of the day.
    NoWindowInWorkingHours,
    /// It would fit alone on `carer_days` skilled carer-days, but each is full (or taking it
    /// would cost more than leaving it out, with the instance's weights).
    NoRoomLeft { carer_days: usize },
}

/// Whether `vehicle` may take `visit` at all: it has the skill, and the carer is the one the
/// visit is pinned to, if any.
pub(crate) fn may_take(vehicle: &Vehicle, visit: &Visit) -> bool {
    vehicle.has_skill(visit.skill) && visit.pinned_carer.as_ref().is_none_or(|c| same_id(c, &vehicle.carer))
}

/// Whether `visit` alone fits the vehicle's day: out from the centre at the start, in a
/// window, back by the end.
pub(crate) fn fits_alone(instance: &Instance, vehicle: &Vehicle, visit: &Visit) -> bool {
    let arrival = vehicle.start + instance.minutes(0, visit.loc);
    visit
        .earliest_start(arrival)
        .is_some_and(|start| start + visit.service + instance.minutes(visit.loc, 0) <= vehicle.end)
}

/// Why `visit` (an index into `visits`) cannot be, or was not, placed.
pub fn why_unplaced(instance: &Instance, visit: usize) -> UnplacedReason {
    let v = &instance.visits[visit];
    if !instance.vehicles.iter().any(|vehicle| vehicle.has_skill(v.skill)) {
        return UnplacedReason::NoCarerWithSkill { skill: v.skill };
    }
    let eligible: Vec<&Vehicle> = instance.vehicles.iter().filter(|vehicle| may_take(vehicle, v)).collect();
    let fitting = eligible.iter().filter(|vehicle| fits_alone(instance, vehicle, v)).count();
    match (&v.pinned_carer, fitting) {
        (Some(carer), 0) => UnplacedReason::PinnedCarerUnavailable { carer: carer.clone() },
        (None, 0) => UnplacedReason::NoWindowInWorkingHours,
        (_, carer_days) => UnplacedReason::NoRoomLeft { carer_days },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::instance::tests::line;
    use crate::schedule::instance::Window;

    #[test]
    fn names_the_missing_skill() {
        let mut i = line();
        i.visits[1].skill = 2;
        assert_eq!(why_unplaced(&i, 1), UnplacedReason::NoCarerWithSkill { skill: 2 });
    }

    #[test]
    fn a_window_outside_every_working_day_counts_travel_and_service() {
        let mut i = line();
        // Ends 17:00 = 1020; home 1 is 10 minutes out, the visit 30 long: the latest start is 980.
        i.visits[0].windows = vec![Window { start: 981, end: 1000 }];
        assert_eq!(why_unplaced(&i, 0), UnplacedReason::NoWindowInWorkingHours);
        i.visits[0].windows = vec![Window { start: 980, end: 1000 }];
        assert_eq!(why_unplaced(&i, 0), UnplacedReason::NoRoomLeft { carer_days: 1 });
    }

    #[test]
    fn a_pinned_visit_waits_for_its_carer() {
        let mut i = line();
        i.carers.push(crate::schedule::instance::Carer { id: Id::Number(2), skills: vec![0, 1] });
        i.visits[0].pinned_carer = Some(Id::Number(2));
        assert_eq!(why_unplaced(&i, 0), UnplacedReason::PinnedCarerUnavailable { carer: Id::Number(2) });
    }
}
