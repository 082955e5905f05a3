#!/usr/bin/env bash
# Installs what is missing, builds CareCircle and opens it on its default database
# (the app's data folder), loading the demo city there the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo build --release --features tauri/custom-protocol --bins
bin="$CARGO_TARGET_DIR/release"
if "$bin/carecircle-cli" seed-demo >/dev/null 2>&1; then
  echo "== loaded the demo city into the default database"
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "== no display: starting the app under Xvfb"
  exec xvfb-run -a "$bin/carecircle" "$@"
fi
exec "$bin/carecircle" "$@"
