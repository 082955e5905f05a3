#!/usr/bin/env python3
"""Scores an answer to a care-visit instance by the benchmark's rules, apart from the app's code.

The rules (the same as the module doc of carecircle-core's `schedule`):
- A route leaves the centre (point 0) at its vehicle's start. At each visit the carer arrives
  after travel[from][to] minutes and starts at the earliest minute at or after arrival inside
  one of the visit's windows (start <= t <= end), waiting if need be, and leaves after its
  service. After the last visit the carer walks back: that is `back`.
- travel: per route, centre -> first -> ... -> last -> centre (0 for an empty route).
- overtime per vehicle: max(0, back - departure - max_duration), where departure is the latest
  that delays no visit: the first visit's start - travel[0][its point].
- continuity: sum over clients with a placed visit of (distinct carers - 1).
- objective = travel + unmet_penalty * unplaced + overtime_weight * overtime
  + continuity_weight * continuity.
- Violations: unknown vehicle, visit index out of range, a visit placed twice, a skill the
  vehicle lacks, a visit pinned to another carer (the app's `pinned_carer`), a visit reached
  after all its windows closed (the route is not timed past it), back after the vehicle's end.

    check.py INSTANCE.json ANSWER.json   prints {"valid", "violations", "objective", ...}
"""

import json
import sys


def earliest_start(windows, arrival):
    starts = [max(arrival, s) for s, e in windows if e >= arrival]
    return min(starts) if starts else None


def score(instance, answer):
    travel_m = instance["travel"]
    visits = instance["visits"]
    vehicles = {str(v["id"]): v for v in instance["vehicles"]}
    violations = []
    placed = set()
    carers_of_client = {}
    travel = overtime = 0
    for key, route in answer["routes"].items():
        vehicle = vehicles.get(str(key))
        if vehicle is None:
            violations.append({"kind": "unknown_vehicle", "vehicle": key})
            continue
        known = []
        for v in route:
            if not isinstance(v, int) or v < 0 or v >= len(visits):
                violations.append({"kind": "visit_out_of_range", "vehicle": key, "visit": v})
                continue
            visit = visits[v]
            if v in placed:
                violations.append({"kind": "placed_twice", "visit": v})
            placed.add(v)
            if visit["skill"] not in vehicle["skills"]:
                violations.append({"kind": "skill_missing", "vehicle": key, "visit": v, "skill": visit["skill"]})
            pinned = visit.get("pinned_carer")
            if pinned is not None and str(pinned) != str(vehicle["carer"]):
                violations.append({"kind": "pinned_carer_mismatch", "vehicle": key, "visit": v})
            carers_of_client.setdefault(str(visit["client"]), set()).add(str(vehicle["carer"]))
            known.append(v)
        t, at, first_start, missed = vehicle["start"], 0, None, False
        for v in known:
            visit = visits[v]
            leg = travel_m[at][visit["loc"]]
            travel += leg
            start = earliest_start(visit["windows"], t + leg)
            if start is None:
                violations.append({"kind": "window_missed", "vehicle": key, "visit": v, "arrival": t + leg})
                missed = True
                break
            if first_start is None:
                first_start = start - travel_m[0][visit["loc"]]
            t = start + visit["service"]
            at = visit["loc"]
        if missed or not known:
            continue
        travel += travel_m[at][0]
        back = t + travel_m[at][0]
        if back > vehicle["end"]:
            violations.append({"kind": "end_exceeded", "vehicle": key, "back": back, "end": vehicle["end"]})
        else:
            overtime += max(0, back - first_start - vehicle["max_duration"])
    unplaced = len(visits) - len(placed)
    continuity = sum(len(c) - 1 for c in carers_of_client.values())
    objective = (travel + instance["unmet_penalty"] * unplaced + instance["overtime_weight"] * overtime
                 + instance["continuity_weight"] * continuity)
    return {"valid": not violations, "violations": violations, "objective": objective, "travel": travel,
            "unplaced": unplaced, "overtime": overtime, "continuity": continuity}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        instance = json.load(f)
    with open(sys.argv[2]) as f:
        answer = json.load(f)
    print(json.dumps(score(instance, answer)))


if __name__ == "__main__":
    main()
