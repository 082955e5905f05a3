#!/usr/bin/env python3
"""Scores every instance's answers with check.py and prints two tables and the summary.

    summarise.py OUT_DIR    reads OUT_DIR/NAME.json, NAME.ours.json, NAME.ref.json (OR-Tools)
                            and NAME.pyvrp.json (PyVRP); a missing reference shows as "–"

The first table is each answer's score: objective (marked ! when check.py found it invalid),
walk (travel: walking minutes), unplaced visits, overtime minutes, continuity, seconds. The second is
our gaps, 100 × (ours - reference) / reference, negative where ours is better: to PyVRP on
walking, on the whole objective and on the objective less continuity (which neither reference
models), and to OR-Tools on walking and on the objective.
"""

import json
import math
import pathlib
import statistics
import sys

from check import score

SOLVERS = [("ours", "ours"), ("OR-Tools", "ref"), ("PyVRP", "pyvrp")]


def load(path):
    with open(path) as f:
        return json.load(f)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def gap(ours, ref):
    if ref is None:
        return None
    if ref == 0:
        return 0.0 if ours == 0 else math.inf
    return 100 * (ours - ref) / ref


def cell(value, width):
    return f"{'–':>{width}}" if value is None else f"{value:>+{width}.1f}"


def main():
    out = pathlib.Path(sys.argv[1])
    names = sorted((p.stem for p in out.glob("*.json") if p.stem.count(".") == 0),
                   key=lambda n: int(n.split("-")[0]))
    rows, invalid, infeasible_flag = [], [], []
    for name in names:
        instance = load(out / f"{name}.json")
        row = {"name": name}
        for label, suffix in SOLVERS:
            path = out / f"{name}.{suffix}.json"
            if not path.exists():
                row[label] = None
                continue
            answer = load(path)
            s = score(instance, answer)
            s["secs"] = answer["secs"]
            s["obj_less_cont"] = s["objective"] - instance["continuity_weight"] * s["continuity"]
            row[label] = s
            if not s["valid"]:
                kinds = sorted({v["kind"] for v in s["violations"]})
                invalid.append(f"{name} {label}: {', '.join(kinds)}")
            if answer.get("feasible") is False:
                infeasible_flag.append(f"{name} {label}")
        rows.append(row)

    # Table 1: the scores.
    block = f"{'obj':>6} {'walk':>5} {'unpl':>4} {'OT':>4} {'cont':>4} {'secs':>5}"
    head = f"{'instance':<10}" + "".join(f" │ {label:<{len(block)}}" for label, _ in SOLVERS)
    print(head)
    print(f"{'':<10}" + f" │ {block}" * len(SOLVERS))
    print("─" * len(head))
    for row in rows:
        line = f"{row['name']:<10}"
        for label, _ in SOLVERS:
            s = row[label]
            if s is None:
                line += f" │ {'–':>6} {'':>5} {'':>4} {'':>4} {'':>4} {'':>5}"
                continue
            obj = ("!" if not s["valid"] else "") + f"{s['objective']:.0f}"
            line += (f" │ {obj:>6} {s['travel']:>5} {s['unplaced']:>4} {s['overtime']:>4} "
                     f"{s['continuity']:>4} {s['secs']:>5.{2 if label == 'ours' else 1}f}")
        print(line)
    print()

    # Table 2: our gaps.
    columns = [("PyVRP", "travel"), ("PyVRP", "objective"), ("PyVRP", "obj_less_cont"),
               ("OR-Tools", "travel"), ("OR-Tools", "objective")]
    titles = ["walk %", "obj %", "obj-cont %", "walk %", "obj %"]
    head = (f"{'instance':<10} │ {'gap to PyVRP':<{10 + 1 + 8 + 1 + 10}} │ {'gap to OR-Tools':<{10 + 1 + 8}}")
    print(head)
    print(f"{'':<10} │ {titles[0]:>10} {titles[1]:>8} {titles[2]:>10} │ {titles[3]:>10} {titles[4]:>8}")
    print("─" * len(head))
    gaps = {c: [] for c in columns}
    for row in rows:
        values = []
        for ref_label, key in columns:
            g = None
            if row["ours"] is not None and row[ref_label] is not None:
                g = gap(row["ours"][key], row[ref_label][key])
                gaps[(ref_label, key)].append(g)
            values.append(g)
        print(f"{row['name']:<10} │ {cell(values[0], 10)} {cell(values[1], 8)} "
              f"{cell(values[2], 10)} │ {cell(values[3], 10)} {cell(values[4], 8)}")
    print()

    secs = [row["ours"]["secs"] for row in rows if row["ours"] is not None]
    print(f"ours: median {statistics.median(secs):.2f} s, p95 {percentile(secs, 95):.2f} s")
    words = {"travel": "walking", "objective": "objective", "obj_less_cont": "objective less continuity"}
    print("our gaps, median / worst (negative = ours better):")
    for ref_label in ("PyVRP", "OR-Tools"):
        parts = [f"{words[key]} {statistics.median(gaps[(r, key)]):+.1f} % / {max(gaps[(r, key)]):+.1f} %"
                 for r, key in columns if r == ref_label and gaps[(r, key)]]
        if parts:
            print(f"  to {ref_label + ':':<9} " + "; ".join(parts))
    print(f"all answers valid: {'yes' if not invalid else 'NO'}")
    for line in invalid:
        print(f"  invalid: {line}")
    for line in infeasible_flag:
        print(f"  the solver itself reported its best answer infeasible: {line}")


if __name__ == "__main__":
    main()
