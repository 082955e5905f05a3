#!/usr/bin/env python3
"""Generates a realistic week of home care visits in the benchmark's format (CARE_VISIT_BENCH.md).

One community: the centre at (0, 0), homes within 1.5 km, mostly in a few housing blocks. Each
client has a care plan of typical services (below); about a third of the visits need nursing
(skill 1), and only some carers are nurses. Carers walk: travel = ceil(distance × 1.3 / 80)
whole minutes. Each carer works Monday–Friday 08:00–17:00 (480 + day × 1440 to
1020 + day × 1440), 420–480 minutes before overtime; part-timers work three days, and some
full-timers take a day off. Weights: unmet_penalty 1000, overtime_weight 2, continuity_weight 10.

Same arguments, same instance: every choice comes from one seeded generator.

    gen.py --seed 1 --carers 5 --visits 100 --out instance.json
"""

import argparse
import json
import math
import random

DAYS = 5
DAY_NAMES = ["mon", "tue", "wed", "thu", "fri"]
RADIUS = 1500.0
WEIGHTS = {"unmet_penalty": 1000, "overtime_weight": 2, "continuity_weight": 10}

# (name, skill, service minutes low–high, visits a week low–high, when) — when is how its
# windows are chosen: "daily" a window on each of that many consecutive days at a fixed
# time of day, "flex" one visit that may be made on any of several days.
SERVICES = [
    ("medication check", 1, (15, 20), (3, 5), "daily"),
    ("wound care", 1, (25, 35), (2, 3), "daily"),
    ("rehabilitation", 1, (45, 45), (1, 2), "flex"),
    ("bathing", 0, (45, 60), (1, 2), "flex"),
    ("personal care", 0, (30, 45), (2, 5), "daily"),
    ("companionship", 0, (60, 60), (1, 2), "flex"),
    ("housekeeping", 0, (60, 90), (1, 1), "flex"),
]
# How likely a client's plan includes each service.
TAKE_UP = [0.25, 0.1, 0.2, 0.45, 0.35, 0.35, 0.3]

# Windows for the start of a visit, minutes after midnight.
MORNING = (8 * 60 + 30, 11 * 60 + 30)
AFTERNOON = (13 * 60 + 30, 16 * 60)


def homes(rng, count):
    """Homes mostly in 3–6 housing blocks (Gaussian, 150 m), the rest scattered."""
    blocks = [polar(rng, RADIUS * 0.85) for _ in range(rng.randint(3, 6))]
    out = []
    while len(out) < count:
        if rng.random() < 0.8:
            bx, by = rng.choice(blocks)
            x, y = bx + rng.gauss(0, 150), by + rng.gauss(0, 150)
        else:
            x, y = polar(rng, RADIUS)
        if math.hypot(x, y) <= RADIUS:
            out.append([round(x), round(y)])
    return out


def polar(rng, radius):
    r, a = radius * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return r * math.cos(a), r * math.sin(a)


def window_of_day(rng, day, service):
    """A start window on `day`: the morning, the afternoon, or an hour at a set time."""
    kind = rng.random()
    if kind < 0.4:
        lo, hi = MORNING
    elif kind < 0.75:
        lo, hi = AFTERNOON
    else:
        lo = rng.choice(range(8 * 60 + 30, 16 * 60, 30))
        hi = lo + 60
    latest = 17 * 60 - 20 - service  # leaves time to finish and walk back
    lo, hi = min(lo, latest), min(hi, latest)
    return [day * 1440 + lo, day * 1440 + hi]


def plan(rng, client, loc):
    """A client's visits for the week."""
    visits = []
    chosen = [s for s, p in zip(SERVICES, TAKE_UP) if rng.random() < p] or [rng.choice(SERVICES)]
    for _name, skill, (lo, hi), (fewest, most), when in chosen:
        service = rng.randint(lo, hi)
        times = rng.randint(fewest, most)
        if when == "daily":
            first = rng.randint(0, DAYS - times)
            template = window_of_day(rng, 0, service)
            for day in range(first, first + times):
                windows = [[template[0] + day * 1440, template[1] + day * 1440]]
                visits.append(visit(client, loc, service, skill, windows))
        else:
            for _ in range(times):
                days = sorted(rng.sample(range(DAYS), rng.randint(2, DAYS)))
                windows = [window_of_day(rng, d, service) for d in days]
                visits.append(visit(client, loc, service, skill, windows))
    return visits


def visit(client, loc, service, skill, windows):
    return {"client": client, "loc": loc, "service": service, "skill": skill, "windows": windows}


def carers_and_vehicles(rng, count):
    nurses = max(1, round(count * rng.uniform(0.3, 0.5)))
    carers, vehicles = [], []
    for c in range(1, count + 1):
        skills = [0, 1] if c <= nurses else [0]
        carers.append({"id": c, "skills": skills})
        roll = rng.random()
        if roll < 0.25:
            days = sorted(rng.sample(range(DAYS), 3))  # part-time
        elif roll < 0.45:
            days = sorted(set(range(DAYS)) - {rng.randrange(DAYS)})  # a day off
        else:
            days = list(range(DAYS))
        max_duration = rng.choice([420, 450, 480])
        for d in days:
            vehicles.append({
                "id": f"c{c}-{DAY_NAMES[d]}", "carer": c, "day": d,
                "start": 480 + d * 1440, "end": 1020 + d * 1440,
                "max_duration": max_duration, "skills": skills,
            })
    return carers, vehicles


def generate(seed, carers, visits):
    rng = random.Random(seed)
    # About 2.5 visits a client; generate homes generously and keep those used.
    points = [[0, 0]] + homes(rng, visits)
    out = []
    client = 0
    while len(out) < visits:
        client += 1
        out.extend(plan(rng, client, client))
    out = out[:visits]
    points = points[: client + 1]
    travel = [[math.ceil(math.hypot(a[0] - b[0], a[1] - b[1]) * 1.3 / 80) for b in points] for a in points]
    carer_list, vehicles = carers_and_vehicles(rng, carers)
    return {"points": points, "travel": travel, "visits": out, "carers": carer_list, "vehicles": vehicles, **WEIGHTS}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--carers", type=int, required=True)
    ap.add_argument("--visits", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out, "w") as f:
        json.dump(generate(a.seed, a.carers, a.visits), f)


if __name__ == "__main__":
    main()
