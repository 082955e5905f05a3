//! The first plan: regret-2 insertion. Each step places the visit that would lose most if
//! its best place were taken (its second-best place costs the most more), so the visits
//! with few good options go in first. A visit's best place in a route is cached until that
//! route changes, so a step costs one route's worth of work, not the whole plan's.

use super::problem::Problem;
use super::state::State;

/// A visit's best place in one route, as of that route's version.
#[derive(Clone, Copy)]
struct Cached {
    version: u32,
    place: Option<(f64, usize)>,
}

/// Places `visits` (all unplaced) by regret-2; a visit with no place left, or whose best
/// place costs more than leaving it out, stays unplaced.
pub(super) fn regret_insertion(p: &Problem, state: &mut State, visits: &[usize]) {
    let mut pending = visits.to_vec();
    let mut cache: Vec<Vec<Cached>> =
        pending.iter().map(|&v| vec![Cached { version: u32::MAX, place: None }; p.candidates[v].len()]).collect();
    let mut version = vec![0u32; state.routes.len()];
    loop {
        // (regret, best cost, index in pending, route, position)
        let mut choice: Option<(f64, f64, usize, usize, usize)> = None;
        let mut stuck = Vec::new();
        for (i, &v) in pending.iter().enumerate() {
            let (mut best, mut second) = (None::<(f64, usize, usize)>, f64::INFINITY);
            for (k, &r) in p.candidates[v].iter().enumerate() {
                let cached = &mut cache[i][k];
                if cached.version != version[r] {
                    *cached = Cached { version: version[r], place: state.routes[r].best_position(p, v, || false) };
                }
                let Some((delta, pos)) = cached.place else { continue };
                let cost = delta + state.carer_delta(p, v, p.days[r].carer);
                match best {
                    Some((b, _, _)) if cost >= b => second = second.min(cost),
                    _ => {
                        second = best.map_or(second, |(b, _, _)| b);
                        best = Some((cost, r, pos));
                    }
                }
            }
            match best {
                Some((cost, r, pos)) if cost < p.penalty[v] => {
                    let regret = second - cost;
                    let better = choice.is_none_or(|(cr, cb, ..)| regret > cr || (regret == cr && cost < cb));
                    if better {
                        choice = Some((regret, cost, i, r, pos));
                    }
                }
                // Routes only fill up: a visit with no place now will have none later.
                _ => stuck.push(i),
            }
        }
        let Some((_, _, i, r, pos)) = choice else { break };
        state.insert(p, pending[i], r, pos);
        version[r] += 1;
        stuck.push(i);
        stuck.sort_unstable();
        for &i in stuck.iter().rev() {
            pending.swap_remove(i);
            cache.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::instance::tests::line;

    #[test]
    fn places_what_fits() {
        let p = Problem::new(&line());
        let mut s = State::empty(&p);
        regret_insertion(&p, &mut s, &[0, 1]);
        assert_eq!((s.unplaced, s.travel, s.overtime), (0, 40, 30));
    }
}
