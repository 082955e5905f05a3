#!/usr/bin/env bash
# Builds the Debian package that staff install on UOS, Kylin and Debian
# (`sudo apt install ./CareCircle_<version>_amd64.deb`): the app in /usr/bin with its menu
# entry (named 一刻钟颐养托育 in Chinese, CareCircle otherwise) and icons, and carecircle-cli
# beside it for administrators. Tauri names the Debian package after productName, kebab-cased:
# `care-circle` (there is no setting for it).
#   package.sh           the release build, what staff install: packages/CareCircle_<version>_amd64.deb
#   package.sh --debug   the same package around a debug build (packages/debug/), for scripts/test.sh:
#                        it reuses the debug build the tests made, where a release build costs
#                        CI minutes more
#
# The bundler is Tauri's, from the npm package @tauri-apps/cli (a devDependency of ui/,
# prebuilt): `cargo install tauri-cli` would compile it for 10 to 19 minutes.
# cargo builds the binaries exactly as scripts/run.sh does, so the two share one build;
# `tauri bundle` then only packs them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

profile=release
case "${1:-}" in
  "") ;;
  --debug) profile=debug ;;
  *) echo "usage: $0 [--debug]" >&2; exit 2 ;;
esac
cargo_flags=(--bins --features tauri/custom-protocol)
bundle_flags=(--bundles deb --ci)
if [ "$profile" = release ]; then
  cargo_flags+=(--release)
  out=packages
else
  bundle_flags+=(--debug)
  out=packages/debug
fi

bash scripts/setup.sh
echo "== building the $profile binaries ($(date -u +%H:%M:%S) UTC)"
cargo build "${cargo_flags[@]}"

echo "== packing the .deb ($(date -u +%H:%M:%S) UTC)"
# carecircle-cli is packaged too (to /usr/bin): it is how an administrator recovers when the
# app cannot open its database (nobody can sign in to reach the Backups page then), runs
# backups from cron and imports rosters, and it must be the app's own version (same schema).
# It adds about 11 MB to the .deb. It goes in through the deb's `files`; its path depends on
# the cargo target folder, so it is given here rather than in tauri.conf.json.
cli="$CARGO_TARGET_DIR/$profile/carecircle-cli"
config="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/carecircle-cli\":\"$cli\"}}}}}"
bundle_dir="$CARGO_TARGET_DIR/$profile/bundle/deb"
rm -f "$bundle_dir"/*.deb
ui/node_modules/.bin/tauri bundle "${bundle_flags[@]}" --config "$config"

debs=("$bundle_dir"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "expected one .deb in $bundle_dir" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.deb
cp "${debs[0]}" "$out/"
deb="$out/$(basename "${debs[0]}")"
echo "== wrote $deb ($(du -h "$deb" | cut -f1))"
