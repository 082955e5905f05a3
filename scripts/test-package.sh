#!/usr/bin/env bash
# The package as staff get it: builds the .deb (a debug build, see package.sh), installs it
# with apt, checks the menu entry, signs in through the installed app under Xvfb (with the
# installed carecircle-cli loading the demo city), then removes it and checks nothing is left.
# scripts/test.sh runs this after the other tests; it needs what `setup.sh --test` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

bash scripts/package.sh --debug
deb=(packages/debug/*.deb)
package="$(dpkg-deb -f "${deb[0]}" Package)"
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  # Installing over it and removing it would take away the user's own installation.
  echo "== $package is installed on this machine: not testing the package (remove it to test)" >&2
  exit 0
fi

fail() { echo "package test: $*" >&2; exit 1; }
remove() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$package" >/dev/null; }
trap 'remove 2>/dev/null || true' EXIT

echo "== installing ${deb[0]} ($(date -u +%H:%M:%S) UTC)"
# ./ makes apt read the file; it resolves the package's dependencies as a user's install would.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 "./${deb[0]}" >/dev/null

for f in /usr/bin/carecircle /usr/bin/carecircle-cli; do
  [ -x "$f" ] || fail "$f is not installed"
done
desktop=/usr/share/applications/CareCircle.desktop
[ -f "$desktop" ] || fail "no menu entry $desktop; the package holds: $(dpkg -L "$package" | tr '\n' ' ')"
desktop-file-validate "$desktop" || fail "$desktop is not a valid desktop entry"
entry() { sed -n "s/^$1=//p" "$desktop"; }
[ "$(entry 'Name')" = "CareCircle" ] || fail "Name is '$(entry 'Name')'"
[ "$(entry 'Name\[zh_CN\]')" = "一刻钟颐养托育" ] || fail "Name[zh_CN] is '$(entry 'Name\[zh_CN\]')'"
[ "$(command -v "$(entry Exec)")" = /usr/bin/carecircle ] || fail "Exec '$(entry Exec)' does not start /usr/bin/carecircle"
icon="$(entry Icon)"
for size in 32x32 128x128 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/$icon.png" ] || fail "no $size icon named '$icon'"
done
[[ "$(entry Categories)" == *Office* ]] || fail "Categories is '$(entry Categories)', not in the menu's Office section"
"/usr/bin/carecircle-cli" id-check 11010519491231002X >/dev/null || fail "the installed CLI does not run"

echo "== signing in through the installed app ($(date -u +%H:%M:%S) UTC)"
CARECIRCLE_APP=/usr/bin/carecircle CARECIRCLE_CLI=/usr/bin/carecircle-cli \
  timeout --kill-after=30 600 xvfb-run -a -s "-screen 0 1280x800x24" tests/e2e/.venv/bin/pytest -q \
  tests/e2e/test_accounts_e2e.py -k "first_run or wrong_password_is_refused"

echo "== removing $package"
remove
for f in /usr/bin/carecircle /usr/bin/carecircle-cli "$desktop"; do
  [ ! -e "$f" ] || fail "$f is still there after removing $package"
done
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  fail "$package is still installed"
fi
echo "== the package installs, runs and removes cleanly"
