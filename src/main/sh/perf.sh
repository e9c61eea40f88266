#!/usr/bin/env bash
# make perf: the benchmark (not a test). See bench perf --help; extra arguments pass through,
# e.g. make perf PERF_ARGS="--streams 64,512 --long-run 0".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
# shellcheck disable=SC2086 # PERF_ARGS is a list of flags
exec ./bench perf ${PERF_ARGS:-} "$@"
