//! A week's plan during the search, with its cost kept up to date as visits come and go.
//!
//! Each route keeps, per stop, the earliest start (forward, the format's rule) and the
//! latest start that keeps every later stop and the return on time (backward). Whether a
//! visit fits between two stops is then O(1): start it as early as the previous stop allows
//! and check the next stop is reached by its latest start. The new return time, needed for
//! overtime, is found by pushing the delay forward only until waiting absorbs it.

use super::problem::Problem;
use crate::schedule::instance::Minute;

#[derive(Debug)]
pub(super) struct Route {
    pub day: usize,
    pub visits: Vec<usize>,
    pub starts: Vec<Minute>,
    pub latest: Vec<Minute>,
    pub travel: Minute,
    pub back: Minute,
    pub departure: Minute,
    pub overtime: Minute,
}

impl Clone for Route {
    fn clone(&self) -> Self {
        let mut r = Route::empty(self.day, 0);
        r.clone_from(self);
        r
    }

    /// Reuses the vectors: the search copies its plan every iteration.
    fn clone_from(&mut self, other: &Self) {
        self.day = other.day;
        self.visits.clone_from(&other.visits);
        self.starts.clone_from(&other.starts);
        self.latest.clone_from(&other.latest);
        (self.travel, self.back, self.departure, self.overtime) =
            (other.travel, other.back, other.departure, other.overtime);
    }
}

impl Route {
    fn empty(day: usize, start: Minute) -> Route {
        Route {
            day,
            visits: Vec::new(),
            starts: Vec::new(),
            latest: Vec::new(),
            travel: 0,
            back: start,
            departure: start,
            overtime: 0,
        }
    }

    /// Recomputes the times after a change; false when a visit or the return is now late
    /// (possible only when travel breaks the triangle inequality).
    fn retime(&mut self, p: &Problem) -> bool {
        let day = p.days[self.day];
        let (mut t, mut at, mut travel) = (day.start, 0, 0);
        self.starts.clear();
        for &v in &self.visits {
            let leg = p.minutes(at, p.loc[v]);
            travel += leg;
            let Some(start) = p.earliest(v, t + leg) else { return false };
            self.starts.push(start);
            t = start + p.service[v];
            at = p.loc[v];
        }
        let leg = if self.visits.is_empty() { 0 } else { p.minutes(at, 0) };
        self.travel = travel + leg;
        self.back = t + leg;
        self.departure = match self.visits.first() {
            Some(&first) => self.starts[0] - p.minutes(0, p.loc[first]),
            None => day.start,
        };
        self.overtime = (self.back - self.departure - day.max_duration).max(0);
        if self.back > day.end {
            return false;
        }
        self.latest.clear();
        self.latest.resize(self.visits.len(), 0);
        let (mut bound, mut next) = (day.end, 0);
        for (i, &v) in self.visits.iter().enumerate().rev() {
            let Some(latest) = p.latest(v, bound - p.minutes(p.loc[v], next) - p.service[v]) else { return false };
            self.latest[i] = latest;
            bound = latest;
            next = p.loc[v];
        }
        true
    }

    /// The change in travel plus weighted overtime of putting `v` before stop `pos`, or
    /// `None` when a window or the end of the day would be missed.
    #[inline]
    pub fn insertion_delta(&self, p: &Problem, v: usize, pos: usize) -> Option<f64> {
        let day = &p.days[self.day];
        let (prev_loc, prev_leave) = match pos {
            0 => (0, day.start),
            _ => {
                let u = self.visits[pos - 1];
                (p.loc[u], self.starts[pos - 1] + p.service[u])
            }
        };
        let (next_loc, next_latest) = match self.visits.get(pos) {
            Some(&u) => (p.loc[u], self.latest[pos]),
            None => (0, day.end),
        };
        let loc = p.loc[v];
        let start = p.earliest(v, prev_leave + p.minutes(prev_loc, loc))?;
        let arrive_next = start + p.service[v] + p.minutes(loc, next_loc);
        if arrive_next > next_latest {
            return None;
        }
        let travel = p.minutes(prev_loc, loc) + p.minutes(loc, next_loc) - p.minutes(prev_loc, next_loc);
        let back = self.back_after_delay(p, pos, arrive_next);
        let departure = if pos == 0 { start - p.minutes(0, loc) } else { self.departure };
        let overtime = (back - departure - day.max_duration).max(0);
        Some(travel as f64 + p.overtime_weight * (overtime - self.overtime) as f64)
    }

