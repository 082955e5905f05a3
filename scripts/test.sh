#!/usr/bin/env bash
# Installs what is missing and runs every test: unit and integration tests (cargo), then
# the end-to-end tests, which drive the real app under Xvfb through tauri-driver and
# WebKitWebDriver, then the package test (the .deb installed, used and removed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh --test

echo "== cargo fmt and clippy ($(date -u +%H:%M:%S) UTC)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test ($(date -u +%H:%M:%S) UTC)"
# Under nextest (.config/nextest.toml): every test binary's tests in one pool, slowest first.
cargo nextest run --workspace 2>&1 | tee "${TMPDIR:-/tmp}/carecircle-cargo-test.log"
# nextest leaves doc-tests out; cargo runs them.
cargo test --workspace --doc --quiet

# The tests that read the machine's clock, again at two other dates that stress the
# calendar: a year's last minutes in Wuhai (the day turns during the run) and a leap day,
# on a UTC machine. No test may depend on the day it runs. The core never reads the
# machine's clock (a unit test holds its sources to that: clock.rs), so its own tests, on
# the tests' fixed clock, would only repeat the run above; the app's crate is where the
# machine's clock enters, through the CLI and the app. Cargo builds as usual; only the test
# binaries (and the CLI they start) run under libfaketime, through the runner. (The
# workspace is built as above, whose features differ from the app crate's alone: --package
# would rebuild.)
for when in "Asia/Shanghai|@2027-12-31 23:50:00" "UTC|@2028-02-29 12:00:00"; do
  echo "== cargo test of the app's crate at ${when#*@} (${when%%|*}), started $(date -u +%H:%M:%S) UTC"
  TZ="${when%%|*}" FAKETIME="${when#*|}" \
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="$PWD/scripts/faketime-runner.sh" \
    cargo nextest run --workspace -E 'package(carecircle)' 2>&1 | tee "${TMPDIR:-/tmp}/carecircle-cargo-test-faketime.log"
done

# The TypeScript types are generated from Rust by the test run above: they must match
# what is committed, or the UI was built against stale types.
if command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
  if ! git diff --quiet -- ui/src/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/bindings)" ]; then
    echo "ui/src/bindings is out of date with the Rust types: commit the regenerated files." >&2
    git status --short ui/src/bindings >&2
    exit 1
  fi
fi

echo "== end-to-end tests ($(date -u +%H:%M:%S) UTC)"
# cargo test built both binaries (integration tests need them) with the UI embedded.
export CARECIRCLE_APP="$CARGO_TARGET_DIR/debug/carecircle"
export CARECIRCLE_CLI="$CARGO_TARGET_DIR/debug/carecircle-cli"
# A hung WebDriver call must not eat the CI budget: the whole suite gets 30 minutes. Two
# workers, one per core, each with an X display of its own (tests/e2e/conftest.py): most of
# a test is waiting on the window, so two at once take about 30 % less time than one by one.
timeout --kill-after=30 1800 xvfb-run -a -s "-screen 0 1280x800x24" tests/e2e/.venv/bin/pytest -q -n 2 tests/e2e

# Last, as it rebuilds the binaries above with the production feature: the .deb, installed,
# signed in to and removed.
echo "== package test ($(date -u +%H:%M:%S) UTC)"
bash scripts/test-package.sh
