#!/usr/bin/env python3
"""Start-up benchmark: time from launch to the first screen with data, and the memory
(PSS) of the app and its WebKit processes together, on the city-scale demo.

Run under a display (bench/startup.sh wraps it in Xvfb). Each run launches the app with
CARECIRCLE_BENCH_READY=1: the UI calls `app_ready` once the first screen shows the city's
figures from the database, and the app prints `ready_ms=<ms since process start>`. PSS is
read from /proc/<pid>/smaps_rollup for the app and all its descendants (WebKitWebProcess,
WebKitNetworkProcess) after the window has settled. Prints median and p95."""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def percentile(values, q):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def one_run(app, db, settle):
    home = tempfile.mkdtemp(prefix="carecircle-bench-")
    env = dict(os.environ, CARECIRCLE_BENCH_READY="1", HOME=home, XDG_DATA_HOME=f"{home}/d", XDG_CACHE_HOME=f"{home}/c")
    proc = subprocess.Popen([app, "--db", db], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        ready = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("ready_ms="):
                ready = float(line.split("=", 1)[1])
                break
        if ready is None:
            raise RuntimeError("the app never reported its first screen")
        time.sleep(settle)
        pids = descendants(proc.pid)
        per_process = {}
        for p in pids:
            per_process[process_name(p)] = per_process.get(process_name(p), 0) + pss_kib(p)
        return ready, sum(per_process.values()) / 1024, per_process
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--app", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--db", help="an existing database; default: a new city-scale demo")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--settle", type=float, default=2.0, help="seconds after the first screen before reading memory")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="carecircle-bench-db-")
    db = args.db
    if not db:
        db = os.path.join(workdir, "city.db")
        t0 = time.time()
        # The CLI signs in: the new file's administrator gets this password.
        env = {**os.environ, "CARECIRCLE_PASSWORD": os.environ.get("CARECIRCLE_PASSWORD", "bench-admin-1")}
        subprocess.run([args.cli, "--db", db, "seed-demo", "--scale", str(args.scale)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        summary = subprocess.run([args.cli, "--db", db, "summary"], check=True, capture_output=True, text=True,
                                 env=env).stdout
        print(f"seeded scale {args.scale} in {time.time() - t0:.1f} s: {' '.join(summary.split())}")

    # One warm-up run so that every measured run starts with the OS file cache warm, as a
    # facility PC does after its first start of the day.
    one_run(args.app, db, 0.5)
    ready, pss, last = [], [], {}
    for i in range(args.runs):
        r, m, last = one_run(args.app, db, args.settle)
        ready.append(r)
        pss.append(m)
        print(f"run {i + 1}: first screen with data {r:.0f} ms, PSS {m:.0f} MiB")
    print("PSS by process (last run, MiB): " + ", ".join(f"{k} {v / 1024:.0f}" for k, v in sorted(last.items())))
    print(f"start-up to first data: median {statistics.median(ready):.0f} ms, p95 {percentile(ready, 0.95):.0f} ms (n={args.runs})")
    print(f"memory PSS, app + WebKit: median {statistics.median(pss):.0f} MiB, p95 {percentile(pss, 0.95):.0f} MiB")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
