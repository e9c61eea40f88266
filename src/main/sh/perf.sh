#!/usr/bin/env bash
# make perf: the benchmark (not a test). See bench perf --help; extra arguments pass through,
# e.g. make perf PERF_ARGS="--streams 64,512 --long-run 0".
# With a C compiler here, the C floor client (src/main/c/floor.c) is built and run too, so that
# the client's CPU per token is read against what this machine's kernel costs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
floor=()
if command -v cc >/dev/null 2>&1; then
    mkdir -p target
    if cc -O2 -Wall -o target/floor src/main/c/floor.c; then
        floor=(--floor-client target/floor)
    else
        echo "make perf: src/main/c/floor.c did not compile; the C floor point is skipped" >&2
    fi
else
    echo "make perf: no C compiler (cc); the C floor point is skipped" >&2
fi
# shellcheck disable=SC2086 # PERF_ARGS is a list of flags
exec ./bench perf "${floor[@]}" ${PERF_ARGS:-} "$@"
