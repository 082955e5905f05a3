#!/usr/bin/env bash
# Cargo's runner for the test binaries in scripts/test.sh's other-date runs: each binary
# (and every process it starts, such as the CLI) sees the date in $FAKETIME through
# libfaketime. Cargo itself must never run under it: rustc then hangs on a futex.
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
exec "$@"
