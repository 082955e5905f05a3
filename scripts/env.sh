# Sourced by the scripts: one cargo target folder per machine, so that a fresh clone
# (as CI makes) reuses what an earlier build compiled. A cold run works the same, slower.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carecircle/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
