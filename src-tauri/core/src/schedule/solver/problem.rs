//! The instance as the search reads it thousands of times a second: flat travel, sorted
//! and merged windows, people by index, and for each visit the carer-days that may take it
//! and its related visits, all worked out once.

use std::collections::HashMap;

use crate::schedule::explain::{fits_alone, may_take};
use crate::schedule::instance::{Instance, Minute};

/// A carer-day, by index.
#[derive(Debug, Clone, Copy)]
pub(super) struct Day {
    pub start: Minute,
    pub end: Minute,
    pub max_duration: Minute,
    pub carer: usize,
}

#[derive(Debug)]
pub(super) struct Problem {
    points: usize,
    travel: Vec<Minute>,
    pub loc: Vec<usize>,
    pub service: Vec<Minute>,
    /// Sorted, overlaps merged: the earliest start is then the first window still open.
    pub windows: Vec<Vec<(Minute, Minute)>>,
    pub days: Vec<Day>,
    /// Per visit, the carer-days with the skill (and the pinned carer) where it fits alone.
    pub candidates: Vec<Vec<usize>>,
    pub client: Vec<usize>,
    /// Per client, their visits.
    pub client_visits: Vec<Vec<usize>>,
    pub carers: usize,
    pub preferred: Vec<Option<usize>>,
    /// Per visit, the other visits from most to least related (near in space and time):
    /// the ruin step removes related visits together so they can be rearranged.
    pub related: Vec<Vec<usize>>,
    /// Pairs of carer-days of different carers whose hours overlap: their routes may be
    /// exchanged whole, which changes who a client sees but not the walking.
    pub exchangeable: Vec<(usize, usize)>,
    /// Per visit, the cost of leaving it out inside the search: the instance's
    /// `unmet_penalty`, times [`PINNED_WEIGHT`] for a pinned visit.
    pub penalty: Vec<f64>,
    pub overtime_weight: f64,
    pub continuity_weight: f64,
}

/// A pinned visit is already in the week at its time: new visits must plan around it, so
/// the search never trades one away for new ones (the reported score counts it like any).
pub(super) const PINNED_WEIGHT: f64 = 20.0;

impl Problem {
    pub fn new(instance: &Instance) -> Problem {
        let points = instance.points.len();
        let carer_index: HashMap<String, usize> =
            instance.carers.iter().enumerate().map(|(i, c)| (c.id.to_string(), i)).collect();
        let mut client_index: HashMap<String, usize> = HashMap::new();
        let client: Vec<usize> = instance
            .visits
            .iter()
            .map(|v| {
                let next = client_index.len();
                *client_index.entry(v.client.to_string()).or_insert(next)
            })
            .collect();
        let days = instance
            .vehicles
            .iter()
            .map(|v| Day {
                start: v.start,
                end: v.end,
                max_duration: v.max_duration,
                // Validated: every vehicle's carer exists.
                carer: carer_index.get(&v.carer.to_string()).copied().unwrap_or_default(),
            })
            .collect();
        let candidates = instance
            .visits
            .iter()
            .map(|visit| {
                (0..instance.vehicles.len())
                    .filter(|&d| {
                        let vehicle = &instance.vehicles[d];
                        may_take(vehicle, visit) && fits_alone(instance, vehicle, visit)
                    })
                    .collect()
            })
            .collect();
        let windows = instance.visits.iter().map(|v| merged(v.windows.iter().map(|w| (w.start, w.end)))).collect();
        let mut problem = Problem {
            points,
            travel: instance.travel.iter().flatten().copied().collect(),
            loc: instance.visits.iter().map(|v| v.loc).collect(),
            service: instance.visits.iter().map(|v| v.service).collect(),
            windows,
            days,
            candidates,
            client_visits: (0..client_index.len())
                .map(|c| (0..client.len()).filter(|&v| client[v] == c).collect())
                .collect(),
            client,
            carers: instance.carers.len(),
            preferred: instance
                .visits
                .iter()
                .map(|v| v.preferred_carer.as_ref().and_then(|c| carer_index.get(&c.to_string()).copied()))
                .collect(),
            related: Vec::new(),
            exchangeable: Vec::new(),
            penalty: instance
                .visits
                .iter()
                .map(|v| instance.unmet_penalty * if v.pinned_carer.is_some() { PINNED_WEIGHT } else { 1.0 })
                .collect(),
            overtime_weight: instance.overtime_weight,
            continuity_weight: instance.continuity_weight,
        };
        problem.related = problem.relatedness();
        problem.exchangeable = problem.overlapping_days();
        problem
    }