    /// When the route is back if stop `pos` is reached at `arrival`, pushing the delay on
    /// until some stop's start does not move.
    fn back_after_delay(&self, p: &Problem, pos: usize, arrival: Minute) -> Minute {
        let mut t = arrival;
        for i in pos..self.visits.len() {
            let v = self.visits[i];
            // Reached by its latest start (checked by the caller), so a window is open.
            let start = p.earliest(v, t).unwrap_or(self.starts[i]);
            if start == self.starts[i] {
                return self.back;
            }
            let next = self.visits.get(i + 1).map_or(0, |&u| p.loc[u]);
            t = start + p.service[v] + p.minutes(p.loc[v], next);
        }
        t
    }

    /// The best place for `v` in this route (cost change, position), skipping any position
    /// for which `blink` says so.
    pub fn best_position(&self, p: &Problem, v: usize, mut blink: impl FnMut() -> bool) -> Option<(f64, usize)> {
        let last_close = p.windows[v].last().map_or(Minute::MIN, |w| w.1);
        let mut best: Option<(f64, usize)> = None;
        for pos in 0..=self.visits.len() {
            // Past the last window: no later position can do better.
            if pos > 0 && self.starts[pos - 1] > last_close {
                break;
            }
            if blink() {
                continue;
            }
            if let Some(delta) = self.insertion_delta(p, v, pos) {
                if best.is_none_or(|(b, _)| delta < b) {
                    best = Some((delta, pos));
                }
            }
        }
        best
    }
}

/// The plan: a route per carer-day, which visits are where, and the cost's parts.
#[derive(Debug)]
pub(super) struct State {
    pub routes: Vec<Route>,
    /// Per visit, its route, if placed.
    pub route_of: Vec<Option<usize>>,
    /// Per client × carer, how many of the client's visits the carer makes.
    visits_by_carer: Vec<u16>,
    /// Per client, how many carers visit.
    carers_of_client: Vec<u16>,
    pub travel: Minute,
    pub overtime: Minute,
    pub unplaced: usize,
    /// The search's cost of the unplaced visits (see `Problem::penalty`).
    unmet: f64,
    pub continuity: u64,
    /// Visits not made by the client's preferred carer.
    pub unpreferred: u64,
}

impl Clone for State {
    fn clone(&self) -> Self {
        State {
            routes: self.routes.clone(),
            route_of: self.route_of.clone(),
            visits_by_carer: self.visits_by_carer.clone(),
            carers_of_client: self.carers_of_client.clone(),
            ..*self
        }
    }

    fn clone_from(&mut self, other: &Self) {
        self.routes.clone_from(&other.routes);
        self.route_of.clone_from(&other.route_of);
        self.visits_by_carer.clone_from(&other.visits_by_carer);
        self.carers_of_client.clone_from(&other.carers_of_client);
        (self.travel, self.overtime, self.unplaced, self.unmet, self.continuity, self.unpreferred) =
            (other.travel, other.overtime, other.unplaced, other.unmet, other.continuity, other.unpreferred);
    }
}

impl State {
    /// Every route empty, every visit unplaced.
    pub fn empty(p: &Problem) -> State {
        State {
            routes: p.days.iter().enumerate().map(|(d, day)| Route::empty(d, day.start)).collect(),
            route_of: vec![None; p.visits()],
            visits_by_carer: vec![0; p.clients() * p.carers],
            carers_of_client: vec![0; p.clients()],
            travel: 0,
            overtime: 0,
            unplaced: p.visits(),
            unmet: p.penalty.iter().sum(),
            continuity: 0,
            unpreferred: 0,
        }
    }

    /// The search's objective: the format's, plus half a continuity step for each visit
    /// not made by the client's usual carer, with pinned visits weighed heavier when left out.
    pub fn cost(&self, p: &Problem) -> f64 {
        self.travel as f64
            + self.unmet
            + p.overtime_weight * self.overtime as f64
            + p.continuity_weight * (self.continuity as f64 + 0.5 * self.unpreferred as f64)
    }

