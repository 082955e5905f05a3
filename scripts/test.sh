#!/usr/bin/env bash
# Installs what is missing and runs every test: unit and integration tests (cargo), then
# the end-to-end tests, which drive the real app under Xvfb through tauri-driver and
# WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh --test

echo "== cargo test"
cargo test --workspace --no-fail-fast 2>&1 | tee "${TMPDIR:-/tmp}/carecircle-cargo-test.log"

# The TypeScript types are generated from Rust by the test run above: they must match
# what is committed, or the UI was built against stale types.
if command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
  if ! git diff --quiet -- ui/src/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/bindings)" ]; then
    echo "ui/src/bindings is out of date with the Rust types: commit the regenerated files." >&2
    git status --short ui/src/bindings >&2
    exit 1
  fi
fi

echo "== end-to-end tests"
# cargo test built both binaries (integration tests need them) with the UI embedded.
export CARECIRCLE_APP="$CARGO_TARGET_DIR/debug/carecircle"
export CARECIRCLE_CLI="$CARGO_TARGET_DIR/debug/carecircle-cli"
# A hung WebDriver call must not eat the CI budget: the whole suite gets 30 minutes.
timeout --kill-after=30 1800 xvfb-run -a -s "-screen 0 1280x800x24" tests/e2e/.venv/bin/pytest -q tests/e2e
