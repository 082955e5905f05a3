//! Improving the plan by ruin and recreate, after SISR (Christiaens & Vanden Berghe, "Slack
//! Induction by String Removals for Vehicle Routing Problems", Transportation Science 2020):
//! remove a few strings of consecutive visits from routes near one another, put the visits
//! back greedily, each in its cheapest place (skipping a place now and then, the "blinks",
//! so the same plan is not rebuilt every time), and keep the result by simulated annealing.
//! Two more ruins serve this problem: taking out all of one client's visits (so they can go
//! to one carer, for continuity) and taking out visits at random. Now and then whole routes
//! are also exchanged between two carers of a day, which moves clients between carers
//! without changing any walk.

use std::time::Instant;

use rand::rngs::SmallRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use super::problem::Problem;
use super::state::State;

/// Visits removed per iteration, on average (SISR's c̄).
const AVERAGE_REMOVED: f64 = 10.0;
/// The longest string removed from a route (SISR's L^max).
const MAX_STRING: f64 = 10.0;
/// The chance of skipping a place when reinserting.
const BLINK: f64 = 0.01;
/// Annealing temperatures, in objective units (minutes of travel; a walk between two homes
/// of a community is 2–20 minutes): at the start a plan half an hour worse is sometimes
/// accepted, at the end hardly one a minute worse. Tuned on the bench's weeks: from 10 down,
/// the search settles too soon; from 30 down, continuity has room to be rearranged.
const START_TEMPERATURE: f64 = 30.0;
const END_TEMPERATURE: f64 = 0.3;
/// The chance that a recreated plan also gets its routes exchanged between carers.
const EXCHANGE: f64 = 0.1;

/// When the search stops, whichever comes first.
pub(super) struct Limits {
    pub deadline: Instant,
    pub iterations: u64,
    /// Iterations without a better plan.
    pub stall: u64,
}

pub(super) struct Search<'a> {
    p: &'a Problem,
    rng: SmallRng,
}

impl<'a> Search<'a> {
    pub fn new(p: &'a Problem, seed: u64) -> Self {
        Search { p, rng: SmallRng::seed_from_u64(seed) }
    }

    /// The best plan found from `start`. `progress` hears the share of the work done.
    pub fn improve(&mut self, start: State, limits: &Limits, progress: &mut dyn FnMut(f32)) -> State {
        let p = self.p;
        let mut best = start.clone();
        let mut best_cost = best.cost(p);
        let mut current_cost = best_cost;
        let mut current = start;
        let mut candidate = current.clone();
        let mut last_better = 0;
        let cooling = (END_TEMPERATURE / START_TEMPERATURE).ln();
        for iteration in 0..limits.iterations {
            if iteration % 64 == 0 {
                if Instant::now() >= limits.deadline {
                    break;
                }
                progress(iteration as f32 / limits.iterations as f32);
            }
            if iteration - last_better > limits.stall {
                break;
            }
            candidate.clone_from(&current);
            if !self.ruin(&mut candidate) {
                continue;
            }
            self.recreate(&mut candidate);
            if self.rng.random::<f64>() < EXCHANGE {
                exchange_routes(p, &mut candidate);
            }
            let cost = candidate.cost(p);
            let temperature = START_TEMPERATURE * (cooling * iteration as f64 / limits.iterations as f64).exp();
            let threshold = current_cost - temperature * (1.0 - self.rng.random::<f64>()).ln();
            if cost < threshold {
                std::mem::swap(&mut current, &mut candidate);
                current_cost = cost;
                if cost < best_cost - 1e-9 {
                    best.clone_from(&current);
                    best_cost = cost;
                    last_better = iteration;
                }
            }
        }
        best
    }

    /// Removes some visits; false when a route is left late (travel that breaks the
    /// triangle inequality), and the candidate is dropped.
    fn ruin(&mut self, s: &mut State) -> bool {
        let roll: f64 = self.rng.random();
        if roll < 0.8 {
            self.ruin_strings(s)
        } else if roll < 0.9 {
            self.ruin_client(s)
        } else {
            self.ruin_random(s)
        }
    }