    /// What giving `v` to `carer` adds to the continuity and preference cost.
    #[inline]
    pub fn carer_delta(&self, p: &Problem, v: usize, carer: usize) -> f64 {
        let client = p.client[v];
        let new_carer = self.visits_by_carer[client * p.carers + carer] == 0 && self.carers_of_client[client] > 0;
        let unpreferred = p.preferred[v].is_some_and(|c| c != carer);
        p.continuity_weight * (f64::from(u8::from(new_carer)) + 0.5 * f64::from(u8::from(unpreferred)))
    }

    /// The best place for `v` over its candidate carer-days: (cost change, route, position).
    pub fn best_insertion(
        &self,
        p: &Problem,
        v: usize,
        mut blink: impl FnMut() -> bool,
    ) -> Option<(f64, usize, usize)> {
        let mut best: Option<(f64, usize, usize)> = None;
        for &r in &p.candidates[v] {
            let extra = self.carer_delta(p, v, p.days[r].carer);
            // A route's own delta is not negative when travel keeps the triangle inequality
            // (nearly always): skip routes whose carer cost alone is no better.
            if best.is_some_and(|(b, _, _)| extra >= b) {
                continue;
            }
            if let Some((delta, pos)) = self.routes[r].best_position(p, v, &mut blink) {
                if best.is_none_or(|(b, _, _)| delta + extra < b) {
                    best = Some((delta + extra, r, pos));
                }
            }
        }
        best
    }

    /// Puts `v` before stop `pos` of route `r` (a place `insertion_delta` accepted).
    pub fn insert(&mut self, p: &Problem, v: usize, r: usize, pos: usize) {
        self.account_route(r, -1);
        let route = &mut self.routes[r];
        route.visits.insert(pos, v);
        let on_time = route.retime(p);
        debug_assert!(on_time, "an accepted insertion keeps the route on time");
        self.account_route(r, 1);
        self.route_of[v] = Some(r);
        self.unplaced -= 1;
        self.unmet -= p.penalty[v];
        self.count_carer(p, v, p.days[r].carer, true);
    }

    /// Takes `v` out of its route; false when the route is then late (see [`Route::retime`]).
    pub fn remove(&mut self, p: &Problem, v: usize) -> bool {
        let Some(r) = self.route_of[v].take() else { return true };
        self.account_route(r, -1);
        let route = &mut self.routes[r];
        if let Some(pos) = route.visits.iter().position(|&u| u == v) {
            route.visits.remove(pos);
        }
        let on_time = route.retime(p);
        self.account_route(r, 1);
        self.unplaced += 1;
        self.unmet += p.penalty[v];
        self.count_carer(p, v, p.days[r].carer, false);
        on_time
    }

    fn account_route(&mut self, r: usize, sign: Minute) {
        self.travel += sign * self.routes[r].travel;
        self.overtime += sign * self.routes[r].overtime;
    }

    fn count_carer(&mut self, p: &Problem, v: usize, carer: usize, added: bool) {
        let client = p.client[v];
        let cell = &mut self.visits_by_carer[client * p.carers + carer];
        let carers = &mut self.carers_of_client[client];
        if added {
            if *cell == 0 {
                *carers += 1;
                self.continuity += u64::from(*carers > 1);
            }
            *cell += 1;
        } else {
            *cell -= 1;
            if *cell == 0 {
                self.continuity -= u64::from(*carers > 1);
                *carers -= 1;
            }
        }
        if p.preferred[v].is_some_and(|c| c != carer) {
            if added {
                self.unpreferred += 1;
            } else {
                self.unpreferred -= 1;
            }
        }
    }

