#!/usr/bin/env bash
# Builds the release app and runs the start-up and memory benchmark under Xvfb on the
# city-scale demo (60,000 clients). Prints median and p95.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo build --release --features tauri/custom-protocol --bins
rel="$CARGO_TARGET_DIR/release"
xvfb-run -a -s "-screen 0 1280x800x24" python3 bench/startup.py --app "$rel/carecircle" --cli "$rel/carecircle-cli" "$@"
