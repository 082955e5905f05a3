#!/usr/bin/env python3
"""The reference solver: OR-Tools' routing library on the same instance, answer in the same format.

The model, node 0 the centre and node i + 1 visit i:
- time: a dimension whose transit is service at the node left plus travel, with waiting
  (slack) allowed; a node's cumul is when its service starts. Several windows: the cumul's
  range is the first opening to the last closing, with the gaps between windows removed
  (RemoveInterval). Each vehicle's start and end cumuls lie within its working day.
- skills and pinned carers: SetAllowedVehiclesForIndex, the vehicles that may take the visit.
- unplaced visits: a disjunction per visit with penalty unmet_penalty.
- overtime: SetSoftSpanUpperBoundForVehicle(BoundCost(max_duration, overtime_weight)): each
  minute of span (end cumul - start cumul) beyond max_duration costs overtime_weight. The
  finalizer is told to start routes late and end them early, so waiting before the first visit
  is not counted, as in the format.
- arc cost: travel minutes.
- continuity (distinct carers per client) cannot be modelled: the routing library's costs are
  per arc, per vehicle and per dimension, and none sees which other vehicles a client's other
  visits went to. So the reference ignores it, and its answer, like every answer, is scored by
  check.py, continuity included.
Search: LOCAL_CHEAPEST_INSERTION first, then GUIDED_LOCAL_SEARCH until the time limit.

    reference.py INSTANCE.json --seconds 10 --out ANSWER.json
"""

import argparse
import json
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2


def solve(instance, seconds):
    visits, vehicles, travel = instance["visits"], instance["vehicles"], instance["travel"]
    locs = [0] + [v["loc"] for v in visits]
    service = [0] + [v["service"] for v in visits]
    manager = pywrapcp.RoutingIndexManager(len(locs), len(vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)

    def arc(i, j):
        return travel[locs[manager.IndexToNode(i)]][locs[manager.IndexToNode(j)]]

    def transit(i, j):
        return service[manager.IndexToNode(i)] + arc(i, j)

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(arc))
    horizon = max(v["end"] for v in vehicles) if vehicles else 0
    routing.AddDimension(routing.RegisterTransitCallback(transit), horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    for i, visit in enumerate(visits):
        index = manager.NodeToIndex(i + 1)
        windows = sorted(visit["windows"])
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(windows[0][0], max(e for _, e in windows))
        reach = windows[0][1]
        for start, end in windows[1:]:
            if start > reach + 1:
                cumul.RemoveInterval(reach + 1, start - 1)
            reach = max(reach, end)
        pinned = visit.get("pinned_carer")
        allowed = [k for k, v in enumerate(vehicles)
                   if visit["skill"] in v["skills"] and (pinned is None or str(pinned) == str(v["carer"]))]
        routing.SetAllowedVehiclesForIndex(allowed, index)
        routing.AddDisjunction([index], int(instance["unmet_penalty"]))

    for k, v in enumerate(vehicles):
        start, end = routing.Start(k), routing.End(k)
        time_dim.CumulVar(start).SetRange(v["start"], v["end"])
        time_dim.CumulVar(end).SetRange(v["start"], v["end"])
        time_dim.SetSoftSpanUpperBoundForVehicle(
            pywrapcp.BoundCost(v["max_duration"], int(instance["overtime_weight"])), k)
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(start))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(end))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    routes = {}
    if solution is not None:
        for k, v in enumerate(vehicles):
            index, route = routing.Start(k), []
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node:
                    route.append(node - 1)
                index = solution.Value(routing.NextVar(index))
            if route:
                routes[str(v["id"])] = route
    return routes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.instance) as f:
        instance = json.load(f)
    began = time.monotonic()
    routes = solve(instance, a.seconds)
    with open(a.out, "w") as f:
        json.dump({"routes": routes, "secs": round(time.monotonic() - began, 3)}, f)


if __name__ == "__main__":
    main()
