#!/usr/bin/env python3
"""The second reference solver: PyVRP 0.14 on the same instance, answer in the same format.

PyVRP (MIT licence) grew out of the hybrid genetic search (HGS) that won the 2021 DIMACS VRPTW
challenge and is the strongest open-source VRP solver we know of; in 0.14 an iterated local
search, on the same local search and penalty scheme, has replaced the genetic algorithm. The model:
- depot: the centre (point 0). Locations: the centre, then one location per PyVRP client (a
  copy of its home's point), so that a routing profile can bar one visit without barring another
  at the same home.
- vehicles: each instance vehicle (a carer-day) is its own VehicleType, num_available 1, named
  by the vehicle's id: tw_early / tw_late = the vehicle's start / end (the route leaves the
  centre no earlier than start and is back by end), shift_duration = max_duration,
  max_overtime = end - start - max_duration (overtime is allowed up to the day's end),
  unit_overtime_cost = overtime_weight, unit_distance_cost 1, unit_duration_cost 0, and
  start_late = start: the route leaves at the vehicle's start (see the timing below).
- distance = duration = travel minutes (instance["travel"] between the homes); service_duration
  = the visit's service; a client's time window is when its service may start, waiting allowed.
- visits: a visit with one window is one optional client (required False) with prize
  unmet_penalty. A visit with several windows (a flex visit, one window on each of several
  days) is one optional client per window, all in one optional, mutually exclusive ClientGroup
  (at most one of them is visited), each with prize unmet_penalty. PyVRP's objective counts the
  prizes of all unvisited clients, so such a group adds unmet_penalty × (windows - 1) whether or
  not the visit is made: a constant, and leaving the visit out costs exactly unmet_penalty more
  than making it, as in check.py. The answer's "model_cost" is PyVRP's cost less that constant.
- skills and pinned carers: PyVRP has no allowed-vehicles list; as its own reader does for
  site-dependent instances, the vehicles that may take the same set of visits share a routing
  profile whose distance to and from every other visit is PyVRP's MAX_VALUE (2^44), so visiting
  one costs far more than leaving it out. check.py checks that no answer does.
- what PyVRP cannot express:
  - continuity (distinct carers per client): its costs are per route (distance, duration,
    overtime, fixed cost) and per client (prizes); none sees which carers a client's other
    visits went to, and a carer is several vehicle types (one per day). It is ignored, as
    OR-Tools ignores it, and check.py scores it.
  - the format's overtime exactly. check.py starts every visit as early as it can from the
    vehicle's start and counts the day from the latest departure that delays no visit (the
    first visit's start - its walk). PyVRP counts a route's duration from its start, and left
    free to start late (its default) it picks the schedule of least duration, serving a morning
    visit late in its window to close a gap before an afternoon one: the same route then costs
    less overtime in PyVRP than check.py scores (on trial weeks, hundreds of minutes a week).
    Fixing the start at the vehicle's start (start_late = start) makes PyVRP time every visit
    as check.py does (the same starts, the same return), and leaves one difference: PyVRP's
    duration also counts the wait before the first visit, so its overtime is at least
    check.py's for the same route, more by at most that wait (on the 12 weeks of run.sh, by up
    to 187 minutes a week). This mapping is the one that scored better under check.py on every
    week tried both ways, and its "model_cost" is never below check.py's objective less
    continuity.
Search: pyvrp.solve with its default parameters, a fixed seed (1) and MaxRuntime(seconds); with
a time limit the answer depends on how many iterations fit, so a loaded machine can change it.
If PyVRP's best solution is infeasible (time warp: a window or a day's end missed), its routes
are written anyway with "feasible": false, and check.py reports the violations.

    pyvrp_reference.py INSTANCE.json --seconds 60 --out ANSWER.json
"""

import argparse
import json
import time

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.constants import MAX_VALUE
from pyvrp.stop import MaxRuntime

SEED = 1
FIXED_START = True  # start_late = the vehicle's start; see the module doc


def allowed(visit, vehicle):
    pinned = visit.get("pinned_carer")
    return visit["skill"] in vehicle["skills"] and (pinned is None or str(pinned) == str(vehicle["carer"]))


def build(instance, fixed_start=FIXED_START):
    """The ProblemData, each PyVRP client's visit index, and the prize constant of the groups."""
    visits, vehicles, travel = instance["visits"], instance["vehicles"], instance["travel"]
    points = instance["points"]
    penalty = int(instance["unmet_penalty"])

    clients, client_visit, groups = [], [], []
    for i, visit in enumerate(visits):
        windows = sorted(visit["windows"])
        group = len(groups) if len(windows) > 1 else None
        members = []
        for early, late in windows:
            members.append(len(clients))
            clients.append(Client(
                location=1 + len(clients), service_duration=int(visit["service"]), tw_early=int(early),
                tw_late=int(late), prize=penalty, required=False, group=group, name=f"visit {i}"))
            client_visit.append(i)
        if group is not None:
            groups.append(ClientGroup(members, required=False, name=f"visit {i}"))
    offset = sum(penalty * (len(g.clients) - 1) for g in groups)

    homes = [0] + [visits[i]["loc"] for i in client_visit]
    locations = [Location(*points[h]) for h in homes]
    base = np.array([[travel[a][b] for b in homes] for a in homes], dtype=np.int64)

    # One profile per distinct set of visits a vehicle may take.
    profile_of, masks = {}, []
    types = []
    for v in vehicles:
        mask = tuple(allowed(visits[i], v) for i in client_visit)
        if mask not in profile_of:
            profile_of[mask] = len(masks)
            masks.append(mask)
        start, end, limit = int(v["start"]), int(v["end"]), int(v["max_duration"])
        types.append(VehicleType(
            num_available=1, start_depot=0, end_depot=0, tw_early=start, tw_late=end,
            start_late=start if fixed_start else None, shift_duration=limit, max_overtime=max(0, end - start - limit),
            unit_overtime_cost=int(instance["overtime_weight"]), unit_distance_cost=1,
            unit_duration_cost=0, profile=profile_of[mask], name=str(v["id"])))
    distances = []
    for mask in masks:
        matrix = base.copy()
        barred = np.array([False] + [not m for m in mask])
        matrix[:, barred] = MAX_VALUE
        matrix[barred, :] = MAX_VALUE
        np.fill_diagonal(matrix, 0)
        distances.append(matrix)
    durations = [base.copy() for _ in masks]
    data = ProblemData(locations, clients, [Depot(location=0)], types, distances, durations, groups)
    return data, client_visit, offset


def solve_instance(instance, seconds):
    vehicles = instance["vehicles"]
    if not vehicles or not instance["visits"]:
        return {}, True, len(instance["visits"]) * int(instance["unmet_penalty"])
    data, client_visit, offset = build(instance)
    result = solve(data, stop=MaxRuntime(seconds), seed=SEED, collect_stats=False, display=False)
    best = result.best
    routes = {}
    for route in best.routes():
        order = [client_visit[a.idx] for a in route if a.is_client()]
        if order:
            routes[str(vehicles[route.vehicle_type()]["id"])] = order
    return routes, best.is_feasible(), result.cost() - offset if best.is_feasible() else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.instance) as f:
        instance = json.load(f)
    began = time.monotonic()
    routes, feasible, cost = solve_instance(instance, a.seconds)
    with open(a.out, "w") as f:
        json.dump({"routes": routes, "secs": round(time.monotonic() - began, 3), "feasible": feasible,
                   "model_cost": cost}, f)


if __name__ == "__main__":
    main()
