#!/usr/bin/env bash
# The care-visit scheduler against two references on generated weeks: builds carecircle-cli
# (release) unless CLI names a binary to use, installs OR-Tools and PyVRP in a venv under the cache
# folder if missing, generates N instances (fixed seeds; 3–8 carers, 40–150 visits, some with
# more work than hours), solves each, one solver at a time, with our scheduler (OURS_SECONDS,
# default 1), OR-Tools (REF_SECONDS, default 10) and PyVRP (PYVRP_SECONDS, default 60), scores
# every answer with check.py and prints the tables and the summary. Files go to bench/out/visits
# (git-ignored).
#
#   bash bench/visits/run.sh [N]                      N defaults to 12
#   CLI=/path/to/carecircle-cli bash bench/visits/run.sh [N]    no cargo build
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
count="${1:-12}"
ours_seconds="${OURS_SECONDS:-1}"
ref_seconds="${REF_SECONDS:-10}"
pyvrp_seconds="${PYVRP_SECONDS:-60}"
here=bench/visits
out=bench/out/visits
venv="${XDG_CACHE_HOME:-$HOME/.cache}/carecircle/visits-venv"

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import ortools" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "ortools==9.12.*"
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(not m.version('pyvrp').startswith('0.14.'))" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "pyvrp==0.14.*"
fi
if [[ -n "${CLI:-}" ]]; then
  cli="$CLI"
else
  cargo build --release --bin carecircle-cli
  cli="$CARGO_TARGET_DIR/release/carecircle-cli"
fi

rm -rf "$out"
mkdir -p "$out"
for ((i = 0; i < count; i++)); do
  # Carers cycle 3..8 while visits grow 40..150: the small teams with many visits are tight.
  carers=$((3 + i % 6))
  visits=$((count > 1 ? 40 + 110 * i / (count - 1) : 40))
  name="$((i + 1))-c${carers}v${visits}"
  python3 "$here/gen.py" --seed "$((i + 1))" --carers "$carers" --visits "$visits" --out "$out/$name.json"
  "$cli" schedule-bench "$out/$name.json" --seconds "$ours_seconds" --out "$out/$name.ours.json" >/dev/null
  "$venv/bin/python" "$here/reference.py" "$out/$name.json" --seconds "$ref_seconds" --out "$out/$name.ref.json"
  "$venv/bin/python" "$here/pyvrp_reference.py" "$out/$name.json" --seconds "$pyvrp_seconds" --out "$out/$name.pyvrp.json"
  echo "… $name" >&2
done
python3 "$here/summarise.py" "$out"
