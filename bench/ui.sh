#!/usr/bin/env bash
# Builds the release app and runs the keystroke-to-paint benchmark (bench/ui.py) under Xvfb
# on the city-scale demo (60,000 clients). Prints median and p95 of each figure.
#
#   bash bench/ui.sh [--db CITY.db] [--keystrokes N] [--opens N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh --test
cargo build --release --features tauri/custom-protocol --bins
rel="$CARGO_TARGET_DIR/release"
xvfb-run -a -s "-screen 0 1280x800x24" tests/e2e/.venv/bin/python bench/ui.py --app "$rel/carecircle" --cli "$rel/carecircle-cli" "$@"
