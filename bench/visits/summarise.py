#!/usr/bin/env python3
"""Scores every instance's two answers with check.py and prints the table and the summary.

    summarise.py OUT_DIR    reads OUT_DIR/NAME.json, NAME.ours.json and NAME.ref.json
"""

import json
import math
import pathlib
import statistics
import sys

from check import score


def load(path):
    with open(path) as f:
        return json.load(f)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    out = pathlib.Path(sys.argv[1])
    names = sorted((p.stem for p in out.glob("*.json") if p.stem.count(".") == 0), key=lambda n: int(n.split("-")[0]))
    head = (f"{'instance':<14} {'carers':>6} {'visits':>6} │ {'ours':>7} {'travel':>6} {'unpl':>4} {'OT':>4} "
            f"{'cont':>4} {'secs':>5} │ {'OR-Tools':>8} {'travel':>6} {'unpl':>4} {'OT':>4} {'cont':>4} {'secs':>5} │ {'gap %':>6}")
    print(head)
    print("─" * len(head))
    gaps, secs, valid = [], [], True
    for name in names:
        instance = load(out / f"{name}.json")
        ours, ours_answer = score(instance, load(out / f"{name}.ours.json")), load(out / f"{name}.ours.json")
        ref, ref_answer = score(instance, load(out / f"{name}.ref.json")), load(out / f"{name}.ref.json")
        valid &= ours["valid"] and ref["valid"]
        gap = 100 * (ours["objective"] - ref["objective"]) / ref["objective"]
        gaps.append(gap)
        secs.append(ours_answer["secs"])

        def parts(s):
            mark = "" if s["valid"] else "!"
            return (f"{s['objective']:>7.0f}{mark} {s['travel']:>6} {s['unplaced']:>4} {s['overtime']:>4} "
                    f"{s['continuity']:>4}")

        print(f"{name:<14} {len(instance['carers']):>6} {len(instance['visits']):>6} │ {parts(ours)} "
              f"{ours_answer['secs']:>5.2f} │ {parts(ref):>{8 + 21}} {ref_answer['secs']:>5.1f} │ {gap:>+6.1f}")
    print()
    print(f"ours: median {statistics.median(secs):.2f} s, p95 {percentile(secs, 95):.2f} s; "
          f"gap to OR-Tools (negative = better): median {statistics.median(gaps):+.1f} %, "
          f"worst {max(gaps):+.1f} %; all answers valid: {'yes' if valid else 'NO'}")


if __name__ == "__main__":
    main()