    /// SISR's ruin: strings of consecutive visits from routes near a random seed visit.
    fn ruin_strings(&mut self, s: &mut State) -> bool {
        let p = self.p;
        let placed: Vec<usize> = s.placed().collect();
        let Some(&seed) = placed.choose(&mut self.rng) else { return true };
        let used = s.routes.iter().filter(|r| !r.visits.is_empty()).count();
        let longest = MAX_STRING.min(placed.len() as f64 / used as f64);
        let most_strings = 4.0 * AVERAGE_REMOVED / (1.0 + longest) - 1.0;
        let strings = self.rng.random_range(1.0..most_strings.max(1.0) + 1.0).floor() as usize;
        let mut ruined: Vec<usize> = Vec::with_capacity(strings);
        for v in std::iter::once(seed).chain(p.related[seed].iter().copied()) {
            if ruined.len() >= strings {
                break;
            }
            let Some(r) = s.route_of[v] else { continue };
            if ruined.contains(&r) {
                continue;
            }
            ruined.push(r);
            let visits = &s.routes[r].visits;
            let most = longest.min(visits.len() as f64);
            let length = (self.rng.random_range(1.0..most + 1.0).floor() as usize).clamp(1, visits.len());
            let at = visits.iter().position(|&u| u == v).unwrap_or(0);
            let first = self.rng.random_range(at.saturating_sub(length - 1)..=at.min(visits.len() - length));
            let string: Vec<usize> = visits[first..first + length].to_vec();
            for u in string {
                if !s.remove(p, u) {
                    return false;
                }
            }
        }
        true
    }

    /// All visits of one client who sees more than one carer (or of any client, when none
    /// does), and of the client most related to them.
    fn ruin_client(&mut self, s: &mut State) -> bool {
        let p = self.p;
        let placed: Vec<usize> = s.placed().collect();
        let Some(&seed) = placed.choose(&mut self.rng) else { return true };
        let split = (0..p.clients()).filter(|&c| s.carers_of(c) > 1).collect::<Vec<_>>();
        let client = split.choose(&mut self.rng).copied().unwrap_or(p.client[seed]);
        let first = p.client_visits[client][0];
        let neighbour = p.related[first].iter().map(|&v| p.client[v]).find(|&c| c != client);
        for c in std::iter::once(client).chain(neighbour) {
            for &v in &p.client_visits[c] {
                if !s.remove(p, v) {
                    return false;
                }
            }
        }
        true
    }

    /// Up to twice the average of visits, anywhere: breaks up what the related ruins keep
    /// together.
    fn ruin_random(&mut self, s: &mut State) -> bool {
        let p = self.p;
        let mut placed: Vec<usize> = s.placed().collect();
        let count = self.rng.random_range(1..=(2.0 * AVERAGE_REMOVED) as usize).min(placed.len());
        placed.partial_shuffle(&mut self.rng, count);
        placed[..count].iter().all(|&v| s.remove(p, v))
    }

    /// Puts every unplaced visit back that has a place, each in its cheapest one, taking
    /// them in one of SISR's orders: random, longest service, farthest from the centre, or
    /// closest.
    fn recreate(&mut self, s: &mut State) {
        let p = self.p;
        let mut pending = s.placeable_unplaced(p);
        pending.shuffle(&mut self.rng);
        let far = |v: &usize| p.minutes(0, p.loc[*v]);
        match self.rng.random_range(0..11) {
            0..4 => {}
            4..8 => pending.sort_by_key(|&v| std::cmp::Reverse(p.service[v])),
            8..10 => pending.sort_by_key(|v| std::cmp::Reverse(far(v))),
            _ => pending.sort_by_key(far),
        }
        for v in pending {
            let rng = &mut self.rng;
            place(p, s, v, || rng.random::<f64>() < BLINK);
        }
    }
}

/// Exchanges whole routes between two carers of a day while that lowers the cost: the
/// walking stays the same, but a client's visits can come to one carer.
pub(super) fn exchange_routes(p: &Problem, s: &mut State) {
    let mut cost = s.cost(p);
    let mut improved = true;
    while improved {
        improved = false;
        for &(a, b) in &p.exchangeable {
            if s.routes[a].visits.is_empty() && s.routes[b].visits.is_empty() || !s.exchange(p, a, b) {
                continue;
            }
            let exchanged = s.cost(p);
            if exchanged < cost - 1e-9 {
                cost = exchanged;
                improved = true;
            } else {
                s.exchange(p, a, b);
            }
        }
    }
}

/// Places what still fits, without blinks: a visit left unplaced then truly has no room.
pub(super) fn fill(p: &Problem, s: &mut State) {
    for v in s.placeable_unplaced(p) {
        place(p, s, v, || false);
    }
}

/// Puts `v` in its cheapest place, unless leaving it out is cheaper.
fn place(p: &Problem, s: &mut State, v: usize, blink: impl FnMut() -> bool) {
    if let Some((delta, r, pos)) = s.best_insertion(p, v, blink) {
        if delta < p.penalty[v] {
            s.insert(p, v, r, pos);
        }
    }
}