    pub fn clients(&self) -> usize {
        self.client_visits.len()
    }

    pub fn visits(&self) -> usize {
        self.loc.len()
    }

    /// Minutes between two points.
    #[inline]
    pub fn minutes(&self, from: usize, to: usize) -> Minute {
        self.travel[from * self.points + to]
    }

    /// The earliest start of visit `v` for a carer arriving at `arrival`.
    #[inline]
    pub fn earliest(&self, v: usize, arrival: Minute) -> Option<Minute> {
        self.windows[v].iter().find(|w| w.1 >= arrival).map(|w| w.0.max(arrival))
    }

    /// The latest start of visit `v` not after `bound`.
    #[inline]
    pub fn latest(&self, v: usize, bound: Minute) -> Option<Minute> {
        self.windows[v].iter().rev().find(|w| w.0 <= bound).map(|w| w.1.min(bound))
    }

    /// Minutes between the windows of two visits (0 when they overlap) plus the travel
    /// between them: visits on different days are far apart whatever the distance.
    fn distance(&self, a: usize, b: usize) -> Minute {
        let gap = self.windows[a]
            .iter()
            .flat_map(|x| self.windows[b].iter().map(move |y| (x.0 - y.1).max(y.0 - x.1).max(0)))
            .min()
            .unwrap_or(0);
        gap + self.minutes(self.loc[a], self.loc[b])
    }

    fn relatedness(&self) -> Vec<Vec<usize>> {
        (0..self.visits())
            .map(|a| {
                let mut others: Vec<(Minute, usize)> =
                    (0..self.visits()).filter(|&b| b != a).map(|b| (self.distance(a, b), b)).collect();
                others.sort_unstable();
                others.into_iter().map(|(_, b)| b).collect()
            })
            .collect()
    }

    fn overlapping_days(&self) -> Vec<(usize, usize)> {
        let days = &self.days;
        (0..days.len())
            .flat_map(|a| (a + 1..days.len()).map(move |b| (a, b)))
            .filter(|&(a, b)| {
                days[a].carer != days[b].carer && days[a].start < days[b].end && days[b].start < days[a].end
            })
            .collect()
    }
}

/// Windows sorted by start, overlapping ones joined.
fn merged(windows: impl Iterator<Item = (Minute, Minute)>) -> Vec<(Minute, Minute)> {
    let mut sorted: Vec<(Minute, Minute)> = windows.collect();
    sorted.sort_unstable();
    let mut out: Vec<(Minute, Minute)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::instance::tests::line;

    #[test]
    fn merges_overlapping_windows_in_order() {
        assert_eq!(merged([(900, 960), (540, 560), (550, 600)].into_iter()), vec![(540, 600), (900, 960)]);
    }

    #[test]
    fn earliest_and_latest_starts_agree_with_the_windows() {
        let p = Problem::new(&line());
        assert_eq!(p.earliest(1, 561), Some(900));
        assert_eq!(p.latest(1, 899), Some(560), "before the second window opens, the first's end");
        assert_eq!(p.latest(1, 530), None);
        assert_eq!(p.related[0], vec![1]);
        assert_eq!(p.candidates[1], vec![0]);
    }
}