    /// Exchanges the visits of routes `a` and `b` (carer-days of two carers on one day), if
    /// each route may take the other's visits and stays on time; false, unchanged, otherwise.
    pub fn exchange(&mut self, p: &Problem, a: usize, b: usize) -> bool {
        let allowed = |from: usize, to: usize| self.routes[from].visits.iter().all(|v| p.candidates[*v].contains(&to));
        if !allowed(a, b) || !allowed(b, a) {
            return false;
        }
        self.account_route(a, -1);
        self.account_route(b, -1);
        self.swap_visits(p, a, b);
        let on_time = self.routes[a].retime(p) & self.routes[b].retime(p);
        if !on_time {
            self.swap_visits(p, a, b);
            let restored = self.routes[a].retime(p) & self.routes[b].retime(p);
            debug_assert!(restored, "the routes were on time before the exchange");
        }
        self.account_route(a, 1);
        self.account_route(b, 1);
        on_time
    }

    /// Swaps the visit lists of two routes and whose visits they are, leaving the routes'
    /// times to the caller.
    fn swap_visits(&mut self, p: &Problem, a: usize, b: usize) {
        let (carer_a, carer_b) = (p.days[self.routes[a].day].carer, p.days[self.routes[b].day].carer);
        for (r, from, to, now) in [(a, carer_a, carer_b, b), (b, carer_b, carer_a, a)] {
            for i in 0..self.routes[r].visits.len() {
                let v = self.routes[r].visits[i];
                self.count_carer(p, v, from, false);
                self.count_carer(p, v, to, true);
                self.route_of[v] = Some(now);
            }
        }
        let (low, high) = (a.min(b), a.max(b));
        let (first, second) = self.routes.split_at_mut(high);
        std::mem::swap(&mut first[low].visits, &mut second[0].visits);
    }

    /// How many carers visit `client`.
    pub fn carers_of(&self, client: usize) -> u16 {
        self.carers_of_client[client]
    }

    /// The placed visits, in no particular order.
    pub fn placed(&self) -> impl Iterator<Item = usize> + '_ {
        self.route_of.iter().enumerate().filter(|(_, r)| r.is_some()).map(|(v, _)| v)
    }

    /// The unplaced visits that some carer-day could take.
    pub fn placeable_unplaced(&self, p: &Problem) -> Vec<usize> {
        (0..p.visits()).filter(|&v| self.route_of[v].is_none() && !p.candidates[v].is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::instance::tests::line;

    #[test]
    fn insertion_costs_match_the_retimed_route() {
        let p = Problem::new(&line());
        let mut s = State::empty(&p);
        let (delta, r, pos) = s.best_insertion(&p, 1, || false).unwrap();
        // Alone: travel 40, 60 minutes worked: no overtime.
        assert_eq!((delta, r, pos), (40.0, 0, 0));
        s.insert(&p, 1, r, pos);
        let before = s.cost(&p);
        let (delta, r, pos) = s.best_insertion(&p, 0, || false).unwrap();
        s.insert(&p, 0, r, pos);
        // One fewer visit unplaced (−1000) plus the insertion's own change.
        assert_eq!(s.cost(&p) - before + 1000.0, delta, "the delta is the true change");
        assert_eq!((s.travel, s.overtime), (40, 30), "home 2 then home 1 is the cheaper order");
        assert!(s.remove(&p, 1));
        assert_eq!((s.travel, s.overtime, s.unplaced), (20, 0, 1));
    }

    #[test]
    fn exchanging_routes_moves_the_clients_to_the_other_carer() {
        let mut i = line();
        i.carers.push(crate::schedule::instance::Carer { id: crate::schedule::Id::Number(2), skills: vec![0] });
        let mut other = i.vehicles[0].clone();
        (other.id, other.carer, other.skills) =
            (crate::schedule::Id::Number(9), crate::schedule::Id::Number(2), vec![0]);
        i.vehicles.push(other);
        let p = Problem::new(&i);
        assert_eq!(p.exchangeable, vec![(0, 1)]);
        let mut s = State::empty(&p);
        s.insert(&p, 0, 0, 0);
        assert!(s.exchange(&p, 0, 1), "visit 0 needs care only: the second carer may take it");
        assert_eq!((s.route_of[0], s.routes[1].visits.clone(), s.travel), (Some(1), vec![0], 20));
        s.insert(&p, 1, 0, 0);
        assert!(!s.exchange(&p, 0, 1), "visit 1 needs nursing, which the second carer lacks");
        assert_eq!((s.route_of[1], s.travel), (Some(0), 60));
    }
}
