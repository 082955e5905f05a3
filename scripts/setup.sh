#!/usr/bin/env bash
# Installs what CareCircle needs and is missing on a Debian machine, then builds the UI.
#   setup.sh          what running the app needs
#   setup.sh --test   also what the tests need (Xvfb, WebKitWebDriver, tauri-driver, pytest)
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

packages=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
          libayatana-appindicator3-dev libxdo-dev file fonts-wqy-microhei xvfb xauth)
if $want_test; then
  # tzdata: the end-to-end tests run in Asia/Shanghai, as the city's PCs do; faketime: the
  # cargo tests run again at other dates; desktop-file-utils: the package test checks the
  # menu entry.
  packages+=(webkit2gtk-driver python3-venv imagemagick xdotool poppler-utils sqlite3 tzdata faketime
             desktop-file-utils)
fi
# The city hub's tests start their own PostgreSQL cluster (tests/common/pg.rs): Debian's
# server, without the cluster and service its package would otherwise make and start.
if $want_test && ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
  echo "== installing PostgreSQL (no default cluster)"
  log="${TMPDIR:-/tmp}/carecircle-apt.log"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
           -o DPkg::Lock::Timeout=600 --no-install-recommends postgresql-common \
         && $SUDO sed -ri 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' \
              /etc/postgresql-common/createcluster.conf \
         && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
              -o DPkg::Lock::Timeout=600 --no-install-recommends postgresql; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "apt-get failed; the whole log is in $log" >&2
    exit 1
  fi
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  log="${TMPDIR:-/tmp}/carecircle-apt.log"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
           -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "apt-get failed; the whole log is in $log" >&2
    exit 1
  fi
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "CareCircle needs $tool (the Rust toolchain, Node 20 and npm) on PATH." >&2; exit 1; }
done

if $want_test; then
  # The tests check formatting and lints first (rustup's default profile has both).
  for part in fmt clippy; do
    cargo "$part" --version >/dev/null 2>&1 || { echo "The tests need cargo $part: rustup component add ${part/fmt/rustfmt}" >&2; exit 1; }
  done
  # The cargo tests run under nextest: one pool of test processes across every test
  # binary, the slowest started first (.config/nextest.toml). The machine image has it;
  # elsewhere it comes from crates.io (minutes, once).
  if ! command -v cargo-nextest >/dev/null; then
    echo "== installing cargo-nextest"
    cargo install cargo-nextest --locked --quiet
  fi
  if ! command -v tauri-driver >/dev/null; then
    echo "== installing tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
  if [ ! -x tests/e2e/.venv/bin/pytest ] || [ tests/e2e/requirements.txt -nt tests/e2e/.venv/bin/pytest ]; then
    echo "== preparing the end-to-end test environment"
    python3 -m venv tests/e2e/.venv
    tests/e2e/.venv/bin/pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
    touch tests/e2e/.venv/bin/pytest
  fi
fi

(cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; })

# The app embeds ui/dist, so rewriting it makes cargo rebuild the app crate (minutes on two
# cores). Build the UI only when what it is made from changed since the last successful
# build: the stamp holds a hash of those files' contents (not their times: `cargo test`
# rewrites ui/src/bindings with the same text every run). It is computed before building,
# so an edit made during the build is seen next time; components.d.ts is left out, as the
# build writes it from the other sources. A fresh clone (CI) has no ui/dist and builds.
stamp=ui/.dist-built
ui_hash="$(cd ui && find src public index.html package.json package-lock.json node_modules/.package-lock.json \
             vite.config.ts tsconfig.json tsconfig.node.json -type f ! -path src/components.d.ts -print0 \
           | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)" || ui_hash=""
if [ -n "$ui_hash" ] && [ -f ui/dist/index.html ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ui_hash" ]; then
  echo "== the UI is up to date (ui/dist)"
else
  echo "== building the UI"
  rm -f "$stamp"
  (cd ui && npm run --silent build)
  [ -z "$ui_hash" ] || echo "$ui_hash" > "$stamp"
fi
